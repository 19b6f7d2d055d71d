"""What meetings adds to the visit's page (associations.links.visit_links), registered in
`MeetingsConfig.ready()`: the meeting visited, and for the visit's writers the form that links the
visit to a meeting of the school's МО (the one nearest the visit's date proposed first) or unlinks
it. One query for a reader, two at most for a writer."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from associations import access
from associations.links import ActionForm, Link
from meetings.models import Meeting
from meetings.visits import selectors


def _label(meeting: Meeting) -> str:
    day = date_format(timezone.localtime(meeting.starts_at), "d.m.Y")
    return f"{capfirst(meeting.get_kind_display())} {day}: «{meeting.theme}»"


def visit_links(visit, *, user, can_write: bool) -> list:
    link = selectors.link_of(visit)
    items: list = []
    if link is not None:
        meeting = link.meeting
        if access.allows(user, "meeting", meeting):
            items.append(Link(
                label=_label(meeting), url=reverse("meetings:meeting", args=[meeting.pk]),
                status="" if meeting.status == Meeting.Status.HELD else str(meeting.get_status_display()),
                testid="visit-meeting-link",
            ))
        else:
            items.append(Link(label=_label(meeting), url="", testid="visit-meeting-link"))
    if not can_write:
        return items
    if link is not None:
        items.append(ActionForm(
            action=reverse("meetings:visit_unlink", args=[visit.pk]), button=_("Отвязать от заседания"), danger=True,
            testid="visit-unlink",
        ))
        return items
    meetings = selectors.meeting_choices(user=user, visit=visit)
    if not meetings:
        items.append(Link(
            label=_("Заседаний МО школы в этом учебном году в портале нет."), url="", testid="visit-no-meetings",
        ))
        return items
    proposed = selectors.nearest(meetings, visit.visited_on)
    items.append(ActionForm(
        action=reverse("meetings:visit_link", args=[visit.pk]), button=_("Связать"), field="meeting",
        field_label=_("Заседание или мероприятие МО школы"),
        choices=tuple((str(m.pk), f"{_label(m)} — {m.association.name}") for m in meetings),
        selected=str(proposed.pk), testid="visit-link",
    ))
    return items
