"""The bench data set's records of methodical work (`rmo_portal.demo.bench`): written in bulk,
yet valid as the services would write them; and every page of theirs in the bench's table
(`manage.py bench`).

The small data set is built once for the module (seconds: bulk_create) in a transaction rolled
back after it.
"""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import resolve
from django.utils import timezone

from associations.models import (
    Acknowledgment,
    Attestation,
    AttestationApplication,
    Consultation,
    ContestEntry,
    Course,
    Nomination,
    Person,
    Visit,
    VisitRecommendation,
)
from associations.records.attestation.services import attestation_expiry, person_current_attestation
from associations.records.consultations.services import consultation_people_errors
from associations.records.instructions.selectors import instruction_for
from meetings.models import MeetingVisit
from rmo_portal.management.commands.bench import Command

pytestmark = pytest.mark.django_db

RECORD_MODELS = (
    ContestEntry, Attestation, AttestationApplication, Course, Visit, VisitRecommendation, Consultation, Nomination,
    Acknowledgment, MeetingVisit,
)
#: The records' pages the bench measures (URL names), the teacher's page among them.
RECORD_PAGES = {
    "associations:contests", "associations:attestations", "associations:attestation_overview",
    "associations:courses", "associations:courses_overview", "associations:visits", "associations:consultations",
    "associations:nominations", "associations:acknowledgments", "associations:person",
}




def test_every_kind_of_record_is_there_and_valid(data):
    today = timezone.localdate()
    for model in RECORD_MODELS:
        rows = list(model.objects.all())
        assert rows, model.__name__
        for row in rows:
            row.full_clean()  # the model's rules: places and results, dates in their year, …
    for model, field in ((ContestEntry, "held_on"), (Attestation, "granted_on"), (Course, "ends_on"),
                         (Visit, "visited_on"), (Consultation, "held_on"), (Nomination, "nominated_on"),
                         (AttestationApplication, "applied_on"), (VisitRecommendation, "done_on"),
                         (Nomination, "outcome_on"), (Acknowledgment, "acknowledged_on")):
        assert not model.objects.filter(**{f"{field}__gt": today}).exists(), (model.__name__, field)
    for record in Attestation.objects.all():
        assert record.expires_on == attestation_expiry(category=record.category, granted_on=record.granted_on)
    assert VisitRecommendation.objects.filter(done_on__isnull=True, due_on__lt=today).exists()  # overdue
    assert ContestEntry.objects.filter(status=ContestEntry.Status.ENTERED).exists()


def test_the_services_rules_hold(data):
    # One entry per person, contest, stage, nomination and year; a team has several members.
    keys = Counter(ContestEntry.objects.values_list("person", "contest", "level", "nomination", "academic_year"))
    assert max(keys.values()) == 1
    assert min(Counter(ContestEntry.objects.exclude(team="").values_list("team", "held_on")).values()) >= 2
    for entry in ContestEntry.objects.filter(status=ContestEntry.Status.CONFIRMED).select_related("person"):
        assert entry.confirmed_by_id and entry.confirmed_by_id != entry.person.user_id  # never one's own
    for consultation in Consultation.objects.select_related("association", "consultant").prefetch_related(
        "consulted"
    ):
        assert consultation_people_errors(
            kind=consultation.kind, consultant=consultation.consultant, consulted=list(consultation.consulted.all()),
            district_id=consultation.association.district_id,
        ) == {}
    for nomination in Nomination.objects.select_related("person", "association", "entered_by__person"):
        assert nomination.entered_by.person != nomination.person  # never for oneself
        school = nomination.association.school_id
        assert school is None or school == nomination.person.school_id
    for acknowledgment in Acknowledgment.objects.select_related("appointment__association", "version"):
        appointment = acknowledgment.appointment
        assert acknowledgment.acknowledged_on >= appointment.order_date
        assert acknowledgment.version.instruction == instruction_for(appointment=appointment)
    for link in MeetingVisit.objects.select_related("visit", "meeting"):
        assert link.meeting.academic_year_id == link.visit.academic_year_id
        assert timezone.localdate(link.meeting.starts_at) == link.visit.visited_on
    # The directory's category is the best valid today, as the attestation services keep it.
    for person in Person.objects.filter(attestations__isnull=False).distinct():
        current = person_current_attestation(person=person, on=timezone.localdate())
        assert (person.category, person.category_date) == (
            (current.category, current.granted_on) if current else (Person.Category.NONE, None)
        ), person


def test_the_bench_measures_every_records_page_and_compares_it(data, settings):
    settings.ROOT_URLCONF = "rmo_portal.management.commands.bench"  # the bench's URLconf: the bare view too
    pages = [page for page in Command()._pages(data) if page.url]
    measured = {resolve(page.url.split("?")[0]).view_name: page for page in pages}
    assert RECORD_PAGES <= set(measured)
    record_pages = [page for page in pages if resolve(page.url.split("?")[0]).view_name in RECORD_PAGES]
    assert all(page.compare and page.key for page in record_pages)
    assert len({page.key for page in record_pages}) == len(record_pages)
    # The teacher's page is the bench's class teacher's, who has records of several kinds.
    teacher = data.records.teacher
    for model in (ContestEntry, Attestation, AttestationApplication, Course):
        assert model.objects.filter(person=teacher).exists(), model.__name__
    assert Visit.objects.filter(visited_person=teacher).exists()
