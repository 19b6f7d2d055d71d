"""The class teacher's entry: a class's monitoring started for a period (`monitoring_start`) and
its grid (`monitoring_edit`), every pupil's grades saved in one POST through
`services.grid_save`, version-checked.

Who: the class's writers (its class teacher, the school's МО head) enter; its other per-pupil
reader (the deputy director) gets 403; anyone else, the district level included (it never sees
a pupil's row), 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from associations import access
from associations.models import AcademicYear, ClassAssignment
from reports.monitoring import charts as charts_context
from reports.monitoring import exporters, selectors, services, workbook
from reports.monitoring.forms import GridForm, MonitoringStartForm
from reports.monitoring.models import ClassMonitoring, Method, MonitoredPupil, Period
from reports.monitoring.scoring import PupilGrades, band_rows, method_data, score_class
from reports.rendering import file_response
from rmo_portal.editors import editor_save, posted_version, refusal

NOT_SAVED = gettext_lazy(
    "Таблица не сохранена: исправьте строки, отмеченные красным. Введённые оценки остались на месте."
)


def _writable(user, kind: str, queryset, pk: int):
    """The object for its writer: 404 to whoever may not see its pupils, 403 to a reader."""
    obj = access.get_visible_or_404(access.visible(user, kind, queryset, action="pupils"), pk)
    if not access.allows(user, kind, obj, "write"):
        raise PermissionDenied
    return obj


@login_required
def monitoring_start(request, pk: int):
    """GET: the period to start; POST: the class's monitoring for it, then its grid."""
    class_assignment = _writable(
        request.user, "monitored_class", ClassAssignment.objects.select_related("school", "teacher"), pk
    )
    started = list(ClassMonitoring.objects.filter(class_assignment=class_assignment).order_by("period", "period_name"))
    method = None
    try:
        method = services.current_method(class_assignment.grade)
    except ValidationError as error:
        messages.error(request, refusal(error))
    if request.method == "POST" and method is not None:
        form = MonitoringStartForm(request.POST)
        if form.is_valid():
            try:
                monitoring = services.monitoring_start(
                    user=request.user, class_assignment=class_assignment, period=form.cleaned_data["period"],
                    period_name=form.cleaned_data["period_name"],
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for name, errors in error.error_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, error)
            else:
                messages.success(request, _("Мониторинг %(class)s за срок «%(period)s» начат: внесите оценки.")
                                 % {"class": class_assignment.label, "period": monitoring.period_label})
                return redirect("reports:monitoring_edit", monitoring.pk)
    else:
        form = MonitoringStartForm(initial={"period": _default_period(started)})
    return render(request, "reports/monitoring/start.html", {
        "class_assignment": class_assignment, "form": form, "method": method, "started": started,
    })


def _default_period(started) -> str:
    """May once September is started, else September."""
    return Period.MAY if any(m.period == Period.SEPTEMBER for m in started) else Period.SEPTEMBER


def _saved_pupils(monitoring) -> list[PupilGrades]:
    pupils = MonitoredPupil.objects.filter(monitoring=monitoring).prefetch_related("grades")
    return [
        PupilGrades(number=pupil.number, initials=pupil.initials,
                    grades={(grade.quality_id, grade.rater): grade.value for grade in pupil.grades.all()})
        for pupil in pupils
    ]


@login_required
def monitoring_edit(request, pk: int):
    """The grid. A save met by someone else's (a newer version) comes back with what the user
    typed, the message and the newer version, so that a second «Сохранить» overwrites on purpose."""
    queryset = ClassMonitoring.objects.select_related(
        "class_assignment__school", "class_assignment__teacher", "method", "updated_by"
    ).prefetch_related(*(f"method__{name}" for name in services.METHOD_PREFETCH))
    monitoring = _writable(request.user, "monitoring", queryset, pk)
    method = method_data(monitoring.method)
    conflict = None
    version = monitoring.version
    score = None
    if request.method == "POST":
        grid = GridForm(method, data=request.POST)
        version = posted_version(request.POST, monitoring.version)
        if grid.is_valid():
            outcome = editor_save(
                lambda: services.grid_save(user=request.user, monitoring=monitoring, version=version,
                                           pupils=grid.pupils),
                version=version,
            )
            conflict, version = outcome.conflict, outcome.version
            if conflict is not None:
                messages.error(request, str(conflict))
            elif outcome.error is not None:
                if isinstance(outcome.error, PermissionDenied):
                    raise outcome.error
                grid.add_error(outcome.message)
                messages.error(request, str(NOT_SAVED))
            else:
                saved = score_class(method, grid.pupils)
                messages.success(request, _("Таблица сохранена: учеников — %(entered)s, учтено — %(counted)s.")
                                 % {"entered": saved.entered, "counted": saved.counted})
                return redirect("reports:monitoring_edit", monitoring.pk)
        else:
            messages.error(request, str(NOT_SAVED))
    else:
        pupils = _saved_pupils(monitoring)
        score = score_class(method, pupils)
        grid = GridForm(method, pupils=pupils, scores={pupil.number: pupil for pupil in score.pupils})
    return render(request, "reports/monitoring/edit.html", {
        "monitoring": monitoring, "class_assignment": monitoring.class_assignment, "method": method,
        "grid": grid, "score": score, "conflict": conflict, "version": version,
    })


# --- the results: a class, a school, a district, and the monitoring's home page ---------------------


def _year(request):
    """The academic year asked for (`?year=2025`, its first calendar year); None (the current
    one) when none is asked for, and, with a message saying so, for one the portal has not."""
    asked = request.GET.get("year", "").strip()
    if not asked:
        return None
    year = None
    if asked.isdigit() and len(asked) == 4:
        year = AcademicYear.objects.filter(start_year=int(asked)).first()
    if year is None:
        messages.warning(request, _("Учебного года «%(year)s» в портале нет: показан текущий.") % {"year": asked[:20]})
    return year


def _years():
    return AcademicYear.objects.order_by("-start_year")


@login_required
def monitoring_home(request):
    """The classes whose pupils the user reads (start, enter, results), the tables of the schools
    and districts they read, and the current methods' questionnaires."""
    home = selectors.monitoring_home(request.user, year=_year(request))
    return render(request, "reports/monitoring/home.html", {"home": home, "years": _years(), "Period": Period})


@login_required
def monitoring_result(request, pk: int):
    """A class's results for a period: per-pupil rows to its per-pupil readers, the class's
    figures only to the district level (and a 404 for a class of fewer than 5 pupils)."""
    result = selectors.class_result(request.user, pk)
    return render(request, "reports/monitoring/result.html", {
        "result": result, **charts_context.class_charts(result),
    })


@login_required
def monitoring_school(request, pk: int):
    summary = selectors.school_summary(request.user, pk, year=_year(request))
    return render(request, "reports/monitoring/school.html", {
        "summary": summary, "years": _years(), **charts_context.school_charts(summary),
    })


@login_required
def monitoring_district(request, pk: int):
    summary = selectors.district_summary(request.user, pk, year=_year(request))
    return render(request, "reports/monitoring/district.html", {
        "summary": summary, "years": _years(), **charts_context.district_charts(summary),
    })


@login_required
@require_GET
def monitoring_result_pdf(request, pk: int):
    """A class's monitoring sheet: what its page shows the reader (pupils' rows to its per-pupil
    readers only)."""
    return file_response(exporters.class_sheet_pdf(selectors.class_result(request.user, pk)), as_attachment=False)


@login_required
@require_GET
def monitoring_result_xlsx(request, pk: int):
    return file_response(exporters.class_sheet_xlsx(selectors.class_result(request.user, pk)))


@login_required
@require_GET
def monitoring_school_pdf(request, pk: int):
    summary = selectors.school_summary(request.user, pk, year=_year(request))
    return file_response(exporters.school_summary_pdf(summary), as_attachment=False)


@login_required
@require_GET
def monitoring_school_xlsx(request, pk: int):
    return file_response(exporters.school_summary_xlsx(selectors.school_summary(request.user, pk, year=_year(request))))


@login_required
@require_GET
def monitoring_result_docx(request, pk: int):
    """A class's monitoring sheet in Word, for the readers of its PDF (pupils' rows as there)."""
    return file_response(exporters.class_sheet_docx(selectors.class_result(request.user, pk)))


@login_required
@require_GET
def monitoring_school_docx(request, pk: int):
    summary = selectors.school_summary(request.user, pk, year=_year(request))
    return file_response(exporters.school_summary_docx(summary))


# --- the XLSX template and its import (helper: import) ------------------------------------------
# The same writers as the grid's: its class teacher and the school's МО head; the deputy 403.


def _writable_monitoring(user, pk: int):
    queryset = ClassMonitoring.objects.select_related(
        "class_assignment__school", "class_assignment__teacher", "method", "updated_by"
    ).prefetch_related(*(f"method__{name}" for name in services.METHOD_PREFETCH))
    return _writable(user, "monitoring", queryset, pk)


@login_required
def monitoring_template(request, pk: int):
    """The grid as a workbook to fill in Excel: the saved pupils, or 25 numbered blank rows."""
    monitoring = _writable_monitoring(request.user, pk)
    return file_response(workbook.template_xlsx(monitoring, method_data(monitoring.method), _saved_pupils(monitoring)))


@login_required
def monitoring_import(request, pk: int):
    """GET: the upload form; POST: the grid replaced by the file (`services.grid_import`), all or
    nothing: the wrong rows in a report on the page, a file that cannot be read next to the field,
    a newer save (the hidden version) in the page's message; a right file back to the grid."""
    from reports.monitoring import workbook
    from reports.monitoring.forms import MonitoringImportForm

    monitoring = _writable_monitoring(request.user, pk)
    method = method_data(monitoring.method)
    version = monitoring.version
    report = conflict = None
    if request.method == "POST":
        # «overwrite» is the version a conflict was shown at: the same file sent again on purpose.
        form = MonitoringImportForm(request.POST, request.FILES)
        version = posted_version(request.POST, monitoring.version)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            outcome = editor_save(
                lambda: services.grid_import(user=request.user, monitoring=monitoring, version=version,
                                             file=upload, filename=upload.name,
                                             overwrite=request.POST.get("overwrite") == str(version)),
                version=version,
            )
            conflict, version = outcome.conflict, outcome.version
            if conflict is not None:
                messages.error(request, str(conflict))
            elif outcome.error is not None:
                if isinstance(outcome.error, PermissionDenied):
                    raise outcome.error
                form.add_error("file", outcome.error)
            elif outcome.obj.ok:
                messages.success(request, outcome.obj.summary)
                return redirect("reports:monitoring_edit", monitoring.pk)
            else:
                report = outcome.obj
        if report is None and conflict is None:
            messages.error(request, _("Файл не загружен: исправьте то, что указано у поля файла."))
        elif report is not None:
            messages.error(request, report.failure_summary())
    else:
        form = MonitoringImportForm()
    return render(request, "reports/monitoring/import.html", {
        "monitoring": monitoring, "class_assignment": monitoring.class_assignment, "method": method,
        "form": form, "report": report, "conflict": conflict, "version": version,
        "columns": workbook.columns(method), "instructions": workbook.instructions(method),
    })


# --- the method's questionnaire (helper: admin) --------------------------------------------------


@login_required
def monitoring_method(request, pk: int):
    """A method's questionnaire as the class teacher hands it out and reads it: its raters, scale,
    qualities with their numbered indicator statements, how the level is computed and its bands;
    print-friendly. Every method of every district, to whoever reaches the monitoring
    (`access`: «monitoring_method»)."""
    queryset = Method.objects.prefetch_related(*services.METHOD_PREFETCH, "qualities__indicators")
    method = access.object_for_user(request.user, "monitoring_method", pk, queryset=queryset)
    data = method_data(method)
    return render(request, "reports/monitoring/method.html", {
        "method": method, "data": data, "qualities": list(method.qualities.all()),
        "raters": list(method.raters.all()), "scale": list(method.scale.all()), "bands": band_rows(data),
    })
