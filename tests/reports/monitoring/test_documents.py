"""The monitoring's documents (reports.monitoring.exporters): a class's sheet and a school's
summary as PDF and XLSX, read back; the pupils' rows only in a per-pupil reader's files, never
in the district level's; the charts drawn in the PDF as in the page."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from associations.models import ClassAssignment
from tests import factories as f
from tests.helpers import body, flat, login, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def six_b(world):
    return ClassAssignment.objects.get(teacher=world.teacher_person, grade=6, letter="Б")


@pytest.fixture
def september(six_b):
    monitoring = f.class_monitoring(six_b, period="september", pupils=8,
                                    values=lambda n, q, r: 5 if n <= 3 else 4)
    monitoring.pupils.filter(number=1).update(initials="Ю.Щ.")
    return monitoring


@pytest.fixture
def may(six_b):
    return f.class_monitoring(six_b, period="may", pupils=8, values=lambda n, q, r: 5 if n <= 6 else 4)


@pytest.fixture
def small(world):
    assignment = f.ClassAssignmentFactory(teacher=f.PersonFactory(school=world.school, last_name="Малышева"),
                                          academic_year=world.year, grade=7, letter="В")
    return f.class_monitoring(assignment, period="september", pupils=3, values=lambda n, q, r: 2)


def _get(user, name, pk):
    response = login(user).get(reverse(f"reports:{name}", args=[pk]))
    assert response.status_code == 200, response.status_code
    return response


def _cells(content: bytes) -> list[str]:
    workbook = load_workbook(io.BytesIO(content))
    return [str(cell) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for cell in row
            if cell is not None]


def test_the_class_sheet_pdf_has_the_figures_the_chart_and_the_pupils_for_the_teacher(world, september, may):
    response = _get(world.teacher, "monitoring_result_pdf", september.pk)
    assert response["Content-Type"] == "application/pdf"
    text = flat(pdf_text(body(response)))
    # 3 × 5,0 and 5 × 4,0: 35 / 8 = 4,375 → «4,4», хороший
    assert flat("Средний балл класса: 4,4, уровень воспитанности: хороший") in text
    assert flat("6 «Б» класс, сентябрь") in text
    assert flat("Динамика: сентябрь 4,4 → май 4,8 (+0,4)") in text
    assert flat("высокий хороший средний низкий сентябрь май") in text  # the SVG's labels, drawn
    assert "Ю.Щ." in text


@pytest.mark.parametrize("who", ["methodologist", "admin"])
def test_the_district_level_s_class_sheet_has_no_pupil_row(world, september, who):
    text = flat(pdf_text(body(_get(getattr(world, who), "monitoring_result_pdf", september.pk))))
    assert flat("Средний балл класса: 4,4") in text and "хороший" in text
    assert "Ю.Щ." not in text and "Инициалы" not in text
    cells = _cells(body(_get(getattr(world, who), "monitoring_result_xlsx", september.pk)))
    assert "Ю.Щ." not in cells and "Инициалы" not in cells


def test_the_class_sheet_xlsx_has_the_distribution_the_qualities_and_the_pupils(world, september):
    response = _get(world.deputy, "monitoring_result_xlsx", september.pk)
    assert response["Content-Disposition"].startswith('attachment; filename="monitoring-6b-september-')
    workbook = load_workbook(io.BytesIO(body(response)))
    assert workbook.sheetnames == ["Итоги", "Ученики"]
    summary = [cell for row in workbook["Итоги"].iter_rows(values_only=True) for cell in row if cell is not None]
    assert any("Средний балл: 4,4, уровень: хороший" in str(cell) for cell in summary)
    assert "высокий" in summary and "Долг и ответственность" in summary
    pupils = list(workbook["Ученики"].iter_rows(values_only=True))
    assert pupils[0][:2] == ("№", "Инициалы") and pupils[1][:2] == (1, "Ю.Щ.")
    assert pupils[1][-2:] == (5.0, "высокий") and len(pupils) == 9


def test_a_small_class_s_sheet_is_a_404_to_the_district_level(world, small):
    for name in ("monitoring_result_pdf", "monitoring_result_xlsx"):
        url = reverse(f"reports:{name}", args=[small.pk])
        assert login(world.methodologist).get(url).status_code == 404
        assert login(world.deputy).get(url).status_code == 200


def test_the_school_summary_leaves_out_a_small_class_for_the_district_level(world, september, may, small):
    text = flat(pdf_text(body(_get(world.methodologist, "monitoring_school_pdf", world.school.pk))))
    assert flat("Сводная таблица результатов мониторинга").upper() in text and flat("6 «Б»") in text
    assert flat("7 «В»") not in text and "Малышева" not in text
    assert flat("входят только в итог") in text
    cells = _cells(body(_get(world.methodologist, "monitoring_school_xlsx", world.school.pk)))
    assert "6 «Б»" in cells and "7 «В»" not in cells and "Итого" in cells
    deputy = flat(pdf_text(body(_get(world.deputy, "monitoring_school_pdf", world.school.pk))))
    assert flat("7 «В»") in deputy and "Малышева" in deputy


def test_the_school_summary_xlsx_has_a_sheet_per_grade_band_with_numbers(world, september, may):
    junior = f.ClassAssignmentFactory(teacher=f.PersonFactory(school=world.school), academic_year=world.year,
                                      grade=3, letter="А")
    f.class_monitoring(junior, period="may", pupils=6, values=lambda n, q, r: 3)
    workbook = load_workbook(io.BytesIO(body(_get(world.deputy, "monitoring_school_xlsx", world.school.pk))))
    assert workbook.sheetnames == ["1–4 классы", "5–11 классы"]
    rows = {row[0]: row for row in workbook["5–11 классы"].iter_rows(values_only=True) if row[0]}
    assert rows["6 «Б»"][2:9] == (8, 4.4, "хороший", 8, 4.8, "высокий", "+0,4")
    assert rows["Итого"][6] == 4.8
