"""Calendar tokens and reminders in the admin: records of the schedule's machinery, read-only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from associations.admin import DistrictScopedMixin, SuperuserOnlyMixin
from meetings.schedule.models import CalendarToken, SentReminder
from rmo_portal.admin_history import PortalAdmin
from rmo_portal.admin_russian import titled_filter


class _ReadOnlyAdmin(PortalAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(CalendarToken)
class CalendarTokenAdmin(DistrictScopedMixin, _ReadOnlyAdmin):
    district_path = "user__person__district"

    """Deleting a token revokes the user's iCalendar feed URL; the token itself is not shown."""

    # The model's fields have no Russian verbose_name: the admin names them.
    list_display = ("user_display", "created_at_display")
    search_fields = ("user__username", "user__person__last_name")
    list_select_related = ("user",)
    fields = ("user_display", "created_at_display")
    readonly_fields = fields

    @admin.display(description=_("пользователь"), ordering="user__username")
    def user_display(self, obj: CalendarToken):
        return obj.user

    @admin.display(description=_("создан"), ordering="created_at")
    def created_at_display(self, obj: CalendarToken):
        return obj.created_at


@admin.register(SentReminder)
class SentReminderAdmin(SuperuserOnlyMixin, _ReadOnlyAdmin):
    # The model's fields have no Russian verbose_name: the admin names them.
    list_display = ("kind_display", "object_id_display", "for_date", "email_display", "sent_at_display")
    list_filter = (("kind", titled_filter(admin.ChoicesFieldListFilter, _("вид напоминания"))),)
    fields = list_display
    readonly_fields = list_display
    search_fields = ("email",)
    date_hierarchy = "sent_at"

    @admin.display(description=_("вид напоминания"), ordering="kind")
    def kind_display(self, obj: SentReminder) -> str:
        return obj.get_kind_display()

    @admin.display(description=_("номер заседания или решения"), ordering="object_id")
    def object_id_display(self, obj: SentReminder) -> int:
        return obj.object_id

    @admin.display(description=_("кому"), ordering="email")
    def email_display(self, obj: SentReminder) -> str:
        return obj.email

    @admin.display(description=_("отправлено"), ordering="sent_at")
    def sent_at_display(self, obj: SentReminder):
        return obj.sent_at

    def has_delete_permission(self, request, obj=None):
        return False  # the row is what keeps a second cron run from sending again
