"""What every kind of record's services share: a version-checked save (a second editor's save
never silently overwrites the first's) and a deletion, both inside a transaction, both through
model validation. Each kind's own rules are in its subpackage's services; the rules of who may
are in `associations.access`, asked by the views before they call here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from associations.models import AcademicYear
from rmo_portal.editors import VersionConflict

Record = TypeVar("Record", bound=models.Model)


@transaction.atomic
def record_save(*, record: Record, values: Mapping[str, Any], user, version: int | None = None,
                m2m: Mapping[str, Any] | None = None) -> Record:
    """Set `values` on the record (new or existing), validate it (`full_clean`: the model's
    `clean` holds its rules) and save it; `m2m` sets many-to-many fields after the save. An
    existing record is locked first; a `version` older than the record's raises VersionConflict
    with the record as it is now."""
    if record.pk is not None:
        current = type(record).objects.select_for_update().get(pk=record.pk)
        if version is not None and current.version != version:
            raise VersionConflict(
                current,
                _("Запись уже изменил другой пользователь, пока вы её редактировали. Ниже — её текущее "
                  "состояние; ваши изменения сохранены в форме — проверьте и сохраните ещё раз."),
            )
        record.version = current.version + 1
    elif user is not None and getattr(record, "entered_by_id", None) is None and hasattr(record, "entered_by"):
        record.entered_by = user
    for name, value in values.items():
        setattr(record, name, value)
    _set_academic_year(record)
    record.full_clean()
    record.save()
    for name, value in (m2m or {}).items():
        getattr(record, name).set(value)
    return record


def _set_academic_year(record) -> None:
    """The record's academic year is its date's (a record never names a year apart from its date)."""
    date_field = getattr(record, "date_field", "")
    day = getattr(record, date_field, None) if date_field else None
    if day is None:
        return
    try:
        record.academic_year = AcademicYear.objects.for_date(day)
    except AcademicYear.DoesNotExist:
        raise ValidationError({
            date_field: _("%(year)s учебный год не заведён в портале: обратитесь к администратору.")
            % {"year": f"{AcademicYear.start_year_for(day)}/{AcademicYear.start_year_for(day) + 1}"}
        }) from None


@transaction.atomic
def record_delete(*, record: models.Model, user) -> None:
    """Delete the record (its history keeps who and when: simple-history records the deletion)."""
    record._history_user = user  # simple-history: who deleted it
    record.delete()
