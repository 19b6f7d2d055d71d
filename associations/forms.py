"""Forms of the education department's admin: appointments by order and the staff-list import.

The rules of an appointment live in `services.appointment_validate`; the add form calls it in
`clean()` so that a refusal appears next to the field it is about (person, start date, the
confirmation) and `services.appointment_create` in `save_model` does not fail in practice.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from associations import imports, services
from associations.files.forms import UploadField, upload_help
from associations.models import SCAN_TYPES, AcademicYear, Appointment, Association, Membership, Person
from rmo_portal.editors import InvalidFieldsMixin
from rmo_portal.pickers import PickerSelectMultiple, people_search_url

CONFIRM_POSITION_LABEL = _("Подтверждаю назначение не педагога-организатора (п. 5.1 Положения)")


def order_scan_field() -> UploadField:
    """The order's scan on paper, through the file module (its type by content, its size; a
    refusal next to the field); stored by `services.appointment_order_scan_attach` in `save_model`."""
    return UploadField(
        label=_("Скан приказа"), required=False, allowed=SCAN_TYPES,
        help_text=format_lazy(
            "{} {}", upload_help(SCAN_TYPES), _("Новый скан заменяет прежний (прежний остаётся в истории назначения).")
        ),
    )


class AppointmentAddForm(forms.ModelForm):
    """A new appointment. Nothing here writes: the admin hands the cleaned data to the service."""

    confirm_position = forms.BooleanField(
        label=CONFIRM_POSITION_LABEL,
        required=False,
        help_text=_(
            "Нужно, только когда руководителем школьного МО назначают педагога, который не является "
            "педагогом-организатором."
        ),
    )

    confirm_earlier_order = forms.BooleanField(
        label=_("Подтверждаю: приказ издан раньше приказа о текущем назначении"),
        required=False,
        help_text=_("Нужно, только когда дата нового приказа раньше даты приказа о нынешнем руководителе."),
    )

    order_scan_upload = order_scan_field()

    class Meta:
        model = Appointment
        fields = [
            "association",
            "person",
            "role",
            "order_number",
            "order_date",
            "order_issuer",
            "starts_on",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "order_issuer" in self.fields:
            self.fields["order_issuer"].required = False
            self.fields["order_issuer"].help_text = self._issuer_hint()
        if "starts_on" in self.fields:
            self.fields["starts_on"].required = False
            self.fields["starts_on"].help_text = _("Пусто — с даты приказа.")

    def _chosen_association(self) -> Association | None:
        raw = self.data.get(self.add_prefix("association")) if self.is_bound else None
        if raw in (None, ""):
            raw = self.initial.get("association")
        if isinstance(raw, Association):
            return raw
        if raw in (None, ""):
            return None
        try:
            return Association.objects.select_related("district", "school").get(pk=int(raw))
        except (TypeError, ValueError, OverflowError, Association.DoesNotExist):
            return None

    def _issuer_hint(self) -> str:
        association = self._chosen_association()
        if association is not None:
            return gettext("Если оставить пустым, будет записано: «%(issuer)s».") % {
                "issuer": services.appointment_default_issuer(association=association)
            }
        return gettext(
            "Если оставить пустым: для РМО — отдел образования района, для школьного МО — "
            "«Директор <школа> <Фамилия И.О. директора>»."
        )

    def clean(self):
        cleaned = super().clean()
        association = cleaned.get("association")
        person = cleaned.get("person")
        role = cleaned.get("role")
        order_date = cleaned.get("order_date")
        if not (association and person and role and order_date):
            return cleaned  # the missing field already carries its own error
        starts_on = cleaned.get("starts_on") or order_date
        cleaned["starts_on"] = starts_on
        try:
            services.appointment_validate(
                association=association,
                person=person,
                role=role,
                order_date=order_date,
                starts_on=starts_on,
                confirm_position=cleaned.get("confirm_position", False),
                confirm_earlier_order=cleaned.get("confirm_earlier_order", False),
            )
        except ValidationError as error:
            self.add_error(None, error)
            return cleaned
        return cleaned


class AppointmentChangeForm(forms.ModelForm):
    """An existing appointment: only the order's details and the end date may change; the rule
    fields (association, person, role, dates) are read-only in the admin; the order's scan may be
    attached or replaced."""

    order_scan_upload = order_scan_field()

    class Meta:
        model = Appointment
        fields = ["order_number", "order_issuer", "ends_on"]

    def clean(self):
        """The same checks `services.appointment_update` makes, shown next to the field."""
        cleaned = super().clean()
        if self.errors or self.instance.pk is None:
            return cleaned
        try:
            with transaction.atomic():
                services.appointment_update(
                    appointment=self.instance,
                    order_number=cleaned.get("order_number", ""),
                    order_issuer=cleaned.get("order_issuer", ""),
                    ends_on=cleaned.get("ends_on"),
                )
                transaction.set_rollback(True)  # a dry run: save_model writes for real
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label=_("Файл со списком сотрудников"),
        help_text=_("XLSX или CSV (UTF-8, разделитель «;» или «,»), не больше 2 МБ."),
    )
    dry_run = forms.BooleanField(
        label=_("Только проверить, ничего не записывать"),
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        imports.check_upload(filename=upload.name, size=upload.size)
        return upload


class MembershipAddForm(InvalidFieldsMixin, forms.Form):
    """People to add to an association for a year: those of its pool (the school, or the
    РМО's district) who are not members that year yet, by school and name."""

    people = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        label=_("Добавить в состав"),
        help_text=_("Можно выбрать несколько человек: введите часть фамилии и выберите из списка."),
        error_messages={
            "required": _("Выберите хотя бы одного педагога."),
            "invalid_choice": _("Выбран педагог не из этого объединения."),
            "invalid_pk_value": _("Выбран педагог не из этого объединения."),
        },
        widget=PickerSelectMultiple(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, association: Association, academic_year: AcademicYear, **kwargs):
        super().__init__(*args, **kwargs)
        members = Membership.objects.filter(association=association, academic_year=academic_year)
        field = self.fields["people"]
        field.queryset = (
            services.membership_pool(association=association)
            .exclude(pk__in=members.values("person_id"))
            .select_related("school")
            .order_by("school__short_name", "last_name", "first_name", "patronymic")
        )
        field.label_from_instance = _person_in_district if association.is_district else _person_in_school
        # A district's hundreds of people: searched on the server past SEARCH_FROM.
        field.widget.search_url = people_search_url(association.pk, year_pk=academic_year.pk, members=True)


def _person_in_school(person: Person) -> str:
    return person.short_name


def _person_in_district(person: Person) -> str:
    return f"{person.short_name} — {person.school.short_name}" if person.school_id else person.short_name
