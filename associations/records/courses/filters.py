"""django-filter FilterSets of the courses' pages: the list of course records (year, school,
person, provider) and the overview of «курсы за последние 3 года» (school, name, only the
overdue). Every choice is limited to what the user may see."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, Q
from django.utils.translation import gettext_lazy as _

from associations import access
from associations.models import AcademicYear, Person, School
from associations.records.models import Course, CourseProvider
from rmo_portal.editors import FastSelect


class PersonChoiceField(forms.ModelChoiceField):
    """A people picker: «Соколова М.И. — МБОУ «СОШ № 1»» (the methodical office for no school)."""

    widget = FastSelect

    def label_from_instance(self, obj: Person) -> str:
        school = obj.school.short_name if obj.school_id else _("методический кабинет")
        return f"{obj.short_name} — {school}"


class PersonChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


def _schools(user):
    return access.visible(user, "school", School.objects.order_by("short_name"))


class CourseFilter(django_filters.FilterSet):
    year = django_filters.ModelChoiceFilter(
        field_name="academic_year", queryset=AcademicYear.objects.all(), label=_("Учебный год"),
        empty_label=_("все годы"),
    )
    school = django_filters.ModelChoiceFilter(
        field_name="person__school", queryset=School.objects.none(), label=_("Школа"), empty_label=_("все школы"),
    )
    person = PersonChoiceFilter(queryset=Person.objects.none(), label=_("Педагог"), empty_label=_("все педагоги"))
    provider = django_filters.ModelChoiceFilter(
        queryset=CourseProvider.objects.all(), label=_("Организация"), empty_label=_("все организации"),
    )

    class Meta:
        model = Course
        fields = ["year", "school", "person", "provider"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["school"].queryset = _schools(user)
        self.filters["person"].queryset = access.record_people(
            user, action="see", queryset=Person.objects.select_related("school").order_by(
                "last_name", "first_name", "patronymic", "pk"
            ),
        )


class CourseOverviewFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(
        queryset=School.objects.none(), label=_("Школа"), empty_label=_("все школы"),
    )
    q = django_filters.CharFilter(label=_("Фамилия, имя или отчество"), method="filter_name", max_length=80)
    overdue = django_filters.BooleanFilter(
        label=_("только без курсов за 3 года"), method="filter_overdue", widget=forms.CheckboxInput,
    )

    class Meta:
        model = Person
        fields = ["school", "q", "overdue"]

    def __init__(self, *args, user, recent: Exists, **kwargs):
        """`recent`: the people's «a course ended within the last three years»
        (`selectors.recent_course_exists`)."""
        super().__init__(*args, **kwargs)
        self.recent = recent
        self.filters["school"].queryset = _schools(user)

    def filter_name(self, queryset, name, value):
        for word in value.split()[:3]:
            queryset = queryset.filter(
                Q(last_name__icontains=word) | Q(first_name__icontains=word) | Q(patronymic__icontains=word)
            )
        return queryset

    def filter_overdue(self, queryset, name, value):
        return queryset.exclude(self.recent) if value else queryset
