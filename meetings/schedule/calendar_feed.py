"""iCalendar (RFC 5545) for the subscription feeds, built with the `icalendar` package.

Times go out as Moscow wall-clock times with TZID=Europe/Moscow and the matching VTIMEZONE, so
a calendar shows 15:00 for a 15:00 meeting wherever it runs and parses back to the same instant.
A meeting keeps its UID for life and its SEQUENCE follows the meeting's version, so a subscribed
calendar updates the event in place when a meeting is moved or cancelled.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone, vDuration

from meetings.models import Meeting

PRODID = "-//Портал РМО//Расписание заседаний//RU"
REFRESH = datetime.timedelta(hours=3)


def meeting_uid(meeting: Meeting, domain: str) -> str:
    return f"meeting-{meeting.pk}@{domain}"


def meeting_summary(meeting: Meeting) -> str:
    return f"{capfirst(meeting.get_kind_display())}: {meeting.theme}"


def meeting_description(meeting: Meeting, url: str | None = None) -> str:
    """The association, the agenda (prefetched), the reason of a cancellation, the link."""
    association = meeting.association
    lines = [
        _("Объединение: %(name)s") % {"name": association.name}
        + (f" ({association.school.short_name})" if association.school_id else "")
    ]
    agenda = list(meeting.agenda.all())
    if agenda:
        lines.append(_("Повестка:"))
        lines.extend(f"{item.position}. {item.title}" for item in agenda)
    if meeting.status == Meeting.Status.CANCELLED:
        lines.append(_("Отменено: %(reason)s") % {"reason": meeting.cancel_reason or "—"})
    if url:
        lines.append(url)
    return "\n".join(lines)


def meetings_calendar(
    meetings: Iterable[Meeting],
    *,
    name: str,
    uid_domain: str,
    url_for: Callable[[Meeting], str | None] | None = None,
) -> bytes:
    """The calendar of the given meetings (each with association, school and agenda fetched)."""
    tz = timezone.get_current_timezone()
    tzid = str(tz)  # "Europe/Moscow", the project's TIME_ZONE
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", tzid)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", vDuration(REFRESH))  # an X- property is text unless told otherwise
    cal.add_component(Timezone.from_tzid(tzid))
    for meeting in meetings:
        url = url_for(meeting) if url_for else None
        event = Event()
        event.add("uid", meeting_uid(meeting, uid_domain))
        event.add("dtstamp", meeting.updated_at)
        event.add("last-modified", meeting.updated_at)
        event.add("sequence", meeting.version)
        event.add("dtstart", timezone.localtime(meeting.starts_at, tz))
        event.add("dtend", timezone.localtime(meeting.ends_at, tz))
        event.add("summary", meeting_summary(meeting))
        if meeting.place:
            event.add("location", meeting.place)
        event.add("description", meeting_description(meeting, url))
        event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
        if url:
            event.add("url", url)
        cal.add_component(event)
    return cal.to_ical()
