"""Calendar tokens and reminders in the admin: records of the schedule's machinery, read-only."""

from __future__ import annotations

from django.contrib import admin

from associations.admin import DistrictScopedMixin, SuperuserOnlyMixin
from meetings.schedule.models import CalendarToken, SentReminder
from rmo_portal.admin_history import PortalAdmin


class _ReadOnlyAdmin(PortalAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarToken)
class CalendarTokenAdmin(DistrictScopedMixin, _ReadOnlyAdmin):
    district_path = "user__person__district"

    """Deleting a token revokes the user's iCalendar feed URL; the token itself is not shown."""

    list_display = ("user", "created_at")
    search_fields = ("user__username", "user__person__last_name")
    list_select_related = ("user",)
    fields = ("user", "created_at")


@admin.register(SentReminder)
class SentReminderAdmin(SuperuserOnlyMixin, _ReadOnlyAdmin):
    list_display = ("kind", "object_id", "for_date", "email", "sent_at")
    list_filter = ("kind",)
    search_fields = ("email",)
    date_hierarchy = "sent_at"

    def has_delete_permission(self, request, obj=None):
        return False  # the row is what keeps a second cron run from sending again
