"""One meeting as an .ics file on its page: the same event as in the feeds (UID, SEQUENCE,
Moscow time with its VTIMEZONE, summary, place, agenda, status), to whoever sees the meeting;
404 to everyone else."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.models import AgendaItem, Meeting
from meetings.schedule import services as schedule_services
from tests import factories as f
from tests.helpers import count_queries


@pytest.fixture
def meeting(world):
    day = timezone.localdate() + datetime.timedelta(days=10)
    meeting = f.MeetingFactory(association=world.mo, starts_at=f.at(day, 15, 30), theme="Профилактика буллинга",
                               place="Кабинет № 12", duration_minutes=60)
    AgendaItem.objects.create(meeting=meeting, position=1, title="О плане работы на четверть")
    return meeting


def ics(client, meeting):
    response = client.get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="meeting-{meeting.pk}.ics"'
    assert response["Cache-Control"].startswith("private")
    return Calendar.from_ical(response.content)


def test_the_file_is_the_meeting_as_the_feeds_carry_it(world, client, client_for, meeting):
    calendar = ics(client_for(world.teacher), meeting)
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"meeting-{meeting.pk}@testserver"
    assert str(event["SUMMARY"]) == "Заседание: Профилактика буллинга"
    assert str(event["LOCATION"]) == "Кабинет № 12"
    assert "О плане работы на четверть" in str(event["DESCRIPTION"])
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("SEQUENCE") == meeting.version
    start = event.decoded("DTSTART")
    assert start == meeting.starts_at and (start.hour, start.minute) == (15, 30)
    assert event["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Moscow"]
    assert event.decoded("DTEND") - start == datetime.timedelta(minutes=60)
    assert str(event["URL"]).endswith(reverse("meetings:meeting", args=[meeting.pk]))

    # The feed's event of the same meeting is the same event.
    token = schedule_services.calendar_token_for(user=world.teacher).token
    feed = Calendar.from_ical(client.get(reverse("meetings:feed", args=[token])).content)
    [same] = [e for e in feed.walk("VEVENT") if str(e["UID"]) == str(event["UID"])]
    for name in ("SUMMARY", "DESCRIPTION", "LOCATION", "SEQUENCE", "STATUS", "URL"):
        assert str(same[name]) == str(event[name]), name
    assert same.decoded("DTSTART") == start


def test_a_cancelled_meeting_is_marked_cancelled(world, client_for, meeting):
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED, cancel_reason="Карантин")
    [event] = ics(client_for(world.head), meeting).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert "Отменено: Карантин" in str(event["DESCRIPTION"])


@pytest.mark.parametrize("role", ["teacher", "head", "deputy", "methodologist", "admin"])
def test_whoever_sees_the_meeting_gets_it_and_the_link(world, client_for, meeting, role):
    client = client_for(getattr(world, role))
    ics(client, meeting)
    page = client.get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    assert reverse("meetings:meeting_ics", args=[meeting.pk]) in page
    assert "Добавить в календарь (.ics)" in page


@pytest.mark.parametrize("role", ["other_deputy", "other_district_methodologist", "outsider"])
def test_others_get_404(world, client_for, meeting, role):
    response = client_for(getattr(world, role)).get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 404


def test_anonymous_users_log_in(client, meeting):
    response = client.get(reverse("meetings:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_file_does_not_grow_with_the_agenda(world, client_for, meeting, django_assert_num_queries):
    client = client_for(world.teacher)
    url = reverse("meetings:meeting_ics", args=[meeting.pk])
    # 1 session, 2 user, 3 person (roles), 4 appointments (roles), 5 the meeting with its
    # association and school, 6 its agenda
    with django_assert_num_queries(6):
        client.get(url)
    f.add_agenda(meeting, 12)
    assert count_queries(client, url) == 6
