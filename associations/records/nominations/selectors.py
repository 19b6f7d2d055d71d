"""Reads of the nominations for encouragement: the list a user sees (filtered), one nomination to
edit, whom the user may nominate and on behalf of which association, and a person's
nominations (the teacher's page). Each reads a fixed number of queries, whatever the rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from associations import access
from associations.access import User
from associations.models import Association, Nomination, Person
from associations.records.nominations.filters import NominationFilter

_PEOPLE_ORDER = ("last_name", "first_name", "patronymic", "pk")


def _with_context(queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    return queryset.select_related(
        "person", "person__school", "association", "association__school", "academic_year", "entered_by"
    )


@dataclass
class NominationList:
    filterset: NominationFilter
    nominations: QuerySet[Nomination]  # filtered, newest first
    can_create: bool  # the user's role nominates (the МО head, the methodologist, the administrators)


def nomination_list(*, user: User, params) -> NominationList:
    scope = access.visible(user, "nomination")
    people = Person.objects.filter(pk__in=scope.values("person_id")).select_related("school").order_by(*_PEOPLE_ORDER)
    filterset = NominationFilter(
        params, queryset=_with_context(scope).order_by("-nominated_on", "-pk"),
        schools=access.schools_visible_to(user).order_by("short_name"), people=people,
    )
    return NominationList(
        filterset=filterset, nominations=filterset.qs, can_create=access.reaches(user, "nomination", "write")
    )


def nomination_for_edit(*, user: User, pk: int | str) -> Nomination:
    """The nomination if the user sees it (404 otherwise) and writes it (403 otherwise)."""
    nomination = access.get_visible_or_404(_with_context(access.visible(user, "nomination")), pk)
    if not access.allows(user, "nomination", nomination, "write"):
        raise PermissionDenied
    return nomination


# --- whom and on whose behalf ------------------------------------------------------------------


def nominable_people_qs(*, user: User) -> QuerySet[Person]:
    """Whom the user may nominate: the people whose records they write (the МО head their school,
    the methodologist and the administrators the district), never themselves."""
    people = access.record_people(user, action="write")
    person = access.roles_for(user).person
    return people.exclude(pk=person.pk) if person is not None else people


def nominable_people(*, user: User, also: Person | None = None) -> list[Person]:
    """`nominable_people_qs` by district, school and name, in one query; with `also` (the person
    of the nomination being edited)."""
    people = nominable_people_qs(user=user)
    if also is not None:
        people = people | Person.objects.filter(pk=also.pk)
    return list(
        people.select_related("school", "district").order_by("district__name", "school__short_name", *_PEOPLE_ORDER)
    )


def nominating_associations(*, user: User) -> list[Association]:
    """The associations a nomination may come from: those whose documents the user writes."""
    return list(
        access.visible(user, "association", action="write").select_related("school", "district").order_by(
            "district__name", "kind", "school__short_name", "name"
        )
    )


# --- a person's nominations (the teacher's page) --------------------------------------------------


def nominations_of(*, person: Person) -> list[Nomination]:
    """The person's nominations, newest first, with their association: one query. Who may read
    them is the teacher's page's question (`access`, «person» «page»)."""
    return list(
        Nomination.objects.filter(person=person)
        .select_related("association", "association__school", "academic_year")
        .order_by("-nominated_on", "-pk")
    )
