"""The annual analysis in Word (issue 15): every text of the DOCX is the PDF's, in the PDF's
order — the title block, the narrative, every figures table, the roll-up for the РМО, the tasks,
the signature; the readers of the PDF; LibreOffice opens it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from reports import word
from reports.analysis import services
from reports.analysis.models import Analysis
from tests import factories as f
from tests.helpers import login, pdf_text
from tests.reports.analysis.data import year_of_records
from tests.reports.analysis.test_documents import PDF_HEADINGS
from tests.reports.analysis.test_rollup import _district
from tests.reports.docx_checks import (
    assert_a4_with_official_margins,
    assert_every_text_in_pdf_order,
    assert_in_order,
    docx_document,
    docx_flat,
    header_repeats,
    libreoffice_pages,
)


def _docx(client, analysis) -> bytes:
    response = client.get(reverse("reports:analysis_docx", args=[analysis.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == word.DOCX_MIMETYPE
    assert response["Content-Disposition"].startswith(f'attachment; filename="analysis-{analysis.association_id}-')
    assert response["Content-Disposition"].endswith('.docx"')
    return response.content


def _side_by_side(analysis) -> frozenset[str]:
    """The staff's three tallies, side by side in the PDF."""
    staff = services.document_figures(analysis)[0].staff
    labels = {t.label for t in (*staff.by_education, *staff.by_experience, *staff.by_category)}
    return frozenset({"Образование", "Педагогический стаж", "Квалификационная категория", "Стаж", "Категория",
                      "Чел.", *labels})


def _check(content: bytes, client, analysis) -> None:
    """Every text of the DOCX is the PDF's, in its order (see `_side_by_side`); the numbers of
    the tallies too, so the tallies' cells are left out of the order and checked as present."""
    staff = services.document_figures(analysis)[0].staff
    counts = {str(t.count) for t in (*staff.by_education, *staff.by_experience, *staff.by_category)}
    unordered = _side_by_side(analysis)
    assert_every_text_in_pdf_order(content, _pdf(client, analysis), skip=_signature_line,
                                   unordered=unordered | counts)


def _pdf(client, analysis) -> str:
    return pdf_text(client.get(reverse("reports:analysis_pdf", args=[analysis.pk])).content)


def _signature_line(text: str) -> bool:
    return set(text) == {"_"}  # drawn as a line in the PDF


def test_the_docx_is_the_pdf_text_for_text_in_order(world):
    year_of_records(world)
    analysis = f.analysis_of(world.mo, world.year, by=world.head, problems="Мало открытых занятий.")
    client = login(world.deputy)
    content = _docx(client, analysis)
    assert_a4_with_official_margins(content)
    doc = docx_document(content)
    assert doc.paragraphs[0].text.startswith("ЧЕРНОВИК — анализ не принят")
    # Every table repeats its header but those that have none: the key figures, the courses, the signature.
    assert sum(not header_repeats(table) for table in doc.tables) == 3
    _check(content, client, analysis)
    assert_in_order(docx_flat(content), PDF_HEADINGS)
    assert "Мало открытых занятий." in [p.text for p in doc.paragraphs]


def test_the_rmo_docx_has_the_rollup_as_its_pdf(world):
    _district(world)
    analysis = f.analysis_of(world.rmo, world.year, by=world.methodologist)
    client = login(world.methodologist)
    content = _docx(client, analysis)
    text = docx_flat(content)
    assert_in_order(text, ["Анализы школьных МО: свод", "Принято 2 из 3", "Итого по принятым", "57,1",
                           "Мероприятия района (РМО)", "Руководитель РМО"])
    _check(content, client, analysis)


def test_an_accepted_analysis_has_no_draft_mark_and_says_who_accepted_it(world):
    analysis = services.analysis_submit(analysis=f.analysis_of(world.mo, world.year, by=world.head), user=world.head)
    analysis = services.analysis_accept(analysis=analysis, user=world.deputy)
    client = login(world.head)
    content = _docx(client, analysis)
    text = docx_flat(content)
    assert "ЧЕРНОВИК" not in text and "Принят:" in text
    assert "Показатели—наденьотправкинарассмотрение" in text
    _check(content, client, analysis)


def test_the_docx_has_the_readers_of_the_pdf(world):
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    for user in (world.head, world.deputy, world.methodologist, world.admin, world.teacher, world.other_deputy,
                 world.outsider):
        client = login(user)
        docx = client.get(reverse("reports:analysis_docx", args=[analysis.pk]))
        assert docx.status_code == client.get(reverse("reports:analysis_pdf", args=[analysis.pk])).status_code
        if docx.status_code == 200:
            assert docx["Cache-Control"] == "private, no-store"  # a draft: never kept


def test_the_page_offers_the_docx_beside_the_pdf(world):
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    html = login(world.head).get(reverse("reports:analysis", args=[world.mo.pk, world.year.start_year])).content
    html = html.decode()
    assert html.index(reverse("reports:analysis_pdf", args=[analysis.pk])) < html.index(
        reverse("reports:analysis_docx", args=[analysis.pk]))


@pytest.mark.parametrize("status", [Analysis.Status.DRAFT])
def test_libreoffice_opens_the_docx(world, tmp_path, status):
    year_of_records(world)
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    assert libreoffice_pages(_docx(login(world.head), analysis), tmp_path) >= 2
