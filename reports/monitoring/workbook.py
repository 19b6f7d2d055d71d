"""The XLSX template of a class's monitoring: the grid as a workbook to fill in Excel and upload
back (`services.grid_import`).

The sheet «Оценки» has the headers in row 1 — «№», «Инициалы», then a column per quality ×
rater in the grid's order («Любознательность (ученик)», «Любознательность (кл. рук.)») — and a
row per pupil from row 2 on: the saved pupils as saved (so the grid can be taken out, edited and
put back), then blank numbered rows up to 25. The grade cells take the method's scale values
only (a list validation), the number 1–40, the initials six characters. The sheet «Методика»
says how to fill it: no names, the scale with its labels, the qualities, the levels.

`columns` are what the import's reader (`associations.sheets`) expects of that header row: the
same labels, with the quality's short name and the rater's full name as aliases.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.packaging.custom import IntProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from associations.files.responses import ascii_filename
from associations.sheets import Column
from reports.monitoring.models import INITIALS_MAX_LENGTH, MAX_PUPILS, Period, Rater
from reports.monitoring.scoring import MethodData, PupilGrades, QualityData, band_rows
from reports.rendering import XLSX_MIMETYPE, ExportFile

TEMPLATE_ROWS = 25  # a template shows at least this many numbered rows (as the grid does)
FIRST_ROW = 2  # the first pupil's row (the header is row 1)
GRADES_SHEET = gettext_lazy("Оценки")
METHOD_SHEET = gettext_lazy("Методика")

NUMBER = "number"
INITIALS = "initials"

#: The rater in a column's header: «Любознательность (кл. рук.)».
RATER_HEADER = {
    Rater.PUPIL: gettext_lazy("ученик"),
    Rater.TEACHER: gettext_lazy("кл. рук."),
    Rater.PARENT: gettext_lazy("родители"),
}

THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")


@dataclass(frozen=True)
class GradeColumn:
    """A grade column of the workbook: one quality as graded by one rater."""

    quality: QualityData
    rater: str

    @property
    def key(self) -> str:
        return f"q{self.quality.id}-{self.rater}"

    @property
    def grade_key(self) -> tuple[int, str]:
        return (self.quality.id, self.rater)

    @property
    def header(self) -> str:
        return f"{self.quality.name} ({RATER_HEADER.get(self.rater, self.rater)})"

    @property
    def aliases(self) -> tuple[str, ...]:
        full = str(Rater(self.rater).label) if self.rater in Rater.values else self.rater
        return (f"{self.quality.name} ({full})", f"{self.quality.short_name} ({RATER_HEADER.get(self.rater, full)})")


def grade_columns(method: MethodData) -> list[GradeColumn]:
    """The grade columns in the grid's order: by quality, then by rater."""
    return [GradeColumn(quality=quality, rater=rater) for quality in method.qualities for rater in method.raters]


def columns(method: MethodData) -> list[Column]:
    """The header row the import reads: «№» (required), «Инициалы» (optional), every grade column
    (required: a missing one would drop its grades)."""
    return [
        Column(NUMBER, gettext_lazy("№"), aliases=("номер", "№ по списку", "№ п/п", "n", "no")),
        Column(INITIALS, gettext_lazy("Инициалы"), aliases=("иниц.", "иниц"), required=False),
        *(Column(column.key, column.header, aliases=column.aliases) for column in grade_columns(method)),
    ]


def _text(value):
    return str(value) if isinstance(value, Promise) else value


def _put(sheet, row: int, column: int, value):
    cell = sheet.cell(row=row, column=column, value=_text(value))
    if isinstance(cell.value, str) and cell.value.startswith("="):
        cell.data_type = "s"  # text stays text: never a formula
    return cell


def filename(monitoring) -> str:
    """«monitoring-6b-may.xlsx»: ASCII, of the class and the period."""
    class_assignment = monitoring.class_assignment
    period = monitoring.period if monitoring.period != Period.NAMED else monitoring.period_name
    stem = ascii_filename(f"monitoring-{class_assignment.grade}{class_assignment.letter}-{period}").lower()
    return f"{stem[:80]}.xlsx"


#: The custom document properties a template carries: which monitoring it was made of, and at
#: which version of its grid, so that its import names a file of another class and does not
#: silently overwrite a save made after the download (`stamp`).
STAMP_MONITORING = "rmo_monitoring"
STAMP_VERSION = "rmo_monitoring_version"
_CUSTOM_XML = "docProps/custom.xml"
_CUSTOM_XML_MAX = 64 * 1024
_PROPERTY_RE = re.compile(  # every repeat bounded: a hostile part costs linear time, not minutes
    r'<(?:\w{1,16}:)?property\b[^<>]{0,400}?\bname="([^"<>]{1,64})"[^<>]{0,400}>'
    r'\s{0,32}<(?:\w{1,16}:)?i4\b[^<>]{0,400}>\s{0,32}(-?\d{1,10})\s{0,32}</'
)


def stamp(data: bytes) -> tuple[int | None, int | None]:
    """(monitoring id, grid version) of a template as `template_xlsx` made it; (None, None) for
    any other file (a CSV, a workbook made by hand). Reads one small part of the zip, bounded."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo(_CUSTOM_XML)
            if info.file_size > _CUSTOM_XML_MAX:
                return None, None
            text = archive.read(info).decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return None, None
    values = {name: int(value) for name, value in _PROPERTY_RE.findall(text)}
    return values.get(STAMP_MONITORING), values.get(STAMP_VERSION)


def template_xlsx(monitoring, method: MethodData, pupils: Sequence[PupilGrades]) -> ExportFile:
    """The workbook of `monitoring` with its saved `pupils` filled in, stamped with the
    monitoring and its version (`stamp`)."""
    workbook = Workbook()
    workbook.custom_doc_props.append(IntProperty(name=STAMP_MONITORING, value=monitoring.pk))
    workbook.custom_doc_props.append(IntProperty(name=STAMP_VERSION, value=monitoring.version))
    sheet = workbook.active
    sheet.title = str(GRADES_SHEET)
    _grades_sheet(sheet, method, pupils)
    _method_sheet(workbook.create_sheet(str(METHOD_SHEET)), monitoring, method)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return filename(monitoring), XLSX_MIMETYPE, buffer.getvalue()


def _grades_sheet(sheet, method: MethodData, pupils: Sequence[PupilGrades]) -> None:
    grades = grade_columns(method)
    headers = [str(column.label) for column in columns(method)]
    for index, header in enumerate(headers, start=1):
        cell = _put(sheet, 1, index, header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = BORDER
    sheet.row_dimensions[1].height = 48

    ordered = sorted(pupils, key=lambda pupil: pupil.number)
    used = {pupil.number for pupil in ordered}
    highest = max(used, default=0)
    free = iter([*range(highest + 1, MAX_PUPILS + 1), *(n for n in range(1, highest) if n not in used)])
    rows: list[tuple[int | None, str, dict]] = [(pupil.number, pupil.initials, pupil.grades) for pupil in ordered]
    while len(rows) < min(max(TEMPLATE_ROWS, len(ordered)), MAX_PUPILS):
        rows.append((next(free, None), "", {}))
    for offset, (number, initials, values) in enumerate(rows):
        row = FIRST_ROW + offset
        _put(sheet, row, 1, number)
        _put(sheet, row, 2, initials or None)
        for index, column in enumerate(grades, start=3):
            _put(sheet, row, index, values.get(column.grade_key))
        for index in range(1, len(headers) + 1):
            cell = sheet.cell(row=row, column=index)
            cell.border = BORDER
            cell.alignment = Alignment(horizontal="center")

    last_row = FIRST_ROW + MAX_PUPILS - 1
    last_column = get_column_letter(len(headers))
    scale = ", ".join(str(value) for value, _label in method.scale)
    grade_rule = DataValidation(
        type="list", formula1='"' + ",".join(str(value) for value, _label in method.scale) + '"', allow_blank=True,
        showErrorMessage=True, errorTitle=_("Не балл шкалы"),
        error=_("Только баллы шкалы методики: %(scale)s.") % {"scale": scale},
        showInputMessage=True, promptTitle=_("Балл"), prompt=scale,
    )
    grade_rule.add(f"C{FIRST_ROW}:{last_column}{last_row}")
    number_rule = DataValidation(
        type="whole", operator="between", formula1="1", formula2=str(MAX_PUPILS), allow_blank=True,
        showErrorMessage=True, errorTitle=_("Номер ученика"),
        error=_("№ ученика по списку класса — число от 1 до %(max)s.") % {"max": MAX_PUPILS},
    )
    number_rule.add(f"A{FIRST_ROW}:A{last_row}")
    initials_rule = DataValidation(
        type="textLength", operator="lessThanOrEqual", formula1=str(INITIALS_MAX_LENGTH), allow_blank=True,
        showErrorMessage=True, errorTitle=_("Только инициалы"),
        error=_("Только инициалы, например «А.П.»: полное имя ребёнка сюда не вносится."),
        showInputMessage=True, promptTitle=_("Инициалы"),
        prompt=_("По желанию, например «А.П.». Фамилии и имена не вносятся."),
    )
    initials_rule.add(f"B{FIRST_ROW}:B{last_row}")
    for rule in (grade_rule, number_rule, initials_rule):
        sheet.add_data_validation(rule)

    sheet.column_dimensions["A"].width = 6
    sheet.column_dimensions["B"].width = 11
    for index in range(3, len(headers) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.freeze_panes = f"C{FIRST_ROW}"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def instructions(method: MethodData) -> list[str]:
    """How to fill the template, line by line (the sheet «Методика» and the upload page)."""
    scale = ", ".join(str(value) for value, _label in method.scale)
    return [
        _("Фамилии и имена детей не вносятся: только № ученика по списку класса и, если нужно, инициалы "
          "(«А.П.»). Полное имя ребёнка — его персональные данные."),
        _("Первая строка листа «%(sheet)s» — заголовки столбцов: не меняйте и не удаляйте их.")
        % {"sheet": GRADES_SHEET},
        _("По строке на ученика, в клетке — балл шкалы (%(scale)s). Строка без оценок и инициалов пропускается.")
        % {"scale": scale},
        _("Загруженный файл заменяет всю таблицу класса за этот срок: в нём должны быть все ученики."),
    ]


def _method_sheet(sheet, monitoring, method: MethodData) -> None:
    class_assignment = monitoring.class_assignment
    bold = Font(bold=True)
    row = 1
    _put(sheet, row, 1, method.label).font = Font(bold=True, size=12)
    row += 1
    _put(sheet, row, 1, _("Класс: %(class)s, %(school)s; срок: %(period)s.") % {
        "class": class_assignment.label, "school": class_assignment.school, "period": monitoring.period_label})
    row += 2
    _put(sheet, row, 1, _("Как заполнять")).font = bold
    row += 1
    for line in instructions(method):
        _put(sheet, row, 1, line).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        sheet.row_dimensions[row].height = 32
        row += 1
    row += 1
    _put(sheet, row, 1, _("Шкала")).font = bold
    row += 1
    _put(sheet, row, 1, _("Балл")).font = bold
    _put(sheet, row, 2, _("Значение")).font = bold
    row += 1
    for value, label in method.scale:
        _put(sheet, row, 1, value)
        _put(sheet, row, 2, label)
        row += 1
    row += 1
    _put(sheet, row, 1, _("Качества")).font = bold
    _put(sheet, row, 2, _("Кто оценивает")).font = bold
    row += 1
    raters = ", ".join(str(Rater(rater).label) if rater in Rater.values else rater for rater in method.raters)
    for quality in method.qualities:
        _put(sheet, row, 1, quality.name)
        _put(sheet, row, 2, raters)
        row += 1
    row += 1
    _put(sheet, row, 1, _("Уровни (по среднему баллу)")).font = bold
    row += 1
    for band in band_rows(method):  # the questionnaire's texts: the stored bounds, exactly
        _put(sheet, row, 1, band["band"].name)
        _put(sheet, row, 2, band["half_open"])
        row += 1
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 50
    sheet.column_dimensions["C"].width = 30
