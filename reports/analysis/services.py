"""Writes of the annual analysis: the year's draft (created once), the narrative's save with
optimistic locking, and the review — draft → submitted → accepted, or submitted → returned (with
a comment) → submitted again. Each transition is recorded (`AnalysisTransition`).

- **Submission** freezes the figures: `figures_for(...).to_data()` is kept in the analysis, which
  shows and prints as submitted whatever the records do later; `figures_changed` tells the page
  to say that the records have changed since.
- **Acceptance** renders the PDF once (`render`, by default `analysis_pdf`: the template
  `reports/analysis/analysis_pdf.html` through `reports.rendering`) and stores it through the file
  module with its SHA-256, as a signed protocol's PDF is kept as issued.
- **Who**: `associations.access`, the kind «analysis» (write: the association's writers while a
  draft or returned; review: its reviewers while submitted). A transition that does not exist is
  a ValidationError; one the user may not make, PermissionDenied. Either changes nothing.

The figures are computed and frozen in the documents' language (`DOCUMENT_LANGUAGE`), so that
the comparison with a fresh computation does not depend on the language of the request.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from associations import access
from associations.files.models import StoredFile
from associations.files.services import file_store, files_atomic
from associations.models import AcademicYear, Association, Person
from reports.analysis.figures import YearFigures, figures_for
from reports.analysis.models import Analysis, AnalysisTransition
from reports.rendering import render_pdf
from rmo_portal.editors import VersionConflict

Status = Analysis.Status
DOCUMENT_LANGUAGE = "ru"
PDF_TEMPLATE = "reports/analysis/analysis_pdf.html"

# The only transitions that exist: (from, to) -> the rule of «analysis» that allows it.
EDITOR, REVIEWER = "write", "review"
TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.DRAFT, Status.SUBMITTED): EDITOR,
    (Status.RETURNED, Status.SUBMITTED): EDITOR,
    (Status.SUBMITTED, Status.RETURNED): REVIEWER,
    (Status.SUBMITTED, Status.ACCEPTED): REVIEWER,
}
NARRATIVE_FIELDS = Analysis.NARRATIVE_FIELDS


def _person_name(user: User) -> str:
    try:
        person = user.person
    except Person.DoesNotExist:
        person = None
    return person.short_name if person else (user.get_full_name() or user.get_username())


def _locked(analysis: Analysis) -> Analysis:
    return (
        Analysis.objects.select_for_update(of=("self",))
        .select_related("association", "association__school", "association__district", "academic_year", "updated_by")
        .get(pk=analysis.pk)
    )


# --- the draft and its narrative ---------------------------------------------------------------------


def analysis_for(*, association: Association, year: AcademicYear, user: User) -> Analysis:
    """The association's analysis of the year: the existing one for whoever may see it, else a new
    draft, created once, by those who write the association's documents (PermissionDenied for
    anyone else). Two first clicks at once make one draft (the unique constraint)."""
    existing = Analysis.objects.select_related("association", "academic_year").filter(
        association=association, academic_year=year
    ).first()
    if existing is not None:
        if not access.allows(user, "analysis", existing):
            raise PermissionDenied
        return existing
    if not access.can_write_association(user, association):
        raise PermissionDenied
    try:
        with transaction.atomic():
            return Analysis.objects.create(association=association, academic_year=year, updated_by=user)
    except IntegrityError:
        return Analysis.objects.select_related("association", "academic_year").get(
            association=association, academic_year=year
        )


class AnalysisConflict(VersionConflict):
    """The analysis was saved by someone else since the user opened it."""

    def __init__(self, analysis: Analysis, changes: list[str]):
        who = _person_name(analysis.updated_by) if analysis.updated_by else "—"
        super().__init__(
            analysis,
            _("Анализ уже изменил(а) %(who)s в %(when)s. Ваши правки не сохранены, но остались в форме.")
            % {"who": who, "when": timezone.localtime(analysis.updated_at).strftime("%d.%m.%Y %H:%M")},
            changes,
        )


def _changes_since(analysis: Analysis, version: int) -> list[str]:
    """The sections others changed since the user's version, in words, from the history."""
    seen = analysis.history.filter(version=version).order_by("-history_date").first()
    if seen is None:
        return []
    return [
        _("%(field)s: «%(new)s»")
        % {"field": Analysis._meta.get_field(name).verbose_name, "new": getattr(analysis, name)[:80]}
        for name in NARRATIVE_FIELDS
        if getattr(seen, name) != getattr(analysis, name)
    ]


def analysis_save(*, analysis: Analysis, user: User, version: int, **narrative: str) -> Analysis:
    """Save the narrative's sections (NARRATIVE_FIELDS) of a draft or returned analysis. Refused
    when it is submitted or accepted (ValidationError) or the user may not write it
    (PermissionDenied); AnalysisConflict when someone saved it after `version` was read."""
    unknown = set(narrative) - set(NARRATIVE_FIELDS)
    if unknown:
        raise TypeError(f"analysis_save: unknown fields {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = _locked(analysis)
        if not locked.is_editable:
            raise ValidationError(
                _("Анализ «%(status)s» нельзя изменять.") % {"status": locked.get_status_display()},
                code="not_editable",
            )
        if not access.allows(user, "analysis", locked, "write"):
            raise PermissionDenied
        if locked.version != version:
            raise AnalysisConflict(locked, _changes_since(locked, version))
        for name, value in narrative.items():
            setattr(locked, name, (value or "").strip())
        locked.version += 1
        locked.updated_by = user
        locked.full_clean()
        locked.save()
    return locked


# --- the review -----------------------------------------------------------------------------------


def _check_submittable(analysis: Analysis) -> None:
    missing = [
        str(Analysis._meta.get_field(name).verbose_name) for name in NARRATIVE_FIELDS
        if not getattr(analysis, name).strip()
    ]
    if missing:
        raise ValidationError(
            _("Анализ нельзя отправить на рассмотрение: не заполнено — %(fields)s.") % {"fields": ", ".join(missing)},
            code="incomplete",
        )


def _fresh_figures(analysis: Analysis) -> dict:
    with translation.override(DOCUMENT_LANGUAGE):
        return figures_for(analysis.association, analysis.academic_year).to_data()


def _transition(
    *, analysis: Analysis, to: str, user: User, comment: str = "",
    render: Callable[[Analysis], bytes] | None = None,
) -> Analysis:
    # files_atomic: the accepted PDF's blob goes again if anything below fails.
    with files_atomic():
        locked = _locked(analysis)
        rule = TRANSITIONS.get((locked.status, to))
        if rule is None:
            raise ValidationError(
                _("Анализ «%(from)s» нельзя перевести в состояние «%(to)s».")
                % {"from": locked.get_status_display(), "to": Status(to).label},
                code="transition",
            )
        if not access.allows(user, "analysis", locked, rule):
            raise PermissionDenied
        comment = comment.strip()
        if to == Status.RETURNED and not comment:
            raise ValidationError({"comment": _("Укажите, что нужно доработать.")})
        now = timezone.now()
        from_status = locked.status
        if to == Status.SUBMITTED:
            _check_submittable(locked)
            locked.figures = _fresh_figures(locked)
            locked.submitted_at, locked.submitted_by = now, user
        elif to == Status.RETURNED:
            locked.returned_at, locked.returned_by, locked.return_comment = now, user, comment
        locked.status = to
        locked.version += 1
        locked.updated_by = user
        if to == Status.ACCEPTED:
            locked.accepted_at, locked.accepted_by = now, user
            _store_pdf(locked, (render or analysis_pdf)(locked), user)
        locked.full_clean()
        # A submitted row takes its review only (Analysis.REVIEW_FIELDS); Analysis.save checks it.
        locked.save()
        AnalysisTransition.objects.create(
            analysis=locked, from_status=from_status, to_status=to, comment=comment, by=user,
            by_name=_person_name(user), at=now,
        )
    return locked


def _store_pdf(analysis: Analysis, pdf: bytes, user: User) -> None:
    """The accepted PDF as issued: stored through the file module (checked as a PDF, under a
    generated name), its SHA-256 kept with the analysis."""
    stored = file_store(
        upload=ContentFile(pdf, name=analysis.file_name()), user=user, allowed={StoredFile.Type.PDF}
    )
    analysis.pdf = stored
    analysis.pdf_sha256 = hashlib.sha256(pdf).hexdigest()


def analysis_submit(*, analysis: Analysis, user: User) -> Analysis:
    """The writer sends the analysis to review (every section written); its figures are frozen."""
    return _transition(analysis=analysis, to=Status.SUBMITTED, user=user)


def analysis_accept(
    *, analysis: Analysis, user: User, render: Callable[[Analysis], bytes] | None = None
) -> Analysis:
    """The reviewer accepts the submitted analysis: its PDF (`render`, default `analysis_pdf`) is
    stored as issued with its SHA-256, and nothing of it changes again."""
    return _transition(analysis=analysis, to=Status.ACCEPTED, user=user, render=render)


def analysis_return(*, analysis: Analysis, user: User, comment: str) -> Analysis:
    """The reviewer returns the submitted analysis with what to rework (required); it is editable
    again, and its figures are frozen anew at the next submission."""
    return _transition(analysis=analysis, to=Status.RETURNED, user=user, comment=comment)


# --- what the pages ask ----------------------------------------------------------------------------


def figures_changed(analysis: Analysis) -> bool:
    """Whether the figures frozen at submission differ from those the records give now (for the
    notice «показатели изменились после отправки»); False before the first submission."""
    if analysis.figures is None:
        return False
    return _fresh_figures(analysis) != analysis.figures


def last_year_tasks(analysis: Analysis) -> list[str]:
    """The tasks for next year that the association's analysis of the previous academic year set
    (submitted or accepted: as put forward, not a draft), to show beside this year's assessment;
    [] when there is none."""
    previous = Analysis.objects.filter(
        association_id=analysis.association_id,
        academic_year__start_year=analysis.academic_year.start_year - 1,
        status__in=Analysis.FROZEN,
    ).only("next_year_tasks").first()
    return previous.task_list if previous is not None else []


def year_figures(analysis: Analysis) -> YearFigures:
    """The analysis' figures: as frozen at submission, or computed now before it."""
    if analysis.figures is not None:
        return YearFigures.from_data(analysis.figures)
    with translation.override(DOCUMENT_LANGUAGE):
        return figures_for(analysis.association, analysis.academic_year)


# --- the document -----------------------------------------------------------------------------------


def _signature_name(user: User | None) -> str:
    if user is None:
        return ""
    try:
        person = user.person
    except Person.DoesNotExist:
        return user.get_full_name() or user.get_username()
    return person.signature_name


def analysis_pdf_context(analysis: Analysis) -> dict:
    figures = year_figures(analysis)
    # The written sections, then the tasks for next year as a numbered list.
    sections = [
        (Analysis._meta.get_field(name).verbose_name, getattr(analysis, name))
        for name in NARRATIVE_FIELDS if name != "next_year_tasks"
    ]
    return {
        "analysis": analysis,
        "association": analysis.association,
        "year": analysis.academic_year,
        "figures": figures,
        "sections": sections,
        "tasks_label": Analysis._meta.get_field("next_year_tasks").verbose_name,
        "tasks": analysis.task_list,
        "head_name": _signature_name(analysis.submitted_by),
        "accepted_name": _signature_name(analysis.accepted_by),
    }


def analysis_pdf(analysis: Analysis) -> bytes:
    """The analysis as a PDF: the association, the year, the narrative's sections and the key
    figures (as frozen), in the documents' language."""
    with translation.override(DOCUMENT_LANGUAGE):
        return render_pdf(PDF_TEMPLATE, analysis_pdf_context(analysis))


# >>> ROLLUP
# <<< ROLLUP

# >>> DOCUMENTS
# <<< DOCUMENTS
