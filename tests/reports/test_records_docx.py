"""The acknowledgment sheet and the attestation schedule in Word (issue 15), beside their PDFs: the
same readers, the same texts in the same order (the DOCX read back with python-docx, the PDF with
pypdf), the schedule one real table with its header row repeated, A4 (landscape for the schedule)
with the official margins; LibreOffice opens the schedule."""

from __future__ import annotations

import datetime
import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from associations.models import Appointment
from associations.records.instructions import services as instruction_services
from reports import word
from tests import factories as f
from tests.helpers import flat, pdf_reader, pdf_text
from tests.reports.test_attestation_schedule import schedule_world as schedule_world


def norm(text: str) -> str:
    """As tests.helpers.flat, case folded (print.css sets some titles in capitals), «-» and «_»
    left out (a PDF draws the blanks as lines, a DOCX as underscores)."""
    return flat(text).lower().replace("-", "").replace("\u2010", "").replace("\u00ad", "").replace("_", "")


def assert_in_order(text: str, keys: list[str], *, what: str) -> None:
    position = 0
    for key in keys:
        found = text.find(norm(key), position)
        assert found >= 0, f"{what}: {key!r} missing (or out of order) after {text[max(position - 40, 0):position]!r}"
        position = found + len(norm(key))


def docx_flat(data: bytes) -> str:
    return norm("\n".join(word.docx_text(data)))


def get(client, name: str, pk: int):
    response = client.get(reverse(name, args=[pk]))
    assert response.status_code == 200, name
    return response


# --- the acknowledgment sheet --------------------------------------------------------------------


def _head_appointment(world) -> Appointment:
    return Appointment.objects.get(association=world.mo, role=Appointment.Role.HEAD)


def test_the_sheet_in_word_says_what_its_pdf_says(world, client_for):
    appointment = _head_appointment(world)
    client = client_for(world.head)
    keys = [
        "Положение о методическом объединении классных руководителей",
        "Методическое объединение возглавляет педагог-организатор",
        "С инструкцией ознакомлена", "А.П. Волкова", "«» 20 г.",
    ]
    pdf = get(client, "reports:acknowledgment_sheet", appointment.pk)
    docx = get(client, "reports:acknowledgment_sheet_docx", appointment.pk)
    assert_in_order(norm(pdf_text(pdf.content)), keys, what="PDF")
    assert_in_order(docx_flat(docx.content), keys, what="DOCX")
    assert docx["Content-Type"] == word.DOCX_MIMETYPE
    assert docx["Content-Disposition"].startswith("attachment")
    assert docx["Content-Disposition"].endswith('.docx"') or ".docx" in docx["Content-Disposition"]

    instruction_services.acknowledgment_create(
        appointment=appointment, acknowledged_on=datetime.date(2025, 10, 15), user=world.head
    )
    signed = ["С инструкцией ознакомлена", "А.П. Волкова «15» октября 2025 г."]
    assert_in_order(norm(pdf_text(get(client, "reports:acknowledgment_sheet", appointment.pk).content)), signed,
                    what="PDF")
    assert_in_order(docx_flat(get(client, "reports:acknowledgment_sheet_docx", appointment.pk).content), signed,
                    what="DOCX")


def test_the_sheet_in_word_is_for_those_who_see_the_appointment(world, client_for):
    url = reverse("reports:acknowledgment_sheet_docx", args=[_head_appointment(world).pk])
    for user, status in ((world.deputy, 200), (world.methodologist, 200), (world.teacher, 404),
                         (world.other_deputy, 404), (world.outsider, 404)):
        assert client_for(user).get(url).status_code == status, user


def test_the_appointment_page_offers_the_docx_beside_the_pdf(world, client_for):
    appointment = _head_appointment(world)
    page = client_for(world.head).get(reverse("associations:acknowledge", args=[appointment.pk])).content.decode()
    pdf = reverse("reports:acknowledgment_sheet", args=[appointment.pk])
    docx = reverse("reports:acknowledgment_sheet_docx", args=[appointment.pk])
    assert pdf in page and docx in page and page.index(pdf) < page.index(docx)


# --- the attestation schedule --------------------------------------------------------------------


def test_the_schedule_in_word_says_what_its_pdf_says(world, schedule_world, client_for):
    first, szd = schedule_world
    client = client_for(world.head)
    keys = [
        world.school.name, "Перспективный план-график",
        f"аттестации педагогических работников на {first}–{first + 5} годы", world.mo.name,
        "№ п/п", "Ф.И.О. педагога", "Должность", "Категория", "Дата присвоения", "Действует по",
        *(f"{y}/{y + 1}" for y in range(first, first + 5)),
        "Волкова Анна Петровна", "соответствие занимаемой должности", f"СЗД (до {szd.expires_on:%d.%m.%Y})",
        "Соколова Марина Петровна", "первая", "10.10.2023", "бессрочно",
        "Категории, установленные с 01.09.2023, — бессрочные", "один раз в пять лет",
        "Руководитель МО", "А.П. Волкова",
    ]
    pdf = get(client, "reports:attestation_schedule_pdf", world.mo.pk).content
    response = get(client, "reports:attestation_schedule_docx", world.mo.pk)
    assert_in_order(norm(pdf_text(pdf)), keys, what="PDF")
    assert_in_order(docx_flat(response.content), keys, what="DOCX")
    assert response["Content-Type"] == word.DOCX_MIMETYPE and response["Cache-Control"] == "private"
    assert response["Content-Disposition"].startswith("attachment") and ".docx" in response["Content-Disposition"]


def test_the_schedule_is_one_table_with_its_header_repeated_landscape_a4(world, schedule_world, client_for):
    first, _szd = schedule_world
    doc = Document(io.BytesIO(get(client_for(world.deputy), "reports:attestation_schedule_docx", world.mo.pk).content))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert [round(m.mm) for m in (section.left_margin, section.right_margin, section.top_margin,
                                  section.bottom_margin)] == [20, 10, 20, 20]
    data = [t for t in doc.tables if t.style is not None and t.style.name == "Table Grid"]
    assert len(data) == 1
    table = data[0]
    header = table.rows[0]
    assert header._tr.trPr.find(qn("w:tblHeader")) is not None
    assert all(row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    assert [c.text for c in header.cells] == [
        "№ п/п", "Ф.И.О. педагога", "Должность", "Категория", "Дата присвоения", "Действует по",
        *(f"{y}/{y + 1}" for y in range(first, first + 5)),
    ]
    assert {row.cells[1].text for row in table.rows[1:]} == {"Волкова Анна Петровна", "Соколова Марина Петровна"}


def test_an_empty_schedule_says_so(world, client_for):
    mo = f.AssociationFactory(school=world.school, name="МО учителей начальных классов")
    f.AppointmentFactory(association=mo, person=world.head_person, order_date=datetime.date(2025, 8, 25))
    text = docx_flat(get(client_for(world.methodologist), "reports:attestation_schedule_docx", mo.pk).content)
    assert norm("В объединении в этом учебном году никого нет.") in text


def test_the_schedule_in_word_is_for_the_schedule_pages_readers(world, client_for):
    url = reverse("reports:attestation_schedule_docx", args=[world.mo.pk])
    assert client_for(world.teacher).get(url).status_code == 403
    assert client_for(world.other_deputy).get(url).status_code == 404
    assert client_for(world.methodologist).get(
        reverse("reports:attestation_schedule_docx", args=[world.rmo.pk])
    ).status_code == 404


def test_the_schedule_page_offers_the_docx_beside_the_pdf(world, client_for):
    page = client_for(world.head).get(reverse("associations:attestation_schedule", args=[world.mo.pk])).content
    page = page.decode()
    pdf = reverse("reports:attestation_schedule_pdf", args=[world.mo.pk])
    docx = reverse("reports:attestation_schedule_docx", args=[world.mo.pk])
    assert pdf in page and docx in page and page.index(pdf) < page.index(docx)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_schedule_on_one_landscape_page(world, schedule_world, client_for, tmp_path):
    source = tmp_path / "schedule.docx"
    source.write_bytes(get(client_for(world.head), "reports:attestation_schedule_docx", world.mo.pk).content)
    subprocess.run(  # noqa: S603
        [shutil.which("soffice"), f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(source)],
        check=True, timeout=120, capture_output=True,
    )
    pages = pdf_reader((tmp_path / "schedule.pdf").read_bytes()).pages
    assert len(pages) == 1
    assert pages[0].mediabox.width > pages[0].mediabox.height  # landscape
