"""Reads a page needs: scoped to the user through `access`, related rows fetched up front so
that a page's query count does not grow with its rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from associations import access
from associations.access import User
from associations.filters import AssociationFilter, PersonFilter
from associations.models import (
    AcademicYear,
    AnnualPlan,
    Appointment,
    Association,
    ClassAssignment,
    Membership,
    Person,
)


def academic_year_from_params(params) -> AcademicYear:
    """The year a page asked for (?year=pk), or the current one; a malformed value is ignored."""
    raw = params.get("year") if params else None
    if raw:
        try:
            return AcademicYear.objects.get(pk=int(raw))
        except (ValueError, TypeError, OverflowError, AcademicYear.DoesNotExist):
            pass
    return AcademicYear.objects.current()


#: `?people=district`: the РМО's editors list every person of the district in their pickers.
WHOLE_DISTRICT = "district"


def wants_whole_district(params) -> bool:
    return bool(params) and params.get("people") == WHOLE_DISTRICT


def choices_of_people(people: list[Person], *, association: Association) -> list:
    """The choices of a people picker: for the РМО grouped by school (the methodical office for
    those of no school), for a school МО one alphabetical list."""
    if association.is_district:
        by_school: dict[str, list] = {}
        for person in people:
            label = person.school.short_name if person.school_id else gettext("Методический кабинет")
            by_school.setdefault(str(label), []).append((person.pk, person.short_name))
        return list(by_school.items())
    return sorted(((p.pk, p.short_name) for p in people), key=lambda choice: choice[1])


def pickable_people(
    association: Association, *, academic_year: AcademicYear, also: Q | None = None, whole_district: bool = False
) -> list[Person]:
    """Whom an association's records (plan items, protocols) may name, read in one query and
    ordered by school and name:

    - a school МО: the people of its school;
    - the РМО: its members of the year, the heads and secretaries of the district's
      associations in office during the year (appointed by order, so known even where nobody
      keeps the РМО's membership), and the methodical office (people of no school); or, when
      asked, every person of the district (a thousand or so, too many for a list in every row);
    - and whoever `also` names (people already chosen, so that an old row still validates).
    """
    if not association.is_district:
        own = Q(school_id=association.school_id)
    elif whole_district:
        own = Q(district_id=association.district_id)
    else:
        members = Membership.objects.filter(association=association, academic_year=academic_year)
        officers = Appointment.objects.in_office_during(academic_year.starts_on, academic_year.ends_on).filter(
            association__district_id=association.district_id,
        )
        own = Q(district_id=association.district_id) & (
            Q(school__isnull=True) | Q(pk__in=members.values("person_id")) | Q(pk__in=officers.values("person_id"))
        )
    return list(
        Person.objects.filter(own | also if also is not None else own)
        .select_related("school")
        .order_by("school__short_name", "last_name", "first_name", "patronymic")
    )


def _heads_in_year(year: AcademicYear) -> QuerySet[Appointment]:
    return (
        Appointment.objects.in_office_during(year.starts_on, year.ends_on)
        .filter(role=Appointment.Role.HEAD)
        .select_related("person")
        .order_by("-starts_on")
    )


def association_list(*, user, params, year: AcademicYear) -> tuple[AssociationFilter, QuerySet[Association]]:
    """Associations the user may see, filtered; each row carries its member count for the
    year (`member_count`) and its heads in that year (`year_heads`, latest first)."""
    queryset = (
        access.associations_visible_to(user)
        .select_related("school", "district")
        .annotate(member_count=Count("memberships", filter=Q(memberships__academic_year=year)))
        .prefetch_related(Prefetch("appointments", queryset=_heads_in_year(year), to_attr="year_heads"))
        .order_by("kind", "school__short_name", "name")
    )
    filterset = AssociationFilter(params, queryset=queryset, user=user)
    return filterset, filterset.qs


@dataclass
class AssociationDetail:
    association: Association
    year: AcademicYear
    head: Appointment | None
    secretary: Appointment | None
    appointments: list[Appointment]
    members: list[Membership]
    classes: list[ClassAssignment]
    can_write: bool
    plan: AnnualPlan | None
    plan_hidden: bool  # a plan exists for the year, but this user may not open it yet


def association_detail(*, user, pk, year: AcademicYear) -> AssociationDetail:
    association = access.association_for_user(
        user, pk, queryset=Association.objects.select_related("school", "district")
    )
    appointments = list(
        association.appointments.select_related("person", "created_by").order_by("role", "-starts_on")
    )
    with_scan_links(appointments, user=user)
    in_year = [
        a for a in appointments
        if a.starts_on <= year.ends_on and (a.ends_on is None or a.ends_on >= year.starts_on)
    ]
    head = next((a for a in in_year if a.role == Appointment.Role.HEAD), None)
    secretary = next((a for a in in_year if a.role == Appointment.Role.SECRETARY), None)
    members = list(
        association.memberships.filter(academic_year=year)
        .select_related("person", "person__school")
        .order_by("person__last_name", "person__first_name")
    )
    member_ids = [m.person_id for m in members]
    classes = list(
        ClassAssignment.objects.filter(academic_year=year, teacher_id__in=member_ids)
        .select_related("teacher", "school")
        .order_by("school__short_name", "grade", "letter")
    )
    # Read through the association, so the plan's association is this one (no query for the
    # plan rule, evaluated in memory).
    year_plan = association.plans.filter(academic_year=year).first()
    visible_plan = year_plan if year_plan is not None and access.allows(user, "plan", year_plan) else None
    return AssociationDetail(
        plan=visible_plan,
        plan_hidden=year_plan is not None and visible_plan is None,
        association=association,
        year=year,
        head=head,
        secretary=secretary,
        appointments=appointments,
        members=members,
        classes=classes,
        can_write=access.can_write_association(user, association),
    )


def person_list(*, user, params) -> tuple[PersonFilter, QuerySet[Person]]:
    queryset = access.people_visible_to(user).select_related("school").order_by(
        "last_name", "first_name", "patronymic"
    )
    filterset = PersonFilter(params, queryset=queryset, user=user)
    return filterset, filterset.qs


def person_detail(*, user: User, pk: int | str) -> Person:
    """The person with their appointments (`person.appointment_list`, the latest first)."""
    appointments = Appointment.objects.select_related("association", "association__school").order_by(
        "-starts_on", "-pk"
    )
    return access.object_for_user(
        user, "person", pk,
        queryset=Person.objects.select_related("school", "district", "user").prefetch_related(
            Prefetch("appointments", queryset=appointments, to_attr="appointment_list")
        ),
    )


def with_scan_links(appointments, *, user: User):
    """Sets `scan_visible` on each appointment: its order's scan is attached and the user may
    download it (access: «appointment», «see», in memory: the appointments come with their
    association). No query."""
    for appointment in appointments:
        appointment.scan_visible = appointment.has_order_scan and access.allows(user, "appointment", appointment)
    return appointments


@dataclass
class Home:
    roles: access.Roles
    year: AcademicYear
    associations: list[Association]
    own_classes: list[ClassAssignment]
    own_memberships: list[Membership]


def home(*, user) -> Home:
    """The home page per role: a methodologist gets the district's associations with their
    heads; a deputy their school's МО; a teacher their association(s) and class(es)."""
    roles = access.roles_for(user)
    year = AcademicYear.objects.current()
    today = timezone.localdate()
    current_heads = (
        Appointment.objects.in_office(today)
        .filter(role=Appointment.Role.HEAD)
        .select_related("person")
    )
    associations = list(
        access.associations_visible_to(user)
        .select_related("school")
        .annotate(member_count=Count("memberships", filter=Q(memberships__academic_year=year)))
        .prefetch_related(Prefetch("appointments", queryset=current_heads, to_attr="current_heads"))
        .order_by("kind", "school__short_name", "name")
    )
    own_classes: list[ClassAssignment] = []
    own_memberships: list[Membership] = []
    if roles.person is not None:
        own_classes = list(
            ClassAssignment.objects.filter(teacher=roles.person, academic_year=year).select_related("school")
        )
        own_memberships = list(
            Membership.objects.filter(person=roles.person, academic_year=year).select_related("association")
        )
    return Home(
        roles=roles,
        year=year,
        associations=associations,
        own_classes=own_classes,
        own_memberships=own_memberships,
    )


def _folded(text: str) -> str:
    return text.casefold().replace("ё", "е")


def people_search(
    *, association: Association, query: str, academic_year: AcademicYear, whole_district: bool = False,
    pool: bool = False, limit: int = 20,
) -> list[dict]:
    """The people a picker of the association offers whose name holds every word of `query`
    (any case, ё as е), at most `limit`, as the picker's options. The same set the forms
    validate against: `pickable_people` for its records (`whole_district` as the editors'
    `?people=district`), or, with `pool`, who may still join its membership for the year.

    Matched in Python over the association's people (read in one query, a district's thousand
    at most): SQLite's LIKE folds only Latin letters, and ё/е is no collation's business."""
    words = [_folded(word) for word in query.split()][:4]
    if not words:
        return []
    if pool:
        from associations.services import membership_pool

        members = Membership.objects.filter(association=association, academic_year=academic_year)
        people = list(
            membership_pool(association=association)
            .exclude(pk__in=members.values("person_id"))
            .select_related("school")
            .order_by("school__short_name", "last_name", "first_name", "patronymic")
        )
    else:
        people = pickable_people(
            association, academic_year=academic_year, whole_district=whole_district and association.is_district
        )
    found = []
    for person in people:
        name = _folded(f"{person.last_name} {person.first_name} {person.patronymic}")
        if all(word in name for word in words):
            found.append(person)
    found.sort(key=lambda p: not _folded(p.last_name).startswith(words[0]))
    office = gettext("Методический кабинет")
    return [
        {
            "value": str(person.pk),
            "text": person.short_name,
            "group": (person.school.short_name if person.school_id else office) if association.is_district else "",
        }
        for person in found[:limit]
    ]
