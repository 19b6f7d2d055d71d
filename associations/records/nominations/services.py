"""Writes of the nominations for encouragement (ходатайство о поощрении): one saved (new or
changed, version-checked), one deleted.

The rules, enforced here and quoted on refusal: a nomination is made by the МО head for the
people of their school, by the methodologist (and the administrators) for the district, never
by a person for themselves (`access`, «nomination», «write»); the association it comes from is
the person's (their school's МО, or the district's РМО) and, when set or changed, one the user
writes; its outcome goes from «на рассмотрении» to «поощрён» or «отклонено» once, with the date
of the outcome (the model's rule: required then, never before the nomination), not later than
today."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations import access
from associations.models import Nomination
from associations.records.services import record_delete, record_save

NOMINATION_FIELDS = ("person", "association", "reason", "award", "addressee", "nominated_on")
OUTCOME_FIELDS = ("outcome", "outcome_on", "outcome_note")

PENDING = Nomination.Outcome.PENDING
#: The outcomes each outcome may become: a decided nomination keeps its outcome.
TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING: frozenset({PENDING, Nomination.Outcome.GRANTED, Nomination.Outcome.REFUSED}),
    Nomination.Outcome.GRANTED: frozenset({Nomination.Outcome.GRANTED}),
    Nomination.Outcome.REFUSED: frozenset({Nomination.Outcome.REFUSED}),
}


def _check_person(*, nomination: Nomination, values: Mapping[str, Any], user) -> None:
    person = values.get("person", nomination.person if nomination.person_id else None)
    if person is None:
        raise ValidationError({"person": _("Укажите, кого представляют к поощрению.")})
    roles = access.roles_for(user)
    if roles.person is not None and person.pk == roles.person.pk:
        raise ValidationError({"person": _(
            "Ходатайство о собственном поощрении не оформляют: его вносит руководитель МО или методист района."
        )})
    if not access.allows(user, "nomination", Nomination(person=person), "write"):
        raise ValidationError({"person": _(
            "Ходатайствовать о поощрении этого педагога вы не можете: руководитель МО — за педагогов своей "
            "школы, методист — за педагогов района."
        )})
    association = values.get("association", nomination.association if nomination.association_id else None)
    if association is None:
        return
    unchanged = nomination.pk is not None and association.pk == nomination.association_id
    if not unchanged and not access.allows(user, "association", association, "write"):
        raise ValidationError({"association": _("От имени этого объединения вы не ходатайствуете.")})
    if association.is_district and association.district_id != person.district_id:
        raise ValidationError({"association": _("%(name)s работает в другом районе.") % {"name": person.short_name}})
    if not association.is_district and association.school_id != person.school_id:
        raise ValidationError({"association": _(
            "%(name)s не работает в школе этого МО: школьное МО ходатайствует только за своих педагогов."
        ) % {"name": person.short_name}})


def _check_outcome(*, current: Nomination | None, values: Mapping[str, Any]) -> None:
    outcome = values.get("outcome", current.outcome if current is not None else PENDING)
    was = current.outcome if current is not None else PENDING
    if outcome not in TRANSITIONS[was]:
        raise ValidationError({"outcome": _(
            "Итог ходатайства уже внесён («%(outcome)s», %(date)s): изменить его нельзя."
        ) % {
            "outcome": current.get_outcome_display(),
            "date": current.outcome_on.strftime("%d.%m.%Y") if current.outcome_on else "—",
        }})
    outcome_on = values.get("outcome_on")
    if outcome_on is not None and outcome_on > timezone.localdate():
        raise ValidationError({"outcome_on": _("Дата итога не может быть позже сегодняшнего дня.")})


@transaction.atomic
def nomination_save(*, nomination: Nomination, values: Mapping[str, Any], user,
                    version: int | None = None) -> Nomination:
    """Save the nomination (new or existing) with `values` (NOMINATION_FIELDS and, once made,
    OUTCOME_FIELDS). An existing one is locked and version-checked (`record_save`: VersionConflict
    when someone saved in between); its outcome changes only as TRANSITIONS allow."""
    current = None
    if nomination.pk is not None:
        if not access.allows(user, "nomination", nomination, "write"):
            raise PermissionDenied
        current = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if version is not None and current.version != version:
            # The conflict comes first: the rules are asked again of what the user sees next.
            return record_save(record=nomination, values=values, user=user, version=version)
    _check_person(nomination=nomination, values=values, user=user)
    _check_outcome(current=current, values=values)
    return record_save(record=nomination, values=values, user=user, version=version)


def nomination_delete(*, nomination: Nomination, user) -> None:
    if not access.allows(user, "nomination", nomination, "write"):
        raise PermissionDenied
    record_delete(record=nomination, user=user)
