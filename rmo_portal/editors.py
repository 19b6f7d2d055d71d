"""The editor kit: the pieces the portal's editors of many rows share (the plan's items; a
meeting's agenda and guests; a protocol's questions and decisions).

An editor shows 30–60 rows, each with selects of sections, forms of work and people. A
ModelChoiceField per row would query its choices for every row (and `get()` every posted
value); here the choices are read once per request and every row's fields share them
(`Shared*ChoiceField`, `FastSelect`), the rows' hidden ids are looked up in the rows already
read (`ExistingItemField`, `SharedChoicesFormSet`), and so an editor's query count does not
grow with its rows.

The kit also holds what every editor does the same way around a save: the optimistic lock's
conflict (`VersionConflict`), the posted version (`posted_version`), the message of a refusal
(`refusal`), and what a valid formset asks to change, as plain values (`Row`, `formset_rows`)
that the services take and apply (`rows_apply`). It imports no app of the portal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

# A row the user left without a number goes after the others; the editor numbers such rows on
# (meetings) or the service renumbers 1..n after saving (the plan). Below 32 767, the largest
# number a PositiveSmallIntegerField (the agenda's and the protocol's «№») holds.
LAST_POSITION = 30_000


class InvalidFieldsMixin:
    """Bootstrap's `is-invalid` on every field with an error, for forms rendered by hand."""

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self._errors:
            field = self.fields.get(name)  # None for the form's own errors (__all__)
            if field is None:
                continue
            classes = field.widget.attrs.get("class", "").split()
            if "is-invalid" not in classes:
                field.widget.attrs["class"] = " ".join([*classes, "is-invalid"])


def _escape(value) -> str:
    """`conditional_escape`, with a plain string (nearly every value) escaped directly."""
    return escape(value) if type(value) is str else conditional_escape(value)


def fast_flatatt(attrs: dict) -> str:
    """`django.forms.utils.flatatt` to the character (` key="value"` sorted by key, then the
    keys of True, sorted), without its format_html_join per attribute."""
    pairs = sorted((key, value) for key, value in attrs.items() if not isinstance(value, bool) and value is not None)
    flags = sorted(key for key, value in attrs.items() if value is True)
    return "".join(f' {_escape(key)}="{_escape(value)}"' for key, value in pairs) + "".join(
        f" {_escape(key)}" for key in flags
    )


class FastSelect(forms.Select):
    """A select rendered by joining strings. Django renders every <option> through a template:
    60 rows of four selects with their sections, forms and people took well over a second.

    The options of a list of choices are written once and kept (with the list and the language)
    in a slot the widget's copies share: an editor's rows are shallow copies of one field
    (plans.forms.PlanChoices.row_field), so the sixty rows' selects write their options once and
    only mark the chosen one. Choices that are not a list (a queryset's iterator) are written
    every time; a copy whose choices are another list writes its own."""

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs, choices)
        self._written = [None]  # (choices, language, options): shared by copy.copy and deepcopy

    def _options(self) -> list:
        """Each option as (value, its markup, its markup selected); an optgroup's tags as strings."""
        choices, language = self.choices, get_language()
        written = getattr(self, "_written", None)
        if written is not None:
            cached = written[0]
            if cached is not None and cached[0] is choices and cached[1] == language:
                return cached[2]
        entries: list = []

        def options(group):
            for option_value, label in group:
                option_value = "" if option_value is None else str(option_value)
                start, end = f'<option value="{escape(option_value)}"', f">{escape(str(label))}</option>"
                entries.append((option_value, start + end, f"{start} selected{end}"))

        for group_value, group_label in choices:
            if isinstance(group_label, (list, tuple)):
                entries.append(f'<optgroup label="{escape(str(group_value))}">')
                options(group_label)
                entries.append("</optgroup>")
            else:
                options([(group_value, group_label)])
        if written is not None and type(choices) is list:
            written[0] = (choices, language, entries)
        return entries

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        selected = set(self.format_value(value))
        parts = [f"<select{fast_flatatt(final_attrs)}>"]
        for entry in self._options():
            if isinstance(entry, str):
                parts.append(entry)
            else:
                parts.append(entry[2] if entry[0] in selected else entry[1])
        parts.append("</select>")
        # Every value and label is escaped above.
        return mark_safe("".join(parts))


# Django's templates of these widgets (django/forms/widgets/*.html), which FastWidgetMixin
# writes by joining strings: an <input> of these types (a file input never writes its value) and
# the textarea.
_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time",
                 "checkbox", "search", "tel", "color", "file")
)
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: ` name="value"`, a bare name for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_escape(name)}")
        else:
            parts.append(f' {_escape(name)}="{_escape(value)}"')
    return "".join(parts)


class FastWidgetMixin:
    """An input or a textarea rendered by joining strings, to the character what Django's
    widget templates write (input.html, attrs.html, textarea.html), from the same context
    (`get_context`: the value formatted, `checked`, the attrs). A page of 60 editor rows renders
    some 500 such widgets; through the template engine each took about a tenth of a millisecond.
    A widget whose template is not one of those (a project's own) renders as usual."""

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        if template_name in _INPUT_TEMPLATES:
            value = widget["value"]
            shown = "" if value is None else f' value="{_escape(value)}"'
            html = f'<input type="{_escape(widget["type"])}" name="{_escape(widget["name"])}"'
            return mark_safe(f"{html}{shown}{_attrs_html(widget['attrs'])}>")
        if template_name == _TEXTAREA_TEMPLATE:
            value = widget["value"]
            text = _escape(value) if value else ""
            name = _escape(widget["name"])
            return mark_safe(f'<textarea name="{name}"{_attrs_html(widget["attrs"])}>\n{text}</textarea>')
        return super()._render(template_name, context, renderer)


class FastTextInput(FastWidgetMixin, forms.TextInput):
    pass


class FastNumberInput(FastWidgetMixin, forms.NumberInput):
    pass


class FastDateInput(FastWidgetMixin, forms.DateInput):
    pass


class FastHiddenInput(FastWidgetMixin, forms.HiddenInput):
    pass


class FastCheckboxInput(FastWidgetMixin, forms.CheckboxInput):
    pass


class FastTextarea(FastWidgetMixin, forms.Textarea):
    pass


class FastFileInput(FastWidgetMixin, forms.FileInput):
    pass


# Django's widget classes and their fast twins (no state of their own: a widget's class may be
# swapped for its twin, `fast_widget`).
_FAST = {
    forms.TextInput: FastTextInput, forms.NumberInput: FastNumberInput, forms.DateInput: FastDateInput,
    forms.HiddenInput: FastHiddenInput, forms.CheckboxInput: FastCheckboxInput, forms.Textarea: FastTextarea,
    forms.FileInput: FastFileInput,
}


def fast_widget(widget: forms.Widget) -> forms.Widget:
    """The widget, rendered by FastWidgetMixin from now on if it is exactly one of Django's input
    widgets above (a subclass with its own template or render is left alone)."""
    fast = _FAST.get(type(widget))
    if fast is not None:
        widget.__class__ = fast
    return widget


def fast_widgets(form) -> None:
    """Every field of the form (its own copies) rendered by FastWidgetMixin where it can be."""
    for form_field in form.fields.values():
        fast_widget(form_field.widget)


def _pk(value) -> str:
    return "" if value is None else str(getattr(value, "pk", value))


class SharedModelChoiceField(forms.ChoiceField):
    """A ModelChoiceField over objects read once: no query to render or to validate."""

    def __init__(self, *, objects: dict, **kwargs):
        self.objects = objects
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return _pk(value)

    def valid_value(self, value) -> bool:
        return value.isdecimal() and value.isascii() and int(value) in self.objects

    def clean(self, value):
        value = super().clean(value)
        return self.objects[int(value)] if value else None

    def has_changed(self, initial, data) -> bool:
        return _pk(initial) != _pk(data)


class SharedModelMultipleChoiceField(forms.MultipleChoiceField):
    def __init__(self, *, objects: dict, **kwargs):
        self.objects = objects
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return [_pk(v) for v in value] if isinstance(value, (list, tuple)) else value

    def valid_value(self, value) -> bool:
        return value.isdecimal() and value.isascii() and int(value) in self.objects

    def clean(self, value):
        return [self.objects[int(v)] for v in super().clean(value)]

    def has_changed(self, initial, data) -> bool:
        return {_pk(v) for v in initial or []} - {""} != {_pk(v) for v in data or []} - {""}


class ExistingItemField(forms.Field):
    """The hidden id of a row: the item from the formset's own queryset, without the query per
    row a ModelChoiceField would make."""

    widget = FastHiddenInput
    default_error_messages = {
        "invalid_choice": _(
            "Этот пункт уже удалён из плана. Если он нужен, скопируйте текст в новую строку."
        ),
    }

    def __init__(self, *, objects: dict, **kwargs):
        self.objects = objects
        super().__init__(required=False, **kwargs)

    def prepare_value(self, value):
        return _pk(value)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.objects[int(value)]
        except (KeyError, TypeError, ValueError) as error:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from error

    def has_changed(self, initial, data) -> bool:
        return _pk(initial) != _pk(data)


class NumberedRowMixin:
    """A row of an editor with a number (`position`): a new row whose only change is the number
    the page gave it (the next one, or a reorder) is still blank and is not saved."""

    def has_changed(self) -> bool:
        if self.instance.pk is None:
            return bool(set(self.changed_data) - {"position"})
        return super().has_changed()


class SharedChoicesFormSet(BaseInlineFormSet):
    """An inline formset of an editor's rows (plan items here; agenda questions, guests,
    protocol questions and decisions in meetings). Every row gets the one `choices` object
    read for the request, and each row's hidden id is looked up in the rows already read, not
    queried per row. `rows`, a list the caller has read, stands in for the queryset."""

    id_field = ExistingItemField
    delete_class = "row-delete"  # what the page's script toggles a row's look by

    def __init__(self, *args, choices, rows: list | None = None, **kwargs):
        self.choices = choices
        self._rows = rows
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        if self._rows is not None:
            return self._rows
        if not hasattr(self, "_queryset_list"):
            self._queryset_list = list(super().get_queryset())
        return self._queryset_list

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "choices": self.choices}

    @cached_property
    def rows_by_pk(self) -> dict:
        return {row.pk: row for row in self.get_queryset()}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["id"] = self.id_field(objects=self.rows_by_pk, initial=form.fields["id"].initial)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = gettext_lazy("Удалить")
            form.fields["DELETE"].widget.attrs["class"] = f"form-check-input {self.delete_class}"
        fast_widgets(form)  # the row's inputs, its hidden ids and «Удалить», written without templates




# --- around a save ----------------------------------------------------------------------------


class VersionConflict(Exception):
    """Someone saved the record after the user opened it (their version is older than the
    record's). `obj` is the record as saved now; `changes` says in words what changed, where the
    record's history can tell."""

    def __init__(self, obj, message: str, changes: list[str] | None = None):
        self.obj = obj
        self.changes = changes or []
        super().__init__(message)


@dataclass
class SaveOutcome:
    """How an editor's save went: saved (`obj`), met a newer version (`conflict`, whose record's
    version the page takes so that a second save overwrites on purpose), or was refused
    (`error`, the exception; `message`, its sentence)."""

    version: int
    obj: Any = None
    conflict: VersionConflict | None = None
    error: Exception | None = None

    @property
    def saved(self) -> bool:
        return self.obj is not None

    @property
    def message(self) -> str:
        return refusal(self.error) if self.error is not None else ""


def editor_save(save, *, version: int) -> SaveOutcome:
    """The one save loop of the editors: call `save()` (a service with the version check), and
    tell a conflict and a refusal apart from a save."""
    try:
        obj = save()
    except VersionConflict as conflict:
        return SaveOutcome(version=conflict.obj.version, conflict=conflict)
    except (ValidationError, PermissionDenied) as error:
        return SaveOutcome(version=version, error=error)
    return SaveOutcome(version=version, obj=obj)


def posted_version(data, default: int) -> int:
    """The version the editor was opened at, as the page posted it (`default` when missing)."""
    try:
        return int(data.get("version", ""))
    except (TypeError, ValueError):
        return default


def refusal(error: Exception) -> str:
    """A refused action in one sentence for the page's message."""
    if isinstance(error, PermissionDenied):
        return _("Это действие вам недоступно.")
    return " ".join(error.messages)


def errors_fit(error: ValidationError, form) -> bool:
    """The error names fields of this form only: show it next to them."""
    return hasattr(error, "error_dict") and set(error.error_dict) <= set(form.fields)


def show_refusal(request, form, error: Exception, *, not_saved, say=refusal) -> None:
    """A service's refusal on the page: next to its fields when it names this form's (with
    `not_saved` as the page's message), else as the page's message in one sentence (`say`)."""
    if isinstance(error, ValidationError) and errors_fit(error, form):
        form.add_error(None, error)
        messages.error(request, str(not_saved))
    else:
        messages.error(request, say(error))


# --- what an editor's formset asks to change, as values -----------------------------------------


@dataclass
class Row:
    """One row an editor asks to change: `pk` of an existing row (None for a new one), the
    values of its fields, its many-to-many values, whether to delete it, and the rows of its
    own children (a protocol question's decisions) by relation name."""

    pk: int | None
    values: dict[str, Any] = field(default_factory=dict)
    many: dict[str, list] = field(default_factory=dict)
    delete: bool = False
    children: dict[str, list[Row]] = field(default_factory=dict)


def form_values(form) -> tuple[dict[str, Any], dict[str, list]]:
    """A valid ModelForm's values: its model fields as the form left them on its instance
    (after the form's and the formset's clean), and its many-to-many values."""
    opts = form.instance._meta
    values: dict[str, Any] = {}
    many: dict[str, list] = {}
    for name in form._meta.fields or []:
        if name not in form.fields:
            continue
        model_field = opts.get_field(name)
        if model_field.primary_key or getattr(form, "_parent_fk", None) == name:
            continue
        if model_field.many_to_many:
            many[name] = list(form.cleaned_data.get(name) or [])
        else:
            values[name] = getattr(form.instance, model_field.name)
    return values, many


def formset_rows(formset, *, children=None) -> list[Row]:
    """What a valid inline formset asks to change: rows deleted, rows changed, rows added (blank
    new rows are left out). `children(form)` may give a row's own child rows by relation name."""
    rows = []
    deleted = set(formset.deleted_forms) if formset.can_delete else set()
    for form in formset.forms:
        pk = form.instance.pk
        if form in deleted:
            if pk is not None:
                rows.append(Row(pk=pk, delete=True))
            continue
        kids = children(form) if children else {}
        if pk is None and not form.has_changed():
            continue
        if pk is not None and not form.has_changed() and not any(kids.values()):
            continue
        values, many = form_values(form)
        rows.append(Row(pk=pk, values=values, many=many, children=kids))
    return rows


def rows_apply(*, manager, parent_field: str, parent: models.Model, rows: list[Row], on_row=None) -> None:
    """Apply an editor's rows to the children of `parent` (`manager`, e.g. `plan.items`): delete,
    change, add, each through the model's own validation (`full_clean`). A row whose pk is not a
    child of `parent` is refused, whatever was posted. `on_row(obj, row)` runs after each save
    (for a row's own children)."""
    existing = {obj.pk: obj for obj in manager.all()} if any(r.pk is not None for r in rows) else {}
    model = manager.model
    for row in rows:
        if row.pk is not None and row.pk not in existing:
            raise ValidationError(_("Строку уже удалил другой пользователь. Откройте страницу заново."))
    for row in rows:
        if row.delete:
            existing[row.pk].delete()
            continue
        obj = existing[row.pk] if row.pk is not None else model(**{parent_field: parent})
        for name, value in row.values.items():
            if name != parent_field:
                setattr(obj, name, value)
        obj.full_clean(exclude=[parent_field], validate_unique=False)
        obj.save()
        for name, value in row.many.items():
            getattr(obj, name).set(value)
        if on_row is not None:
            on_row(obj, row)
