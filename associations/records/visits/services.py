"""Writes of visits (посещения) of the РМО head or the methodical office to a school's МО, its
meeting or an event: the visit with its recommendations saved in one go (version-checked), its
deletion, and the school's follow-up mark on a recommendation (and taking it back).

The visit itself goes through `associations.records.services.record_save` (model validation, the
academic year from the visit's date, the version); its recommendations through the editor kit's
`rows_apply`, then numbered 1..n in the order the user left them. Who may is
`associations.access` (kinds «visit»: write, «recommendation»: follow_up), checked here as well
as by the views. A visit's link to a meeting is the meetings app's (`meetings.visits`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from associations import access
from associations.records.models import VISIT_MAX_RECOMMENDATIONS, Visit, VisitRecommendation
from associations.records.services import record_delete, record_save
from rmo_portal.editors import LAST_POSITION, Row, rows_apply

#: The fields a form may set on a visit (the rest are the record's bookkeeping).
VISIT_FIELDS = (
    "visited_on", "school", "target", "visitor", "visited_person", "event_title", "purpose", "findings",
)
#: The fields of a recommendation the visit's editor sets (the mark is the school's).
RECOMMENDATION_FIELDS = ("position", "text", "due_on")

def recommendation_due_error(*, visited_on: datetime.date | None, due_on: datetime.date | None) -> str:
    """Why a recommendation's due date is refused ("" when it is not): it cannot come before the
    visit. The editor's formset shows it next to the row's date; the save refuses it too."""
    if visited_on is None or due_on is None or due_on >= visited_on:
        return ""
    return _("Срок не может быть раньше посещения (%(date)s).") % {"date": visited_on.strftime("%d.%m.%Y")}


def _require(user, kind: str, obj, action: str) -> None:
    if not access.allows(user, kind, obj, action):
        raise PermissionDenied


def _check_fields(values: Mapping[str, Any]) -> None:
    unknown = set(values) - set(VISIT_FIELDS)
    if unknown:
        raise ValueError(f"visit save: unknown fields {sorted(unknown)}")


@transaction.atomic
def visit_create(*, values: Mapping[str, Any], recommendations: Sequence[Row] = (), user) -> Visit:
    """A new visit of `values` (VISIT_FIELDS) with its recommendations (`Row`s of the editor).
    Raises PermissionDenied when the user does not write visits to the school, ValidationError
    (by field, in Russian) on bad data."""
    _check_fields(values)
    visit = Visit(**{name: values[name] for name in ("school",) if name in values})
    _require(user, "visit", visit, "write")
    visit = record_save(record=visit, values=values, user=user)
    _recommendations_apply(visit, recommendations)
    return visit


@transaction.atomic
def visit_update(
    *, visit: Visit, values: Mapping[str, Any], recommendations: Sequence[Row] = (), version: int | None, user
) -> Visit:
    """Save a visit's fields and its recommendations in one go; raises VersionConflict when
    someone saved the visit after `version` was read (nothing is written then), PermissionDenied
    when the user does not write it (nor the school it would move to)."""
    _check_fields(values)
    _require(user, "visit", visit, "write")
    if "school" in values:
        _require(user, "visit", Visit(school=values["school"]), "write")
    visit = record_save(record=visit, values=values, user=user, version=version)
    _recommendations_apply(visit, recommendations)
    return visit


def _recommendations_apply(visit: Visit, rows: Sequence[Row]) -> None:
    """Delete, change and add the visit's recommendations (the kit's `rows_apply`: a row id of
    another visit is refused), then number them 1..n: by the number the user gave each row (a
    row left without one goes last; on a tie an existing row comes first), the untouched rows
    keeping theirs. The unique (visit, position) is checked row by row, so every row first steps
    aside to a free position above the final numbers."""
    rows = list(rows)
    if not rows:
        return
    for row in rows:
        row.values = {name: value for name, value in row.values.items() if name != "visit"}  # the parent
        unknown = set(row.values) - set(RECOMMENDATION_FIELDS)
        if unknown:
            raise ValueError(f"visit save: unknown recommendation fields {sorted(unknown)}")
        error = recommendation_due_error(visited_on=visit.visited_on, due_on=row.values.get("due_on"))
        if error and not row.delete:
            raise ValidationError({"due_on": error})
    current = dict(visit.recommendations.order_by("position", "pk").values_list("pk", "position"))
    free = _free_positions(set(current.values()), count=len(current) + len(rows))
    for pk in current:
        VisitRecommendation.objects.filter(pk=pk).update(position=next(free))
    asked: dict[int, int] = dict(current)  # an existing row's pk -> the number it asks for
    asked_new: dict[int, int] = {}  # a new row's temporary position -> the number it asks for
    for row in rows:
        if row.delete:
            continue
        number = row.values.get("position") or LAST_POSITION
        temporary = next(free)
        if row.pk is not None:
            asked[row.pk] = number
        else:
            asked_new[temporary] = number
        row.values = {**row.values, "position": temporary}
    rows_apply(manager=visit.recommendations, parent_field="visit", parent=visit, rows=rows)

    kept = list(visit.recommendations.all())
    if len(kept) > VISIT_MAX_RECOMMENDATIONS:
        raise ValidationError(
            _("У посещения не может быть больше %(count)d рекомендаций.") % {"count": VISIT_MAX_RECOMMENDATIONS}
        )
    saved = {row.pk for row in rows if row.pk is not None}

    def order(item: VisitRecommendation) -> tuple[int, int, int]:
        if item.pk in asked:
            return (asked[item.pk], 0, item.pk)
        return (asked_new.get(item.position, LAST_POSITION), 1, item.pk)

    for position, item in enumerate(sorted(kept, key=order), start=1):
        if item.pk in saved or item.position in asked_new:
            # Saved just now: its history's last record should read its final number.
            item.position = position
            item.save(update_fields=["position"])
        else:  # untouched: back to its number (usually the one it had), no new history record
            VisitRecommendation.objects.filter(pk=item.pk).update(position=position)


def _free_positions(used: set[int], *, count: int):
    """`count` positions above the final numbers (1..VISIT_MAX_RECOMMENDATIONS) that no row holds."""
    position = VISIT_MAX_RECOMMENDATIONS
    for _index in range(count):
        position += 1
        while position in used:
            position += 1
        yield position


def visit_delete(*, visit: Visit, user) -> None:
    """Delete the visit with its recommendations (and its link to a meeting: the link goes with
    the visit). Raises PermissionDenied when the user does not write it."""
    _require(user, "visit", visit, "write")
    record_delete(record=visit, user=user)


# --- the school's follow-up -----------------------------------------------------------------------


@transaction.atomic
def recommendation_mark(
    *, recommendation: VisitRecommendation, done_on: datetime.date, note: str = "", user
) -> VisitRecommendation:
    """The school's mark: the recommendation was carried out on `done_on` (not before the visit,
    not in the future), with a note. By the school's МО head or deputy director, or whoever
    writes the visit. A ValidationError names the field it is about."""
    _require(user, "recommendation", recommendation, "follow_up")
    locked = VisitRecommendation.objects.select_for_update(of=("self",)).select_related("visit").get(
        pk=recommendation.pk
    )
    visited_on = locked.visit.visited_on
    if done_on is None:
        raise ValidationError({"done_on": _("Укажите дату выполнения.")})
    if done_on < visited_on:
        raise ValidationError({
            "done_on": _("Рекомендацию нельзя выполнить раньше посещения (%(date)s).")
            % {"date": visited_on.strftime("%d.%m.%Y")}
        })
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": _("Дата выполнения не может быть позже сегодняшнего дня.")})
    locked.done_on = done_on
    locked.done_note = note or ""
    locked.marked_by = user
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def recommendation_unmark(*, recommendation: VisitRecommendation, user) -> VisitRecommendation:
    """Take the school's mark back: the recommendation is open again."""
    _require(user, "recommendation", recommendation, "follow_up")
    locked = VisitRecommendation.objects.select_for_update(of=("self",)).get(pk=recommendation.pk)
    if locked.done_on is None:
        raise ValidationError(_("Рекомендация и так не отмечена выполненной."))
    locked.done_on = None
    locked.done_note = ""
    locked.marked_by = user
    locked.save()
    return locked
