"""Reads of the contests of professional mastery: the list of entries a user sees (filtered), one
entry, the people the forms offer, the districts whose table a user fills in, and the entries
that count in reports (confirmed only). Each list reads a fixed number of queries whatever the
number of its rows: an entry comes with its person, school and contest."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from associations import access
from associations.access import User
from associations.models import District, Person
from associations.records.contests.filters import ContestEntryFilter
from associations.records.models import Contest, ContestEntry

_PEOPLE_ORDER = ("school__short_name", "last_name", "first_name", "patronymic", "pk")


def _with_related(queryset: QuerySet[ContestEntry]) -> QuerySet[ContestEntry]:
    """What a row shows and what `access.allows` reads (the person's school and district)."""
    return queryset.select_related("person", "person__school", "contest")


def contest_entries_counted(queryset: QuerySet[ContestEntry]) -> QuerySet[ContestEntry]:
    """The entries that count: confirmed ones only. Every report and analysis that counts
    contest participation (the annual analysis, the district's tables) reads its entries through
    this, so that an entry still waiting for the МО head's confirmation never counts."""
    return queryset.filter(status=ContestEntry.Status.CONFIRMED)


def contest_entry_list(*, user: User, params) -> tuple[ContestEntryFilter, QuerySet[ContestEntry]]:
    """The entries the user sees, filtered by `params` (the current academic year when none is
    asked), newest first, with what each row shows."""
    queryset = _with_related(access.visible(user, "contest_entry")).order_by(
        "-held_on", "person__last_name", "person__first_name", "pk"
    )
    filterset = ContestEntryFilter(
        params, queryset=queryset, user=user,
        people=access.record_people(user, action="see").select_related("school").order_by(*_PEOPLE_ORDER),
    )
    return filterset, filterset.qs


def contest_entry_for_user(*, user: User, pk: int | str) -> ContestEntry:
    """The entry if the user sees it (404 otherwise), with its person, school and contest."""
    return access.get_visible_or_404(
        _with_related(access.visible(user, "contest_entry")).select_related("academic_year"), pk
    )


def contests_for_form(*, also: Contest | None = None) -> QuerySet[Contest]:
    """The reference list's contests in use, and the entry's own (kept when it was retired)."""
    q = Q(is_active=True)
    if also is not None:
        q |= Q(pk=also.pk)
    return Contest.objects.filter(q).order_by("name")


def entry_people(*, user: User, also: Person | None = None) -> QuerySet[Person]:
    """Whom the user enters a participation for (the МО head, the methodologist, the
    administrators pick; a teacher enters their own): `access.record_people`, and the entry's
    own person (so that an old entry still validates)."""
    people = access.record_people(user, action="write")
    if also is not None:
        people = people | Person.objects.filter(pk=also.pk)
    return people.select_related("school").order_by(*_PEOPLE_ORDER)


def team_people(*, user: User) -> QuerySet[Person]:
    """Whom the user may name as a team's co-participants: the people whose records they enter
    and, for anyone of a school, the people of their school (a teacher enters their team)."""
    people = access.record_people(user, action="write")
    school_id = access.roles_for(user).school_id
    if school_id is not None:
        people = people | Person.objects.filter(school_id=school_id)
    return people.select_related("school").order_by(*_PEOPLE_ORDER)


def picks_people(user: User) -> bool:
    """Whether the user's form offers a person picker: those who confirm others' entries (the МО
    head, the methodologist, the administrators) enter anyone's of theirs; a teacher their own."""
    return access.reaches(user, "contest_entry", "confirm")


def people_to_search(*, user: User, team: bool) -> QuerySet[Person]:
    """The people the entry form's picker searches (associations:record_people_search): the
    participant's (`entry_people`; 403 to whoever has no picker) or the team's (`team_people`;
    403 to whoever enters nobody's, not even their own); 404 to whoever sees no entry (as the
    contests' pages)."""
    if not access.reaches(user, "contest_entry"):
        raise Http404
    if team:
        if not picks_people(user) and access.roles_for(user).person is None:
            raise PermissionDenied
        return team_people(user=user)
    if not picks_people(user):
        raise PermissionDenied
    return entry_people(user=user)


def results_districts(*, user: User) -> QuerySet[District]:
    """The districts whose district-stage table the user fills in (`access.contest_results_district_ids`)."""
    ids = access.contest_results_district_ids(user)
    districts = District.objects.all() if ids is None else District.objects.filter(pk__in=ids)
    return districts.order_by("name")


def district_people(*, district: District) -> list[Person]:
    """The people of the district, by school and name: one query."""
    return list(Person.objects.filter(district=district).select_related("school").order_by(*_PEOPLE_ORDER))
