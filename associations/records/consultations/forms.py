"""The form of a consultation: its log (among those the user writes), kind, topic, consultant
(the user by default), the people consulted (the district's, in one list grouped by school),
date, form and duration. The choices are read once (two queries) and validated without a query
(`rmo_portal.editors`' shared fields); the rule of the people is the service's
(`consultation_people_errors`), shown next to its field."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as gettext_now
from django.utils.translation import gettext_lazy as _

from associations.access import User
from associations.models import Association, Consultation, Person
from associations.records.consultations import selectors
from associations.records.consultations.services import CONSULTATION_FIELDS, consultation_people_errors
from associations.records.models import TITLE_MAX_LENGTH
from rmo_portal.editors import (
    FastSelect,
    InvalidFieldsMixin,
    SharedModelChoiceField,
    SharedModelMultipleChoiceField,
)
from rmo_portal.pickers import PickerSelect, PickerSelectMultiple, record_people_search_url

DURATION_MIN, DURATION_MAX = 5, 480


@dataclass
class ConsultationChoices:
    """The logs the user writes and the people of their districts, read once per request."""

    logs: dict[int, Association]
    log_choices: list
    people: dict[int, Person]
    people_choices: list

    @classmethod
    def for_user(cls, user: User, consultation: Consultation | None = None) -> ConsultationChoices:
        logs = list(selectors.writable_logs(user=user))
        also = []
        if consultation is not None and consultation.pk is not None:
            also = [consultation.consultant, *consultation.consulted.all()]  # prefetched by the selector
        people = selectors.consultation_people(user=user, logs=logs, also=also)
        several_districts = len({log.district_id for log in logs}) > 1
        return cls(
            logs={log.pk: log for log in logs},
            log_choices=[(log.pk, _log_label(log, with_district=several_districts)) for log in logs],
            people={person.pk: person for person in people},
            people_choices=_people_choices(people, with_district=several_districts),
        )


def _log_label(log: Association, *, with_district: bool) -> str:
    return f"{log.name} ({log.district.name})" if with_district else log.name


def _people_choices(people: list[Person], *, with_district: bool) -> list:
    """Grouped by school (the methodical office for those of no school), in the order read."""
    groups: dict[str, list] = {}
    for person in people:
        group = person.school.short_name if person.school_id else gettext_now("Методический кабинет")
        if with_district:
            group = f"{person.district.name}: {group}"
        groups.setdefault(str(group), []).append((person.pk, person.short_name))
    return list(groups.items())


class ConsultationForm(InvalidFieldsMixin, forms.Form):
    """A new consultation, or an existing one (whose page posts its `version` beside the form: the
    optimistic lock of `record_save`)."""

    def __init__(self, *args, choices: ConsultationChoices, consultation: Consultation | None = None,
                 default_consultant: Person | None = None, **kwargs):
        existing = consultation is not None and consultation.pk is not None
        if existing and "initial" not in kwargs:
            kwargs["initial"] = {
                "association": consultation.association_id,
                "kind": consultation.kind,
                "topic": consultation.topic,
                "consultant": consultation.consultant_id,
                "consulted": [person.pk for person in consultation.consulted.all()],
                "held_on": consultation.held_on,
                "form": consultation.form,
                "duration_minutes": consultation.duration_minutes,
            }
        elif not existing:
            initial = kwargs.setdefault("initial", {})
            if len(choices.logs) == 1:
                initial.setdefault("association", next(iter(choices.logs)))
            if default_consultant is not None and default_consultant.pk in choices.people:
                initial.setdefault("consultant", default_consultant.pk)
            initial.setdefault("form", Consultation.Form.IN_PERSON)
        super().__init__(*args, **kwargs)
        self.choices = choices
        self.fields["association"] = SharedModelChoiceField(
            objects=choices.logs, choices=[("", "—"), *choices.log_choices], label=_("Журнал"),
            widget=FastSelect(attrs={"class": "form-select"}),
            error_messages={"invalid_choice": _("Выберите журнал из списка: в другие вы записи не вносите.")},
        )
        self.fields["kind"] = forms.ChoiceField(
            choices=[("", "—"), *Consultation.Kind.choices], label=_("Вид"),
        )
        self.fields["topic"] = forms.CharField(
            max_length=TITLE_MAX_LENGTH, label=_("Тема"),
            widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_LENGTH}),
        )
        self.fields["consultant"] = SharedModelChoiceField(
            objects=choices.people, choices=[("", "—"), *choices.people_choices], label=_("Консультант"),
            widget=PickerSelect(attrs={"class": "form-select"}, search_url=record_people_search_url("consultation")),
            error_messages={"invalid_choice": _("Выберите консультанта из списка педагогов района.")},
        )
        self.fields["consulted"] = SharedModelMultipleChoiceField(
            objects=choices.people, choices=choices.people_choices, label=_("Кого консультировали"),
            help_text=_("Индивидуальная консультация — один человек, групповая — два и больше. Введите часть "
                        "фамилии и выберите из списка, затем следующего."),
            widget=PickerSelectMultiple(
                attrs={"class": "form-select"}, search_url=record_people_search_url("consultation"),
            ),
            error_messages={
                "required": _("Выберите, кого консультировали."),
                "invalid_choice": _("Выбран человек не из списка педагогов района."),
            },
        )
        self.fields["held_on"] = forms.DateField(
            label=_("Дата"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        )
        self.fields["form"] = forms.ChoiceField(choices=Consultation.Form.choices, label=_("Форма"))
        self.fields["duration_minutes"] = forms.IntegerField(
            label=_("Продолжительность, мин"), min_value=DURATION_MIN, max_value=DURATION_MAX,
            error_messages={
                "min_value": _("Консультация длится не меньше %(limit_value)s минут."),
                "max_value": _("Консультация длится не больше %(limit_value)s минут (8 часов)."),
                "invalid": _("Укажите продолжительность целым числом минут."),
            },
        )

    def clean(self):
        data = super().clean()
        association = data.get("association")
        if "kind" in data and "consulted" in data:
            errors = consultation_people_errors(
                kind=data["kind"], consultant=data.get("consultant"), consulted=data["consulted"],
                district_id=association.district_id if association is not None else None,
            )
            for name, message in errors.items():
                self.add_error(name, message)
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in CONSULTATION_FIELDS}

    @property
    def consulted(self) -> list[Person]:
        return list(self.cleaned_data["consulted"])
