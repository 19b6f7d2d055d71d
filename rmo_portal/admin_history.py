"""The admin's base for models with history (django-simple-history), used by every app.

simple-history's history pages take the object's id from the URL as it is: «abc» in
`/admin/meetings/protocol/abc/history/` reached the database as a filter on an integer column
and answered 500. Here an id that is not one of the model's primary keys (or a version id that
is not a number) is a 404, as Django's own change page treats it.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin


def _require_key(field, value) -> None:
    try:
        field.to_python(unquote(str(value)))
    except (ValidationError, TypeError, ValueError, OverflowError):
        raise Http404 from None


class HistoryAdmin(SimpleHistoryAdmin):
    def history_view(self, request, object_id, extra_context=None):
        _require_key(self.model._meta.pk, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_ids_or_404(self, object_id, version_id=None) -> None:
        _require_key(self.model._meta.pk, object_id)
        if version_id is not None:
            _require_key(self.model.history.model._meta.pk, version_id)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.history_ids_or_404(object_id, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)
