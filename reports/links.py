"""What reports adds to the pages of associations (associations.links), registered in
`ReportsConfig.ready()`: the plan as a document."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from associations.links import Link


def plan_links(plan, *, user) -> list[Link]:
    """The plan's PDF and XLSX (reports.views checks who may have them)."""
    return [
        Link(label=_("Скачать PDF"), url=reverse("reports:plan_pdf", args=[plan.pk])),
        Link(label=_("Скачать XLSX"), url=reverse("reports:plan_xlsx", args=[plan.pk])),
    ]
