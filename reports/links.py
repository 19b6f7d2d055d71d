"""What reports adds to the pages of associations (associations.links), registered in
`ReportsConfig.ready()`: the plan as a document."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from associations.links import Link


def plan_links(plan, *, user) -> list[Link]:
    """The plan's PDF, DOCX and XLSX (reports.views checks who may have them)."""
    return [
        Link(label=_("Скачать PDF"), url=reverse("reports:plan_pdf", args=[plan.pk])),
        Link(label=_("Скачать DOCX"), url=reverse("reports:plan_docx", args=[plan.pk])),
        Link(label=_("Скачать XLSX"), url=reverse("reports:plan_xlsx", args=[plan.pk])),
    ]


def appointment_links(appointment, *, user) -> list[Link]:
    """The acknowledgment sheet of the appointment's instruction (reports.records.views checks
    who may have it: whoever sees the appointment)."""
    return [
        Link(
            label=_("Лист ознакомления (PDF)"), url=reverse("reports:acknowledgment_sheet", args=[appointment.pk]),
            testid="acknowledgment-sheet",
        ),
        Link(
            label=_("Лист ознакомления (DOCX)"),
            url=reverse("reports:acknowledgment_sheet_docx", args=[appointment.pk]), testid="acknowledgment-sheet-docx",
        ),
    ]


def attestation_schedule_links(association, *, user) -> list[Link]:
    """A school МО's perspective schedule of attestation as PDF and XLSX (reports.records.views
    checks who may have them: those who read the schedule page)."""
    return [
        Link(label=_("Скачать PDF"), url=reverse("reports:attestation_schedule_pdf", args=[association.pk]),
             testid="schedule-pdf"),
        Link(label=_("Скачать XLSX"), url=reverse("reports:attestation_schedule_xlsx", args=[association.pk]),
             testid="schedule-xlsx"),
        Link(label=_("Скачать DOCX"), url=reverse("reports:attestation_schedule_docx", args=[association.pk]),
             testid="schedule-docx"),
    ]


def association_links(*, association, year, user, can_write: bool) -> list[Link]:
    """The association's analysis of the year («Анализ работы за год»), to those who read it
    (reports.analysis: its writers, reviewers and overseers; not its class teachers), and its
    documentation checklist («Документация МО», reports.checklist: the rule «checklist» «see»); on
    the district РМО's page, to the district level, the district's pages of the year: the board of
    the school МО's analyses, the summary by school, the documentation by school. No query: the
    rules are asked of the association and its district in memory."""
    from associations import access
    from reports.analysis.selectors import board_url, may_read

    if year is None:
        return []
    links = []
    if may_read(user, association):
        links.append(Link(
            label=_("Анализ работы за год"), url=reverse("reports:analysis", args=[association.pk, year.start_year]),
            testid="analysis-link",
        ))
    if access.allows(user, "checklist", association):
        links.append(Link(
            label=_("Документация МО"), url=reverse("reports:checklist", args=[association.pk, year.start_year]),
            testid="checklist-link",
        ))
    board = board_url(user, association, year)
    if board:
        district, start = association.district_id, year.start_year
        links.append(Link(label=_("Сдача анализов школьными МО"), url=board, testid="analysis-board-link"))
        if access.allows(user, "district_summary", association.district):
            links.append(Link(
                label=_("Сводная таблица по школам"), url=reverse("reports:district_summary", args=[district, start]),
                testid="district-summary-link",
            ))
        if access.allows(user, "checklist_district", association.district):
            links.append(Link(
                label=_("Документация школьных МО"),
                url=reverse("reports:checklist_district", args=[district, start]), testid="checklist-district-link",
            ))
    return links
