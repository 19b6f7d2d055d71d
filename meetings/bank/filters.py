"""The filter of the data bank's search page (django-filter): the words searched and the
structured filters beside them, each kept in the URL.

The six facets (form, direction, module, class, school, year) take several values each (any of
them: OR within a facet, AND across facets), so that a facet's links toggle one value on or off.
The text `q` is validated here (its length) and searched by `meetings.bank.search`, which ranks
the rows; `apply(queryset, without=name)` filters by everything but one facet, which is how a
facet counts its values (standard faceted search).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from associations.models import AcademicYear, Level, Person, School
from meetings.bank.models import GRADES, EventForm, Material, MaterialGrade, UpbringingDirection, UpbringingModule

QUERY_MAX_LENGTH = 200

#: The facets, in the order the page shows them: (parameter, label).
FACETS: tuple[tuple[str, str], ...] = (
    ("form", _("Форма")),
    ("direction", _("Направление воспитания")),
    ("module", _("Модуль программы воспитания")),
    ("grade", _("Класс")),
    ("school", _("Школа")),
    ("year", _("Учебный год")),
)
FACET_NAMES = tuple(name for name, _label in FACETS)


class _IdsField(forms.ModelMultipleChoiceField):
    """Ids checked as 64-bit integers before they reach the database: SQLite raises OverflowError
    (a 500) on a larger one, where the field expects only ValueError and TypeError."""

    def _check_values(self, value):
        for pk in value if isinstance(value, (list, tuple)) else [value]:
            try:
                number = int(str(pk).strip())
            except (TypeError, ValueError):
                number = None
            if number is None or not -(2**63) <= number < 2**63:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk},
                )
        return super()._check_values(value)


class _Ids(django_filters.ModelMultipleChoiceFilter):
    field_class = _IdsField


class _Only(django_filters.Filter):
    """A checkbox: checked narrows the rows, unchecked (absent) does nothing."""

    field_class = forms.BooleanField


class MaterialFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Что ищем"), method="_searched_elsewhere", max_length=QUERY_MAX_LENGTH,
        error_messages={
            "max_length": _("Запрос длиннее %(limit_value)d знаков: сократите его до нескольких слов."),
        },
    )
    form = _Ids(
        queryset=EventForm.objects.all(), label=_("Форма"), distinct=False,
    )
    direction = _Ids(
        queryset=UpbringingDirection.objects.all(), label=_("Направление воспитания"), distinct=False,
    )
    module = _Ids(
        queryset=UpbringingModule.objects.all(), label=_("Модуль программы воспитания"), distinct=False,
    )
    grade = django_filters.MultipleChoiceFilter(
        choices=[(str(g), str(g)) for g in GRADES], label=_("Класс"), method="_grades", distinct=False,
    )
    school = _Ids(
        queryset=School.objects.all(), label=_("Школа"), distinct=False,
    )
    year = _Ids(
        field_name="academic_year__start_year", queryset=AcademicYear.objects.all(), to_field_name="start_year",
        label=_("Учебный год"), distinct=False,
    )
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Уровень"), empty_label=_("любой"))
    open = _Only(label=_("Только открытые мероприятия"), method="_open")
    mine = _Only(label=_("Только мои материалы"), method="_mine")

    class Meta:
        model = Material
        fields = ["q", "form", "direction", "module", "grade", "school", "year", "level", "open", "mine"]

    def __init__(self, data=None, *args, person: Person | None = None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.person = person

    # --- the filters' methods ----------------------------------------------------------------

    def _searched_elsewhere(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset  # the words are searched and ranked by meetings.bank.search

    def _grades(self, queryset: QuerySet, name: str, value: list[str]) -> QuerySet:
        # A subquery, not a join: a card of classes 5 and 6 is one row, and the counts stay right.
        rows = MaterialGrade.objects.filter(grade__in=[int(g) for g in value]).values("material_id")
        return queryset.filter(pk__in=rows)

    def _open(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.filter(is_open_event=True) if value else queryset

    def _mine(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        if not value:
            return queryset
        if self.person is None:
            return queryset.none()
        return queryset.filter(owner=self.person)

    # --- reads -------------------------------------------------------------------------------

    def values(self) -> dict:
        """The valid values (an invalid field counts as absent; its error shows next to it)."""
        if not self.is_bound:
            return {}
        self.form.is_valid()
        return self.form.cleaned_data

    def apply(self, queryset: QuerySet, *, without: str | None = None) -> QuerySet:
        """`queryset` filtered by every valid filter but `without` (and but the text, which
        `meetings.bank.search` applies)."""
        for name, value in self.values().items():
            if name in ("q", without) or name not in self.filters:
                continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset
