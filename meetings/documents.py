"""The protocol as the education department expects it, rendered by reports.rendering (the one
rendering leaf any app may call)."""

from __future__ import annotations

from django.utils import timezone

from meetings.models import Protocol
from reports.rendering import render_pdf


def protocol_context(protocol: Protocol) -> dict:
    meeting = protocol.meeting
    association = protocol.association
    attendance = list(meeting.attendance.select_related("person").order_by("person__last_name", "person__first_name"))
    items = list(
        protocol.items.select_related("heard_person", "agenda_item")
        .prefetch_related("decisions__responsible")
        .order_by("position", "pk")
    )
    organisation = association.school.name if association.school_id else association.district.education_department
    return {
        "protocol": protocol,
        "meeting": meeting,
        "organisation": organisation,
        "meeting_date": timezone.localtime(meeting.starts_at).date(),
        "present": [a for a in attendance if a.present],
        "absent": [a for a in attendance if not a.present],
        "guests": list(meeting.guests.all()),
        "agenda": list(meeting.agenda.prefetch_related("speakers").order_by("position", "pk")),
        "items": items,
    }


def protocol_pdf(protocol: Protocol) -> bytes:
    return render_pdf("meetings/protocol_pdf.html", protocol_context(protocol))
