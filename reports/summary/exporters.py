"""The district summary's documents, `(filename, mimetype, bytes)`: the PDF (A4 landscape,
through `reports.rendering`) and the XLSX whose totals recompute in a spreadsheet.

The XLSX's sheet: the header on row 1, a row per school from row 2, then the totals row
(`=SUM(D2:D7)` for a count; a percent pooled from its parts, `=IF(SUM(Y2:Y7)=0,"",SUM(X2:X7)/SUM(Y2:Y7))`)
and the averages row (`=AVERAGE(D2:D7)`). A school's percent is a formula of its parts too; the
parts that are not columns of the page (the attendance marks, the plan's items, the staff with
a course) are columns of their own after the figures, so that nothing is hidden from whoever goes
on counting. With no school there is no totals row: a note says so.
"""

from __future__ import annotations

import io

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports import word
from reports.exporters import BORDER, WRAP, _put
from reports.rendering import PDF_MIMETYPE, XLSX_MIMETYPE, ExportFile, render_pdf
from reports.summary.selectors import COLUMNS, COLUMNS_BY_KEY, PART_LABELS, PERCENT, DistrictSummary

DOCUMENT_LANGUAGE = "ru"
PDF_TEMPLATE = "reports/summary/summary_pdf.html"
FIRST_FIGURE_COLUMN = 4  # D: after the school, the analysis' status and the source
COUNT_FORMAT, AVERAGE_FORMAT, PERCENT_FORMAT = "0", "0.0", "0.0%"


def _stem(summary: DistrictSummary) -> str:
    start = summary.year.start_year
    return f"svodnaya-{summary.district.slug}-{start}-{start + 1}"


def _made_on() -> str:
    return timezone.localdate().strftime("%d.%m.%Y")


def title(summary: DistrictSummary) -> str:
    return _("Сводная таблица по школам района за %(year)s учебный год") % {"year": summary.year}


def source_label(frozen: bool) -> str:
    return _("по анализу") if frozen else _("по записям")


def source_note() -> str:
    return _("«по анализу» — показатели, сохранённые при отправке анализа на рассмотрение; остальные — по "
             "записям портала на дату составления. Проценты итога — по сумме составляющих всех школ.")


def made_on_line(day: str) -> str:
    return _("Составлено %(day)s") % {"day": day}


def summary_context(summary: DistrictSummary) -> dict:
    """What the PDF and the DOCX print, worded once."""
    made_on = _made_on()
    return {
        "summary": summary, "title": title(summary), "made_on": made_on,
        "source_note": source_note(), "made_on_line": made_on_line(made_on),
        "no_schools": _("В районе нет школьных МО."),
        "total_label": _("Итого по району"), "average_label": _("Среднее на школу"),
    }


def status_text(row) -> str:
    """A school's status cell: the analysis' status, «(по анализу)» when its figures are frozen."""
    return f"{row.status_label} ({source_label(True)})" if row.frozen else row.status_label


def summary_pdf(summary: DistrictSummary) -> ExportFile:
    with translation.override(DOCUMENT_LANGUAGE):
        pdf = render_pdf(PDF_TEMPLATE, summary_context(summary))
    return f"{_stem(summary)}.pdf", PDF_MIMETYPE, pdf


def summary_docx(summary: DistrictSummary) -> ExportFile:
    """The summary in Word, A4 landscape: the PDF's title, district, table (its header repeated on
    every page, the totals and averages rows bold), note and date, from `summary_context`."""
    with translation.override(DOCUMENT_LANGUAGE):
        context = summary_context(summary)
        doc = word.document(title=context["title"], landscape=True)
        word.paragraph(doc, summary.district.name, style="Centered")
        word.heading(doc, context["title"], level=0)
        if summary.rows:
            header = [f"{h.label}, %" if h.kind == PERCENT else h.label for h in summary.headers]
            rows = [[row.school_name, status_text(row), *[cell.text for cell in row.cells]] for row in summary.rows]
            rows.append([context["total_label"], "", *[cell.text for cell in summary.total_cells]])
            rows.append([context["average_label"], "", *[cell.text for cell in summary.average_cells]])
            figures = len(header) - 2
            rest = word.text_width_cm(doc) - 4.0 - 2.4
            grid = word.table(doc, header, rows, widths_cm=[4.0, 2.4, *[rest / figures] * figures],
                              bold_rows=[len(rows) - 2])
            for last in (len(rows) - 1, len(rows)):  # the totals' and averages' labels across two columns
                word.merge(grid, last, 0, last, 1)
            word.paragraph(doc, context["source_note"], style="Small")
        else:
            word.paragraph(doc, context["no_schools"])
        word.paragraph(doc, context["made_on_line"], style="Signature")
        content = word.docx_bytes(doc)
    return f"{_stem(summary)}.docx", word.DOCX_MIMETYPE, content


# --- the XLSX ------------------------------------------------------------------------------------


def layout() -> dict[str, str]:
    """Column letter of each figure and part: the figures from D in the order of COLUMNS, then
    the parts of the percents that are not figures."""
    letters = {}
    for index, column in enumerate(COLUMNS):
        letters[column.key] = get_column_letter(FIRST_FIGURE_COLUMN + index)
    for index, part in enumerate(PART_LABELS, start=FIRST_FIGURE_COLUMN + len(COLUMNS)):
        letters[part] = get_column_letter(index)
    return letters


def _formula(ws: Worksheet, row: int, column: str, formula: str, number_format: str):
    cell = ws[f"{column}{row}"]
    cell.value = formula  # a formula of our own: never text typed by people (those go through _put)
    cell.number_format = number_format
    cell.border = BORDER
    return cell


def _ratio(part: str, whole: str) -> str:
    return f'=IF({whole}=0,"",{part}/{whole})'


def summary_xlsx(summary: DistrictSummary) -> ExportFile:
    with translation.override(DOCUMENT_LANGUAGE):
        content = _workbook(summary)
    return f"{_stem(summary)}.xlsx", XLSX_MIMETYPE, content


def _workbook(summary: DistrictSummary) -> bytes:
    letters = layout()
    workbook = Workbook()
    ws = workbook.active
    start = summary.year.start_year
    ws.title = _("Сводная %(start)s–%(end)s") % {"start": start, "end": start + 1}
    workbook.properties.title = title(summary)
    workbook.properties.subject = summary.district.name

    headers = [_("Школа"), _("Анализ"), _("Источник")]
    headers += [f"{c.label}, %" if c.kind == PERCENT else str(c.label) for c in COLUMNS]
    headers += [str(label) for label in PART_LABELS.values()]
    for column, header in enumerate(headers, start=1):
        cell = _put(ws, 1, column, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = BORDER

    first, last = 2, len(summary.rows) + 1
    for row_number, row in enumerate(summary.rows, start=first):
        for column, value in enumerate(
            (row.association.school.short_name, row.status_label, source_label(row.frozen)), start=1
        ):
            cell = _put(ws, row_number, column, value)
            cell.alignment, cell.border = WRAP, BORDER
        for key, letter in letters.items():
            column = COLUMNS_BY_KEY.get(key)
            if column is not None and column.kind == PERCENT:
                part, whole = (f"{letters[name]}{row_number}" for name in column.parts)
                _formula(ws, row_number, letter, _ratio(part, whole), PERCENT_FORMAT)
            else:
                cell = ws[f"{letter}{row_number}"]
                cell.value = row.figures.value(key)
                cell.number_format, cell.border = COUNT_FORMAT, BORDER

    if summary.rows:
        totals, averages = last + 1, last + 2
        for number, label in ((totals, _("Итого по району")), (averages, _("Среднее на школу"))):
            cell = _put(ws, number, 1, label)
            cell.font, cell.border = Font(bold=True), BORDER
            for column in (2, 3):
                ws.cell(row=number, column=column).border = BORDER
        for key, letter in letters.items():
            span = f"{letter}{first}:{letter}{last}"
            column = COLUMNS_BY_KEY.get(key)
            if column is not None and column.kind == PERCENT:
                part, whole = (f"SUM({letters[name]}{first}:{letters[name]}{last})" for name in column.parts)
                _formula(ws, totals, letter, _ratio(part, whole), PERCENT_FORMAT).font = Font(bold=True)
                ws[f"{letter}{averages}"].border = BORDER
            else:
                _formula(ws, totals, letter, f"=SUM({span})", COUNT_FORMAT).font = Font(bold=True)
                _formula(ws, averages, letter, f"=AVERAGE({span})", AVERAGE_FORMAT)
        notes_from = averages + 2
    else:
        _put(ws, 2, 1, _("В районе нет школьных МО."))
        notes_from = 4

    for offset, line in enumerate((
        title(summary), summary.district.name,
        _("«по анализу» — показатели, сохранённые при отправке анализа; «по записям» — по записям портала "
          "на %(day)s.") % {"day": _made_on()},
    )):
        _put(ws, notes_from + offset, 1, line).font = Font(bold=offset == 0)

    ws.freeze_panes = "B2"
    ws.row_dimensions[1].height = 60
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 18
    ws.column_dimensions["C"].width = 12
    for letter in letters.values():
        ws.column_dimensions[letter].width = 13
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_title_rows = "1:1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

