"""Documents and spreadsheets, each returned as `(filename, mimetype, bytes)`.

The data and its wording come from `reports.selectors`; here is only layout: the PDF through
`reports.rendering`, the XLSX through openpyxl for the people who go on counting in Excel.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Sequence

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports import word
from reports.rendering import PDF_MIMETYPE, XLSX_MIMETYPE, ExportFile, render_pdf
from reports.selectors import DistrictPlanTable, PlanDocument

# Documents go to the education department in Russian whatever the reader's browser says.
DOCUMENT_LANGUAGE = "ru"


def plan_pdf(document: PlanDocument) -> ExportFile:
    with translation.override(DOCUMENT_LANGUAGE):
        pdf = render_pdf("reports/plan_document.html", {"doc": document})
    return f"{document.filename_stem}.pdf", PDF_MIMETYPE, pdf


def plan_docx(document: PlanDocument) -> ExportFile:
    """The plan as a Word document in the form that pastes into the school's annual plan: the
    draft mark, the organisation, the approval block (`plan_approval_blocks`, the XLSX's wording
    too) as two columns of paragraphs, the title, theme, goal, tasks and expected results, then
    the plan's one table — the PDF's columns, a section a merged row, the header repeated on
    every page. No other table: pasted into the school's plan it stays one table."""
    with translation.override(DOCUMENT_LANGUAGE):
        doc = word.document(title=document.title)
        if document.is_draft:
            word.paragraph(doc, _("ЧЕРНОВИК — план не утверждён (%(status)s)") % {"status": document.status},
                           style="Draft Mark")
        word.paragraph(doc, "\n".join(document.organisation), style="Centered")
        blocks = plan_approval_blocks(document)
        left = [line for label, lines in blocks[:-1] for line in (label, *lines)]
        label, lines = blocks[-1]
        word.two_columns(doc, left, [label, *lines], bold=[block_label for block_label, _lines in blocks])
        word.heading(doc, _("План работы").upper(), level=0)
        word.paragraph(doc, f"{document.subject}\n" + _("на %(year)s учебный год") % {"year": document.year},
                       style="Centered")
        plan = document.plan
        if plan.theme:
            word.labelled(doc, _("Методическая тема:"), f"«{plan.theme}»")
        if plan.goal:
            word.labelled(doc, _("Цель:"), plan.goal)
        if document.tasks:
            word.paragraph(doc, _("Задачи:"), bold=True)
            word.numbered(doc, document.tasks)
        if plan.expected_results:
            word.labelled(doc, _("Ожидаемые результаты:"), plan.expected_results)
        rows: list[list[object]] = []
        merged: list[int] = []
        for group in document.sections:
            merged.append(len(rows))
            rows.append([group.section])
            rows.extend(
                [row.number, row.content, row.form, row.timing, ",\n".join(row.responsible), row.mark]
                for row in group.rows
            )
        if not rows:
            merged.append(0)
            rows.append([_("В плане пока нет пунктов.")])
        word.table(doc, plan_table_header(), rows, widths_cm=PLAN_DOCX_WIDTHS, merged=merged)
        content = word.docx_bytes(doc)
    return f"{document.filename_stem}.docx", word.DOCX_MIMETYPE, content


def plan_table_header() -> list[str]:
    """The plan table's header in the DOCX, as the PDF's."""
    return [
        "№\n" + _("п/п"), _("Содержание"), _("Форма проведения"), _("Сроки"), _("Ответственный"),
        _("Отметка о выполнении"),
    ]


#: The plan table's columns in the DOCX, centimetres (of the 18 cm between A4's margins).
PLAN_DOCX_WIDTHS = [1.1, 6.6, 2.8, 2.4, 2.8, 2.3]


def plan_xlsx(document: PlanDocument) -> ExportFile:
    """The plan as a spreadsheet: the same header as the PDF (approval block, title, theme, goal,
    tasks, expected results), then a row per item; the execution mark's status, date, new timing
    and note are columns of their own, to count and filter by."""
    with translation.override(DOCUMENT_LANGUAGE):
        headers = [
            _("№ п/п"), _("Раздел"), _("Содержание"), _("Форма проведения"), _("Сроки"),
            _("Ответственный"), _("Отметка о выполнении"), _("Дата выполнения"), _("Новый срок"), _("Примечание"),
        ]
        rows = [
            [
                row.number, row.section, row.content, row.form, row.timing, ", ".join(row.responsible),
                row.mark_status, row.mark_date, row.mark_moved, row.mark_note,
            ]
            for row in document.rows
        ]
        content = _sheet_bytes(
            sheet_title=_("План"),
            title="",
            subtitle="",
            headers=headers,
            rows=rows,
            widths=PLAN_WIDTHS,
            number_formats={8: "DD.MM.YYYY"},
            preamble=lambda ws, row: _plan_header(ws, row, document),
        )
    return f"{document.filename_stem}.xlsx", XLSX_MIMETYPE, content


PLAN_WIDTHS = [7, 24, 60, 20, 16, 24, 16, 13, 16, 30]
BLANK = "________"
DRAFT_FILL = PatternFill("solid", fgColor="FDE2E2")


def plan_approval_blocks(document: PlanDocument) -> list[tuple[str, list[str]]]:
    """The approval block as text, block by block: (label, lines), blanks drawn as «________»."""

    def value(text: str) -> str:
        return text or BLANK

    def capfirst(text: str) -> str:
        return text[:1].upper() + text[1:]

    considered = (
        _("Рассмотрено").upper(),
        [
            _("на заседании %(body)s,") % {"body": document.body},
            _("протокол № %(number)s от %(date)s")
            % {"number": value(document.considered_number), "date": value(document.considered_on)},
        ],
    )
    blocks = [considered]
    if document.agreed:
        blocks.append((
            _("Согласовано").upper(),
            [capfirst(document.agreed_position), f"{BLANK} {value(document.agreed_name)}"],
        ))
    position = document.approver_position
    blocks.append((
        _("Утверждаю").upper(),
        [
            capfirst(position) if position else BLANK,
            f"{BLANK} {value(document.approver_name)}",
            _("приказ от %(date)s № %(number)s")
            % {"date": value(document.order_on), "number": value(document.order_number)},
            document.approved_on or f"«__» {BLANK} 20__ {_('г.')}",
        ],
    ))
    return blocks


def _lines_height(text: str, width: float) -> float:
    """The height (points) a wrapped text takes in a cell `width` characters wide: Excel does
    not fit a merged cell's height to its text."""
    lines = sum(max(1, math.ceil(len(line) / max(width, 1))) for line in text.split("\n"))
    return 15 * lines + 2


def _merged(ws: Worksheet, row: int, first: int, last: int, value, **style) -> None:
    cell = _put(ws, row, first, value)
    cell.alignment = style.pop("alignment", WRAP)
    for name, setting in style.items():
        setattr(cell, name, setting)
    if last > first:
        ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)


def _plan_header(ws: Worksheet, row: int, document: PlanDocument) -> int:
    """The plan's header from `row` on, as the PDF prints it; the next free row."""
    last = len(PLAN_WIDTHS)
    if document.is_draft:
        text = _("ЧЕРНОВИК — план не утверждён (%(status)s)") % {"status": document.status}
        _merged(ws, row, 1, last, text, font=Font(bold=True, color="A00000"), fill=DRAFT_FILL,
                alignment=Alignment(horizontal="center"))
        row += 1
    organisation = "\n".join(document.organisation)
    _merged(ws, row, 1, last, organisation, alignment=Alignment(wrap_text=True, horizontal="center"))
    ws.row_dimensions[row].height = _lines_height(organisation, sum(PLAN_WIDTHS))
    row += 2

    # The blocks side by side: РАССМОТРЕНО over columns A–C, СОГЛАСОВАНО D–F, УТВЕРЖДАЮ G–J.
    spans = [(1, 3), (4, 6), (7, last)]
    blocks = plan_approval_blocks(document)
    if len(blocks) == 2:
        spans = [spans[0], spans[2]]
    height = 0.0
    for (label, lines), (first, end) in zip(blocks, spans, strict=True):
        text = "\n".join([label, *lines])
        _merged(ws, row, first, end, text)
        height = max(height, _lines_height(text, sum(PLAN_WIDTHS[first - 1 : end])))
    ws.row_dimensions[row].height = height
    row += 2

    _merged(ws, row, 1, last, document.title, font=Font(bold=True, size=13),
            alignment=Alignment(wrap_text=True, horizontal="center", vertical="center"))
    ws.row_dimensions[row].height = 34
    row += 2

    plan = document.plan
    fields = [
        (_("Методическая тема:"), [f"«{plan.theme}»"] if plan.theme else []),
        (_("Цель:"), [plan.goal] if plan.goal else []),
        (_("Задачи:"), [f"{n}. {task}" for n, task in enumerate(document.tasks, start=1)]),
        (_("Ожидаемые результаты:"), [plan.expected_results] if plan.expected_results else []),
    ]
    value_width = sum(PLAN_WIDTHS[2:])
    for label, values in fields:
        for index, text in enumerate(values):
            if index == 0:
                _merged(ws, row, 1, 2, label, font=Font(bold=True))
            _merged(ws, row, 3, last, text)
            ws.row_dimensions[row].height = _lines_height(text, value_width)
            row += 1
    return row


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


def put_table(
    ws: Worksheet, header_row: int, headers: Sequence[str], rows: Iterable[Sequence], *,
    number_formats: dict[int, str] | None = None,
) -> int:
    """A bordered table: a bold, centred header on `header_row`, the rows below it wrapped
    (columns numbered from 1 in `number_formats`). Returns the number of rows written."""
    for column, header in enumerate(headers, start=1):
        cell = _put(ws, header_row, column, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = BORDER
    written = 0
    for written, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = _put(ws, header_row + written, column, value)
            cell.alignment = WRAP
            cell.border = BORDER
            if number_formats and column in number_formats:
                cell.number_format = number_formats[column]
    return written


def _sheet_bytes(
    *,
    sheet_title: str,
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    widths: Sequence[float],
    number_formats: dict[int, str] | None = None,
    preamble: Callable[[Worksheet, int], int] | None = None,
) -> bytes:
    """One sheet: a title row (if any), an optional subtitle, what `preamble` writes from the next
    row on (it returns the next free row), a bold header that stays in view and repeats on every
    printed page, wrapped text, set widths."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet_title[:31]
    last_column = get_column_letter(len(headers))

    row_number = 0
    if title:
        row_number += 1
        _put(ws, row_number, 1, title).font = Font(bold=True, size=13)
        ws.merge_cells(f"A{row_number}:{last_column}{row_number}")
        ws.row_dimensions[row_number].height = 34
        ws.cell(row=row_number, column=1).alignment = Alignment(wrap_text=True, vertical="center")
    if subtitle:
        row_number += 1
        _put(ws, row_number, 1, subtitle)
        ws.merge_cells(f"A{row_number}:{last_column}{row_number}")
    if preamble is not None:
        row_number = preamble(ws, row_number + 1) - 1
    row_number += 1  # one empty row before the table
    header_row = row_number + 1

    put_table(ws, header_row, headers, rows, number_formats=number_formats)

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
