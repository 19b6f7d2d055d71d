"""What the analysis' pages read: the association's analysis of a year (or its absence) with the
figures to show — live while a draft or returned (or not started), as frozen once submitted — its
transitions, last year's tasks and what the user may do. Scoped through `associations.access`
(the kind «analysis»): the caller has loaded the association through it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone, translation

from associations import access
from associations.models import AcademicYear, Association, District
from reports.analysis import rollup, services
from reports.analysis.figures import YearFigures, figures_for
from reports.analysis.models import Analysis, AnalysisDeadline, AnalysisReminder, AnalysisTransition

Status = Analysis.Status


def analysis_queryset() -> QuerySet[Analysis]:
    return Analysis.objects.select_related(
        "association", "association__school", "association__district", "academic_year", "updated_by"
    )


def may_read(user, association: Association) -> bool:
    """The rule «analysis: see» asked of the association (no query): those who write, review or
    oversee it; the association's other readers (its class teachers) may not."""
    return access.allows(user, "analysis", Analysis(association=association, status=Status.DRAFT))


@dataclass
class AnalysisPage:
    association: Association
    year: AcademicYear
    analysis: Analysis | None
    figures: YearFigures
    frozen: bool  # the figures as submitted
    changed: bool  # the records give other figures now
    transitions: list[AnalysisTransition]
    last_year_tasks: list[str]
    can_start: bool
    can_edit: bool
    can_submit: bool
    can_review: bool

    @property
    def last_return(self) -> AnalysisTransition | None:
        returned = [t for t in self.transitions if t.to_status == Status.RETURNED]
        return returned[-1] if returned else None


def analysis_page(*, user, association: Association, year: AcademicYear) -> AnalysisPage:
    analysis = analysis_queryset().filter(association=association, academic_year=year).first()
    if analysis is None:
        with translation.override(services.DOCUMENT_LANGUAGE):
            figures = figures_for(association, year)
        return AnalysisPage(
            association=association, year=year, analysis=None, figures=figures, frozen=False, changed=False,
            transitions=[], last_year_tasks=[], can_start=access.can_write_association(user, association),
            can_edit=False, can_submit=False, can_review=False,
        )
    analysis.association = association  # the one loaded with its school and district
    if analysis.is_frozen:
        figures = YearFigures.from_data(analysis.figures)
    else:  # a draft, or returned: the records as they are now
        with translation.override(services.DOCUMENT_LANGUAGE):
            figures = figures_for(association, year)
    writes = access.allows(user, "analysis", analysis, "write")
    return AnalysisPage(
        association=association, year=year, analysis=analysis, figures=figures,
        frozen=analysis.is_frozen, changed=analysis.is_frozen and services.figures_changed(analysis),
        transitions=list(analysis.transitions.order_by("at", "pk")),
        last_year_tasks=services.last_year_tasks(analysis),
        can_start=False, can_edit=writes, can_submit=writes,
        can_review=access.allows(user, "analysis", analysis, "review"),
    )


# --- the methodologist's board (reports.analysis.rollup) ---------------------------------------------


def board_districts(user) -> QuerySet[District]:
    """The districts whose board the user reads (the kind «analysis_board»)."""
    return access.visible(user, "analysis_board")


def board_associations(user) -> QuerySet[Association]:
    """The school МО of the districts whose board the user reads (a reminder's object)."""
    return Association.objects.filter(kind=Association.Kind.SCHOOL, district__in=board_districts(user)).select_related(
        "school", "district"
    )


@dataclass
class BoardRow:
    association: Association  # a school МО, with its school
    analysis: Analysis | None  # its analysis of the year (without the figures)
    status: str  # rollup.NOT_STARTED or the analysis' status
    status_label: str
    late: bool
    reminded_at: datetime.datetime | None  # the last reminder
    reminded_to: str


@dataclass
class BoardCount:
    key: str
    label: str
    count: int
    url: str
    active: bool


@dataclass
class BoardPage:
    district: District
    year: AcademicYear
    rmo: Association | None  # the district РМО (its analysis' page)
    deadline: AnalysisDeadline | None
    today: datetime.date
    rows: list[BoardRow]  # as filtered
    total: int  # the district's school МО
    counts: list[BoardCount]
    status: str  # the filter ("" for all)
    can_act: bool
    all_url: str

    @property
    def late(self) -> int:
        return next(c.count for c in self.counts if c.key == rollup.LATE)


def analysis_board(*, user, district: District, year: AcademicYear, status: str = "",
                   today: datetime.date | None = None) -> BoardPage:
    """Every school МО of the district (loaded through «analysis_board») with its analysis of the
    year, lateness against the district's deadline and its last reminder; `status` one of
    rollup.BOARD_FILTERS' keys (anything else: all). Four queries whatever the number of schools:
    the deadline, the associations with their last reminder (subqueries), their analyses of the
    year."""
    today = today or timezone.localdate()
    keys = [key for key, _label in rollup.BOARD_FILTERS]
    status = status if status in keys else ""
    deadline = AnalysisDeadline.objects.filter(district=district, academic_year=year).first()
    reminders = AnalysisReminder.objects.filter(association=OuterRef("pk"), academic_year=year).order_by(
        "-sent_at", "-pk"
    )
    associations = list(
        Association.objects.filter(district=district).select_related("school")
        .annotate(reminded_at=Subquery(reminders.values("sent_at")[:1]),
                  reminded_to=Subquery(reminders.values("recipients")[:1]))
        .order_by("kind", "school__short_name", "name", "pk")
    )
    rmo = next((a for a in associations if a.is_district), None)
    analyses = {
        a.association_id: a
        for a in Analysis.objects.filter(association__district=district, association__kind=Association.Kind.SCHOOL,
                                         academic_year=year).defer("figures").order_by()
    }
    due_on = deadline.due_on if deadline is not None else None
    rows = []
    for association in associations:
        if association.is_district:
            continue
        association.district = district
        analysis = analyses.get(association.pk)
        state = analysis.status if analysis is not None else rollup.NOT_STARTED
        rows.append(BoardRow(
            association=association, analysis=analysis, status=state,
            status_label=str(analysis.get_status_display() if analysis is not None else rollup.NOT_STARTED_LABEL),
            late=rollup.is_late(state, due_on, today),
            reminded_at=association.reminded_at, reminded_to=association.reminded_to or "",
        ))
    base = reverse("reports:analysis_board", args=[district.pk, year.start_year])
    counts = [
        BoardCount(
            key=key, label=str(label),
            count=sum(1 for r in rows if (r.late if key == rollup.LATE else r.status == key)),
            url=f"{base}?status={key}", active=key == status,
        )
        for key, label in rollup.BOARD_FILTERS
    ]
    if status == rollup.LATE:
        shown = [r for r in rows if r.late]
    elif status:
        shown = [r for r in rows if r.status == status]
    else:
        shown = rows
    return BoardPage(
        district=district, year=year, rmo=rmo, deadline=deadline, today=today, rows=shown, total=len(rows),
        counts=counts, status=status, can_act=access.allows(user, "analysis_board", district, "act"), all_url=base,
    )


def board_url(user, association: Association, year: AcademicYear) -> str:
    """The board of the district РМО's year, for whoever reads it ("" otherwise; no query: the
    association is loaded with its district)."""
    if not association.is_district or not access.allows(user, "analysis_board", association.district):
        return ""
    return reverse("reports:analysis_board", args=[association.district_id, year.start_year])




# --- the home page: analyses waiting --------------------------------------------------------------

HOME_ANALYSES = 20


def analyses_awaiting(*, user) -> list[Analysis]:
    """The home page's waiting analyses, as the plans' (`plans_awaiting`): those submitted to the
    user for review (the school's deputy; the district official for the РМО) and the user's own
    returned to rework, by their role (an administrator is not everyone's reviewer there). One
    query."""
    review = access.visible_by_role(user, "analysis", Analysis.objects.all(), action="review")
    rework = access.visible_by_role(
        user, "analysis", Analysis.objects.filter(status=Status.RETURNED), action="write"
    )
    return list(
        (review | rework).select_related("association", "association__school", "academic_year")
        .order_by("-updated_at", "pk")[:HOME_ANALYSES]
    )
