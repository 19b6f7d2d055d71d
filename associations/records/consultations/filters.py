"""The filter of the consultation logs (django-filter): the year, the log (the РМО's or a school
МО's), the kind, the form and the person consulted; every choice limited to what the user sees."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations.models import AcademicYear, Association, Consultation, Person
from rmo_portal.editors import FastSelect

#: ?year= absent: the current academic year; ?year= empty: every year.
ALL_YEARS = ""


class ConsultationFilter(django_filters.FilterSet):
    year = django_filters.ModelChoiceFilter(
        field_name="academic_year", queryset=AcademicYear.objects.all(), label=_("Учебный год"),
        empty_label=_("все годы"),
    )
    association = django_filters.ModelChoiceFilter(
        queryset=Association.objects.none(), label=_("Журнал"), empty_label=_("все журналы"),
    )
    kind = django_filters.ChoiceFilter(choices=Consultation.Kind.choices, label=_("Вид"), empty_label=_("все виды"))
    mode = django_filters.ChoiceFilter(
        field_name="form", choices=Consultation.Form.choices, label=_("Форма"), empty_label=_("очно и дистанционно"),
    )
    person = django_filters.ModelChoiceFilter(
        field_name="consulted", queryset=Person.objects.none(), label=_("Кого консультировали"),
        empty_label=_("все"), widget=FastSelect,
    )

    class Meta:
        model = Consultation
        fields = ["year", "association", "kind", "mode", "person"]

    def __init__(self, data=None, *args, logs: QuerySet[Association], people: QuerySet[Person], **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and "year" not in data:
            current = AcademicYear.objects.filter(start_year=AcademicYear.start_year_for(timezone.localdate())).first()
            data["year"] = str(current.pk) if current else ALL_YEARS
        super().__init__(data, *args, **kwargs)
        self.filters["association"].queryset = logs
        self.filters["person"].queryset = people
        self.filters["person"].field.label_from_instance = _person_label


def _person_label(person: Person) -> str:
    school = person.school.short_name if person.school_id else _("методический кабинет")
    return f"{person.short_name} ({school})"

