"""Thin views: scope through `access`, read through `selectors`, write through `services`,
render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from associations import access, links, selectors, services
from associations.files.responses import file_response
from associations.forms import MembershipAddForm
from associations.models import AcademicYear, Appointment, Association, Membership
from associations.records import selectors as record_selectors
from associations.records.consultations import selectors as consultation_selectors
from associations.records.contests import selectors as contest_selectors
from rmo_portal.pickers import SEARCH_LIMIT, people_options

PEOPLE_PER_PAGE = 50


@login_required
def association_list(request):
    year = selectors.academic_year_from_params(request.GET)
    filterset, associations = selectors.association_list(user=request.user, params=request.GET, year=year)
    return render(
        request,
        "associations/association_list.html",
        {"filter": filterset, "associations": associations, "year": year},
    )


@login_required
def association_detail(request, pk: int):
    return _render_detail(request, pk, selectors.academic_year_from_params(request.GET))


@login_required
def person_list(request):
    if not access.can_see_directory(request.user):
        raise Http404
    filterset, people = selectors.person_list(user=request.user, params=request.GET)
    page = Paginator(people, PEOPLE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "associations/person_list.html", {"filter": filterset, "page": page})


@login_required
def person_detail(request, pk: int):
    """The teacher's page: appointments, classes and every record of methodical work concerning
    them (the person themselves, their school's МО head, the directory's readers)."""
    page = record_selectors.teacher_page(user=request.user, pk=pk)
    return render(request, "associations/person_detail.html", {"page": page, "person": page.person})


# --- the members of an association ----------------------------------------------------------------


def _render_detail(request, pk, year, *, add_form=None, status=200):
    detail = selectors.association_detail(user=request.user, pk=pk, year=year)
    if detail.can_write and add_form is None:
        add_form = MembershipAddForm(association=detail.association, academic_year=year)
    return render(
        request,
        "associations/association_detail.html",
        {
            "detail": detail,
            "year": year,
            "add_form": add_form,
            # What the apps above link to from here (meetings: the association's meetings).
            "association_links": links.association_links(
                association=detail.association, year=detail.year, user=request.user, can_write=detail.can_write
            ),
        },
        status=status,
    )


def _detail_url(association_id: int, year: AcademicYear) -> str:
    return f"{reverse('associations:detail', args=[association_id])}?year={year.pk}"


def _written_by(request, pk: int) -> tuple[Association, AcademicYear]:
    """The association the user writes (404 if unseen, 403 if only read) and the year posted."""
    association = access.association_for_user(
        request.user, pk, write=True, queryset=Association.objects.select_related("school", "district")
    )
    return association, selectors.academic_year_from_params(request.POST)


@login_required
@require_POST
def members_add(request, pk: int):
    """Add the chosen people to the association for the year the page showed."""
    association, year = _written_by(request, pk)
    form = MembershipAddForm(request.POST, association=association, academic_year=year)
    if form.is_valid():
        try:
            added = services.membership_add(
                association=association, academic_year=year, people=list(form.cleaned_data["people"]),
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "В состав на %(year)s учебный год добавлен %(count)d человек.",
                    "В состав на %(year)s учебный год добавлено %(count)d человек.",
                    added,
                )
                % {"count": added, "year": year},
            )
            return redirect(_detail_url(association.pk, year))
    return _render_detail(request, pk, year, add_form=form)


@login_required
@require_POST
def members_copy(request, pk: int):
    """Carry last year's members over to the year the page showed."""
    association, year = _written_by(request, pk)
    added = services.membership_copy_previous(association=association, academic_year=year, user=request.user)
    if added:
        messages.success(
            request,
            ngettext(
                "Из состава прошлого года перенесён %(count)d человек.",
                "Из состава прошлого года перенесено %(count)d человек.",
                added,
            )
            % {"count": added},
        )
    else:
        messages.info(request, _("Переносить некого: все члены прошлого года уже в составе или ушли из школы."))
    return redirect(_detail_url(association.pk, year))


@login_required
@require_POST
def member_remove(request, pk: int):
    """Take one person off the association's list for that year."""
    membership = access.get_visible_or_404(
        Membership.objects.filter(association__in=access.associations_visible_to(request.user)).select_related(
            "association", "person", "academic_year"
        ),
        pk,
    )
    services.membership_remove(membership=membership, user=request.user)
    messages.success(
        request,
        _("%(name)s больше не в составе на %(year)s учебный год.")
        % {"name": membership.person.short_name, "year": membership.academic_year},
    )
    return redirect(_detail_url(membership.association_id, membership.academic_year))


# --- an appointment order's scan -----------------------------------------------------------------


@login_required
def appointment_order_scan(request, pk: int):
    """The order's scan, to those who see the appointment (access: «appointment», «see»: the
    person, the district's methodologist, the school's deputy, the administrators); 404 to anyone
    else and when no scan is attached. Served by the file module, never from a media URL."""
    appointment = access.object_for_user(
        request.user, "appointment", pk, queryset=Appointment.objects.select_related("order_scan")
    )
    if appointment.order_scan is None:
        raise Http404
    return file_response(appointment.order_scan)


@login_required
@require_GET
def people_search(request, pk: int):
    """A picker's search (rmo_portal.pickers): the association's people whose name holds what
    was typed (`q`), as JSON. `?for=members` searches who may still join its membership for the
    year (`year`); otherwise whom its records may name (`people=district`: the whole district,
    as the РМО's editors offer)."""
    pool = request.GET.get("for") == "members"
    association = access.association_for_people_search(request.user, pk, pool=pool)
    results = selectors.people_search(
        association=association,
        query=request.GET.get("q", "")[:100],
        academic_year=selectors.academic_year_from_params(request.GET),
        whole_district=selectors.wants_whole_district(request.GET),
        pool=pool,
        limit=SEARCH_LIMIT,
    )
    return JsonResponse({"results": results})


# The sets of people a record form's picker offers that belong to no one association, each read by
# the selector its form validates against (which also refuses whoever may not use the form).
_RECORD_PEOPLE = {
    "consultation": lambda user: consultation_selectors.consultation_people_to_search(user=user),
    "contest": lambda user: contest_selectors.people_to_search(user=user, team=False),
    "team": lambda user: contest_selectors.people_to_search(user=user, team=True),
}


@login_required
@require_GET
def record_people_search(request, people_for: str):
    """A record form's picker's search (rmo_portal.pickers.record_people_search_url): those of
    the form's people (`people_for`: «consultation», «contest», «team») whose name holds what
    was typed (`q`), as JSON; 404 for any other set."""
    people = _RECORD_PEOPLE.get(people_for)
    if people is None:
        raise Http404
    results = people_options(people(request.user), request.GET.get("q", "")[:100], limit=SEARCH_LIMIT)
    return JsonResponse({"results": results})
