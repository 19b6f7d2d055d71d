"""The annual plan in the admin: reference lists are edited here; plans are read here and written
only through the plan pages (`associations.plans.services`), which keep the review workflow."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from associations import access
from associations.plans.models import AnnualPlan, PlanItem, PlanSection, PlanTransition, WorkForm
from rmo_portal.admin_history import HistoryAdmin, PortalAdmin, PortalTabularInline


@admin.register(PlanSection)
class PlanSectionAdmin(PortalAdmin):
    list_display = ("name", "group", "order", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("group", "is_active")
    search_fields = ("name",)


@admin.register(WorkForm)
class WorkFormAdmin(PortalAdmin):
    list_display = ("name", "order", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)


class ReadOnlyInline(PortalTabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PlanItemInline(ReadOnlyInline):
    model = PlanItem
    fields = ("position", "section", "content", "form", "timing_label", "execution", "executed_on")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section", "form")

    @admin.display(description=_("сроки"))
    def timing_label(self, obj):
        return obj.timing_label


class PlanTransitionInline(ReadOnlyInline):
    model = PlanTransition
    fields = ("at", "from_status", "to_status", "by_name", "comment")
    readonly_fields = fields


@admin.register(AnnualPlan)
class AnnualPlanAdmin(HistoryAdmin):
    list_display = ("association", "academic_year", "status", "updated_at")
    list_filter = ("status", "academic_year", "association__kind", "association__district")
    list_select_related = ("association", "academic_year")
    search_fields = ("association__name", "theme")
    inlines = [PlanItemInline, PlanTransitionInline]

    def get_queryset(self, request):
        return access.visible(request.user, "plan", super().get_queryset(request))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and (obj is None or obj.status == AnnualPlan.Status.DRAFT)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.history_ids_or_404(object_id, version_id)
        raise PermissionDenied  # reverting would bypass the review workflow
