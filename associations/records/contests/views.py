"""Views of the contests of professional mastery: the list of entries, a new participation (the
user's own, or picked among their people; with its team), its editor (version-checked), its
deletion and confirmation, and the district-stage table of the whole district.

Thin: scope through the selectors (an outsider gets 404; a reader who may not change an entry
gets 403 on its editor and actions; an entry its writer may no longer change — the teacher's
own once confirmed — and a refused confirmation are a message on the list, as the plan's
review is), validate the form, call the service, say what happened, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from associations import access
from associations.models import AcademicYear
from associations.records.contests import selectors, services
from associations.records.contests.forms import (
    RESULT_ROWS,
    ContestEntryForm,
    ResultsHeaderForm,
    result_formset,
)
from associations.records.models import ContestEntry
from rmo_portal.editors import editor_save, errors_fit, posted_version, refusal, show_refusal

ENTRIES_PER_PAGE = 50
NOT_SAVED = gettext_lazy("Участие не сохранено: исправьте ошибки, отмеченные красным.")
LIST = "associations:contests"


def _reached(user) -> None:
    """Nobody with no entry to see gets the pages at all."""
    if not access.reaches(user, "contest_entry"):
        raise Http404


def _refusal(error: Exception) -> str:
    if isinstance(error, PermissionDenied) and error.args and isinstance(error.args[0], str):
        return error.args[0]
    return refusal(error)


def _back(request) -> str:
    """Where an action returns: the list as the user left it (its filters), never elsewhere."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith(
        reverse(LIST)
    ):
        return target
    return reverse(LIST)


def _apply_error(form, error: Exception, request) -> None:
    show_refusal(request, form, error, not_saved=NOT_SAVED, say=_refusal)


# --- the list -------------------------------------------------------------------------------------


@login_required
def contest_list(request):
    _reached(request.user)
    filterset, entries = selectors.contest_entry_list(user=request.user, params=request.GET)
    page = Paginator(entries, ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    for entry in page:
        entry.can_write = access.allows(request.user, "contest_entry", entry, "write")
        entry.can_confirm = not entry.is_confirmed and access.allows(request.user, "contest_entry", entry, "confirm")
    return render(
        request, "associations/records/contests/contest_list.html",
        {
            "filter": filterset, "page": page,
            "can_enter_results": access.contest_results_district_ids(request.user) != frozenset(),
        },
    )


# --- one participation ------------------------------------------------------------------------------


def _render_form(request, *, form, entry=None, conflict=None, version=None, picker: bool):
    participant = None if picker else (entry.person if entry is not None else access.roles_for(request.user).person)
    return render(
        request, "associations/records/contests/contest_entry_form.html",
        {"form": form, "entry": entry, "conflict": conflict, "version": version, "picker": picker,
         "participant": participant},
    )


@login_required
def contest_entry_create(request):
    """A new participation: a teacher enters their own (no picker); those who confirm others'
    entries pick the person. A team's co-participants each get the same entry."""
    _reached(request.user)
    user = request.user
    picker = selectors.picks_people(user)
    own = access.roles_for(user).person
    if not picker and own is None:
        raise PermissionDenied
    form = ContestEntryForm(
        request.POST if request.method == "POST" else None,
        contests=selectors.contests_for_form(),
        people=selectors.entry_people(user=user) if picker else None,
        team_people=selectors.team_people(user=user),
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                entries = services.contest_entry_create(
                    user=user, person=form.chosen_person if picker else own, values=form.values(),
                    team_members=form.chosen_team,
                )
            except (ValidationError, PermissionDenied) as error:
                _apply_error(form, error, request)
            else:
                messages.success(request, _created_message(entries))
                return redirect(LIST)
        else:
            messages.error(request, str(NOT_SAVED))
    return _render_form(request, form=form, picker=picker)


def _created_message(entries: list[ContestEntry]) -> str:
    waiting = sum(1 for entry in entries if not entry.is_confirmed)
    if len(entries) == 1:
        return _("Участие внесено; оно ждёт подтверждения руководителя МО.") if waiting else _(
            "Участие внесено и подтверждено."
        )
    return ngettext(
        "Участие команды внесено: %(count)d запись (на каждого участника); ждут подтверждения: %(waiting)d.",
        "Участие команды внесено: %(count)d записей (на каждого участника); ждут подтверждения: %(waiting)d.",
        len(entries),
    ) % {"count": len(entries), "waiting": waiting}


def _writable(request, pk) -> ContestEntry | None:
    """The entry the user writes (404 if unseen, 403 if only read); None (with a message) when
    its writer may no longer change it (the teacher's own, once confirmed)."""
    entry = selectors.contest_entry_for_user(user=request.user, pk=pk)
    if access.allows(request.user, "contest_entry", entry, "write"):
        return entry
    person = access.roles_for(request.user).person
    if person is not None and entry.person_id == person.pk:
        messages.error(request, services.refusal_reason(user=request.user, entry=entry, action="write"))
        return None
    raise PermissionDenied


@login_required
def contest_entry_edit(request, pk: int):
    """The entry's form. When someone saved it in between, the page comes back with what the
    user typed, the conflict's message and the new version, so that a second «Сохранить»
    overwrites on purpose."""
    entry = _writable(request, pk)
    if entry is None:
        return redirect(LIST)
    user = request.user
    picker = selectors.picks_people(user)
    data = request.POST if request.method == "POST" else None
    form = ContestEntryForm(
        data, contests=selectors.contests_for_form(also=entry.contest),
        people=selectors.entry_people(user=user, also=entry.person) if picker else None, entry=entry,
    )
    conflict, version = None, entry.version
    if data is not None:
        version = posted_version(request.POST, entry.version)
        if form.is_valid():
            outcome = editor_save(
                lambda: services.contest_entry_update(
                    entry=entry, user=user, values=form.values(), version=version,
                    person=form.chosen_person if picker else None,
                ),
                version=version,
            )
            conflict, version = outcome.conflict, outcome.version
            if conflict is not None:
                messages.error(request, str(conflict))
            elif outcome.error is not None:
                _apply_error(form, outcome.error, request)
            else:
                messages.success(request, _("Участие сохранено."))
                return redirect(LIST)
        else:
            messages.error(request, str(NOT_SAVED))
    return _render_form(request, form=form, entry=entry, conflict=conflict, version=version, picker=picker)


@login_required
@require_POST
def contest_entry_delete(request, pk: int):
    entry = _writable(request, pk)
    if entry is None:
        return redirect(_back(request))
    try:
        services.contest_entry_delete(entry=entry, user=request.user)
    except PermissionDenied as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(
            request, _("Участие %(name)s в конкурсе «%(contest)s» (%(date)s) удалено.") % {
                "name": entry.person.short_name, "contest": entry.contest.name,
                "date": entry.held_on.strftime("%d.%m.%Y"),
            },
        )
    return redirect(_back(request))


@login_required
@require_POST
def contest_entry_confirm(request, pk: int):
    """The МО head confirms a member's entry, the methodologist the district's; never their own
    (a refusal is a message on the list)."""
    entry = selectors.contest_entry_for_user(user=request.user, pk=pk)
    try:
        services.contest_entry_confirm(entry=entry, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(
            request, _("Участие %(name)s в конкурсе «%(contest)s» подтверждено.") % {
                "name": entry.person.short_name, "contest": entry.contest.name,
            },
        )
    return redirect(_back(request))


# --- the district table -----------------------------------------------------------------------------


def _rows_asked(params) -> int:
    try:
        return int(params.get("rows", RESULT_ROWS))
    except (TypeError, ValueError):
        return RESULT_ROWS


@login_required
def contest_results(request):
    """The district stage's results for the whole district at once: the contest and date, then
    one row per participant; every row valid or none saved, each row's errors next to its fields."""
    _reached(request.user)
    district_list = list(selectors.results_districts(user=request.user))
    if not district_list:
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    district = _district_of((data or request.GET).get("district"), district_list)
    header = ResultsHeaderForm(
        data, districts=district_list, contests=selectors.contests_for_form(),
        initial={"district": district.pk} if district is not None else None,
    )
    people = selectors.district_people(district=district) if district is not None else []
    formset = result_formset(data, people=people, rows=_rows_asked(request.GET))
    if data is not None:
        if header.is_valid() & formset.is_valid():
            filled = formset.filled_forms()
            try:
                outcome = services.contest_results_enter(
                    user=request.user, district=header.cleaned_data["district"],
                    contest=header.cleaned_data["contest"], held_on=header.cleaned_data["held_on"],
                    rows=[form.row(number) for number, form in filled],
                )
            except services.ResultRowsInvalid as error:
                forms_by_number = dict(filled)
                for number, row_error in error.rows.items():
                    forms_by_number[number].add_error(None, row_error)
                messages.error(request, error.messages[0])
            except (ValidationError, PermissionDenied) as error:
                if isinstance(error, ValidationError) and errors_fit(error, header):
                    header.add_error(None, error)
                    messages.error(request, _("Результаты не сохранены: исправьте ошибки, отмеченные красным."))
                else:
                    messages.error(request, _refusal(error))
            else:
                messages.success(request, _results_message(outcome))
                year = AcademicYear.objects.for_date(header.cleaned_data["held_on"])
                return redirect(
                    f"{reverse(LIST)}?year={year.pk}&contest={header.cleaned_data['contest'].pk}&level="
                    f"{services.DISTRICT_LEVEL}"
                )
        else:
            messages.error(request, _("Результаты не сохранены: исправьте ошибки, отмеченные красным."))
    return render(
        request, "associations/records/contests/contest_results.html",
        {
            "header": header, "formset": formset, "district": district, "districts": district_list,
            "several_districts": len(district_list) > 1,
            "row_counts": (10, 20, 50, 100),
        },
    )


def _district_of(raw, districts: list):
    """The district whose people the rows offer: the only one, or the one posted (or asked)."""
    if len(districts) == 1:
        return districts[0]
    return {str(district.pk): district for district in districts}.get(str(raw or ""))


def _results_message(outcome: services.ResultsEntered) -> str:
    text = ngettext(
        "Результаты внесены: %(count)d участник.", "Результаты внесены: %(count)d участников.", len(outcome.entries),
    ) % {"count": len(outcome.entries)}
    if outcome.updated:
        text += " " + ngettext(
            "Из них %(count)d запись уже была внесена раньше: она обновлена, а не внесена второй раз.",
            "Из них %(count)d записей уже были внесены раньше: они обновлены, а не внесены второй раз.",
            outcome.updated,
        ) % {"count": outcome.updated}
    if outcome.waiting:
        text += " " + ngettext(
            "%(count)d запись ждёт подтверждения (своё участие не подтверждают сами).",
            "%(count)d записей ждут подтверждения (своё участие не подтверждают сами).",
            outcome.waiting,
        ) % {"count": outcome.waiting}
    return text
