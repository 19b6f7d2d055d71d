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

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from associations import access
from associations.files.services import blob_store, file_discard, file_store, files_atomic
from associations.models import SCAN_TYPES, AcademicYear, Association, Person
from associations.plans import services as plan_services
from meetings.models import (
    DECISION_MAX_FILES,
    ITEM_MAX_DECISIONS,
    PROTOCOL_MAX_ITEMS,
    Attendance,
    Decision,
    DecisionFile,
    Meeting,
    Protocol,
    ProtocolItem,
    ProtocolScan,
    ScanAttachedError,
    SignedProtocolError,
)
from rmo_portal.editors import Row, VersionConflict, rows_apply


def academic_year_proposed_for(*, day: datetime.date) -> AcademicYear:
    """The year a meeting on `day` belongs to (`AcademicYear.proposed_start_year_for`: the
    calendar's, except that the last days of August already belong to the coming year)."""
    try:
        return AcademicYear.objects.proposed_for(day)
    except AcademicYear.DoesNotExist:
        start = AcademicYear.proposed_start_year_for(day)
        raise ValidationError(
            _("Учебный год %(year)s ещё не заведён: его добавляет администратор.")
            % {"year": f"{start}/{start + 1}"}
        ) from None


class MeetingConflict(VersionConflict):
    """Someone saved the meeting or protocol after the user opened it."""

    def __init__(self, obj):
        when = timezone.localtime(obj.updated_at).strftime("%d.%m.%Y %H:%M")
        super().__init__(
            obj,
            _("Запись уже изменил другой пользователь (%(when)s). Ваши правки не сохранены, но остались в форме.")
            % {"when": when},
        )


def _require_recorder(user: User, association: Association) -> None:
    if not access.can_record_meeting(user, association):
        raise PermissionDenied


MEETING_FIELDS = ("kind", "theme", "starts_at", "duration_minutes", "place", "academic_year", "plan_item")


@transaction.atomic
def meeting_create(
    *, association: Association, user: User, agenda: Sequence[Row] = (), guests: Sequence[Row] = (), **fields
) -> Meeting:
    """A new meeting of `fields` (MEETING_FIELDS; a blank academic year is proposed from the
    date), with its agenda and guests (`Row`s of an editor) in the same transaction."""
    _require_recorder(user, association)
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"meeting_create: unknown fields {sorted(unknown)}")
    if fields.get("academic_year") is None:
        fields["academic_year"] = academic_year_proposed_for(day=timezone.localtime(fields["starts_at"]).date())
    meeting = Meeting(association=association, created_by=user, **fields)
    meeting.full_clean()
    meeting.save()
    _meeting_rows_apply(meeting, agenda=agenda, guests=guests)
    return meeting


def _meeting_rows_apply(meeting: Meeting, *, agenda: Sequence[Row], guests: Sequence[Row]) -> None:
    rows_apply(manager=meeting.agenda, parent_field="meeting", parent=meeting, rows=list(agenda))
    rows_apply(manager=meeting.guests, parent_field="meeting", parent=meeting, rows=list(guests))
    if agenda and meeting.agenda.count() > PROTOCOL_MAX_ITEMS:  # each question becomes one of the protocol
        raise ValidationError(
            _("В повестке не может быть больше %(count)d вопросов.") % {"count": PROTOCOL_MAX_ITEMS},
            code="too_many_items",
        )


def _has_signed_protocol(meeting: Meeting) -> bool:
    # Asked of the database, not of `meeting.protocol`: the caller's copy may predate the signing.
    return Protocol.objects.filter(meeting_id=meeting.pk, status=Protocol.Status.SIGNED).exists()


@transaction.atomic
def meeting_save(
    *, meeting: Meeting, version: int, user: User, values: dict,
    agenda: Sequence[Row] = (), guests: Sequence[Row] = (),
) -> Meeting:
    """Save an existing meeting's fields (`values`, of MEETING_FIELDS) with its agenda and
    guests; refuses a stale version, and any change once the meeting's protocol is signed (the
    protocol's date, agenda and guests are the meeting's)."""
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("association").get(pk=meeting.pk)
    _require_recorder(user, locked.association)
    if _has_signed_protocol(locked):
        raise SignedProtocolError()
    if locked.version != version:
        raise MeetingConflict(locked)
    previous_start = locked.starts_at
    for name, value in values.items():
        if name not in MEETING_FIELDS:
            raise TypeError(f"meeting_save: unknown field {name}")
        setattr(locked, name, value)
    moved = locked.starts_at != previous_start
    locked.version += 1
    locked.full_clean()
    locked.save()
    _meeting_rows_apply(locked, agenda=agenda, guests=guests)
    if moved and Protocol.objects.filter(meeting=locked).exists():
        # A draft's number follows its meeting's date (the association's row is locked first).
        Association.objects.select_for_update(of=("self",)).get(pk=locked.association_id)
        _renumber(association_id=locked.association_id, academic_year_id=locked.academic_year_id)
    return locked


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, user: User, reason: str) -> Meeting:
    """Cancel the meeting, on its row locked (a save, a protocol or a «проведено» racing it
    waits, and nothing it wrote is written back from an older copy)."""
    _require_recorder(user, meeting.association)
    if not reason.strip():
        raise ValidationError({"cancel_reason": _("Укажите причину отмены.")})
    locked = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    if Protocol.objects.filter(meeting_id=locked.pk).exists():
        raise ValidationError(_("У заседания уже есть протокол: отменить его нельзя."))
    locked.status = Meeting.Status.CANCELLED
    locked.cancel_reason = reason.strip()
    locked.version += 1
    locked.save(update_fields=["status", "cancel_reason", "version", "updated_at"])
    return locked


@transaction.atomic
def meeting_hold(*, meeting: Meeting, user: User) -> Meeting:
    """Mark the meeting held; its plan item, if the plan is approved, is marked done that day."""
    _require_recorder(user, meeting.association)
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("plan_item").get(pk=meeting.pk)
    if _has_signed_protocol(meeting):
        raise SignedProtocolError()  # the version (and the feed's SEQUENCE) stays as signed
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("Отменённое заседание нельзя отметить проведённым."))
    if meeting.starts_at > timezone.now():
        raise ValidationError(_("Заседание ещё не началось."))
    meeting.status = Meeting.Status.HELD
    meeting.version += 1
    meeting.save(update_fields=["status", "version", "updated_at"])
    if meeting.plan_item_id is not None:
        plan_services.plan_item_mark_held(
            item=meeting.plan_item, user=user, held_on=timezone.localtime(meeting.starts_at).date(),
            note=_("Проведено: %(meeting)s") % {"meeting": meeting.theme},
        )
    return meeting


class AttendanceConflict(VersionConflict):
    """Someone saved the attendance sheet after the user opened it."""

    def __init__(self, meeting: Meeting):
        when = timezone.localtime(meeting.attendance_saved_at or meeting.updated_at).strftime("%d.%m.%Y %H:%M")
        super().__init__(
            meeting,
            _(
                "Явку уже сохранил другой пользователь (%(when)s). Ваши отметки не сохранены, но остались "
                "в форме: проверьте их и сохраните ещё раз."
            )
            % {"when": when},
        )
        self.version = meeting.attendance_version


@transaction.atomic
def attendance_save(
    *, meeting: Meeting, user: User, rows: list[dict], version: int | None = None
) -> list[Attendance]:
    """rows: {"person": Person, "present": bool, "absence_reason": str}. Replaces the list.
    `version` is the sheet's version when the page was opened (`Meeting.attendance_version`):
    a stale one raises AttendanceConflict. None: no page was opened (the demo, a script)."""
    _require_recorder(user, meeting.association)
    locked = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk)
    if _has_signed_protocol(locked):
        raise SignedProtocolError()
    if version is not None and locked.attendance_version != version:
        raise AttendanceConflict(locked)
    Meeting.objects.filter(pk=locked.pk).update(
        attendance_version=locked.attendance_version + 1, attendance_saved_at=timezone.now()
    )
    marks = [
        Attendance(
            meeting=meeting, person=row["person"], present=row["present"],
            absence_reason="" if row["present"] else row.get("absence_reason", "").strip(),
        )
        for row in rows
    ]
    errors = []
    for mark in marks:
        try:
            mark.clean()  # the rule is the model's
        except ValidationError as error:
            errors.extend(f"{mark.person.short_name}: {message}" for message in error.messages)
    if errors:
        raise ValidationError(errors)
    meeting.attendance.all().delete()
    return Attendance.objects.bulk_create(marks)


@transaction.atomic
def attendance_mark_all_present(*, meeting: Meeting, user: User, version: int | None = None) -> list[Attendance]:
    """«Все присутствовали»: every member of the association in the meeting's year is marked
    present, in one go (through `attendance_save`, with its checks: the recorder, the signed
    protocol, the sheet's version). Someone marked who is no longer a member keeps their mark."""
    members = Person.objects.filter(
        memberships__association_id=meeting.association_id,
        memberships__academic_year_id=meeting.academic_year_id,
    ).distinct()
    member_ids = set()
    rows = []
    for person in members:
        member_ids.add(person.pk)
        rows.append({"person": person, "present": True, "absence_reason": ""})
    for mark in meeting.attendance.select_related("person"):
        if mark.person_id not in member_ids:
            rows.append({"person": mark.person, "present": mark.present, "absence_reason": mark.absence_reason})
    return attendance_save(meeting=meeting, user=user, rows=rows, version=version)


class ProtocolNumberToConfirm(ValidationError):
    """A protocol for a meeting earlier than one whose protocol is signed: it cannot take its
    place in the order (a signed number never changes), so it takes the next free number, once
    the user confirms it. `number` is that number."""

    def __init__(self, message: str, *, number: int):
        super().__init__(message, code="number_to_confirm")
        self.number = number


# Numbers are moved through this range while drafts are renumbered (the unique constraint holds
# at every step); the largest a PositiveSmallIntegerField holds is 32 767.
_RENUMBER_OFFSET = 20_000


def _numbering(protocols: list[Protocol]) -> dict[int, int]:
    """The numbers of an association's year: a signed protocol keeps its number, and so does a
    draft numbered below the last signed one (it holds its place in the gapless sequence); the
    other drafts follow, numbered by their meetings' dates. `protocols` come with their meetings."""
    signed = [p for p in protocols if p.is_signed]
    last_signed = max((p.number for p in signed), default=0)
    last_signed_start = max((p.meeting.starts_at for p in signed), default=None)

    def holds_its_number(p: Protocol) -> bool:
        # Signed; or a draft below the last signed number; or a draft of a meeting before the last
        # signed one (it took the next number on purpose, confirmed: `ProtocolNumberToConfirm`).
        if p.is_signed:
            return True
        if p.pk is None:
            return False
        return p.number < last_signed or (last_signed_start is not None and p.meeting.starts_at < last_signed_start)

    fixed = {p.pk: p.number for p in protocols if holds_its_number(p)}
    following = sorted(
        (p for p in protocols if p.pk not in fixed),
        key=lambda p: (p.meeting.starts_at, p.meeting_id),
    )
    numbers = dict(fixed)
    taken = set(fixed.values())
    candidate = 0
    for protocol in following:
        candidate += 1
        while candidate in taken:
            candidate += 1
        numbers[protocol.pk] = candidate
    return numbers


def _renumber(*, association_id: int, academic_year_id: int, extra: Protocol | None = None) -> dict:
    """Bring the drafts' numbers in line with `_numbering` (the caller holds the association's
    row lock); `extra` is a protocol about to be created (its pk None). Returns the numbering."""
    protocols = list(
        Protocol.objects.filter(association_id=association_id, academic_year_id=academic_year_id)
        .select_related("meeting")
    )
    if extra is not None:
        protocols.append(extra)
    numbers = _numbering(protocols)
    moved = [p for p in protocols if p.pk is not None and numbers[p.pk] != p.number]
    for index, protocol in enumerate(moved):
        Protocol.objects.filter(pk=protocol.pk).update(number=_RENUMBER_OFFSET + index)
    for protocol in moved:
        Protocol.objects.filter(pk=protocol.pk).update(number=numbers[protocol.pk])
    return numbers


@transaction.atomic
def protocol_create(*, meeting: Meeting, user: User, number_confirmed: int | None = None) -> Protocol:
    """The protocol of a meeting, numbered by the meetings' order in the association's year: a
    protocol for an earlier meeting takes its place and the later drafts move up one (gapless,
    under the association's row lock, so concurrent creations queue instead of taking the same
    number). Where a later meeting's protocol is signed already, the new one cannot take its
    place: it takes the next free number once the user confirms it (`number_confirmed`)."""
    Association.objects.select_for_update(of=("self",)).get(pk=meeting.association_id)
    _require_recorder(user, meeting.association)
    # The meeting as it is now (the caller's copy may predate a cancellation), locked.
    meeting = Meeting.objects.select_for_update(of=("self",)).select_related("association").get(pk=meeting.pk)
    if Protocol.objects.filter(meeting=meeting).exists():
        raise ValidationError(_("У этого заседания уже есть протокол."))
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("По отменённому заседанию протокол не ведут."))
    protocol = Protocol(
        meeting=meeting, association_id=meeting.association_id, academic_year_id=meeting.academic_year_id, number=0
    )
    signed_later = (
        Protocol.objects.filter(
            association_id=meeting.association_id, academic_year_id=meeting.academic_year_id,
            status=Protocol.Status.SIGNED, meeting__starts_at__gt=meeting.starts_at,
        )
        .select_related("meeting")
        .order_by("meeting__starts_at")
        .first()
    )
    if signed_later is not None:
        last = Protocol.objects.filter(
            association_id=meeting.association_id, academic_year_id=meeting.academic_year_id
        ).aggregate(last=Max("number"))["last"] or 0
        number = last + 1
        if number_confirmed != number:
            raise ProtocolNumberToConfirm(
                _(
                    "Протокол заседания %(date)s получит № %(number)s: протокол № %(signed)s более позднего "
                    "заседания %(signed_date)s уже подписан, и его номер не меняется."
                )
                % {
                    "date": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y"), "number": number,
                    "signed": signed_later.number,
                    "signed_date": timezone.localtime(signed_later.meeting.starts_at).strftime("%d.%m.%Y"),
                },
                number=number,
            )
        protocol.number = number
        protocol.save()
    else:
        # Make room: the drafts of later meetings move up, then this one takes its place.
        numbers = _renumber(association_id=meeting.association_id, academic_year_id=meeting.academic_year_id,
                            extra=protocol)
        protocol.number = numbers[None]
        protocol.save()
    # One protocol item per agenda question, to be filled in.
    ProtocolItem.objects.bulk_create(
        ProtocolItem(protocol=protocol, position=a.position, agenda_item=a) for a in meeting.agenda.all()
    )
    return protocol


def protocol_validate_votes(*, protocol: Protocol, items: list[ProtocolItem]) -> dict[int, str]:
    """Vote counts cannot exceed the number present (`ProtocolItem.votes_error`); returns
    {position: message}."""
    present = protocol.meeting.attendance.filter(present=True).count()
    return {item.position: message for item in items if (message := item.votes_error(present))}


PROTOCOL_FIELDS = ("chair", "secretary", "decided_label")


@transaction.atomic
def protocol_save(*, protocol: Protocol, version: int, user: User, values: dict, items: Sequence[Row]) -> Protocol:
    """Save the protocol's header (`values`, of PROTOCOL_FIELDS), its questions and each
    question's decisions (`Row.children["decisions"]`, saved under the question, a new one
    included); refuses a stale version and a signed protocol."""
    locked = Protocol.objects.select_for_update(of=("self",)).select_related("association").get(pk=protocol.pk)
    _require_recorder(user, locked.association)
    if locked.is_signed:
        raise SignedProtocolError()
    if locked.version != version:
        raise MeetingConflict(locked)
    for name, value in values.items():
        if name not in PROTOCOL_FIELDS:
            raise TypeError(f"protocol_save: unknown field {name}")
        setattr(locked, name, value)
    locked.version += 1
    locked.status = Protocol.Status.DRAFT
    locked.full_clean()
    locked.save()

    def decisions_apply(item: ProtocolItem, row: Row) -> None:
        decisions = row.children.get("decisions", [])
        if decisions:
            rows_apply(manager=item.decisions, parent_field="protocol_item", parent=item, rows=decisions)

    rows_apply(manager=locked.items, parent_field="protocol", parent=locked, rows=list(items), on_row=decisions_apply)
    if locked.items.count() > PROTOCOL_MAX_ITEMS:
        raise ValidationError(
            _("В протоколе не может быть больше %(count)d вопросов.") % {"count": PROTOCOL_MAX_ITEMS},
            code="too_many_items",
        )
    crowded = (
        Decision.objects.filter(protocol_item__protocol=locked).values("protocol_item").annotate(n=Count("pk"))
        .filter(n__gt=ITEM_MAX_DECISIONS).exists()
    )
    if crowded:
        raise ValidationError(
            _("У вопроса не может быть больше %(count)d решений.") % {"count": ITEM_MAX_DECISIONS},
            code="too_many_decisions",
        )
    return locked


class VotesShort(ValidationError):
    """Some question has fewer votes than people present: signed only once confirmed."""


def protocol_missing(*, protocol: Protocol, items: list[ProtocolItem]) -> list[str]:
    """What a protocol lacks before it may be signed, in words: the chair and the secretary, a
    РЕШИЛИ for every question, the attendance recorded for every member of the meeting's year."""
    missing = []
    if protocol.chair_id is None:
        missing.append(_("не указан председатель"))
    if protocol.secretary_id is None:
        missing.append(_("не указан секретарь"))
    if not items:
        missing.append(_("в протоколе нет ни одного вопроса"))
    missing.extend(
        _("вопрос %(position)s: не записано, что решили (РЕШИЛИ)") % {"position": item.position}
        for item in items
        if not item.decided.strip()
    )
    marked = set(Attendance.objects.filter(meeting_id=protocol.meeting_id).values_list("person_id", flat=True))
    if not marked:
        missing.append(_("явка не отмечена"))
    else:
        unmarked = list(
            Person.objects.filter(
                memberships__association_id=protocol.association_id,
                memberships__academic_year_id=protocol.meeting.academic_year_id,
            )
            .exclude(pk__in=marked)
            .order_by("last_name", "first_name")
        )
        if unmarked:
            missing.append(
                _("в явке не отмечены: %(names)s") % {"names": ", ".join(p.short_name for p in unmarked)}
            )
    return missing


def protocol_votes_short(*, protocol: Protocol, items: list[ProtocolItem]) -> list[int]:
    """The questions voted with fewer votes than people present (a vote may be short when some
    left early, but it is worth a second look)."""
    present = protocol.meeting.attendance.filter(present=True).count()
    return [
        item.position for item in items
        if item.has_vote and sum(v or 0 for v in (item.votes_for, item.votes_against, item.votes_abstained)) < present
    ]


@files_atomic()  # the PDF's blob goes again if the signing fails after it was stored
def protocol_sign(*, protocol: Protocol, user: User, votes_confirmed: bool = False) -> Protocol:
    """Freeze the protocol: render its PDF once, keep the bytes and their SHA-256. Refused, with
    the list of what is missing (`protocol_missing`), until it is complete; a question voted by
    fewer than were present (`protocol_votes_short`) needs `votes_confirmed`."""
    from meetings.documents import protocol_pdf  # the rendering leaf; imported late, it loads WeasyPrint

    locked = (
        Protocol.objects.select_for_update(of=("self",))
        .select_related("association", "meeting", "chair", "secretary")
        .get(pk=protocol.pk)
    )
    _require_recorder(user, locked.association)
    if locked.is_signed:
        raise ValidationError(_("Протокол уже подписан."))
    items = list(locked.items.order_by("position", "pk"))
    missing = protocol_missing(protocol=locked, items=items)
    missing.extend(
        _("вопрос %(position)s: %(message)s") % {"position": p, "message": m}
        for p, m in protocol_validate_votes(protocol=locked, items=items).items()
    )
    if missing:
        listed = "; ".join(missing)
        raise ValidationError(
            _("Протокол нельзя подписать: %(missing)s") % {"missing": listed if listed.endswith(".") else f"{listed}."},
            code="incomplete",
        )
    short = protocol_votes_short(protocol=locked, items=items)
    if short and not votes_confirmed:
        raise VotesShort(
            _(
                "В вопросах %(positions)s голосов меньше, чем присутствовало: проверьте подсчёт и подтвердите "
                "подписание."
            )
            % {"positions": ", ".join(str(p) for p in short)},
            code="votes_short",
        )

    locked.status = Protocol.Status.SIGNED
    locked.signed_at = timezone.now()
    locked.signed_by = user
    pdf = protocol_pdf(locked)
    locked.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    # Through the file module: a storage that fails (the disk full) keeps nothing, FileNotStored.
    field = locked.pdf.field
    locked.pdf = blob_store(
        name=field.generate_filename(locked, locked.file_name()), content=pdf, shown=locked.file_name(),
        max_length=field.max_length,
    )
    # Protocol.save refuses rows already signed in the database; this one is still a draft there.
    locked.save()
    Meeting.objects.filter(pk=locked.meeting_id, status=Meeting.Status.PLANNED).update(status=Meeting.Status.HELD)
    return locked


@transaction.atomic
def decision_mark_done(
    *, decision: Decision, user: User, note: str = "", done_on: datetime.date | None = None
) -> Decision:
    """The responsible person or whoever records the association's meetings marks a decision of
    a signed protocol done (the rule: associations.access, «decision», «mark»)."""
    decision = Decision.objects.select_for_update(of=("self",)).select_related(
        "protocol_item__protocol__association", "responsible"
    ).get(pk=decision.pk)
    if not access.allows(user, "decision", decision, "mark"):
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


# --- files beside the protocol: the signed paper's scan, a decision's results ----------------------


def protocol_scan_attach(*, protocol: Protocol, upload, user: User) -> ProtocolScan:
    """The scan of the signed protocol on paper, kept beside its PDF: attached by those who record
    the association's protocols (access: «protocol», «record»), to a signed protocol, once. The
    protocol itself is not touched; a second scan is refused (`ScanAttachedError`). A refused
    upload stores nothing (`files_atomic`)."""
    with files_atomic():
        locked = Protocol.objects.select_for_update(of=("self",)).select_related("association").get(pk=protocol.pk)
        if not access.allows(user, "protocol", locked, "record"):
            raise PermissionDenied
        if not locked.is_signed:
            raise ValidationError(_("Скан прикладывают к подписанному протоколу: сначала подпишите протокол."))
        if ProtocolScan.objects.filter(protocol_id=locked.pk).exists():
            raise ScanAttachedError()
        stored = file_store(upload=upload, user=user, allowed=SCAN_TYPES)
        scan = ProtocolScan(protocol=locked, file=stored, uploaded_by=user)
        scan.full_clean()
        scan.save()
    return scan


def decision_file_add(*, decision: Decision, upload, user: User) -> DecisionFile:
    """A result of a decision of a signed protocol («методическая разработка», a report), attached
    by those who may mark it done (access: «decision», «mark»), whether it is done yet or not; at
    most DECISION_MAX_FILES a decision. A refused upload stores nothing."""
    with files_atomic():
        locked = Decision.objects.select_for_update(of=("self",)).select_related(
            "protocol_item__protocol__association"
        ).get(pk=decision.pk)
        if not access.allows(user, "decision", locked, "mark"):
            raise PermissionDenied
        count = DecisionFile.objects.filter(decision_id=locked.pk).count()
        if count >= DECISION_MAX_FILES:
            raise ValidationError(
                ngettext(
                    "К решению уже приложен %(count)d файл — больше нельзя. Удалите ненужный.",
                    "К решению уже приложено %(count)d файлов — больше нельзя. Удалите ненужный.",
                    count,
                ) % {"count": count},
                code="too_many_files",
            )
        stored = file_store(upload=upload, user=user)
        return DecisionFile.objects.create(decision=locked, file=stored, uploaded_by=user)


@transaction.atomic
def decision_file_delete(*, decision_file: DecisionFile, user: User) -> None:
    """Removes a decision's result file: those who may mark the decision, and whoever attached it
    (access: «decision_file», «remove»). The stored file goes with it (the blob on commit)."""
    locked = DecisionFile.objects.select_for_update(of=("self",)).select_related(
        "file", "decision__protocol_item__protocol__association"
    ).get(pk=decision_file.pk)
    if not access.allows(user, "decision_file", locked, "remove"):
        raise PermissionDenied
    stored = locked.file
    locked.delete()
    file_discard(stored)
