"""Reads of meetings and protocols, scoped through associations.access."""

from __future__ import annotations

from django.db.models import QuerySet

from associations import access
from meetings.models import Decision, Meeting, Protocol


def meetings_visible_to(user) -> QuerySet[Meeting]:
    """Meetings of the associations the user may see: their school's and their district's
    РМО events for a school's people, the whole district for the methodologist."""
    return Meeting.objects.filter(association__in=access.associations_visible_to(user).values("pk"))


def meeting_for_user(user, pk, *, queryset: QuerySet[Meeting] | None = None) -> Meeting:
    base = queryset if queryset is not None else Meeting.objects.all()
    return access.get_visible_or_404(base.filter(pk__in=meetings_visible_to(user).values("pk")), pk)


def protocol_for_user(user, pk, *, queryset: QuerySet[Protocol] | None = None) -> Protocol:
    base = queryset if queryset is not None else Protocol.objects.all()
    visible = Protocol.objects.filter(association__in=access.associations_visible_to(user).values("pk"))
    return access.get_visible_or_404(base.filter(pk__in=visible.values("pk")), pk)


def decisions_visible_to(user) -> QuerySet[Decision]:
    return Decision.objects.filter(
        protocol_item__protocol__association__in=access.associations_visible_to(user).values("pk")
    )
