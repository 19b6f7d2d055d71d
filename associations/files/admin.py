"""The stored files in the admin: the superuser's, read only. A file is added by the upload that
needs it and removed with its owner (`services.file_discard` deletes the blob too): a row added,
changed or deleted by hand would point to no blob, or leave one behind."""

from __future__ import annotations

from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from associations.files.models import StoredFile


@admin.register(StoredFile)
class StoredFileAdmin(admin.ModelAdmin):
    list_display = ("original_name", "type", "size_shown", "uploaded_by", "uploaded_at")
    list_filter = ("type",)
    list_select_related = ("uploaded_by",)
    search_fields = ("original_name", "sha256", "storage_name")
    date_hierarchy = "uploaded_at"
    fields = ("original_name", "type", "size", "sha256", "storage_name", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    @admin.display(description=_("размер"), ordering="size")
    def size_shown(self, obj: StoredFile) -> str:
        return filesizeformat(obj.size)

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
