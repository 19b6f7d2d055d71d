"""Forms of the contests of professional mastery: one participation (with its team on creation)
and the district table (its header, and one row per participant).

Every text has the model's maximum length; the rule of place vs result is the model's
(`ContestEntry.clean`, asked here so that its error stands next to the place); the rules of
several rows are the services' (`team_errors`, `contest_results_enter`), shown next to their
fields. The district table's people are read once and every row's select shares them
(`rmo_portal.editors`), so the table's query count does not grow with its rows."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from associations.models import District, Person
from associations.records.contests.services import ENTRY_FIELDS, RESULTS_MAX_ROWS, TEAM_MAX, ResultRow
from associations.records.models import NOTE_MAX_LENGTH, PLACE_MAX, Contest, ContestEntry, Level
from rmo_portal.editors import (
    FastSelect,
    InvalidFieldsMixin,
    SharedModelChoiceField,
)
from rmo_portal.pickers import PickerSelect, PickerSelectMultiple, record_people_search_url

NOMINATION_MAX_LENGTH = ContestEntry._meta.get_field("nomination").max_length
TEAM_MAX_LENGTH = ContestEntry._meta.get_field("team").max_length
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def person_label(person: Person) -> str:
    school = person.school.short_name if person.school_id else gettext("методический кабинет")
    return f"{person.short_name} ({school})"


def grouped_people(people: list[Person]) -> list:
    """The choices of a people picker grouped by school (the methodical office for those of no
    school), in the order read."""
    groups: dict[str, list] = {}
    for person in people:
        label = person.school.short_name if person.school_id else gettext("Методический кабинет")
        groups.setdefault(str(label), []).append((person.pk, person.short_name))
    return list(groups.items())


def place_vs_result(form: forms.Form, *, result: str | None, place: int | None) -> None:
    """The model's rule of place vs result (`ContestEntry.clean`), its error next to the place."""
    if not result or form.has_error("place"):
        return  # the place itself is already refused
    try:
        ContestEntry(result=result, place=place).clean()
    except ValidationError as error:
        form.add_error(None, error)


def _place_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Место"), required=False, min_value=1, max_value=PLACE_MAX,
        help_text=_("Для призёра (обычно II или III) и победителя (I)."),
        error_messages={
            "invalid": _("Укажите место целым числом."),
            "min_value": _("Место — от 1 до %(limit_value)s."),
            "max_value": _("Место — от 1 до %(limit_value)s."),
        },
        widget=forms.NumberInput(attrs={"min": 1, "max": PLACE_MAX}),
    )


def _text_field(label, max_length: int, **kwargs) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=False,
        widget=forms.TextInput(attrs={"maxlength": max_length}), **kwargs,
    )


def _contest_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Contest.objects.none(), label=_("Конкурс"),
        error_messages={
            "required": _("Выберите конкурс."),
            "invalid_choice": _("Такого конкурса нет в справочнике: выберите из списка."),
        },
        help_text=_("Нет в списке — попросите администратора добавить конкурс в справочник."),
    )


class ContestEntryForm(InvalidFieldsMixin, forms.Form):
    """One participation: a new one (with `team_people`: the co-participants of a team) or an
    existing one (whose page posts its `version` beside the form: the optimistic lock of
    `record_save`). `people` is the person picker's people (None: the user enters their own)."""

    contest = _contest_field()
    level = forms.ChoiceField(
        choices=[("", "—"), *Level.choices], label=_("Этап (уровень)"),
        error_messages={"required": _("Выберите этап."), "invalid_choice": _("Выберите этап из списка.")},
    )
    held_on = forms.DateField(
        label=_("Дата"), widget=DATE_WIDGET,
        error_messages={"required": _("Укажите дату."), "invalid": _("Укажите дату в виде ДД.ММ.ГГГГ.")},
    )
    nomination = _text_field(_("Номинация"), NOMINATION_MAX_LENGTH)
    result = forms.ChoiceField(
        choices=[("", "—"), *ContestEntry.Result.choices], label=_("Результат"),
        error_messages={"required": _("Выберите результат."), "invalid_choice": _("Выберите результат из списка.")},
    )
    place = _place_field()
    result_note = _text_field(
        _("Формулировка результата"), NOTE_MAX_LENGTH, help_text=_("Как написано в дипломе или протоколе жюри."),
    )
    team = _text_field(_("Команда"), TEAM_MAX_LENGTH, help_text=_("Для командного участия: название команды."))

    def __init__(self, *args, contests: QuerySet[Contest], people: QuerySet[Person] | None = None,
                 team_people: QuerySet[Person] | None = None, entry: ContestEntry | None = None, **kwargs):
        if entry is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(entry, name) for name in ENTRY_FIELDS} | {"person": entry.person_id}
            kwargs["initial"]["contest"] = entry.contest_id
        super().__init__(*args, **kwargs)
        self.fields["contest"].queryset = contests
        if people is not None:
            people_list = list(people)
            self.fields["person"] = SharedModelChoiceField(
                objects={person.pk: person for person in people_list},
                choices=[("", "—"), *grouped_people(people_list)], label=_("Участник"),
                widget=PickerSelect(attrs={"class": "form-select"}, search_url=record_people_search_url("contest")),
                error_messages={
                    "required": _("Выберите участника."),
                    "invalid_choice": _("Выберите участника из списка: участие других педагогов вы не вносите."),
                },
            )
            self.order_fields(["person"])
        if team_people is not None:
            self.fields["team_members"] = forms.ModelMultipleChoiceField(
                queryset=team_people, required=False, label=_("Соучастники команды"),
                help_text=_("Каждому соучастнику будет внесено такое же участие с тем же названием команды. "
                            "Введите часть фамилии и выберите из списка. Не больше %(max)d.")
                % {"max": TEAM_MAX},
                widget=PickerSelectMultiple(
                    attrs={"class": "form-select"}, search_url=record_people_search_url("team"),
                ),
                error_messages={
                    "invalid_choice": _("Выберите соучастников из списка: участие других педагогов вы не вносите."),
                    "invalid_pk_value": _("Выберите соучастников из списка."),
                },
            )
            self.fields["team_members"].label_from_instance = person_label

    def clean(self):
        data = super().clean()
        place_vs_result(self, result=data.get("result"), place=data.get("place"))
        return data

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in ENTRY_FIELDS}

    @property
    def chosen_person(self) -> Person | None:
        return self.cleaned_data.get("person")

    @property
    def chosen_team(self) -> list[Person]:
        return list(self.cleaned_data.get("team_members") or [])


# --- the district table ------------------------------------------------------------------------


class ResultsHeaderForm(InvalidFieldsMixin, forms.Form):
    """The district table's contest and date, and its district (hidden: the only one of the
    user's, or the one they chose on the page above the table)."""

    district = forms.ModelChoiceField(
        queryset=District.objects.none(), widget=forms.HiddenInput, label=_("Район"),
        error_messages={"required": _("Выберите район."), "invalid_choice": _("Выберите район из списка.")},
    )
    contest = _contest_field()
    held_on = forms.DateField(
        label=_("Дата этапа"), widget=DATE_WIDGET,
        error_messages={"required": _("Укажите дату этапа."), "invalid": _("Укажите дату в виде ДД.ММ.ГГГГ.")},
    )

    def __init__(self, *args, districts: list[District], contests: QuerySet[Contest], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contest"].queryset = contests
        self.fields["district"].queryset = District.objects.filter(pk__in=[d.pk for d in districts]).order_by("name")
        if len(districts) == 1 and self.is_bound and not self.data.get(self.add_prefix("district")):
            self.data = self.data.copy()
            self.data[self.add_prefix("district")] = str(districts[0].pk)


class ResultRowForm(InvalidFieldsMixin, forms.Form):
    """One participant of the district table. A row left blank is not saved."""

    def __init__(self, *args, people: dict[int, Person], people_choices: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = SharedModelChoiceField(
            objects=people, choices=[("", "—"), *people_choices], label=_("Участник"),
            widget=FastSelect(attrs={"class": "form-select form-select-sm"}),
            error_messages={
                "required": _("Выберите участника."),
                "invalid_choice": _("Выберите участника из списка педагогов района."),
            },
        )
        self.fields["result"] = forms.ChoiceField(
            choices=[("", "—"), *ContestEntry.Result.choices], label=_("Результат"),
            widget=FastSelect(attrs={"class": "form-select form-select-sm"}),
            error_messages={"required": _("Выберите результат."), "invalid_choice": _("Выберите результат из списка.")},
        )
        self.fields["place"] = _place_field()
        self.fields["place"].help_text = ""
        self.fields["place"].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["nomination"] = _text_field(_("Номинация"), NOMINATION_MAX_LENGTH)
        self.fields["result_note"] = _text_field(_("Формулировка результата"), NOTE_MAX_LENGTH)
        for name in ("nomination", "result_note"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"

    def clean(self):
        data = super().clean()
        place_vs_result(self, result=data.get("result"), place=data.get("place"))
        return data

    def row(self, number: int) -> ResultRow:
        data = self.cleaned_data
        return ResultRow(
            number=number, person=data["person"], result=data["result"], place=data.get("place"),
            nomination=data.get("nomination", ""), result_note=data.get("result_note", ""),
        )


class BaseResultRowFormSet(forms.BaseFormSet):
    def __init__(self, *args, people: list[Person], **kwargs):
        self.people = {person.pk: person for person in people}
        self.people_choices = grouped_people(people)
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "people": self.people, "people_choices": self.people_choices}

    def filled_forms(self) -> list[tuple[int, ResultRowForm]]:
        """The rows filled in, with their numbers in the table (1, 2, …)."""
        return [(index + 1, form) for index, form in enumerate(self.forms) if form.has_changed()]


#: Blank rows the table offers (?rows= asks for more, up to RESULTS_MAX_ROWS).
RESULT_ROWS = 10


def result_formset(data=None, *, people: list[Person], rows: int = RESULT_ROWS) -> BaseResultRowFormSet:
    """The district table's rows: `rows` blank ones (a posted table keeps its own number, at
    most RESULTS_MAX_ROWS)."""
    formset_class = forms.formset_factory(
        ResultRowForm, formset=BaseResultRowFormSet, extra=max(1, min(rows, RESULTS_MAX_ROWS)),
        max_num=RESULTS_MAX_ROWS, validate_max=True, absolute_max=RESULTS_MAX_ROWS,
    )
    return formset_class(data, prefix="rows", people=people)
