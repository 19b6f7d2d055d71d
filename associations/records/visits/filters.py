"""The filter of the visits list (django-filter): year, school, the teacher whose event was
visited, what was visited, and «только с невыполненными рекомендациями». Every choice is
limited to what the user may see: the schools and teachers of the visits the user sees."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from associations.models import AcademicYear, Person, School
from associations.records.models import Visit, VisitRecommendation


class VisitFilter(django_filters.FilterSet):
    year = django_filters.ModelChoiceFilter(
        field_name="academic_year", queryset=AcademicYear.objects.order_by("-start_year"), label=_("Учебный год"),
        empty_label=_("все годы"),
    )
    school = django_filters.ModelChoiceFilter(queryset=School.objects.none(), label=_("Школа"),
                                              empty_label=_("все школы"))
    person = django_filters.ModelChoiceFilter(
        field_name="visited_person", queryset=Person.objects.none(), label=_("Педагог"),
        empty_label=_("все педагоги"),
    )
    target = django_filters.ChoiceFilter(choices=Visit.Target.choices, label=_("Что посещено"),
                                         empty_label=_("всё"))
    open = django_filters.BooleanFilter(
        label=_("только с невыполненными рекомендациями"), method="filter_open", widget=forms.CheckboxInput,
    )

    class Meta:
        model = Visit
        fields = ["year", "school", "person", "target", "open"]

    def __init__(self, data=None, *args, scope, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["school"].queryset = School.objects.filter(pk__in=scope.values("school_id")).order_by(
            "short_name"
        )
        self.filters["person"].queryset = Person.objects.filter(
            pk__in=scope.filter(visited_person__isnull=False).values("visited_person_id")
        ).order_by("last_name", "first_name", "patronymic", "pk")

    def filter_open(self, queryset, name, value):
        if not value:
            return queryset
        open_ones = VisitRecommendation.objects.filter(visit=OuterRef("pk"), done_on__isnull=True)
        return queryset.filter(Exists(open_ones))
