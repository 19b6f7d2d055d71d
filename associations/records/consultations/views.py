"""Views of the consultation logs: the list (the logs the user sees, filtered, with totals), a new
consultation, its editor (version-checked) and its deletion.

Thin: scope through the selectors (an outsider gets 404, a reader who does not write gets 403),
validate the form, call the service, say what happened, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from associations import access
from associations.models import Consultation
from associations.records.consultations import selectors, services
from associations.records.consultations.forms import ConsultationChoices, ConsultationForm
from rmo_portal.editors import editor_save, posted_version, refusal, show_refusal

CONSULTATIONS_PER_PAGE = 50
NOT_SAVED = gettext_lazy("Консультация не сохранена: исправьте ошибки, отмеченные красным.")


def _reached(user) -> None:
    """Nobody with no log to read gets the pages at all."""
    if not access.reaches(user, "consultation"):
        raise Http404


@login_required
def consultation_list(request):
    _reached(request.user)
    log = selectors.consultation_log(user=request.user, params=request.GET)
    page = Paginator(log.consultations, CONSULTATIONS_PER_PAGE).get_page(request.GET.get("page"))
    for consultation in page:
        consultation.can_write = access.allows(request.user, "consultation", consultation, "write")
    return render(
        request, "associations/records/consultations/consultation_list.html",
        {"log": log, "filter": log.filterset, "page": page},
    )


def _apply_error(form, error: Exception, request) -> None:
    show_refusal(request, form, error, not_saved=NOT_SAVED, say=_refusal)


def _refusal(error: Exception) -> str:
    if isinstance(error, PermissionDenied) and error.args and isinstance(error.args[0], str):
        return error.args[0]
    return refusal(error)


@login_required
def consultation_create(request):
    _reached(request.user)
    choices = ConsultationChoices.for_user(request.user)
    if not choices.logs:
        raise PermissionDenied
    person = access.roles_for(request.user).person
    form = ConsultationForm(
        request.POST if request.method == "POST" else None, choices=choices, default_consultant=person,
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.consultation_save(
                    consultation=Consultation(), values=form.values(), consulted=form.consulted, user=request.user,
                )
            except (ValidationError, PermissionDenied) as error:
                _apply_error(form, error, request)
            else:
                messages.success(request, _("Консультация внесена в журнал."))
                return redirect("associations:consultations")
        else:
            messages.error(request, str(NOT_SAVED))
    return render(
        request, "associations/records/consultations/consultation_form.html",
        {"form": form, "consultation": None},
    )


@login_required
def consultation_edit(request, pk: int):
    """The consultation's form. When someone saved it in between, the page comes back with what
    the user typed, the conflict's message and the new version, so that a second «Сохранить»
    overwrites on purpose."""
    consultation = selectors.consultation_for_edit(user=request.user, pk=pk)
    choices = ConsultationChoices.for_user(request.user, consultation)
    conflict = None
    version = consultation.version
    if request.method == "POST":
        form = ConsultationForm(request.POST, choices=choices, consultation=consultation)
        version = posted_version(request.POST, consultation.version)
        if form.is_valid():
            outcome = editor_save(
                lambda: services.consultation_save(
                    consultation=consultation, values=form.values(), consulted=form.consulted, user=request.user,
                    version=version,
                ),
                version=version,
            )
            conflict, version = outcome.conflict, outcome.version
            if conflict is not None:
                messages.error(request, str(conflict))
            elif outcome.error is not None:
                _apply_error(form, outcome.error, request)
            else:
                messages.success(request, _("Консультация сохранена."))
                return redirect("associations:consultations")
        else:
            messages.error(request, str(NOT_SAVED))
    else:
        form = ConsultationForm(choices=choices, consultation=consultation)
    return render(
        request, "associations/records/consultations/consultation_form.html",
        {"form": form, "consultation": consultation, "conflict": conflict, "version": version},
    )


@login_required
@require_POST
def consultation_delete(request, pk: int):
    consultation = selectors.consultation_for_edit(user=request.user, pk=pk)
    services.consultation_delete(consultation=consultation, user=request.user)
    messages.success(
        request, _("Консультация «%(topic)s» от %(date)s удалена из журнала.")
        % {"topic": consultation.topic, "date": consultation.held_on.strftime("%d.%m.%Y")},
    )
    return redirect("associations:consultations")
