"""The filter of the nominations for encouragement (django-filter): the year, the school, the
person, the addressee and the outcome; every choice limited to what the user sees."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.models import AcademicYear, Nomination, Person, School
from rmo_portal.editors import FastSelect

#: ?year= absent: the current academic year; ?year= empty: every year.
ALL_YEARS = ""


class NominationFilter(django_filters.FilterSet):
    year = django_filters.ModelChoiceFilter(
        field_name="academic_year", queryset=AcademicYear.objects.all(), label=_("Учебный год"),
        empty_label=_("все годы"),
    )
    school = django_filters.ModelChoiceFilter(
        field_name="person__school", queryset=School.objects.none(), label=_("Школа"), empty_label=_("все школы"),
    )
    person = django_filters.ModelChoiceFilter(
        queryset=Person.objects.none(), label=_("Педагог"), empty_label=_("все"), widget=FastSelect,
    )
    addressee = django_filters.ChoiceFilter(
        choices=Nomination.Addressee.choices, label=_("Куда направлено"), empty_label=_("все адресаты"),
    )
    outcome = django_filters.ChoiceFilter(
        choices=Nomination.Outcome.choices, label=_("Итог"), empty_label=_("любой"),
    )

    class Meta:
        model = Nomination
        fields = ["year", "school", "person", "addressee", "outcome"]

    def __init__(self, data=None, *args, schools: QuerySet[School], people: QuerySet[Person], **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and "year" not in data:
            current = AcademicYear.objects.filter(start_year=AcademicYear.start_year_for(timezone.localdate())).first()
            data["year"] = str(current.pk) if current else ALL_YEARS
        super().__init__(data, *args, **kwargs)
        self.filters["school"].queryset = schools
        self.filters["person"].queryset = people
        self.filters["person"].field.label_from_instance = _person_label


def _person_label(person: Person) -> str:
    school = person.school.short_name if person.school_id else _("методический кабинет")
    return f"{person.short_name} ({school})"
