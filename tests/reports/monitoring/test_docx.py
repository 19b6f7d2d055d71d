"""The monitoring's documents in Word (issue 15): a class's sheet and a school's summary, the
same text as their PDFs in the same order, the pupils' rows only where the PDF has them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from associations.models import ClassAssignment
from reports import word
from tests import factories as f
from tests.helpers import body, login, pdf_reader, pdf_text
from tests.reports.docx_checks import (
    assert_a4_with_official_margins,
    assert_every_text_in_pdf_order,
    assert_in_order,
    docx_document,
    docx_flat,
    header_repeats,
    libreoffice_pages,
    table_texts,
)

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


def _signature_line(text: str) -> bool:
    return set(text) == {"_"}  # drawn as a line in the PDF


def _get(user, name, pk, status=200):
    response = login(user).get(reverse(f"reports:{name}", args=[pk]))
    assert response.status_code == status, response.status_code
    return response


def test_the_class_sheet_docx_says_what_its_pdf_says(world, september, may):
    response = _get(world.teacher, "monitoring_result_docx", september.pk)
    assert response["Content-Type"] == word.DOCX_MIMETYPE
    assert response["Content-Disposition"].startswith('attachment; filename="monitoring-6b-september-')
    content = body(response)
    pdf_bytes = body(_get(world.teacher, "monitoring_result_pdf", september.pk))
    page = pdf_reader(pdf_bytes).pages[0]
    assert_a4_with_official_margins(content, landscape=page.mediabox.width > page.mediabox.height)  # as the PDF
    doc = docx_document(content)
    distribution, qualities, pupils, _signature = doc.tables
    assert all(header_repeats(table) for table in (distribution, qualities, pupils))
    assert table_texts(distribution)[0] == ["Уровень", "сентябрь: учеников", "%", "май: учеников", "%"]
    assert table_texts(distribution)[-1] == ["Всего учтено", "8", "100\u00a0%", "8", "100\u00a0%"]
    assert table_texts(pupils)[1][:2] == ["1", "Ю.Щ."] and len(pupils.rows) == 9

    docx = docx_flat(content)
    pdf = pdf_text(pdf_bytes)
    keys = [
        "Результаты мониторинга уровня воспитанности учащихся", "6 «Б» класс, сентябрь",
        "Классный руководитель:", "Средний балл класса: 4,4, уровень воспитанности: хороший",
        "Динамика: сентябрь 4,4 → май 4,8 (+0,4)", "Уровень", "Всего учтено", "Качество", "Средний балл",
        "Инициалы", "Ю.Щ.", "Классный руководитель", "Соколова М.П.",
    ]
    assert_in_order(pdf.upper(), [key.upper() for key in keys])  # the PDF's title is in capitals
    assert_in_order(docx.upper(), [key.upper() for key in keys])
    assert_every_text_in_pdf_order(content, pdf, skip=_signature_line, any_case=True)


@pytest.mark.parametrize("who", ["methodologist", "admin"])
def test_the_district_level_s_class_sheet_has_no_pupil_row(world, september, who):
    content = body(_get(getattr(world, who), "monitoring_result_docx", september.pk))
    text = docx_flat(content)
    assert "Средний балл класса: 4,4".replace(" ", "") in text
    assert "Ю.Щ." not in text and "Инициалы" not in text


def test_a_small_class_s_sheet_is_a_404_to_the_district_level_as_its_pdf(world, small):
    _get(world.methodologist, "monitoring_result_docx", small.pk, status=404)
    _get(world.methodologist, "monitoring_result_pdf", small.pk, status=404)
    _get(world.deputy, "monitoring_result_docx", small.pk)


def test_the_school_summary_docx_leaves_out_a_small_class_for_the_district_level(world, september, may, small):
    response = _get(world.methodologist, "monitoring_school_docx", world.school.pk)
    content = body(response)
    assert_a4_with_official_margins(content, landscape=True)
    doc = docx_document(content)
    band = doc.tables[0]
    assert header_repeats(band)
    rows = table_texts(band)
    assert rows[0] == ["Класс", "Классный руководитель", "Сентябрь", "Май", "Динамика"]  # merged cells
    # The second header row: «Класс», «Классный руководитель» and «Динамика» are merged down into it.
    assert rows[1] == ["Класс", "Классный руководитель", "учтено", "средний балл", "уровень", "учтено",
                       "средний балл", "уровень", "Динамика"]
    assert rows[2] == ["6 «Б»", "Соколова М.П.", "8", "4,4", "хороший", "8", "4,8", "высокий", "+0,4"]
    text = docx_flat(content)
    assert "7«В»" not in text and "Малышева" not in text
    assert "входяттольковитог" in text

    pdf = pdf_text(body(_get(world.methodologist, "monitoring_school_pdf", world.school.pk)))
    keys = [
        str(world.school), "Сводная таблица результатов мониторинга уровня воспитанности учащихся",
        f"{world.year} учебный год", "5–11 классы", "Класс", "Классный руководитель", "6 «Б»", "Соколова М.П.",
        "Итого", "Классы, где учтено меньше 5 учеников, входят только в итог.", "Уровень", "Заместитель директора",
    ]
    assert_in_order(pdf.upper(), [key.upper() for key in keys])
    assert_in_order(text.upper(), [key.upper() for key in keys])
    assert_every_text_in_pdf_order(content, pdf, skip=_signature_line, any_case=True)
    deputy = docx_flat(body(_get(world.deputy, "monitoring_school_docx", world.school.pk)))
    assert "7«В»" in deputy and "Малышева" in deputy


def test_a_school_without_monitoring_says_so(world):
    text = docx_flat(body(_get(world.deputy, "monitoring_school_docx", world.school.pk)))
    assert "В этом учебном году мониторинг в школе не проводился.".replace(" ", "") in text


def test_the_pages_link_the_docx_beside_the_pdf(world, september):
    page = body(_get(world.teacher, "monitoring_result", september.pk)).decode()
    assert page.index(reverse("reports:monitoring_result_pdf", args=[september.pk])) < page.index(
        reverse("reports:monitoring_result_docx", args=[september.pk]))
    page = body(_get(world.deputy, "monitoring_school", world.school.pk)).decode()
    assert page.index(reverse("reports:monitoring_school_pdf", args=[world.school.pk])) < page.index(
        reverse("reports:monitoring_school_docx", args=[world.school.pk]))


def test_libreoffice_opens_the_class_sheet(world, september, may, tmp_path):
    content = body(_get(world.teacher, "monitoring_result_docx", september.pk))
    assert 1 <= libreoffice_pages(content, tmp_path) <= 2
