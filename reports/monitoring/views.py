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

from associations import access
from associations.models import ClassAssignment
from reports.monitoring import services
from reports.monitoring.forms import GridForm, MonitoringStartForm
from reports.monitoring.models import ClassMonitoring, MonitoredPupil, Period
from reports.monitoring.scoring import PupilGrades, method_data, score_class
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
