"""The filter of the contest entries (django-filter): the academic year (the current one unless
asked), school, person, contest, stage, result, status and whether the contest has an official
organiser; every choice of school and person limited to what the user sees."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations import access
from associations.models import AcademicYear, Person, School
from associations.records.models import Contest, ContestEntry, Level
from rmo_portal.editors import FastSelect

#: ?year= absent: the current academic year; ?year= empty: every year.
ALL_YEARS = ""
OFFICIAL_CHOICES = [("yes", _("только официальные")), ("no", _("без официального организатора"))]


class ContestEntryFilter(django_filters.FilterSet):
    year = django_filters.ModelChoiceFilter(
        field_name="academic_year", queryset=AcademicYear.objects.all(), label=_("Учебный год"),
        empty_label=_("все годы"),
    )
    school = django_filters.ModelChoiceFilter(
        field_name="person__school", queryset=School.objects.none(), label=_("Школа"), empty_label=_("все школы"),
    )
    person = django_filters.ModelChoiceFilter(
        queryset=Person.objects.none(), label=_("Педагог"), empty_label=_("все педагоги"),
        widget=FastSelect,
    )
    contest = django_filters.ModelChoiceFilter(
        queryset=Contest.objects.order_by("name"), label=_("Конкурс"), empty_label=_("все конкурсы"),
    )
    level = django_filters.ChoiceFilter(choices=Level.choices, label=_("Этап"), empty_label=_("все этапы"))
    result = django_filters.ChoiceFilter(
        choices=ContestEntry.Result.choices, label=_("Результат"), empty_label=_("любой"),
    )
    status = django_filters.ChoiceFilter(
        choices=ContestEntry.Status.choices, label=_("Статус"), empty_label=_("любой"),
    )
    official = django_filters.ChoiceFilter(
        choices=OFFICIAL_CHOICES, label=_("Организатор"), empty_label=_("любой"), method="filter_official",
    )

    class Meta:
        model = ContestEntry
        fields = ["year", "school", "person", "contest", "level", "result", "status", "official"]

    def __init__(self, data=None, *args, user, people: QuerySet[Person], **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and "year" not in data:
            current = AcademicYear.objects.filter(start_year=AcademicYear.start_year_for(timezone.localdate())).first()
            data["year"] = str(current.pk) if current else ALL_YEARS
        super().__init__(data, *args, **kwargs)
        self.filters["school"].queryset = access.visible(user, "school", School.objects.order_by("short_name"))
        self.filters["person"].queryset = people
        self.filters["person"].field.label_from_instance = _person_label

    def filter_official(self, queryset, name, value):
        if value == "yes":
            return queryset.filter(contest__is_official=True)
        if value == "no":
            return queryset.filter(contest__is_official=False)
        return queryset


def _person_label(person: Person) -> str:
    school = person.school.short_name if person.school_id else _("методический кабинет")
    return f"{person.short_name} ({school})"
