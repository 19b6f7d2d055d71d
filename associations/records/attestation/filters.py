"""The filters of attestation (django-filter): the records and the applications by year, school,
person and category; the overview by school and warning. Every choice is limited to what the
user sees (the selectors pass the people and the schools)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from associations.models import AcademicYear, Person, School
from associations.records.models import Attestation, AttestationApplication, Category
from rmo_portal.editors import FastSelect


def person_label(person: Person) -> str:
    school = person.school.short_name if person.school_id else _("методический кабинет")
    return f"{person.short_name} ({school})"


class _RecordFilter(django_filters.FilterSet):
    year = django_filters.ModelChoiceFilter(
        field_name="academic_year", queryset=AcademicYear.objects.order_by("-start_year"), label=_("Учебный год"),
        empty_label=_("все годы"),
    )
    school = django_filters.ModelChoiceFilter(
        field_name="person__school", queryset=School.objects.none(), label=_("Школа"), empty_label=_("все школы"),
    )
    person = django_filters.ModelChoiceFilter(
        queryset=Person.objects.none(), label=_("Педагог"), empty_label=_("все педагоги"), widget=FastSelect,
    )
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Категория"), empty_label=_("любая"))

    def __init__(self, data=None, *args, people: QuerySet[Person], schools: QuerySet[School], **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["school"].queryset = schools
        self.filters["person"].queryset = people
        self.filters["person"].field.label_from_instance = person_label


class AttestationFilter(_RecordFilter):
    class Meta:
        model = Attestation
        fields = ["year", "school", "person", "category"]


class ApplicationFilter(_RecordFilter):
    class Meta:
        model = AttestationApplication
        fields = ["year", "school", "person", "category"]


class OverviewFilter(django_filters.FilterSet):
    WARNINGS = [
        ("any", _("только с предупреждениями")),
        ("expiring", _("категория истекает")),
        ("szd_expiring", _("срок СЗД истекает")),
        ("szd_overdue", _("СЗД просрочено")),
    ]

    school = django_filters.ModelChoiceFilter(queryset=School.objects.none(), label=_("Школа"),
                                              empty_label=_("все школы"))
    # Applied by the selector to the people's statuses (computed, not columns).
    warning = django_filters.ChoiceFilter(choices=WARNINGS, label=_("Предупреждения"), empty_label=_("все педагоги"),
                                          method="filter_warning")

    class Meta:
        model = Person
        fields = ["school", "warning"]

    def __init__(self, data=None, *args, schools: QuerySet[School], **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["school"].queryset = schools

    def filter_warning(self, queryset, name, value):
        return queryset
