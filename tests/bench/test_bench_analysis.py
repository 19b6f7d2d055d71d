"""The bench data set's annual analyses (`rmo_portal.demo.bench._build_analyses`): last year's
school МО analyses accepted with their figures frozen and a stored PDF whose SHA-256 matches,
the РМО's drafts (its page adds the accepted ones up live), this year's drafts, both years'
deadlines; and the analysis pages in the bench's table, answering as their readers.

The small data set is built once for the module (seconds: bulk_create) in a transaction rolled
back after it.
"""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test import Client
from django.urls import resolve

from associations.models import Association
from reports.analysis.figures import YearFigures
from reports.analysis.models import Analysis, AnalysisDeadline
from rmo_portal.management.commands.bench import Command, bare_pages_html

pytestmark = pytest.mark.django_db


def test_last_years_school_analyses_are_accepted_with_frozen_figures_and_their_pdf(data):
    previous = data.year.start_year - 1
    schools = Association.objects.filter(district__in=data.districts, kind=Association.Kind.SCHOOL)
    accepted = Analysis.objects.filter(association__in=schools, academic_year__start_year=previous)
    accepted = accepted.select_related("pdf")
    assert accepted.count() == schools.count() == data.scale.districts * data.scale.schools
    for analysis in accepted:
        assert analysis.status == Analysis.Status.ACCEPTED
        analysis.full_clean()
        assert YearFigures.from_data(analysis.figures).to_data() == analysis.figures
        with default_storage.open(analysis.pdf.storage_name, "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == analysis.pdf_sha256
    # This year every association has its draft; the РМО's of last year is a draft too.
    drafts = Analysis.objects.filter(association__district__in=data.districts, status=Analysis.Status.DRAFT)
    assert drafts.filter(academic_year=data.year).count() == data.scale.districts * (data.scale.schools + 1)
    rmo_drafts = drafts.filter(academic_year__start_year=previous, association__kind="district")
    assert rmo_drafts.count() == len(data.districts)
    assert AnalysisDeadline.objects.filter(district__in=data.districts).count() == 2 * len(data.districts)


def test_the_bench_knows_the_analyses_it_opens(data):
    analyses = data.analyses
    assert analyses.draft.status == Analysis.Status.DRAFT and analyses.draft.academic_year == data.year
    assert analyses.accepted.association == analyses.draft.association
    assert analyses.rmo_draft.association.is_district and analyses.schools == data.scale.schools
    assert analyses.head_user.person.school == analyses.draft.association.school


def test_the_bench_measures_the_analysis_pages(data, settings, monkeypatch):
    settings.ROOT_URLCONF = "rmo_portal.management.commands.bench"
    keys = ("analysis", "summary", "checklist", "dashboard")
    pages = [page for page in Command()._pages(data) if page.key.startswith(keys)]
    assert {resolve(page.url.split("?")[0]).view_name for page in pages} == {
        "reports:analysis", "reports:analysis_pdf", "reports:analysis_xlsx", "reports:analysis_board",
        "reports:district_summary", "reports:district_summary_pdf", "reports:district_summary_xlsx",
        "reports:checklist_district", "reports:checklist", "home",
    }
    monkeypatch.setattr(connection, "close_if_unusable_or_obsolete", lambda: None)
    for page in pages:
        client = Client()
        client.force_login(page.user)
        response = client.get(page.url)
        assert response.status_code == 200, page.name
        if page.key == "analysis-rollup":
            # The roll-up adds up the district's accepted school analyses.
            assert data.analyses.accepted.association.school.short_name in response.content.decode()


def test_the_plain_yardstick_has_the_pages_asked_for():
    from io import BytesIO

    from pypdf import PdfReader
    from weasyprint import HTML

    assert len(PdfReader(BytesIO(HTML(string=bare_pages_html(3)).write_pdf())).pages) == 3
