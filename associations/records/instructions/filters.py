"""The filter of the list of acknowledgments: by school (of those the user sees) and «only those
who have not acknowledged» the current version."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from associations import access
from associations.models import Appointment, School


class AcknowledgmentFilter(django_filters.FilterSet):
    school = django_filters.ModelChoiceFilter(
        field_name="association__school", queryset=None, label=_("Школа"), empty_label=_("все школы"),
    )
    missing = django_filters.BooleanFilter(
        label=_("Только не ознакомленные"), method="filter_missing", widget=forms.CheckboxInput,
    )

    class Meta:
        model = Appointment
        fields = ["school", "missing"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["school"].queryset = access.visible(user, "school", School.objects.order_by("short_name"))

    def filter_missing(self, queryset, name, value):
        # `has_current`: the selector's annotation (an acknowledgment of a current version exists).
        return queryset.filter(has_current=False) if value else queryset

    @property
    def only_missing(self) -> bool:
        return bool(self.is_valid() and self.form.cleaned_data.get("missing"))
