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
from icalendar import Calendar, Event, Timezone, TimezoneStandard, vDuration

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


def _offset(tz: datetime.tzinfo, moment: datetime.datetime) -> datetime.timedelta:
    return moment.astimezone(tz).utcoffset()


def _last_change(tz: datetime.tzinfo, before: datetime.datetime) -> datetime.datetime | None:
    """The last moment at or before `before` when the zone's offset changed (to the hour), or
    None when it has not changed since 1970."""
    offset = _offset(tz, before)
    step, moment = datetime.timedelta(days=1), before
    floor = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    while moment > floor and _offset(tz, moment - step) == offset:
        moment -= step
    if moment <= floor:
        return None
    while _offset(tz, moment - datetime.timedelta(hours=1)) != offset:  # back to the hour it changed
        moment -= datetime.timedelta(hours=1)
    while _offset(tz, moment - datetime.timedelta(hours=1)) == offset:
        moment -= datetime.timedelta(hours=1)
    return moment


def vtimezone(tz: datetime.tzinfo, *, tzid: str, first: datetime.date, last: datetime.date) -> Timezone:
    """The VTIMEZONE of the rules in force from `first` to `last` only. A zone whose offset
    does not change in that span (Moscow since 26.10.2014) is one STANDARD component from its
    last change; independent parsers and clients that read the embedded definition (Outlook
    for a zone name it does not know) then cannot pick a rule of another era. A zone with
    changes in the span gets icalendar's rules for the span."""
    start = datetime.datetime.combine(first, datetime.time(), tzinfo=datetime.UTC)
    end = datetime.datetime.combine(last, datetime.time(), tzinfo=datetime.UTC)
    offset = _offset(tz, start)
    day, steady = start, True
    while day <= end:
        if _offset(tz, day) != offset:
            steady = False
            break
        day += datetime.timedelta(days=1)
    if not steady:
        return Timezone.from_tzid(tzid, first_date=first, last_date=last)
    changed = _last_change(tz, start)
    since = changed if changed is not None else datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
    before = _offset(tz, since - datetime.timedelta(hours=1)) if changed is not None else offset
    standard = TimezoneStandard()
    standard.add("dtstart", since.astimezone(tz).replace(tzinfo=None) - (offset - before))
    standard.add("tzoffsetfrom", before)
    standard.add("tzoffsetto", offset)
    standard.add("tzname", since.astimezone(tz).tzname())
    component = Timezone()
    component.add("tzid", tzid)
    component.add_component(standard)
    return component


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
    meetings = list(meetings)
    days = [timezone.localtime(m.starts_at, tz).date() for m in meetings] or [timezone.localdate()]
    cal.add_component(vtimezone(tz, tzid=tzid, first=min(days), last=max(days) + datetime.timedelta(days=1)))
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
