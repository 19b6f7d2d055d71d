"""The demo's annual analyses (`rmo_portal.demo.analysis`, loaded by `manage.py load_demo`): last
year's accepted for every demo school (the two with demo logins through the services, the other
four as staged history) and for the РМО (its roll-up made after theirs), each with its PDF stored
as issued; this year's drafts begun; the district's deadline;
and a second load that changes nothing.

The demo is loaded once for the class, in a transaction rolled back after it.
"""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader

from associations.models import AcademicYear, Association, District
from reports.analysis import services
from reports.analysis.models import Analysis, AnalysisDeadline, AnalysisTransition
from rmo_portal.demo import analysis as demo_analysis
from rmo_portal.demo.organisation import SCHOOLS
from tests.helpers import load_demo as load

pytestmark = pytest.mark.django_db

SCHOOL1, SCHOOL2 = "МБОУ «Заречная СОШ № 1»", "МБОУ «СОШ № 2 им. А.С. Пушкина»"






def years() -> tuple[AcademicYear, AcademicYear]:
    current = AcademicYear.objects.current()
    return AcademicYear.objects.get(start_year=current.start_year - 1), current


def snapshot() -> dict:
    return {
        "analyses": sorted(Analysis.objects.values_list(
            "pk", "association", "academic_year", "status", "version", "updated_at", "pdf_sha256", "submitted_at",
        )),
        "transitions": sorted(AnalysisTransition.objects.values_list("pk", "analysis", "to_status", "at")),
        "deadlines": sorted(AnalysisDeadline.objects.values_list("pk", "district", "academic_year", "due_on")),
    }


@pytest.mark.usefixtures("demo_loaded_once")
class TestDemoAnalyses:
    def test_last_year_is_accepted_for_the_two_schools_and_the_rmo_with_their_pdfs_as_issued(self):
        previous, _current = years()
        accepted = Analysis.objects.filter(academic_year=previous).select_related(
            "association__school", "pdf", "accepted_by", "submitted_by"
        )
        by_name = {a.association.school.short_name if a.association.school else "РМО": a for a in accepted}
        assert set(by_name) == {spec.short_name for spec in SCHOOLS} | {"РМО"}
        assert {a.status for a in accepted} == {Analysis.Status.ACCEPTED}
        assert by_name[SCHOOL1].submitted_by.username == "rukovoditel1"
        assert by_name[SCHOOL1].accepted_by.username == "zavuch1"
        assert by_name["РМО"].accepted_by.username == "nachalnik"
        for analysis in accepted:
            with default_storage.open(analysis.pdf.storage_name, "rb") as handle:
                pdf = handle.read()
            assert hashlib.sha256(pdf).hexdigest() == analysis.pdf_sha256
            text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
            assert "ЧЕРНОВИК" not in text
            assert f"Принят: {timezone.localtime(analysis.accepted_at).strftime('%d.%m.%Y')}" in text
            # Submitted before accepted, both in June, the transitions dated with them.
            assert analysis.submitted_at < analysis.accepted_at
            assert analysis.accepted_at.month == 6
            steps = list(analysis.transitions.values_list("to_status", "at"))
            assert steps == [("submitted", analysis.submitted_at), ("accepted", analysis.accepted_at)]
        # The РМО was submitted after the schools were accepted: its roll-up counts them all.
        schools = [a for name, a in by_name.items() if name != "РМО"]
        assert by_name["РМО"].submitted_at > max(a.accepted_at for a in schools)
        assert by_name["РМО"].figures["schools"]["accepted"] == len(SCHOOLS)
        # A school without demo logins: its steps name its head and deputy.
        lyceum = by_name["МБОУ «Лицей № 3»"]
        assert lyceum.submitted_by is None
        assert all(t.by_name for t in lyceum.transitions.all())

    def test_this_year_has_begun_drafts_whose_figures_come_from_the_records(self):
        _previous, current = years()
        drafts = Analysis.objects.filter(academic_year=current).select_related("association")
        assert drafts.count() == 3
        assert {a.status for a in drafts} == {Analysis.Status.DRAFT}
        for draft in drafts:
            assert draft.goals_assessment and not draft.next_year_tasks
            assert draft.figures is None
        school1 = drafts.get(association__school__short_name=SCHOOL1)
        figures = services.year_figures(school1)
        assert figures.staff.total > 0 and figures.meetings.held > 0

    def test_last_years_tasks_show_beside_this_years_draft(self):
        _previous, current = years()
        draft = Analysis.objects.get(academic_year=current, association__school__short_name=SCHOOL1)
        assert "Организовать наставничество для молодых классных руководителей." in services.last_year_tasks(draft)

    def test_the_deadline_is_10_june_for_both_years(self):
        previous, current = years()
        district = District.objects.get(slug="zarechny")
        for year in (previous, current):
            deadline = AnalysisDeadline.objects.get(district=district, academic_year=year)
            assert (deadline.due_on.year, deadline.due_on.month, deadline.due_on.day) == (year.start_year + 1, 6, 10)

    def test_the_command_reports_the_analyses(self, demo_loaded_once):
        assert "Анализ работы за год: за " in demo_loaded_once

    def test_a_second_load_changes_nothing(self):
        before = snapshot()
        load()
        assert snapshot() == before
        part = demo_analysis.extend_demo(district=District.objects.get(slug="zarechny"), year=years()[1])
        assert part.written == 0 and snapshot() == before

    def test_an_association_without_its_analysis_gets_it_again(self):
        _previous, current = years()
        rmo = Association.objects.get(district__slug="zarechny", kind=Association.Kind.DISTRICT)
        Analysis.objects.filter(association=rmo, academic_year=current).delete()
        part = demo_analysis.extend_demo(district=District.objects.get(slug="zarechny"), year=current)
        assert part.written == 1
        assert Analysis.objects.get(association=rmo, academic_year=current).status == Analysis.Status.DRAFT
