"""Writes of the consultation logs: a consultation saved (new or changed, version-checked) with
the people consulted, and deleted.

The rules of a consultation's people, enforced here and quoted on refusal: an individual
consultation is for exactly one person, a group one for two or more; the consultant and the
people consulted are of the log's district; the consultant is not among those consulted. Who
may write a log is `access` («consultation», «write»: the association's writers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from associations import access
from associations.models import Consultation, Person
from associations.records.services import record_delete, record_save

#: The people of one consultation at most (a group consultation of a whole РМО meeting).
CONSULTED_MAX = 100

#: What the service sets from the form; the log's association among them.
CONSULTATION_FIELDS = ("association", "kind", "topic", "consultant", "held_on", "form", "duration_minutes")


def consultation_people_errors(*, kind: str, consultant: Person | None, consulted: Sequence[Person],
                               district_id: int | None) -> dict[str, str]:
    """What is wrong with a consultation's people, by field (empty when nothing is)."""
    errors: dict[str, str] = {}
    count = len(consulted)
    if kind == Consultation.Kind.INDIVIDUAL and count != 1:
        errors["consulted"] = (
            _("Индивидуальная консультация — для одного человека: выберите одного.")
            if count == 0 else
            ngettext(
                "Индивидуальная консультация — для одного человека, а выбран %(count)d. Выберите одного "
                "или укажите вид «групповая».",
                "Индивидуальная консультация — для одного человека, а выбрано %(count)d. Выберите одного "
                "или укажите вид «групповая».",
                count,
            ) % {"count": count}
        )
    elif kind == Consultation.Kind.GROUP and count < 2:
        errors["consulted"] = _(
            "Групповая консультация — для двух человек и больше. Для одного человека укажите вид «индивидуальная»."
        )
    elif count > CONSULTED_MAX:
        errors["consulted"] = _("В одной консультации — не больше %(max)d человек.") % {"max": CONSULTED_MAX}
    if consultant is not None and any(person.pk == consultant.pk for person in consulted):
        errors.setdefault(
            "consulted", _("%(name)s — консультант: среди тех, кого консультировали, его быть не может.")
            % {"name": consultant.short_name},
        )
    if district_id is not None:
        strangers = [person.short_name for person in consulted if person.district_id != district_id]
        if strangers:
            errors.setdefault(
                "consulted", _("Не из района объединения: %(names)s.") % {"names": ", ".join(strangers)}
            )
        if consultant is not None and consultant.district_id != district_id:
            errors["consultant"] = _("Консультант — не из района объединения.")
    return errors


@transaction.atomic
def consultation_save(*, consultation: Consultation, values: Mapping[str, Any], consulted: Sequence[Person],
                      user, version: int | None = None) -> Consultation:
    """Save the consultation (new or existing) with `values` (CONSULTATION_FIELDS) and its people
    consulted. An existing one is version-checked (`record_save`: VersionConflict when someone
    saved in between). The user must write the log it is in and the log it goes to."""
    if consultation.pk is not None and not access.allows(user, "consultation", consultation, "write"):
        raise PermissionDenied
    association = values.get("association", consultation.association if consultation.association_id else None)
    if association is None or not access.allows(user, "association", association, "write"):
        raise PermissionDenied(_("В этот журнал консультаций вы не можете вносить записи."))
    errors = consultation_people_errors(
        kind=values.get("kind", consultation.kind),
        consultant=values.get("consultant", consultation.consultant if consultation.consultant_id else None),
        consulted=consulted,
        district_id=association.district_id,
    )
    if errors:
        raise ValidationError(errors)
    return record_save(
        record=consultation, values=values, user=user, version=version, m2m={"consulted": list(consulted)}
    )


def consultation_delete(*, consultation: Consultation, user) -> None:
    if not access.allows(user, "consultation", consultation, "write"):
        raise PermissionDenied
    record_delete(record=consultation, user=user)
