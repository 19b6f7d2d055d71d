"""The checklist's upload form: one per item that accepts a document (the order, the regulation,
the instructional documents), prefixed with the item so that several stand on one page. The file
module checks the file next to its field (type by content, size); nothing is stored until the
service runs, and a refused file leaves the title typed. No rule of its own: the model's bounds."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from associations.files.forms import UploadField
from associations.files.models import StoredFile
from reports.checklist.models import TITLE_MAX_LENGTH
from rmo_portal.editors import InvalidFieldsMixin

#: What a document of the МО may be: a scan (PDF, JPEG, PNG) or a text (DOCX, ODT).
DOCUMENT_TYPES = frozenset({
    StoredFile.Type.PDF, StoredFile.Type.DOCX, StoredFile.Type.ODT, StoredFile.Type.JPEG, StoredFile.Type.PNG,
})

SCOPE_YEAR, SCOPE_ALL = "year", "all"


class ChecklistUploadForm(InvalidFieldsMixin, forms.Form):
    title = forms.CharField(
        label=_("Название документа"), required=False, max_length=TITLE_MAX_LENGTH,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
        help_text=_("Например: «Приказ № 112 от 28.08.2025»."),
    )
    file = UploadField(
        label=_("Файл"), allowed=DOCUMENT_TYPES,
        widget=forms.FileInput(attrs={"class": "form-control form-control-sm"}),
    )
    scope = forms.ChoiceField(
        label=_("Срок действия"), initial=SCOPE_YEAR, widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        choices=[(SCOPE_YEAR, _("только этот учебный год")), (SCOPE_ALL, _("для всех лет"))],
    )

    def __init__(self, *args, item: str, **kwargs):
        kwargs.setdefault("prefix", item)
        super().__init__(*args, **kwargs)
        self.item = item

    @property
    def for_all_years(self) -> bool:
        return self.cleaned_data.get("scope") == SCOPE_ALL
