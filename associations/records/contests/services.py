"""Writes of the contests of professional mastery: a participation entered (one person's, or a
team's, one entry per participant with the same team name), changed (version-checked), deleted,
confirmed, and the district-stage results entered for the whole district at once.

The rules, enforced here and quoted on refusal:

- who may enter, change, delete and confirm is `associations.access` («contest_entry»: a
  teacher their own, and changes it only while it waits for confirmation; the МО head their
  school's, the methodologist the district's, never confirming their own);
- an entry starts «ждёт подтверждения», unless the one who enters it may confirm it: then it is
  confirmed at once, by them (the team's entries each by the same rule);
- only «ждёт подтверждения» → «подтверждено», never back, never by the person themselves;
- a person takes part in a contest once per stage, nomination and academic year (a second entry
  is refused, naming the first); the district table updates such an entry instead;
- a team has a name, at most TEAM_MAX members, each of the people the user may enter a team
  with (`selectors.team_people`);
- place vs result: the model's `ContestEntry.clean`.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from associations import access
from associations.access import User
from associations.models import AcademicYear, District, Person
from associations.records.contests.selectors import team_people
from associations.records.models import Contest, ContestEntry, Level
from associations.records.services import record_delete, record_save

#: The people of one team at most (besides the person entering the entry).
TEAM_MAX = 30
#: The rows of one district table at most.
RESULTS_MAX_ROWS = 100
#: What the forms give the services (the person and the team members apart).
ENTRY_FIELDS = ("contest", "level", "held_on", "nomination", "team", "result", "place", "result_note")
#: The stage whose results the methodologist enters for the whole district.
DISTRICT_LEVEL = Level.MUNICIPAL

ENTERED, CONFIRMED = ContestEntry.Status.ENTERED, ContestEntry.Status.CONFIRMED


# --- who may, in words --------------------------------------------------------------------------


def refusal_reason(*, user: User, entry: ContestEntry, action: str) -> str:
    """Why the user may not `action` ("write", "confirm") this entry they see, in one sentence."""
    person = access.roles_for(user).person
    own = person is not None and entry.person_id == person.pk
    if action == "confirm" and own:
        return _("Своё участие подтвердить нельзя: его подтверждает руководитель МО или методист района.")
    if action == "write" and own and entry.is_confirmed:
        return _("Участие уже подтверждено: изменить или удалить его может руководитель МО или методист района.")
    if action == "confirm":
        return _("Подтверждать участие может руководитель МО (своей школы) или методист района.")
    return _("Это участие вы не можете изменять.")


def _require(user: User, entry: ContestEntry, action: str) -> None:
    if not access.allows(user, "contest_entry", entry, action):
        raise PermissionDenied(refusal_reason(user=user, entry=entry, action=action))


def _confirmation(entry: ContestEntry, user: User) -> dict[str, Any]:
    """The status an entry gets from the one who enters it: confirmed at once (by them) when they
    may confirm it, else waiting for confirmation."""
    if access.allows(user, "contest_entry", entry, "confirm"):
        return {"status": CONFIRMED, "confirmed_by": user, "confirmed_at": timezone.now()}
    return {"status": ENTERED, "confirmed_by": None, "confirmed_at": None}


# --- the rules of several rows --------------------------------------------------------------------


def _same_participation(*, person: Person, contest: Contest | None, level: str, held_on: datetime.date | None,
                        nomination: str, exclude_pk: int | None = None) -> ContestEntry | None:
    """The person's entry of the same contest, stage, nomination and academic year, if any."""
    if contest is None or held_on is None or not level:
        return None
    entries = ContestEntry.objects.filter(
        person=person, contest=contest, level=level, nomination__iexact=nomination.strip(),
        academic_year__start_year=AcademicYear.start_year_for(held_on),
    )
    if exclude_pk is not None:
        entries = entries.exclude(pk=exclude_pk)
    return entries.order_by("held_on", "pk").first()


def _duplicate_message(person: Person, first: ContestEntry) -> str:
    return _(
        "%(name)s уже участвует в этом конкурсе на этом этапе в этом учебном году (запись от %(date)s). "
        "Измените ту запись или укажите другую номинацию."
    ) % {"name": person.short_name, "date": first.held_on.strftime("%d.%m.%Y")}


def team_errors(*, user: User, person: Person, team: str, members: Sequence[Person]) -> dict[str, str]:
    """What is wrong with a team (empty when nothing is), by field: `team`, `team_members`."""
    errors: dict[str, str] = {}
    if members and not team.strip():
        errors["team"] = _("Укажите название команды: у участия есть соучастники.")
    if len(members) > TEAM_MAX:
        errors["team_members"] = _("В команде — не больше %(max)d соучастников.") % {"max": TEAM_MAX}
    elif any(member.pk == person.pk for member in members):
        errors["team_members"] = _("%(name)s — участник записи: среди соучастников его указывать не нужно.") % {
            "name": person.short_name
        }
    elif len({member.pk for member in members}) != len(members):
        errors["team_members"] = _("Соучастник указан дважды.")
    elif members:
        allowed = set(team_people(user=user).filter(pk__in=[m.pk for m in members]).values_list("pk", flat=True))
        strangers = [member.short_name for member in members if member.pk not in allowed]
        if strangers:
            errors["team_members"] = _("Участие этих педагогов вы не вносите: %(names)s.") % {
                "names": ", ".join(strangers)
            }
    return errors


# --- one participation -----------------------------------------------------------------------------


@transaction.atomic
def contest_entry_create(*, user: User, person: Person, values: Mapping[str, Any],
                         team_members: Sequence[Person] = ()) -> list[ContestEntry]:
    """Enter the person's participation (`values`: ENTRY_FIELDS) and, for a team, one entry per
    co-participant with the same values. Each entry is confirmed at once when the user may
    confirm it, else it waits for confirmation. All or none: a refused entry saves nothing."""
    if not access.record_people(user, action="write").filter(pk=person.pk).exists():
        raise PermissionDenied(_("Участие этого педагога вы не вносите."))
    errors = team_errors(user=user, person=person, team=values.get("team", ""), members=team_members)
    if errors:
        raise ValidationError(errors)
    entries = []
    for participant in (person, *team_members):
        first = _same_participation(
            person=participant, contest=values.get("contest"), level=values.get("level", ""),
            held_on=values.get("held_on"), nomination=values.get("nomination", ""),
        )
        if first is not None:
            raise ValidationError({"contest" if participant is person else "team_members": _duplicate_message(
                participant, first
            )})
        entry = ContestEntry(person=participant)
        entries.append(record_save(record=entry, values={**values, **_confirmation(entry, user)}, user=user))
    return entries


@transaction.atomic
def contest_entry_update(*, entry: ContestEntry, user: User, values: Mapping[str, Any], version: int | None,
                         person: Person | None = None) -> ContestEntry:
    """Change the entry (`values`: ENTRY_FIELDS; `person` when the user picks people), checking
    the version it was opened at (VersionConflict when someone saved in between). A changed
    person gets the status the user gives a new entry of theirs: nobody thereby confirms their own."""
    _require(user, entry, "write")
    values = dict(values)
    if person is not None and person.pk != entry.person_id:
        if not access.record_people(user, action="write").filter(pk=person.pk).exists():
            raise ValidationError({"person": _("Участие этого педагога вы не вносите.")})
        values["person"] = person
        values.update(_confirmation(ContestEntry(person=person), user))
    first = _same_participation(
        person=values.get("person", entry.person), contest=values.get("contest", entry.contest),
        level=values.get("level", entry.level), held_on=values.get("held_on", entry.held_on),
        nomination=values.get("nomination", entry.nomination), exclude_pk=entry.pk,
    )
    if first is not None:
        raise ValidationError({"contest": _duplicate_message(values.get("person", entry.person), first)})
    return record_save(record=entry, values=values, user=user, version=version)


@transaction.atomic
def contest_entry_delete(*, entry: ContestEntry, user: User) -> None:
    _require(user, entry, "write")
    record_delete(record=entry, user=user)


@transaction.atomic
def contest_entry_confirm(*, entry: ContestEntry, user: User) -> ContestEntry:
    """«ждёт подтверждения» → «подтверждено», by the user (who may confirm it and is not its
    person). An entry already confirmed is refused, saying by whom."""
    current = ContestEntry.objects.select_for_update(of=("self",)).select_related("person", "confirmed_by__person").get(
        pk=entry.pk
    )
    if current.is_confirmed:
        who = current.confirmed_by
        name = getattr(getattr(who, "person", None), "short_name", "") or (who.get_username() if who else "")
        raise ValidationError(
            _("Участие уже подтверждено (%(who)s, %(date)s).")
            % {"who": name or "—", "date": timezone.localtime(current.confirmed_at).strftime("%d.%m.%Y")}
            if current.confirmed_at else _("Участие уже подтверждено.")
        )
    _require(user, current, "confirm")
    return record_save(
        record=current, values={"status": CONFIRMED, "confirmed_by": user, "confirmed_at": timezone.now()}, user=user
    )


# --- the district table -------------------------------------------------------------------------


@dataclass(frozen=True)
class ResultRow:
    """One row of the district table: `number`, its place in the table (its errors come back by it)."""

    number: int
    person: Person
    result: str
    place: int | None = None
    nomination: str = ""
    result_note: str = ""


class ResultRowsInvalid(ValidationError):
    """Rows of the district table are refused (`rows`: a row's number → its error); nothing was
    saved."""

    def __init__(self, rows: dict[int, ValidationError]):
        count = len(rows)
        super().__init__(
            ngettext(
                "Результаты не сохранены: исправьте %(count)d строку, отмеченную красным.",
                "Результаты не сохранены: исправьте %(count)d строк, отмеченных красным.",
                count,
            ) % {"count": count}
        )
        self.rows = rows


@dataclass
class ResultsEntered:
    entries: list[ContestEntry] = field(default_factory=list)
    created: int = 0
    updated: int = 0  # an entry of the same participation already there (the teacher's own)

    @property
    def waiting(self) -> int:
        """Entries that still wait for confirmation (the user's own: nobody confirms their own)."""
        return sum(1 for entry in self.entries if not entry.is_confirmed)


def _matching(candidates: list[ContestEntry], row: ResultRow) -> ContestEntry | None:
    """The entry a row of the table is (the same nomination; or the only entry, where one of
    the two names no nomination), or None for a new one."""
    nomination = row.nomination.strip().casefold()
    same = [entry for entry in candidates if entry.nomination.strip().casefold() == nomination]
    if same:
        return same[0]
    if len(candidates) == 1 and (not nomination or not candidates[0].nomination.strip()):
        return candidates[0]
    return None


@transaction.atomic
def contest_results_enter(*, user: User, district: District, contest: Contest, held_on: datetime.date,
                          rows: Sequence[ResultRow]) -> ResultsEntered:
    """The district stage's results for the whole district: one entry per row, confirmed by the
    user (where they may confirm it). A person's entry of the same contest, stage and year
    already there (entered by the teacher) is updated and confirmed rather than doubled. All
    rows or none: any refused row raises ResultRowsInvalid with every row's error."""
    allowed = access.contest_results_district_ids(user)
    if allowed is not None and district.pk not in allowed:
        raise PermissionDenied(_("Результаты этого района вы не вносите."))
    if not rows:
        raise ValidationError(_("Таблица пуста: укажите хотя бы одного участника."))
    if len(rows) > RESULTS_MAX_ROWS:
        raise ValidationError(_("В таблице — не больше %(max)d строк.") % {"max": RESULTS_MAX_ROWS})
    start_year = AcademicYear.start_year_for(held_on)
    if not AcademicYear.objects.filter(start_year=start_year).exists():
        raise ValidationError({"held_on": _("%(year)s учебный год не заведён в портале: обратитесь к администратору.")
                               % {"year": f"{start_year}/{start_year + 1}"}})

    errors: dict[int, ValidationError] = {}
    first_row: dict[tuple[int, str], int] = {}
    for row in rows:
        key = (row.person.pk, row.nomination.strip().casefold())
        if row.person.district_id != district.pk:
            errors[row.number] = ValidationError({"person": _("%(name)s — не из района %(district)s.") % {
                "name": row.person.short_name, "district": district.name,
            }})
        elif key in first_row:
            errors[row.number] = ValidationError({"person": _(
                "%(name)s уже есть в строке %(row)d: одна строка на участника (в другой номинации — укажите её)."
            ) % {"name": row.person.short_name, "row": first_row[key]}})
        else:
            first_row[key] = row.number

    existing: dict[int, list[ContestEntry]] = {}
    for entry in ContestEntry.objects.filter(
        person__in=[row.person for row in rows], contest=contest, level=DISTRICT_LEVEL,
        academic_year__start_year=start_year,
    ).select_related("person").order_by("held_on", "pk"):
        existing.setdefault(entry.person_id, []).append(entry)

    outcome = ResultsEntered()
    for row in rows:
        if row.number in errors:
            continue
        entry = _matching(existing.get(row.person.pk, []), row)
        if entry is not None and not access.allows(user, "contest_entry", entry, "write"):
            errors[row.number] = ValidationError({"person": refusal_reason(user=user, entry=entry, action="write")})
            continue
        is_new = entry is None
        entry = entry or ContestEntry(person=row.person)
        values = {
            "contest": contest, "level": DISTRICT_LEVEL, "held_on": held_on, "result": row.result,
            "place": row.place, "result_note": row.result_note, **_confirmation(entry, user),
        }
        if is_new or row.nomination.strip():
            values["nomination"] = row.nomination.strip()
        try:
            outcome.entries.append(record_save(record=entry, values=values, user=user))
        except ValidationError as error:
            errors[row.number] = error
            continue
        if is_new:
            outcome.created += 1
        else:
            outcome.updated += 1
    if errors:
        raise ResultRowsInvalid(errors)
    return outcome
