"""Reads of the schedule pages, the iCalendar feeds and the control of decisions.

Everything starts from `meetings.selectors` / `associations.access`, so a user sees here exactly
the meetings and decisions they may see elsewhere: their school's associations and their
district's РМО, the whole district for the methodologist. Related rows are fetched up front so
that a page's query count does not grow with its rows.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass, field

import django_filters
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations import access
from associations.models import AcademicYear, Association, Membership, Person
from meetings.models import AgendaItem, Decision, Meeting, Protocol
from meetings.selectors import meetings_visible_to

UPCOMING_ON_HOME = 5
MONTH_MIN_YEAR, MONTH_MAX_YEAR = 2000, 2100


def local_midnight(day: datetime.date) -> datetime.datetime:
    """The start of a Moscow day, as an aware datetime (the project's TIME_ZONE)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _associations_for_choices(user) -> QuerySet[Association]:
    return access.associations_visible_to(user).order_by("kind", "school__short_name", "name")


# --- the schedule list and the month calendar ---------------------------------------------------


class MeetingFilter(django_filters.FilterSet):
    """Kind and association; the associations offered are those the user may see. A malformed
    value makes the field invalid and is then ignored, never a 500."""

    kind = django_filters.ChoiceFilter(choices=Meeting.Kind.choices, label=_("Вид"), empty_label=_("все виды"))
    association = django_filters.ModelChoiceFilter(
        queryset=Association.objects.none(), label=_("Объединение"), empty_label=_("все объединения")
    )

    class Meta:
        model = Meeting
        fields = ["kind", "association"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["association"].queryset = _associations_for_choices(user)


def _schedule_queryset(user) -> QuerySet[Meeting]:
    return meetings_visible_to(user).select_related("association", "association__school")


def schedule_list(*, user, params, past: bool) -> tuple[MeetingFilter, QuerySet[Meeting]]:
    """Upcoming meetings (from the start of today, Moscow time) soonest first; with `past`,
    the earlier ones, latest first."""
    start_of_today = local_midnight(timezone.localdate())
    queryset = _schedule_queryset(user)
    if past:
        queryset = queryset.filter(starts_at__lt=start_of_today).order_by("-starts_at", "-pk")
    else:
        queryset = queryset.filter(starts_at__gte=start_of_today).order_by("starts_at", "pk")
    filterset = MeetingFilter(params, queryset=queryset, user=user)
    return filterset, filterset.qs


def upcoming_meetings(*, user, limit: int = UPCOMING_ON_HOME) -> list[Meeting]:
    """The home page's next few meetings, cancelled ones included (people need to know)."""
    start_of_today = local_midnight(timezone.localdate())
    return list(_schedule_queryset(user).filter(starts_at__gte=start_of_today).order_by("starts_at", "pk")[:limit])


def month_from_params(params) -> datetime.date:
    """The first day of ?month=YYYY-MM, or of the current month; a malformed value is ignored."""
    raw = (params.get("month") or "").strip() if params else ""
    try:
        year_text, month_text = raw.split("-")
        year, month = int(year_text), int(month_text)
        if MONTH_MIN_YEAR <= year <= MONTH_MAX_YEAR and 1 <= month <= 12:
            return datetime.date(year, month, 1)
    except ValueError:
        pass
    return timezone.localdate().replace(day=1)


def _shift_month(first: datetime.date, months: int) -> datetime.date:
    index = first.year * 12 + first.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass
class CalendarDay:
    date: datetime.date
    in_month: bool
    is_today: bool
    meetings: list[Meeting] = field(default_factory=list)


@dataclass
class MonthCalendar:
    first: datetime.date
    weeks: list[list[CalendarDay]]
    meetings: list[Meeting]  # the month's own meetings, for the list under the grid
    previous: datetime.date | None
    next: datetime.date | None

    @property
    def param(self) -> str:
        return f"{self.first:%Y-%m}"

    @property
    def previous_param(self) -> str | None:
        return f"{self.previous:%Y-%m}" if self.previous else None

    @property
    def next_param(self) -> str | None:
        return f"{self.next:%Y-%m}" if self.next else None


def _meetings_by_day(
    user, params, first: datetime.date, end: datetime.date
) -> tuple[MeetingFilter, dict[datetime.date, list[Meeting]]]:
    """The filtered meetings from Moscow's midnight of `first` up to that of `end` (not
    included), in one query, grouped by their Moscow day: the month and the week views."""
    queryset = (
        _schedule_queryset(user)
        .filter(starts_at__gte=local_midnight(first), starts_at__lt=local_midnight(end))
        .order_by("starts_at", "pk")
    )
    filterset = MeetingFilter(params, queryset=queryset, user=user)
    by_day: dict[datetime.date, list[Meeting]] = {}
    for meeting in filterset.qs:
        by_day.setdefault(timezone.localtime(meeting.starts_at).date(), []).append(meeting)
    return filterset, by_day


def month_calendar(*, user, params, first: datetime.date) -> tuple[MeetingFilter, MonthCalendar]:
    """A Monday-first grid of the month (whole weeks, so the neighbouring months' days at its
    edges too) with the meetings in their Moscow days."""
    weeks_of_dates = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(first.year, first.month)
    grid_start, grid_end = weeks_of_dates[0][0], weeks_of_dates[-1][-1]
    filterset, by_day = _meetings_by_day(user, params, grid_start, grid_end + datetime.timedelta(days=1))
    today = timezone.localdate()
    weeks = [
        [
            CalendarDay(date=d, in_month=d.month == first.month, is_today=d == today, meetings=by_day.get(d, []))
            for d in week
        ]
        for week in weeks_of_dates
    ]
    in_month = [m for day in sorted(by_day) if day.month == first.month for m in by_day[day]]
    previous = _shift_month(first, -1)
    following = _shift_month(first, 1)
    return filterset, MonthCalendar(
        first=first,
        weeks=weeks,
        meetings=in_month,
        previous=previous if previous.year >= MONTH_MIN_YEAR else None,
        next=following if following.year <= MONTH_MAX_YEAR else None,
    )


# --- the week view of the calendar --------------------------------------------------------------


def week_from_params(params) -> datetime.date:
    """The Monday of the week of ?date=YYYY-MM-DD, or of the current week; a malformed or
    out-of-range value is ignored."""
    raw = (params.get("date") or "").strip() if params else ""
    try:
        day = datetime.date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        day = None
    if day is None or not MONTH_MIN_YEAR <= day.year <= MONTH_MAX_YEAR:
        day = timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())


@dataclass
class WeekCalendar:
    monday: datetime.date
    days: list[CalendarDay]  # Monday to Sunday
    previous: datetime.date | None
    next: datetime.date | None

    @property
    def sunday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=6)

    @property
    def param(self) -> str:
        return self.monday.isoformat()

    @property
    def month_param(self) -> str:
        """The month view to switch to: the month of the week's Monday."""
        return f"{self.monday:%Y-%m}"

    @property
    def previous_param(self) -> str | None:
        return self.previous.isoformat() if self.previous else None

    @property
    def next_param(self) -> str | None:
        return self.next.isoformat() if self.next else None

    @property
    def is_empty(self) -> bool:
        return not any(day.meetings for day in self.days)


def week_calendar(*, user, params, monday: datetime.date) -> tuple[MeetingFilter, WeekCalendar]:
    """Seven Moscow days from `monday`, each with its meetings and events (filtered as the
    month is), in one query."""
    filterset, by_day = _meetings_by_day(user, params, monday, monday + datetime.timedelta(days=7))
    today = timezone.localdate()
    days = [monday + datetime.timedelta(days=n) for n in range(7)]
    previous = monday - datetime.timedelta(days=7)
    following = monday + datetime.timedelta(days=7)
    return filterset, WeekCalendar(
        monday=monday,
        days=[CalendarDay(date=d, in_month=True, is_today=d == today, meetings=by_day.get(d, [])) for d in days],
        previous=previous if previous.year >= MONTH_MIN_YEAR else None,
        next=following if following.year <= MONTH_MAX_YEAR else None,
    )


def month_week_date(first: datetime.date) -> datetime.date:
    """The day whose week the switch «Неделя» opens from a month: today in the current month,
    the month's first day otherwise."""
    today = timezone.localdate()
    return today if (today.year, today.month) == (first.year, first.month) else first


# --- one meeting as iCalendar -------------------------------------------------------------------


def meeting_for_ics(*, user, pk) -> Meeting:
    """The meeting as the feeds carry it (association, school, agenda): 404 to those who do not
    see it."""
    queryset = _schedule_queryset(user).prefetch_related(
        Prefetch("agenda", queryset=AgendaItem.objects.order_by("position", "pk"))
    )
    return access.get_visible_or_404(queryset, pk)


# --- iCalendar feeds ----------------------------------------------------------------------------


def feed_meetings(*, user, association: Association | None = None) -> QuerySet[Meeting]:
    """What a user's feed carries: the meetings they may see from the start of the previous
    academic year on, with the agenda for the description."""
    since = AcademicYear(start_year=AcademicYear.start_year_for(timezone.localdate()) - 1).starts_on
    queryset = _schedule_queryset(user).filter(starts_at__gte=local_midnight(since))
    if association is not None:
        queryset = queryset.filter(association=association)
    return queryset.prefetch_related(
        Prefetch("agenda", queryset=AgendaItem.objects.order_by("position", "pk"))
    ).order_by("starts_at", "pk")


# --- reminders (manage.py send_reminders) -------------------------------------------------------

DECISION_REMINDER_DAYS = 3


def meetings_for_reminders(*, day: datetime.date) -> QuerySet[Meeting]:
    """Planned meetings on a Moscow date (cancelled and held ones get no reminder)."""
    return (
        Meeting.objects.filter(
            status=Meeting.Status.PLANNED,
            starts_at__gte=local_midnight(day),
            starts_at__lt=local_midnight(day + datetime.timedelta(days=1)),
        )
        .select_related("association", "association__school")
        .prefetch_related(Prefetch("agenda", queryset=AgendaItem.objects.order_by("position", "pk")))
        .order_by("starts_at", "pk")
    )


def meeting_members(meeting: Meeting) -> list[Person]:
    """Who a meeting's reminder goes to: the members of its association in its academic year
    (the РМО's members for a district event)."""
    return [
        m.person
        for m in Membership.objects.filter(
            association_id=meeting.association_id, academic_year_id=meeting.academic_year_id
        )
        .select_related("person__user")
        .order_by("person__last_name", "person__first_name", "person__pk")
    ]


def decisions_for_reminders(*, today: datetime.date, days: int = DECISION_REMINDER_DAYS) -> QuerySet[Decision]:
    """Open decisions of signed protocols due within `days` days from today (not the overdue
    ones: those are on the head's list). A decision is reminded once (SentReminder), so a daily
    run reaches it «in 3 days», or on the first run after it was recorded with a shorter term."""
    return (
        Decision.objects.filter(
            status=Decision.Status.OPEN,
            due_on__gte=today,
            due_on__lte=today + datetime.timedelta(days=days),
            protocol_item__protocol__status=Protocol.Status.SIGNED,
        )
        .select_related("responsible__user", "protocol_item__protocol__association", "protocol_item__protocol__meeting")
        .order_by("due_on", "pk")
    )


# --- the home page: next week ------------------------------------------------------------------------

NEXT_WEEK_ON_HOME = 30


@dataclass
class NextWeek:
    monday: datetime.date
    sunday: datetime.date
    meetings: list[Meeting]  # NEXT_WEEK_ON_HOME at most, soonest first, cancelled ones included


def next_week_meetings(*, user, today: datetime.date | None = None) -> NextWeek:
    """«На следующей неделе»: the meetings the user sees from next Monday to Sunday (Moscow
    time). One query."""
    today = today or timezone.localdate()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    following = monday + datetime.timedelta(days=7)
    meetings = list(
        _schedule_queryset(user)
        .filter(starts_at__gte=local_midnight(monday), starts_at__lt=local_midnight(following))
        .order_by("starts_at", "pk")[:NEXT_WEEK_ON_HOME]
    )
    return NextWeek(monday=monday, sunday=following - datetime.timedelta(days=1), meetings=meetings)
