"""Views of attestation: the records list, a record's form (new, edited, deleted), an
application and its outcome, the overview of where people stand, the МО's perspective schedule.

Thin: scope through the selectors (404 to outsiders, 403 to a reader who may not write), validate
a form, call the service, say what happened, redirect. A rule's refusal comes back next to its
field with the user's input kept; a version conflict re-renders the form with the record as it
is now and the user's input, so that a second save overwrites on purpose.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations import access, links
from associations.records.attestation import selectors, services
from associations.records.attestation.forms import ApplicationDecideForm, ApplicationForm, AttestationForm
from rmo_portal.editors import VersionConflict, errors_fit, refusal

OVERVIEW_PER_PAGE = 100
RECORDS_PER_PAGE = 100


def _list_url(person_id: int | None = None) -> str:
    url = reverse("associations:attestations")
    return f"{url}?person={person_id}" if person_id else url


def _show_error(form, error: ValidationError) -> None:
    """The service's refusal next to its field (the form's own errors otherwise)."""
    if errors_fit(error, form):
        form.add_error(None, error)
    else:
        form.add_error(None, refusal(error))


# --- the records list ------------------------------------------------------------------------


@login_required
def attestation_list(request):
    listing = selectors.attestation_list(user=request.user, params=request.GET)
    page = Paginator(listing.attestations, RECORDS_PER_PAGE).get_page(request.GET.get("page"))
    selectors.mark_writable(user=request.user, records=page)
    return render(
        request, "associations/records/attestation/list.html",
        {"listing": listing, "filter": listing.filterset, "page": page},
    )


# --- a record -------------------------------------------------------------------------------


def _writable_people(request):
    people = selectors.writable_people(user=request.user)
    if not access.reaches(request.user, "attestation", "write"):
        raise Http404
    return people


@login_required
def attestation_create(request):
    people = _writable_people(request)
    if request.method == "POST":
        form = AttestationForm(request.POST, people=people)
        if form.is_valid():
            person = form.cleaned_data["person"]
            try:
                record = services.attestation_create(person=person, user=request.user, **form.values())
            except ValidationError as error:
                _show_error(form, error)
            else:
                messages.success(request, _("Аттестация %(person)s записана: %(record)s.") % {
                    "person": person.short_name, "record": _record_words(record),
                })
                return redirect(_list_url(person.pk))
    else:
        form = AttestationForm(people=people, initial=_initial_person(request, people))
    return render(request, "associations/records/attestation/form.html", {"form": form, "record": None})


def _initial_person(request, people) -> dict:
    """?person= preselects a person the user writes for (a teacher: themselves)."""
    wanted = request.GET.get("person", "")
    if wanted.isdecimal():
        return {"person": wanted}
    me = access.roles_for(request.user).person
    return {"person": me.pk} if me is not None else {}


def _record_words(record) -> str:
    expiry = record.expires_on.strftime("%d.%m.%Y") if record.expires_on else _("бессрочно")
    return _("%(category)s с %(date)s, действует по: %(expiry)s") % {
        "category": record.get_category_display(), "date": record.granted_on.strftime("%d.%m.%Y"), "expiry": expiry,
    }


@login_required
def attestation_edit(request, pk: int):
    record = selectors.attestation_for_edit(user=request.user, pk=pk)
    conflict = None
    if request.method == "POST":
        form = AttestationForm(request.POST, instance=record)
        if form.is_valid():
            version = form.cleaned_data.get("version")
            try:
                saved = services.attestation_update(
                    attestation=record, values=form.values(), user=request.user, version=version,
                )
            except VersionConflict as error:
                conflict = error
                # The page takes the saved record's version: a second save overwrites on purpose.
                data = request.POST.copy()
                data["version"] = str(error.obj.version)
                form = AttestationForm(data, instance=record)
                form.is_valid()
            except ValidationError as error:
                _show_error(form, error)
            else:
                messages.success(request, _("Запись об аттестации сохранена: %(record)s.") % {
                    "record": _record_words(saved),
                })
                return redirect(_list_url(saved.person_id))
    else:
        form = AttestationForm(instance=record)
    return render(
        request, "associations/records/attestation/form.html",
        {"form": form, "record": record, "conflict": conflict, "current": conflict.obj if conflict else None},
    )


@login_required
@require_POST
def attestation_delete(request, pk: int):
    record = selectors.attestation_for_edit(user=request.user, pk=pk)
    person_id = record.person_id
    try:
        services.attestation_delete(attestation=record, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("Запись об аттестации удалена."))
    return redirect(_list_url(person_id))


# --- applications -----------------------------------------------------------------------------


@login_required
def application_create(request):
    people = selectors.writable_people(user=request.user)
    if not access.reaches(request.user, "attestation_application", "write"):
        raise Http404
    if request.method == "POST":
        form = ApplicationForm(request.POST, people=people)
        if form.is_valid():
            person = form.cleaned_data["person"]
            try:
                application = services.application_create(person=person, user=request.user, **form.values())
            except ValidationError as error:
                _show_error(form, error)
            else:
                done = _("Заявление %(person)s на категорию «%(category)s» от %(date)s записано.")
                messages.success(request, done % {
                    "person": person.short_name, "category": application.get_category_display(),
                    "date": application.applied_on.strftime("%d.%m.%Y"),
                })
                return redirect(_list_url(person.pk))
    else:
        form = ApplicationForm(people=people, initial=_initial_person(request, people))
    return render(request, "associations/records/attestation/application_form.html", {"form": form})


@login_required
def application_decide(request, pk: int):
    application = selectors.application_for_decide(user=request.user, pk=pk)
    if application.outcome != application.Outcome.PENDING:
        messages.error(request, _("Решение по заявлению уже принято: %(outcome)s.") % {
            "outcome": application.get_outcome_display(),
        })
        return redirect(_list_url(application.person_id))
    conflict = None
    if request.method == "POST":
        form = ApplicationDecideForm(request.POST, application=application)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.application_decide(
                    application=application, outcome=data["outcome"], outcome_on=data["outcome_on"],
                    order_number=data["order_number"], order_date=data["order_date"],
                    order_issuer=data["order_issuer"], note=data["note"], user=request.user,
                    version=data.get("version"),
                )
            except VersionConflict as error:
                conflict = error
                data = request.POST.copy()
                data["version"] = str(error.obj.version)
                form = ApplicationDecideForm(data, application=application)
                form.is_valid()
            except ValidationError as error:
                _show_error(form, error)
            else:
                application.refresh_from_db()
                messages.success(request, _("Итог заявления записан: %(outcome)s.") % {
                    "outcome": application.get_outcome_display(),
                })
                return redirect(_list_url(application.person_id))
    else:
        form = ApplicationDecideForm(application=application)
    return render(
        request, "associations/records/attestation/application_decide.html",
        {"form": form, "application": application, "conflict": conflict},
    )


# --- where people stand -------------------------------------------------------------------------


@login_required
def attestation_overview(request):
    overview = selectors.attestation_overview(user=request.user, params=request.GET)
    page = Paginator(overview.rows, OVERVIEW_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "associations/records/attestation/overview.html",
        {"overview": overview, "filter": overview.filterset, "page": page},
    )


@login_required
def attestation_schedule(request, pk: int):
    schedule = selectors.attestation_schedule(user=request.user, pk=pk)
    return render(
        request, "associations/records/attestation/schedule.html",
        {
            "schedule": schedule,
            # The schedule as PDF and XLSX: the reports app's (associations names none of its URLs).
            "schedule_links": links.attestation_schedule_links(schedule.association, user=request.user),
        },
    )
