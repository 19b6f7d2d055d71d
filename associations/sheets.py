"""Reading an uploaded table (XLSX or CSV) for the admin's imports: within bounds whatever the
file declares (its size, rows, columns, unpacked size), its headers matched with their aliases,
its cells read as text, dates and choices, and the per-row report that names each wrong row as
the spreadsheet numbers it (the header is row 1).

Used by the staff import (`associations.imports`) and by the import of attestation and courses
(`associations.records.imports`); each states its columns and checks its rows, all or nothing.
File-level problems (type, size, corrupt workbook, unknown or missing headers) raise a
ValidationError the form shows next to the file field.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from associations.files import services as files

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
# An XLSX is a zip: refuse one that would unpack to far more than an imported list can hold.
MAX_UNPACKED_SIZE = 40 * 1024 * 1024
EARLIEST_DATE = datetime.date(1940, 1, 1)
DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy string
    aliases: tuple[str, ...] = ()
    required: bool = True  # the header must be there (a cell may still be empty where allowed)


def normalize(value: Any) -> str:
    """Case-, space- and dash-insensitive form of a header or a choice label."""
    text = str(value).replace("\xa0", " ").replace("ё", "е").replace("Ё", "Е").lower()
    text = re.sub(r"[‐-―]", "-", text)
    text = re.sub(r"\s*-\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip()


def header_key(value: Any) -> str:
    return normalize(value).rstrip(":*").strip()


def choice_map(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Normalized label → value, for reading a choice by its Russian name."""
    return {normalize(label): value for value, label in choices}


def name_key(last_name: str, first_name: str, patronymic: str) -> tuple[str, str, str]:
    """A full name as the imports compare it (case, spaces and ё/е aside)."""
    return (normalize(last_name), normalize(first_name), normalize(patronymic))


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
class RowReport:
    """What an import found: the rows read, the wrong ones (nothing is written then) and notes on
    the rows written or kept. Each import adds its counts and its summary."""

    filename: str
    dry_run: bool = False
    rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[RowNote] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, *, row: int, name: str, message: str) -> None:
        """Add a message to the row's problem (one entry per row, in the order found)."""
        for problem in self.problems:
            if problem.row == row:
                problem.messages.append(message)
                return
        self.problems.append(RowProblem(row=row, name=name, messages=[message]))

    def failure_summary(self) -> str:
        n = len(self.problems)
        return ngettext(
            "Ошибка в %(count)d строке — ничего не импортировано.",
            "Ошибки в %(count)d строках — ничего не импортировано.",
            n,
        ) % {"count": n}


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


def read_upload(file) -> bytes:
    """The uploaded file's bytes, never more than one byte over the size bound."""
    data = file.read(MAX_FILE_SIZE + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    return data


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


def _read_xlsx(data: bytes, sheet_name: str | None = None) -> list[tuple[Any, ...]]:
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
        # The named sheet when the workbook has it (a template's data sheet, whichever sheet was
        # open when the file was saved), else the active one.
        sheet = workbook[sheet_name] if sheet_name and sheet_name in workbook.sheetnames else workbook.active
        if sheet is None or not hasattr(sheet, "iter_rows"):
            sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise _corrupt_xlsx()
        _check_declared_size(sheet)
        # Some writers store a wrong (smaller) sheet size; read what is there, within the bounds.
        sheet.reset_dimensions()
        try:
            rows = list(take_rows(sheet.iter_rows(min_row=1, min_col=1, max_col=MAX_COLUMNS, values_only=True)))
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
        rows = list(take_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
    except csv.Error:
        raise ValidationError(_("Не удалось разобрать файл CSV."), code="corrupt") from None
    return rows


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _check_declared_size(sheet) -> None:
    """Refuse a sheet that says it is larger than an imported list can be (its <dimension>)."""
    try:
        rows, columns = sheet.max_row or 0, sheet.max_column or 0
    except Exception:  # an unreadable dimension is no dimension: the reading below is bounded anyway
        return
    if rows > MAX_ROWS_READ or columns > MAX_COLUMNS:
        raise ValidationError(
            _(
                "Лист объявлен размером %(rows)s × %(columns)s ячеек, а список для импорта занимает не больше "
                "%(max_rows)s строк и %(max_columns)s столбцов. Скопируйте таблицу на новый лист и сохраните файл."
            )
            % {"rows": rows, "columns": columns, "max_rows": MAX_ROWS_READ, "max_columns": MAX_COLUMNS},
            code="sheet_size",
        )


def take_rows(rows: Iterable[Iterable[Any]]) -> Iterator[tuple[Any, ...]]:
    """The rows as tuples of at most MAX_COLUMNS values. Refuses a file with more than MAX_ROWS
    data rows or more than MAX_ROWS_READ rows read (blank ones count); BLANK_ROWS_END blank rows
    in a row end the data."""
    filled = blank_run = 0
    for index, row in enumerate(rows):
        if index >= MAX_ROWS_READ:
            raise _too_many_rows()
        row = tuple(row)[:MAX_COLUMNS]
        if all(is_blank(v) for v in row):
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


def read_rows(*, data: bytes, filename: str, sheet_name: str | None = None) -> list[tuple[Any, ...]]:
    """Every row of the file (the header first), within the bounds; a ValidationError for a file
    that cannot be read. The type is the content's, checked by the portal's file module (an XLSX
    by its zip manifest, with bounded decompression; a CSV as plain text; anything else refused
    with the reason): an XLSX named .csv is read as the workbook it is. Of a workbook, the sheet
    `sheet_name` is read when there is one so named, else the active sheet."""
    check_upload(filename=filename, size=len(data))
    detected = files.checked_bytes(data, name=filename, allowed={files.Type.XLSX}, csv=True).type
    if detected == files.Type.XLSX:
        return _read_xlsx(data, sheet_name)
    if PurePath(filename).suffix.lower() == ".xlsx":
        raise _corrupt_xlsx()  # text named .xlsx
    return _read_csv(data)


# --- the headers -------------------------------------------------------------------------------


def expected_headers(columns: Sequence[Column]) -> str:
    return ", ".join(
        str(c.label) if c.required else _("%(label)s (необязательно)") % {"label": c.label} for c in columns
    )


def map_headers(header: tuple[Any, ...], columns: Sequence[Column]) -> dict[int, str]:
    """Column index → column key; a ValidationError naming unknown, repeated or missing headers."""
    lookup: dict[str, str] = {}
    for column in columns:
        lookup[header_key(column.label)] = column.key
        for alias in column.aliases:
            lookup[header_key(alias)] = column.key

    mapping: dict[int, str] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, raw in enumerate(header):
        if is_blank(raw):
            continue
        key = lookup.get(header_key(raw))
        if key is None:
            unknown.append(str(raw).strip())
        elif key in mapping.values():
            repeated.append(str(raw).strip())
        else:
            mapping[index] = key
    missing = [str(c.label) for c in columns if c.required and c.key not in mapping.values()]

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
        _("Первая строка файла должна содержать заголовки: %(expected)s.") % {"expected": expected_headers(columns)}
    )
    raise ValidationError(" ".join(messages), code="headers")


def table_rows(
    *, data: bytes, filename: str, columns: Sequence[Column], report: RowReport, empty_message: str,
    sheet_name: str | None = None,
) -> list[tuple[int, dict[str, Any]]]:
    """The file's data rows as (the spreadsheet's row number, column key → cell value), blank
    rows left out and counted in `report.rows`; a ValidationError for a file with no headers,
    wrong headers or no data row (`empty_message`)."""
    rows = read_rows(data=data, filename=filename, sheet_name=sheet_name)
    if not rows or all(is_blank(v) for v in rows[0]):
        raise ValidationError(
            _("Файл пуст или в первой строке нет заголовков: %(expected)s.") % {"expected": expected_headers(columns)},
            code="headers",
        )
    mapping = map_headers(rows[0], columns)
    result = []
    for number, row in enumerate(rows[1:], start=2):
        if all(is_blank(v) for v in row):
            continue
        report.rows += 1
        result.append((number, {key: row[index] for index, key in mapping.items() if index < len(row)}))
    if not result:
        raise ValidationError(empty_message, code="empty")
    return result


# --- the cells ---------------------------------------------------------------------------------


def text(value: Any) -> str:
    """A cell as one line of text («72.0» of a number cell read as «72»)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value).replace("\xa0", " ")).strip()


def parse_date(value: Any) -> datetime.date:
    """A date cell or «ДД.ММ.ГГГГ» (also ДД.ММ.ГГ and ГГГГ-ММ-ДД), not in the future and not
    before 1940; a ValueError in Russian otherwise."""
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
        raise ValueError(_("«%(value)s» — не дата; нужен формат ДД.ММ.ГГГГ.") % {"value": text(value)})
    if day > timezone.localdate():
        raise ValueError(_("дата %(date)s ещё не наступила.") % {"date": day.strftime("%d.%m.%Y")})
    if day < EARLIEST_DATE:
        raise ValueError(_("дата %(date)s слишком ранняя.") % {"date": day.strftime("%d.%m.%Y")})
    return day


def allowed(choices) -> str:
    """The labels of the choices, for a message or the template's help sheet."""
    return ", ".join(str(label) for _value, label in choices)


def choice(raw: str, mapping: dict[str, str], choices) -> str:
    """The value of a choice read by its label (or an alias in `mapping`); a ValueError naming
    the allowed labels otherwise."""
    key = normalize(raw).rstrip(".")
    if key in mapping:
        return mapping[key]
    raise ValueError(
        _("«%(value)s» — неизвестное значение; допустимо: %(allowed)s.") % {"value": raw, "allowed": allowed(choices)}
    )


# --- the template ------------------------------------------------------------------------------


def template_workbook(*, title: str, columns: Sequence[Column], help_rows: Sequence[tuple[str, str]]) -> bytes:
    """An empty workbook with the columns' headers, and a sheet of allowed values (`help_rows`:
    column, what it takes)."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append([str(c.label) for c in columns])
    for index in range(1, len(columns) + 1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = 22
    help_sheet = workbook.create_sheet(_("Допустимые значения"))
    help_sheet.append([_("Столбец"), _("Значения")])
    for label, values in help_rows:
        help_sheet.append([str(label), str(values)])
    help_sheet.column_dimensions["A"].width = 20
    help_sheet.column_dimensions["B"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
