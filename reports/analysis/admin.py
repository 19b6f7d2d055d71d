"""The annual analysis in the admin: read, never written.

- **Analyses** are written and reviewed on the site only (`reports.analysis.services`): here no
  add and no change of any field, their review's steps shown read-only beside them, their
  history's «revert» refused (it is a change). A submitted or accepted analysis is never deleted
  (its model refuses it too); a draft or returned one may be, by whoever has the right to.
- **Deadlines** («сдать анализ до 10 июня») are set here for a district and a year by its staff
  user (or a superuser); who set it is recorded.
- **Reminders** sent from the methodologist's board are their log: read only.

A staff user sees the rows of their own district (`access.administered`), and is offered only
their district in a deadline's form (`ScopedChoicesMixin`).
"""

from __future__ import annotations

from django.contrib import admin

from associations import access
from reports.analysis.models import Analysis, AnalysisDeadline, AnalysisReminder, AnalysisTransition
from rmo_portal.admin_history import HistoryAdmin, PortalAdmin, PortalTabularInline


class _DistrictScoped:
    district_path = "association__district"

    def get_queryset(self, request):
        return access.administered(request.user, super().get_queryset(request), district_path=self.district_path)


class _ReadOnly:
    """Shown, never added or changed (the change page is a read-only view)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AnalysisTransitionInline(_ReadOnly, PortalTabularInline):
    model = AnalysisTransition
    fields = ("at", "from_status", "to_status", "by_name", "comment")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("at", "pk")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Analysis)
class AnalysisAdmin(_DistrictScoped, _ReadOnly, HistoryAdmin):
    list_display = ("association", "academic_year", "status", "submitted_at", "accepted_at")
    list_filter = ("status", "academic_year")
    search_fields = ("association__name",)
    list_select_related = ("association", "academic_year")
    inlines = (AnalysisTransitionInline,)
    fields = (
        "association", "academic_year", "status", "version", "goals_assessment", "achievements", "problems",
        "next_year_tasks", "submitted_at", "submitted_by", "accepted_at", "accepted_by", "returned_at",
        "returned_by", "return_comment", "pdf", "pdf_sha256", "updated_at", "updated_by",
    )
    readonly_fields = fields

    def get_actions(self, request):
        # The bulk deletion would reach a submitted or accepted one: one at a time, from its page.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.is_frozen:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(AnalysisDeadline)
class AnalysisDeadlineAdmin(PortalAdmin):
    list_display = ("district", "academic_year", "due_on", "set_by", "updated_at")
    list_filter = ("academic_year",)
    list_select_related = ("district", "academic_year", "set_by")
    fields = ("district", "academic_year", "due_on")

    def get_queryset(self, request):
        return access.administered(request.user, super().get_queryset(request), district_path="district")

    def save_model(self, request, obj, form, change):
        obj.set_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AnalysisReminder)
class AnalysisReminderAdmin(_DistrictScoped, _ReadOnly, PortalAdmin):
    list_display = ("association", "academic_year", "sent_at", "sent_by", "recipients")
    list_filter = ("academic_year",)
    search_fields = ("association__name", "recipients")
    list_select_related = ("association", "academic_year", "sent_by")
    fields = ("association", "academic_year", "sent_at", "sent_by", "recipients")
    readonly_fields = fields

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
