"""WeasyPrint failing (issue 17, point 4): reports.rendering logs the failure for the admin and
raises RenderError. The actions that render and store a PDF (signing a protocol, accepting an
analysis) refuse with its Russian message and leave the draft as it was — every field, no stored
file; a PDF download answers the Russian 503 page «Документ не удалось сформировать» from
rmo_portal.errors, never a bare 500."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from weasyprint import HTML

from associations.models import AnnualPlan
from meetings.models import Protocol
from reports import rendering
from reports.analysis.models import Analysis
from tests import factories as f
from tests.access_matrix_data import snapshot, snapshot_diff
from tests.helpers import login, messages_of

FAILED = (
    "Документ не удалось сформировать: ошибка при подготовке PDF. Ничего не изменено; попробуйте позже, а если "
    "ошибка повторится, сообщите администратору."
)


def _blobs(path: str = "") -> list[str]:
    folders, names = default_storage.listdir(path)
    found = [f"{path}{name}" for name in names]
    for folder in folders:
        found += _blobs(f"{path}{folder}/")
    return found


@pytest.fixture
def weasyprint_fails(monkeypatch):
    """WeasyPrint's own write_pdf raising, as a bug of it or memory running out would."""

    def write_pdf(self, *args, **kwargs):
        raise MemoryError("cairo: out of memory")

    monkeypatch.setattr(HTML, "write_pdf", write_pdf)


def _logged(caplog) -> bool:
    return any(
        r.name == "reports.rendering" and r.levelno == logging.ERROR and r.exc_info for r in caplog.records
    )


def test_a_failure_is_a_render_error_with_its_cause(weasyprint_fails, caplog):
    with pytest.raises(rendering.RenderError) as failed:
        rendering.html_to_pdf("<p>Протокол</p>")
    assert isinstance(failed.value, ValidationError)
    assert failed.value.messages == [FAILED]
    assert isinstance(failed.value.__cause__, MemoryError)
    assert _logged(caplog)


# --- the actions that store a PDF: refused, the draft untouched ---------------------------------------


def test_signing_leaves_the_draft_as_it_was(world, weasyprint_fails, caplog):
    draft = f.build_protocol(world, n_items=1, n_attendees=2, theme="Итоги четверти")
    f.mark_the_rest_present(draft.meeting)
    client = login(world.head)
    before, blobs = snapshot(), _blobs()
    response = client.post(
        reverse("meetings:protocol_sign", args=[draft.pk]), {"confirm": "on", "votes_confirmed": "on"}, follow=True
    )
    assert response.status_code == 200
    assert messages_of(response) == [f"Протокол не подписан: {FAILED}"]
    assert snapshot_diff(before, snapshot()) == []  # status, version, every field, the meeting's status
    after = Protocol.objects.get(pk=draft.pk)
    assert (after.status, after.version, after.pdf.name, after.pdf_sha256) == (
        Protocol.Status.DRAFT, draft.version, "", ""
    )
    assert _blobs() == blobs  # no PDF stored
    assert _logged(caplog)


def test_accepting_an_analysis_leaves_it_submitted(world, weasyprint_fails, caplog):
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    assert login(world.head).post(reverse("reports:analysis_submit", args=[analysis.pk])).status_code == 302
    submitted = Analysis.objects.get(pk=analysis.pk)
    client = login(world.deputy)
    before, blobs = snapshot(), _blobs()
    response = client.post(reverse("reports:analysis_accept", args=[analysis.pk]), follow=True)
    assert response.status_code == 200
    assert FAILED in messages_of(response)
    assert snapshot_diff(before, snapshot()) == []
    after = Analysis.objects.get(pk=analysis.pk)
    assert (after.status, after.version, after.pdf_id, after.accepted_at) == (
        Analysis.Status.SUBMITTED, submitted.version, None, None
    )
    assert _blobs() == blobs  # no PDF stored
    assert _logged(caplog)


# --- the downloads: the Russian 503 page ---------------------------------------------------------


def _protocol(world):
    return reverse("meetings:protocol_pdf", args=[f.build_protocol(world, n_items=1, n_attendees=1, theme="Т").pk])


def _plan(world):
    return reverse("reports:plan_pdf", args=[f.plan_with_items(world.mo, world.year, n_items=2).pk])


def _analysis(world):
    return reverse("reports:analysis_pdf", args=[f.analysis_of(world.mo, world.year, by=world.head).pk])


def _summary(world):
    return reverse("reports:district_summary_pdf", args=[world.district.pk, world.year.start_year])


DOWNLOADS = {"protocol draft": _protocol, "plan": _plan, "analysis draft": _analysis, "district summary": _summary}


@pytest.mark.parametrize("document", list(DOWNLOADS))
def test_a_download_is_the_russian_503_page(world, weasyprint_fails, caplog, document):
    url = DOWNLOADS[document](world)
    client = Client(raise_request_exception=False)
    client.force_login(world.methodologist if document == "district summary" else world.head)
    before = snapshot()
    response = client.get(url)
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "503 · Документ не удалось сформировать" in page
    assert "Данные на портале не изменились" in page
    assert "MemoryError" not in page and "Traceback" not in page
    assert snapshot_diff(before, snapshot()) == []
    assert _logged(caplog)  # for the admin, with the traceback
    assert any(r.name == "django.request" and r.levelno == logging.ERROR for r in caplog.records)


def test_the_same_pages_render_when_weasyprint_works(world):
    """The other half of the test above: without the fault, the plan's PDF is a PDF."""
    plan = f.plan_with_items(world.mo, world.year, n_items=2, status=AnnualPlan.Status.DRAFT)
    response = login(world.head).get(reverse("reports:plan_pdf", args=[plan.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
