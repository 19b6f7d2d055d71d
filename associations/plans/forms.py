"""Forms of the annual plan: its header, the editor's rows, the review and the execution marks.

The editor shows 30–60 rows, each with a section, a form of work and the responsible people.
A ModelChoiceField per row would query its choices for every row (and `get()` every posted
value); here the choices are read once per request into `PlanChoices` and every row's fields
share them, so the editor's query count does not grow with its rows.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import inlineformset_factory
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from associations.files.forms import UploadField
from associations.files.models import StoredFile
from associations.models import (
    ACADEMIC_MONTH_ORDER,
    MONTHS_NOMINATIVE,
    AcademicYear,
    AnnualPlan,
    Person,
    PlanItem,
    PlanSection,
    WorkForm,
)
from associations.plans.docx_import import MAX_ROWS as MAX_IMPORT_ROWS
from associations.plans.docx_import import PlanFile
from associations.plans.models import (
    FILE_NOTE_MAX_LENGTH,
    ITEM_COMMENT_MAX_LENGTH,
    PLAN_MAX_ITEMS,
    PlanTransition,
)
from associations.selectors import choices_of_people, pickable_people
from rmo_portal.editors import (
    LAST_POSITION,
    FastDateInput,
    FastFileInput,
    FastNumberInput,
    FastSelect,
    FastTextarea,
    FastTextInput,
    InvalidFieldsMixin,
    NumberedRowMixin,
    SharedChoicesFormSet,
    SharedModelChoiceField,
    SharedModelMultipleChoiceField,
)
from rmo_portal.pickers import PickerList, PickerSelectMultiple, people_search_url

# Blank rows offered below the plan's items, for typing without JavaScript.
EXTRA_ROWS = 3
# The forms take no more than the model keeps (a mark's note, a review's comment).
NOTE_MAX_LENGTH = PlanItem._meta.get_field("execution_note").max_length
TRANSITION_COMMENT_MAX_LENGTH = PlanTransition._meta.get_field("comment").max_length
DATE_WIDGET = FastDateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d")


class PlanCreateForm(forms.Form):
    MODES = [("blank", _("пустой план")), ("copy", _("копия плана прошлого года"))]

    mode = forms.ChoiceField(choices=MODES, label=_("Как создать"))
    year = forms.ModelChoiceField(
        queryset=AcademicYear.objects.all(), required=False, label=_("Учебный год"),
        error_messages={"invalid_choice": _("Такого учебного года нет.")},
    )


class PlanHeaderForm(forms.ModelForm):
    """The plan's header. `version` is the plan's version when the editor was opened: the
    optimistic lock of `plan_services.plan_save`."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = AnnualPlan
        fields = ["theme", "goal", "tasks", "expected_results", "considered_protocol_number", "considered_on"]
        widgets = {
            "theme": forms.Textarea(attrs={"rows": 2}),
            "goal": forms.Textarea(attrs={"rows": 2}),
            "tasks": forms.Textarea(attrs={"rows": 4}),
            "expected_results": forms.Textarea(attrs={"rows": 3}),
            "considered_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "considered_protocol_number": _("Протокол заседания МО, на котором рассмотрен план."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["version"].initial = self.instance.version


# --- the editor's rows ------------------------------------------------------------------------


@dataclass
class PlanChoices:
    """Every row's choices, read once per request (three queries), and the row fields built on
    them once: each row gets a shallow copy (its own widget attrs, the same choices)."""

    sections: dict[int, PlanSection]
    section_choices: list
    forms: dict[int, WorkForm]
    form_choices: list
    people: dict[int, Person]
    people_choices: list
    search_url: str | None = None

    @classmethod
    def for_plan(cls, plan: AnnualPlan, *, whole_district: bool = False) -> PlanChoices:
        association = plan.association
        in_use = Q(pk__in=PlanItem.objects.filter(plan=plan).values("section_id"))
        sections = list(PlanSection.objects.filter(Q(is_active=True) | in_use).order_by("group", "order", "name"))
        in_use = Q(pk__in=PlanItem.objects.filter(plan=plan).values("form_id"))
        work_forms = list(WorkForm.objects.filter(Q(is_active=True) | in_use).order_by("order", "name"))
        # The association's people (a school МО's school; the РМО's members, the district's
        # heads and secretaries and the methodical office, or its whole district) and whoever
        # is already responsible for an item, so that an old row still validates.
        responsible = Q(pk__in=PlanItem.responsible.through.objects.filter(planitem__plan=plan).values("person_id"))
        people = pickable_people(
            association, academic_year=plan.academic_year, also=responsible, whole_district=whole_district
        )

        section_groups: dict[str, list] = {}
        for section in sections:
            section_groups.setdefault(str(section.get_group_display()), []).append((section.pk, section.name))
        people_choices = choices_of_people(people, association=association)
        return cls(
            sections={s.pk: s for s in sections},
            section_choices=[("", "—"), *section_groups.items()],
            forms={f.pk: f for f in work_forms},
            form_choices=[("", "—"), *((f.pk, f.name) for f in work_forms)],
            people={p.pk: p for p in people},
            people_choices=people_choices,
            search_url=people_search_url(
                association.pk, year_pk=plan.academic_year_id, whole_district=whole_district
            ),
        )

    @cached_property
    def prototypes(self) -> dict[str, forms.Field]:
        return {
            "section": SharedModelChoiceField(
                objects=self.sections, choices=self.section_choices, label=_("Раздел"),
                error_messages={"required": _("Выберите раздел."), "invalid_choice": _("Такого раздела нет.")},
                widget=FastSelect(attrs={"class": "form-select form-select-sm"}),
            ),
            "form": SharedModelChoiceField(
                objects=self.forms, choices=self.form_choices, label=_("Форма проведения"), required=False,
                error_messages={"invalid_choice": _("Такой формы работы нет.")},
                widget=FastSelect(attrs={"class": "form-select form-select-sm"}),
            ),
            "month": forms.TypedChoiceField(
                choices=[("", "—"), *((m, MONTHS_NOMINATIVE[m]) for m in ACADEMIC_MONTH_ORDER)],
                coerce=int, empty_value=None, required=False, label=_("Месяц"),
                widget=FastSelect(attrs={"class": "form-select form-select-sm plan-month"}),
            ),
            "responsible": SharedModelMultipleChoiceField(
                objects=self.people, choices=self.people_choices, label=_("Ответственные"),
                error_messages={
                    "required": _("Укажите хотя бы одного ответственного."),
                    "invalid_choice": _("Выбран педагог не из этого объединения."),
                },
                # One list of people for all the rows, or the server's search for a long one.
                widget=PickerSelectMultiple(
                    attrs={"class": "form-select form-select-sm plan-responsible"},
                    shared=PickerList(self.people_choices), search_url=self.search_url,
                ),
            ),
        }

    @cached_property
    def model_prototypes(self) -> dict[str, forms.Field]:
        """The row's other fields (the number, the content, the timing and its dates), as the
        model form builds them, copied once per request."""
        fields = {
            name: copy.deepcopy(field) for name, field in PlanItemForm.base_fields.items()
            if name not in self.prototypes
        }
        fields["position"].required = False
        for field in (*fields.values(), *self.prototypes.values()):
            field.label = str(field.label)  # translated once, not in each of the 60 rows
        return fields

    def row_field(self, name: str) -> forms.Field:
        field = _shallow_copy(self.prototypes.get(name) or self.model_prototypes[name])
        field.widget = _shallow_copy(field.widget)
        field.widget.attrs = dict(field.widget.attrs)
        return field

    def row_fields(self) -> dict[str, forms.Field]:
        """A row's fields in the form's order: shallow copies of the prototypes, each with its
        own widget and attributes (an error marks one row's field), the choices shared."""
        return {name: self.row_field(name) for name in PlanItemForm.base_fields}


def _shallow_copy(obj):
    """`copy.copy` of a form field or a widget (plain objects with a __dict__), without the
    pickling protocol copy.copy goes through: a page copies some 1,500 of them."""
    clone = object.__new__(type(obj))
    clone.__dict__ = obj.__dict__.copy()
    return clone


class PlanItemForm(NumberedRowMixin, InvalidFieldsMixin, forms.ModelForm):
    # The last return's comments on the row's item: the editor sets them for a returned plan.
    review_comments = ()

    class Meta:
        model = PlanItem
        fields = ["position", "section", "content", "form", "timing", "month", "date_from", "date_to", "responsible"]
        widgets = {
            "position": FastNumberInput(attrs={"class": "form-control form-control-sm plan-position", "min": 1}),
            "content": FastTextarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
            "timing": FastSelect(attrs={"class": "form-select form-select-sm plan-timing"}),
            "date_from": DATE_WIDGET,
            "date_to": DATE_WIDGET,
        }
        error_messages = {"content": {"required": _("Напишите содержание пункта.")}}

    # Declared so that the model's ModelChoiceFields (a queryset each) are never built; every
    # row has copies of PlanChoices.prototypes instead.
    section = forms.Field()
    form = forms.Field(required=False)
    month = forms.Field(required=False)
    responsible = forms.Field()

    def __init__(self, *args, choices: PlanChoices, **kwargs):
        # Django deep-copies the class's fields for every form: 60 rows of nine fields, their
        # widgets and choices. A row takes shallow copies of the request's prototypes instead.
        self.base_fields = {}
        super().__init__(*args, **kwargs)
        self.fields = choices.row_fields()

    def clean(self):
        """A row without a number goes to the end. The timing's rules are the model's
        (`PlanItem.clean`, run by the form's model validation)."""
        cleaned = super().clean()
        if cleaned.get("position") is None:
            cleaned["position"] = LAST_POSITION
        return cleaned


class BasePlanItemFormSet(SharedChoicesFormSet):
    delete_class = "plan-delete"


PlanItemFormSet = inlineformset_factory(
    AnnualPlan,
    PlanItem,
    form=PlanItemForm,
    formset=BasePlanItemFormSet,
    extra=EXTRA_ROWS,
    can_delete=True,
    max_num=PLAN_MAX_ITEMS,
    validate_max=True,
)


def plan_item_formset(plan: AnnualPlan, data=None, *, choices: PlanChoices | None = None) -> BasePlanItemFormSet:
    """The editor's rows: the plan's items (two queries: rows and their responsible people),
    then EXTRA_ROWS blank rows numbered on from the last item."""
    queryset = PlanItem.objects.prefetch_related("responsible").order_by("position", "pk")
    formset = PlanItemFormSet(
        data,
        instance=plan,
        queryset=queryset,
        prefix="items",
        choices=choices or PlanChoices.for_plan(plan),
    )
    count = len(formset.get_queryset())
    formset.initial_extra = [{"position": count + i} for i in range(1, EXTRA_ROWS + 1)]
    return formset


# --- review and execution -----------------------------------------------------------------


class PlanReviewForm(forms.Form):
    """One form for both decisions: the comment is required only to return the plan, the protocol
    that considered the plan only to approve it; `plan_services` checks both (their errors land
    on these fields, same names). The protocol starts as the plan has it; the approving order is
    entered here, optional (the document prints blanks for it)."""

    comment = forms.CharField(
        label=_("Комментарий"), required=False, max_length=TRANSITION_COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Обязателен, если план возвращается на доработку."),
    )
    considered_protocol_number = forms.CharField(
        label=_("Рассмотрен: протокол №"), required=False, max_length=20,
        help_text=_("Протокол заседания, на котором рассмотрен план. Нужен, чтобы утвердить план."),
    )
    considered_on = forms.DateField(
        label=_("Рассмотрен: дата заседания"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    approval_order_number = forms.CharField(label=_("Приказ об утверждении: №"), required=False, max_length=40)
    approval_order_date = forms.DateField(
        label=_("Приказ об утверждении: дата"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    # The plan's version as the page showed it: a decision on a plan changed since is refused
    # (`plan_services.PlanReviewStale`). The page always posts it; a post without one (a script)
    # is not checked.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    APPROVAL_FIELDS = ("considered_protocol_number", "considered_on", "approval_order_number", "approval_order_date")

    def __init__(self, *args, plan: AnnualPlan | None = None, **kwargs):
        if plan is not None:
            initial = {name: getattr(plan, name) for name in self.APPROVAL_FIELDS}
            kwargs.setdefault("initial", {**initial, "version": plan.version})
        super().__init__(*args, **kwargs)

    def approval(self) -> dict:
        """The approval's values (a valid form) as `plan_services.Approval` takes them; a field
        the request did not post is left out: the plan keeps what it has."""
        return {name: self.cleaned_data[name] for name in self.APPROVAL_FIELDS if self.add_prefix(name) in self.data}


class ShallowFieldsMixin:
    """A form built for each of the plan's items (its mark, its file): the class's fields copied
    shallowly, each with its own widget and attributes, instead of Django's deep copy of every
    field, widget and list of choices (120 forms a page). The choices, validators and messages
    are shared and never changed; what a form changes on a field (its initial, its queryset, an
    error's class) is on its own copy."""

    def __init__(self, *args, **kwargs):
        base_fields = type(self).base_fields
        self.base_fields = {}
        super().__init__(*args, **kwargs)
        fields = {}
        for name, field in base_fields.items():
            fields[name] = copied = _shallow_copy(field)
            copied.widget = _shallow_copy(field.widget)
            copied.widget.attrs = dict(field.widget.attrs)
            if isinstance(field, forms.ModelChoiceField):  # its own queryset, as Django's copy has
                copied.queryset = field.queryset.all()
        self.fields = fields


class MarkFields(ShallowFieldsMixin, InvalidFieldsMixin, forms.Form):
    """An execution mark's fields. Which details each mark needs is checked by
    `plan_services.plan_item_mark`; its errors land on these fields (same names)."""

    execution = forms.ChoiceField(
        choices=PlanItem.Execution.choices, label=_("Отметка"),
        widget=FastSelect(attrs={"class": "form-select form-select-sm"}),
    )
    executed_on = forms.DateField(label=_("Дата выполнения"), required=False, widget=DATE_WIDGET)
    moved_timing = forms.CharField(
        label=_("Новый срок"), required=False, max_length=120,
        widget=FastTextInput(attrs={"class": "form-control form-control-sm"}),
    )
    execution_note = forms.CharField(
        label=_("Примечание или причина"), required=False, max_length=NOTE_MAX_LENGTH,
        widget=FastTextarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )


class PlanItemMarkForm(MarkFields):
    """The execution mark of one item."""

    def __init__(self, *args, item: PlanItem, **kwargs):
        kwargs.setdefault("prefix", f"mark-{item.pk}")
        kwargs.setdefault(
            "initial",
            {
                "execution": item.execution,
                "executed_on": item.executed_on,
                "moved_timing": item.moved_timing,
                "execution_note": item.execution_note,
            },
        )
        super().__init__(*args, **kwargs)
        self.item = item


class PlanItemCommentsForm(forms.Form):
    """The reviewer's comments on single items, sent with the return: a field `item-<pk>-comment`
    an item (shown in the item's row of the plan's page, the review form's `form` attribute ties
    them to it). `comments()` gives them as `plan_services.plan_return` takes them."""

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        for item in items:
            self.fields[f"item-{item.pk}-comment"] = forms.CharField(
                label=_("Замечание к пункту %(position)s") % {"position": item.position},
                required=False, max_length=ITEM_COMMENT_MAX_LENGTH,
                widget=FastTextarea(attrs={"rows": 2, "class": "form-control form-control-sm plan-item-comment"}),
            )

    def comments(self) -> dict[int, str]:
        return {
            int(name.split("-")[1]): value for name, value in self.cleaned_data.items() if value and value.strip()
        }


class PlanItemsMarkForm(MarkFields):
    """One execution mark for the items ticked in the plan's table (`items`, their checkboxes
    carry the form's id); the same fields as the single mark (`PlanItemMarkForm`)."""

    prefix = "bulk"

    items = forms.ModelMultipleChoiceField(
        queryset=PlanItem.objects.none(), label=_("Пункты плана"), widget=forms.MultipleHiddenInput,
        error_messages={
            "required": _("Отметьте пункты плана, которым ставится отметка."),
            "invalid_choice": _("Пункта %(value)s в плане нет."),
            "invalid_pk_value": _("Пункта %(pk)s в плане нет."),
        },
    )

    def __init__(self, *args, plan: AnnualPlan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["execution"].initial = PlanItem.Execution.DONE
        self.fields["items"].queryset = plan.items.select_related("plan", "plan__association")

    def ticked(self) -> set[str]:
        """The pks ticked in the request (as strings), to keep the ticks when the page comes back."""
        return set(self.data.getlist(self.add_prefix("items"))) if self.is_bound else set()


class PlanItemFileForm(ShallowFieldsMixin, InvalidFieldsMixin, forms.Form):
    """A result file of one item (the file module checks its type and size next to the field;
    nothing is stored until the service runs), with a short note of what it is."""

    file = UploadField(
        label=_("Файл результата"), widget=FastFileInput(attrs={"class": "form-control form-control-sm"})
    )
    note = forms.CharField(
        label=_("Что это"), required=False, max_length=FILE_NOTE_MAX_LENGTH,
        widget=FastTextInput(attrs={"class": "form-control form-control-sm"}),
        help_text=_("Например: «методическая разработка», «сценарий»."),
    )

    def __init__(self, *args, item: PlanItem, **kwargs):
        kwargs.setdefault("prefix", f"file-{item.pk}")
        super().__init__(*args, **kwargs)
        self.item = item


# --- a plan brought in from the school's Word file (associations.plans.docx_import) --------------


class PlanImportForm(forms.Form):
    """The upload: the year of the new plan (one without a plan of the association yet), the
    section of rows the file gives none, and the DOCX (the file module checks its type and size
    next to the field; nothing is stored)."""

    year = forms.ModelChoiceField(
        queryset=AcademicYear.objects.none(), label=_("Учебный год плана"),
        error_messages={
            "required": _("Выберите учебный год."),
            "invalid_choice": _("На этот учебный год план уже есть или такого года нет."),
        },
    )
    default_section = forms.ModelChoiceField(
        queryset=PlanSection.objects.filter(is_active=True).order_by("group", "order", "name"),
        label=_("Раздел для строк без раздела"),
        help_text=_("Строки, над которыми в таблице нет строки-раздела или чей раздел не найден в списке разделов."),
        error_messages={"required": _("Выберите раздел."), "invalid_choice": _("Такого раздела нет.")},
    )
    file = UploadField(allowed={StoredFile.Type.DOCX}, label=_("Файл плана (Word, DOCX)"))

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = AcademicYear.objects.exclude(
            pk__in=AnnualPlan.objects.filter(association=association).values("academic_year_id")
        ).order_by("-start_year")
        if not self.is_bound:
            sections = self.fields["default_section"].queryset
            self.fields["default_section"].initial = sections.filter(group=PlanSection.Group.SECTION).first()


IMPORT_SALT = "associations.plans.docx_import"
# A preview is confirmed the same day: later the head uploads the file again.
IMPORT_MAX_AGE = 24 * 60 * 60


def plan_import_token(plan_file: PlanFile, *, association, year, section) -> str:
    """The rows read from the file, for the preview's confirm form: signed (so the rows come
    back as the portal read them, for this association) and compressed; nothing is stored."""
    data = {"a": association.pk, "y": year.pk, "s": section.pk, "file": plan_file.to_data()}
    return signing.dumps(data, salt=IMPORT_SALT, compress=True)


class PlanImportConfirmForm(forms.Form):
    """The preview's confirmation: the rows read (`payload`, signed), which of them to keep, and
    whether to take the plan's theme, goal and tasks from the file."""

    payload = forms.CharField(widget=forms.HiddenInput)
    keep = forms.TypedMultipleChoiceField(
        coerce=int, required=False, choices=[(i, i) for i in range(MAX_IMPORT_ROWS)],
        widget=forms.CheckboxSelectMultiple,
    )
    header = forms.BooleanField(required=False, initial=True, label=_("Взять тему, цель и задачи из файла"))

    def __init__(self, *args, association, **kwargs):
        super().__init__(*args, **kwargs)
        self.association = association

    def clean_payload(self) -> dict:
        expired = ValidationError(
            _("Предпросмотр устарел или повреждён: загрузите файл ещё раз."), code="expired"
        )
        try:
            data = signing.loads(self.cleaned_data["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
            if data["a"] != self.association.pk:
                raise expired
            return {"year": int(data["y"]), "section": int(data["s"]), "file": PlanFile.from_data(data["file"])}
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise expired from None
