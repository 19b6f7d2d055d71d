"""Views of the job instruction and its acknowledgment: a version's text, the appointed person's
acknowledgment, and the methodologist's (or the deputy director's) list of who has read it.

Thin: read through the selectors (an outsider gets 404, one who sees but may not act 403),
validate the form, call the service; a refusal of the service is shown next to the field with
what the user typed kept. The printable sheet is a document of reports, linked through
`associations.links.appointment_links`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from associations import links
from associations.records.instructions import selectors, services
from associations.records.instructions.forms import AcknowledgeForm


@login_required
@require_GET
def instruction(request, pk: int):
    page = selectors.version_page(user=request.user, pk=pk)
    return render(request, "associations/records/instructions/instruction.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def acknowledge(request, pk: int):
    """GET: the current version of the appointment's instruction and the day of reading (today);
    POST: the acknowledgment. The appointed person's alone."""
    page = selectors.acknowledge_page(user=request.user, pk=pk)
    state = page.state
    appointment = state.appointment
    form = None
    if state.is_due:
        if request.method == "POST":
            form = AcknowledgeForm(request.POST, appointment=appointment, version=state.version)
            if form.is_valid():
                try:
                    services.acknowledgment_create(
                        appointment=appointment, acknowledged_on=form.cleaned_data["acknowledged_on"],
                        user=request.user, shown_version_id=form.cleaned_data["version"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
                    # The page shows what is in effect now (a version that took effect meanwhile),
                    # with the day the user typed.
                    page = selectors.acknowledge_page(user=request.user, pk=pk)
                    state = page.state
                    if state.version is not None:
                        form.data = form.data.copy()
                        form.data["version"] = str(state.version.pk)
                else:
                    messages.success(
                        request,
                        _("Ознакомление с инструкцией «%(title)s» отмечено %(date)s.")
                        % {"title": state.instruction.title,
                           "date": form.cleaned_data["acknowledged_on"].strftime("%d.%m.%Y")},
                    )
                    return redirect("associations:acknowledge", appointment.pk)
        else:
            form = AcknowledgeForm(appointment=appointment, version=state.version)
    elif request.method == "POST":
        if state.version is None:
            messages.error(request, _("Для этого назначения нет действующей инструкции."))
        else:
            messages.info(request, _("Ознакомление с этой редакцией уже отмечено %(date)s.")
                          % {"date": state.acknowledgment.acknowledged_on.strftime("%d.%m.%Y")})
        return redirect("associations:acknowledge", appointment.pk)
    return render(
        request,
        "associations/records/instructions/acknowledge.html",
        {
            "page": page, "state": state, "appointment": appointment, "form": form,
            "appointment_links": links.appointment_links(appointment, user=request.user),
        },
    )


@login_required
@require_GET
def acknowledgments(request):
    table = selectors.acknowledgment_table(user=request.user, params=request.GET)
    for row in table.rows:
        row.links = links.appointment_links(row.appointment, user=request.user)  # the sheet (reports)
    return render(request, "associations/records/instructions/acknowledgments.html", {"table": table})
