"""The calendar's week view (?view=week&date=YYYY-MM-DD): Monday to Sunday with each day's
meetings and events (time, kind, theme, association), what each user may see, the filters and
the neighbouring weeks kept in the URL, bad parameters giving the current week, and a query
count that does not grow with the meetings."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from meetings.schedule import selectors as schedule
from tests import factories as f
from tests.helpers import count_queries

MONDAY = datetime.date(2026, 12, 7)


def week_page(client, **params):
    response = client.get(reverse("meetings:calendar"), {"view": "week", **params})
    assert response.status_code == 200
    return response.content.decode()


def day_cell(page: str, day: datetime.date) -> str:
    return re.search(rf'data-date="{day:%Y-%m-%d}">(.*?)</li>', page, re.S).group(1)


@pytest.fixture
def everywhere(world):
    """One meeting in each association of the world on the Wednesday of the week, named after it."""
    names = ["mo", "other_mo", "rmo", "other_district_rmo", "other_district_mo"]
    return {
        name: f.MeetingFactory(association=getattr(world, name), starts_at=f.at(MONDAY + datetime.timedelta(days=2)),
                               theme=f"Тема {name}")
        for name in names
    }


def test_the_week_is_monday_to_sunday_with_each_days_meetings(world, client_for):
    f.MeetingFactory(association=world.mo, starts_at=f.at(MONDAY, 14, 30), theme="Заседание в понедельник",
                     place="Кабинет 21")
    f.MeetingFactory(association=world.rmo, starts_at=f.at(MONDAY + datetime.timedelta(days=6), 10),
                     theme="Семинар в воскресенье", kind=Meeting.Kind.SEMINAR)
    f.MeetingFactory(association=world.mo, starts_at=f.at(MONDAY - datetime.timedelta(days=1), 10),
                     theme="Прошлая неделя")
    f.MeetingFactory(association=world.mo, starts_at=f.at(MONDAY + datetime.timedelta(days=7), 10),
                     theme="Следующая неделя")
    page = week_page(client_for(world.teacher), date="2026-12-09")  # a Wednesday: its week
    dates = re.findall(r'class="calendar-week-day[^"]*" data-date="([\d-]+)"', page)
    assert dates == [f"{MONDAY + datetime.timedelta(days=n):%Y-%m-%d}" for n in range(7)]
    monday = day_cell(page, MONDAY)
    for text in ("Понедельник, 07.12.2026", "14:30–16:00", "заседание", "Заседание в понедельник",
                 world.mo.name, "Кабинет 21"):
        assert text in monday, text
    sunday = day_cell(page, MONDAY + datetime.timedelta(days=6))
    assert "Семинар в воскресенье" in sunday and "10:00" in sunday and world.rmo.name in sunday
    assert "Прошлая неделя" not in page and "Следующая неделя" not in page
    assert "Неделя 07.12.2026 – 13.12.2026" in page


def test_a_teacher_sees_their_school_and_the_district_rmo_only(world, client_for, everywhere):
    page = week_page(client_for(world.teacher), date=MONDAY.isoformat())
    assert "Тема mo" in page and "Тема rmo" in page
    assert "Тема other_mo" not in page and "Тема other_district" not in page


def test_the_methodologist_sees_the_district_not_the_neighbours(world, client_for, everywhere):
    page = week_page(client_for(world.methodologist), date=MONDAY.isoformat())
    for theme in ("Тема mo", "Тема other_mo", "Тема rmo"):
        assert theme in page
    assert "Тема other_district" not in page


def test_another_districts_methodologist_and_an_outsider(world, client_for, everywhere):
    page = week_page(client_for(world.other_district_methodologist), date=MONDAY.isoformat())
    assert "Тема other_district_rmo" in page and "Тема other_district_mo" in page
    assert "Тема mo<" not in page and "Тема rmo" not in page
    page = week_page(client_for(world.outsider), date=MONDAY.isoformat())
    assert "Тема" not in page
    assert "На этой неделе заседаний и мероприятий нет." in page


def test_the_filters_apply_and_the_neighbouring_weeks_keep_them(world, client_for, everywhere):
    page = week_page(client_for(world.teacher), date=MONDAY.isoformat(), association=world.rmo.pk)
    assert "Тема rmo" in page and "Тема mo" not in page
    assert re.search(r'rel="prev" href="\?[^"]*date=2026-11-30', page)
    assert re.search(r'rel="next" href="\?[^"]*date=2026-12-14', page)
    for link in re.findall(r'rel="(?:prev|next)" href="([^"]*)"', page):
        assert "view=week" in link and f"association={world.rmo.pk}" in link
    # The filter form posts the week along.
    assert '<input type="hidden" name="view" value="week">' in page
    assert '<input type="hidden" name="date" value="2026-12-07">' in page


def test_the_switch_goes_between_the_month_and_the_week(world, client_for):
    client = client_for(world.teacher)
    page = week_page(client, date=MONDAY.isoformat(), kind="seminar")
    switch = re.search(r'data-testid="calendar-switch">(.*?)</nav>', page, re.S).group(1)
    month_link = re.search(r'href="([^"]*)">Месяц<', switch).group(1)
    assert "month=2026-12" in month_link and "kind=seminar" in month_link and "view=" not in month_link
    # From another month, its first day's week; from the current month, today's.
    month = client.get(reverse("meetings:calendar"), {"month": "2031-01", "kind": "seminar"}).content.decode()
    switch = re.search(r'data-testid="calendar-switch">(.*?)</nav>', month, re.S).group(1)
    week_link = re.search(r'href="([^"]*)">Неделя<', switch).group(1)
    assert "view=week" in week_link and "date=2031-01-01" in week_link and "kind=seminar" in week_link
    assert "month=" not in week_link
    current = client.get(reverse("meetings:calendar")).content.decode()
    switch = re.search(r'data-testid="calendar-switch">(.*?)</nav>', current, re.S).group(1)
    assert f"date={timezone.localdate():%Y-%m-%d}" in switch


@pytest.mark.parametrize("params", [
    {"date": "2026-13-40"}, {"date": "вчера"}, {"date": "1899-01-01"}, {"date": "9999-12-31"},
    {"date": "2026-12-07' OR 1=1"}, {"date": ""}, {"kind": "nonsense", "association": "abc"},
])
def test_bad_parameters_give_the_current_week(world, client_for, params):
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday())
    page = week_page(client_for(world.teacher), **params)
    assert f'data-date="{monday:%Y-%m-%d}"' in page
    assert f'data-date="{today:%Y-%m-%d}"' in page


def test_an_unknown_view_is_the_month(world, client_for):
    response = client_for(world.teacher).get(reverse("meetings:calendar"), {"view": "year", "month": "2026-12"})
    assert response.status_code == 200
    assert 'data-testid="calendar"' in response.content.decode()
    assert 'data-testid="calendar-week"' not in response.content.decode()


def test_a_late_evening_meeting_lands_on_its_moscow_day(world):
    late = f.MeetingFactory(association=world.mo, starts_at=f.at(MONDAY + datetime.timedelta(days=6), 23, 30))
    early = f.MeetingFactory(association=world.mo, starts_at=f.at(MONDAY + datetime.timedelta(days=7), 0, 30))
    _, week = schedule.week_calendar(user=world.teacher, params={}, monday=MONDAY)
    assert week.days[6].meetings == [late]
    assert early not in [m for d in week.days for m in d.meetings]


def test_the_week_does_not_grow_with_meetings(world, client_for, django_assert_num_queries):
    client = client_for(world.methodologist)
    f.meetings_over_district(world, 7, first=MONDAY)
    # 1 session, 2 user, 3 person (roles), 4 appointments (roles), 5 the week's meetings with
    # their associations and schools, 6 the associations offered by the filter
    with django_assert_num_queries(6):
        client.get(reverse("meetings:calendar"), {"view": "week", "date": MONDAY.isoformat()})
    few = count_queries(client, reverse("meetings:calendar"), view="week", date=MONDAY.isoformat())
    f.meetings_over_district(world, 28, first=MONDAY)
    many = count_queries(client, reverse("meetings:calendar"), view="week", date=MONDAY.isoformat())
    assert many == few
