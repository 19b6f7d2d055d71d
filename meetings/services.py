"""Every write of meetings and protocols, each in one transaction.

Protocols are numbered per association per academic year with the association's row locked,
so two secretaries creating protocols at the same moment get № n and № n+1, never the same
number and never a gap. Signing renders the PDF once, stores it with its SHA-256, and freezes
the protocol: from then on the models themselves refuse every change.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from associations import access
from associations.models import AcademicYear, AnnualPlan, Association, PlanItem
from meetings.models import Attendance, Decision, Meeting, Protocol, ProtocolItem, SignedProtocolError

LATE_AUGUST_DAY = 20


def academic_year_proposed_for(day: datetime.date) -> AcademicYear:
    """The year a meeting on `day` belongs to: the calendar's, except that the last days of
    August (the установочное заседание) already belong to the coming year."""
    if day.month == 8 and day.day >= LATE_AUGUST_DAY:
        return AcademicYear.objects.get_or_create(start_year=day.year)[0]
    return AcademicYear.objects.for_date(day)


class MeetingConflict(Exception):
    """Someone saved the meeting or protocol after the user opened it."""

    def __init__(self, obj):
        self.obj = obj
        when = timezone.localtime(obj.updated_at).strftime("%d.%m.%Y %H:%M")
        super().__init__(
            _("Запись уже изменил другой пользователь (%(when)s). Ваши правки не сохранены, но остались в форме.")
            % {"when": when}
        )


def _require_recorder(user, association: Association) -> None:
    if not access.can_record_meeting(user, association):
        raise PermissionDenied


@transaction.atomic
def meeting_create(*, association: Association, user, formsets: Sequence = (), **fields) -> Meeting:
    """A new meeting; `formsets` (bound, valid inline formsets of the unsaved meeting: its
    agenda, its guests) are saved with it in the same transaction."""
    _require_recorder(user, association)
    starts_at = fields["starts_at"]
    if fields.get("academic_year") is None:
        fields["academic_year"] = academic_year_proposed_for(timezone.localtime(starts_at).date())
    meeting = Meeting(association=association, created_by=user, **fields)
    meeting.full_clean()
    meeting.save()
    _save_formsets(meeting, formsets)
    return meeting


def _save_formsets(instance, formsets: Sequence) -> None:
    for formset in formsets:
        formset.instance = instance
        formset.save()


def _has_signed_protocol(meeting: Meeting) -> bool:
    # Asked of the database, not of `meeting.protocol`: the caller's copy may predate the signing.
    return Protocol.objects.filter(meeting_id=meeting.pk, status=Protocol.Status.SIGNED).exists()


@transaction.atomic
def meeting_save(*, form, version: int, user, formsets: Sequence = ()) -> Meeting:
    """Save a bound ModelForm of an existing meeting and its inline `formsets` (agenda,
    guests); refuses a stale version, and any change once the meeting's protocol is signed
    (the protocol's date, agenda and guests are the meeting's)."""
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("association").get(pk=form.instance.pk)
    _require_recorder(user, locked.association)
    if _has_signed_protocol(locked):
        raise SignedProtocolError()
    if locked.version != version:
        raise MeetingConflict(locked)
    meeting = form.save(commit=False)
    meeting.version = locked.version + 1
    meeting.save()
    form.save_m2m()
    _save_formsets(meeting, formsets)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, user, reason: str) -> Meeting:
    _require_recorder(user, meeting.association)
    if not reason.strip():
        raise ValidationError({"cancel_reason": _("Укажите причину отмены.")})
    if hasattr(meeting, "protocol"):
        raise ValidationError(_("У заседания уже есть протокол: отменить его нельзя."))
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancel_reason = reason.strip()
    meeting.version += 1
    meeting.save()
    return meeting


@transaction.atomic
def meeting_hold(*, meeting: Meeting, user) -> Meeting:
    """Mark the meeting held; its plan item, if the plan is approved, is marked done that day."""
    _require_recorder(user, meeting.association)
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("Отменённое заседание нельзя отметить проведённым."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Заседание ещё не началось."))
    meeting.status = Meeting.Status.HELD
    meeting.version += 1
    meeting.save()
    item = meeting.plan_item
    if item is not None and item.plan.status == AnnualPlan.Status.APPROVED and item.execution != "done":
        PlanItem.objects.filter(pk=item.pk).update(
            execution=PlanItem.Execution.DONE,
            executed_on=timezone.localtime(meeting.starts_at).date(),
            execution_note=_("Проведено: %(meeting)s") % {"meeting": meeting.theme},
            marked_by=user,
        )
    return meeting


@transaction.atomic
def attendance_save(*, meeting: Meeting, user, rows: list[dict]) -> list[Attendance]:
    """rows: {"person": Person, "present": bool, "absence_reason": str}. Replaces the list."""
    _require_recorder(user, meeting.association)
    if _has_signed_protocol(meeting):
        raise SignedProtocolError()
    errors = []
    for row in rows:
        if not row["present"] and not row.get("absence_reason", "").strip():
            errors.append(
                _("%(name)s: укажите причину отсутствия.") % {"name": row["person"].short_name}
            )
    if errors:
        raise ValidationError(errors)
    meeting.attendance.all().delete()
    return Attendance.objects.bulk_create(
        Attendance(
            meeting=meeting, person=row["person"], present=row["present"],
            absence_reason="" if row["present"] else row["absence_reason"].strip(),
        )
        for row in rows
    )


@transaction.atomic
def protocol_create(*, meeting: Meeting, user) -> Protocol:
    """The next number of the association's year. The association row is locked for the
    transaction, so concurrent creations queue up instead of taking the same number."""
    Association.objects.select_for_update(of=("self",)).get(pk=meeting.association_id)
    _require_recorder(user, meeting.association)
    if Protocol.objects.filter(meeting=meeting).exists():
        raise ValidationError(_("У этого заседания уже есть протокол."))
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("По отменённому заседанию протокол не ведут."))
    last = Protocol.objects.filter(
        association_id=meeting.association_id, academic_year_id=meeting.academic_year_id
    ).aggregate(last=Max("number"))["last"]
    protocol = Protocol.objects.create(
        meeting=meeting,
        association_id=meeting.association_id,
        academic_year_id=meeting.academic_year_id,
        number=(last or 0) + 1,
    )
    # One protocol item per agenda question, to be filled in.
    ProtocolItem.objects.bulk_create(
        ProtocolItem(protocol=protocol, position=a.position, agenda_item=a) for a in meeting.agenda.all()
    )
    return protocol


def protocol_validate_votes(*, protocol: Protocol, items: list[ProtocolItem]) -> dict[int, str]:
    """Vote counts cannot exceed the number present; returns {position: message}."""
    present = protocol.meeting.attendance.filter(present=True).count()
    errors = {}
    for item in items:
        total = sum(v or 0 for v in (item.votes_for, item.votes_against, item.votes_abstained))
        if total > present:
            errors[item.position] = _(
                "Голосов (%(total)d) больше, чем присутствовало (%(present)d)."
            ) % {"total": total, "present": present}
    return errors


@transaction.atomic
def protocol_save(*, form, item_formset, version: int, user, decision_formsets: Sequence = ()) -> Protocol:
    """Save the protocol's header form, its items formset and the decisions formsets of its
    items (inline formsets, each bound to its item: a new item's is bound to the very instance
    the items formset saves first); refuses a stale version and a signed protocol."""
    locked = Protocol.objects.select_for_update(of=("self",)).select_related("association").get(pk=form.instance.pk)
    _require_recorder(user, locked.association)
    if locked.is_signed:
        raise SignedProtocolError()
    if locked.version != version:
        raise MeetingConflict(locked)
    protocol = form.save(commit=False)
    protocol.version = locked.version + 1
    protocol.status = Protocol.Status.DRAFT
    protocol.save()
    item_formset.instance = protocol
    item_formset.save()
    for formset in decision_formsets:
        formset.save()
    return protocol


@transaction.atomic
def protocol_sign(*, protocol: Protocol, user) -> Protocol:
    """Freeze the protocol: render its PDF once, keep the bytes and their SHA-256."""
    from meetings.documents import protocol_pdf  # the rendering leaf; imported late, it loads WeasyPrint

    locked = (
        Protocol.objects.select_for_update(of=("self",))
        .select_related("association", "meeting", "chair", "secretary")
        .get(pk=protocol.pk)
    )
    _require_recorder(user, locked.association)
    if locked.is_signed:
        raise ValidationError(_("Протокол уже подписан."))
    errors = {}
    if locked.chair_id is None:
        errors["chair"] = _("Укажите председателя.")
    if locked.secretary_id is None:
        errors["secretary"] = _("Укажите секретаря.")
    items = list(locked.items.all())
    if not items or not any(i.decided.strip() for i in items):
        errors["__all__"] = _("В протоколе нет ни одного решения.")
    vote_errors = protocol_validate_votes(protocol=locked, items=items)
    if vote_errors:
        votes = " ".join(
            _("Вопрос %(position)s: %(message)s") % {"position": p, "message": m} for p, m in vote_errors.items()
        )
        errors["__all__"] = f"{errors['__all__']} {votes}" if "__all__" in errors else votes
    if errors:
        raise ValidationError(errors)

    locked.status = Protocol.Status.SIGNED
    locked.signed_at = timezone.now()
    locked.signed_by = user
    pdf = protocol_pdf(locked)
    locked.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    year = locked.academic_year
    locked.pdf.save(
        f"protocol-{locked.association_id}-{year.start_year}-{year.start_year + 1}-{locked.number}.pdf",
        ContentFile(pdf),
        save=False,
    )
    # Protocol.save refuses rows already signed in the database; this one is still a draft there.
    locked.save()
    Meeting.objects.filter(pk=locked.meeting_id, status=Meeting.Status.PLANNED).update(status=Meeting.Status.HELD)
    return locked


@transaction.atomic
def decision_mark_done(*, decision: Decision, user, note: str = "", done_on: datetime.date | None = None) -> Decision:
    """The responsible person or the association's head marks a decision done."""
    decision = Decision.objects.select_for_update(of=("self",)).select_related(
        "protocol_item__protocol__association", "responsible"
    ).get(pk=decision.pk)
    roles = access.roles_for(user)
    association = decision.protocol_item.protocol.association
    if not (roles.person and roles.person.pk == decision.responsible_id) and not access.can_record_meeting(
        user, association
    ):
        raise PermissionDenied
    if decision.status == Decision.Status.DONE:
        raise ValidationError(_("Решение уже отмечено выполненным."))
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("Дата выполнения не может быть в будущем.")})
    decision.status = Decision.Status.DONE
    decision.done_on = done_on
    decision.done_note = note.strip()
    decision.save()
    return decision


# --- calendar tokens (the secret of a user's iCalendar feed URL) --------------------------------


def calendar_token_for(*, user):
    """The user's feed token (a CalendarToken), created on first use."""
    from meetings.models import CalendarToken

    return CalendarToken.objects.get_or_create(user=user)[0]


@transaction.atomic
def calendar_token_regenerate(*, user):
    """A new secret for the user's feeds: every URL with the old one answers 404 from now on."""
    from meetings.models import CalendarToken, new_calendar_token

    token, created = CalendarToken.objects.select_for_update().get_or_create(user=user)
    if not created:
        token.token = new_calendar_token()
        token.save(update_fields=["token", "created_at"])
    return token
