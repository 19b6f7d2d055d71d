"""The filters of the meetings' list pages (django-filter): the decisions under control."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from associations import access
from associations.models import Association
from meetings.models import Decision


class DecisionFilter(django_filters.FilterSet):
    STATES = [
        ("open", _("на контроле")),
        ("overdue", _("просроченные")),
        ("done", _("выполненные")),
        ("all", _("все")),
    ]
    state = django_filters.ChoiceFilter(choices=STATES, label=_("Состояние"), method="filter_state", empty_label=None)
    association = django_filters.ModelChoiceFilter(
        field_name="protocol_item__protocol__association",
        queryset=Association.objects.none(),
        label=_("Объединение"),
        empty_label=_("все объединения"),
    )

    class Meta:
        model = Decision
        fields = ["state", "association"]

    def __init__(self, data=None, *args, user, **kwargs):
        data = data.copy() if data is not None else None
        if data is not None and not data.get("state"):
            data["state"] = "open"
        super().__init__(data, *args, **kwargs)
        self.filters["association"].queryset = access.associations_visible_to(user).order_by(
            "kind", "school__short_name", "name"
        )

    def filter_state(self, queryset, name, value):
        today = timezone.localdate()
        if value == "open":
            return queryset.filter(status=Decision.Status.OPEN).order_by("due_on", "pk")
        if value == "overdue":
            return queryset.filter(status=Decision.Status.OPEN, due_on__lt=today).order_by("due_on", "pk")
        if value == "done":
            return queryset.filter(status=Decision.Status.DONE).order_by("-done_on", "-pk")
        return queryset.order_by("-due_on", "-pk")
