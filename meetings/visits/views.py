"""Views of a visit's link to a meeting: link (POST on the visit: the meeting chosen on the
visit's page) and unlink. Thin: the visit through its selector (404 to those who do not see it),
the meeting through the form (those the user sees), the rules in the service; a refusal is a
message on the visit's page, as the visit's other actions are."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations.records.visits import selectors as visit_selectors
from meetings.selectors import meetings_visible_to
from meetings.visits import services
from meetings.visits.forms import VisitLinkForm
from rmo_portal.editors import refusal


def _back(visit) -> str:
    return reverse("associations:visit", args=[visit.pk]) + "#visit-meeting"


@login_required
@require_POST
def visit_link(request, pk: int):
    visit = visit_selectors.visit_read(user=request.user, pk=pk)
    form = VisitLinkForm(request.POST, meetings=meetings_visible_to(request.user))
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_back(visit))
    meeting = form.cleaned_data["meeting"]
    try:
        services.visit_link(visit=visit, meeting=meeting, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _("Посещение не связано с заседанием: %(reason)s") % {"reason": refusal(error)})
    else:
        messages.success(
            request, _("Посещение связано с заседанием %(date)s «%(theme)s».")
            % {"date": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y"), "theme": meeting.theme},
        )
    return redirect(_back(visit))


@login_required
@require_POST
def visit_unlink(request, pk: int):
    visit = visit_selectors.visit_read(user=request.user, pk=pk)
    try:
        services.visit_unlink(visit=visit, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("Связь посещения с заседанием снята."))
    return redirect(_back(visit))
