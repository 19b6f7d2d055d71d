"""Reads of attestation: where each person stands (the current category, its expiry, what is due
next, the warnings), the records list, the overview of a district or a school, the МО's
perspective schedule, and the records to edit — each scoped through `access` and read in a
fixed number of queries whatever the number of people or rows.

A person with no record of attestation at all is judged by the directory's category
(`Person.category` / `category_date`, set by the staff import): an imported «первая от
14.05.2021» expires on 13.05.2026 as a recorded one does.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from associations import access
from associations.access import User
from associations.models import AcademicYear, Appointment, Association, Person, School
from associations.records.attestation.filters import (
    ApplicationFilter,
    AttestationFilter,
    OverviewFilter,
)
from associations.records.attestation.services import CATEGORY_RANK, attestation_expiry
from associations.records.models import Attestation, AttestationApplication, Category

#: The warning of an expiring category starts this many months before its last day.
WARNING_MONTHS = 6
#: The years of the perspective schedule, the current academic year first.
SCHEDULE_YEARS = 5
#: The positions whose holders pass СЗД (the administration's managers are attested otherwise).
NOT_ATTESTED = frozenset({Person.Position.DIRECTOR, Person.Position.DEPUTY_DIRECTOR, Person.Position.OTHER})

#: The kinds of warning (the overview filters by them).
EXPIRING, SZD_EXPIRING, SZD_OVERDUE = "expiring", "szd_expiring", "szd_overdue"

_PEOPLE_ORDER = ("last_name", "first_name", "patronymic", "pk")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), the last day of a shorter month (31.08 − 6 →
    28/29.02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def warning_from(expires_on: datetime.date) -> datetime.date:
    """The first day of the warning of an expiry (13.05.2026 → 13.11.2025)."""
    return add_months(expires_on, -WARNING_MONTHS)


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


# --- where a person stands ---------------------------------------------------------------------


@dataclass
class AttestationStatus:
    """A person's attestation on a day."""

    person: Person
    today: datetime.date
    current: Attestation | None = None  # the best record valid today (a category, else СЗД)
    category: Attestation | None = None  # the best category valid today (never СЗД)
    last_szd: Attestation | None = None  # the latest СЗД, valid or not
    next_due: datetime.date | None = None  # the last day of the current term; None: nothing due, or overdue
    overdue: bool = False  # no valid category and no СЗД within five years
    from_directory: bool = False  # judged by the directory's category (no records)
    warnings: list[str] = field(default_factory=list)
    warning_kinds: set[str] = field(default_factory=set)

    @property
    def expires_on(self) -> datetime.date | None:
        return self.current.expires_on if self.current else None

    @property
    def has_warnings(self) -> bool:
        return bool(self.warnings)

    @property
    def is_indefinite(self) -> bool:
        return self.category is not None and self.category.expires_on is None

    @property
    def due_label(self) -> str:
        """What is due next, in words: «СЗД до 13.05.2026», «категория «первая» до …», «СЗД —
        просрочено», «бессрочно»."""
        if self.overdue:
            return _("СЗД — просрочено")
        if self.category is not None:
            if self.category.expires_on is None:
                return _("бессрочно")
            return _("категория «%(category)s» до %(date)s") % {
                "category": self.category.get_category_display(), "date": _fmt(self.category.expires_on),
            }
        if self.next_due is not None:
            return _("СЗД до %(date)s") % {"date": _fmt(self.next_due)}
        return ""


def _valid(record: Attestation, day: datetime.date) -> bool:
    return record.granted_on <= day and (record.expires_on is None or day <= record.expires_on)


def _from_directory(person: Person) -> list[Attestation]:
    """The directory's category as an unsaved record (none for «без категории» or no date)."""
    if person.category in (Person.Category.NONE, "") or person.category_date is None:
        return []
    return [Attestation(
        person=person, category=person.category, granted_on=person.category_date,
        expires_on=attestation_expiry(category=person.category, granted_on=person.category_date),
    )]


#: п. 23 Порядка: СЗД is not held for those with less than this many years of work.
NEWCOMER_YEARS = 2


def _newcomer_until(person: Person) -> datetime.date | None:
    """The day a newcomer's two years end (from the start of their experience); None when the
    start is not recorded."""
    if person.experience_since is None:
        return None
    return add_months(person.experience_since, 12 * NEWCOMER_YEARS)


def status_of(person: Person, records: list[Attestation], today: datetime.date) -> AttestationStatus:
    """Where the person stands on `today`, from their records (newest first; none: the
    directory's category)."""
    status = AttestationStatus(person=person, today=today)
    if not records:
        records = _from_directory(person)
        status.from_directory = bool(records)
    for record in records:
        if record.category == Category.SZD:
            if status.last_szd is None:
                status.last_szd = record
            continue
        if _valid(record, today) and (
            status.category is None or CATEGORY_RANK[record.category] > CATEGORY_RANK[status.category.category]
        ):
            status.category = record
    szd_valid = status.last_szd is not None and _valid(status.last_szd, today)
    status.current = status.category or (status.last_szd if szd_valid else None)

    if status.category is not None:
        expires = status.category.expires_on
        status.next_due = expires
        if expires is not None and warning_from(expires) <= today:
            status.warning_kinds.add(EXPIRING)
            status.warnings.append(_("категория истекает %(date)s") % {"date": _fmt(expires)})
        return status
    if person.position in NOT_ATTESTED:
        return status
    if szd_valid:
        status.next_due = status.last_szd.expires_on
        if status.next_due is not None and warning_from(status.next_due) <= today:
            status.warning_kinds.add(SZD_EXPIRING)
            status.warnings.append(_("срок СЗД истекает %(date)s") % {"date": _fmt(status.next_due)})
        return status
    newcomer_until = _newcomer_until(person)
    if newcomer_until is not None and today < newcomer_until:
        # п. 23 Порядка: those who have worked less than two years are not attested for СЗД;
        # it is due when the two years are over.
        status.next_due = newcomer_until
        return status
    status.overdue = True
    status.warning_kinds.add(SZD_OVERDUE)
    status.warnings.append(_("СЗД просрочено"))
    return status


def attestation_status(*, people: Iterable[Person], today: datetime.date | None = None) -> dict[int, AttestationStatus]:
    """Each person's status on `today`, by person id: one query for all their records (and one
    for the people when a queryset is given)."""
    today = today or timezone.localdate()
    people = list(people)
    records: dict[int, list[Attestation]] = defaultdict(list)
    if people:
        for record in Attestation.objects.filter(person_id__in=[p.pk for p in people], granted_on__lte=today).order_by(
            "person_id", "-granted_on", "-pk"
        ):
            records[record.person_id].append(record)
    by_pk = {p.pk: p for p in people}
    for person_records in records.values():
        for record in person_records:
            record.person = by_pk[record.person_id]  # no query for the person of a record
    return {person.pk: status_of(person, records.get(person.pk, []), today) for person in people}


# --- the records list ------------------------------------------------------------------------------


def _records(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("person", "person__school", "academic_year")


@dataclass
class AttestationList:
    filterset: AttestationFilter
    attestations: QuerySet[Attestation]  # filtered, newest first: the view pages it (`mark_writable`)
    applications: list[AttestationApplication]
    can_create: bool
    overview: bool  # whether the user has the overview (a link to it)


def attestation_list(*, user: User, params) -> AttestationList:
    """The records of attestation and the applications the user sees, filtered by `params` (year,
    school, person, category) — the same filter asked of both."""
    if not access.reaches(user, "attestation"):
        raise Http404
    people = access.record_people(user, action="see").select_related("school").order_by(*_PEOPLE_ORDER)
    schools = access.visible(user, "school", School.objects.order_by("short_name"))
    filterset = AttestationFilter(
        params, queryset=_records(access.visible(user, "attestation")).order_by("-granted_on", "-pk"),
        people=people, schools=schools,
    )
    applications = ApplicationFilter(
        filterset.data, queryset=_records(access.visible(user, "attestation_application")).select_related(
            "attestation"
        ).order_by("-applied_on", "-pk"),
        people=people, schools=schools,
    )
    attestations = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    application_rows = list(applications.qs) if applications.is_valid() else []
    for application in application_rows:
        application.can_write = access.allows(user, "attestation_application", application, "write")
    return AttestationList(
        filterset=filterset,
        attestations=attestations,
        applications=application_rows,
        can_create=access.reaches(user, "attestation", "write"),
        overview=overview_reaches(user),
    )


def mark_writable(*, user: User, records: Iterable[Attestation]) -> None:
    """`can_write` on each record of a page (no query: the rule evaluated on the rows read)."""
    for record in records:
        record.can_write = access.allows(user, "attestation", record, "write")


def writable_people(*, user: User) -> QuerySet[Person]:
    """Whose records the user enters (the form's «педагог»), by school and name."""
    return access.record_people(user, action="write").select_related("school").order_by(
        "school__short_name", *_PEOPLE_ORDER
    )


def attestation_for_edit(*, user: User, pk: int | str) -> Attestation:
    """The record if the user sees it (404 otherwise) and writes it (403 otherwise)."""
    record = access.get_visible_or_404(_records(access.visible(user, "attestation")), pk)
    if not access.allows(user, "attestation", record, "write"):
        raise PermissionDenied
    return record


def application_for_decide(*, user: User, pk: int | str) -> AttestationApplication:
    """The application if the user sees it (404 otherwise) and writes it (403 otherwise)."""
    application = access.get_visible_or_404(_records(access.visible(user, "attestation_application")), pk)
    if not access.allows(user, "attestation_application", application, "write"):
        raise PermissionDenied
    return application


# --- the overview: a district's or a school's people ------------------------------------------------


def overview_reaches(user: User) -> bool:
    """The overview is the methodologist's (the district), the МО head's and the deputy director's
    (the school) and the administrators'; a class teacher has their own status on the home page."""
    roles = access.roles_for(user)
    return roles.is_admin or roles.is_methodologist or bool(roles.head_school_ids or roles.deputy_school_ids)


@dataclass
class Overview:
    filterset: OverviewFilter
    rows: list[AttestationStatus]
    total: int  # people in the scope before the warnings filter
    warned: int  # of them with a warning
    schedules: list[Association]  # the school МО whose perspective schedules the user reads


def attestation_overview(*, user: User, params, today: datetime.date | None = None) -> Overview:
    """Every person of the user's scope with where they stand, filtered by school and by warning."""
    if not overview_reaches(user):
        raise Http404
    today = today or timezone.localdate()
    scope = access.record_people(user, action="see").exclude(position__in=NOT_ATTESTED).select_related("school")
    filterset = OverviewFilter(
        params, queryset=scope.order_by("school__short_name", *_PEOPLE_ORDER),
        schools=access.visible(user, "school", School.objects.order_by("short_name")),
    )
    people = list(filterset.qs) if filterset.is_valid() else []
    statuses = attestation_status(people=people, today=today)
    rows = [statuses[p.pk] for p in people]
    warned = sum(1 for row in rows if row.has_warnings)
    wanted = filterset.form.cleaned_data.get("warning") if filterset.is_valid() else ""
    if wanted == "any":
        rows = [row for row in rows if row.has_warnings]
    elif wanted:
        rows = [row for row in rows if wanted in row.warning_kinds]
    return Overview(
        filterset=filterset, rows=rows, total=len(people), warned=warned, schedules=schedules_of(user=user)
    )


def schedules_of(*, user: User) -> list[Association]:
    """The school МО whose perspective schedule the user reads (those they write or oversee)."""
    q = access.either(access.rule_for(user, "association", "write"), access.rule_for(user, "association", "oversee"))
    school_mos = access.visible(user, "association", Association.objects.filter(kind=Association.Kind.SCHOOL))
    return list(school_mos.filter(q).select_related("school").order_by("school__short_name", "name"))


# --- the home page -----------------------------------------------------------------------------------


@dataclass
class HomeWarnings:
    own: AttestationStatus | None  # the user's own status, when it warns
    others: list[AttestationStatus]  # the people of the schools the user heads the МО of or is deputy of
    overview: bool  # whether to link to the overview


def home_warnings(*, user: User, today: datetime.date | None = None) -> HomeWarnings:
    """The warnings the home page shows: the user's own, and — for a school МО head and a deputy
    director — their school's people's. Three queries at most, whatever the number of people."""
    today = today or timezone.localdate()
    roles = access.roles_for(user)
    schools = roles.head_school_ids | roles.deputy_school_ids
    people: list[Person] = []
    if schools:
        people = list(
            Person.objects.filter(school_id__in=schools).exclude(position__in=NOT_ATTESTED).select_related("school")
            .order_by("school__short_name", *_PEOPLE_ORDER)
        )
    me = roles.person
    if me is not None and all(p.pk != me.pk for p in people):
        people.append(me)
    statuses = attestation_status(people=people, today=today) if people else {}
    own = statuses.get(me.pk) if me is not None else None
    return HomeWarnings(
        own=own if own is not None and own.has_warnings else None,
        others=[s for pk, s in statuses.items() if s.has_warnings and (me is None or pk != me.pk)],
        overview=overview_reaches(user),
    )


# --- the МО's perspective schedule --------------------------------------------------------------------


@dataclass
class ScheduleRow:
    number: int
    status: AttestationStatus
    cells: list[str]  # one per year of the schedule: what is due in it ("" nothing)
    application: AttestationApplication | None  # a pending application

    @property
    def person(self) -> Person:
        return self.status.person


@dataclass
class Schedule:
    association: Association
    today: datetime.date
    years: list[str]  # «2025/2026», …
    rows: list[ScheduleRow]
    head: Person | None

    @property
    def filename_stem(self) -> str:
        return f"grafik-attestacii-mo-{self.association.pk}-{self.years[0].replace('/', '-')}"

    @property
    def title_years(self) -> str:
        return f"{self.years[0].split('/')[0]}–{self.years[-1].split('/')[1]}"


def schedule_association(*, user: User, pk: int | str) -> Association:
    """A school МО (404 if the user does not see it, or for a district РМО) whose schedule the user
    reads: those who write or oversee it (403 for its other readers)."""
    association = access.association_for_user(
        user, pk, queryset=Association.objects.select_related("school", "district")
    )
    if association.kind != Association.Kind.SCHOOL:
        raise Http404
    if not (access.allows(user, "association", association, "write")
            or access.allows(user, "association", association, "oversee")):
        raise PermissionDenied
    return association


def _cell(status: AttestationStatus) -> tuple[datetime.date | None, str]:
    """When the next attestation is due and what it is."""
    if status.overdue:
        return None, _("СЗД (просрочено)")
    if status.category is not None:
        if status.category.expires_on is None:
            return None, ""
        return status.category.expires_on, _("категория (до %(date)s)") % {"date": _fmt(status.category.expires_on)}
    if status.next_due is not None:
        return status.next_due, _("СЗД (до %(date)s)") % {"date": _fmt(status.next_due)}
    return None, ""


def attestation_schedule(*, user: User, pk: int | str, today: datetime.date | None = None) -> Schedule:
    """The МО's perspective schedule: each member of the current year, their current category and
    its expiry, and in which of the next five academic years their next attestation falls (СЗД
    every five years; a category granted before 01.09.2023 at its expiry; an overdue СЗД in the
    current year). Four queries after the association's, whatever the number of members."""
    association = schedule_association(user=user, pk=pk)
    today = today or timezone.localdate()
    first = AcademicYear.start_year_for(today)
    years = [f"{y}/{y + 1}" for y in range(first, first + SCHEDULE_YEARS)]
    members = list(
        access.record_people(user, action="see").filter(
            memberships__association=association, memberships__academic_year__start_year=first
        ).select_related("school").distinct().order_by(*_PEOPLE_ORDER)
    )
    statuses = attestation_status(people=members, today=today)
    pending: dict[int, AttestationApplication] = {}
    for application in AttestationApplication.objects.filter(
        person__in=[p.pk for p in members], outcome=AttestationApplication.Outcome.PENDING
    ).order_by("applied_on", "pk"):
        pending.setdefault(application.person_id, application)
    rows = []
    for number, person in enumerate(members, start=1):
        status = statuses[person.pk]
        due, text = _cell(status)
        cells = [""] * SCHEDULE_YEARS
        if status.overdue:
            cells[0] = text
        elif due is not None and 0 <= AcademicYear.start_year_for(due) - first < SCHEDULE_YEARS:
            cells[AcademicYear.start_year_for(due) - first] = text
        application = pending.get(person.pk)
        if application is not None:
            planned = _("заявление: %(category)s") % {"category": application.get_category_display()}
            index = AcademicYear.start_year_for(application.applied_on) - first
            index = min(max(index, 0), SCHEDULE_YEARS - 1)
            cells[index] = f"{cells[index]}; {planned}" if cells[index] else planned
        rows.append(ScheduleRow(number=number, status=status, cells=cells, application=application))
    head = Person.objects.filter(
        pk__in=Appointment.objects.in_office(today).filter(association=association, role=Appointment.Role.HEAD)
        .values("person_id")
    ).first()
    return Schedule(association=association, today=today, years=years, rows=rows, head=head)
