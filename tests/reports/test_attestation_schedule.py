"""The school МО's perspective schedule of attestation as documents: the PDF read back as text
and the XLSX with openpyxl, each with the members, their categories, expiries and the year each
one's next attestation falls in."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from associations.models import AcademicYear
from associations.records.attestation.services import attestation_expiry
from tests import factories as f
from tests.helpers import flat, pdf_text


def _record(person, category, granted_on):
    return f.AttestationFactory(
        person=person, category=category, granted_on=granted_on, order_date=granted_on,
        academic_year=AcademicYear.objects.get_or_create(start_year=AcademicYear.start_year_for(granted_on))[0],
        expires_on=attestation_expiry(category=category, granted_on=granted_on),
    )


@pytest.fixture
def schedule_world(world):
    first = AcademicYear.start_year_for(timezone.localdate())
    _record(world.teacher_person, "first", datetime.date(2023, 10, 10))  # бессрочно
    szd = _record(world.head_person, "szd", datetime.date(first - 2, 11, 20))  # due in the schedule's 4th year
    return first, szd


def test_the_pdf_lists_each_member_with_the_year_due(world, schedule_world, client_for):
    first, szd = schedule_world
    response = client_for(world.head).get(reverse("reports:attestation_schedule_pdf", args=[world.mo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private"
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in (
        "ПЕРСПЕКТИВНЫЙПЛАН-ГРАФИК",  # the title is in capitals (print.css)
        f"аттестациипедагогическихработниковна{first}–{first + 5}годы",
        world.mo.name.replace(" ", ""),
        "СоколоваМаринаПетровна", "первая", "10.10.2023", "бессрочно",
        "ВолковаАннаПетровна", "соответствиезанимаемойдолжности",
        f"СЗД(до{szd.expires_on:%d.%m.%Y})",
        *(f"{y}/{y + 1}" for y in range(first, first + 5)),
        "РуководительМО", "А.П.Волкова",
    ):
        assert flat(expected) in text, expected


def test_the_xlsx_has_a_column_per_year(world, schedule_world, client_for):
    first, szd = schedule_world
    response = client_for(world.deputy).get(reverse("reports:attestation_schedule_xlsx", args=[world.mo.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == f"Перспективный план-график аттестации педагогических работников на {first}–{first + 5} годы"
    header_index = next(i for i, row in enumerate(rows) if row[0] == "№ п/п")
    header = rows[header_index]
    assert list(header) == [
        "№ п/п", "Ф.И.О. педагога", "Должность", "Категория", "Дата присвоения", "Действует по",
        *(f"{y}/{y + 1}" for y in range(first, first + 5)),
    ]
    body = {row[1]: row for row in rows[header_index + 1:]}
    assert set(body) == {"Волкова Анна Петровна", "Соколова Марина Петровна"}
    teacher = body["Соколова Марина Петровна"]
    assert teacher[3:6] == ("первая", "10.10.2023", "бессрочно") and not any(teacher[6:])
    head = body["Волкова Анна Петровна"]
    assert head[3] == "соответствие занимаемой должности"
    assert head[6:] == (None, None, None, f"СЗД (до {szd.expires_on:%d.%m.%Y})", None)


def test_the_documents_are_the_schedule_pages_readers(world, client_for):
    for name in ("reports:attestation_schedule_pdf", "reports:attestation_schedule_xlsx"):
        url = reverse(name, args=[world.mo.pk])
        assert client_for(world.teacher).get(url).status_code == 403
        assert client_for(world.other_deputy).get(url).status_code == 404
        # A district РМО has no schedule of its own here.
        assert client_for(world.methodologist).get(reverse(name, args=[world.rmo.pk])).status_code == 404
