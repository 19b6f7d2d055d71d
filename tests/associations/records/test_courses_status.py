"""The right to courses at least once every three years: «курсы за последние 3 года» per person
(`course_status`) at the window's boundaries, and its query count.

The rule as the portal counts it (documented in associations/records/courses/selectors.py): a
course counts by its end date, within [today − 3 years, today] inclusive. A course that ended
exactly three years ago today still counts; the next day it does not. A course not yet ended
does not count."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from associations.models import AcademicYear
from associations.records.courses.selectors import course_status, course_window, years_before
from tests import factories as f

TODAY = datetime.date(2026, 3, 15)


def _course(person, ends_on: datetime.date, **kwargs):
    return f.CourseFactory(
        person=person, ends_on=ends_on, starts_on=ends_on - datetime.timedelta(days=4),
        academic_year=AcademicYear.objects.get_or_create(start_year=AcademicYear.start_year_for(ends_on))[0],
        **kwargs,
    )


def _status(person, today=TODAY):
    return course_status(people=[person], today=today)[person.pk]


def test_a_course_ended_exactly_three_years_ago_still_counts(world):
    person = world.teacher_person
    _course(person, datetime.date(2023, 3, 15), hours=72)
    status = _status(person)
    assert (status.recent_count, status.recent_hours, status.overdue) == (1, 72, False)
    assert status.last_ends_on == datetime.date(2023, 3, 15)
    assert status.due_on == datetime.date(2026, 3, 15)  # the last day it counts


def test_the_day_after_the_third_anniversary_the_teacher_is_overdue(world):
    person = world.teacher_person
    _course(person, datetime.date(2023, 3, 14), hours=72)
    status = _status(person)
    assert (status.recent_count, status.recent_hours, status.overdue) == (0, 0, True)
    # The last course is still shown, with the date it was due again.
    assert status.last_ends_on == datetime.date(2023, 3, 14)
    assert status.due_on == datetime.date(2026, 3, 14)
    assert _status(person, today=datetime.date(2026, 3, 14)).overdue is False


def test_a_course_ending_today_counts_one_ending_tomorrow_does_not(world):
    person = world.teacher_person
    _course(person, TODAY, hours=16)
    _course(person, TODAY + datetime.timedelta(days=1), hours=36, title="Ещё идут")
    status = _status(person)
    assert (status.recent_count, status.recent_hours) == (1, 16)
    assert status.last.ends_on == TODAY


def test_counts_and_hours_add_up_within_the_window_and_the_last_is_the_latest(world):
    person = world.teacher_person
    _course(person, datetime.date(2019, 5, 1), hours=500)  # long ago: not counted
    _course(person, datetime.date(2023, 11, 3), hours=36)
    latest = _course(person, datetime.date(2025, 12, 20), hours=72, title="Разговоры о важном")
    status = _status(person)
    assert (status.recent_count, status.recent_hours, status.overdue) == (2, 108, False)
    assert status.last == latest
    assert status.last.provider.name  # fetched with the course


def test_a_person_who_never_had_courses_is_overdue(world):
    status = _status(world.teacher_person)
    assert status.overdue is True
    assert (status.last, status.recent_count, status.recent_hours, status.due_on) == (None, 0, 0, None)


def test_the_29th_of_february_has_its_anniversary_on_the_28th(world):
    assert years_before(datetime.date(2028, 2, 29), 3) == datetime.date(2025, 2, 28)
    assert course_window(datetime.date(2028, 2, 29)) == (datetime.date(2025, 2, 28), datetime.date(2028, 2, 29))
    person = world.teacher_person
    _course(person, datetime.date(2024, 2, 29))
    assert _status(person, today=datetime.date(2027, 2, 28)).overdue is False
    assert _status(person, today=datetime.date(2027, 3, 1)).overdue is True
    assert _status(person, today=datetime.date(2027, 2, 28)).due_on == datetime.date(2027, 2, 28)


def test_each_person_gets_their_own_status(world):
    teacher, head = world.teacher_person, world.head_person
    _course(teacher, datetime.date(2025, 1, 10), hours=24)
    _course(head, datetime.date(2020, 1, 10), hours=24)
    statuses = course_status(people=[teacher, head.pk], today=TODAY)
    assert statuses[teacher.pk].overdue is False
    assert statuses[head.pk].overdue is True
    assert statuses[head.pk].last_ends_on == datetime.date(2020, 1, 10)


def test_no_people_no_query(world, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert course_status(people=[], today=TODAY) == {}


@pytest.mark.parametrize("people_count", [1, 6])
def test_one_query_whatever_the_people_and_courses(world, people_count):
    people = [f.PersonFactory(school=world.school) for _ in range(people_count)]
    for person in people:
        for year in (2018, 2023, 2024, 2025):
            _course(person, datetime.date(year, 10, 1))
    with CaptureQueriesContext(connection) as queries:
        statuses = course_status(people=people, today=TODAY)
        # the last course of each person with its provider, the window's count and hours as subqueries
        assert all(s.last.provider.name for s in statuses.values())
    assert len(queries.captured_queries) == 1
    assert {s.recent_count for s in statuses.values()} == {3}
