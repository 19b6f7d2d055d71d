"""The form that links a visit to a meeting: the meeting, among those the user sees (the
service refuses one of another school, another year or a cancelled one, saying why)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting


class VisitLinkForm(forms.Form):
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(), label=_("Заседание"),
        error_messages={
            "required": _("Выберите заседание."),
            "invalid_choice": _("Такого заседания нет среди доступных вам."),
        },
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings.select_related("association", "association__school")
