"""Bulk import of a school's staff list from XLSX or CSV.

All or nothing: every row is read and checked first (required values, known values, dates,
classes already taken, people already in the school); if any row is wrong nothing is written
and the report names each wrong row as the spreadsheet numbers it (the header is row 1).
A person whose full name already exists in the school is updated, never duplicated.

The file is read by `associations.sheets` (its bounds, its headers, the row report), shared with
the import of attestation and courses. File-level problems (type, size, corrupt workbook,
unknown or missing headers) raise a ValidationError the form shows next to the file field.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.utils import bulk_create_with_history

from associations import sheets
from associations.models import (
    AcademicYear,
    Association,
    ClassAssignment,
    Membership,
    Person,
    School,
)
from associations.sheets import (  # noqa: F401  (the bounds, named here for the staff import's callers)
    MAX_FILE_SIZE,
    MAX_ROWS,
    MAX_ROWS_READ,
    Column,
    RowNote,
    RowProblem,
    check_upload,
    normalize,
)

NAME_MAX_LENGTH = 80
BATCH_SIZE = 500


COLUMNS: tuple[Column, ...] = (
    Column("last_name", gettext_lazy("Фамилия")),
    Column("first_name", gettext_lazy("Имя")),
    Column("patronymic", gettext_lazy("Отчество")),
    Column("gender", gettext_lazy("Пол")),
    Column("position", gettext_lazy("Должность")),
    Column("education", gettext_lazy("Образование")),
    Column(
        "experience_since",
        gettext_lazy("Начало стажа"),
        ("начало педагогического стажа", "дата начала стажа"),
    ),
    Column("category", gettext_lazy("Категория"), ("квалификационная категория",), required=False),
    Column(
        "category_date",
        gettext_lazy("Дата категории"),
        ("дата присвоения категории",),
        required=False,
    ),
    Column(
        "email",
        gettext_lazy("E-mail"),
        ("email", "е-mail", "электронная почта", "эл. почта", "эл.почта"),
        required=False,
    ),
    Column("class_label", gettext_lazy("Класс"), ("классное руководство",), required=False),
)
COLUMN_BY_KEY = {column.key: column for column in COLUMNS}

GENDERS = {
    "м": Person.Gender.MALE,
    "муж": Person.Gender.MALE,
    "мужской": Person.Gender.MALE,
    "ж": Person.Gender.FEMALE,
    "жен": Person.Gender.FEMALE,
    "женский": Person.Gender.FEMALE,
}
POSITION_ALIASES = {
    "заместитель директора по вр": Person.Position.DEPUTY_DIRECTOR,
    "зам. директора по вр": Person.Position.DEPUTY_DIRECTOR,
    "зам.директора по вр": Person.Position.DEPUTY_DIRECTOR,
    "зам директора по вр": Person.Position.DEPUTY_DIRECTOR,
}
CATEGORY_ALIASES = {
    "нет": Person.Category.NONE,
    "сзд": Person.Category.SZD,
}

CLASS_RE = re.compile(r"""^(?P<grade>\d{1,2})\s*[-‐–—]?\s*[«"“„'‹]?\s*(?P<letter>[А-ЯЁа-яё]{1,3})\s*[»"”'›]?$""")

# --- the report ------------------------------------------------------------------------


@dataclass
class ImportReport(sheets.RowReport):
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    classes: int = 0
    memberships: int = 0

    @property
    def counts(self) -> list[str]:
        """«3 новых педагога, 1 обновлённая запись, …»; the new-people count is always given."""
        phrases = [
            (
                self.created,
                True,
                ngettext("%(count)d новый педагог", "%(count)d новых педагогов", self.created),
            ),
            (
                self.updated,
                False,
                ngettext("%(count)d обновлённая запись", "%(count)d обновлённых записей", self.updated),
            ),
            (
                self.unchanged,
                False,
                ngettext("%(count)d запись без изменений", "%(count)d записей без изменений", self.unchanged),
            ),
            (
                self.classes,
                False,
                ngettext("%(count)d классное руководство", "%(count)d классных руководств", self.classes),
            ),
            (
                self.memberships,
                False,
                ngettext("%(count)d новый член МО", "%(count)d новых членов МО", self.memberships),
            ),
        ]
        return [phrase % {"count": n} for n, always, phrase in phrases if n or always]

    @property
    def summary(self) -> str:
        if self.problems:
            return self.failure_summary()
        if self.dry_run:
            return _("Проверка пройдена, ничего не записано. При импорте: %(counts)s.") % {
                "counts": ", ".join(self.counts)
            }
        return _("Импорт выполнен: %(counts)s.") % {"counts": ", ".join(self.counts)}

# --- checking one row ---------------------------------------------------------------------


@dataclass
class StaffRow:
    row: int
    last_name: str
    first_name: str
    patronymic: str
    gender: str
    position: str
    education: str | None  # None: the cell was empty
    experience_since: datetime.date | None
    category: str | None
    category_date: datetime.date | None
    email: str | None
    classes: list[tuple[int, str]]

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def name_key(self) -> tuple[str, str, str]:
        return sheets.name_key(self.last_name, self.first_name, self.patronymic)


def name_key(person: Person) -> tuple[str, str, str]:
    return sheets.name_key(person.last_name, person.first_name, person.patronymic)


def class_label(grade: int, letter: str) -> str:
    return f"{grade} «{letter}»"


def _parse_classes(value: str) -> list[tuple[int, str]]:
    result = []
    for part in re.split(r"[,;]", value):
        part = part.strip()
        if not part:
            continue
        match = CLASS_RE.match(part)
        grade = int(match["grade"]) if match else 0
        if not match or not 1 <= grade <= 11:
            raise ValueError(
                _("«%(value)s» — не класс; пишите так: 5А, 5 «А» или 5-А (параллели 1–11).") % {"value": part}
            )
        result.append((grade, match["letter"].upper()))
    return result


class _RowChecker:
    def __init__(self) -> None:
        self.positions = sheets.choice_map(Person.Position.choices) | POSITION_ALIASES
        self.educations = sheets.choice_map(Person.Education.choices)
        self.categories = sheets.choice_map(Person.Category.choices) | CATEGORY_ALIASES

    def _category(self, raw: str) -> str:
        key = normalize(raw).rstrip(".")
        for suffix in (" квалификационная категория", " категория"):
            if key.endswith(suffix) and key != "без категории":
                key = key.removesuffix(suffix)
        if key in self.categories:
            return self.categories[key]
        raise ValueError(
            _("«%(value)s» — неизвестное значение; допустимо: %(allowed)s.")
            % {"value": raw, "allowed": sheets.allowed(Person.Category.choices)}
        )

    def check(self, number: int, cells: dict[str, Any]) -> tuple[StaffRow | None, list[str]]:
        errors: list[str] = []

        def fail(key: str, message: str) -> None:
            errors.append(f"{COLUMN_BY_KEY[key].label}: {message}")

        names = {}
        for key in ("last_name", "first_name", "patronymic"):
            value = sheets.text(cells.get(key))
            if not value and key != "patronymic":
                fail(key, _("не заполнено."))
            elif len(value) > NAME_MAX_LENGTH:
                fail(key, _("длиннее %(max)d знаков.") % {"max": NAME_MAX_LENGTH})
            names[key] = value

        gender = ""
        raw = sheets.text(cells.get("gender"))
        if not raw:
            fail("gender", _("не заполнено (м или ж)."))
        else:
            gender = GENDERS.get(normalize(raw).rstrip("."), "")
            if not gender:
                fail("gender", _("«%(value)s» — нужно м или ж.") % {"value": raw})

        position = ""
        raw = sheets.text(cells.get("position"))
        if not raw:
            fail("position", _("не заполнено."))
        else:
            try:
                position = sheets.choice(raw, self.positions, Person.Position.choices)
            except ValueError as e:
                fail("position", str(e))

        education = None
        raw = sheets.text(cells.get("education"))
        if raw:
            try:
                education = sheets.choice(raw, self.educations, Person.Education.choices)
            except ValueError as e:
                fail("education", str(e))

        category = None
        raw = sheets.text(cells.get("category"))
        if raw:
            try:
                category = self._category(raw)
            except ValueError as e:
                fail("category", str(e))

        dates: dict[str, datetime.date | None] = {}
        for key in ("experience_since", "category_date"):
            raw_value = cells.get(key)
            dates[key] = None
            if sheets.is_blank(raw_value):
                continue
            try:
                dates[key] = sheets.parse_date(raw_value)
            except ValueError as e:
                fail(key, str(e))
        if dates["category_date"] and category in (None, Person.Category.NONE):
            fail("category_date", _("дата указана, а категории нет."))

        email = sheets.text(cells.get("email")) or None
        if email:
            try:
                validate_email(email)
            except ValidationError:
                fail("email", _("«%(value)s» — не адрес электронной почты.") % {"value": email})

        classes: list[tuple[int, str]] = []
        raw = sheets.text(cells.get("class_label"))
        if raw:
            try:
                classes = _parse_classes(raw)
            except ValueError as e:
                fail("class_label", str(e))

        if errors:
            return None, errors
        return (
            StaffRow(
                row=number,
                last_name=names["last_name"],
                first_name=names["first_name"],
                patronymic=names["patronymic"],
                gender=gender,
                position=position,
                education=education,
                experience_since=dates["experience_since"],
                category=category,
                category_date=dates["category_date"],
                email=email,
                classes=classes,
            ),
            [],
        )


def _row_name(cells: dict[str, Any]) -> str:
    parts = (sheets.text(cells.get(k)) for k in ("last_name", "first_name", "patronymic"))
    return " ".join(part for part in parts if part)


def _parse(*, data: bytes, filename: str, report: ImportReport) -> list[StaffRow]:
    table = sheets.table_rows(
        data=data, filename=filename, columns=COLUMNS, report=report,
        empty_message=_("В файле нет ни одной строки с сотрудниками."),
    )
    checker = _RowChecker()
    parsed: list[StaffRow] = []
    for number, cells in table:
        staff_row, errors = checker.check(number, cells)
        if errors:
            report.problems.append(RowProblem(row=number, name=_row_name(cells), messages=errors))
        else:
            parsed.append(staff_row)
    return parsed


# --- checking against the file and the database -------------------------------------------------

def _problem(report: ImportReport, row: StaffRow, message: str) -> None:
    report.problem(row=row.row, name=row.full_name, message=message)


def _check_against_file(rows: list[StaffRow], report: ImportReport) -> None:
    seen_names: dict[tuple[str, str, str], int] = {}
    seen_classes: dict[tuple[int, str], int] = {}
    for row in rows:
        if row.name_key in seen_names:
            _problem(
                report,
                row,
                _("%(name)s уже есть в строке %(row)d файла.")
                % {"name": row.full_name, "row": seen_names[row.name_key]},
            )
        else:
            seen_names[row.name_key] = row.row
        for grade_letter in row.classes:
            if grade_letter in seen_classes and seen_classes[grade_letter] != row.row:
                _problem(
                    report,
                    row,
                    _("Класс: %(label)s уже указан в строке %(row)d файла.")
                    % {"label": class_label(*grade_letter), "row": seen_classes[grade_letter]},
                )
            else:
                seen_classes.setdefault(grade_letter, row.row)


def _check_against_database(
    *, school: School, rows: list[StaffRow], report: ImportReport
) -> tuple[dict[int, Person], set[tuple[int, str, int]]]:
    """Row number → the existing person it updates; and the (grade, letter, teacher) already
    assigned this year, so that a repeated import does not add them twice."""
    existing: dict[tuple[str, str, str], list[Person]] = {}
    for person in Person.objects.filter(school=school):
        existing.setdefault(name_key(person), []).append(person)

    start_year = AcademicYear.start_year_for(timezone.localdate())
    taken: dict[tuple[int, str], ClassAssignment] = {
        (a.grade, a.letter.upper()): a
        for a in ClassAssignment.objects.filter(school=school, academic_year__start_year=start_year).select_related(
            "teacher", "academic_year"
        )
    }

    matches: dict[int, Person] = {}
    assigned: set[tuple[int, str, int]] = set()
    for row in rows:
        found = existing.get(row.name_key, [])
        if len(found) > 1:
            _problem(
                report,
                row,
                _("В школе уже несколько записей «%(name)s»: объедините их вручную, затем повторите импорт.")
                % {"name": row.full_name},
            )
            continue
        person = found[0] if found else None
        if person is not None:
            matches[row.row] = person
        for grade, letter in row.classes:
            assignment = taken.get((grade, letter))
            if assignment is None:
                continue
            if person is not None and assignment.teacher_id == person.pk:
                assigned.add((grade, letter, person.pk))
                continue
            _problem(
                report,
                row,
                _("Класс: %(label)s в %(year)s учебном году уже занят (классный руководитель — %(teacher)s).")
                % {
                    "label": class_label(grade, letter),
                    "year": assignment.academic_year,
                    "teacher": assignment.teacher.short_name,
                },
            )
    return matches, assigned


# --- writing ---------------------------------------------------------------------------------

UPDATABLE_FIELDS = (
    "gender",
    "position",
    "education",
    "experience_since",
    "category",
    "category_date",
    "email",
)


def _update(person: Person, row: StaffRow) -> list[str]:
    """Set the row's filled cells on the person; an empty cell keeps what is recorded."""
    changed = []
    for name in UPDATABLE_FIELDS:
        value = getattr(row, name)
        if value is None:
            continue
        if getattr(person, name) != value:
            setattr(person, name, value)
            changed.append(name)
    return changed


def _new_person(school: School, row: StaffRow) -> Person:
    return Person(
        district=school.district,
        school=school,
        last_name=row.last_name,
        first_name=row.first_name,
        patronymic=row.patronymic,
        gender=row.gender,
        position=row.position,
        education=row.education or "",
        experience_since=row.experience_since,
        category=row.category or Person.Category.NONE,
        category_date=row.category_date,
        email=row.email or "",
    )


def _checked(obj, row: StaffRow):
    """The object after its fields' own validation. Values and uniqueness were checked above
    (the database constraints stay the last guard), so relations and constraints are skipped."""
    relations = [f.name for f in obj._meta.concrete_fields if f.is_relation]
    try:
        obj.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(
            _("Строка %(row)d: %(errors)s") % {"row": row.row, "errors": " ".join(error.messages)},
            code="invalid_row",
        ) from None
    return obj


def _write(
    *,
    school: School,
    rows: list[StaffRow],
    matches: dict[int, Person],
    assigned: set[tuple[int, str, int]],
    user: AbstractBaseUser | None,
    report: ImportReport,
) -> None:
    """Write the checked rows, or with `report.dry_run` only count what would be written.
    New rows go in batches with their history (author: `user`): 2000 rows stay a few queries."""
    write = not report.dry_run
    start_year = AcademicYear.start_year_for(timezone.localdate())
    school_associations = list(Association.objects.filter(school=school, kind=Association.Kind.SCHOOL)[:2])
    association = school_associations[0] if len(school_associations) == 1 else None
    members: set[int] = set()
    if association is not None:
        members = set(
            Membership.objects.filter(association=association, academic_year__start_year=start_year).values_list(
                "person_id", flat=True
            )
        )

    people: dict[int, Person] = {}  # row number → person, existing or new
    new_people: list[Person] = []
    for row in rows:
        person = matches.get(row.row)
        if person is None:
            person = _checked(_new_person(school, row), row)
            new_people.append(person)
            report.created += 1
        elif changed := _update(person, row):
            report.updated += 1
            fields = ", ".join(str(Person._meta.get_field(name).verbose_name) for name in changed)
            report.notes.append(
                RowNote(
                    row=row.row,
                    name=row.full_name,
                    message=_("уже есть в школе — обновлено: %(fields)s.") % {"fields": fields},
                )
            )
            if write:
                _checked(person, row)
                person._history_user = user
                person.save(update_fields=changed)
        else:
            report.unchanged += 1
            report.notes.append(
                RowNote(row=row.row, name=row.full_name, message=_("уже есть в школе — без изменений."))
            )
        people[row.row] = person

    if write and new_people:
        bulk_create_with_history(new_people, Person, batch_size=BATCH_SIZE, default_user=user)

    year = AcademicYear.objects.current() if write else None
    assignments: list[ClassAssignment] = []
    memberships: list[Membership] = []
    for row in rows:
        person = people[row.row]
        for grade, letter in row.classes:
            if person.pk is not None and (grade, letter, person.pk) in assigned:
                continue
            assignments.append(
                _checked(
                    ClassAssignment(school=school, academic_year=year, grade=grade, letter=letter, teacher=person),
                    row,
                )
            )
        if row.classes and association is not None and (person.pk is None or person.pk not in members):
            memberships.append(Membership(association=association, person=person, academic_year=year))
            if person.pk is not None:
                members.add(person.pk)
    report.classes = len(assignments)
    report.memberships = len(memberships)
    if write:
        bulk_create_with_history(assignments, ClassAssignment, batch_size=BATCH_SIZE, default_user=user)
        bulk_create_with_history(memberships, Membership, batch_size=BATCH_SIZE, default_user=user)


# --- the service ---------------------------------------------------------------------------------


def staff_import(
    *,
    school: School,
    file,
    filename: str,
    user: AbstractBaseUser | None,
    dry_run: bool = False,
) -> ImportReport:
    """Import a school's staff list (XLSX or CSV). Raises ValidationError for a file that cannot
    be read at all; returns a report whose `problems` list the wrong rows (nothing is written
    then) or whose counts say what was written."""
    report = ImportReport(filename=PurePath(filename or "").name, dry_run=dry_run)
    rows = _parse(data=sheets.read_upload(file), filename=filename, report=report)
    _check_against_file(rows, report)

    with transaction.atomic():
        # One import per school at a time: the checks below stay true until the writes are done.
        school = School.objects.select_for_update().select_related("district").get(pk=school.pk)
        matches, assigned = _check_against_database(school=school, rows=rows, report=report)
        report.problems.sort(key=lambda p: p.row)
        if report.problems:
            return report
        try:
            _write(school=school, rows=rows, matches=matches, assigned=assigned, user=user, report=report)
        except IntegrityError:
            # A class or membership written by someone else meanwhile; the whole import rolls back.
            raise ValidationError(
                _("Данные школы изменились во время импорта; ничего не записано. Повторите загрузку."),
                code="conflict",
            ) from None
    return report


def staff_import_template() -> bytes:
    """An empty workbook with the expected headers and a sheet of allowed values."""
    allowed = sheets.allowed
    return sheets.template_workbook(
        title=_("Сотрудники"),
        columns=COLUMNS,
        help_rows=[
            (COLUMN_BY_KEY["gender"].label, _("м, ж (или муж, жен, мужской, женский)")),
            (COLUMN_BY_KEY["position"].label, allowed(Person.Position.choices)),
            (COLUMN_BY_KEY["education"].label, allowed(Person.Education.choices) + _(" или пусто")),
            (COLUMN_BY_KEY["category"].label, allowed(Person.Category.choices) + _(" или пусто")),
            (_("Даты"), _("ДД.ММ.ГГГГ или ячейка с датой")),
            (COLUMN_BY_KEY["class_label"].label, _("5А, 5 «А» или 5-А; пусто, если класса нет")),
        ],
    )
