"""Bulk import of a school's staff list from XLSX or CSV.

All or nothing: every row is read and checked first (required values, known values, dates,
classes already taken, people already in the school); if any row is wrong nothing is written
and the report names each wrong row as the spreadsheet numbers it (the header is row 1).
A person whose full name already exists in the school is updated, never duplicated.

File-level problems (type, size, corrupt workbook, unknown or missing headers) raise a
ValidationError the form shows next to the file field.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
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

from associations.models import (
    AcademicYear,
    Association,
    ClassAssignment,
    Membership,
    Person,
    School,
)

MAX_FILE_SIZE = 2 * 1024 * 1024
MAX_ROWS = 2000
# What is read of a sheet at the most, whatever the file declares: the template's columns with
# room to spare, and every row read (blank ones too) counted against a bound. A few kilobytes of
# XML can declare a cell in the last column (XFD) of the last row (1 048 576); read as declared,
# that is gigabytes of empty cells.
MAX_COLUMNS = 40
MAX_ROWS_READ = 4 * MAX_ROWS
# This many blank rows in a row end the data: formatting often reaches far below the list.
BLANK_ROWS_END = 200
# An XLSX is a zip: refuse one that would unpack to far more than a staff list can hold.
MAX_UNPACKED_SIZE = 40 * 1024 * 1024
EARLIEST_DATE = datetime.date(1940, 1, 1)
NAME_MAX_LENGTH = 80
BATCH_SIZE = 500


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy string
    aliases: tuple[str, ...] = ()
    required: bool = True


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
DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d")


def normalize(value: Any) -> str:
    """Case-, space- and dash-insensitive form of a header or a choice label."""
    text = str(value).replace("\xa0", " ").replace("ё", "е").replace("Ё", "Е").lower()
    text = re.sub(r"[‐-―]", "-", text)
    text = re.sub(r"\s*-\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def _header_key(value: Any) -> str:
    return normalize(value).rstrip(":*").strip()


def _choice_map(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    return {normalize(label): value for value, label in choices}


# --- the report ------------------------------------------------------------------------


@dataclass
class RowProblem:
    row: int
    name: str
    messages: list[str]


@dataclass
class RowNote:
    row: int
    name: str
    message: str


@dataclass
class ImportReport:
    filename: str
    dry_run: bool = False
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    classes: int = 0
    memberships: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[RowNote] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

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
            n = len(self.problems)
            return ngettext(
                "Ошибка в %(count)d строке — ничего не импортировано.",
                "Ошибки в %(count)d строках — ничего не импортировано.",
                n,
            ) % {"count": n}
        if self.dry_run:
            return _("Проверка пройдена, ничего не записано. При импорте: %(counts)s.") % {
                "counts": ", ".join(self.counts)
            }
        return _("Импорт выполнен: %(counts)s.") % {"counts": ", ".join(self.counts)}


# --- reading the file --------------------------------------------------------------------


def check_upload(*, filename: str, size: int | None) -> None:
    """What can be refused before the file is read: its type (by name) and its size."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix == ".xls":
        raise ValidationError(
            _("Старый формат .xls не поддерживается: сохраните файл как XLSX или CSV (UTF-8)."),
            code="file_type",
        )
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError(
            _("Нужен файл XLSX или CSV; «%(name)s» — другого типа.") % {"name": PurePath(filename or "").name},
            code="file_type",
        )
    if size is not None and size > MAX_FILE_SIZE:
        raise ValidationError(
            _("Файл больше %(limit)s МБ: разделите список на части.") % {"limit": MAX_FILE_SIZE // (1024 * 1024)},
            code="file_size",
        )


def _too_many_rows() -> ValidationError:
    return ValidationError(
        ngettext(
            "В файле больше %(count)d строки с данными: разделите список на части.",
            "В файле больше %(count)d строк с данными: разделите список на части.",
            MAX_ROWS,
        )
        % {"count": MAX_ROWS},
        code="too_many_rows",
    )


def _corrupt_xlsx() -> ValidationError:
    return ValidationError(
        _("Не удалось прочитать файл XLSX: он повреждён или это файл другого формата."),
        code="corrupt",
    )


def _read_xlsx(data: bytes) -> list[tuple[Any, ...]]:
    import openpyxl

    if not data.startswith(b"PK"):
        raise _corrupt_xlsx()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _corrupt_xlsx() from None
    if unpacked > MAX_UNPACKED_SIZE:
        raise _corrupt_xlsx()

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged workbook fails in many ways: zip, XML, missing parts
        raise _corrupt_xlsx() from None
    try:
        sheet = workbook.active
        if sheet is None or not hasattr(sheet, "iter_rows"):
            sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise _corrupt_xlsx()
        _check_declared_size(sheet)
        # Some writers store a wrong (smaller) sheet size; read what is there, within the bounds.
        sheet.reset_dimensions()
        try:
            rows = list(_take_rows(sheet.iter_rows(min_row=1, min_col=1, max_col=MAX_COLUMNS, values_only=True)))
        except ValidationError:
            raise
        except Exception:
            raise _corrupt_xlsx() from None
    finally:
        workbook.close()
    return rows


def _read_csv(data: bytes) -> list[tuple[Any, ...]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            _("Файл CSV должен быть в кодировке UTF-8: в Excel выберите «Сохранить как → CSV UTF-8»."),
            code="encoding",
        ) from None
    if "\x00" in text:
        raise ValidationError(_("Это не текстовый файл CSV."), code="file_type")
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    try:
        rows = list(_take_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
    except csv.Error:
        raise ValidationError(_("Не удалось разобрать файл CSV."), code="corrupt") from None
    return rows


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_declared_size(sheet) -> None:
    """Refuse a sheet that says it is larger than a staff list can be (its <dimension>)."""
    try:
        rows, columns = sheet.max_row or 0, sheet.max_column or 0
    except Exception:  # an unreadable dimension is no dimension: the reading below is bounded anyway
        return
    if rows > MAX_ROWS_READ or columns > MAX_COLUMNS:
        raise ValidationError(
            _(
                "Лист объявлен размером %(rows)s × %(columns)s ячеек, а список сотрудников занимает не больше "
                "%(max_rows)s строк и %(max_columns)s столбцов. Скопируйте таблицу на новый лист и сохраните файл."
            )
            % {"rows": rows, "columns": columns, "max_rows": MAX_ROWS_READ, "max_columns": MAX_COLUMNS},
            code="sheet_size",
        )


def _take_rows(rows: Iterable[Iterable[Any]]) -> Iterator[tuple[Any, ...]]:
    """The rows as tuples of at most MAX_COLUMNS values. Refuses a file with more than MAX_ROWS
    data rows or more than MAX_ROWS_READ rows read (blank ones count); BLANK_ROWS_END blank rows
    in a row end the data."""
    filled = blank_run = 0
    for index, row in enumerate(rows):
        if index >= MAX_ROWS_READ:
            raise _too_many_rows()
        row = tuple(row)[:MAX_COLUMNS]
        if all(_is_blank(v) for v in row):
            blank_run += 1
            if blank_run >= BLANK_ROWS_END:
                return
        else:
            blank_run = 0
            if index > 0:
                filled += 1
                if filled > MAX_ROWS:
                    raise _too_many_rows()
        yield row


def _read_rows(*, data: bytes, filename: str) -> list[tuple[Any, ...]]:
    check_upload(filename=filename, size=len(data))
    if PurePath(filename).suffix.lower() == ".xlsx":
        return _read_xlsx(data)
    if data.startswith(b"PK\x03\x04"):
        raise ValidationError(
            _("Файл назван .csv, но это таблица Excel: сохраните его как XLSX или CSV (UTF-8)."),
            code="file_type",
        )
    return _read_csv(data)


def _expected_headers() -> str:
    return ", ".join(
        str(c.label) if c.required else _("%(label)s (необязательно)") % {"label": c.label} for c in COLUMNS
    )


def _map_headers(header: tuple[Any, ...]) -> dict[int, str]:
    """Column index → column key; a ValidationError naming unknown, repeated or missing headers."""
    lookup: dict[str, str] = {}
    for column in COLUMNS:
        lookup[_header_key(column.label)] = column.key
        for alias in column.aliases:
            lookup[_header_key(alias)] = column.key

    mapping: dict[int, str] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, raw in enumerate(header):
        if _is_blank(raw):
            continue
        key = lookup.get(_header_key(raw))
        if key is None:
            unknown.append(str(raw).strip())
        elif key in mapping.values():
            repeated.append(str(raw).strip())
        else:
            mapping[index] = key
    missing = [str(c.label) for c in COLUMNS if c.required and c.key not in mapping.values()]

    if not (unknown or repeated or missing):
        return mapping
    messages = []
    if not mapping and not unknown:
        messages.append(_("В первой строке файла нет заголовков столбцов."))
    if unknown:
        messages.append(_("Неизвестные столбцы: %(names)s.") % {"names": ", ".join(f"«{n}»" for n in unknown)})
    if repeated:
        messages.append(_("Столбцы повторяются: %(names)s.") % {"names": ", ".join(f"«{n}»" for n in repeated)})
    if missing:
        messages.append(_("Нет обязательных столбцов: %(names)s.") % {"names": ", ".join(f"«{n}»" for n in missing)})
    messages.append(
        _("Первая строка файла должна содержать заголовки: %(expected)s.") % {"expected": _expected_headers()}
    )
    raise ValidationError(" ".join(messages), code="headers")


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
        return (normalize(self.last_name), normalize(self.first_name), normalize(self.patronymic))


def name_key(person: Person) -> tuple[str, str, str]:
    return (normalize(person.last_name), normalize(person.first_name), normalize(person.patronymic))


def class_label(grade: int, letter: str) -> str:
    return f"{grade} «{letter}»"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value).replace("\xa0", " ")).strip()


def _parse_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, str):
        raw = value.strip().split(" ", 1)[0]
        for fmt in DATE_FORMATS:
            try:
                day = datetime.datetime.strptime(raw, fmt).date()
                break
            except ValueError:
                continue
        else:
            raise ValueError(_("«%(value)s» — не дата; нужен формат ДД.ММ.ГГГГ.") % {"value": value.strip()})
    else:
        raise ValueError(_("«%(value)s» — не дата; нужен формат ДД.ММ.ГГГГ.") % {"value": _text(value)})
    if day > timezone.localdate():
        raise ValueError(_("дата %(date)s ещё не наступила.") % {"date": day.strftime("%d.%m.%Y")})
    if day < EARLIEST_DATE:
        raise ValueError(_("дата %(date)s слишком ранняя.") % {"date": day.strftime("%d.%m.%Y")})
    return day


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
        self.positions = _choice_map(Person.Position.choices) | POSITION_ALIASES
        self.educations = _choice_map(Person.Education.choices)
        self.categories = _choice_map(Person.Category.choices) | CATEGORY_ALIASES

    @staticmethod
    def _allowed(choices) -> str:
        return ", ".join(str(label) for _value, label in choices)

    def _choice(self, raw: str, mapping: dict[str, str], choices) -> str:
        key = normalize(raw).rstrip(".")
        if key in mapping:
            return mapping[key]
        raise ValueError(
            _("«%(value)s» — неизвестное значение; допустимо: %(allowed)s.")
            % {"value": raw, "allowed": self._allowed(choices)}
        )

    def _category(self, raw: str) -> str:
        key = normalize(raw).rstrip(".")
        for suffix in (" квалификационная категория", " категория"):
            if key.endswith(suffix) and key != "без категории":
                key = key.removesuffix(suffix)
        if key in self.categories:
            return self.categories[key]
        raise ValueError(
            _("«%(value)s» — неизвестное значение; допустимо: %(allowed)s.")
            % {"value": raw, "allowed": self._allowed(Person.Category.choices)}
        )

    def check(self, number: int, cells: dict[str, Any]) -> tuple[StaffRow | None, list[str]]:
        errors: list[str] = []

        def fail(key: str, message: str) -> None:
            errors.append(f"{COLUMN_BY_KEY[key].label}: {message}")

        names = {}
        for key in ("last_name", "first_name", "patronymic"):
            value = _text(cells.get(key))
            if not value and key != "patronymic":
                fail(key, _("не заполнено."))
            elif len(value) > NAME_MAX_LENGTH:
                fail(key, _("длиннее %(max)d знаков.") % {"max": NAME_MAX_LENGTH})
            names[key] = value

        gender = ""
        raw = _text(cells.get("gender"))
        if not raw:
            fail("gender", _("не заполнено (м или ж)."))
        else:
            gender = GENDERS.get(normalize(raw).rstrip("."), "")
            if not gender:
                fail("gender", _("«%(value)s» — нужно м или ж.") % {"value": raw})

        position = ""
        raw = _text(cells.get("position"))
        if not raw:
            fail("position", _("не заполнено."))
        else:
            try:
                position = self._choice(raw, self.positions, Person.Position.choices)
            except ValueError as e:
                fail("position", str(e))

        education = None
        raw = _text(cells.get("education"))
        if raw:
            try:
                education = self._choice(raw, self.educations, Person.Education.choices)
            except ValueError as e:
                fail("education", str(e))

        category = None
        raw = _text(cells.get("category"))
        if raw:
            try:
                category = self._category(raw)
            except ValueError as e:
                fail("category", str(e))

        dates: dict[str, datetime.date | None] = {}
        for key in ("experience_since", "category_date"):
            raw_value = cells.get(key)
            dates[key] = None
            if _is_blank(raw_value):
                continue
            try:
                dates[key] = _parse_date(raw_value)
            except ValueError as e:
                fail(key, str(e))
        if dates["category_date"] and category in (None, Person.Category.NONE):
            fail("category_date", _("дата указана, а категории нет."))

        email = _text(cells.get("email")) or None
        if email:
            try:
                validate_email(email)
            except ValidationError:
                fail("email", _("«%(value)s» — не адрес электронной почты.") % {"value": email})

        classes: list[tuple[int, str]] = []
        raw = _text(cells.get("class_label"))
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
    return " ".join(_text(cells.get(k)) for k in ("last_name", "first_name", "patronymic") if _text(cells.get(k)))


def _parse(rows: list[tuple[Any, ...]], report: ImportReport) -> list[StaffRow]:
    if not rows or all(_is_blank(v) for v in rows[0]):
        raise ValidationError(
            _("Файл пуст или в первой строке нет заголовков: %(expected)s.") % {"expected": _expected_headers()},
            code="headers",
        )
    mapping = _map_headers(rows[0])
    checker = _RowChecker()
    parsed: list[StaffRow] = []
    for number, row in enumerate(rows[1:], start=2):
        if all(_is_blank(v) for v in row):
            continue
        cells = {key: row[index] for index, key in mapping.items() if index < len(row)}
        report.rows += 1
        staff_row, errors = checker.check(number, cells)
        if errors:
            report.problems.append(RowProblem(row=number, name=_row_name(cells), messages=errors))
        else:
            parsed.append(staff_row)
    if report.rows == 0:
        raise ValidationError(_("В файле нет ни одной строки с сотрудниками."), code="empty")
    return parsed


# --- checking against the file and the database -------------------------------------------------


def _problem(report: ImportReport, row: StaffRow, message: str) -> None:
    for problem in report.problems:
        if problem.row == row.row:
            problem.messages.append(message)
            return
    report.problems.append(RowProblem(row=row.row, name=row.full_name, messages=[message]))


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
    data = file.read(MAX_FILE_SIZE + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    report = ImportReport(filename=PurePath(filename or "").name, dry_run=dry_run)
    rows = _parse(_read_rows(data=data, filename=filename), report)
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
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Сотрудники")
    sheet.append([str(c.label) for c in COLUMNS])
    for index in range(1, len(COLUMNS) + 1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = 22
    help_sheet = workbook.create_sheet(_("Допустимые значения"))
    help_sheet.append([_("Столбец"), _("Значения")])
    help_sheet.append([str(COLUMN_BY_KEY["gender"].label), _("м, ж (или муж, жен, мужской, женский)")])
    help_sheet.append([str(COLUMN_BY_KEY["position"].label), _RowChecker._allowed(Person.Position.choices)])
    help_sheet.append(
        [
            str(COLUMN_BY_KEY["education"].label),
            _RowChecker._allowed(Person.Education.choices) + _(" или пусто"),
        ]
    )
    help_sheet.append(
        [
            str(COLUMN_BY_KEY["category"].label),
            _RowChecker._allowed(Person.Category.choices) + _(" или пусто"),
        ]
    )
    help_sheet.append([_("Даты"), _("ДД.ММ.ГГГГ или ячейка с датой")])
    help_sheet.append([str(COLUMN_BY_KEY["class_label"].label), _("5А, 5 «А» или 5-А; пусто, если класса нет")])
    help_sheet.column_dimensions["A"].width = 20
    help_sheet.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
