"""Writes of professional development courses (курсы повышения квалификации): create, a
version-checked update and a deletion, all through `associations.records.services` (the one save
that validates the model, sets the academic year from the end date and checks the version).
Who may is `associations.access` (kind «course»), asked by the views before they call here; the
XLSX import calls `course_create` row by row inside its own transaction."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from associations.models import Person
from associations.records.models import Course, CourseProvider
from associations.records.services import record_delete, record_save

#: The fields a form or an import may set on a course (the rest are the record's bookkeeping).
COURSE_FIELDS = ("person", "title", "provider", "hours", "starts_on", "ends_on", "document_number")


def course_create(*, person: Person, title: str, provider: CourseProvider, hours: int,
                  starts_on: datetime.date, ends_on: datetime.date, document_number: str = "",
                  user) -> Course:
    """Record a course a person took. Raises ValidationError (by field, in Russian) on bad data:
    ends before it starts, hours out of 1–2000, a text too long, an academic year not set up."""
    return record_save(
        record=Course(),
        values={
            "person": person, "title": title, "provider": provider, "hours": hours,
            "starts_on": starts_on, "ends_on": ends_on, "document_number": document_number or "",
        },
        user=user,
    )


def course_update(*, course: Course, values: Mapping[str, Any], version: int | None, user) -> Course:
    """Change a course's fields (only those of COURSE_FIELDS); raises VersionConflict when someone
    saved it after `version` was read, ValidationError on bad data."""
    unknown = set(values) - set(COURSE_FIELDS)
    if unknown:
        raise ValueError(f"course_update: unknown fields {sorted(unknown)}")
    return record_save(record=course, values=values, user=user, version=version)


def course_delete(*, course: Course, user) -> None:
    """Delete a course record (its history keeps who deleted it and when)."""
    record_delete(record=course, user=user)
