"""The annual analysis' figures as XLSX: a sheet per section of the figures, each headed by the
association, the school, the year, the analysis' status and the day the figures are of, then the
section's tables (`reports.exporters.put_table`), numbers as numbers (percentages as fractions
formatted «0.0%», dates as dates) for those who go on counting in Excel.

The figures are the documents' (`services.document_figures`): as frozen at submission once
submitted or accepted, the records as they are today while a draft or returned. The PDF is
`services.analysis_pdf`; both are read by the analysis' readers alone (the views ask access).
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.analysis import charts, services
from reports.analysis.figures import MonitoringScore, YearFigures
from reports.analysis.models import Analysis
from reports.exporters import _put, put_table
from reports.rendering import XLSX_MIMETYPE, ExportFile

DATE = "DD.MM.YYYY"
PERCENT = "0.0%"
DRAFT_FILL = PatternFill("solid", fgColor="FDE2E2")


def _fraction(value: Decimal | None) -> float | None:
    """87.5 (percent) → 0.875, shown «87.5%» by the PERCENT format."""
    return float(value) / 100 if value is not None else None


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


class _Book:
    """A workbook whose every sheet begins with the analysis' header."""

    def __init__(self, analysis: Analysis, figures: YearFigures, as_of: datetime.date):
        self.workbook = Workbook()
        self.workbook.remove(self.workbook.active)
        where = figures.school_name or figures.district_name
        if analysis.is_frozen:
            day = _("Показатели на дату отправки на рассмотрение: %(day)s") % {"day": f"{as_of:%d.%m.%Y}"}
        else:
            day = _("Показатели на дату %(day)s (по записям портала, до отправки)") % {"day": f"{as_of:%d.%m.%Y}"}
        self.lines = [
            _("Анализ работы: %(name)s") % {"name": figures.association_name},
            f"{where} · " + _("%(year)s учебный год") % {"year": figures.year},
            _("Статус: %(status)s") % {"status": analysis.get_status_display()},
            day,
        ]
        self.draft = analysis.status != Analysis.Status.ACCEPTED

    def sheet(self, title: str, widths: Sequence[float] = (34, 16, 30, 16, 16, 16)) -> tuple[Worksheet, int]:
        ws = self.workbook.create_sheet(title[:31])
        for index, line in enumerate(self.lines, start=1):
            cell = _put(ws, index, 1, line)
            cell.font = Font(bold=index == 1, size=13 if index == 1 else 11)
        row = len(self.lines) + 1
        if self.draft:
            cell = _put(ws, row, 1, _("ЧЕРНОВИК — анализ не принят"))
            cell.font = Font(bold=True, color="A00000")
            cell.fill = DRAFT_FILL
            row += 1
        for column, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(column)].width = width
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        return ws, row + 1

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


def _caption(ws: Worksheet, row: int, text: str) -> int:
    _put(ws, row, 1, text).font = Font(bold=True)
    return row + 1


def _table(ws: Worksheet, row: int, headers: Sequence[str], rows: Sequence[Sequence], *,
           caption: str = "", formats: dict[int, str] | None = None) -> int:
    """A captioned, bordered table from `row`; the next free row (one left empty)."""
    if caption:
        row = _caption(ws, row, caption)
    return row + put_table(ws, row, headers, rows, number_formats=formats) + 2


def _score(score: MonitoringScore | None) -> list:
    if score is None or not score.counted:
        return [None, None, ""]
    return [score.counted, _number(score.mean), score.level or ""]


def _key_figures(book: _Book, f: YearFigures) -> None:
    ws, row = book.sheet(_("Основные показатели"), widths=(60, 16, 16))
    plan = f.plan
    rows = [
        [_("Педагогов в объединении (члены и классные руководители)"), f.staff.total, None],
        [_("Заседаний проведено"), f.meetings.held, None],
        [_("Заседаний запланировано в плане"), f.meetings.planned, None],
        [_("Посещаемость заседаний"), None, _fraction(f.meetings.attendance)],
        # Before the plan is approved there is nothing to count: its status, as the PDF says.
        [_("Пунктов плана выполнено (из %(total)s)") % {"total": plan.total}, plan.done,
         plan.percent / 100 if plan.total else None] if plan.approved
        else [_("План: %(status)s") % {"status": plan.status_label or "—"}, None, None],
        [_("Открытых мероприятий"), f.open_events.count, None],
        [_("Выступлений с обобщением опыта"), f.talks.count, None],
        [_("Прошли курсы за последние 3 года"), f.courses.with_course, _fraction(f.courses.share)],
        [_("Аттестованы в учебном году"), f.attestation.granted, None],
        [_("Участий в конкурсах (подтверждённых)"), f.contests.total, None],
        [_("Посещений методистом района"), f.visits.count, None],
        [_("Консультаций"), f.consultations.count, None],
    ]
    _table(ws, row, [_("Показатель"), _("Количество"), _("Доля")], rows, formats={3: PERCENT})


def _staff(book: _Book, f: YearFigures) -> None:
    s = f.staff
    ws, row = book.sheet(_("Кадры"), widths=(30, 12, 20, 30, 12, 24))
    row = _table(ws, row, [_("Педагог"), _("Член МО"), _("Классы"), _("Образование"), _("Стаж, лет"),
                           _("Категория")],
                 [[p.name, _("да") if p.member else _("нет"), p.classes, p.education, p.experience, p.category]
                  for p in s.people],
                 caption=_("Педагогов: %(total)s (членов — %(members)s, классных руководителей — %(teachers)s)")
                 % {"total": s.total, "members": s.members, "teachers": s.class_teachers})
    for caption, tallies in ((_("Образование"), s.by_education), (_("Педагогический стаж"), s.by_experience),
                             (_("Квалификационная категория"), s.by_category)):
        row = _table(ws, row, [caption, _("Чел.")], [[t.label, t.count] for t in tallies])


def _meetings(book: _Book, f: YearFigures) -> None:
    m = f.meetings
    ws, row = book.sheet(_("Заседания"), widths=(13, 22, 50, 14, 12, 12))
    row = _table(ws, row, [_("Показатель"), _("Количество")], [
        [_("Запланировано в плане"), m.planned], [_("Назначено"), m.scheduled], [_("Проведено"), m.held],
        [_("Проведено по плану"), m.held_in_plan], [_("Отменено"), m.cancelled],
        *[[t.label, t.count] for t in m.by_form],
    ])
    row = _table(ws, row, [_("Дата"), _("Форма"), _("Тема"), _("Присутствовали"), _("Отмечено"), _("Явка")], [
        *[[r.day, r.kind_label, r.theme, r.present, r.marked, _fraction(r.attendance)] for r in m.held_meetings],
        [_("Итого"), "", "", m.present, m.marked, _fraction(m.attendance)],
    ], caption=_("Проведённые заседания и посещаемость"), formats={1: DATE, 6: PERCENT})
    if m.planned_meetings:
        row = _table(ws, row, [_("№"), _("Содержание"), _("Сроки"), _("Выполнение"), _("Проведено")],
                     [[p.position, p.content, p.timing, p.execution_label, p.held_on] for p in m.planned_meetings],
                     caption=_("Заседания по плану"), formats={5: DATE})
    if m.cancelled_meetings:
        _table(ws, row, [_("Дата"), _("Форма"), _("Тема"), _("Причина")],
               [[r.day, r.kind_label, r.theme, r.reason] for r in m.cancelled_meetings],
               caption=_("Отменённые заседания"), formats={1: DATE})


def _plan(book: _Book, f: YearFigures) -> None:
    p = f.plan
    ws, row = book.sheet(_("План"), widths=(8, 50, 18, 18, 40))
    if not p.approved:
        _put(ws, row, 1, _("План: %(status)s") % {"status": p.status_label or "—"})
        return
    row = _table(ws, row, [_("Выполнено"), _("Перенесено"), _("Отменено"), _("Не отмечено"), _("Всего пунктов"),
                           _("Выполнено, %")],
                 [[p.done, p.moved, p.cancelled, p.pending, p.total, p.percent / 100 if p.total else None]],
                 formats={6: "0%"})
    if p.moved_items:
        row = _table(ws, row, [_("№"), _("Содержание"), _("Срок по плану"), _("Новый срок"), _("Причина")],
                     [[r.position, r.content, r.timing, r.moved_to, r.note] for r in p.moved_items],
                     caption=_("Перенесённые пункты"))
    if p.cancelled_items:
        _table(ws, row, [_("№"), _("Содержание"), _("Срок по плану"), _("Причина")],
               [[r.position, r.content, r.timing, r.note] for r in p.cancelled_items], caption=_("Отменённые пункты"))


def _open_events_and_talks(book: _Book, f: YearFigures) -> None:
    ws, row = book.sheet(_("Открытые мероприятия"), widths=(13, 50, 30, 20))
    _table(ws, row, [_("Дата"), _("Мероприятие"), _("Педагог"), _("Класс")],
           [[e.day, e.title, e.teachers, e.classes] for e in f.open_events.events],
           caption=_("Открытых мероприятий: %(count)s") % {"count": f.open_events.count}, formats={1: DATE})
    t = f.talks
    ws, row = book.sheet(_("Выступления"), widths=(13, 50, 30, 36))
    row = _table(ws, row, [_("Показатель"), _("Количество")], [
        [_("Выступлений"), t.count], [_("на своих заседаниях"), t.at_own], [_("на РМО"), t.at_district],
        [_("в других МО"), t.at_schools], [_("Выступавших"), t.speakers],
    ])
    _table(ws, row, [_("Дата"), _("Тема выступления"), _("Выступающие"), _("Где")],
           [[r.day, r.title, r.speakers, r.venue] for r in t.talks], formats={1: DATE})


def _courses_and_attestation(book: _Book, f: YearFigures) -> None:
    c = f.courses
    ws, row = book.sheet(_("Курсы"), widths=(50, 16, 16))
    header_row = row
    row = _table(ws, row, [_("Показатель"), _("Значение")], [
        [_("Педагогов"), c.people], [_("Прошли курсы за последние 3 года"), c.with_course],
        [_("Доля прошедших курсы"), _fraction(c.share)], [_("Часов этих курсов"), c.hours],
        [_("Курсов в этом учебном году"), c.in_year], [_("Часов в этом учебном году"), c.hours_in_year],
    ])
    ws.cell(row=header_row + 3, column=2).number_format = PERCENT  # the share's row
    _table(ws, row, [_("Без курсов за 3 года")], [[p.name] for p in c.without])
    a = f.attestation
    ws, row = book.sheet(_("Аттестация"), widths=(30, 40, 16))
    row = _table(ws, row, [_("Категория"), _("Аттестовано")], [[t.label, t.count] for t in a.by_category],
                 caption=_("Аттестованы в учебном году: %(count)s") % {"count": a.granted})
    row = _table(ws, row, [_("Педагог"), _("Категория"), _("Дата присвоения")],
                 [[r.person.name, r.category_label, r.granted_on] for r in a.records], formats={3: DATE})
    row = _table(ws, row, [_("Итог заявления"), _("Заявлений")], [[t.label, t.count] for t in a.by_outcome])
    _table(ws, row, [_("Педагог"), _("Срок"), _("Дата")], [[d.person.name, d.what, d.due_on] for d in a.due_next_year],
           caption=_("Подлежат аттестации в %(year)s учебном году") % {"year": a.next_year}, formats={3: DATE})


def _contests(book: _Book, f: YearFigures) -> None:
    k = f.contests
    ws, row = book.sheet(_("Конкурсы"), widths=(30, 14, 14, 14, 14, 14, 14, 14))
    headers = [_("Этап"), *[t.label for t in k.results], _("Всего")]
    rows = [[r.label, *[cell.count for cell in r.cells], r.total] for r in k.table]
    rows.append([_("Итого"), *[t.count for t in k.results], k.total])
    row = _table(ws, row, headers, rows, caption=_("Подтверждённых участий: %(count)s") % {"count": k.total})
    _table(ws, row, [_("Дата"), _("Педагог"), _("Конкурс"), _("Этап"), _("Результат")],
           [[e.held_on, e.person.name, e.contest, e.level_label, e.result_label] for e in k.entries],
           formats={1: DATE})


def _visits_and_consultations(book: _Book, f: YearFigures) -> None:
    v = f.visits
    ws, row = book.sheet(_("Посещения"), widths=(13, 50, 26, 14, 14, 14))
    _table(ws, row, [_("Дата"), _("Что посещено"), _("Педагог"), _("Рекомендаций"), _("Выполнено"),
                     _("Не выполнено")],
           [*[[r.day, f"{r.target_label}: {r.title}", r.teacher, r.recommendations, r.done, r.open] for r in v.visits],
            [_("Итого"), "", "", v.recommendations, v.done, v.open]],
           caption=_("Посещений: %(count)s") % {"count": v.count}, formats={1: DATE})
    q = f.consultations
    ws, row = book.sheet(_("Консультации"), widths=(40, 16))
    _table(ws, row, [_("Вид консультации"), _("Количество")],
           [*[[t.label, t.count] for t in q.by_kind], [_("Всего"), q.count], [_("Проконсультировано педагогов"),
                                                                              q.people]])


def _monitoring(book: _Book, f: YearFigures) -> None:
    ws, row = book.sheet(_("Мониторинг"), widths=(16, 26, 12, 12, 14, 12, 12, 14, 12))
    if not f.monitoring.bands:
        _put(ws, row, 1, _("В этом учебном году мониторинг не проводился."))
        return
    first = _("Школа") if f.is_district else _("Класс")
    headers = [first, _("Классный руководитель"), _("Сентябрь: учтено"), _("Сентябрь: средний балл"),
               _("Сентябрь: уровень"), _("Май: учтено"), _("Май: средний балл"), _("Май: уровень"), _("Изменение")]
    distributions = {id(item.band): item.chart.table for item in charts.monitoring_charts(f)}
    for band in f.monitoring.bands:
        rows = [[r.label, r.note, *_score(r.september), *_score(r.may), r.change_text] for r in band.rows]
        rows.append([_("Итого"), "", *_score(band.september), *_score(band.may), band.change_text])
        row = _table(ws, row, headers, rows, caption=band.label, formats={4: "0.0", 7: "0.0"})
        if band.hidden:
            _put(ws, row - 1, 1, _("Классы, где учтено меньше 5 учеников, входят только в итог."))
            row += 1
        table = distributions.get(id(band))
        if table is not None and table.periods:
            dist_headers = [_("Уровень")]
            for period in table.periods:
                names = {"period": period}
                dist_headers += [_("%(period)s: учеников") % names, _("%(period)s: доля") % names]
            dist_rows = [[level, *[v for share in shares for v in (share.count, share.percent / 100)]]
                         for level, shares in table.rows]
            dist_rows.append([_("Всего учтено"), *[v for counted in table.counted for v in (counted, 1)]])
            row = _table(ws, row, dist_headers, dist_rows,
                         caption=_("Распределение по уровням: %(band)s") % {"band": band.label},
                         formats={3 + 2 * i: "0%" for i in range(len(table.periods))})


def analysis_xlsx(analysis: Analysis) -> ExportFile:
    """The analysis' figures, a sheet per section (see the module's docstring)."""
    figures, as_of = services.document_figures(analysis)
    with translation.override(services.DOCUMENT_LANGUAGE):
        book = _Book(analysis, figures, as_of)
        for section in (_key_figures, _staff, _meetings, _plan, _open_events_and_talks, _courses_and_attestation,
                        _contests, _visits_and_consultations, _monitoring):
            section(book, figures)
        content = book.bytes()
    return f"{analysis.file_name().removesuffix('.pdf')}.xlsx", XLSX_MIMETYPE, content
