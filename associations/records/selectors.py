"""The teacher's page: a person's appointments, classes and every record of methodical work that
concerns them, read in a fixed number of queries whatever their number.

Who sees the page is `access` («person», action «page»: the directory's readers, the person
themselves, the head of their school's МО); each block is still read through its own kind's rule,
so a block never shows what its kind's rule would hide.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import ngettext

from associations import access
from associations.access import User
from associations.models import (
    Appointment,
    Attestation,
    AttestationApplication,
    ClassAssignment,
    Consultation,
    ContestEntry,
    Course,
    Nomination,
    Person,
    Visit,
)
from associations.records.consultations.selectors import consultations_of
from associations.records.courses.selectors import course_status
from associations.records.nominations.selectors import nominations_of
from associations.selectors import with_scan_links


def experience_label(person: Person, on: datetime.date) -> str:
    """«стаж 12 лет» (with the Russian plural), or "" when the start of experience is unknown."""
    years = person.experience_years(on)
    if years is None:
        return ""
    return ngettext("стаж %(years)d год", "стаж %(years)d лет", years) % {"years": years}


@dataclass
class TeacherPage:
    person: Person
    today: datetime.date
    experience: str
    appointments: list[Appointment]
    classes: list[ClassAssignment]
    contests: list[ContestEntry]
    attestations: list[Attestation]
    applications: list[AttestationApplication]
    courses: list[Course]
    consultations: list[Consultation]
    visits: list[Visit]
    nominations: list[Nomination]
    extra: dict = field(default_factory=dict)  # the kinds' status blocks (attestation, courses)


def teacher_page(*, user: User, pk: int | str) -> TeacherPage:
    appointments = Appointment.objects.select_related("association", "association__school").order_by(
        "-starts_on", "-pk"
    )
    person = _page_person(user, pk, appointments)
    today = timezone.localdate()
    mine = Q(person=person)
    page = TeacherPage(
        person=person,
        today=today,
        experience=experience_label(person, today),
        appointments=with_scan_links(person.appointment_list, user=user),  # the order's scan, if theirs to see
        classes=list(
            ClassAssignment.objects.filter(teacher=person)
            .select_related("school", "academic_year")
            .order_by("-academic_year__start_year", "grade", "letter")
        ),
        contests=list(
            access.visible(user, "contest_entry", ContestEntry.objects.filter(mine))
            .select_related("contest", "academic_year")
            .order_by("-held_on", "-pk")
        ),
        attestations=list(
            access.visible(user, "attestation", Attestation.objects.filter(mine)).order_by("-granted_on", "-pk")
        ),
        applications=list(
            access.visible(user, "attestation_application", AttestationApplication.objects.filter(mine)).order_by(
                "-applied_on", "-pk"
            )
        ),
        courses=list(
            access.visible(user, "course", Course.objects.filter(mine)).select_related("provider").order_by(
                "-ends_on", "-pk"
            )
        ),
        consultations=consultations_of(person=person),
        visits=list(
            access.visible(user, "visit", Visit.objects.filter(visited_person=person))
            .select_related("school", "visitor")
            .prefetch_related("recommendations")
            .order_by("-visited_on", "-pk")
        ),
        nominations=nominations_of(person=person),
    )
    _attestation_block(page)
    page.extra["courses"] = course_status(people=[person], today=today)[person.pk]
    return page


def _attestation_block(page: TeacherPage) -> None:
    """Where the person stands in attestation (current category, expiry, what is due next, the
    warnings), from the records already read: no query."""
    from associations.records.attestation.selectors import status_of

    records = [record for record in page.attestations if record.granted_on <= page.today]
    for record in records:
        record.person = page.person
    page.extra["attestation"] = status_of(page.person, records, page.today)


def _page_person(user: User, pk: int | str, appointments) -> Person:
    return access.get_visible_or_404(
        access.visible(
            user, "person",
            Person.objects.select_related("school", "district", "user").prefetch_related(
                Prefetch("appointments", queryset=appointments, to_attr="appointment_list")
            ),
            action="page",
        ),
        pk,
    )
