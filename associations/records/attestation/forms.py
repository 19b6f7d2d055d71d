"""Forms of attestation: a record (new and edited), an application, and an application's outcome.

The forms check what a field can say on its own (required, a date, a length); the rules of the
Порядок, the year and the order's date are the service's (`attestation.services`), whose
refusal comes back next to its field. The forms never change the record they edit: the values
go to the service, so that a refused or conflicting save leaves the record as it was.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from associations.models import Person
from associations.records.attestation.filters import person_label
from associations.records.attestation.services import attestation_expiry, attestation_rule_error
from associations.records.models import Attestation, AttestationApplication
from rmo_portal.editors import FastSelect, InvalidFieldsMixin

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class _ValuesForm(InvalidFieldsMixin, forms.ModelForm):
    """A ModelForm that only cleans its fields: no model validation here (the service's
    `full_clean` runs it, with the academic year the service sets) and no change to the instance."""

    def _post_clean(self):
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "person"}


def _person_field(people: QuerySet[Person]) -> forms.ModelChoiceField:
    field = forms.ModelChoiceField(
        queryset=people, label=_("Педагог"), widget=FastSelect,
        error_messages={"required": _("Выберите педагога."),
                        "invalid_choice": _("Этого педагога нет среди тех, чьи записи вы вносите.")},
    )
    field.label_from_instance = person_label
    return field


class AttestationForm(_ValuesForm):
    """A record of attestation. New: with the person, picked from `people` (a teacher: only
    themselves). Edited: the person stays; `version` is the record's when the form was opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    class Meta:
        model = Attestation
        fields = ["person", "category", "granted_on", "order_number", "order_date", "order_issuer", "note"]
        widgets = {"granted_on": DATE_WIDGET, "order_date": DATE_WIDGET}
        help_texts = {
            "granted_on": _("Категория с 01.09.2023 — бессрочная; присвоенная раньше и СЗД действуют пять лет."),
        }

    def __init__(self, *args, people: QuerySet[Person] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            del self.fields["person"]
            if not self.is_bound:
                self.fields["version"].initial = self.instance.version
        else:
            self.fields["person"] = _person_field(people)
            del self.fields["version"]
        self.fields["order_issuer"].widget.attrs["placeholder"] = _("министерство образования области")


class ApplicationForm(_ValuesForm):
    class Meta:
        model = AttestationApplication
        fields = ["person", "category", "applied_on", "note"]
        widgets = {"applied_on": DATE_WIDGET}

    def __init__(self, *args, people: QuerySet[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = _person_field(people)


class ApplicationDecideForm(InvalidFieldsMixin, forms.Form):
    """The outcome of an application: «категория установлена» with the order (the record of
    attestation is created), «отказано» or «отозвано», with its date."""

    OUTCOMES = [
        (value, label) for value, label in AttestationApplication.Outcome.choices
        if value != AttestationApplication.Outcome.PENDING
    ]

    outcome = forms.ChoiceField(
        choices=OUTCOMES, label=_("Итог"), widget=forms.RadioSelect,
        error_messages={"required": _("Выберите итог."), "invalid_choice": _("Выберите итог из списка.")},
    )
    outcome_on = forms.DateField(label=_("Дата итога"), widget=DATE_WIDGET,
                                 help_text=_("Для установленной категории — дата решения аттестационной комиссии."))
    order_number = forms.CharField(
        label=_("Номер приказа"), required=False,
        max_length=Attestation._meta.get_field("order_number").max_length,
        help_text=_("Только если категория установлена."),
    )
    order_date = forms.DateField(label=_("Дата приказа"), required=False, widget=DATE_WIDGET)
    order_issuer = forms.CharField(
        label=_("Кем издан приказ"), required=False,
        max_length=Attestation._meta.get_field("order_issuer").max_length,
    )
    note = forms.CharField(
        label=_("Примечание"), required=False,
        max_length=AttestationApplication._meta.get_field("note").max_length,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, application: AttestationApplication, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        if not self.is_bound:
            self.fields["version"].initial = application.version
            self.fields["note"].initial = application.note


class AttestationAdminForm(forms.ModelForm):
    """The admin's form of a record: the same rules of the Порядок as the site's (quoted next to
    the category), and the expiry computed from the category and the date, never typed."""

    class Meta:
        model = Attestation
        fields = [
            "person", "academic_year", "category", "granted_on", "order_number", "order_date", "order_issuer", "note",
        ]

    def clean(self):
        cleaned = super().clean()
        person, category, granted_on = (cleaned.get(name) for name in ("person", "category", "granted_on"))
        if person is not None and category and granted_on:
            error = attestation_rule_error(person=person, category=category, on=granted_on, exclude=self.instance.pk)
            if error:
                self.add_error("category", error)
            self.instance.expires_on = attestation_expiry(category=category, granted_on=granted_on)
        return cleaned
