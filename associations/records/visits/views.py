"""Views of visits: the list (the visits the user sees, filtered), the visit's page (findings,
recommendations with the school's marks, the meeting visited), the editor of a new or an existing
visit (its fields and its recommendations in one form, version-checked), its deletion, and the
school's follow-up mark on a recommendation.

Thin, as the plan's views: scope through the selectors (an outsider gets 404, a reader gets 403
on the editor), validate the forms, call the services, say what happened, redirect. A reader's
refused action (delete, mark) is a message on the visit's page, as the plan's are.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from associations import access, links
from associations.records.models import Visit
from associations.records.visits import selectors, services
from associations.records.visits.forms import (
    RecommendationMarkForm,
    VisitChoices,
    VisitForm,
    recommendation_formset,
)
from rmo_portal.editors import editor_save, errors_fit, formset_rows, posted_version, refusal, show_refusal

VISITS_PER_PAGE = 50
NOT_SAVED = gettext_lazy("Посещение не сохранено: исправьте ошибки, отмеченные красным.")


# --- the list ---------------------------------------------------------------------------------------


@login_required
def visit_list(request):
    selectors.reached(request.user)
    listing = selectors.visit_list(user=request.user, params=request.GET)
    page = Paginator(listing.visits, VISITS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request, "associations/records/visits/visit_list.html",
        {"listing": listing, "filter": listing.filterset, "page": page},
    )


# --- one visit ----------------------------------------------------------------------------------------


def _render_detail(request, detail, *, mark_form=None, status=200):
    if detail.can_follow_up:
        for row in detail.recommendations:
            if mark_form is not None and mark_form.recommendation.pk == row.pk:
                row.mark_form = mark_form
            elif row.is_open:
                row.mark_form = RecommendationMarkForm(recommendation=row)
    return render(
        request, "associations/records/visits/visit_detail.html",
        {
            "detail": detail, "visit": detail.visit,
            # The apps above: the meeting visited, and the form that links it (meetings).
            "visit_links": links.visit_links(detail.visit, user=request.user, can_write=detail.can_write),
        },
        status=status,
    )


@login_required
def visit_detail(request, pk: int):
    return _render_detail(request, selectors.visit_detail(user=request.user, pk=pk))


# --- the editor -----------------------------------------------------------------------------------


def _apply_error(form, error: Exception, request) -> None:
    show_refusal(request, form, error, not_saved=NOT_SAVED)


def _bound(request, *, visit: Visit, choices: VisitChoices, rows):
    """The visit's form and its rows as posted; the rows learn the visit's date from the form."""
    form = VisitForm(request.POST, choices=choices, visit=visit)
    form_ok = form.is_valid()
    formset = recommendation_formset(
        visit, request.POST, rows=rows, visited_on=form.cleaned_data.get("visited_on"),
    )
    return form, formset, form_ok & formset.is_valid()


def _not_saved(request, formset) -> None:
    bad = sum(1 for errors in formset.errors if errors) + bool(formset.non_form_errors())
    if bad:
        messages.error(
            request,
            ngettext(
                "Посещение не сохранено: исправьте %(count)d рекомендацию, отмеченную красным.",
                "Посещение не сохранено: исправьте %(count)d рекомендаций, отмеченных красным.",
                bad,
            )
            % {"count": bad},
        )
    else:
        messages.error(request, str(NOT_SAVED))


def _render_editor(request, *, visit, form, formset, conflict=None, version=None):
    return render(
        request, "associations/records/visits/visit_form.html",
        {"visit": visit, "form": form, "formset": formset, "conflict": conflict, "version": version},
    )


@login_required
def visit_create(request):
    selectors.reached(request.user)
    choices = VisitChoices.for_user(request.user)
    if not choices.schools:
        raise PermissionDenied
    visit = Visit()
    me = access.roles_for(request.user).person
    if request.method == "POST":
        form, formset, valid = _bound(request, visit=visit, choices=choices, rows=[])
        if valid:
            try:
                created = services.visit_create(
                    values=form.values(), recommendations=formset_rows(formset), user=request.user,
                )
            except (ValidationError, PermissionDenied) as error:
                _apply_error(form, error, request)
            else:
                messages.success(request, _("Посещение внесено."))
                return redirect("associations:visit", created.pk)
        else:
            _not_saved(request, formset)
    else:
        form = VisitForm(choices=choices, default_visitor=me)
        formset = recommendation_formset(visit, rows=[])
    return _render_editor(request, visit=None, form=form, formset=formset)


@login_required
def visit_edit(request, pk: int):
    """The visit with its recommendations. When someone saved it in between, the page comes back
    with what the user typed, the conflict's message and the new version, so that a second
    «Сохранить» overwrites on purpose."""
    visit = selectors.visit_for_edit(user=request.user, pk=pk)
    choices = VisitChoices.for_user(request.user, visit)
    rows = selectors.editor_rows(visit)
    conflict = None
    version = visit.version
    if request.method == "POST":
        version = posted_version(request.POST, visit.version)
        form, formset, valid = _bound(request, visit=visit, choices=choices, rows=rows)
        if valid:
            outcome = editor_save(
                lambda: services.visit_update(
                    visit=visit, values=form.values(), recommendations=formset_rows(formset), version=version,
                    user=request.user,
                ),
                version=version,
            )
            conflict, version = outcome.conflict, outcome.version
            if conflict is not None:
                messages.error(request, str(conflict))
            elif outcome.error is not None:
                _apply_error(form, outcome.error, request)
            else:
                messages.success(request, _("Посещение сохранено."))
                return redirect("associations:visit", visit.pk)
        else:
            _not_saved(request, formset)
    else:
        form = VisitForm(choices=choices, visit=visit)
        formset = recommendation_formset(visit, rows=rows)
    return _render_editor(request, visit=visit, form=form, formset=formset, conflict=conflict, version=version)


@login_required
@require_POST
def visit_delete(request, pk: int):
    visit = selectors.visit_read(user=request.user, pk=pk)
    try:
        services.visit_delete(visit=visit, user=request.user)
    except PermissionDenied as error:
        messages.error(request, refusal(error))
        return redirect("associations:visit", visit.pk)
    messages.success(
        request, _("Посещение %(date)s (%(school)s) удалено.")
        % {"date": visit.visited_on.strftime("%d.%m.%Y"), "school": visit.school.short_name},
    )
    return redirect("associations:visits")


# --- the school's follow-up ------------------------------------------------------------------------


@login_required
@require_POST
def recommendation_mark(request, pk: int):
    """The school's mark on a recommendation (posted `done_on`, `done_note`), or, with `unmark`,
    taking it back. A refusal is a message on the visit's page; a bad date comes back next to
    its field."""
    recommendation = selectors.recommendation_read(user=request.user, pk=pk)
    back = reverse("associations:visit", args=[recommendation.visit_id]) + f"#recommendation-{recommendation.pk}"
    if request.POST.get("unmark"):
        try:
            services.recommendation_unmark(recommendation=recommendation, user=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, refusal(error))
        else:
            messages.success(
                request, _("Отметка о выполнении рекомендации № %(position)s снята.")
                % {"position": recommendation.position},
            )
        return redirect(back)

    form = RecommendationMarkForm(request.POST, recommendation=recommendation)
    if form.is_valid():
        try:
            services.recommendation_mark(
                recommendation=recommendation, done_on=form.cleaned_data["done_on"],
                note=form.cleaned_data["done_note"], user=request.user,
            )
        except ValidationError as error:
            if not errors_fit(error, form):
                messages.error(request, refusal(error))
                return redirect(back)
            form.add_error(None, error)
        except PermissionDenied as error:
            messages.error(request, refusal(error))
            return redirect(back)
        else:
            messages.success(
                request, _("Рекомендация № %(position)s отмечена выполненной.") % {"position": recommendation.position}
            )
            return redirect(back)
    detail = selectors.visit_detail(user=request.user, pk=recommendation.visit_id)
    if not detail.can_follow_up:
        messages.error(request, refusal(PermissionDenied()))
        return redirect(back)
    messages.error(request, _("Отметка не сохранена: исправьте ошибки, отмеченные красным."))
    return _render_detail(request, detail, mark_form=form)
