"""The district summary in Word (issue 15): A4 landscape, the PDF's table with its totals and
averages, its text in the PDF's order, the readers of the PDF."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import word
from reports.summary.selectors import COLUMNS, PERCENT
from tests.helpers import pdf_text
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


def _get(client, name, world, query=""):
    return client.get(reverse(name, args=[world.district.pk, world.year.start_year]) + query)


def test_the_docx_is_the_pdfs_table_landscape(world, district, client_for):
    client = client_for(world.methodologist)
    response = _get(client, "reports:district_summary_docx", world, "?sort=consultations&order=desc")
    assert response.status_code == 200
    assert response["Content-Type"] == word.DOCX_MIMETYPE
    assert response["Content-Disposition"].startswith('attachment; filename="svodnaya-')
    assert response["Content-Disposition"].endswith('.docx"')
    assert_a4_with_official_margins(response.content, landscape=True)
    doc = docx_document(response.content)
    assert len(doc.tables) == 1
    table = doc.tables[0]
    assert header_repeats(table)
    rows = table_texts(table)
    assert rows[0][:3] == ["Школа", "Анализ", "Классных руководителей"]
    assert rows[0][3:] == [f"{c.label}, %" if c.kind == PERCENT else str(c.label) for c in COLUMNS][1:]
    schools = [cells[0] for cells in rows[1:-2]]
    assert sorted(schools) == ["МБОУ «ООШ № 9»", "МБОУ «СОШ № 1»", "МБОУ «СОШ № 2»", "МБОУ «СОШ № 3»"]
    assert [rows[-2][0], rows[-1][0]] == ["Итого по району", "Среднее на школу"]
    assert all(run.bold for run in table.rows[-2].cells[0].paragraphs[0].runs if run.text)  # the totals row

    pdf = pdf_text(_get(client, "reports:district_summary_pdf", world, "?sort=consultations&order=desc").content)
    docx = docx_flat(response.content)
    keys = [
        world.district.name, f"Сводная таблица по школам района за {world.year} учебный год", "Школа", "Анализ",
        *[cells[0] for cells in rows[1:-2]],  # the page's sort, in both
        "Итого по району", *rows[-2][2:], "Среднее на школу", *rows[-1][2:],
        "«по анализу» — показатели", f"Составлено {timezone.localdate():%d.%m.%Y}",
    ]
    assert_in_order(pdf.upper(), [key.upper() for key in keys])  # the PDF's title is in capitals
    assert_in_order(docx.upper(), [key.upper() for key in keys])
    assert_every_text_in_pdf_order(response.content, pdf, any_case=True)  # every text of it, in the PDF's order


def test_no_school_says_so(world, client_for):
    world.other_district_mo.delete()
    url = reverse("reports:district_summary_docx", args=[world.other_district.pk, world.year.start_year])
    doc = docx_document(client_for(world.admin).get(url).content)
    assert not doc.tables
    assert "В районе нет школьных МО." in [p.text for p in doc.paragraphs]


@pytest.mark.parametrize("who, expected", [("methodologist", 200), ("head", 404), ("outsider", 404)])
def test_the_docx_has_the_readers_of_the_pdf(world, client_for, who, expected):
    client = client_for(getattr(world, who))
    assert _get(client, "reports:district_summary_docx", world).status_code == expected
    assert _get(client, "reports:district_summary_pdf", world).status_code == expected


def test_the_page_links_the_docx_beside_the_pdf(world, client_for):
    page = _get(client_for(world.methodologist), "reports:district_summary", world).content.decode()
    assert page.index('data-testid="summary-pdf"') < page.index('data-testid="summary-docx"')


def test_libreoffice_opens_the_docx(world, district, client_for, tmp_path):
    content = _get(client_for(world.methodologist), "reports:district_summary_docx", world).content
    assert libreoffice_pages(content, tmp_path) == 1
