"""Reads of visits: the list a user sees (filtered), one visit with its recommendations, a visit
to edit, and the open recommendations of a school's МО head and deputy director (the home page).
Each reads a fixed number of queries whatever the number of visits and recommendations; who sees
what is `associations.access` (kinds «visit» and «recommendation»)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from associations import access
from associations.access import User
from associations.records.models import Visit, VisitRecommendation
from associations.records.visits.filters import VisitFilter

#: The most open recommendations the home page lists (the rest: the visits list, filtered).
HOME_RECOMMENDATIONS = 20


def _visit_queryset() -> QuerySet[Visit]:
    # The school's district too: access.allows reads the rules in memory.
    return Visit.objects.select_related(
        "school", "school__district", "visitor", "visitor__school", "visited_person", "academic_year",
    )


def reached(user: User) -> None:
    """Nobody with no visit to read gets the visits' pages at all (404)."""
    if not access.reaches(user, "visit"):
        raise Http404


# --- the list ---------------------------------------------------------------------------------


@dataclass
class VisitList:
    filterset: VisitFilter
    visits: QuerySet[Visit]  # filtered, newest first, each with `open_count`, `overdue_count`, `total_count`
    can_create: bool


def visit_list(*, user: User, params) -> VisitList:
    scope = access.visible(user, "visit", Visit.objects.all())
    today = timezone.localdate()
    queryset = (
        _visit_queryset()
        .filter(pk__in=scope.values("pk"))
        .annotate(
            total_count=Count("recommendations", distinct=True),
            open_count=Count("recommendations", filter=Q(recommendations__done_on__isnull=True), distinct=True),
            overdue_count=Count(
                "recommendations",
                filter=Q(recommendations__done_on__isnull=True, recommendations__due_on__lt=today),
                distinct=True,
            ),
        )
        .order_by("-visited_on", "-pk")
    )
    filterset = VisitFilter(params, queryset=queryset, scope=scope)
    return VisitList(filterset=filterset, visits=filterset.qs, can_create=access.reaches(user, "visit", "write"))


# --- one visit ----------------------------------------------------------------------------------


@dataclass
class VisitDetail:
    visit: Visit
    recommendations: list[VisitRecommendation]  # by number, each with `overdue`
    can_write: bool
    can_follow_up: bool
    today: datetime.date

    @property
    def open_count(self) -> int:
        return sum(1 for r in self.recommendations if r.is_open)


def _recommendations(visit: Visit, today: datetime.date) -> list[VisitRecommendation]:
    rows = list(visit.recommendations.select_related("marked_by__person").order_by("position", "pk"))
    for row in rows:
        row.visit = visit  # the rules read the visit in memory
        row.overdue = row.is_open and row.due_on is not None and row.due_on < today
    return rows


def visit_detail(*, user: User, pk) -> VisitDetail:
    visit = access.get_visible_or_404(access.visible(user, "visit", _visit_queryset()), pk)
    today = timezone.localdate()
    return VisitDetail(
        visit=visit,
        recommendations=_recommendations(visit, today),
        can_write=access.allows(user, "visit", visit, "write"),
        can_follow_up=access.allows(user, "visit", visit, "follow_up"),
        today=today,
    )


def visit_read(*, user: User, pk) -> Visit:
    """The visit if the user sees it (404 otherwise), for an action that answers with a message."""
    return access.get_visible_or_404(access.visible(user, "visit", _visit_queryset()), pk)


def visit_for_edit(*, user: User, pk) -> Visit:
    """The visit for its editor: 404 to those who do not see it, 403 to those who only read it."""
    visit = visit_read(user=user, pk=pk)
    if not access.allows(user, "visit", visit, "write"):
        raise PermissionDenied
    return visit


def editor_rows(visit: Visit) -> list[VisitRecommendation]:
    """The editor's rows: the visit's recommendations by number (none for a new visit)."""
    if visit.pk is None:
        return []
    return list(visit.recommendations.order_by("position", "pk"))


def recommendation_read(*, user: User, pk) -> VisitRecommendation:
    """A recommendation of a visit the user sees (404 otherwise), with its visit."""
    queryset = VisitRecommendation.objects.select_related("visit", "visit__school", "visit__school__district")
    return access.get_visible_or_404(access.visible(user, "recommendation", queryset), pk)


# --- the home page ------------------------------------------------------------------------------


@dataclass
class OpenRecommendations:
    rows: list[VisitRecommendation]  # the soonest due first (no due date last), each with `overdue`
    total: int  # all open ones (the list shows HOME_RECOMMENDATIONS at most)


def open_recommendations(*, user: User) -> OpenRecommendations:
    """The open recommendations of visits to the schools whose МО the user heads or where they
    are deputy director: on their home page until the school marks them. Two queries at most
    (none for anyone else)."""
    roles = access.roles_for(user)
    schools = roles.head_school_ids | roles.deputy_school_ids
    if not schools:
        return OpenRecommendations(rows=[], total=0)
    scope = access.visible(
        user, "recommendation",
        VisitRecommendation.objects.filter(visit__school_id__in=schools, done_on__isnull=True),
        action="follow_up",
    )
    today = timezone.localdate()
    rows = list(
        scope.select_related("visit", "visit__school", "visit__visitor")
        .order_by(F("due_on").asc(nulls_last=True), "visit__visited_on", "pk")[:HOME_RECOMMENDATIONS]
    )
    for row in rows:
        row.overdue = row.due_on is not None and row.due_on < today
    total = len(rows) if len(rows) < HOME_RECOMMENDATIONS else scope.count()
    return OpenRecommendations(rows=rows, total=total)
