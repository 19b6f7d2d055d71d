"""The monitoring's documents: a class's monitoring sheet and a school's summary, as PDF
(through `reports.rendering`, with the same SVG charts as the pages) and as XLSX.

They are built from what the pages read (`selectors.ClassResult`, `selectors.SchoolSummary`)
and lay out only what the reader may see: a class's sheet carries its pupils' rows to its
per-pupil readers alone, and a school's summary to the district level leaves out the classes of
fewer than 5 pupils (they are inside the totals), as the pages do.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from associations.files.responses import ascii_filename
from reports import word
from reports.exporters import BLANK, _put, put_table
from reports.monitoring import charts
from reports.monitoring.scoring import Score
from reports.monitoring.selectors import ClassResult, SchoolSummary
from reports.rendering import PDF_MIMETYPE, XLSX_MIMETYPE, ExportFile, render_pdf

DOCUMENT_LANGUAGE = "ru"


def _class_stem(result: ClassResult) -> str:
    assignment = result.class_assignment
    period = result.monitoring.period if result.monitoring.period != "named" else f"srok-{result.monitoring.pk}"
    return ascii_filename(
        f"monitoring-{assignment.grade}{assignment.letter}-{period}-{assignment.academic_year.start_year}"
    ).lower()


def _made_on() -> str:
    return timezone.localdate().strftime("%d.%m.%Y")


# --- a class's sheet ---------------------------------------------------------------------------------


def class_subject(result: ClassResult) -> str:
    assignment = result.class_assignment
    return _("%(label)s класс, %(period)s, %(year)s учебный год") % {
        "label": assignment.label, "period": result.monitoring.period_label, "year": assignment.academic_year,
    }


def teacher_line(result: ClassResult) -> str:
    return f"{_('Классный руководитель:')} {result.class_assignment.teacher.short_name}. {result.score.method.label}."


def score_sentence(result: ClassResult) -> str:
    """The class's figures in a sentence, and its dynamics when it has September and May."""
    score = result.score
    text = _("Средний балл класса: %(mean)s, уровень воспитанности: %(level)s. Учтено учеников: %(counted)s "
             "из %(entered)s.") % {
        "mean": score.mean_text, "level": score.level or "—", "counted": score.counted, "entered": score.entered,
    }
    if result.dynamics is not None:
        text += " " + _("Динамика: сентябрь %(september)s → май %(may)s (%(change)s).") % {
            "september": result.dynamics.september.mean_text, "may": result.dynamics.may.mean_text,
            "change": result.dynamics.change_text,
        }
    return text


def class_sheet_context(result: ClassResult) -> dict:
    """What the class's sheet prints, its PDF and its DOCX alike."""
    context = {"result": result, "made_on": _made_on(), **charts.class_charts(result)}
    context.update(
        subject=class_subject(result), teacher_line=teacher_line(result),
        score_sentence=score_sentence(result) if result.score.counted else _("Оценки ещё не внесены."),
        landscape=bool(result.pupils_view and context["pupil_rows"] and len(result.score.method.qualities) > 5),
    )
    return context


def class_sheet_pdf(result: ClassResult) -> ExportFile:
    with translation.override(DOCUMENT_LANGUAGE):
        pdf = render_pdf("reports/monitoring/class_sheet_pdf.html", class_sheet_context(result))
    return f"{_class_stem(result)}.pdf", PDF_MIMETYPE, pdf


# The DOCX of the class's sheet and of the school's summary
def _docx_title(doc, organisation: str, kind: str, subject: str) -> None:
    word.paragraph(doc, organisation, style="Centered")
    word.heading(doc, kind, level=0)
    word.paragraph(doc, subject, style="Centered")


def _docx_distribution(doc, table: charts.DistributionTable, *, with_total: bool) -> None:
    """A distribution's text table, as the PDFs print it beside (or instead of) its chart."""
    header = [_("Уровень")]
    for name in table.periods:
        header += [f"{name}: {_('учеников')}", "%"]
    rows = [[level, *[text for share in shares for text in (share.count, f"{share.percent}\u00a0%")]]
            for level, shares in table.rows]
    if with_total:
        rows.append([_("Всего учтено"), *[text for counted in table.counted for text in (counted, "100\u00a0%")]])
    word.table(doc, header, rows, bold_rows=[len(rows) - 1] if with_total else ())


def class_sheet_docx(result: ClassResult) -> ExportFile:
    """The class's sheet in Word, from `class_sheet_context` as its PDF: the same sentences and
    tables in the same order (the distribution's chart as its text table); the pupils' rows only
    to the per-pupil readers, as the PDF."""
    with translation.override(DOCUMENT_LANGUAGE):
        context = class_sheet_context(result)
        assignment, score = result.class_assignment, result.score
        doc = word.document(title=context["subject"], landscape=context["landscape"])
        _docx_title(doc, str(assignment.school), _("Результаты мониторинга уровня воспитанности учащихся"),
                    context["subject"])
        word.paragraph(doc, context["teacher_line"])
        word.paragraph(doc, context["score_sentence"])
        if score.counted:
            _docx_distribution(doc, context["distribution_chart"].table, with_total=True)
            word.table(doc, [_("Качество"), _("Средний балл")],
                       [[quality.name, mean] for quality, mean in context["quality_means"]])
        if result.pupils_view and context["pupil_rows"]:
            word.table(
                doc,
                ["№", _("Инициалы"), *[quality.short_name for quality in score.method.qualities], _("Средний балл"),
                 _("Уровень")],
                [[pupil.number, pupil.initials, *pupil.grades, pupil.mean, pupil.level]
                 for pupil in context["pupil_rows"]],
            )
        word.signatures(doc, [(_("Классный руководитель"), assignment.teacher.short_name)])
        word.paragraph(doc, context["made_on"], style="Signature")
        content = word.docx_bytes(doc)
    return f"{_class_stem(result)}.docx", word.DOCX_MIMETYPE, content


def _period_texts(score: Score | None) -> list[str]:
    """A period's cells of a printed summary row (as `_period_cells_pdf.html`)."""
    if score is None or not score.counted:
        return ["—", "—", "—"]
    return [str(score.counted), score.mean_text, score.level or "—"]


def school_summary_docx(summary: SchoolSummary) -> ExportFile:
    """The school's summary in Word, A4 landscape, from `school_summary_context` as its PDF: a
    table per grade band (the classes the reader may see, the band's total), the distribution of
    the total as its text table (the charts' figures are those tables), the signature line."""
    with translation.override(DOCUMENT_LANGUAGE):
        context = school_summary_context(summary)
        doc = word.document(title=context["kind"], landscape=True)
        _docx_title(doc, str(summary.school), context["kind"], context["subject"])
        header = ["", "", _("учтено"), _("средний балл"), _("уровень"), _("учтено"), _("средний балл"),
                  _("уровень"), ""]
        top = [_("Класс"), _("Классный руководитель"), _("Сентябрь"), "", "", _("Май"), "", "", _("Динамика")]
        for group, distribution, _means in context["group_charts"]:
            word.heading(doc, group.label, level=2)
            rows = [
                [row.class_assignment.label, row.class_assignment.teacher.short_name,
                 *_period_texts(row.dynamics.september), *_period_texts(row.dynamics.may), row.dynamics.change_text]
                for row in group.rows
            ]
            rows.append([_("Итого"), "", *_period_texts(group.total.dynamics.september),
                         *_period_texts(group.total.dynamics.may), group.total.dynamics.change_text])
            grid = word.table(doc, header, rows, header_rows=[top], bold_rows=[len(rows) - 1],
                              widths_cm=[2.4, 5.0, 2.0, 2.4, 2.6, 2.0, 2.4, 2.6, 2.3])
            for first, last in ((0, 0), (1, 1), (8, 8)):
                word.merge(grid, 0, first, 1, last)
            for first, last in ((2, 4), (5, 7)):
                word.merge(grid, 0, first, 0, last)
            word.merge(grid, len(rows) + 1, 0, len(rows) + 1, 1)  # «Итого» across the class and its teacher
            if group.total.hidden:
                word.paragraph(doc, context["hidden_note"], style="Small")
            if not distribution.empty:
                _docx_distribution(doc, distribution.table, with_total=False)
        if not context["group_charts"]:
            word.paragraph(doc, context["no_monitoring"])
        word.signatures(doc, [(_("Заместитель директора"), BLANK)])
        word.paragraph(doc, context["made_on"], style="Signature")
        content = word.docx_bytes(doc)
    return f"{_school_stem(summary)}.docx", word.DOCX_MIMETYPE, content


def _number(value: Decimal | None):
    return float(value) if value is not None else None


def _table(ws: Worksheet, row: int, headers: Sequence[str], rows: Sequence[Sequence], *,
           formats: dict[int, str] | None = None) -> int:
    """A bordered table with a bold header from `row`; returns the next free row (one left empty)."""
    return row + put_table(ws, row, headers, rows, number_formats=formats) + 2


def _title(ws: Worksheet, lines: Sequence[str]) -> int:
    for index, line in enumerate(lines, start=1):
        _put(ws, index, 1, line).font = Font(bold=index == 1, size=13 if index == 1 else 11)
    return len(lines) + 2


def _distribution_rows(table: charts.DistributionTable | None) -> tuple[list[str], list[list]]:
    if table is None or not table.periods:
        return [], []
    headers = [_("Уровень")]
    for period in table.periods:
        headers += [_("%(period)s: учеников") % {"period": period}, _("%(period)s: %%") % {"period": period}]
    rows = [[level, *[value for share in shares for value in (share.count, share.percent / 100)]]
            for level, shares in table.rows]
    rows.append([_("Всего учтено"), *[value for counted in table.counted for value in (counted, 1)]])
    return headers, rows


def _percent_formats(table: charts.DistributionTable | None) -> dict[int, str]:
    count = len(table.periods) if table else 0
    return {3 + 2 * index: "0%" for index in range(count)}


def _workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _score_line(score: Score) -> str:
    return _("Средний балл: %(mean)s, уровень: %(level)s; учтено учеников: %(counted)s из %(entered)s") % {
        "mean": score.mean_text, "level": score.level or "—", "counted": score.counted, "entered": score.entered,
    }


def class_sheet_xlsx(result: ClassResult) -> ExportFile:
    """The figures on the first sheet (the distribution, the means per quality, the dynamics);
    the pupils' rows on a second one, for the per-pupil readers only."""
    with translation.override(DOCUMENT_LANGUAGE):
        context = charts.class_charts(result)
        assignment, score = result.class_assignment, result.score
        workbook = Workbook()
        ws = workbook.active
        ws.title = _("Итоги")
        row = _title(ws, [
            _("Мониторинг уровня воспитанности: %(label)s класс, %(period)s")
            % {"label": assignment.label, "period": result.monitoring.period_label},
            f"{assignment.school.short_name} · {assignment.academic_year} · {score.method.label}",
            _score_line(score),
        ])
        if result.dynamics is not None:
            _put(ws, row - 1, 1, _("Динамика: сентябрь %(september)s → май %(may)s (%(change)s)") % {
                "september": result.dynamics.september.mean_text, "may": result.dynamics.may.mean_text,
                "change": result.dynamics.change_text,
            })
            row += 1
        table = context["distribution_chart"].table
        headers, rows = _distribution_rows(table)
        if rows:
            row = _table(ws, row, headers, rows, formats=_percent_formats(table))
        row = _table(ws, row, [_("Качество"), _("Средний балл")],
                     [[quality.name, _number(mean)] for quality, mean in score.quality_means], formats={2: "0.0"})
        for column, width in enumerate((40, 16, 12, 16, 12), start=1):
            ws.column_dimensions[get_column_letter(column)].width = width
        if result.pupils_view and score.pupils:
            pupils = workbook.create_sheet(_("Ученики"))
            headers = ["№", _("Инициалы"), *[quality.name for quality in score.method.qualities],
                       _("Средний балл"), _("Уровень")]
            rows = [
                [pupil.number, pupil.initials, *[_number(grade) for grade in pupil.quality_grades],
                 _number(pupil.mean), pupil.level or ""]
                for pupil in score.pupils
            ]
            qualities = len(score.method.qualities)
            _table(pupils, 1, headers, rows, formats={c: "0.0" for c in range(3, 4 + qualities)})
            pupils.freeze_panes = "C2"
            pupils.column_dimensions["B"].width = 10
            for column in range(3, 5 + qualities):
                pupils.column_dimensions[get_column_letter(column)].width = 14
        content = _workbook_bytes(workbook)
    return f"{_class_stem(result)}.xlsx", XLSX_MIMETYPE, content


# --- a school's summary --------------------------------------------------------------------------------


def _school_stem(summary: SchoolSummary) -> str:
    return f"monitoring-shkola-{summary.school.pk}-{summary.year.start_year}"


def school_summary_context(summary: SchoolSummary) -> dict:
    """What the school's summary prints, its PDF and its DOCX alike."""
    return {
        "summary": summary, "made_on": _made_on(), **charts.school_charts(summary),
        "kind": _("Сводная таблица результатов мониторинга уровня воспитанности учащихся"),
        "subject": _("%(year)s учебный год") % {"year": summary.year},
        "hidden_note": _("Классы, где учтено меньше 5 учеников, входят только в итог."),
        "no_monitoring": _("В этом учебном году мониторинг в школе не проводился."),
    }


def school_summary_pdf(summary: SchoolSummary) -> ExportFile:
    with translation.override(DOCUMENT_LANGUAGE):
        pdf = render_pdf("reports/monitoring/school_summary_pdf.html", school_summary_context(summary))
    return f"{_school_stem(summary)}.pdf", PDF_MIMETYPE, pdf


def _period_values(score: Score | None) -> list:
    if score is None or not score.counted:
        return [None, None, ""]
    return [score.counted, _number(score.mean), score.level or ""]


def school_summary_xlsx(summary: SchoolSummary) -> ExportFile:
    """A sheet per grade band: a row per class shown (its September, May and dynamics), the
    band's total, and the distribution of the total."""
    with translation.override(DOCUMENT_LANGUAGE):
        workbook = Workbook()
        workbook.remove(workbook.active)
        headers = [
            _("Класс"), _("Классный руководитель"),
            _("Сентябрь: учтено"), _("Сентябрь: средний балл"), _("Сентябрь: уровень"),
            _("Май: учтено"), _("Май: средний балл"), _("Май: уровень"), _("Динамика"),
        ]
        for group, distribution, _means in charts.school_charts(summary)["group_charts"]:
            ws = workbook.create_sheet(group.label[:31])
            row = _title(ws, [
                _("Мониторинг уровня воспитанности учащихся: %(school)s") % {"school": summary.school.short_name},
                _("%(year)s учебный год, %(band)s") % {"year": summary.year, "band": group.label},
            ])
            rows = [
                [class_row.class_assignment.label, class_row.class_assignment.teacher.short_name,
                 *_period_values(class_row.dynamics.september), *_period_values(class_row.dynamics.may),
                 class_row.dynamics.change_text]
                for class_row in group.rows
            ]
            rows.append([
                _("Итого"), "", *_period_values(group.total.dynamics.september),
                *_period_values(group.total.dynamics.may), group.total.dynamics.change_text,
            ])
            row = _table(ws, row, headers, rows, formats={4: "0.0", 7: "0.0"})
            if group.total.hidden:
                _put(ws, row - 1, 1, _("Классы, где учтено меньше 5 учеников, входят только в итог."))
                row += 1
            dist_headers, dist_rows = _distribution_rows(distribution.table)
            if dist_rows:
                _table(ws, row, dist_headers, dist_rows, formats=_percent_formats(distribution.table))
            for column, width in enumerate((14, 24, 11, 12, 12, 11, 12, 12, 11), start=1):
                ws.column_dimensions[get_column_letter(column)].width = width
            ws.page_setup.orientation = "landscape"
        if not workbook.worksheets:
            ws = workbook.create_sheet(_("Итоги"))
            _put(ws, 1, 1, _("В этом учебном году мониторинг в школе не проводился."))
        content = _workbook_bytes(workbook)
    return f"{_school_stem(summary)}.xlsx", XLSX_MIMETYPE, content
