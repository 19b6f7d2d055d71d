"""Writes of the schedule's machinery: the secret of a user's iCalendar feed."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from meetings.schedule.models import CalendarToken, new_calendar_token


def calendar_token_for(*, user: User) -> CalendarToken:
    """The user's feed token (a CalendarToken), created on first use."""
    return CalendarToken.objects.get_or_create(user=user)[0]


@transaction.atomic
def calendar_token_regenerate(*, user: User) -> CalendarToken:
    """A new secret for the user's feeds: every URL with the old one answers 404 from now on."""
    token, created = CalendarToken.objects.select_for_update().get_or_create(user=user)
    if not created:
        token.token = new_calendar_token()
        token.save(update_fields=["token", "created_at"])
    return token
