"""The checklist's documents in the admin: listed and read, never added, changed or deleted here.
A document comes through the site's upload (the file module checks and stores its file) and goes
with its removal there (`file_discard` deletes the blob too): a row written by hand would point
to no blob, or leave one behind. A staff user sees their own district's (`access.administered`).
"""

from __future__ import annotations

from django.contrib import admin

from associations import access
from reports.checklist.models import ChecklistDocument
from rmo_portal.admin_history import PortalAdmin


@admin.register(ChecklistDocument)
class ChecklistDocumentAdmin(PortalAdmin):
    list_display = ("association", "item", "academic_year", "title", "file", "uploaded_by", "uploaded_at")
    list_filter = ("item", "academic_year")
    search_fields = ("association__name", "title", "file__original_name")
    list_select_related = ("association", "academic_year", "file", "uploaded_by")
    fields = ("association", "academic_year", "item", "title", "file", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return access.administered(request.user, super().get_queryset(request), district_path="association__district")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
