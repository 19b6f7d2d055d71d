"""Views of the data bank's cards: the search page (`meetings.bank.search`), a card, a new card,
its editor (version-checked), its deletion (with a confirmation page), its publication to the
district, and its files (download, thumbnail, deletion).

Thin: scope through the selectors (an outsider gets 404, a reader who may not change the card
403), validate the form, call the service, say what happened, redirect. Files are served only
here, through the file module's responses, after the card's access rule."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from associations import access
from associations.files.responses import file_response, thumbnail_response
from associations.files.services import CARD_MAX_BYTES, FILE_MAX_BYTES, MB
from meetings.bank import search, selectors, services
from meetings.bank.forms import MaterialForm, file_formset
from meetings.bank.models import MAX_FILES, Material
from meetings.bank.selectors import MaterialChoices
from rmo_portal.editors import editor_save, posted_version, refusal, show_refusal
from rmo_portal.pickers import people_options

NOT_SAVED = gettext_lazy("Карточка не сохранена: исправьте ошибки, отмеченные красным.")
FILES_AGAIN = gettext_lazy("Выбранные файлы не сохранены: выберите их ещё раз.")
LIMITS = {"file_mb": FILE_MAX_BYTES // MB, "card_mb": CARD_MAX_BYTES // MB, "files": MAX_FILES}


def _reached(user) -> None:
    """Nobody who could see no card at all gets the bank's pages."""
    if not access.reaches(user, "material"):
        raise Http404


@login_required
def materials(request):
    """The bank's search page (helper module `meetings.bank.search`)."""
    _reached(request.user)
    result = search.material_search(user=request.user, params=request.GET)
    return render(request, "meetings/bank/material_list.html", {
        "search": result, "can_create": access.roles_for(request.user).person is not None,
    })


@login_required
def material_detail(request, pk: int):
    material = selectors.material_detail(user=request.user, pk=pk)
    user = request.user
    return render(request, "meetings/bank/material_detail.html", {
        "material": material,
        "files": list(material.files.all()),
        "can_write": access.allows(user, "material", material, "write"),
        "can_publish": access.allows(user, "material", material, "publish"),
        # A district card may name a school МО's meeting or plan item: only those who see them read
        # what they are (the card is wider than the meeting's association).
        "show_meeting": material.meeting is not None and access.allows(user, "meeting", material.meeting),
        "show_plan_item": material.plan_item is not None and access.allows(user, "plan", material.plan_item.plan),
    })


def _person_or_refuse(user):
    person = access.roles_for(user).person
    if person is None:
        _reached(user)
        raise PermissionDenied
    return person


def _is_owner(user, material: Material) -> bool:
    person = access.roles_for(user).person
    return person is not None and person.pk == material.owner_id


def _show_error(request, form, formset, error: Exception) -> None:
    """A service's refusal: a refused file next to its input, the rest next to its field or as the
    page's message."""
    if isinstance(error, services.MaterialFileRefused):
        formset.refuse(error)
        messages.error(request, str(NOT_SAVED))
    else:
        show_refusal(request, form, error, not_saved=NOT_SAVED, say=_refusal)


def _refusal(error: Exception) -> str:
    if isinstance(error, PermissionDenied) and error.args and isinstance(error.args[0], str):
        return error.args[0]
    return refusal(error)


def _files_again(request) -> None:
    """Nothing was stored: a browser does not post a chosen file twice, so say so."""
    if any(request.FILES.values()):
        messages.warning(request, str(FILES_AGAIN))


def _not_saved(request) -> None:
    messages.error(request, str(NOT_SAVED))
    _files_again(request)


def _new_material(user) -> Material:
    """A new card of the user's person (403 to a user with none, 404 to one who sees no card)."""
    person = _person_or_refuse(user)
    return Material(owner=person, school_id=person.school_id, district_id=person.district_id)


@login_required
@require_GET
def material_authors_search(request):
    """The card form's picker of authors searches (rmo_portal.pickers): those the card may name
    (`selectors.material_authors`) whose name holds what was typed (`q`), as JSON. `card`: the
    card being edited (as its editor: 404 if unseen, 403 if only read); without it a new card."""
    card = request.GET.get("card", "")
    if card:
        if not card.isdigit():
            raise Http404
        material = selectors.material_for_edit(user=request.user, pk=card)
    else:
        material = _new_material(request.user)
    people = selectors.material_authors(material).select_related("school")
    return JsonResponse({"results": people_options(people, request.GET.get("q", "")[:100])})


@login_required
def material_create(request):
    material = _new_material(request.user)
    choices = MaterialChoices.for_card(user=request.user, material=material)
    posted = request.method == "POST"
    form = MaterialForm(request.POST if posted else None, choices=choices, material=material, is_owner=True)
    formset = file_formset(request.POST if posted else None, request.FILES if posted else None, material=material)
    if posted:
        if form.is_valid() and formset.is_valid():
            try:
                created = services.material_create(
                    user=request.user, values=form.values(), grades=form.grades, authors=form.authors,
                    files=formset.uploads,
                )
            except (ValidationError, PermissionDenied) as error:
                _show_error(request, form, formset, error)
                _files_again(request)
            else:
                messages.success(request, _("Карточка «%(title)s» добавлена в банк.") % {"title": created.title})
                return redirect("meetings:material", created.pk)
        else:
            _not_saved(request)
    return render(request, "meetings/bank/material_form.html", {
        "form": form, "formset": formset, "material": None, "limits": LIMITS,
    })


@login_required
def material_edit(request, pk: int):
    """The card's editor. When someone saved it in between, the page comes back with what the user
    typed, the conflict's message and the new version, so that a second «Сохранить» overwrites on
    purpose."""
    material = selectors.material_for_edit(user=request.user, pk=pk)
    choices = MaterialChoices.for_card(user=request.user, material=material)
    is_owner = _is_owner(request.user, material)
    conflict = None
    version = material.version
    if request.method == "POST":
        form = MaterialForm(request.POST, choices=choices, material=material, is_owner=is_owner)
        formset = file_formset(request.POST, request.FILES, material=material)
        version = posted_version(request.POST, material.version)
        if form.is_valid() and formset.is_valid():
            outcome = editor_save(
                lambda: services.material_save(
                    material=material, user=request.user, version=version, values=form.values(),
                    grades=form.grades, authors=form.authors, files=formset.uploads,
                ),
                version=version,
            )
            conflict, version = outcome.conflict, outcome.version
            if conflict is not None:
                messages.error(request, str(conflict))
                _files_again(request)
            elif outcome.error is not None:
                _show_error(request, form, formset, outcome.error)
                _files_again(request)
            else:
                messages.success(request, _("Карточка сохранена."))
                return redirect("meetings:material", material.pk)
        else:
            _not_saved(request)
    else:
        form = MaterialForm(choices=choices, material=material, is_owner=is_owner)
        formset = file_formset(material=material)
    return render(request, "meetings/bank/material_form.html", {
        "form": form, "formset": formset, "material": material, "files": list(material.files.all()),
        "conflict": conflict, "version": version, "limits": LIMITS,
    })


@login_required
def material_delete(request, pk: int):
    """GET: the confirmation page; POST: the deletion."""
    material = selectors.material_for_edit(user=request.user, pk=pk)
    if request.method == "POST":
        services.material_delete(material=material, user=request.user)
        messages.success(request, _("Карточка «%(title)s» удалена из банка.") % {"title": material.title})
        return redirect("meetings:materials")
    return render(request, "meetings/bank/material_delete.html", {
        "material": material, "files": list(material.files.all()),
    })


@login_required
@require_POST
def material_publish(request, pk: int):
    material = selectors.material_detail(user=request.user, pk=pk)
    if material.visibility == Material.Visibility.DISTRICT:
        messages.info(request, _("Карточка уже видна всему району."))
        return redirect("meetings:material", material.pk)
    if not access.allows(request.user, "material", material, "publish"):
        raise PermissionDenied
    try:
        services.material_publish(material=material, user=request.user)
    except ValidationError as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("Карточка опубликована: теперь её видит весь район."))
    return redirect("meetings:material", material.pk)


@login_required
def material_file(request, pk: int):
    """A card's file as an attachment, to whoever sees the card."""
    row = selectors.material_file_for_user(user=request.user, pk=pk)
    return file_response(row.file)


@login_required
def material_thumbnail(request, pk: int):
    """A photo's bounded thumbnail (404 for a file that is not an image)."""
    row = selectors.material_file_for_user(user=request.user, pk=pk)
    return thumbnail_response(row.file, request)


@login_required
@require_POST
def material_file_delete(request, pk: int):
    row = selectors.material_file_for_user(user=request.user, pk=pk)
    if not access.allows(request.user, "material_file", row, "write"):
        raise PermissionDenied
    services.material_file_delete(material_file=row, user=request.user)
    messages.success(request, _("Файл «%(name)s» удалён.") % {"name": row.file.original_name})
    return redirect("meetings:material", row.material_id)
