"""The documentation checklist's pages, under /reports/checklist/ (URL names `reports:checklist*`):
an association's checklist of a year (`checklist`) with the upload of a document for an item
(`checklist_upload`), a document's file (`checklist_file`) and its removal
(`checklist_file_remove`); the district's completeness table (`checklist_district`).

Thin: scope through `access` (an outsider, and the association's class teachers, get 404; a
reader who may not upload gets 403 on the upload and the removal), read through `selectors`,
validate a form, call `services`, say what happened, redirect. A refused file is the page again
with the reason next to the field and the title typed; nothing is stored.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from associations import access
from associations.files.responses import file_response
from associations.models import AcademicYear, Association, District
from reports.checklist import selectors, services
from reports.checklist.forms import ChecklistUploadForm
from reports.checklist.models import ChecklistDocument, ChecklistItem
from rmo_portal.editors import errors_fit, refusal


def _association_or_404(request, pk: int) -> Association:
    return access.object_for_user(
        request.user, "checklist", pk, queryset=Association.objects.select_related("school", "district")
    )


def _document_or_404(request, pk: int) -> ChecklistDocument:
    return access.object_for_user(
        request.user, "checklist_document", pk,
        queryset=ChecklistDocument.objects.select_related("file", "association", "academic_year"),
    )


def _page_url(association_pk: int, year: AcademicYear) -> str:
    return reverse("reports:checklist", args=[association_pk, year.start_year])


def _render_page(request, page: selectors.ChecklistPage, *, bound: ChecklistUploadForm | None = None, status=200):
    forms = {}
    if page.can_upload:
        for item in selectors.UPLOADABLE:
            forms[item.value] = bound if bound is not None and bound.item == item else ChecklistUploadForm(item=item)
    for state in page.checklist.items:
        state.form = forms.get(state.item.value)
    return render(request, "reports/checklist/checklist.html", {"page": page, "checklist": page.checklist},
                  status=status)


@login_required
def checklist(request, pk: int, year: int):
    """The association's documentation for the academic year starting in `year`: N of 8."""
    association = _association_or_404(request, pk)
    academic_year = get_object_or_404(AcademicYear, start_year=year)
    return _render_page(request, selectors.checklist_page(user=request.user, association=association,
                                                          year=academic_year))


@login_required
@require_POST
def checklist_upload(request, pk: int, year: int):
    """A document for one item (the posted `item`: the order, the regulation, the instructions),
    by the association's writers; its other readers get 403."""
    association = _association_or_404(request, pk)
    academic_year = get_object_or_404(AcademicYear, start_year=year)
    if not access.allows(request.user, "checklist", association, "upload"):
        raise PermissionDenied
    back = _page_url(association.pk, academic_year)
    item = request.POST.get("item", "")
    if item not in {i.value for i in selectors.UPLOADABLE}:
        messages.error(request, _("Выберите пункт, к которому относится документ."))
        return redirect(back)
    form = ChecklistUploadForm(request.POST, request.FILES, item=item)
    if form.is_valid():
        try:
            document = services.checklist_document_add(
                association=association, year=academic_year, item=item, upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"], for_all_years=form.for_all_years, user=request.user,
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
            messages.success(request, _("Документ «%(name)s» загружен: пункт «%(item)s».") % {
                "name": document.title or document.file.original_name, "item": ChecklistItem(item).label,
            })
            return redirect(f"{back}#item-{item}")
    messages.error(request, _("Документ не загружен: исправьте ошибки, отмеченные красным."))
    page = selectors.checklist_page(user=request.user, association=association, year=academic_year)
    return _render_page(request, page, bound=form)


@login_required
def checklist_file(request, pk: int):
    """A document's file, to whoever sees its association's checklist; 404 otherwise."""
    return file_response(_document_or_404(request, pk).file)


@login_required
@require_POST
def checklist_file_remove(request, pk: int):
    """Removes a document (the page asks to confirm first): the association's writers; the
    checklist's other readers get 403. Back to the year the page showed (the posted `year`)."""
    document = _document_or_404(request, pk)
    if not access.allows(request.user, "checklist_document", document, "remove"):
        raise PermissionDenied
    year = _posted_year(request) or document.academic_year or AcademicYear.objects.current()
    try:
        services.checklist_document_remove(document=document, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("Документ «%(name)s» удалён.") % {
            "name": document.title or document.file.original_name,
        })
    return redirect(f"{_page_url(document.association_id, year)}#item-{document.item}")


def _posted_year(request) -> AcademicYear | None:
    try:
        return AcademicYear.objects.filter(start_year=int(request.POST.get("year", ""))).first()
    except (TypeError, ValueError, OverflowError):
        return None


@login_required
def checklist_district(request, pk: int, year: int):
    """The district's completeness table: a row per association, N of 8, a mark per item."""
    district = access.object_for_user(request.user, "checklist_district", pk, queryset=District.objects.all())
    academic_year = get_object_or_404(AcademicYear, start_year=year)
    table = selectors.district_completeness(district=district, year=academic_year)
    return render(request, "reports/checklist/district.html", {"table": table, "totals": table.item_totals})
