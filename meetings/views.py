"""Views of meetings, their attendance and their protocols.

Thin, as the plan's views (associations/plans/views.py): scope through `selectors` (an outsider
gets 404, a reader who may not record gets 403 on every editor and action), validate the forms,
call `services`, say what happened, redirect. A refusal of a service is a message, never a 500;
a form's errors are shown next to their fields. Once a protocol is signed, nothing here changes
it or the meeting it records: the editors answer with a message and a redirect.
"""

from __future__ import annotations

import posixpath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from associations import access
from associations import selectors as association_selectors
from associations.files.responses import file_response
from associations.models import Association
from meetings import selectors, services
from meetings.forms import (
    DECISION_TEMPLATE_PREFIX,
    CancelForm,
    DecisionDoneForm,
    DecisionFileForm,
    MeetingChoices,
    MeetingForm,
    ProtocolEditor,
    ProtocolScanForm,
    SignForm,
    agenda_formset,
    attendance_formset,
    guest_formset,
)
from meetings.models import Decision, DecisionFile, Meeting, Protocol, SignedProtocolError
from rmo_portal.editors import editor_save, formset_rows, posted_version, refusal

DEFAULT_DURATION = Meeting._meta.get_field("duration_minutes").default
DECISIONS_PER_PAGE = 50
FROZEN_MEETING = _("Протокол заседания подписан: заседание, его повестку и явку изменить нельзя.")


# --- the association's meetings -------------------------------------------------------------


@login_required
def association_meetings(request, pk: int):
    year = association_selectors.academic_year_from_params(request.GET)
    page = selectors.association_meetings(user=request.user, pk=pk, year=year)
    return render(
        request, "meetings/association_meetings.html",
        {"page": page, "year": year, "kinds": Meeting.Kind.choices, "default_duration": DEFAULT_DURATION},
    )


# --- a meeting: create, edit, cancel, hold -------------------------------------------------------


def _render_meeting_form(request, *, association, meeting, form, agenda, guests, conflict=None, version=None):
    return render(
        request,
        "meetings/meeting_form.html",
        {
            "association": association, "meeting": meeting, "form": form, "agenda": agenda, "guests": guests,
            "conflict": conflict, "version": version,
        },
    )


@login_required
def meeting_create(request, pk: int):
    association = access.association_for_user(
        request.user, pk, queryset=Association.objects.select_related("school", "district")
    )
    if not access.can_record_meeting(request.user, association):
        raise PermissionDenied
    meeting = Meeting(association=association)
    choices = MeetingChoices.for_meeting(association)
    data = request.POST if request.method == "POST" else None
    # The short form of the meetings list posts the meeting alone; its agenda comes next.
    quick = data is not None and "agenda-TOTAL_FORMS" not in data
    form = MeetingForm(data, instance=meeting, choices=choices)
    agenda = agenda_formset(meeting, None if quick else data, choices=choices)
    guests = guest_formset(meeting, None if quick else data)
    if data is not None:
        formsets = [] if quick else [agenda, guests]
        if form.is_valid() & all([fs.is_valid() for fs in formsets]):
            try:
                created = services.meeting_create(
                    association=association, user=request.user, **form.values(),
                    agenda=[] if quick else formset_rows(agenda), guests=[] if quick else formset_rows(guests),
                )
            except ValidationError as error:
                messages.error(request, refusal(error))
            else:
                if quick:
                    messages.success(
                        request, _("Заседание запланировано. Составьте его повестку и список приглашённых.")
                    )
                    return redirect("meetings:meeting_edit", created.pk)
                messages.success(request, _("Заседание запланировано."))
                return redirect("meetings:meeting", created.pk)
        else:
            messages.error(request, _("Заседание не сохранено: исправьте ошибки, отмеченные красным."))
    return _render_meeting_form(
        request, association=association, meeting=None, form=form, agenda=agenda, guests=guests
    )


@login_required
def meeting_edit(request, pk: int):
    """The meeting with its agenda and guests, saved in one go by `services.meeting_save`. When
    someone saved in between, the page comes back with what the user typed and the new version,
    so that a second «Сохранить» overwrites on purpose."""
    meeting = selectors.meeting_for_edit(user=request.user, pk=pk)
    if selectors.protocol_of(meeting) is not None and meeting.protocol.is_signed:
        messages.error(request, FROZEN_MEETING)
        return redirect("meetings:meeting", meeting.pk)
    choices = MeetingChoices.for_meeting(meeting.association, meeting)
    data = request.POST if request.method == "POST" else None
    form = MeetingForm(data, instance=meeting, choices=choices)
    agenda = agenda_formset(meeting, data, choices=choices)
    guests = guest_formset(meeting, data)
    conflict = None
    version = meeting.version
    if data is not None:
        version = posted_version(request.POST, meeting.version)
        if form.is_valid() & agenda.is_valid() & guests.is_valid():
            outcome = editor_save(
                lambda: services.meeting_save(
                    meeting=meeting, version=version, user=request.user, values=form.values(),
                    agenda=formset_rows(agenda), guests=formset_rows(guests),
                ),
                version=version,
            )
            conflict, version = outcome.conflict, outcome.version
            if isinstance(outcome.error, SignedProtocolError):
                messages.error(request, FROZEN_MEETING)
                return redirect("meetings:meeting", meeting.pk)
            if conflict is not None:
                messages.error(request, str(conflict))
            elif outcome.error is not None:
                messages.error(request, outcome.message)
            else:
                messages.success(request, _("Заседание сохранено."))
                return redirect("meetings:meeting", meeting.pk)
        else:
            messages.error(request, _("Заседание не сохранено: исправьте ошибки, отмеченные красным."))
    return _render_meeting_form(
        request, association=meeting.association, meeting=meeting, form=form, agenda=agenda, guests=guests,
        conflict=conflict, version=version,
    )


def _render_meeting(request, detail, *, cancel_form=None, status=200):
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "detail": detail, "meeting": detail.meeting, "cancel_form": cancel_form or CancelForm(),
            "confirm_number": _confirm_number(request),
        },
        status=status,
    )


@login_required
def meeting_detail(request, pk: int):
    return _render_meeting(request, selectors.meeting_detail(user=request.user, pk=pk))


def _confirm_number(request) -> int | None:
    """The protocol number the page asks to confirm (?confirm_number=N after a refusal)."""
    value = request.GET.get("confirm_number", "")
    return int(value) if value.isdecimal() and value.isascii() and 0 < int(value) < 10_000 else None


@login_required
@require_POST
def meeting_cancel(request, pk: int):
    meeting = selectors.meeting_for_edit(user=request.user, pk=pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_cancel(meeting=meeting, user=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if hasattr(error, "error_dict") and "cancel_reason" in error.error_dict:
                form.add_error("reason", error.error_dict["cancel_reason"])
            else:
                messages.error(request, refusal(error))
                return redirect("meetings:meeting", meeting.pk)
        else:
            messages.success(request, _("Заседание отменено."))
            return redirect("meetings:meeting", meeting.pk)
    reasons = " ".join(form.errors.get("reason", [])) or _("укажите причину.")
    messages.error(request, _("Заседание не отменено: %(reason)s") % {"reason": reasons[0].lower() + reasons[1:]})
    return _render_meeting(request, selectors.meeting_detail(user=request.user, pk=meeting.pk), cancel_form=form)


@login_required
@require_POST
def meeting_hold(request, pk: int):
    meeting = selectors.meeting_for_edit(user=request.user, pk=pk)
    try:
        services.meeting_hold(meeting=meeting, user=request.user)
    except SignedProtocolError:
        messages.error(request, FROZEN_MEETING)
    except ValidationError as error:
        messages.error(request, refusal(error))
    else:
        messages.success(request, _("Заседание отмечено как проведённое."))
    return redirect("meetings:meeting", meeting.pk)


# --- attendance -------------------------------------------------------------------------------


@login_required
def attendance(request, pk: int):
    """Every member of the association in the meeting's year, present or absent with a reason.
    Readers see the marks; those who record the meeting change them, until the protocol is signed."""
    meeting = selectors.meeting_read(user=request.user, pk=pk)
    sheet = selectors.attendance_sheet(meeting=meeting, user=request.user)
    formset = None
    version = meeting.attendance_version
    if request.method == "POST":
        if not sheet.can_record:
            raise PermissionDenied
        if sheet.is_frozen:
            messages.error(request, FROZEN_MEETING)
            return redirect("meetings:attendance", meeting.pk)
        if request.POST.get("all_present"):
            return _attendance_all_present(request, meeting)
        formset = attendance_formset(sheet, request.POST)
        version = posted_version(request.POST, meeting.attendance_version)
        if formset.is_valid():
            rows = formset.rows()
            try:
                services.attendance_save(meeting=meeting, user=request.user, rows=rows, version=version)
            except SignedProtocolError:
                messages.error(request, FROZEN_MEETING)
                return redirect("meetings:attendance", meeting.pk)
            except services.AttendanceConflict as conflict:
                # The marks typed stay in the form; the next save, from the new version, overwrites.
                messages.error(request, str(conflict))
                version = conflict.version
            except ValidationError as error:
                messages.error(request, refusal(error))
            else:
                present = sum(1 for r in rows if r["present"])
                messages.success(
                    request,
                    _("Явка сохранена: присутствовали — %(present)d, отсутствовали — %(absent)d.")
                    % {"present": present, "absent": len(rows) - present},
                )
                return redirect("meetings:meeting", meeting.pk)
        else:
            bad = sum(1 for e in formset.errors if e)
            messages.error(
                request,
                ngettext(
                    "Явка не сохранена: исправьте %(count)d строку, отмеченную красным.",
                    "Явка не сохранена: исправьте %(count)d строк, отмеченных красным.",
                    bad,
                )
                % {"count": bad}
                if bad
                else _("Явка не сохранена: %(errors)s") % {"errors": " ".join(formset.non_form_errors())},
            )
    elif sheet.can_record and not sheet.is_frozen:
        formset = attendance_formset(sheet)
    if formset is not None:
        for form, row in zip(formset.forms, sheet.rows, strict=False):
            form.sheet_row = row
    return render(
        request, "meetings/meeting_attendance.html",
        {"sheet": sheet, "meeting": meeting, "formset": formset, "version": version},
    )


def _attendance_all_present(request, meeting: Meeting):
    """«Все присутствовали» (a form of its own on the sheet, no script needed): every member
    marked present at once; a stale sheet or a signed protocol is a message, as a save's."""
    version = posted_version(request.POST, meeting.attendance_version)
    try:
        marks = services.attendance_mark_all_present(meeting=meeting, user=request.user, version=version)
    except SignedProtocolError:
        messages.error(request, FROZEN_MEETING)
    except services.AttendanceConflict as conflict:
        messages.error(request, str(conflict))
    except ValidationError as error:
        messages.error(request, refusal(error))
    else:
        present = sum(1 for m in marks if m.present)
        messages.success(
            request,
            _("Явка сохранена: все члены объединения присутствовали — %(present)d.") % {"present": present},
        )
    return redirect("meetings:attendance", meeting.pk)


# --- the protocol -----------------------------------------------------------------------------


@login_required
@require_POST
def protocol_create(request, pk: int):
    meeting = selectors.meeting_for_edit(user=request.user, pk=pk)
    confirmed = request.POST.get("number_confirmed", "")
    number = int(confirmed) if confirmed.isdecimal() and confirmed.isascii() else None
    try:
        protocol = services.protocol_create(meeting=meeting, user=request.user, number_confirmed=number)
    except services.ProtocolNumberToConfirm as question:
        messages.warning(request, " ".join(question.messages) + " " + _("Подтвердите создание протокола."))
        return redirect(f"{reverse('meetings:meeting', args=[meeting.pk])}?confirm_number={question.number}")
    except ValidationError as error:
        messages.error(request, refusal(error))
        existing = selectors.protocol_of(meeting)
        if existing is not None:
            return redirect("meetings:protocol", existing.pk)
        return redirect("meetings:meeting", meeting.pk)
    messages.success(request, _("Создан протокол № %(number)s.") % {"number": protocol.number})
    return redirect("meetings:protocol_edit", protocol.pk)


def _render_protocol(request, detail, *, sign_form=None, scan_form=None):
    return render(
        request,
        "meetings/protocol_detail.html",
        {
            "detail": detail, "protocol": detail.protocol, "meeting": detail.meeting,
            "sign_form": sign_form or SignForm(),
            # Signing said some question has fewer votes than were present: ask to confirm.
            "confirm_votes": request.GET.get("confirm_votes") == "1",
            "scan_form": scan_form or (ProtocolScanForm() if detail.can_attach_scan else None),
            "shows_checksum": detail.protocol.is_signed
            and access.can_check_protocol_checksum(request.user, detail.protocol),
        },
    )


@login_required
def protocol_detail(request, pk: int):
    return _render_protocol(request, selectors.protocol_detail(user=request.user, pk=pk))


SIGNED = _("Протокол подписан: изменить его нельзя.")


@login_required
def protocol_edit(request, pk: int):
    """The protocol's header, its questions (СЛУШАЛИ / ВЫСТУПИЛИ / РЕШИЛИ, votes) and the
    decisions of each question, saved together by `services.protocol_save`."""
    protocol = selectors.protocol_for_edit(user=request.user, pk=pk)
    if protocol.is_signed:
        messages.error(request, SIGNED)
        return redirect("meetings:protocol", protocol.pk)
    present = selectors.present_count(protocol.meeting)
    data = request.POST if request.method == "POST" else None
    whole_district = protocol.association.is_district and association_selectors.wants_whole_district(request.GET)
    editor = ProtocolEditor(protocol, data, present=present, whole_district=whole_district)
    conflict = None
    version = protocol.version
    if data is not None:
        version = posted_version(request.POST, protocol.version)
        if editor.is_valid():
            outcome = editor_save(
                lambda: services.protocol_save(
                    protocol=protocol, version=version, user=request.user,
                    values=editor.header_values(), items=editor.item_rows(),
                ),
                version=version,
            )
            conflict, version = outcome.conflict, outcome.version
            if isinstance(outcome.error, SignedProtocolError):
                messages.error(request, SIGNED)
                return redirect("meetings:protocol", protocol.pk)
            if conflict is not None:
                messages.error(request, str(conflict))
            elif outcome.error is not None:
                messages.error(request, outcome.message)
            else:
                messages.success(request, _("Протокол сохранён."))
                if request.POST.get("after") == "close":
                    return redirect("meetings:protocol", protocol.pk)
                return redirect(request.get_full_path())  # the editor again, with the same pickers
        else:
            bad = editor.bad_rows()
            messages.error(
                request,
                ngettext(
                    "Протокол не сохранён: исправьте %(count)d строку, отмеченную красным.",
                    "Протокол не сохранён: исправьте %(count)d строк, отмеченных красным.",
                    bad,
                )
                % {"count": bad}
                if bad
                else _("Протокол не сохранён: исправьте ошибки, отмеченные красным."),
            )
    return render(
        request,
        "meetings/protocol_edit.html",
        {
            "protocol": protocol, "meeting": protocol.meeting, "editor": editor, "header_form": editor.header,
            "item_formset": editor.items, "conflict": conflict, "version": version, "present": present,
            "decision_template_prefix": DECISION_TEMPLATE_PREFIX, "whole_district": whole_district,
        },
    )


@login_required
@require_POST
def protocol_sign(request, pk: int):
    protocol = selectors.protocol_for_edit(user=request.user, pk=pk)
    if protocol.is_signed:
        messages.error(request, SIGNED)
        return redirect("meetings:protocol", protocol.pk)
    form = SignForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["confirm"]))
        return redirect("meetings:protocol", protocol.pk)
    try:
        signed = services.protocol_sign(
            protocol=protocol, user=request.user, votes_confirmed=form.cleaned_data["votes_confirmed"]
        )
    except services.VotesShort as error:
        messages.warning(request, " ".join(error.messages))
        return redirect(f"{reverse('meetings:protocol', args=[protocol.pk])}?confirm_votes=1#sign")
    except ValidationError as error:
        for text in error.messages:
            if text.strip():
                messages.error(request, _("Протокол не подписан: %(reason)s") % {"reason": text})
        return redirect("meetings:protocol", protocol.pk)
    messages.success(
        request, _("Протокол № %(number)s подписан. Его PDF сохранён в том виде, в каком выдан.") % {
            "number": signed.number
        }
    )
    return redirect("meetings:protocol", protocol.pk)


@login_required
def protocol_pdf(request, pk: int):
    """A signed protocol: the stored file, byte for byte as issued, its SHA-256 in the ETag. A
    draft: a preview marked «ЧЕРНОВИК» on every page, rendered once per version of what it shows
    (documents.protocol_draft_pdf) and never kept by the browser."""
    protocol = selectors.protocol_for_user(request.user, pk, queryset=selectors.protocol_queryset())
    if protocol.is_signed:
        etag = f'"{protocol.pdf_sha256}"'
        if etag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
            response = HttpResponseNotModified()
            response["ETag"] = etag
            return response
        response = FileResponse(
            protocol.pdf.open("rb"), content_type="application/pdf",
            filename=posixpath.basename(protocol.pdf.name), as_attachment=False,
        )
        response["ETag"] = etag
        response["X-Content-SHA256"] = protocol.pdf_sha256
        response["Cache-Control"] = "private, no-cache"
        return response

    from meetings import documents  # loads WeasyPrint: only when a preview is asked for
    from reports.rendering import pdf_response

    filename, _mimetype, content = documents.protocol_export(protocol, draft=True)
    response = pdf_response(filename, content)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def protocol_docx(request, pk: int):
    """The protocol in Word, to whoever may have its PDF (the same loader): a draft's marked
    «ЧЕРНОВИК», a signed one's made from the data as signed. Made on each request, never kept;
    the issued original of a signed protocol stays its stored PDF."""
    from meetings import documents  # loads WeasyPrint and python-docx: only when a document is asked for
    from reports.rendering import file_response as export_response

    protocol = selectors.protocol_for_user(request.user, pk, queryset=selectors.protocol_queryset())
    response = export_response(documents.protocol_docx_export(protocol))
    if not protocol.is_signed:
        response["Cache-Control"] = "private, no-store"
    return response


@login_required
def protocol_extract_pdf(request, item_pk: int):
    """«Выписка из протокола»: one question of a signed protocol with its decisions, to the
    protocol's readers and to the person responsible (selectors.extract_item; 404 otherwise)."""
    from meetings import documents
    from reports.rendering import file_response as export_response

    item = selectors.extract_item(user=request.user, pk=item_pk)
    return export_response(documents.protocol_extract_pdf(item), as_attachment=False)


@login_required
def protocol_extract_docx(request, item_pk: int):
    from meetings import documents
    from reports.rendering import file_response as export_response

    item = selectors.extract_item(user=request.user, pk=item_pk)
    return export_response(documents.protocol_extract_docx(item))


# --- decisions under control --------------------------------------------------------------------


@login_required
def decision_list(request):
    if not access.can(request.user).see_decisions:
        raise Http404
    control = selectors.decision_control(user=request.user, params=request.GET)
    page = Paginator(control.decisions, DECISIONS_PER_PAGE).get_page(request.GET.get("page"))
    selectors.mark_overdue(page.object_list, user=request.user)
    selectors.decision_files(page.object_list, user=request.user)
    return render(
        request,
        "meetings/decision_list.html",
        {"control": control, "filter": control.filterset, "page": page},
    )


def _back(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@login_required
@require_POST
def decision_done(request, pk: int):
    # Outside the user's control: 404. Under their control but not theirs to mark (a school
    # МО's decision on the methodologist's list): the service refuses with 403.
    decision = access.get_visible_or_404(selectors.decisions_under_control(user=request.user), pk)
    form = DecisionDoneForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(f"{form.fields[name].label}: {e}" for name, errors in form.errors.items() for e in errors)
        )
        return redirect(_back(request))
    try:
        services.decision_mark_done(
            decision=decision,
            user=request.user,
            note=form.cleaned_data["note"],
            done_on=form.cleaned_data["done_on"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Решение отмечено выполненным: «%(text)s».") % {"text": str(decision)})
    return redirect(_back(request))


# --- the signed protocol's scan -----------------------------------------------------------------


@login_required
def protocol_scan(request, pk: int):
    """The scan of the signed paper, to those who see the protocol (access: «protocol», «see»);
    404 otherwise and when none is attached."""
    protocol = selectors.protocol_for_user(
        request.user, pk, queryset=Protocol.objects.select_related("scan__file")
    )
    scan = selectors.scan_of(protocol)
    if scan is None:
        raise Http404
    return file_response(scan.file)


@login_required
@require_POST
def protocol_scan_attach(request, pk: int):
    """Those who record the protocol attach its signed paper's scan, once. A refused file stores
    nothing: the page comes back with the reason next to the field; a refusal of the service (a
    draft, a scan already attached) is a message."""
    protocol = selectors.protocol_for_edit(user=request.user, pk=pk)
    form = ProtocolScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.protocol_scan_attach(protocol=protocol, upload=form.cleaned_data["file"], user=request.user)
        except ValidationError as error:
            messages.error(request, refusal(error))
        else:
            messages.success(request, _("Скан подписанного протокола приложен."))
        return redirect("meetings:protocol", protocol.pk)
    messages.error(request, _("Скан не приложен: %(reason)s") % {"reason": " ".join(form.errors.get("file", []))})
    detail = selectors.protocol_detail(user=request.user, pk=protocol.pk)
    return _render_protocol(request, detail, scan_form=form if detail.can_attach_scan else None)


# --- a decision's result files -------------------------------------------------------------------


@login_required
@require_POST
def decision_file_add(request, pk: int):
    """A result file of a decision of a signed protocol, by those who may mark it (a decision the
    user sees but may not mark: 403, as marking it). A refused file stores nothing; the reason is
    the message."""
    decision = access.get_visible_or_404(
        access.visible(
            request.user, "decision", Decision.objects.select_related("protocol_item__protocol__association")
        ),
        pk,
    )
    if not access.allows(request.user, "decision", decision, "mark"):
        raise PermissionDenied
    form = DecisionFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Файл не приложен: %(reason)s") % {"reason": " ".join(form.errors.get("file", []))})
        return redirect(_back(request))
    try:
        added = services.decision_file_add(decision=decision, upload=form.cleaned_data["file"], user=request.user)
    except ValidationError as error:
        messages.error(request, _("Файл не приложен: %(reason)s") % {"reason": " ".join(error.messages)})
    else:
        messages.success(request, _("Файл «%(name)s» приложен к решению.") % {"name": added.file.original_name})
    return redirect(_back(request))


def _visible_decision_file(request, pk) -> DecisionFile:
    return access.get_visible_or_404(
        access.visible(
            request.user, "decision_file",
            DecisionFile.objects.select_related("file", "decision__protocol_item__protocol__association"),
        ),
        pk,
    )


@login_required
def decision_file(request, pk: int):
    """The file, to those who see its decision (access: «decision_file», «see»); 404 otherwise."""
    return file_response(_visible_decision_file(request, pk).file)


@login_required
@require_POST
def decision_file_delete(request, pk: int):
    """Removes a result file (the form asks to confirm first): those who may mark the decision
    and whoever attached it; others who see it get 403."""
    decision_file = _visible_decision_file(request, pk)
    services.decision_file_delete(decision_file=decision_file, user=request.user)
    messages.success(request, _("Файл «%(name)s» удалён.") % {"name": decision_file.file.original_name})
    return redirect(_back(request))


# --- the sign-in sheet --------------------------------------------------------------------------


@login_required
def sign_in_sheet_pdf(request, pk: int):
    """«Лист регистрации»: the expected participants with a column to sign, printed before the
    meeting by those who run it (404 to everyone else); made on each request, never kept."""
    from meetings import documents  # loads WeasyPrint: only when a document is asked for
    from reports.rendering import file_response as export_response

    meeting = selectors.meeting_for_sign_in(user=request.user, pk=pk)
    response = export_response(documents.sign_in_sheet_pdf(meeting), as_attachment=False)
    response["Cache-Control"] = "private, no-store"
    return response
