"""Reads of professional development courses: the list of course records a user sees, one record
for its editor, and the right to courses at least once every three years — «курсы за последние
3 года» per teacher, with who is overdue (`course_status`, also read by the teacher's page).

The three-year rule, as the portal counts it: a course counts from its end date (its document
is issued then; a course still running does not count yet). The window is the three years up to
and including today: a course that ended exactly three years ago today (the same day and month,
three years back) still counts; from the next day it no longer does and, with no later course,
the teacher is overdue. So the next course is due by the third anniversary of the last one's
end (`CourseStatus.due_on`). A 29 February has its anniversary on 28 February.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from associations import access
from associations.access import User
from associations.models import Person
from associations.records.courses.filters import CourseFilter, CourseOverviewFilter
from associations.records.models import Course

#: «не реже одного раза в три года».
COURSE_PERIOD_YEARS = 3


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day and month `years` earlier (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February of a leap year, in a common year
        return day.replace(year=day.year - years, day=28)


def years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def course_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and the last end date of a course that counts today: [today − 3 years, today]."""
    return years_before(today, COURSE_PERIOD_YEARS), today


# --- the list and the editor -------------------------------------------------------------------


def course_list(*, user: User, params: Mapping | None) -> tuple[CourseFilter, QuerySet[Course]]:
    """The course records the user sees (the rule of «course»), filtered by year, school, person
    and provider; newest first. The rows carry their person, school and provider (one query for
    a page of them)."""
    courses = access.visible(
        user, "course",
        Course.objects.select_related("person", "person__school", "provider", "academic_year").order_by(
            "-ends_on", "person__last_name", "person__first_name", "-pk"
        ),
    )
    filterset = CourseFilter(params or None, queryset=courses, user=user)
    return filterset, filterset.qs


def course_for_edit(*, user: User, pk: int | str) -> Course:
    """A course the user may change: 404 when they do not see it, 403 when they only read it."""
    course = access.get_visible_or_404(
        access.visible(user, "course", Course.objects.select_related("person", "person__school", "provider")), pk
    )
    if not access.allows(user, "course", course, "write"):
        raise PermissionDenied
    return course


# --- courses in the last three years ---------------------------------------------------------------


@dataclass(frozen=True)
class CourseStatus:
    """A person's «курсы за последние 3 года» on `today`."""

    person_id: int
    today: datetime.date
    last: Course | None  # the course that ended last (on or before today), with its provider
    recent_count: int  # courses ended within the window
    recent_hours: int  # their hours

    @property
    def overdue(self) -> bool:
        """No course ended within the last three years (including a person who never had one)."""
        return self.recent_count == 0

    @property
    def last_ends_on(self) -> datetime.date | None:
        return self.last.ends_on if self.last is not None else None

    @property
    def due_on(self) -> datetime.date | None:
        """The last day the last course still counts: the next one is due by then."""
        return years_after(self.last.ends_on, COURSE_PERIOD_YEARS) if self.last is not None else None


def _int_subquery(queryset: QuerySet, aggregate) -> Coalesce:
    """A correlated aggregate over `queryset` (already narrowed to the outer row's person), 0 when
    it has no rows."""
    return Coalesce(
        Subquery(queryset.order_by().values("person_id").annotate(value=aggregate).values("value")[:1],
                 output_field=IntegerField()),
        Value(0),
    )


def course_status(*, people: Iterable[Person | int], today: datetime.date) -> dict[int, CourseStatus]:
    """Each person's CourseStatus on `today`, by person id, for every person given (a person with
    no course at all is overdue). One query whatever the number of people and courses: the last
    course of each person, with the count and the hours of the window as subqueries."""
    ids = [p if isinstance(p, int) else p.pk for p in people]
    statuses = {pk: CourseStatus(person_id=pk, today=today, last=None, recent_count=0, recent_hours=0) for pk in ids}
    if not ids:
        return statuses
    since, until = course_window(today)
    ended = Course.objects.filter(person_id=OuterRef("person_id"), ends_on__lte=until)
    recent = ended.filter(ends_on__gte=since)
    last_pk = ended.order_by("-ends_on", "-pk").values("pk")[:1]
    lasts = (
        Course.objects.filter(person_id__in=ids, pk=Subquery(last_pk))
        .select_related("provider")
        .annotate(recent_count=_int_subquery(recent, Count("pk")), recent_hours=_int_subquery(recent, Sum("hours")))
    )
    for course in lasts:
        statuses[course.person_id] = CourseStatus(
            person_id=course.person_id, today=today, last=course,
            recent_count=course.recent_count, recent_hours=course.recent_hours,
        )
    return statuses


def recent_course_exists(today: datetime.date) -> Exists:
    """For a queryset of people: a course of theirs ended within the window."""
    since, until = course_window(today)
    return Exists(Course.objects.filter(person_id=OuterRef("pk"), ends_on__gte=since, ends_on__lte=until))


def courses_overview(*, user: User, params: Mapping | None, today: datetime.date) -> tuple[
    CourseOverviewFilter, QuerySet[Person]
]:
    """The school people whose records the user sees (`access.record_people(action="see")`: a
    teacher themselves, the МО head and the deputy their school, the methodologist the district),
    filtered by school, name and «только без курсов за 3 года»; ordered by school and name. Each
    row's status is `course_status` of the page's people."""
    people = access.record_people(
        user, action="see",
        queryset=Person.objects.filter(school__isnull=False).select_related("school").order_by(
            "school__short_name", "last_name", "first_name", "patronymic", "pk"
        ),
    )
    filterset = CourseOverviewFilter(params or None, queryset=people, user=user, recent=recent_course_exists(today))
    return filterset, filterset.qs


def overdue_count(people: QuerySet[Person], *, today: datetime.date) -> int:
    """How many of `people` have no course in the window (one query)."""
    return people.exclude(recent_course_exists(today)).count()
