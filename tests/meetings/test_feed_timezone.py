"""The feeds' VTIMEZONE holds only the rules in force for the span the feed covers, so that an
independent parser (vobject) and clients that use the embedded definition read every event at
the zone's real offset. Before, Europe/Moscow's whole history went out and the last component by
start date was the 2011 switch to +04:00: vobject read a 10:00 meeting of 2026 an hour off."""

import datetime
import zoneinfo

import vobject
from django.urls import reverse
from django.utils import timezone

from meetings.schedule import calendar_feed
from meetings.schedule import services as schedule_services
from tests import factories as f

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


def test_moscow_is_one_standard_component_from_its_last_change():
    component = calendar_feed.vtimezone(
        MOSCOW, tzid="Europe/Moscow", first=datetime.date(2025, 9, 1), last=datetime.date(2026, 9, 1)
    )
    standards = component.walk("STANDARD")
    assert len(standards) == 1 and not component.walk("DAYLIGHT")
    text = component.to_ical().decode()
    assert "DTSTART:20141026T020000" in text
    assert "TZOFFSETFROM:+0400" in text and "TZOFFSETTO:+0300" in text
    assert "RDATE" not in text


def test_a_zone_with_summer_time_in_the_span_keeps_its_rules():
    component = calendar_feed.vtimezone(
        zoneinfo.ZoneInfo("Europe/Berlin"), tzid="Europe/Berlin",
        first=datetime.date(2025, 9, 1), last=datetime.date(2026, 9, 1),
    )
    assert component.walk("DAYLIGHT") and component.walk("STANDARD")


def test_an_independent_parser_reads_every_event_at_the_real_offset(world, client):
    days = [timezone.localdate() + datetime.timedelta(days=n) for n in (3, 40, 200)]
    meetings = [
        f.MeetingFactory(association=world.mo, starts_at=f.at(day, 10), theme=f"Заседание {n}")
        for n, day in enumerate(days)
    ]
    token = schedule_services.calendar_token_for(user=world.teacher).token
    response = client.get(reverse("meetings:feed", args=[token]))
    assert response.status_code == 200
    parsed = vobject.readOne(response.content.decode())
    starts = {str(event.summary.value): event.dtstart.value for event in parsed.vevent_list}
    assert len(starts) == len(meetings)
    for meeting in meetings:
        start = starts[f"Заседание: {meeting.theme}"]
        assert start.utcoffset() == meeting.starts_at.astimezone(MOSCOW).utcoffset() == datetime.timedelta(hours=3)
        assert start == meeting.starts_at  # the same instant
        assert (start.hour, start.minute) == (10, 0)
