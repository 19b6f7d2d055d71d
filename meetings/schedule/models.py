"""The schedule's machinery: the secret of a user's iCalendar feed, and the reminders sent.

The models keep the `meetings` app label and their tables.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarToken(models.Model):
    """The secret in a user's iCalendar feed URL; regenerating it revokes the old URL."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_token")
    token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ключ календаря")
        verbose_name_plural = _("ключи календаря")

    def __str__(self) -> str:
        return f"{self.user}"


class SentReminder(models.Model):
    """One reminder, sent once: the unique key is what makes a second cron run a no-op.

    The key holds the date the reminder was about (the meeting's Moscow date, the decision's
    due date): a meeting moved to another day, or a decision given a new term, is reminded
    again for its new date, and never twice for the same one.
    """

    class Kind(models.TextChoices):
        MEETING = "meeting", _("о заседании")
        DECISION = "decision", _("о сроке решения")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    email = models.EmailField()
    for_date = models.DateField(_("на дату"), help_text=_("Дата заседания или срок решения, о которых напомнили."))
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("отправленное напоминание")
        verbose_name_plural = _("отправленные напоминания")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "email", "for_date"], name="reminder_sent_once_a_date")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} ({self.for_date:%d.%m.%Y}) → {self.email}"
