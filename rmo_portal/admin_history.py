"""The admin's bases, used by every app: the choices of a form's foreign keys limited to what
the related model's admin shows the user, and the history pages (django-simple-history).

A staff user administers their own district: each ModelAdmin's get_queryset says so (through
`associations.access`), and `ScopedChoicesMixin` makes every select of a change form, an inline
or a filter offer only the rows of the related model's own admin queryset, so that a staff user
of one district is never offered (nor may post) another district's people or associations.

simple-history's history pages take the object's id from the URL as it is: «abc» in
`/admin/meetings/protocol/abc/history/` reached the database as a filter on an integer column
and answered 500. Here an id that is not one of the model's primary keys (or a version id that
is not a number) is a 404, as Django's own change page treats it.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from rmo_portal.admin_russian import RussianAdminMixin


def _require_key(field, value) -> None:
    try:
        field.to_python(unquote(str(value)))
    except (ValidationError, TypeError, ValueError, OverflowError):
        raise Http404 from None


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices from the related model's admin `get_queryset`; an
    object outside that queryset (another district's, or none at all) is a 404, as on the site:
    Django's admin would redirect with «does not exist», telling the two apart."""

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404

    def _related_queryset(self, db_field, request):
        related_admin = self.admin_site._registry.get(db_field.remote_field.model)
        return related_admin.get_queryset(request) if related_admin is not None else None

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = self._related_queryset(db_field, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs:
            queryset = self._related_queryset(db_field, request)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PortalAdmin(RussianAdminMixin, ScopedChoicesMixin, admin.ModelAdmin):
    pass


class PortalTabularInline(ScopedChoicesMixin, admin.TabularInline):
    pass


class HistoryAdmin(RussianAdminMixin, ScopedChoicesMixin, SimpleHistoryAdmin):
    def history_view(self, request, object_id, extra_context=None):
        _require_key(self.model._meta.pk, object_id)
        # simple-history falls back to the object's last historical record when the queryset
        # does not hold it: outside the user's admin queryset, a history is a 404 as well.
        self._in_queryset_or_404(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def _in_queryset_or_404(self, request, object_id) -> None:
        if not request.user.is_superuser and not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def history_ids_or_404(self, object_id, version_id=None) -> None:
        _require_key(self.model._meta.pk, object_id)
        if version_id is not None:
            _require_key(self.model.history.model._meta.pk, version_id)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.history_ids_or_404(object_id, version_id)
        # simple-history loads the version straight from the history table: scope it here.
        self._in_queryset_or_404(request, object_id)
        # simple-history saves a posted «revert» with the view permission alone: a revert is a
        # change, asked of the object as it is now (a signed protocol, an acknowledged version
        # refuse it as their change form does).
        if request.method == "POST" and not self.has_change_permission(
            request, self.get_object(request, unquote(object_id))
        ):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)
