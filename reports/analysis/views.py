"""The annual analysis' pages, under /reports/analysis/ (URL names `reports:analysis_*`): an
association's analysis of a year (`analysis`), its narrative's editor (`analysis_edit`), the
review's actions (`analysis_start`, `analysis_submit`, `analysis_accept`, `analysis_return`) and
its PDF (`analysis_pdf`).

Thin, as the plan's pages: scope through `access` (an outsider, and a class teacher of the
association, who does not read its analysis, get 404), read through `selectors`, validate a form,
call `services`, say what happened, redirect. A refused action (a transition that does not exist,
the wrong side of the review) is a message on the analysis' page, a redirect that changes
nothing; the editor is 403 to the analysis' other readers.
"""

from __future__ import annotations

import hashlib
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations import access
from associations.models import AcademicYear, Association
from reports.analysis import exporters, rollup, selectors, services
from reports.analysis.charts import year_charts
from reports.analysis.forms import AnalysisForm, AnalysisReturnForm
from reports.analysis.models import Analysis
from reports.rendering import file_response, pdf_response
from rmo_portal.editors import editor_save, errors_fit, posted_version, refusal

logger = logging.getLogger(__name__)


def _association_or_404(request, pk: int) -> Association:
    association = access.association_for_user(
        request.user, pk, queryset=Association.objects.select_related("school", "district")
    )
    if not selectors.may_read(request.user, association):
        raise Http404
    return association


def _analysis_or_404(request, pk: int) -> Analysis:
    return access.object_for_user(request.user, "analysis", pk, queryset=selectors.analysis_queryset())


def _page_url(analysis: Analysis) -> str:
    return reverse("reports:analysis", args=[analysis.association_id, analysis.academic_year.start_year])


def _render_page(request, page, *, return_form=None, status=200):
    return render(request, "reports/analysis/analysis.html", {
        "page": page, "analysis": page.analysis, "figures": page.figures,
        "charts": year_charts(page.figures),
        "board": selectors.board_url(request.user, page.association, page.year),
        "return_form": return_form or AnalysisReturnForm(),
    }, status=status)


@login_required
def analysis(request, pk: int, year: int):
    """The association's analysis of the academic year starting in `year` (or its figures and a
    button to start it)."""
    association = _association_or_404(request, pk)
    academic_year = get_object_or_404(AcademicYear, start_year=year)
    return _render_page(request, selectors.analysis_page(user=request.user, association=association,
                                                         year=academic_year))


@login_required
@require_POST
def analysis_start(request, pk: int, year: int):
    """The year's draft, created once by the association's writers; its page either way."""
    association = _association_or_404(request, pk)
    academic_year = get_object_or_404(AcademicYear, start_year=year)
    back = reverse("reports:analysis", args=[association.pk, academic_year.start_year])
    existed = Analysis.objects.filter(association=association, academic_year=academic_year).exists()
    try:
        services.analysis_for(association=association, year=academic_year, user=request.user)
    except PermissionDenied as error:
        messages.error(request, refusal(error))
        return redirect(back)
    if existed:
        messages.info(request, _("Анализ за этот учебный год уже начат."))
        return redirect(back)
    messages.success(request, _("Анализ начат: показатели заполнены по записям портала, напишите разделы."))
    return redirect("reports:analysis_edit", Analysis.objects.get(association=association,
                                                                  academic_year=academic_year).pk)


@login_required
def analysis_edit(request, pk: int):
    """The narrative's sections, saved with the version the editor was opened at: a save met by
    someone else's comes back with what the user typed, what changed and the newer version, so
    that a second «Сохранить» overwrites on purpose."""
    analysis = _analysis_or_404(request, pk)
    if not access.can_write_association(request.user, analysis.association):
        raise PermissionDenied
    if not analysis.is_editable:
        messages.error(request, _("Анализ «%(status)s» нельзя изменять.") % {"status": analysis.get_status_display()})
        return redirect(_page_url(analysis))
    conflict = None
    version = analysis.version
    if request.method == "POST":
        form = AnalysisForm(request.POST, instance=analysis)
        version = posted_version(request.POST, analysis.version)
        if form.is_valid():
            narrative = {name: form.cleaned_data[name] for name in Analysis.NARRATIVE_FIELDS}
            outcome = editor_save(
                lambda: services.analysis_save(analysis=analysis, user=request.user, version=version, **narrative),
                version=version,
            )
            conflict, version = outcome.conflict, outcome.version
            if conflict is not None:
                messages.error(request, str(conflict))
            elif outcome.error is not None:
                error = outcome.error
                if isinstance(error, ValidationError) and errors_fit(error, form):
                    form.add_error(None, error)
                    messages.error(request, _("Анализ не сохранён: исправьте ошибки, отмеченные красным."))
                else:
                    messages.error(request, outcome.message)
                    return redirect(_page_url(analysis))
            else:
                messages.success(request, _("Анализ сохранён."))
                if request.POST.get("after") == "close":
                    return redirect(_page_url(analysis))
                return redirect("reports:analysis_edit", analysis.pk)
        else:
            messages.error(request, _("Анализ не сохранён: исправьте ошибки, отмеченные красным."))
    else:
        form = AnalysisForm(instance=analysis)
    last_return = None
    if analysis.status == Analysis.Status.RETURNED:
        last_return = analysis.transitions.filter(to_status=Analysis.Status.RETURNED).order_by("-at", "-pk").first()
    return render(request, "reports/analysis/edit.html", {
        "analysis": analysis, "form": form, "conflict": conflict, "version": version,
        "last_return": last_return, "last_year_tasks": services.last_year_tasks(analysis),
        "page_url": _page_url(analysis),
    })


# --- the review ------------------------------------------------------------------------------------


def _say(error: Exception) -> str:
    if isinstance(error, PermissionDenied) and error.args and isinstance(error.args[0], str):
        return error.args[0]
    return refusal(error)


@login_required
@require_POST
def analysis_submit(request, pk: int):
    analysis = _analysis_or_404(request, pk)
    try:
        services.analysis_submit(analysis=analysis, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _say(error))
    else:
        messages.success(request, _("Анализ отправлен на рассмотрение: его показатели сохранены на сегодня."))
    return redirect(_page_url(analysis))


@login_required
@require_POST
def analysis_accept(request, pk: int):
    analysis = _analysis_or_404(request, pk)
    try:
        services.analysis_accept(analysis=analysis, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _say(error))
    else:
        messages.success(request, _("Анализ принят. Его PDF сохранён в том виде, в каком выдан."))
    return redirect(_page_url(analysis))


@login_required
@require_POST
def analysis_return(request, pk: int):
    """Back to the writer with what to rework: a missing comment is the page again with the
    error next to the field (for the reviewer; anyone else is told the action is not theirs)."""
    analysis = _analysis_or_404(request, pk)
    form = AnalysisReturnForm(request.POST)
    if form.is_valid():
        try:
            services.analysis_return(analysis=analysis, user=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            if not errors_fit(error, form):
                messages.error(request, refusal(error))
                return redirect(_page_url(analysis))
            form.add_error(None, error)
        except PermissionDenied as error:
            messages.error(request, _say(error))
            return redirect(_page_url(analysis))
        else:
            messages.success(request, _("Анализ возвращён на доработку."))
            return redirect(_page_url(analysis))
    page = selectors.analysis_page(user=request.user, association=analysis.association, year=analysis.academic_year)
    if not page.can_review:
        messages.error(request, refusal(PermissionDenied()))
        return redirect(_page_url(analysis))
    return _render_page(request, page, return_form=form)


# --- the document ----------------------------------------------------------------------------------


@login_required
def analysis_pdf(request, pk: int):
    """An accepted analysis: its stored PDF, byte for byte as issued, checked against its SHA-256
    (in the ETag). Before that: rendered now, marked «ЧЕРНОВИК», never kept by the browser."""
    analysis = _analysis_or_404(request, pk)
    if analysis.status != Analysis.Status.ACCEPTED:
        response = pdf_response(analysis.file_name(), services.analysis_pdf(analysis))
        response["Cache-Control"] = "private, no-store"
        return response
    etag = f'"{analysis.pdf_sha256}"'
    if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        response = HttpResponseNotModified()
        response["ETag"] = etag
        return response
    try:
        with default_storage.open(analysis.pdf.storage_name, "rb") as handle:
            content = handle.read()
    except (FileNotFoundError, OSError):
        logger.error("Нет PDF принятого анализа %s в хранилище", analysis.pk)
        raise Http404 from None
    if hashlib.sha256(content).hexdigest() != analysis.pdf_sha256:
        # Never hand out as issued what is not what was issued.
        logger.error("PDF принятого анализа %s не совпадает с его SHA-256", analysis.pk)
        raise Http404
    response = pdf_response(analysis.file_name(), content)
    response["ETag"] = etag
    response["X-Content-SHA256"] = analysis.pdf_sha256
    response["Cache-Control"] = "private, no-cache"
    return response


# --- the methodologist's board (reports.analysis.rollup) --------------------------------------------


def _board_district_or_404(request, pk: int):
    return access.get_visible_or_404(selectors.board_districts(request.user), pk)


def _board_url(district_pk: int, year: AcademicYear) -> str:
    return reverse("reports:analysis_board", args=[district_pk, year.start_year])


def _render_board(request, district, academic_year, *, form=None, status=200):
    page = selectors.analysis_board(user=request.user, district=district, year=academic_year,
                                    status=request.GET.get("status", ""))
    if form is None:
        form = rollup.AnalysisDeadlineForm(
            year=academic_year, initial={"due_on": page.deadline.due_on if page.deadline else None}
        )
    return render(request, "reports/analysis/board.html", {"page": page, "deadline_form": form}, status=status)


@login_required
def analysis_board(request, pk: int, year: int):
    """The methodologist's board of the district's school МО analyses of the year starting in
    `year` (`?status=` one of rollup.BOARD_FILTERS' keys): the district level reads it, the
    methodologist and the department staff act on it."""
    district = _board_district_or_404(request, pk)
    academic_year = get_object_or_404(AcademicYear, start_year=year)
    return _render_board(request, district, academic_year)


@login_required
@require_POST
def analysis_deadline(request, pk: int, year: int):
    """Set or change the district's deadline; a bad date is the board again with the error next
    to the field (what was typed kept), nothing saved."""
    district = _board_district_or_404(request, pk)
    academic_year = get_object_or_404(AcademicYear, start_year=year)
    if not access.allows(request.user, "analysis_board", district, "act"):
        raise PermissionDenied
    form = rollup.AnalysisDeadlineForm(request.POST, year=academic_year)
    if form.is_valid():
        try:
            deadline = services.analysis_deadline_set(
                district=district, year=academic_year, due_on=form.cleaned_data["due_on"], user=request.user
            )
        except ValidationError as error:
            if not errors_fit(error, form):
                messages.error(request, refusal(error))
                return redirect(_board_url(district.pk, academic_year))
            form.add_error(None, error)
        else:
            day = deadline.due_on.strftime("%d.%m.%Y")
            messages.success(request, _("Срок сдачи анализа: до %(day)s.") % {"day": day})
            return redirect(_board_url(district.pk, academic_year))
    messages.error(request, _("Срок не сохранён: исправьте ошибку, отмеченную красным."))
    return _render_board(request, district, academic_year, form=form)


@login_required
@require_POST
def analysis_remind(request, pk: int, year: int):
    """«Напомнить» one late school МО (an e-mail to its head); a refusal (not late, reminded in
    the last 24 hours, no head with an e-mail) is a message on the board."""
    association = access.get_visible_or_404(selectors.board_associations(request.user), pk)
    academic_year = get_object_or_404(AcademicYear, start_year=year)
    if not access.allows(request.user, "analysis_board", association.district, "act"):
        raise PermissionDenied
    try:
        reminder = services.analysis_remind(association=association, year=academic_year, user=request.user)
    except ValidationError as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("Напоминание отправлено: %(to)s.") % {"to": reminder.recipients})
    return redirect(_board_url(association.district_id, academic_year))


@login_required
@require_POST
def analysis_remind_all(request, pk: int, year: int):
    """«Напомнить всем опоздавшим» of the district: who was reminded, and each refusal."""
    district = _board_district_or_404(request, pk)
    academic_year = get_object_or_404(AcademicYear, start_year=year)
    if not access.allows(request.user, "analysis_board", district, "act"):
        raise PermissionDenied
    sent, refused = services.analysis_remind_all(district=district, year=academic_year, user=request.user)
    if sent:
        messages.success(request, services.reminded_message(len(sent)))
    for reason in refused:
        messages.warning(request, reason)
    if not sent and not refused:
        messages.info(request, _("Опоздавших МО нет: напоминать некому."))
    return redirect(_board_url(district.pk, academic_year))


@login_required
def analysis_xlsx(request, pk: int):
    """The analysis' figures as XLSX, for the readers of its PDF: as frozen once submitted or
    accepted, live (and never kept by the browser) while a draft or returned."""
    analysis = _analysis_or_404(request, pk)
    response = file_response(exporters.analysis_xlsx(analysis))
    response["Cache-Control"] = "private, no-cache" if analysis.is_frozen else "private, no-store"
    return response


@login_required
def analysis_docx(request, pk: int):
    """The analysis in Word, for the readers of its PDF (the same loader): rendered now from the
    figures its PDF carries — as frozen once submitted, live (and never kept by the browser)
    while a draft or returned, as its XLSX."""
    analysis = _analysis_or_404(request, pk)
    response = file_response(exporters.analysis_docx(analysis))
    response["Cache-Control"] = "private, no-cache" if analysis.is_frozen else "private, no-store"
    return response
