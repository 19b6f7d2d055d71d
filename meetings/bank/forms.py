"""The card's form and its file rows. The choices come from the selectors (`MaterialChoices`:
active reference lists, the school's people, the meetings and plan items the card may link to);
the rules are the service's, called here only to put a message next to its field (the classes,
the files' limits). A file's own checks (type by content, size) are the file module's
`UploadField`."""

from __future__ import annotations

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.files.forms import UploadField
from associations.models import Level, Person, PlanItem
from meetings.bank import services
from meetings.bank.models import (
    DESCRIPTION_MAX_LENGTH,
    GOAL_MAX_LENGTH,
    GRADES,
    MAX_AUTHORS,
    MAX_FILES,
    TASKS_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Material,
    MaterialFile,
)
from meetings.bank.selectors import MaterialChoices
from meetings.models import Meeting
from rmo_portal.editors import InvalidFieldsMixin
from rmo_portal.pickers import PickerSelectMultiple

#: Empty file rows on the form (more files are added on the next edit, up to MAX_FILES).
FILE_ROWS = 3


class _PersonChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, person: Person) -> str:
        return person.short_name


class _MeetingChoice(forms.ModelChoiceField):
    def label_from_instance(self, meeting: Meeting) -> str:
        day = timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y")
        return f"{day} · {meeting.association.name}: «{meeting.theme}»"


class _PlanItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, item: PlanItem) -> str:
        content = item.content if len(item.content) <= 90 else item.content[:88] + "…"
        return f"{item.plan.academic_year} · {item.plan.association.name}: {item.position}. {content}"


def _authors_search_url(material: Material) -> str:
    """The search of the card's possible authors (meetings:material_authors_search)."""
    url = reverse("meetings:material_authors_search")
    return f"{url}?card={material.pk}" if material.pk is not None else url


def _text(label, max_length: int, *, rows: int = 3, required: bool = False) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=max_length, required=required,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": max_length}),
        error_messages={"max_length": _("Не больше %(limit_value)d знаков (сейчас %(show_value)d).")},
    )


class MaterialForm(InvalidFieldsMixin, forms.Form):
    """A new card, or an existing one (whose page posts its `version` beside the form: the
    optimistic lock of `material_save`). `is_owner`: the user is the card's owner (only they make
    it a draft)."""

    def __init__(self, *args, choices: MaterialChoices, material: Material, is_owner: bool, **kwargs):
        if material.pk is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(material, name) for name in (
                    "title", "held_on", "level", "is_open_event", "goal", "tasks", "description", "visibility",
                )},
                "form": material.form_id, "direction": material.direction_id, "module": material.module_id,
                "meeting": material.meeting_id, "plan_item": material.plan_item_id,
                "grades": [str(row.grade) for row in material.grades.all()],
                "authors": [person.pk for person in material.authors.all()],
            }
        elif material.pk is None:
            initial = kwargs.setdefault("initial", {})
            initial.setdefault("authors", [material.owner_id])
            initial.setdefault(
                "visibility", Material.Visibility.SCHOOL if material.school_id else Material.Visibility.DRAFT
            )
            initial.setdefault("level", Level.SCHOOL)
        super().__init__(*args, **kwargs)
        self.fields["title"] = forms.CharField(
            label=_("Название"), max_length=TITLE_MAX_LENGTH,
            widget=forms.TextInput(attrs={"maxlength": TITLE_MAX_LENGTH}),
            error_messages={
                "required": _("Укажите название мероприятия."),
                "max_length": _("Название — не больше %(limit_value)d знаков (сейчас %(show_value)d)."),
            },
        )
        self.fields["form"] = forms.ModelChoiceField(
            queryset=choices.forms, label=_("Форма мероприятия"), empty_label="—",
            error_messages={"required": _("Выберите форму мероприятия."),
                            "invalid_choice": _("Выберите форму мероприятия из списка.")},
        )
        self.fields["direction"] = forms.ModelChoiceField(
            queryset=choices.directions, label=_("Направление воспитания"), empty_label="—",
            error_messages={"required": _("Выберите направление воспитания."),
                            "invalid_choice": _("Выберите направление воспитания из списка.")},
        )
        self.fields["module"] = forms.ModelChoiceField(
            queryset=choices.modules, label=_("Модуль программы воспитания"), required=False, empty_label="—",
            error_messages={"invalid_choice": _("Выберите модуль из списка.")},
        )
        self.fields["grades"] = forms.MultipleChoiceField(
            choices=[(str(grade), str(grade)) for grade in GRADES], label=_("Классы"),
            widget=forms.CheckboxSelectMultiple, required=False,
            error_messages={"invalid_choice": _("Классы — с 1 по 11.")},
        )
        self.fields["held_on"] = forms.DateField(
            label=_("Дата проведения"), required=False,
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            help_text=_("По ней определяется учебный год; без даты — текущий."),
            error_messages={"invalid": _("Укажите дату в виде ДД.ММ.ГГГГ.")},
        )
        self.fields["authors"] = _PersonChoice(
            queryset=choices.authors, label=_("Авторы"), required=False,
            widget=PickerSelectMultiple(attrs={"class": "form-select"}, search_url=_authors_search_url(material)),
            help_text=_("Не больше %(max)d. Если никто не выбран — автор тот, кто добавил карточку. Введите часть "
                        "фамилии и выберите из списка.") % {"max": MAX_AUTHORS},
            error_messages={"invalid_choice": _("Авторы — педагоги школы карточки: выберите из списка.")},
        )
        self.fields["level"] = forms.ChoiceField(choices=Level.choices, label=_("Уровень"))
        self.fields["is_open_event"] = forms.BooleanField(label=_("Открытое мероприятие"), required=False)
        self.fields["goal"] = _text(_("Цель"), GOAL_MAX_LENGTH, rows=2)
        self.fields["tasks"] = _text(_("Задачи"), TASKS_MAX_LENGTH, rows=3)
        self.fields["description"] = _text(_("Описание"), DESCRIPTION_MAX_LENGTH, rows=6)
        self.fields["meeting"] = _MeetingChoice(
            queryset=choices.meetings, label=_("Заседание (открытое мероприятие)"), required=False,
            empty_label="—", help_text=_("Заседание МО школы или РМО района, на котором мероприятие показано."),
            error_messages={"invalid_choice": _("Выберите заседание из списка.")},
        )
        self.fields["plan_item"] = _PlanItemChoice(
            queryset=choices.plan_items, label=_("Пункт плана"), required=False, empty_label="—",
            help_text=_("Пункт плана МО (или РМО), который мероприятие выполнило."),
            error_messages={"invalid_choice": _("Выберите пункт плана из списка.")},
        )
        visibility = [
            (value, label) for value, label in Material.Visibility.choices
            if not (value == Material.Visibility.SCHOOL and not material.school_id)
            and not (value == Material.Visibility.DRAFT and not is_owner and material.visibility != value)
        ]
        self.fields["visibility"] = forms.ChoiceField(
            choices=visibility, label=_("Кому видна карточка"), widget=forms.RadioSelect,
            error_messages={"invalid_choice": _("Выберите, кому видна карточка, из списка.")},
        )

    def clean_grades(self) -> list[int]:
        grades = [int(value) for value in self.cleaned_data["grades"]]
        if message := services.material_grades_errors(grades):
            raise forms.ValidationError(message)
        return grades

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in services.MATERIAL_FIELDS}

    @property
    def grades(self) -> list[int]:
        return self.cleaned_data["grades"]

    @property
    def authors(self) -> list[Person]:
        return list(self.cleaned_data["authors"])


class MaterialFileForm(forms.Form):
    """One file row: what it is, and the file (a row left without a file is nothing)."""

    kind = forms.ChoiceField(choices=MaterialFile.Kind.choices, label=_("Что это"))
    file = UploadField(label=_("Файл"), required=False)


class BaseMaterialFileFormSet(forms.BaseFormSet):
    """The file rows of the card's form; their limits together (the number of files, the card's
    total size with the files it has) are the service's, shown next to the file they fail at."""

    def __init__(self, *args, material: Material, **kwargs):
        self.material = material
        super().__init__(*args, **kwargs)

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        rows = self._rows()
        errors = services.material_files_errors(material=self.material, files=[(k, f) for _form, k, f in rows])
        for index, message in errors.items():
            rows[index][0].add_error("file", message)

    def _rows(self) -> list:
        return [
            (form, form.cleaned_data.get("kind") or MaterialFile.Kind.OTHER, form.cleaned_data["file"])
            for form in self.forms
            if getattr(form, "cleaned_data", None) and form.cleaned_data.get("file")
        ]

    @property
    def uploads(self) -> list[services.FileRow]:
        """The (kind, upload) rows with a file, in the order of the form."""
        return [(kind, upload) for _form, kind, upload in self._rows()]

    def refuse(self, error: services.MaterialFileRefused) -> None:
        """The service refused the file at `error.index` among `uploads`: say so next to it."""
        rows = self._rows()
        if 0 <= error.index < len(rows):
            rows[error.index][0].add_error("file", error.messages)
        else:
            self._non_form_errors = self.error_class(error.messages)


MaterialFileFormSet = forms.formset_factory(
    MaterialFileForm, formset=BaseMaterialFileFormSet, extra=FILE_ROWS, max_num=MAX_FILES, absolute_max=MAX_FILES,
)


def file_formset(data=None, files=None, *, material: Material) -> BaseMaterialFileFormSet:
    """The card's file rows: as many empty rows as the card has room for (up to FILE_ROWS)."""
    have = len(material.files.all()) if material.pk is not None else 0
    formset = MaterialFileFormSet(data, files, prefix="files", material=material)
    formset.extra = max(0, min(FILE_ROWS, MAX_FILES - have))
    return formset
