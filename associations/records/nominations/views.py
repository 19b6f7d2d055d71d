"""Views of the nominations for encouragement: the list (filtered), a new nomination, its editor
(version-checked; the outcome and its date) and its deletion.

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
from associations.models import Nomination
from associations.records.nominations import selectors, services
from associations.records.nominations.forms import NominationChoices, NominationForm
from rmo_portal.editors import editor_save, posted_version, show_refusal

NOMINATIONS_PER_PAGE = 50
NOT_SAVED = gettext_lazy("Ходатайство не сохранено: исправьте ошибки, отмеченные красным.")


def _reached(user) -> None:
    if not access.reaches(user, "nomination"):
        raise Http404


def _apply_error(form, error: Exception, request) -> None:
    show_refusal(request, form, error, not_saved=NOT_SAVED)


@login_required
def nomination_list(request):
    _reached(request.user)
    listing = selectors.nomination_list(user=request.user, params=request.GET)
    page = Paginator(listing.nominations, NOMINATIONS_PER_PAGE).get_page(request.GET.get("page"))
    for nomination in page:
        nomination.can_write = access.allows(request.user, "nomination", nomination, "write")
    return render(
        request, "associations/records/nominations/nomination_list.html",
        {"listing": listing, "filter": listing.filterset, "page": page},
    )


@login_required
def nomination_create(request):
    _reached(request.user)
    if not access.reaches(request.user, "nomination", "write"):
        raise PermissionDenied
    choices = NominationChoices.for_user(request.user)
    form = NominationForm(request.POST if request.method == "POST" else None, choices=choices)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.nomination_save(nomination=Nomination(), values=form.values(), user=request.user)
            except (ValidationError, PermissionDenied) as error:
                _apply_error(form, error, request)
            else:
                messages.success(request, _("Ходатайство о поощрении внесено."))
                return redirect("associations:nominations")
        else:
            messages.error(request, str(NOT_SAVED))
    return render(
        request, "associations/records/nominations/nomination_form.html", {"form": form, "nomination": None}
    )


@login_required
def nomination_edit(request, pk: int):
    """The nomination with its outcome. When someone saved it in between, the page comes back with
    what the user typed, the conflict's message and the new version, so that a second «Сохранить»
    overwrites on purpose."""
    nomination = selectors.nomination_for_edit(user=request.user, pk=pk)
    choices = NominationChoices.for_user(request.user, nomination)
    conflict = None
    version = nomination.version
    if request.method == "POST":
        form = NominationForm(request.POST, choices=choices, nomination=nomination)
        version = posted_version(request.POST, nomination.version)
        if form.is_valid():
            outcome = editor_save(
                lambda: services.nomination_save(
                    nomination=nomination, values=form.values(), user=request.user, version=version
                ),
                version=version,
            )
            conflict, version = outcome.conflict, outcome.version
            if conflict is not None:
                messages.error(request, str(conflict))
            elif outcome.error is not None:
                _apply_error(form, outcome.error, request)
            else:
                messages.success(request, _("Ходатайство сохранено."))
                return redirect("associations:nominations")
        else:
            messages.error(request, str(NOT_SAVED))
    else:
        form = NominationForm(choices=choices, nomination=nomination)
    return render(
        request, "associations/records/nominations/nomination_form.html",
        {"form": form, "nomination": nomination, "conflict": conflict, "version": version},
    )


@login_required
@require_POST
def nomination_delete(request, pk: int):
    nomination = selectors.nomination_for_edit(user=request.user, pk=pk)
    services.nomination_delete(nomination=nomination, user=request.user)
    messages.success(
        request, _("Ходатайство о поощрении (%(name)s, %(date)s) удалено.")
        % {"name": nomination.person.short_name, "date": nomination.nominated_on.strftime("%d.%m.%Y")},
    )
    return redirect("associations:nominations")
