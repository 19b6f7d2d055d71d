"""Writes of the job instruction and its acknowledgment.

- `acknowledgment_create`: the appointed person (alone: `access`, «appointment» / «acknowledge»)
  acknowledges the current version of their appointment's instruction, on a day neither before
  the order of the appointment nor in the future, once per version.
- `instruction_version_create` (and `instruction_version_add`, the admin's path): a new text is
  a new version, numbered on from the last.
- `instruction_version_update`: a version once acknowledged never changes (the admin's change
  form and its history's «revert» are refused by `instruction_version_check_change` too).

Which instruction an appointment reads and its current version: `instruction_for`,
`current_version` (the selectors', here too for the callers of the services).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from associations import access
from associations.models import Acknowledgment, Appointment, Instruction, InstructionVersion
from associations.records.instructions.selectors import current_version, instruction_for

__all__ = [
    "acknowledgment_create",
    "current_version",
    "instruction_for",
    "instruction_version_add",
    "instruction_version_check_change",
    "instruction_version_create",
    "instruction_version_update",
]

# What a version is: none of it changes once someone has acknowledged it.
FROZEN_FIELDS = ("instruction", "number", "text", "effective_from")


# --- the acknowledgment ------------------------------------------------------------------------


@transaction.atomic
def acknowledgment_create(
    *, appointment: Appointment, acknowledged_on: datetime.date, user, shown_version_id: int | None = None
) -> Acknowledgment:
    """The appointed person has read the current version of their instruction on `acknowledged_on`.

    Refused (PermissionDenied) for anyone but the appointed person; refused (ValidationError on
    «acknowledged_on», quoting the order) for a day before the order of the appointment or after
    today; refused (ValidationError) when the appointment has no instruction in effect, or has
    already acknowledged this version, or (`shown_version_id`: the version the page showed) when
    a new version took effect while the person was reading."""
    # One acknowledgment at a time per appointment: the second of two at once sees the first.
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("person", "association")
        .get(pk=appointment.pk)
    )
    if not access.allows(user, "appointment", appointment, "acknowledge"):
        raise PermissionDenied(_("Ознакомиться с инструкцией может только сам назначенный педагог."))
    instruction = instruction_for(appointment=appointment)
    version = current_version(instruction=instruction) if instruction is not None else None
    if version is None:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("Для этого назначения нет действующей инструкции: ознакамливаться не с чем.")}
        )
    # The version's text cannot change under an acknowledgment being written (see instruction_version_update).
    version = InstructionVersion.objects.select_for_update().select_related("instruction").get(pk=version.pk)
    if shown_version_id is not None and shown_version_id != version.pk:
        raise ValidationError({
            NON_FIELD_ERRORS: _("Пока вы читали, начала действовать новая редакция инструкции (№ %(number)d). "
                                "Прочтите её и отметьте ознакомление ещё раз.") % {"number": version.number}
        })
    today = timezone.localdate()
    if acknowledged_on < appointment.order_date:
        raise ValidationError({
            "acknowledged_on": _("Дата ознакомления не может быть раньше приказа от %(date)s № %(number)s.")
            % {"date": appointment.order_date.strftime("%d.%m.%Y"), "number": appointment.order_number}
        })
    if acknowledged_on > today:
        raise ValidationError({
            "acknowledged_on": _("Дата ознакомления не может быть позже сегодняшнего дня (%(today)s).")
            % {"today": today.strftime("%d.%m.%Y")}
        })
    earlier = appointment.acknowledgments.filter(version=version).first()
    if earlier is not None:
        raise ValidationError({NON_FIELD_ERRORS: _already(earlier, version)})
    acknowledgment = Acknowledgment(
        appointment=appointment, version=version, acknowledged_on=acknowledged_on, entered_by=user
    )
    acknowledgment._history_user = user
    acknowledgment.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            acknowledgment.save()
    except IntegrityError:  # the unique constraint, should a second request have got past the lock
        earlier = appointment.acknowledgments.get(version=version)
        raise ValidationError({NON_FIELD_ERRORS: _already(earlier, version)}) from None
    return acknowledgment


def _already(acknowledgment: Acknowledgment, version: InstructionVersion) -> str:
    return _("С редакцией № %(number)d этой инструкции ознакомление уже отмечено %(date)s.") % {
        "number": version.number, "date": acknowledgment.acknowledged_on.strftime("%d.%m.%Y"),
    }


# --- the versions ------------------------------------------------------------------------------


def instruction_version_create(
    *, instruction: Instruction, text: str, effective_from: datetime.date, user
) -> InstructionVersion:
    """A new version of the instruction's text, numbered on from its last."""
    return instruction_version_add(
        version=InstructionVersion(instruction=instruction, text=text, effective_from=effective_from), user=user
    )


@transaction.atomic
def instruction_version_add(*, version: InstructionVersion, user) -> InstructionVersion:
    """Save an unsaved version as the instruction's next: its number is the last one's + 1, and
    it takes effect no earlier than the last one does (the current version is the highest number
    in effect)."""
    if version.pk is not None:
        raise ValueError("instruction_version_add saves a new version only")
    instruction = Instruction.objects.select_for_update().get(pk=version.instruction_id)  # numbers one at a time
    last = instruction.versions.order_by("-number").first()
    if last is not None and version.effective_from and version.effective_from < last.effective_from:
        raise ValidationError({
            "effective_from": _("Редакция не может действовать раньше предыдущей (№ %(number)d действует с %(date)s).")
            % {"number": last.number, "date": last.effective_from.strftime("%d.%m.%Y")}
        })
    version.number = (instruction.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version._history_user = user
    version.full_clean()
    version.save()
    return version


def instruction_version_check_change(*, version: InstructionVersion, values: Mapping[str, Any]) -> None:
    """Refuse (ValidationError) giving a stored version other `values` (field name → value; the
    fields left out keep theirs) once anyone has acknowledged it: a new text is a new version."""
    if version.pk is None:
        return
    stored = InstructionVersion.objects.filter(pk=version.pk).values("instruction_id", "number", "text",
                                                                      "effective_from").first()
    if stored is None:
        return
    changed = [
        name for name in FROZEN_FIELDS
        if name in values and _key(values[name]) != stored["instruction_id" if name == "instruction" else name]
    ]
    if not changed:
        return
    count = Acknowledgment.objects.filter(version_id=version.pk).count()
    if count:
        raise ValidationError(
            _("С редакцией № %(number)d уже ознакомились (отметок: %(count)d): её нельзя изменить. "
              "Новый текст вносится новой редакцией.") % {"number": stored["number"], "count": count}
        )


def _key(value):
    return value.pk if isinstance(value, Instruction) else value


@transaction.atomic
def instruction_version_update(*, version: InstructionVersion, values: Mapping[str, Any], user) -> InstructionVersion:
    """Change a version nobody has acknowledged yet (refused otherwise, and refused for a version
    that an acknowledgment has reached since the form was opened: the row is locked first)."""
    InstructionVersion.objects.select_for_update().filter(pk=version.pk).first()
    instruction_version_check_change(version=version, values=values)
    for name, value in values.items():
        setattr(version, name, value)
    version._history_user = user
    version.full_clean()
    version.save()
    return version
