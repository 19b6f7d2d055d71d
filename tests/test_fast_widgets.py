"""The editors' fast widgets (rmo_portal.editors) write what Django's widget templates write, to
the character, and FastSelect's kept options follow its choices and the language."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.choices import BaseChoiceIterator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from rmo_portal.editors import (
    FastCheckboxInput,
    FastDateInput,
    FastFileInput,
    FastHiddenInput,
    FastNumberInput,
    FastSelect,
    FastTextarea,
    FastTextInput,
    fast_flatatt,
    fast_widget,
)

ATTRS = [
    {},
    {"class": "form-control form-control-sm", "id": "id_items-0-content"},
    {"id": "x", "required": True, "disabled": False, "data-note": 'a "quoted" <b>&amp;</b> \'x\''},
    {"min": 1, "max": None, "aria-invalid": "true", "placeholder": gettext_lazy("Удалить")},
]

CASES = [
    (forms.TextInput, FastTextInput, ["", None, "Текст", 'a "b" <c> & \'d\'', mark_safe("<i>safe</i>"), 12]),
    (forms.NumberInput, FastNumberInput, [None, "", 0, 7, "x"]),
    (forms.DateInput, FastDateInput, [None, "", datetime.date(2026, 12, 7), "31.02.2025"]),
    (forms.HiddenInput, FastHiddenInput, [None, "", 5, "abc"]),
    (forms.CheckboxInput, FastCheckboxInput, [None, False, True, "on", ""]),
    (forms.Textarea, FastTextarea, [None, "", "строка\nещё <b>", "\nначало с новой строки", 0]),
    (forms.FileInput, FastFileInput, [None, "file.pdf"]),
]


@pytest.mark.parametrize(("django_widget", "fast_class", "values"), CASES)
@pytest.mark.parametrize("attrs", ATTRS)
def test_a_fast_widget_writes_what_the_django_template_writes(django_widget, fast_class, values, attrs):
    kwargs = {"format": "%Y-%m-%d"} if django_widget is forms.DateInput else {}
    for value in values:
        for extra in ({}, {"id": "id_field", "class": "is-invalid"}):
            expected = django_widget(attrs=dict(attrs), **kwargs).render("items-0-field", value, attrs=extra)
            got = fast_class(attrs=dict(attrs), **kwargs).render("items-0-field", value, attrs=extra)
            assert got == expected, (fast_class.__name__, value, attrs, extra)


def test_fast_widget_swaps_only_djangos_own_input_widgets():
    class OwnTextInput(forms.TextInput):
        template_name = "my/own.html"

    assert type(fast_widget(forms.TextInput())) is FastTextInput
    assert type(fast_widget(forms.Textarea())) is FastTextarea
    assert type(fast_widget(forms.CheckboxInput())) is FastCheckboxInput
    own = OwnTextInput()
    assert type(fast_widget(own)) is OwnTextInput
    assert type(fast_widget(forms.Select())) is forms.Select
    assert type(fast_widget(forms.ClearableFileInput())) is forms.ClearableFileInput


@pytest.mark.parametrize("attrs", [*ATTRS, {"b": True, "a": True, "z": "1", "c": 0, "multiple": True}])
def test_fast_flatatt_is_flatatt(attrs):
    assert fast_flatatt(attrs) == flatatt(attrs)


def _select(choices):
    widget = FastSelect(attrs={"class": "form-select"})
    widget.choices = choices
    return widget


def test_fast_select_marks_the_chosen_option_with_its_options_written_once():
    choices = [("", "—"), ("Раздел", [(1, "Первый <1>"), (2, "Второй")]), (3, 'Третий "в кавычках"')]
    widget = _select(choices)
    rows = [_row_copy(widget) for _ in range(3)]  # an editor's rows: shallow copies of one widget

    first = rows[0].render("items-0-section", 2)
    second = rows[1].render("items-1-section", 3)
    empty = rows[2].render("items-2-section", None)

    assert first == (
        '<select class="form-select" name="items-0-section"><option value="">—</option>'
        '<optgroup label="Раздел"><option value="1">Первый &lt;1&gt;</option>'
        '<option value="2" selected>Второй</option></optgroup>'
        '<option value="3">Третий &quot;в кавычках&quot;</option></select>'
    )
    assert '<option value="3" selected>' in second and "selected" not in second.replace('value="3" selected', "")
    assert "selected" not in empty.replace('<option value="" selected>', "") and '<option value="" selected>' in empty
    assert rows[0]._written is rows[2]._written and rows[0]._written[0][0] is widget.choices


def _row_copy(widget):
    import copy

    row = copy.copy(widget)
    row.attrs = dict(widget.attrs)
    return row


def test_fast_select_writes_new_choices_and_another_language_anew():
    widget = _select([(1, "один")])
    assert ">один<" in widget.render("x", None)
    widget.choices = [(1, "один"), (2, "два")]  # new choices: a new list
    assert ">два<" in widget.render("x", None)

    lazy = _select([("", gettext_lazy("This field is required."))])  # Django's own catalogue has it
    with translation.override("ru"):
        russian = lazy.render("x", None)
    with translation.override("en"):
        english = lazy.render("x", None)
    assert ">Обязательное поле.<" in russian
    assert ">This field is required.<" in english


def test_fast_select_of_a_queryset_iterator_is_written_every_time():
    class Iterator(BaseChoiceIterator):  # like ModelChoiceIterator: not a list, read anew on each render
        def __init__(self):
            self.items = [(1, "один")]

        def __iter__(self):
            return iter(self.items)

    widget = FastSelect()
    widget.choices = iterator = Iterator()
    assert ">один<" in widget.render("x", None)
    iterator.items = [(1, "один"), (2, "два")]
    assert ">два<" in widget.render("x", None)
