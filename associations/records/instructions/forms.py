"""The form of the acknowledgment (the day the person read the instruction) and the admin's
form of a version, which refuses changing an acknowledged one (the services' rule)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.models import InstructionVersion
from associations.records.instructions import services


class AcknowledgeForm(forms.Form):
    """The day of reading (today unless the person says otherwise) and the version the page
    showed, so that a version that took effect meanwhile is not acknowledged unread."""

    acknowledged_on = forms.DateField(
        label=_("Дата ознакомления"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Укажите дату ознакомления."), "invalid": _("Введите дату: ДД.ММ.ГГГГ.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args, appointment=None, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["acknowledged_on"].widget.attrs["max"] = today.isoformat()
        if appointment is not None:
            self.fields["acknowledged_on"].widget.attrs["min"] = appointment.order_date.isoformat()
        if not self.is_bound:
            self.initial.setdefault("acknowledged_on", today)
            if version is not None:
                self.initial.setdefault("version", version.pk)


class InstructionVersionAdminForm(forms.ModelForm):
    """The admin's change form (and its history's «revert», which saves through it): an
    acknowledged version is refused whatever the path (its fields are read-only there too)."""

    class Meta:
        model = InstructionVersion
        fields = ["instruction", "number", "text", "effective_from"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            # A field the form does not show keeps the instance's value: on a history page that is
            # the old version's, which «revert» would write back.
            values = {
                name: cleaned[name] if name in cleaned else getattr(self.instance, name)
                for name in services.FROZEN_FIELDS
            }
            try:
                services.instruction_version_check_change(version=self.instance, values=values)
            except forms.ValidationError as error:
                self.add_error(None, error)
        return cleaned
