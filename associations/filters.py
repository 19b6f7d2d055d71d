"""django-filter FilterSets for the organisation's lists; every choice is limited to what the
user may see (as pretix limits its filter forms to the current event)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from associations import access
from associations.models import AcademicYear, Association, Person, School


class AssociationFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(
        queryset=None, label=_("Школа"), empty_label=_("все школы")
    )
    kind = django_filters.ChoiceFilter(
        choices=Association.Kind.choices, label=_("Вид"), empty_label=_("все виды")
    )
    # The year does not filter rows: it chooses whose members, head and classes a row shows.
    year = django_filters.ModelChoiceFilter(
        queryset=AcademicYear.objects.all(), label=_("Учебный год"), method="filter_year",
        empty_label=None,
    )

    class Meta:
        model = Association
        fields = ["school", "kind", "year"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["school"].queryset = access.visible(user, "school", School.objects.order_by("short_name"))

    def filter_year(self, queryset, name, value):
        return queryset


class PersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Фамилия, имя или отчество"), method="filter_name")
    school = django_filters.ModelChoiceFilter(
        queryset=None, label=_("Школа"), empty_label=_("все школы")
    )
    position = django_filters.ChoiceFilter(
        choices=Person.Position.choices, label=_("Должность"), empty_label=_("все должности")
    )
    category = django_filters.ChoiceFilter(
        choices=Person.Category.choices, label=_("Категория"), empty_label=_("любая")
    )

    class Meta:
        model = Person
        fields = ["q", "school", "position", "category"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["school"].queryset = access.visible(user, "school", School.objects.order_by("short_name"))

    def filter_name(self, queryset, name, value):
        for word in value.split()[:3]:
            queryset = queryset.filter(
                Q(last_name__icontains=word) | Q(first_name__icontains=word) | Q(patronymic__icontains=word)
            )
        return queryset
