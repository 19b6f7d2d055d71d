"""The schedule list and the month calendar: what each user sees (their school's associations
and their district's РМО), the filters, the Monday-first month grid in Moscow days, and query
counts that do not grow with the meetings."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from meetings.schedule import selectors as schedule
from tests import factories as f
from tests.helpers import count_queries


def soon(days: int = 3, hour: int = 15) -> datetime.datetime:
    return f.at(timezone.localdate() + datetime.timedelta(days=days), hour)


@pytest.fixture
def everywhere(world):
    """One upcoming meeting in each association of the world, named after it."""
    names = ["mo", "other_mo", "rmo", "other_district_rmo", "other_district_mo"]
    return {
        name: f.MeetingFactory(association=getattr(world, name), starts_at=soon(), theme=f"Тема {name}")
        for name in names
    }


def content(client, name="meetings:schedule", **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.content.decode()


# --- who sees what --------------------------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["meetings:schedule", "meetings:calendar"])
def test_a_teacher_sees_their_school_and_the_district_rmo_only(world, client_for, everywhere, url_name):
    page = content(client_for(world.teacher), url_name, month=f"{soon():%Y-%m}")
    assert "Тема mo" in page
    assert "Тема rmo" in page
    assert "Тема other_mo" not in page
    assert "Тема other_district" not in page


@pytest.mark.parametrize("url_name", ["meetings:schedule", "meetings:calendar"])
def test_the_methodologist_sees_the_district_not_the_neighbours(world, client_for, everywhere, url_name):
    page = content(client_for(world.methodologist), url_name, month=f"{soon():%Y-%m}")
    for theme in ("Тема mo", "Тема other_mo", "Тема rmo"):
        assert theme in page
    assert "Тема other_district" not in page


def test_another_districts_methodologist_sees_their_own(world, client_for, everywhere):
    page = content(client_for(world.other_district_methodologist))
    assert "Тема other_district_rmo" in page and "Тема other_district_mo" in page
    assert "Тема mo" not in page
    assert "Тема rmo" not in page


def test_outsiders_see_an_empty_schedule_and_anonymous_users_log_in(world, client, client_for, everywhere):
    for url_name in ("meetings:schedule", "meetings:calendar"):
        response = client.get(reverse(url_name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    page = content(client_for(world.outsider))
    assert "Тема mo" not in page and "Тема rmo" not in page
    assert "Предстоящих заседаний и мероприятий нет." in page


# --- the list ---------------------------------------------------------------------------------------


def test_upcoming_first_soonest_first_and_the_past_on_its_tab(world, client_for):
    f.MeetingFactory(association=world.mo, starts_at=soon(5), theme="Через пять дней")
    f.MeetingFactory(association=world.mo, starts_at=soon(1), theme="Завтрашнее")
    f.MeetingFactory(association=world.rmo, starts_at=soon(-2), theme="Позавчерашнее")
    f.MeetingFactory(association=world.mo, starts_at=soon(-20), theme="Давнее")
    client = client_for(world.teacher)

    upcoming = content(client)
    assert upcoming.index("Завтрашнее") < upcoming.index("Через пять дней")
    assert "Позавчерашнее" not in upcoming

    past = content(client, past="1")
    assert "Завтрашнее" not in past
    assert past.index("Позавчерашнее") < past.index("Давнее")  # the latest first


def test_a_row_shows_moscow_date_and_time_kind_association_place_and_status(world, client_for):
    day = timezone.localdate() + datetime.timedelta(days=4)
    f.MeetingFactory(association=world.mo, starts_at=f.at(day, 23, 30), theme="Поздний круглый стол",
                     kind=Meeting.Kind.ROUND_TABLE, place="Кабинет № 12")
    f.MeetingFactory(association=world.rmo, starts_at=soon(6), theme="Отменённый семинар", kind=Meeting.Kind.SEMINAR,
                     status=Meeting.Status.CANCELLED, cancel_reason="Карантин")
    page = content(client_for(world.teacher))
    assert f"{day:%d.%m.%Y}" in page and "23:30" in page  # Moscow time, not UTC (20:30)
    assert "круглый стол" in page and "Кабинет № 12" in page and world.mo.name in page
    assert "отменено" in page and "Карантин" in page and "meeting-cancelled" in page


def test_filters_by_kind_and_association(world, client_for):
    f.MeetingFactory(association=world.mo, starts_at=soon(), theme="Заседание МО", kind=Meeting.Kind.SESSION)
    f.MeetingFactory(association=world.rmo, starts_at=soon(), theme="Семинар РМО", kind=Meeting.Kind.SEMINAR)
    client = client_for(world.teacher)

    page = content(client, kind="seminar")
    assert "Семинар РМО" in page and "Заседание МО" not in page

    page = content(client, association=world.mo.pk)
    assert "Заседание МО" in page and "Семинар РМО" not in page


def test_the_association_choices_are_what_the_user_sees(world):
    filterset, _ = schedule.schedule_list(user=world.teacher, params={}, past=False)
    offered = set(filterset.form.fields["association"].queryset)
    assert offered == {world.mo, world.rmo}


@pytest.mark.parametrize(
    "params",
    [
        {"association": "abc"},
        {"association": "99999999999999999999999"},
        {"association": "-1"},
        {"kind": "nonsense"},
        {"past": "yes", "page": "many"},
        {"page": "99999"},
        {"month": "2025-13"},
        {"month": "abcd-ef"},
        {"month": "99999-01"},
        {"month": "-1"},
    ],
)
def test_malformed_filters_never_500(world, client_for, params):
    client = client_for(world.teacher)
    assert client.get(reverse("meetings:schedule"), params).status_code == 200
    assert client.get(reverse("meetings:calendar"), params).status_code == 200


def test_another_schools_association_as_filter_is_ignored_not_shown(world, client_for, everywhere):
    page = content(client_for(world.teacher), association=world.other_mo.pk)
    assert "Тема other_mo" not in page


# --- the month calendar ------------------------------------------------------------------------------


def test_the_grid_is_monday_first_whole_weeks(world):
    _, month = schedule.month_calendar(user=world.teacher, params={}, first=datetime.date(2025, 11, 1))
    assert month.weeks[0][0].date == datetime.date(2025, 10, 27)  # a Monday
    assert month.weeks[-1][-1].date == datetime.date(2025, 11, 30)  # a Sunday
    assert all(len(week) == 7 and week[0].date.weekday() == 0 for week in month.weeks)
    assert [d.in_month for d in month.weeks[0]] == [False] * 5 + [True] * 2
    assert (month.previous_param, month.next_param) == ("2025-10", "2025-12")


def test_a_late_evening_meeting_lands_on_its_moscow_day(world, client_for):
    """23:30 Moscow on 30 November is 20:30 UTC: it belongs to the 30th. 00:30 on 1 December is
    21:30 UTC on 30 November: it belongs to December."""
    late = f.MeetingFactory(
        association=world.mo, starts_at=f.at(datetime.date(2025, 11, 30), 23, 30), theme="Поздно вечером",
    )
    early = f.MeetingFactory(
        association=world.mo, starts_at=f.at(datetime.date(2025, 12, 1), 0, 30), theme="Сразу после полуночи",
    )
    _, november = schedule.month_calendar(user=world.teacher, params={}, first=datetime.date(2025, 11, 1))
    days = {d.date: d.meetings for week in november.weeks for d in week}
    assert days[datetime.date(2025, 11, 30)] == [late]
    assert november.meetings == [late]

    _, december = schedule.month_calendar(user=world.teacher, params={}, first=datetime.date(2025, 12, 1))
    days = {d.date: d.meetings for week in december.weeks for d in week}
    assert days[datetime.date(2025, 12, 1)] == [early]  # a Monday: the grid starts with it
    assert december.meetings == [early]

    page = content(client_for(world.teacher), "meetings:calendar", month="2025-11")
    cell = re.search(r'data-date="2025-11-30">(.*?)</td>', page, re.S).group(1)
    assert "Поздно вечером" in cell and "23:30" in cell


def test_the_calendar_links_the_neighbouring_months_keeping_filters(world, client_for):
    page = content(client_for(world.teacher), "meetings:calendar", month="2026-01", kind="seminar")
    assert "Январь 2026" in page
    assert "month=2025-12" in page and "month=2026-02" in page
    assert "kind=seminar&amp;month=2025-12" in page or "month=2025-12&amp;kind=seminar" in page


def test_the_calendar_filters_like_the_list(world, client_for):
    day = datetime.date(2025, 11, 12)
    f.MeetingFactory(association=world.mo, starts_at=f.at(day), theme="Заседание МО")
    f.MeetingFactory(association=world.rmo, starts_at=f.at(day, 10), theme="Семинар РМО", kind=Meeting.Kind.SEMINAR)
    page = content(client_for(world.teacher), "meetings:calendar", month="2025-11", association=world.rmo.pk)
    assert "Семинар РМО" in page and "Заседание МО" not in page


def test_a_malformed_month_shows_the_current_one(world, client_for):
    today = timezone.localdate()
    page = content(client_for(world.teacher), "meetings:calendar", month="2025-99")
    assert f'data-date="{today:%Y-%m-%d}"' in page


# --- query counts --------------------------------------------------------------------------------------


def test_the_schedule_does_not_grow_with_meetings(world, client_for):
    client = client_for(world.methodologist)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    f.meetings_over_district(world, 10, first=tomorrow)
    few = count_queries(client, reverse("meetings:schedule"))
    f.meetings_over_district(world, 30, first=tomorrow)
    many = count_queries(client, reverse("meetings:schedule"))
    assert many == few


def test_the_calendar_does_not_grow_with_meetings(world, client_for):
    client = client_for(world.methodologist)
    f.meetings_over_district(world, 10, first=datetime.date(2025, 11, 1))
    few = count_queries(client, reverse("meetings:calendar"), month="2025-11")
    f.meetings_over_district(world, 30, first=datetime.date(2025, 11, 1))
    many = count_queries(client, reverse("meetings:calendar"), month="2025-11")
    assert many == few


def test_schedule_query_count(world, client_for, django_assert_num_queries):
    client = client_for(world.teacher)
    f.meetings_over_district(world, 12, first=timezone.localdate() + datetime.timedelta(days=1))
    # 1 session, 2 user, 3 person (roles), 4 appointments (roles), 5 count for the paginator,
    # 6 the associations offered by the filter, 7 the page of meetings with their associations
    # and schools
    with django_assert_num_queries(7):
        client.get(reverse("meetings:schedule"))


def test_calendar_query_count(world, client_for, django_assert_num_queries):
    client = client_for(world.teacher)
    f.meetings_over_district(world, 12, first=datetime.date(2025, 11, 1))
    # 1 session, 2 user, 3 person (roles), 4 appointments (roles), 5 the grid's meetings with
    # their associations and schools, 6 the associations offered by the filter
    with django_assert_num_queries(6):
        client.get(reverse("meetings:calendar"), {"month": "2025-11"})
