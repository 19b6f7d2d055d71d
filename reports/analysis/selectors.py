"""What the analysis' pages read: the association's analysis of a year (or its absence) with the
figures to show — live while a draft or returned (or not started), as frozen once submitted — its
transitions, last year's tasks and what the user may do. Scoped through `associations.access`
(the kind «analysis»): the caller has loaded the association through it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import translation

from associations import access
from associations.models import AcademicYear, Association
from reports.analysis import services
from reports.analysis.figures import YearFigures, figures_for
from reports.analysis.models import Analysis, AnalysisTransition

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


# >>> ROLLUP
# <<< ROLLUP

# >>> DOCUMENTS
# <<< DOCUMENTS
