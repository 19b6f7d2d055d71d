"""Views of the annual plan: the plan's page, its editor, and the actions of its review and
execution control.

Thin, as the rest of the app: scope through `access` (an outsider gets 404), read through
`plan_selectors`, validate a form, call `plan_services`, say what happened, redirect. A refusal
of a service (a transition that does not exist, an action of the wrong side) is a message on
the plan's page, never a 500; a form's own errors are shown next to its fields.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from associations import access, links, selectors
from associations.files.responses import file_response
from associations.models import AcademicYear, AnnualPlan, PlanItem, PlanItemFile, PlanSection
from associations.plans import docx_import
from associations.plans import selectors as plan_selectors
from associations.plans import services as plan_services
from associations.plans.forms import (
    PlanChoices,
    PlanCreateForm,
    PlanHeaderForm,
    PlanImportConfirmForm,
    PlanImportForm,
    PlanItemCommentsForm,
    PlanItemFileForm,
    PlanItemMarkForm,
    PlanItemsMarkForm,
    PlanReviewForm,
    plan_import_token,
    plan_item_formset,
)
from associations.plans.models import PLAN_MAX_ITEMS
from rmo_portal.editors import Row, editor_save, errors_fit, formset_rows, posted_version, refusal


def _host(request) -> str:
    """The site's address for links in e-mails: https://rmo.example.org."""
    return request.build_absolute_uri("/")[:-1]


def _refusal(error: Exception) -> str:
    """The refusal's own words where a service gave them (a PermissionDenied that says why),
    else the usual sentence."""
    if isinstance(error, PermissionDenied) and error.args and isinstance(error.args[0], str):
        return error.args[0]
    return refusal(error)


def _plan_or_404(request, pk) -> AnnualPlan:
    return access.plan_for_user(
        request.user, pk,
        queryset=AnnualPlan.objects.select_related(
            "association", "association__school", "association__district", "academic_year", "updated_by"
        ),
    )


# --- the plan's page ------------------------------------------------------------------------


def _render_detail(
    request, detail, *, review_form=None, mark_form=None, file_form=None, comments_form=None, bulk_form=None
):
    if detail.can_mark:
        for item in detail.items:
            item.mark_form = mark_form if mark_form is not None and mark_form.item.pk == item.pk else None
            item.mark_form = item.mark_form or PlanItemMarkForm(item=item)
            item.file_form = file_form if file_form is not None and file_form.item.pk == item.pk else None
            item.file_form = item.file_form or PlanItemFileForm(item=item)
        bulk_form = bulk_form or PlanItemsMarkForm(plan=detail.plan)
        ticked = bulk_form.ticked()
        for item in detail.items:
            item.ticked = str(item.pk) in ticked
    if detail.can_review:
        comments_form = comments_form or PlanItemCommentsForm(items=detail.items)
        for item in detail.items:
            item.comment_field = comments_form[f"item-{item.pk}-comment"]
    else:
        for item in detail.items:  # set, so that the template does not look for it on each item
            item.comment_field = None
    context = {
        "detail": detail,
        "plan": detail.plan,
        # The decision's fields are in the box at the top only; the box at the end of the plan
        # has its buttons, which post the same fields (one form).
        "review_form": review_form or PlanReviewForm(plan=detail.plan),
        "bulk_form": bulk_form,
        "last_return": detail.last_return,
        "is_approved": detail.plan.status == AnnualPlan.Status.APPROVED,
        "plan_links": links.plan_links(detail.plan, user=request.user),  # the apps above: reports
    }
    return render(request, "associations/plans/plan_detail.html", context)


@login_required
def plan_detail(request, pk: int):
    return _render_detail(request, plan_selectors.plan_detail(user=request.user, pk=pk))


# --- creating and editing -------------------------------------------------------------------


@login_required
@require_POST
def plan_create(request, pk: int):
    """A new plan of the association: blank (mode=blank) or a copy of the latest earlier plan
    (mode=copy), for the current academic year or the posted `year`."""
    association = access.association_for_user(request.user, pk)
    form = PlanCreateForm(request.POST)
    back = reverse("associations:detail", args=[association.pk])
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    year = form.cleaned_data["year"] or AcademicYear.objects.current()
    create = (
        plan_services.plan_copy_from_previous if form.cleaned_data["mode"] == "copy" else plan_services.plan_create
    )
    try:
        plan = create(association=association, academic_year=year, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal(error))
        return redirect(f"{back}?year={year.pk}")
    if form.cleaned_data["mode"] == "copy":
        count = plan.items.count()
        messages.success(
            request,
            ngettext(
                "Создан план на %(year)s учебный год: скопирован %(count)d пункт плана прошлого года. "
                "Проверьте сроки и ответственных.",
                "Создан план на %(year)s учебный год: скопировано %(count)d пунктов плана прошлого года. "
                "Проверьте сроки и ответственных.",
                count,
            )
            % {"year": year, "count": count},
        )
    else:
        messages.success(request, _("Создан план на %(year)s учебный год.") % {"year": year})
    return redirect("associations:plan_edit", plan.pk)


@login_required
def plan_edit(request, pk: int):
    """The whole plan on one page: its header and every item (30–60 rows). Saved in one go by
    `plan_services.plan_save`; when someone saved in between, the page comes back with what
    the user typed, who changed what, and the new version, so that a second save overwrites."""
    plan = _plan_or_404(request, pk)
    if not access.can_write_association(request.user, plan.association):
        raise PermissionDenied
    if not plan.is_editable:
        messages.error(request, _("План «%(status)s» нельзя изменять.") % {"status": plan.get_status_display()})
        return redirect("associations:plan", plan.pk)

    whole_district = plan.association.is_district and selectors.wants_whole_district(request.GET)
    choices = PlanChoices.for_plan(plan, whole_district=whole_district)
    conflict = None
    version = plan.version
    if request.method == "POST":
        header_form = PlanHeaderForm(request.POST, instance=plan)
        formset = plan_item_formset(plan, request.POST, choices=choices)
        if header_form.is_valid() and formset.is_valid():
            version = header_form.cleaned_data["version"]
            header = {name: header_form.cleaned_data[name] for name in plan_services.PLAN_HEADER_FIELDS}
            outcome = editor_save(
                lambda: plan_services.plan_save(
                    plan=plan, version=version, header=header, items=formset_rows(formset), user=request.user,
                ),
                version=version,
            )
            conflict, version = outcome.conflict, outcome.version
            if outcome.error is not None:
                messages.error(request, outcome.message)
            elif outcome.saved:
                messages.success(request, _("План сохранён."))
                if request.POST.get("after") == "close":
                    return redirect("associations:plan", plan.pk)
                return redirect(request.get_full_path())  # the editor again, with the same pickers
        else:
            posted = posted_version(request.POST, plan.version)
            conflict = plan_services.plan_conflict(plan=plan, version=posted)
            version = plan.version if conflict else posted
            bad_rows = sum(1 for errors in formset.errors if errors) + bool(formset.non_form_errors())
            messages.error(
                request,
                ngettext(
                    "План не сохранён: исправьте %(count)d строку, отмеченную красным.",
                    "План не сохранён: исправьте %(count)d строк, отмеченных красным.",
                    bad_rows,
                )
                % {"count": bad_rows}
                if bad_rows
                else _("План не сохранён: исправьте ошибки, отмеченные красным."),
            )
    else:
        header_form = PlanHeaderForm(instance=plan)
        formset = plan_item_formset(plan, choices=choices)

    last_return = None
    if plan.status == AnnualPlan.Status.RETURNED:
        # What the reviewer asked for stays in sight while the head fixes the plan, the comments
        # on single items next to their rows (one query for all).
        last_return = plan.transitions.filter(to_status=AnnualPlan.Status.RETURNED).order_by("-at", "-pk").first()
        comments = plan_selectors.item_comments_of(last_return)
        for form in formset.forms:
            form.review_comments = comments.get(form.instance.pk, []) if form.instance.pk else []
    return render(
        request,
        "associations/plans/plan_edit.html",
        {
            "plan": plan, "header_form": header_form, "formset": formset, "conflict": conflict, "version": version,
            "last_return": last_return, "whole_district": whole_district,
        },
    )


# --- review -----------------------------------------------------------------------------------


@login_required
@require_POST
def plan_submit(request, pk: int):
    plan = _plan_or_404(request, pk)
    try:
        plan_services.plan_submit(plan=plan, user=request.user, host=_host(request))
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, _refusal(error))
    else:
        messages.success(request, _("План отправлен на рассмотрение."))
    return redirect("associations:plan", plan.pk)


def _review(request, pk: int, *, decide, done: str):
    plan = _plan_or_404(request, pk)
    form = PlanReviewForm(request.POST, plan=plan)
    comments_form = PlanItemCommentsForm(request.POST, items=plan.items.only("pk", "position"))
    stale = None
    if form.is_valid() and comments_form.is_valid():
        try:
            decide(
                plan=plan, user=request.user, form=form, comments=comments_form.comments(), host=_host(request),
                version=form.cleaned_data["version"],
            )
        except plan_services.PlanReviewStale as error:
            # The page comes back with the plan as it is now (and its version, so that a second
            # decision is on what it shows) and what the reviewer typed.
            stale = str(error)
            messages.error(request, stale)
        except ValidationError as error:
            if errors_fit(error, comments_form):
                comments_form.add_error(None, error)
                messages.error(request, _("Замечания к пунктам не приняты: исправьте отмеченные красным."))
            elif not errors_fit(error, form):
                messages.error(request, refusal(error))
                return redirect("associations:plan", plan.pk)
            else:
                form.add_error(None, error)
        except PermissionDenied as error:
            messages.error(request, _refusal(error))
            return redirect("associations:plan", plan.pk)
        else:
            messages.success(request, done)
            return redirect("associations:plan", plan.pk)
    detail = plan_selectors.plan_detail(user=request.user, pk=plan.pk)
    if not detail.can_review:
        if stale is None:  # a stale decision said so already: the plan is no longer under review
            messages.error(request, refusal(PermissionDenied()))
        return redirect("associations:plan", plan.pk)
    return _render_detail(request, detail, review_form=form, comments_form=comments_form)


def _return(*, plan, user, form, comments, host, version):
    plan_services.plan_return(
        plan=plan, user=user, comment=form.cleaned_data["comment"], item_comments=comments, host=host,
        version=version,
    )


def _approve(*, plan, user, form, comments, host, version):
    if comments:  # they go with a return only: refused, the typed comments stay on the page
        raise ValidationError({
            "comment": _("Замечания к пунктам передаются вместе с возвратом плана на доработку: верните план "
                         "или сотрите замечания, чтобы утвердить его.")
        })
    plan_services.plan_approve(
        plan=plan, user=user, comment=form.cleaned_data["comment"], approval=plan_services.Approval(**form.approval()),
        host=host, version=version,
    )


@login_required
@require_POST
def plan_return(request, pk: int):
    return _review(request, pk, decide=_return, done=_("План возвращён на доработку."))


@login_required
@require_POST
def plan_approve(request, pk: int):
    return _review(request, pk, decide=_approve, done=_("План утверждён."))


# --- execution control ----------------------------------------------------------------------


@login_required
@require_POST
def plan_item_mark(request, pk: int):
    item = access.get_visible_or_404(
        PlanItem.objects.filter(plan__in=access.plans_visible_to(request.user)).select_related("plan"), pk
    )
    back = reverse("associations:plan", args=[item.plan_id]) + f"#item-{item.pk}"
    form = PlanItemMarkForm(request.POST, item=item)
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan_services.plan_item_mark(
                item=item, user=request.user, execution=data["execution"], executed_on=data["executed_on"],
                note=data["execution_note"], moved_timing=data["moved_timing"],
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
                request, _("Отметка о выполнении пункта %(position)s сохранена.") % {"position": item.position}
            )
            return redirect(back)
    detail = plan_selectors.plan_detail(user=request.user, pk=item.plan_id)
    if not detail.can_mark:
        messages.error(request, refusal(PermissionDenied()))
        return redirect(back)
    return _render_detail(request, detail, mark_form=form)


@login_required
@require_POST
def plan_items_mark(request, pk: int):
    """One execution mark for the items ticked on the plan's page, all or nothing
    (`plan_services.plan_items_mark`): the mark's errors next to its fields, a refused item named
    in the message; the page comes back with the ticks and what was typed."""
    plan = _plan_or_404(request, pk)
    back = reverse("associations:plan", args=[plan.pk])
    form = PlanItemsMarkForm(request.POST, plan=plan)
    if form.is_valid():
        data = form.cleaned_data
        try:
            marked = plan_services.plan_items_mark(
                plan=plan, items=list(data["items"]), user=request.user, execution=data["execution"],
                executed_on=data["executed_on"], note=data["execution_note"], moved_timing=data["moved_timing"],
            )
        except ValidationError as error:
            if not errors_fit(error, form):  # refused items are named in the message
                messages.error(request, refusal(error))
                return redirect(back)
            form.add_error(None, error)
        except PermissionDenied as error:
            messages.error(request, refusal(error))
            return redirect(back)
        else:
            messages.success(
                request,
                ngettext(
                    "Отметка «%(mark)s» поставлена %(count)d пункту плана.",
                    "Отметка «%(mark)s» поставлена %(count)d пунктам плана.",
                    len(marked),
                ) % {"mark": PlanItem.Execution(data["execution"]).label, "count": len(marked)},
            )
            return redirect(back)
    detail = plan_selectors.plan_detail(user=request.user, pk=plan.pk)
    if not detail.can_mark:
        messages.error(request, refusal(PermissionDenied()))
        return redirect(back)
    return _render_detail(request, detail, bulk_form=form)


# --- an item's result files ----------------------------------------------------------------------


def _visible_item(request, pk) -> PlanItem:
    return access.get_visible_or_404(
        PlanItem.objects.filter(plan__in=access.plans_visible_to(request.user)).select_related("plan"), pk
    )


@login_required
@require_POST
def plan_item_file_add(request, pk: int):
    """A result file of an item of the approved plan, by those who mark its execution. A refused
    file stores nothing: the plan's page comes back with the reason next to the field and the
    note typed; a refusal of the service (not approved, too many files, not the user's to do) is a
    message."""
    item = _visible_item(request, pk)
    back = reverse("associations:plan", args=[item.plan_id]) + f"#item-{item.pk}"
    form = PlanItemFileForm(request.POST, request.FILES, item=item)
    if form.is_valid():
        try:
            added = plan_services.plan_item_file_add(
                item=item, upload=form.cleaned_data["file"], note=form.cleaned_data["note"], user=request.user
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
                request, _("Файл приложен к пункту %(position)s: «%(name)s».") % {
                    "position": item.position, "name": added.file.original_name,
                }
            )
            return redirect(back)
    detail = plan_selectors.plan_detail(user=request.user, pk=item.plan_id)
    if not detail.can_mark:
        messages.error(request, refusal(PermissionDenied()))
        return redirect(back)
    messages.error(request, _("Файл не приложен: исправьте ошибки, отмеченные красным."))
    return _render_detail(request, detail, file_form=form)


def _visible_item_file(request, pk) -> PlanItemFile:
    return access.get_visible_or_404(
        access.visible(
            request.user, "plan_item_file",
            PlanItemFile.objects.select_related("file", "plan_item__plan__association"),
        ),
        pk,
    )


@login_required
def plan_item_file(request, pk: int):
    """The file, to those who see its plan (access: «plan_item_file», «see»); 404 otherwise."""
    return file_response(_visible_item_file(request, pk).file)


@login_required
@require_POST
def plan_item_file_delete(request, pk: int):
    """Removes a result file (the form on the plan's page asks to confirm first): the plan's
    writers and whoever attached it; the plan's other readers get a message."""
    item_file = _visible_item_file(request, pk)
    item = item_file.plan_item
    back = reverse("associations:plan", args=[item.plan_id]) + f"#item-{item.pk}"
    try:
        plan_services.plan_item_file_delete(item_file=item_file, user=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("Файл «%(name)s» удалён.") % {"name": item_file.file.original_name})
    return redirect(back)


# --- a plan brought in from the school's Word file ---------------------------------------------------


def _import_page(request, association, *, form=None, preview=None, confirm=None, kept=None, year=None):
    context = {
        "association": association, "form": form, "preview": preview, "confirm": confirm, "year": year,
        "kept": set(kept or ()), "max_items": PLAN_MAX_ITEMS,
    }
    return render(request, "associations/plans/plan_import.html", context)


@login_required
def plan_import(request, pk: int):
    """The upload of the school's plan (DOCX) for a year without a plan, and its preview: every
    row of the file with what was recognised and its status, to keep or drop (nothing written)."""
    association = access.association_for_user(request.user, pk, write=True)
    if request.method != "POST":
        form = PlanImportForm(initial={"year": request.GET.get("year")}, association=association)
        return _import_page(request, association, form=form)
    form = PlanImportForm(request.POST, request.FILES, association=association)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        upload.seek(0)
        try:
            plan_file = docx_import.plan_read(upload.read(), filename=upload.name)
        except ValidationError as error:
            form.add_error("file", error)
        else:
            year, section = form.cleaned_data["year"], form.cleaned_data["default_section"]
            preview = docx_import.plan_preview(plan_file, association=association, year=year, default_section=section)
            token = plan_import_token(plan_file, association=association, year=year, section=section)
            confirm = PlanImportConfirmForm(initial={"payload": token}, association=association)
            kept = [row.index for row in preview.items]
            return _import_page(request, association, preview=preview, confirm=confirm, kept=kept, year=year)
    return _import_page(request, association, form=form)


@login_required
@require_POST
def plan_import_confirm(request, pk: int):
    """The draft plan from the rows kept in the preview, all or nothing; a refusal (the year has
    a plan meanwhile, too many rows) comes back as the preview with the message and the marks."""
    association = access.association_for_user(request.user, pk, write=True)
    form = PlanImportConfirmForm(request.POST, association=association)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("associations:plan_import", association.pk)
    payload = form.cleaned_data["payload"]
    year = AcademicYear.objects.filter(pk=payload["year"]).first()
    section = PlanSection.objects.filter(pk=payload["section"]).first()
    if year is None or section is None:
        messages.error(request, _("Предпросмотр устарел: загрузите файл ещё раз."))
        return redirect("associations:plan_import", association.pk)
    preview = docx_import.plan_preview(payload["file"], association=association, year=year, default_section=section)
    kept = set(form.cleaned_data["keep"])
    rows = [
        Row(pk=None, values=row.values(position), many={"responsible": row.responsible})
        for position, row in enumerate((r for r in preview.items if r.index in kept), start=1)
    ]
    header = preview.header if form.cleaned_data["header"] else {}
    try:
        plan = plan_services.plan_import_create(
            association=association, academic_year=year, header=header, items=rows, user=request.user
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, refusal(error))
        return _import_page(request, association, preview=preview, confirm=form, kept=kept, year=year)
    unresolved = sum(1 for row in preview.items if row.index in kept and row.messages)
    message = ngettext(
        "Создан черновик плана на %(year)s учебный год из файла «%(name)s»: %(count)d пункт.",
        "Создан черновик плана на %(year)s учебный год из файла «%(name)s»: %(count)d пунктов.",
        len(rows),
    ) % {"year": year, "name": preview.filename, "count": len(rows)}
    if unresolved:
        message += " " + ngettext(
            "В %(count)d пункте есть что проверить (см. примечание у пункта): ответственных укажите в редакторе.",
            "В %(count)d пунктах есть что проверить (см. примечания у пунктов): ответственных укажите в редакторе.",
            unresolved,
        ) % {"count": unresolved}
    messages.success(request, message)
    return redirect("associations:plan", plan.pk)
