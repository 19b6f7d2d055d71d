"""Reads of a visit's link to a meeting: the link (with its meeting), the meetings a visit may be
linked to, and the visit of a meeting for the meeting's page (a subquery: no query of its own)."""

from __future__ import annotations

import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from associations import access
from associations.access import User
from associations.models import Visit
from meetings.models import Meeting, MeetingVisit

#: The most meetings the visit's page offers (a school МО meets a dozen times a year).
MEETING_CHOICES_LIMIT = 60


def link_of(visit: Visit) -> MeetingVisit | None:
    """The visit's link with its meeting and the meeting's association (one query)."""
    return (
        MeetingVisit.objects.filter(visit=visit)
        .select_related("meeting", "meeting__association", "meeting__association__school")
        .first()
    )


def meeting_choices(*, user: User, visit: Visit) -> list[Meeting]:
    """The meetings the visit may be linked to: those the user sees, of the visited school's
    associations, of the visit's academic year, not cancelled; by date (one query)."""
    meetings = Meeting.objects.filter(
        association__school_id=visit.school_id, academic_year_id=visit.academic_year_id,
    ).exclude(status=Meeting.Status.CANCELLED)
    return list(
        access.visible(user, "meeting", meetings).select_related("association").order_by("starts_at", "pk")[
            :MEETING_CHOICES_LIMIT
        ]
    )


def nearest(meetings: list[Meeting], day: datetime.date) -> Meeting | None:
    """The meeting closest to `day` (the visit's date): proposed first."""
    if not meetings:
        return None
    return min(meetings, key=lambda m: (abs((timezone.localtime(m.starts_at).date() - day).days), m.starts_at))


def with_visit(queryset: QuerySet[Meeting], *, user: User) -> QuerySet[Meeting]:
    """Meetings annotated with the visit to them the user sees (the latest, if several):
    `rmo_visit_id`, `rmo_visit_on`; in the meeting's own query."""
    if not access.reaches(user, "visit"):
        return queryset
    visits = access.visible(user, "visit", Visit.objects.filter(meeting_link__meeting=OuterRef("pk"))).order_by(
        "-visited_on", "-pk"
    )
    return queryset.annotate(
        rmo_visit_id=Subquery(visits.values("pk")[:1]),
        rmo_visit_on=Subquery(visits.values("visited_on")[:1]),
    )
