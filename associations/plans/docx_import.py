"""Bringing a plan in from the school's Word file: the plan table found by its header words, its
rows read as they are typed, then recognised against the portal's lists for a preview.

Two steps, so that the preview and the confirmation recognise the rows the same way:

- **Reading** (`plan_read`, no database): the file (already checked DOCX by the file module) is
  opened with python-docx within bounds; every table whose header (on one of its first rows, any
  column order) names a content column and a timing, responsible or form column is a plan table,
  the others are skipped. Each row becomes a `RawRow` of texts: a row merged across the table is
  a section's name («Заседания МО»); a «Раздел»/«Направление» column names the row's section. The
  paragraphs above the first plan table may give the plan's theme, goal and tasks. `RawRow`s are
  plain values: the preview keeps them in its confirm form (signed), nothing is stored.
- **Recognising** (`plan_preview`, four queries at most whatever the rows): sections and forms of
  work by name, the timing («сентябрь», «сентябрь–октябрь», «01.09», «I четверть», «в течение
  года», «по графику»; see `parse_timing`), the responsible people by surname and initials among
  those the plan's editor offers. What is not found is kept as text in the item's «примечание»
  (`PlanItem.execution_note`, which the plan's page shows beside the item) and named in the row's
  report, to resolve in the editor.

The headers are matched as the spreadsheet imports match theirs (`associations.sheets`: the same
normalisation, Column with aliases), and by their first words, since a plan typed in Word words
its headers freely («Содержание работы», «Сроки проведения», «Ответственные исполнители»).
"""

from __future__ import annotations

import calendar
import datetime
import io
import re
import zipfile
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations import sheets
from associations.models import (
    MONTHS_NOMINATIVE,
    AcademicYear,
    AnnualPlan,
    Appointment,
    Association,
    Person,
    PlanItem,
    PlanSection,
    WorkForm,
)
from associations.plans.models import ITEM_MAX_LENGTH
from associations.selectors import pickable_people

# What is read of a file at the most: the rows of its plan tables (a plan has at most
# PLAN_MAX_ITEMS items; section rows, blank rows and a second year's table leave room), and the
# size of its main part unpacked (a typed plan of 200 rows is well under a megabyte).
MAX_ROWS = 400
MAX_DOCUMENT_XML_BYTES = 16 * 1024 * 1024
HEADER_ROWS_SEARCHED = 4
NOTE_MAX_LENGTH = PlanItem._meta.get_field("execution_note").max_length
HEADER_LIMITS = {name: AnnualPlan._meta.get_field(name).max_length for name in ("theme", "goal", "tasks")}

Timing = PlanItem.Timing


# --- the columns ---------------------------------------------------------------------------------


COLUMNS: tuple[sheets.Column, ...] = (
    sheets.Column("number", gettext_lazy("№ п/п"), ("№", "n", "no", "номер", "№п/п", "п/п", "n п/п"), required=False),
    sheets.Column(
        "content", gettext_lazy("Содержание"),
        ("содержание работы", "содержание деятельности", "тема", "тематика", "мероприятие", "мероприятия",
         "наименование мероприятия", "вопросы", "рассматриваемые вопросы", "содержание мероприятия"),
    ),
    sheets.Column("form", gettext_lazy("Форма проведения"), ("форма", "форма работы", "формы работы"), required=False),
    sheets.Column(
        "timing", gettext_lazy("Сроки"),
        ("срок", "сроки проведения", "дата", "дата проведения", "месяц", "время проведения", "когда"), required=False,
    ),
    sheets.Column(
        "responsible", gettext_lazy("Ответственный"),
        ("ответственные", "ответственный исполнитель", "ответственные исполнители", "исполнитель", "исполнители",
         "кто проводит"), required=False,
    ),
    sheets.Column(
        "section", gettext_lazy("Раздел"),
        ("направление", "направление работы", "направление деятельности", "направления", "раздел плана"),
        required=False,
    ),
)
# A header worded otherwise is known by its first word: «Содержание работы МО», «Тема заседания».
HEADER_STARTS: tuple[tuple[str, str], ...] = (
    ("№", "number"),
    ("содержан", "content"), ("тема", "content"), ("темат", "content"), ("мероприят", "content"),
    ("наименован", "content"), ("вопрос", "content"),
    ("форм", "form"),
    ("срок", "timing"), ("дат", "timing"), ("месяц", "timing"), ("время", "timing"), ("период", "timing"),
    ("ответствен", "responsible"), ("исполнител", "responsible"),
    ("раздел", "section"), ("направлен", "section"),
)
_ALIASES = {sheets.header_key(alias): c.key for c in COLUMNS for alias in (str(c.label), *c.aliases)}


def column_key(text: str) -> str | None:
    """The column a header cell names, or None (a «Результат», «Отметка о выполнении» column)."""
    key = sheets.header_key(text).strip(" .:")
    if not key:
        return None
    if key in _ALIASES:
        return _ALIASES[key]
    for start, column in HEADER_STARTS:
        if key.startswith(start):
            return column
    return None


# --- reading the file ----------------------------------------------------------------------------


@dataclass
class RawRow:
    """One row of a plan table as typed: `kind` «item», «section» (a merged row naming a
    section: `section`), or «skip» (`reason`: «empty», «header», «numbers»)."""

    number: int  # the row's number in its table, the header's row counted (as Word shows it)
    table: int  # the plan table's number in the file, from 1
    kind: str
    section: str = ""  # a section row's name, or an item's «Раздел» cell
    content: str = ""
    form: str = ""
    timing: str = ""
    responsible: str = ""
    reason: str = ""

    @classmethod
    def from_data(cls, data: dict) -> RawRow:
        names = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass
class PlanFile:
    """What was read of a file: its plan tables' rows and the plan's header words."""

    filename: str
    rows: list[RawRow]
    tables: int
    header: dict[str, str] = field(default_factory=dict)  # theme, goal, tasks

    def to_data(self) -> dict:
        return {"filename": self.filename, "tables": self.tables, "header": self.header,
                "rows": [asdict(r) for r in self.rows]}

    @classmethod
    def from_data(cls, data: dict) -> PlanFile:
        return cls(
            filename=str(data.get("filename", "")), tables=int(data.get("tables", 0)),
            header={k: str(v) for k, v in (data.get("header") or {}).items() if k in HEADER_LIMITS},
            rows=[RawRow.from_data(r) for r in data.get("rows", [])],
        )


def _unreadable() -> ValidationError:
    return ValidationError(
        _("Не удалось прочитать файл Word: он повреждён или сохранён не как документ DOCX."), code="corrupt"
    )


def _no_plan_table(tables: int) -> ValidationError:
    expected = _("«Содержание» (или «Тема», «Мероприятие») и «Сроки», «Ответственный» или «Форма проведения»")
    if not tables:
        message = _("В файле нет таблиц: план должен быть таблицей Word со столбцами %(expected)s.")
    else:
        message = _(
            "В файле не найдена таблица плана: ни у одной из его таблиц нет заголовков %(expected)s. "
            "Проверьте, что план набран таблицей Word, а не пробелами или табуляцией."
        )
    return ValidationError(message % {"expected": expected}, code="no_plan_table")


def _cell_text(cell) -> str:
    """A cell's paragraphs, each on its own line, spaces collapsed."""
    lines = (sheets.text(p.text) for p in cell.paragraphs)
    return "\n".join(line for line in lines if line)


def _grid(row) -> list:
    """The row's cells by layout-grid column (a merged cell repeated, a vertically merged one
    given by its first row; None where the row starts late)."""
    try:
        before = row.grid_cols_before
    except Exception:
        before = 0
    return [None] * before + list(row.cells)


def _header_mapping(grid: list) -> dict[int, str]:
    mapping: dict[int, str] = {}
    seen: set[int] = set()
    for index, cell in enumerate(grid):
        if cell is None or id(cell._tc) in seen:
            continue
        seen.add(id(cell._tc))
        key = column_key(_cell_text(cell).replace("\n", " "))
        if key is not None and key not in mapping.values():
            mapping[index] = key
    return mapping


def _is_plan_header(mapping: dict[int, str]) -> bool:
    keys = set(mapping.values())
    return "content" in keys and bool(keys & {"timing", "responsible", "form"})


def _spans_row(grid: list, mapping: dict[int, str]) -> bool:
    """The content's cell is merged across every other column but the number («I. | Заседания МО»)."""
    content = next((grid[i] for i, k in mapping.items() if k == "content" and i < len(grid)), None)
    others = [grid[i] if i < len(grid) else None for i, k in mapping.items() if k not in ("number", "content")]
    return content is not None and bool(others) and all(c is not None and c._tc is content._tc for c in others)


def _read_table(table, number: int, rows: list[RawRow]) -> bool:
    """The table's rows appended to `rows` if it is a plan table (its header on one of its first
    HEADER_ROWS_SEARCHED rows); False for another table."""
    table_rows = list(table.rows)
    mapping: dict[int, str] = {}
    start = None
    for index, row in enumerate(table_rows[:HEADER_ROWS_SEARCHED]):
        mapping = _header_mapping(_grid(row))
        if _is_plan_header(mapping):
            start = index
            break
    if start is None:
        return False
    columns = len(table.columns)
    for index, row in enumerate(table_rows[start + 1:], start=start + 2):
        if len(rows) >= MAX_ROWS:
            raise ValidationError(
                _("В таблицах плана больше %(count)d строк: это не план одного объединения на год.")
                % {"count": MAX_ROWS}, code="too_many_rows",
            )
        grid = _grid(row)
        texts = {key: _cell_text(grid[i]) if i < len(grid) and grid[i] is not None else ""
                 for i, key in mapping.items()}
        tcs = row._tr.tc_lst
        filled = [t for t in dict.fromkeys(_cell_text(c) for c in grid if c is not None) if t]
        if not filled:
            rows.append(RawRow(number=index, table=number, kind="skip", reason="empty"))
        elif (len(tcs) == 1 and columns > 1) or _spans_row(grid, mapping):
            # One cell across the table: a section's name.
            rows.append(RawRow(number=index, table=number, kind="section", section=" ".join(filled)))
        elif _is_plan_header(_header_mapping(grid)) and _header_mapping(grid) == mapping:
            rows.append(RawRow(number=index, table=number, kind="skip", reason="header"))
        elif all(re.fullmatch(r"\d{1,2}\.?", t) for t in filled) and len(filled) > 1:
            rows.append(RawRow(number=index, table=number, kind="skip", reason="numbers"))
        else:
            rows.append(RawRow(
                number=index, table=number, kind="item", section=texts.get("section", ""),
                content=texts.get("content", ""), form=texts.get("form", ""), timing=texts.get("timing", ""),
                responsible=texts.get("responsible", ""),
            ))
    return True


HEADER_WORDS = (
    ("theme", re.compile(
        r"^(?:единая\s+)?(?:методическая\s+)?тема(?:\s+(?:работы|мо|шмо|рмо|объединения))?\s*[:.–-]\s*", re.IGNORECASE
    )),
    ("goal", re.compile(r"^цель(?:\s+(?:работы|мо|шмо|рмо))?\s*[:.–-]\s*", re.IGNORECASE)),
    ("tasks", re.compile(r"^задачи(?:\s+(?:работы|мо|шмо|рмо))?\s*[:.–-]?\s*", re.IGNORECASE)),
)


def _read_header(paragraphs: list[str]) -> dict[str, str]:
    """«Методическая тема: …», «Цель: …», «Задачи:» and the lines under it, from the paragraphs
    above the plan table."""
    header: dict[str, list[str]] = {}
    current = None
    for text in paragraphs:
        for name, pattern in HEADER_WORDS:
            match = pattern.match(text)
            if match:
                current = name
                rest = text[match.end():].strip()
                header[name] = [rest] if rest else []
                break
        else:
            if current == "tasks" or (current in header and not header[current]):
                header[current].append(text)
            else:
                current = None
    return {name: "\n".join(lines).strip() for name, lines in header.items() if "".join(lines).strip()}


def plan_read(data: bytes, *, filename: str) -> PlanFile:
    """The plan tables of a DOCX (checked by the file module) as RawRows; a ValidationError in
    Russian for a file that cannot be read or has no plan table."""
    import docx  # python-docx
    from docx.table import Table

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            main = archive.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise _unreadable() from None
    if main.file_size > MAX_DOCUMENT_XML_BYTES:
        raise ValidationError(
            _("Документ слишком большой для плана: сохраните в отдельный файл только таблицу плана."),
            code="too_large",
        )
    try:
        document = docx.Document(io.BytesIO(data))
        blocks = list(document.iter_inner_content())
    except Exception:  # a damaged document fails in many ways: zip, XML, missing parts
        raise _unreadable() from None

    rows: list[RawRow] = []
    paragraphs: list[str] = []
    tables = plan_tables = 0
    try:
        for block in blocks:
            if isinstance(block, Table):
                tables += 1
                if _read_table(block, plan_tables + 1, rows):
                    plan_tables += 1
            elif not plan_tables:
                text = sheets.text(block.text)
                if text:
                    paragraphs.append(text)
    except ValidationError:
        raise
    except Exception:  # a table Word itself would repair: no grid, cells out of place
        raise _unreadable() from None
    if not plan_tables:
        raise _no_plan_table(tables)
    if not any(row.kind == "item" and row.content for row in rows):
        raise ValidationError(
            _("В таблице плана нет ни одной строки с содержанием: заполните столбец «Содержание»."), code="empty"
        )
    return PlanFile(filename=filename, rows=rows, tables=plan_tables, header=_read_header(paragraphs))


# --- the timing ----------------------------------------------------------------------------------

MONTH_WORD = re.compile(
    r"\b(январ|феврал|март|апрел|ма[йя]|июн|июл|август|сентябр|октябр|ноябр|декабр)[а-я]*", re.IGNORECASE
)
MONTH_STEMS = {"январ": 1, "феврал": 2, "март": 3, "апрел": 4, "май": 5, "мая": 5, "июн": 6, "июл": 7,
               "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12}
DATE = re.compile(r"\b(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2}))?\b")
DAYS_OF_MONTH = re.compile(r"\b(\d{1,2})(?:\s*-\s*(\d{1,2}))?\s+(?=" + MONTH_WORD.pattern[2:] + ")", re.IGNORECASE)
QUARTER = re.compile(r"\b(iv|iii|ii|i|1|2|3|4)(?:-?[а-я]{1,3})?\s*четверт", re.IGNORECASE)
HALF = re.compile(r"\b(ii|i|1|2)(?:-?[а-я]{1,3})?\s*полугоди", re.IGNORECASE)
QUARTERS = {"i": (9, 10), "1": (9, 10), "ii": (11, 12), "2": (11, 12), "iii": (1, 3), "3": (1, 3),
            "iv": (4, 5), "4": (4, 5)}
HALVES = {"i": (9, 12), "1": (9, 12), "ii": (1, 5), "2": (1, 5)}
THROUGHOUT_WORDS = ("в течение", "в течении", "ежемесячно", "еженедельно", "ежедневно", "ежеквартально",
                    "постоянно", "систематически", "весь период", "по мере", "по необходимости", "по запросу")
SCHEDULE_WORDS = ("по графику", "согласно графику", "по плану", "согласно плану", "по расписанию")


@dataclass
class ParsedTiming:
    timing: str
    month: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    warning: str = ""  # what the preview says of a timing read only in part
    keep_text: bool = False  # the file's words go to the item's note

    @property
    def label(self) -> str:
        item = PlanItem(timing=self.timing, month=self.month, date_from=self.date_from, date_to=self.date_to)
        if self.timing == Timing.DATES and self.date_to and self.date_to != self.date_from:
            return f"{self.date_from:%d.%m.%Y} – {self.date_to:%d.%m.%Y}"
        return item.timing_label


def _month(word: str) -> int:
    word = word.lower()
    if word.startswith("ма") and not word.startswith("март"):
        return 5
    return next(number for stem, number in MONTH_STEMS.items() if word.startswith(stem))


def _calendar_year(year: AcademicYear, month: int) -> int:
    return year.start_year if month >= 9 else year.start_year + 1


def _month_range(year: AcademicYear, first: int, last: int) -> ParsedTiming | None:
    start = datetime.date(_calendar_year(year, first), first, 1)
    end_year = _calendar_year(year, last)
    end = datetime.date(end_year, last, calendar.monthrange(end_year, last)[1])
    if end < start:
        return None
    return ParsedTiming(Timing.DATES, date_from=start, date_to=end)


def _dates(text: str, year: AcademicYear) -> ParsedTiming | None:
    found = DATE.findall(text)
    if not found:
        return None
    days, moved = [], False
    for day, month, given_year in found[:2]:
        month_number = int(month)
        if not 1 <= month_number <= 12:
            return None
        calendar_year = _calendar_year(year, month_number)
        if given_year:
            given = int(given_year) + (2000 if len(given_year) == 2 else 0)
            moved = moved or given != calendar_year
        try:
            days.append(datetime.date(calendar_year, month_number, int(day)))
        except ValueError:
            return None
    is_range = len(days) == 2 and re.search(r"\d\s*-\s*\d", text) is not None and days[1] >= days[0]
    parsed = ParsedTiming(Timing.DATES, date_from=days[0], date_to=days[1] if is_range else None)
    warnings = []
    if moved:
        warnings.append(_("даты перенесены в %(year)s учебный год") % {"year": year})
    if len(found) > 2 or (len(days) == 2 and not is_range):
        warnings.append(_("в сроках несколько дат, взята первая"))
        parsed.keep_text = True
    parsed.warning = "; ".join(warnings)
    return parsed


def parse_timing(raw: str, year: AcademicYear) -> ParsedTiming:
    """The timing of a plan's cell in the plan's year: «в течение года» and its kin; «по
    графику»; a date «01.09» or «01.09.2024» (moved into `year`), or two «01.09–05.09»; days of a
    month «1–5 сентября»; a quarter or a half-year; one month «сентябрь»; a range of months
    «сентябрь–октябрь» (from the first day of the one to the last of the other). Otherwise «в
    течение года», with a warning and the file's words kept."""
    text = sheets.normalize(raw)
    if not text:
        return ParsedTiming(Timing.THROUGHOUT, warning=_("сроки не указаны — записано «в течение года»"))
    if any(words in text for words in SCHEDULE_WORDS):
        return ParsedTiming(Timing.SCHEDULE)
    parsed = _dates(text, year)
    if parsed is not None:
        return parsed
    days = DAYS_OF_MONTH.search(text)
    if days:
        month = _month(MONTH_WORD.search(text, days.end() - 1).group(0))
        calendar_year = _calendar_year(year, month)
        try:
            first = datetime.date(calendar_year, month, int(days.group(1)))
            last = datetime.date(calendar_year, month, int(days.group(2))) if days.group(2) else None
        except ValueError:
            first = None
        if first is not None and (last is None or last >= first):
            return ParsedTiming(Timing.DATES, date_from=first, date_to=last)
    for pattern, table in ((QUARTER, QUARTERS), (HALF, HALVES)):
        match = pattern.search(text)
        if match:
            return _month_range(year, *table[match.group(1).lower()])
    months = [_month(m.group(0)) for m in MONTH_WORD.finditer(text)]
    if len(months) == 1:
        return ParsedTiming(Timing.MONTH, month=months[0])
    if len(months) == 2 and re.search(MONTH_WORD.pattern + r"\s*-\s*" + MONTH_WORD.pattern[2:], text):
        parsed = _month_range(year, *months)
        if parsed is not None:
            return parsed
    if any(words in text for words in THROUGHOUT_WORDS) and not months:
        return ParsedTiming(Timing.THROUGHOUT)
    if months:
        return ParsedTiming(
            Timing.MONTH, month=months[0], keep_text=True,
            warning=_("в сроках несколько месяцев, записан первый: %(month)s")
            % {"month": MONTHS_NOMINATIVE[months[0]]},
        )
    return ParsedTiming(
        Timing.THROUGHOUT, keep_text=True,
        warning=_("сроки не распознаны: «%(text)s» — записано «в течение года»") % {"text": sheets.text(raw)},
    )


# --- the people ------------------------------------------------------------------------------------

_UPPER, _LOWER = "А-ЯЁ", "а-яё"
_SURNAME = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?"
FULL_NAME = re.compile(
    rf"(?P<last>{_SURNAME})\s+(?P<first>[{_UPPER}][{_LOWER}]+)\s+"
    rf"(?P<patronymic>[{_UPPER}][{_LOWER}]+(?:вич|вна|ична|чна|ич|оглы|кызы))\b"
)
SURNAME_INITIALS = re.compile(rf"(?P<last>{_SURNAME})\s*(?P<i1>[{_UPPER}])\.\s*(?:(?P<i2>[{_UPPER}])\.?)?")
INITIALS_SURNAME = re.compile(rf"(?P<i1>[{_UPPER}])\.\s*(?:(?P<i2>[{_UPPER}])\.\s*)?(?P<last>{_SURNAME})")
CAPITALISED = re.compile(rf"\b{_SURNAME}\b")
HEAD_WORDS = re.compile(r"^рук(?:оводитель|\.)\s*(?:ш?мо|рмо|методического объединения|объединения)?$")
PART_SPLIT = re.compile(r"[,;\n/]|\s+и\s+")


def _key(text: str) -> str:
    return sheets.normalize(text)


@dataclass
class People:
    """Whom a plan's item may name (`pickable_people`), by surname; the association's head for
    «руководитель МО» read once when asked."""

    association: Association
    by_last_name: dict[str, list[Person]]
    _head: Any = None
    _head_read: bool = False

    @classmethod
    def for_plan(cls, association: Association, year: AcademicYear) -> People:
        people = pickable_people(association, academic_year=year, whole_district=association.is_district)
        by_last_name: dict[str, list[Person]] = {}
        for person in people:
            by_last_name.setdefault(_key(person.last_name), []).append(person)
        return cls(association=association, by_last_name=by_last_name)

    def head(self) -> Person | None:
        if not self._head_read:
            appointment = (
                Appointment.objects.in_office(timezone.localdate())
                .filter(association=self.association, role=Appointment.Role.HEAD)
                .select_related("person").order_by("-starts_on").first()
            )
            self._head = appointment.person if appointment else None
            self._head_read = True
        return self._head

    def _one(self, last: str, initials: tuple[str, ...] = (), first: str = "", patronymic: str = "") -> Person | None:
        found = self.by_last_name.get(_key(last), [])
        if first:
            found = [p for p in found if _key(p.first_name) == _key(first)
                     and (not patronymic or not p.patronymic or _key(p.patronymic) == _key(patronymic))]
        for index, letter in enumerate(initials):
            # «Иванова И.И.»: the first name's and the patronymic's letters (none recorded passes)
            if letter:
                found = [p for p in found if not (p.first_name, p.patronymic)[index]
                         or _key((p.first_name, p.patronymic)[index][:1]) == _key(letter)]
        return found[0] if len(found) == 1 else None

    def find(self, raw: str) -> tuple[list[Person], list[str]]:
        """The people a cell names, and the parts of it no one was found for (kept as text)."""
        found: list[Person] = []
        unknown: list[str] = []
        for part in PART_SPLIT.split(raw):
            part = sheets.text(part).strip(" :-–")
            if not part:
                continue
            people = self._in_part(part)
            if people is None:
                unknown.append(part)
            else:
                found.extend(p for p in people if p not in found)
        return found, unknown

    def _in_part(self, part: str) -> list[Person] | None:
        names = []
        for pattern in (FULL_NAME, SURNAME_INITIALS, INITIALS_SURNAME):
            names = list(pattern.finditer(part))
            if names:
                break
        if names:
            people = []
            for match in names:
                groups = match.groupdict()
                person = self._one(
                    groups["last"], (groups.get("i1") or "", groups.get("i2") or ""),
                    first=groups.get("first") or "", patronymic=groups.get("patronymic") or "",
                )
                if person is None:
                    return None
                people.append(person)
            return people
        surnames = [self._one(word) for word in CAPITALISED.findall(part) if _key(word) in self.by_last_name]
        if surnames and all(surnames):
            return surnames
        if HEAD_WORDS.match(_key(part)) and self.head() is not None:
            return [self.head()]
        return None


# --- recognising the rows ------------------------------------------------------------------------


_NUMBERING = re.compile(r"^(?:раздел\s+)?(?:[ivxlc]+|\d+(?:\.\d+)*)[.)]?\s+|^раздел\s*[:.]?\s*")
_BODY_WORDS = re.compile(r"\b(?:ш?мо|рмо|методического объединения|методических объединений)\b")


def _section_key(name: str) -> str:
    key = _key(name).strip(" .:")
    key = _NUMBERING.sub("", key)
    key = _BODY_WORDS.sub("мо", key)
    return re.sub(r"[«»\"'().,:]", "", key).strip()


@dataclass
class Lists:
    """The plan's reference lists as the rows are recognised against them: read once."""

    sections: dict[str, PlanSection]
    forms: list[tuple[str, WorkForm]]  # by normalised name, the longest first

    @classmethod
    def read(cls) -> Lists:
        sections = {_section_key(s.name): s for s in PlanSection.objects.filter(is_active=True)}
        forms = sorted(((_key(f.name), f) for f in WorkForm.objects.filter(is_active=True)),
                       key=lambda pair: -len(pair[0]))
        return cls(sections=sections, forms=forms)

    def section(self, name: str) -> PlanSection | None:
        key = _section_key(name)
        if key in self.sections:
            return self.sections[key]
        # «Заседания методического объединения классных руководителей» → «Заседания МО».
        first = key.split(" ", 1)[0][:7]
        same = [s for k, s in self.sections.items() if len(first) >= 7 and k.startswith(first)]
        return same[0] if len(same) == 1 else None

    def form(self, text: str) -> WorkForm | None:
        key = _key(text).strip(" .")
        for name, form in self.forms:
            if key == name or key.startswith(name + " ") or key.startswith(name + ","):
                return form
        return None


@dataclass
class PreviewRow:
    """One row of the file as the preview shows it, and the item it would become (`kind`
    «item»); «section» and «skip» rows are reported, never created."""

    raw: RawRow
    index: int  # its place in the file's rows (the confirm form's checkbox value)
    kind: str
    messages: list[str] = field(default_factory=list)
    section: PlanSection | None = None
    content: str = ""
    form: WorkForm | None = None
    timing: ParsedTiming | None = None
    responsible: list[Person] = field(default_factory=list)
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.kind == "item" and not self.messages

    @property
    def status(self) -> str:
        """«ok», «warning» (kept, with what to check), «section» or «skipped»."""
        if self.kind == "item":
            return "warning" if self.messages else "ok"
        return "section" if self.kind == "section" else "skipped"

    def values(self, position: int) -> dict:
        """The item's fields as `plan_save` takes them (a `Row`'s values)."""
        return {
            "position": position, "section": self.section, "content": self.content, "form": self.form,
            "timing": self.timing.timing, "month": self.timing.month, "date_from": self.timing.date_from,
            "date_to": self.timing.date_to, "execution_note": self.note,
        }


@dataclass
class PlanPreview:
    filename: str
    rows: list[PreviewRow]
    header: dict[str, str]
    header_messages: list[str]

    @property
    def items(self) -> list[PreviewRow]:
        return [r for r in self.rows if r.kind == "item"]

    @property
    def warnings(self) -> int:
        return sum(1 for r in self.items if r.messages)

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.rows if r.kind == "skip")


SKIP_REASONS = {
    "empty": gettext_lazy("строка пропущена: пустая"),
    "header": gettext_lazy("строка пропущена: повтор заголовка таблицы"),
    "numbers": gettext_lazy("строка пропущена: номера столбцов"),
    "no_content": gettext_lazy("строка пропущена: нет содержания"),
}


def _bounded(text: str, limit: int) -> tuple[str, bool]:
    if len(text) <= limit:
        return text, False
    cut = text[: limit - 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut[limit // 2:] else cut
    return cut.rstrip() + "…", True


def _note(parts: list[str]) -> str:
    return _bounded("\n".join(parts), NOTE_MAX_LENGTH)[0]


def plan_preview(
    plan_file: PlanFile, *, association: Association, year: AcademicYear, default_section: PlanSection,
) -> PlanPreview:
    """Every row of the file recognised for a plan of `association` for `year`: four queries at
    most (sections, forms of work, people, the head), whatever the number of rows."""
    lists = Lists.read()
    people = People.for_plan(association, year)
    rows: list[PreviewRow] = []
    section, section_text = default_section, ""
    for index, raw in enumerate(plan_file.rows):
        if raw.kind == "skip":
            rows.append(PreviewRow(raw=raw, index=index, kind="skip", messages=[str(SKIP_REASONS[raw.reason])]))
            continue
        if raw.kind == "item" and not (raw.form or raw.timing or raw.responsible or raw.section) and (
            _section_key(raw.content) in lists.sections
        ):
            # A section's name typed in the content's cell, the row's other cells left empty.
            raw = RawRow(number=raw.number, table=raw.table, kind="section", section=raw.content)
        if raw.kind == "section":
            found = lists.section(raw.section)
            section, section_text = (found, "") if found else (default_section, raw.section)
            message = (
                _("раздел плана «%(name)s»") % {"name": found.name} if found else
                _("раздел «%(text)s» не найден в списке разделов — его пункты в разделе «%(name)s»")
                % {"text": raw.section, "name": default_section.name}
            )
            rows.append(PreviewRow(raw=raw, index=index, kind="section", section=section, messages=[message]))
            continue
        rows.append(_item(raw, index, lists=lists, people=people, year=year, section=section,
                          section_text=section_text, default_section=default_section))
    header, header_messages = {}, []
    for name, value in plan_file.header.items():
        header[name], cut = _bounded(value, HEADER_LIMITS[name])
        if cut:
            header_messages.append(
                _("%(field)s длиннее %(limit)d знаков: сокращено, проверьте в редакторе.")
                % {"field": str(AnnualPlan._meta.get_field(name).verbose_name).capitalize(),
                   "limit": HEADER_LIMITS[name]}
            )
    return PlanPreview(filename=plan_file.filename, rows=rows, header=header, header_messages=header_messages)


def _item(
    raw: RawRow, index: int, *, lists: Lists, people: People, year: AcademicYear, section: PlanSection,
    section_text: str, default_section: PlanSection,
) -> PreviewRow:
    if not raw.content.strip():
        return PreviewRow(raw=raw, index=index, kind="skip", messages=[str(SKIP_REASONS["no_content"])])
    row = PreviewRow(raw=raw, index=index, kind="item", section=section)
    notes: list[str] = []
    if raw.section:
        found = lists.section(raw.section)
        row.section = found or default_section
        if found is None:
            section_text = raw.section
            row.messages.append(_("раздел «%(text)s» не найден — пункт в разделе «%(name)s»")
                                % {"text": raw.section, "name": default_section.name})
    if section_text:
        notes.append(_("Раздел (в файле): %(text)s") % {"text": section_text})

    row.content, cut = _bounded(raw.content, ITEM_MAX_LENGTH)
    if cut:
        row.messages.append(_("содержание длиннее %(limit)d знаков: сокращено") % {"limit": ITEM_MAX_LENGTH})

    if raw.form:
        row.form = lists.form(raw.form)
        if row.form is None:
            row.messages.append(_("форма «%(text)s» не найдена в списке форм работы") % {"text": raw.form})
            notes.append(_("Форма (в файле): %(text)s") % {"text": raw.form})

    row.timing = parse_timing(raw.timing, year)
    if row.timing.warning:
        row.messages.append(row.timing.warning)
    if row.timing.keep_text:
        notes.append(_("Сроки (в файле): %(text)s") % {"text": raw.timing})

    if raw.responsible:
        row.responsible, unknown = people.find(raw.responsible)
        if unknown:
            names = ", ".join(unknown)
            row.messages.append(_("ответственный не найден: %(names)s") % {"names": names})
            notes.insert(0, _("Ответственный (текстом): %(names)s") % {"names": names})
    else:
        row.messages.append(_("ответственный не указан"))
    row.note = _note(notes)
    return row
