"""Documents and spreadsheets, each returned as `(filename, mimetype, bytes)`.

The data and its wording come from `reports.selectors`; here is only layout: the PDF through
`reports.rendering`, the XLSX through openpyxl for the people who go on counting in Excel.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.rendering import PDF_MIMETYPE, XLSX_MIMETYPE, ExportFile, render_pdf
from reports.selectors import DistrictPlanTable, PlanDocument

# Documents go to the education department in Russian whatever the reader's browser says.
DOCUMENT_LANGUAGE = "ru"


def plan_pdf(document: PlanDocument) -> ExportFile:
    with translation.override(DOCUMENT_LANGUAGE):
        pdf = render_pdf("reports/plan_document.html", {"doc": document})
    return f"{document.filename_stem}.pdf", PDF_MIMETYPE, pdf


def plan_xlsx(document: PlanDocument) -> ExportFile:
    with translation.override(DOCUMENT_LANGUAGE):
        headers = [
            _("№ п/п"), _("Раздел"), _("Содержание"), _("Форма проведения"), _("Сроки"),
            _("Ответственный"), _("Отметка о выполнении"),
        ]
        rows = [
            [row.number, row.section, row.content, row.form, row.timing, ", ".join(row.responsible), row.mark]
            for row in document.rows
        ]
        content = _sheet_bytes(
            sheet_title=_("План"),
            title=document.title,
            subtitle=", ".join(document.organisation),
            headers=headers,
            rows=rows,
            widths=[7, 26, 60, 20, 16, 26, 24],
        )
    return f"{document.filename_stem}.xlsx", XLSX_MIMETYPE, content


def district_plans_xlsx(table: DistrictPlanTable) -> ExportFile:
    with translation.override(DOCUMENT_LANGUAGE):
        headers = [
            _("Объединение"), _("Школа"), _("Статус"), _("Последнее действие"), _("Кто"), _("Когда"),
            _("Пунктов"), _("Выполнено, %"),
        ]
        rows = []
        for row in table.rows:
            plan = row.plan
            school = row.association.school.short_name if row.association.school else _("районное")
            if plan is None:
                rows.append([row.association.name, school, _("нет плана"), "", "", None, None, None])
                continue
            rows.append([
                row.association.name,
                school,
                plan.get_status_display(),
                plan.last_status_label,
                plan.last_by or "",
                plan.last_at_local.replace(tzinfo=None) if plan.last_at_local else None,
                plan.item_count,
                row.percent,
            ])
        content = _sheet_bytes(
            sheet_title=_("Планы района"),
            title=_("Планы работы методических объединений на %(year)s учебный год") % {"year": table.year},
            subtitle="",
            headers=headers,
            rows=rows,
            widths=[44, 22, 20, 22, 22, 17, 10, 13],
            number_formats={5: "DD.MM.YYYY HH:MM"},
        )
    return f"{table.filename_stem}.xlsx", XLSX_MIMETYPE, content


THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


def _put(ws: Worksheet, row: int, column: int, value):
    if isinstance(value, Promise):
        value = str(value)
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        # Text typed by people stays text: never let «=…» become a formula (CSV/XLSX injection).
        cell.data_type = "s"
    return cell


def _sheet_bytes(
    *,
    sheet_title: str,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    widths: Sequence[float],
    number_formats: dict[int, str] | None = None,
) -> bytes:
    """One sheet: a title row, an optional subtitle, a bold header that stays in view and
    repeats on every printed page, wrapped text, set widths."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet_title[:31]
    last_column = get_column_letter(len(headers))

    row_number = 1
    _put(ws, row_number, 1, title).font = Font(bold=True, size=13)
    ws.merge_cells(f"A{row_number}:{last_column}{row_number}")
    ws.row_dimensions[row_number].height = 34
    ws.cell(row=row_number, column=1).alignment = Alignment(wrap_text=True, vertical="center")
    if subtitle:
        row_number += 1
        _put(ws, row_number, 1, subtitle)
        ws.merge_cells(f"A{row_number}:{last_column}{row_number}")
    row_number += 1  # one empty row before the table
    header_row = row_number + 1

    for column, header in enumerate(headers, start=1):
        cell = _put(ws, header_row, column, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = BORDER
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = _put(ws, header_row + offset, column, value)
            cell.alignment = WRAP
            cell.border = BORDER
            if number_formats and column in number_formats:
                cell.number_format = number_formats[column]

    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:{last_column}{max(header_row, ws.max_row)}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
