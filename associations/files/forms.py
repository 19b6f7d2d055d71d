"""Form fields for uploads: the file module's check runs in `clean()`, so a refused file's Russian
reason stands next to its field, and the form keeps everything else the user typed."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from associations.files import services


def _accept(allowed: Iterable[str]) -> str:
    """The browser's file picker hint (the server decides by content all the same)."""
    extensions = set()
    for type in allowed:
        extensions |= {f".{e}" for e in services._SAME_EXTENSIONS.get(type, {services.EXTENSIONS[type]})}
    return ",".join(sorted(extensions))


def upload_help(allowed: Iterable[str]) -> str:
    return _("%(types)s, не больше %(limit)s МБ.") % {
        "types": services._labels(allowed), "limit": services.FILE_MAX_BYTES // services.MB,
    }


class UploadField(forms.FileField):
    """One file, checked by `services.file_check` (type by content, size, `budget` bytes left: a
    form may set `form.fields[name].budget` for the object's remaining allowance)."""

    def __init__(self, *, allowed: Iterable[str] = services.ALL_TYPES, budget: int | None = None, **kwargs):
        self.allowed = frozenset(allowed)
        self.budget = budget
        kwargs.setdefault("help_text", upload_help(self.allowed))
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", _accept(self.allowed))

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if isinstance(upload, UploadedFile):
            services.file_check(upload, allowed=self.allowed, budget=self.budget)
        return upload


class MultipleUploadInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class UploadsField(UploadField):
    """Several files at once (`<input multiple>`): each checked as UploadField does, and all of
    them together within `budget`; every refused file named in the errors. Cleans to a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleUploadInput())
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not items:
            forms.FileField.clean(self, None, initial)  # «required» when it is
            return []
        errors: list[ValidationError] = []
        uploads = []
        left = self.budget
        for item in items:
            try:
                upload = forms.FileField.clean(self, item, initial)
                if isinstance(upload, UploadedFile):
                    checked = services.file_check(upload, allowed=self.allowed, budget=left)
                    if left is not None:
                        left -= checked.size
                uploads.append(upload)
            except ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise ValidationError(errors)
        return uploads
