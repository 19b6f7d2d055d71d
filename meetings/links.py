"""What meetings adds to the pages of associations (associations.links), registered in
`MeetingsConfig.ready()`: the meetings that carry out each plan item, and the association's
meetings on its page."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from associations.links import Link
from meetings.models import Meeting


def plan_item_links(items) -> dict[int, list[Link]]:
    """The meetings held (or planned, or cancelled) for each item, by date: one query for all
    the items. "Семинар 15.10.2025", and the status after it unless the meeting was held."""
    ids = [item.pk for item in items]
    by_item: dict[int, list[Link]] = {}
    if not ids:
        return by_item
    for meeting in Meeting.objects.filter(plan_item_id__in=ids).order_by("starts_at", "pk"):
        starts_at = timezone.localtime(meeting.starts_at)
        by_item.setdefault(meeting.plan_item_id, []).append(
            Link(
                label=f"{capfirst(meeting.get_kind_display())} {date_format(starts_at, 'd.m.Y')}",
                url=reverse("meetings:meeting", args=[meeting.pk]),
                status="" if meeting.status == Meeting.Status.HELD else str(meeting.get_status_display()),
                testid="item-meeting",
            )
        )
    return by_item


def association_links(*, association, year, user, can_write: bool) -> list[Link]:
    """The association's meetings of the year, and a new meeting for whoever writes for it."""
    links = [
        Link(
            label=_("Заседания и протоколы"),
            url=f"{reverse('meetings:association_meetings', args=[association.pk])}?year={year.pk if year else ''}",
        )
    ]
    if can_write:
        links.append(
            Link(
                label=_("Запланировать заседание"),
                url=reverse("meetings:meeting_create", args=[association.pk]),
                primary=True,
            )
        )
    return links
