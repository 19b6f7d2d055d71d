"""The forms of the class teacher's entry: the start page's (`MonitoringStartForm`: the period)
and the grid's (`GridForm`: every pupil's row of one class in one POST).

The grid is not a formset: a row is a pupil's number, their initials and a grade per quality ×
rater, named `r<row>-n`, `r<row>-i`, `r<row>-q<quality id>-<rater>`, and `rows` says how many
rows the page posted (the script adds rows up to MAX_PUPILS). What the user typed is kept as
typed (`GridRow`, `GridCell`): a page with errors shows it again, with the problems of each row
next to it; the checks of a row are the service's (`services.pupil_problems`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations import sheets
from reports.monitoring import services
from reports.monitoring.models import (
    INITIALS_MAX_LENGTH,
    INITIALS_RE,
    MAX_PUPILS,
    PERIOD_NAME_MAX_LENGTH,
    Period,
    Rater,
)
from reports.monitoring.scoring import MethodData, PupilGrades, PupilScore, QualityData, comma

MIN_ROWS = 25  # a fresh grid shows at least this many rows (a class's list fits)
NUMBER_MAX_LENGTH = 2  # «40»

#: The rater in a column's header, in one or two letters (the full name is the header's title).
RATER_SHORT = {
    Rater.PUPIL: gettext_lazy("У"),
    Rater.TEACHER: gettext_lazy("К"),
    Rater.PARENT: gettext_lazy("Р"),
}


class MonitoringStartForm(forms.Form):
    """The period of a class's new monitoring: September, May or a named one (with its name)."""

    period = forms.ChoiceField(
        label=gettext_lazy("Срок"), choices=Period.choices, widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Выберите срок мониторинга.")},
    )
    period_name = forms.CharField(
        label=gettext_lazy("Название срока"), max_length=PERIOD_NAME_MAX_LENGTH, required=False,
        help_text=gettext_lazy("Только для другого срока, например «декабрь (промежуточный)»."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("period") == Period.NAMED and not (data.get("period_name") or "").strip():
            self.add_error("period_name", _("Назовите срок, например «декабрь (промежуточный)»."))
        return data


# --- the grid --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GridColumn:
    """A grade column: one quality as graded by one rater."""

    quality: QualityData
    rater: str
    first_of_quality: bool  # the column starts a quality's group (a thicker border)

    @property
    def key(self) -> tuple[int, str]:
        return (self.quality.id, self.rater)

    @property
    def suffix(self) -> str:
        return f"q{self.quality.id}-{self.rater}"

    @property
    def rater_label(self) -> str:
        return str(Rater(self.rater).label)

    @property
    def rater_short(self) -> str:
        return str(RATER_SHORT.get(self.rater, self.rater_label[:1].upper()))

    @property
    def label(self) -> str:
        """«Любознательность — ученик (самооценка)»: the cell's accessible name."""
        return f"{self.quality.name} — {self.rater_label}"


@dataclass
class GridCell:
    name: str
    value: str  # as typed
    column: GridColumn
    invalid: bool = False


@dataclass
class GridRow:
    """One row as typed (or as saved), with its problems and, for a saved pupil, their figures."""

    index: int
    number: str
    initials: str
    cells: list[GridCell]
    errors: list[str] = field(default_factory=list)
    number_invalid: bool = False
    initials_invalid: bool = False
    mean_text: str = ""  # a saved pupil's mean «4,1» (from scoring), else blank
    level: str = ""

    @property
    def prefix(self) -> str:
        return f"r{self.index}"

    @property
    def position(self) -> int:
        return self.index + 1

    @property
    def invalid(self) -> bool:
        return bool(self.errors)


def grid_columns(method: MethodData) -> list[GridColumn]:
    return [
        GridColumn(quality=quality, rater=rater, first_of_quality=position == 0)
        for quality in method.qualities
        for position, rater in enumerate(method.raters)
    ]


def _clean_initials(raw: str) -> str:
    """«а. п.» → «А.П.»: the spaces a hand leaves out, capitals; a name stays a name (refused)."""
    return "".join(raw.split()).upper()


def _number(raw: str) -> int | None:
    raw = raw.strip()
    if raw.isdecimal() and raw.isascii() and len(raw) <= 3:
        return int(raw)
    return None


class GridForm:
    """The grid of one class's monitoring. Unbound: the saved pupils (`pupils`, with their
    figures `scores` by number) and blank rows after them up to MIN_ROWS, numbered on. Bound
    (`data`): the posted rows as typed; `is_valid()` checks them and leaves `pupils`, the rows
    to save (blank rows skipped)."""

    def __init__(self, method: MethodData, *, data: Mapping | None = None,
                 pupils: Sequence[PupilGrades] = (), scores: Mapping[int, PupilScore] | None = None):
        self.method = method
        self.columns = grid_columns(method)
        self.data = data
        self.is_bound = data is not None
        self.errors: list[str] = []  # the grid's own (not a row's)
        self.pupils: list[PupilGrades] = []
        self._checked = False
        self.rows = self._posted_rows(data) if data is not None else self._saved_rows(pupils, scores or {})

    # --- building the rows --------------------------------------------------------------------

    def _row(self, index: int, number: str, initials: str, values: Mapping[tuple[int, str], str]) -> GridRow:
        return GridRow(
            index=index, number=number, initials=initials,
            cells=[GridCell(name=f"r{index}-{column.suffix}", value=values.get(column.key, ""), column=column)
                   for column in self.columns],
        )

    def _saved_rows(self, pupils: Sequence[PupilGrades], scores: Mapping[int, PupilScore]) -> list[GridRow]:
        rows = []
        for index, pupil in enumerate(sorted(pupils, key=lambda p: p.number)):
            row = self._row(index, str(pupil.number), pupil.initials,
                            {key: str(value) for key, value in pupil.grades.items()})
            score = scores.get(pupil.number)
            if score is not None and score.complete:
                row.mean_text, row.level = comma(score.mean, self.method.decimals), score.level or ""
            rows.append(row)
        used = {pupil.number for pupil in pupils}
        highest = max(used, default=0)
        free = iter([*range(highest + 1, MAX_PUPILS + 1), *(n for n in range(1, highest) if n not in used)])
        while len(rows) < min(max(MIN_ROWS, len(pupils)), MAX_PUPILS):
            number = next(free, None)
            rows.append(self._row(len(rows), "" if number is None else str(number), "", {}))
        return rows

    def _posted_rows(self, data: Mapping) -> list[GridRow]:
        count = _number(str(data.get("rows", ""))) or MIN_ROWS
        count = max(1, min(count, MAX_PUPILS))
        rows = []
        for index in range(count):
            prefix = f"r{index}"
            values = {column.key: str(data.get(f"{prefix}-{column.suffix}", "")).strip() for column in self.columns}
            rows.append(self._row(index, str(data.get(f"{prefix}-n", "")).strip(),
                                  str(data.get(f"{prefix}-i", "")).strip(), values))
        return rows

    # --- checking -------------------------------------------------------------------------------

    def is_valid(self) -> bool:
        if not self.is_bound:
            return False
        if not self._checked:
            self._check()
            self._checked = True
        return not self.errors and not any(row.errors for row in self.rows)

    def _check(self) -> None:
        method = self.method
        allowed = {str(value) for value in method.values}
        scale = ", ".join(str(value) for value, _label in method.scale)
        entered: list[tuple[GridRow, PupilGrades]] = []
        for row in self.rows:
            grades: dict[tuple[int, str], int] = {}
            letters = []
            for cell in row.cells:
                if not cell.value:
                    continue
                if cell.value in allowed:
                    grades[cell.column.key] = int(cell.value)
                elif cell.value.isdecimal() and cell.value.isascii() and len(cell.value) <= 2:
                    grades[cell.column.key] = int(cell.value)  # out of the scale: pupil_problems says so
                    cell.invalid = True
                else:
                    letters.append(cell.value)
                    cell.invalid = True
            if not row.initials and not any(cell.value for cell in row.cells):
                continue  # a blank row (with the number the page gave it, or none)
            number = _number(row.number)
            if not row.number:
                row.errors.append(_("Укажите № ученика по списку класса: без номера строку не сохранить."))
                row.number_invalid = True
            elif number is None:
                row.errors.append(_("№ ученика — число от 1 до %(max)s.") % {"max": MAX_PUPILS})
                row.number_invalid = True
            if letters:
                row.errors.append(
                    _("Оценки — только цифры баллов шкалы (%(scale)s), а не «%(bad)s».")
                    % {"scale": scale, "bad": "», «".join(letters[:3])}
                )
            initials = _clean_initials(row.initials)
            if initials and not INITIALS_RE.match(initials):
                row.initials_invalid = True
            # Without a number the row's other checks still run (the number's problem is said above).
            pupil = PupilGrades(number=1 if number is None else number, initials=initials, grades=grades)
            row.errors.extend(services.pupil_problems(method, pupil))
            if number is not None and not 1 <= number <= MAX_PUPILS:
                row.number_invalid = True
            entered.append((row, pupil))
        numbered = [(row, pupil) for row, pupil in entered if _number(row.number) is not None]
        numbers = Counter(pupil.number for _row, pupil in numbered)
        for row, pupil in numbered:
            if numbers[pupil.number] > 1:
                row.errors.append(_("№ %(number)s уже есть в другой строке: у каждого ученика свой номер.")
                                  % {"number": pupil.number})
                row.number_invalid = True
        self.pupils = [pupil for _row, pupil in entered]

    def add_error(self, message: str) -> None:
        """A refusal of the whole grid (the service's), shown above it."""
        self.errors.append(message)

    # --- for the template -------------------------------------------------------------------------

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def scale_digits(self) -> str:
        return ",".join(str(value) for value, _label in self.method.scale)

    @property
    def scale_text(self) -> str:
        return ", ".join(str(value) for value, _label in self.method.scale)

    @property
    def scale_pattern(self) -> str:
        return "[" + "".join(str(value) for value, _label in self.method.scale if 0 <= value <= 9) + "]"

    @property
    def quality_groups(self) -> list[tuple[QualityData, int]]:
        return [(quality, len(self.method.raters)) for quality in self.method.qualities]

    @property
    def total_columns(self) -> int:
        return len(self.columns) + 4  # №, initials, the grades, the mean, the level

    @property
    def invalid_rows(self) -> int:
        return sum(1 for row in self.rows if row.errors)

    max_rows = MAX_PUPILS
    initials_max_length = INITIALS_MAX_LENGTH
    number_max_length = NUMBER_MAX_LENGTH


# --- the XLSX import (helper: import) ---------------------------------------------------------------


class MonitoringImportForm(forms.Form):
    """The upload of the grid's workbook: its type and size are checked here (by name first, by
    content when it is read: `associations.sheets`); the version the page was opened at is a
    hidden field of the page, read as the grid's is (`editors.posted_version`)."""

    file = forms.FileField(
        label=gettext_lazy("Файл XLSX"),
        help_text=gettext_lazy("Шаблон этой таблицы, заполненный в Excel (или CSV в UTF-8), не больше 2 МБ."),
        error_messages={
            "required": gettext_lazy("Выберите файл для загрузки."),
            "empty": gettext_lazy("Файл пуст."),
            "invalid": gettext_lazy("Это не файл: выберите файл XLSX."),
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        sheets.check_upload(filename=upload.name, size=upload.size)
        return upload
