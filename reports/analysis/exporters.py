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

from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports import word
from reports.analysis import charts, services
from reports.analysis.figures import MonitoringScore, YearFigures
from reports.analysis.models import Analysis
from reports.exporters import BLANK, _put, put_table
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


# --- The analysis in Word --------------------------------------------------------------------------


def _day(value) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


def _or_dash(value) -> str:
    return str(value) if value not in (None, "") else "—"


class _Word:
    """The analysis' DOCX, section by section as `analysis_pdf.html` lays it out."""

    def __init__(self, context: dict):
        self.c = context
        self.f: YearFigures = context["figures"]
        self.doc = word.document(title=_("Анализ работы: %(name)s, %(year)s") % {
            "name": context["association"].name, "year": context["year"]})

    def caption(self, text: str) -> None:
        word.paragraph(self.doc, text, style="Small", bold=True)

    def h(self, text: str, level: int = 1) -> None:
        word.heading(self.doc, text, level=level)

    def p(self, text: str, **kwargs) -> None:
        word.paragraph(self.doc, text, **kwargs)

    def table(self, header, rows, **kwargs) -> None:
        word.table(self.doc, header, rows, **kwargs)

    def head(self) -> None:
        c, f = self.c, self.f
        analysis, association = c["analysis"], c["association"]
        if analysis.status != Analysis.Status.ACCEPTED:
            self.p(_("ЧЕРНОВИК — анализ не принят (%(status)s)") % {"status": analysis.get_status_display()},
                   style="Draft Mark")
        first = f.school_name or association.district.education_department
        self.p(f"{first}\n{f.district_name}", style="Centered")
        word.heading(self.doc, _("Анализ работы").upper(), level=0)
        self.p(f"{association.name}\n" + _("за %(year)s учебный год") % {"year": c["year"]}, style="Centered")
        day = _day(c["as_of"])
        self.p(_("Показатели — на день отправки на рассмотрение, %(day)s.") % {"day": day} if c["frozen"]
               else _("Показатели — по записям портала на %(day)s.") % {"day": day}, style="Centered")

    def key_figures(self) -> None:
        f = self.f
        plan = f.plan
        if plan.approved:
            plan_text = f"{plan.percent}\u00a0% ({plan.done} / {plan.total})"
        else:
            plan_text = plan.status_label or "—"
        self.h(_("Основные показатели"))
        word.plain_table(self.doc, [
            [_("Педагогов в объединении (члены и классные руководители)"), f.staff.total],
            [_("Заседаний проведено / запланировано в плане"), f"{f.meetings.held} / {f.meetings.planned}"],
            [_("Посещаемость заседаний"), f.meetings.attendance_text],
            [_("Выполнение плана"), plan_text],
            [_("Открытых мероприятий"), f.open_events.count],
            [_("Выступлений с обобщением опыта"), f.talks.count],
            [_("Прошли курсы за последние 3 года"),
             f"{f.courses.with_course} / {f.courses.people} ({f.courses.share_text})"],
            [_("Аттестованы в учебном году"), f.attestation.granted],
            [_("Участий в конкурсах (подтверждённых)"), f.contests.total],
            [_("Посещений методистом района"), f.visits.count],
            [_("Консультаций"), f.consultations.count],
        ], widths_cm=[13.5, 4.5])

    def narrative(self) -> None:
        for label, text in self.c["sections"]:
            self.h(capfirst(str(label)))
            self.p(text or "—")

    def staff(self) -> None:
        s = self.f.staff
        self.h(_("1. Кадровый состав"))
        self.p(ngettext("%(counter)s педагог", "%(counter)s педагогов", s.total) % {"counter": s.total}
               + f": {_('членов объединения')} — {s.members}, {_('классных руководителей')} — {s.class_teachers} "
               f"({_('классов')} — {s.classes}).")
        for caption, first, tallies in ((_("Образование"), _("Образование"), s.by_education),
                                        (_("Педагогический стаж"), _("Стаж"), s.by_experience),
                                        (_("Квалификационная категория"), _("Категория"), s.by_category)):
            self.caption(caption)
            self.table([first, _("Чел.")], [[t.label, t.count] for t in tallies], widths_cm=[9, 3])

    def meetings(self) -> None:
        m = self.f.meetings
        self.h(_("2. Заседания и посещаемость"))
        text = _("Проведено заседаний: %(held)s, по плану — %(planned)s") % {"held": m.held, "planned": m.planned}
        if m.cancelled:
            text += f"; {_('отменено')} — {m.cancelled}"
        text += f". {_('Посещаемость за год')}: {m.attendance_text}."
        if m.by_form:
            text += f" {_('Формы')}: " + "; ".join(f"{t.label} — {t.count}" for t in m.by_form) + "."
        self.p(text)
        if m.held_meetings:
            self.caption(_("Проведённые заседания"))
            self.table([_("Дата"), _("Форма"), _("Тема"), _("Явка")],
                       [[_day(r.day), r.kind_label, r.theme, f"{r.attendance_text} ({r.present}/{r.marked})"]
                        for r in m.held_meetings], widths_cm=[2.6, 3.8, 8.1, 3.5])
        if m.planned_meetings:
            self.caption(_("Заседания по плану"))
            self.table([_("№"), _("Содержание"), _("Сроки"), _("Выполнение")],
                       [[p.position, p.content, p.timing,
                         f"{p.execution_label}, {_day(p.held_on)}" if p.held_on else p.execution_label]
                        for p in m.planned_meetings], widths_cm=[1.2, 9.3, 3.5, 4])
        if m.cancelled_meetings:
            self.caption(_("Отменённые заседания"))
            self.table([_("Дата"), _("Тема"), _("Причина")],
                       [[_day(r.day), r.theme, _or_dash(r.reason)] for r in m.cancelled_meetings],
                       widths_cm=[2.6, 8.8, 6.6])

    def plan(self) -> None:
        p = self.f.plan
        self.h(_("3. Выполнение плана"))
        if not p.approved:
            self.p(f"{_('План')}: {p.status_label}." if p.status_label else "—")
            return
        self.p(_("Выполнено %(percent)s%% — %(done)s из %(total)s пунктов")
               % {"percent": p.percent, "done": p.done, "total": p.total} + ".")
        self.table([_("Выполнено"), _("Перенесено"), _("Отменено"), _("Не отмечено"), _("Всего пунктов")],
                   [[p.done, p.moved, p.cancelled, p.pending, p.total]])
        if p.moved_items:
            self.caption(_("Перенесённые пункты"))
            self.table([_("№"), _("Содержание"), _("Срок по плану"), _("Новый срок"), _("Причина")],
                       [[r.position, r.content, r.timing, _or_dash(r.moved_to), _or_dash(r.note)]
                        for r in p.moved_items], widths_cm=[1.2, 7.3, 3, 3, 3.5])
        if p.cancelled_items:
            self.caption(_("Отменённые пункты"))
            self.table([_("№"), _("Содержание"), _("Срок по плану"), _("Причина")],
                       [[r.position, r.content, r.timing, _or_dash(r.note)] for r in p.cancelled_items],
                       widths_cm=[1.2, 9.3, 3, 4.5])

    def open_events_and_talks(self) -> None:
        o, t = self.f.open_events, self.f.talks
        self.h(_("4. Открытые мероприятия"))
        self.p(ngettext("%(counter)s открытое мероприятие", "%(counter)s открытых мероприятий", o.count)
               % {"counter": o.count} + ".")
        if o.events:
            self.table([_("Дата"), _("Мероприятие"), _("Педагог"), _("Класс")],
                       [[_day(e.day) or "—", e.title, _or_dash(e.teachers), _or_dash(e.classes)] for e in o.events],
                       widths_cm=[2.6, 7.8, 5, 2.6])
        self.h(_("5. Выступления с обобщением опыта"))
        self.p(ngettext("%(counter)s выступление", "%(counter)s выступлений", t.count) % {"counter": t.count}
               + f": {_('на своих заседаниях')} — {t.at_own}, {_('на РМО')} — {t.at_district}, "
               f"{_('в других МО')} — {t.at_schools}; {_('выступавших')} — {t.speakers}.")
        if t.talks:
            self.table([_("Дата"), _("Тема выступления"), _("Выступающие"), _("Где")],
                       [[_day(r.day), r.title, r.speakers, r.venue] for r in t.talks], widths_cm=[2.6, 7.4, 4, 4])

    def courses_and_attestation(self) -> None:
        c, at = self.f.courses, self.f.attestation
        self.h(_("6. Курсы повышения квалификации"))
        word.plain_table(self.doc, [
            [_("Прошли курсы за последние 3 года"), f"{c.with_course} / {c.people} ({c.share_text})"],
            [_("Часов этих курсов"), c.hours],
            [_("Курсов в этом учебном году (часов)"), f"{c.in_year} ({c.hours_in_year})"],
        ], widths_cm=[13.5, 4.5])
        if c.without:
            self.p(f"{_('Без курсов за 3 года')}: " + ", ".join(p.name for p in c.without), style="Small")
        self.h(_("7. Аттестация"))
        text = ngettext("Аттестован в учебном году %(counter)s педагог", "Аттестованы в учебном году %(counter)s "
                        "педагогов", at.granted) % {"counter": at.granted}
        text += "".join(f"; {t.label} — {t.count}" for t in at.by_category if t.count)
        text += f". {_('Заявлений')} — {at.applications}"
        text += "".join(f", {t.label} — {t.count}" for t in at.by_outcome if t.count) + "."
        self.p(text)
        if at.records:
            self.caption(_("Аттестованы в учебном году"))
            self.table([_("Педагог"), _("Категория"), _("Дата присвоения")],
                       [[r.person.name, r.category_label, _day(r.granted_on)] for r in at.records],
                       widths_cm=[8, 6, 4])
        self.caption(_("Подлежат аттестации в %(year)s учебном году") % {"year": at.next_year})
        due = [[d.person.name, d.what] for d in at.due_next_year]
        self.table([_("Педагог"), _("Срок")], due or [["—"]], merged=() if due else [0], widths_cm=[9, 9])

    def contests(self) -> None:
        k = self.f.contests
        self.h(_("8. Конкурсы"))
        self.p(ngettext("%(counter)s подтверждённое участие", "%(counter)s подтверждённых участий", k.total)
               % {"counter": k.total} + ".")
        rows = [[r.label, *[cell.count for cell in r.cells], r.total] for r in k.table]
        rows.append([_("Итого"), *[t.count for t in k.results], k.total])
        self.table([_("Этап"), *[t.label for t in k.results], _("Всего")], rows, bold_rows=[len(rows) - 1])
        if k.entries:
            self.caption(_("Участия"))
            self.table([_("Дата"), _("Педагог"), _("Конкурс"), _("Этап"), _("Результат")],
                       [[_day(e.held_on), e.person.name, e.contest, e.level_label, e.result_label]
                        for e in k.entries], widths_cm=[2.6, 3.8, 5.6, 3, 3])

    def visits_and_consultations(self) -> None:
        v, q = self.f.visits, self.f.consultations
        self.h(_("9. Посещения и рекомендации"))
        self.p(ngettext("%(counter)s посещение", "%(counter)s посещений", v.count) % {"counter": v.count}
               + f": {_('рекомендаций')} — {v.recommendations}, {_('выполнено')} — {v.done}, "
               f"{_('не выполнено')} — {v.open}.")
        if v.visits:
            self.table([_("Дата"), _("Что посещено"), _("Педагог"), _("Рекомендаций"), _("Выполнено"),
                        _("Не выполнено")],
                       [[_day(r.day), f"{r.target_label}: {r.title}", _or_dash(r.teacher), r.recommendations, r.done,
                         r.open] for r in v.visits], widths_cm=[2.6, 5.9, 3.8, 2, 1.8, 1.9])
        self.h(_("10. Консультации"))
        rows = [[t.label, t.count] for t in q.by_kind] + [[_("Всего"), q.count]]
        self.table([_("Вид консультации"), _("Количество")], rows, bold_rows=[len(rows) - 1], widths_cm=[13, 5])
        self.p(f"{_('Проконсультировано педагогов')}: {q.people}.", style="Small")

    def monitoring(self) -> None:
        f = self.f
        self.h(_("11. Мониторинг воспитанности"))
        district = f.is_district
        for band in f.monitoring.bands:
            self.caption(band.label)

            def score(s) -> str:
                return f"{s.mean_text} ({s.level or '—'})" if s else "—"

            header = [_("Школа") if district else _("Класс")]
            if not district:
                header.append(_("Классный руководитель"))
            header += [_("Сентябрь"), _("Май"), _("Изменение")]
            rows = [[r.label, *([] if district else [r.note]), score(r.september), score(r.may), r.change_text]
                    for r in band.rows]
            rows.append([_("Итого"), *([] if district else [""]),
                         band.september.mean_text if band.september else "—",
                         band.may.mean_text if band.may else "—", band.change_text])
            grid = word.table(self.doc, header, rows, bold_rows=[len(rows) - 1])
            if not district:
                word.merge(grid, len(rows), 0, len(rows), 1)  # «Итого» across the class and its teacher
            if band.hidden:
                self.p(ngettext(
                    "%(counter)s класс, где учтено меньше 5 учеников, — только в итоге.",
                    "%(counter)s классов, где учтено меньше 5 учеников, — только в итоге.", band.hidden,
                ) % {"counter": band.hidden}, style="Small")
        if not f.monitoring.bands:
            self.p(_("В этом учебном году мониторинг не проводился."))
        for item in self.c["monitoring_charts"]:
            table = item.chart.table
            self.h(_("Распределение по уровням: %(label)s") % {"label": item.band.label}, level=2)
            top = [_("Уровень")] + [text for name in table.periods for text in (name, "")]
            header = [""] + [text for _name in table.periods for text in (_("учеников"), "%")]
            rows = [[level, *[text for share in shares for text in (share.count, f"{share.percent}\u00a0%")]]
                    for level, shares in table.rows]
            rows.append([_("Всего учтено"), *[text for counted in table.counted for text in (counted, "100\u00a0%")]])
            grid = word.table(self.doc, header, rows, header_rows=[top], bold_rows=[len(rows) - 1])
            word.merge(grid, 0, 0, 1, 0)
            for index in range(len(table.periods)):
                word.merge(grid, 0, 1 + 2 * index, 0, 2 + 2 * index)

    def tasks(self) -> None:
        self.h(capfirst(str(self.c["tasks_label"])))
        if self.c["tasks"]:
            word.numbered(self.doc, self.c["tasks"])
        else:
            self.p("—")

    def rollup(self) -> None:
        r = self.f.schools
        if not r:
            return
        self.h(_("Анализы школьных МО: свод"))
        text = ngettext("Принято %(accepted)s из %(counter)s школьного МО.",
                        "Принято %(accepted)s из %(counter)s школьных МО.", r.schools) % {
            "accepted": r.accepted, "counter": r.schools}
        if r.not_counted:
            text += f" {_('Не вошли в свод')}: " + "; ".join(
                f"{row.school_name} — {row.status_label}" + (f" ({row.note})" if row.note else "")
                for row in r.not_counted) + "."
        self.p(text)

        def numbers(k) -> list:
            return [k.staff, f"{k.meetings_held} / {k.meetings_planned}", k.attendance_text,
                    f"{k.plan_done} / {k.plan_total}", k.open_events, k.talks, f"{k.courses_with} / {k.courses_people}",
                    k.attested, k.contests, k.visits, k.recommendations_open, k.consultations]

        header = [_("Школа"), _("Статус"), _("Педагогов"), _("Заседаний (пров. / план)"), _("Посещаемость"),
                  _("План (вып. / всего)"), _("Открытых мероприятий"), _("Выступлений"),
                  _("Курсы (прошли / всего)"), _("Аттестовано"), _("Конкурсы"), _("Посещений"),
                  _("Рекомендаций не выполнено"), _("Консультаций")]
        rows, unread = [], []
        for row in r.rows:
            status = row.status_label if row.counted else f"{_('не принят')} ({row.status_label})"
            if not row.figures:
                unread.append(len(rows))
            rows.append([row.school_name, status, *(numbers(row.figures) if row.figures else ["—"] + [""] * 11)])
        rows.append([_("Итого по принятым"), "", *numbers(r.totals)])
        grid = word.table(self.doc, header, rows, bold_rows=[len(rows) - 1])
        for index in unread:  # no figures: one «—» across them, as the PDF
            word.merge(grid, 1 + index, 2, 1 + index, len(header) - 1)
        word.merge(grid, len(rows), 0, len(rows), 1)  # «Итого по принятым» across the school and the status
        if r.accepted:
            self.caption(_("Конкурсы школьных МО: этап × результат"))
            contests = [[row.label, *[cell.count for cell in row.cells], row.total] for row in r.contests]
            contests.append([_("Итого"), *[t.count for t in r.contest_results], r.totals.contests])
            self.table([_("Этап"), *[t.label for t in r.contest_results], _("Всего")], contests,
                       bold_rows=[len(contests) - 1])
        o = r.own
        self.caption(_("Мероприятия района (РМО)"))
        word.plain_table(self.doc, [
            [_("Заседаний и семинаров РМО проведено"), o.meetings_held],
            [_("из них семинаров"), o.seminars],
            [_("Участий в муниципальном этапе конкурсов (подтверждённых)"), o.municipal_entries],
            [_("Посещений школьных МО"), o.visits],
            [_("Рекомендаций по посещениям не выполнено"), o.recommendations_open],
            [_("Консультаций РМО"), o.consultations],
        ], widths_cm=[13.5, 4.5])

    def signature(self) -> None:
        c = self.c
        role = _("Руководитель РМО") if c["association"].is_district else _("Руководитель МО")
        word.signatures(self.doc, [(role, c["head_name"] or BLANK)])
        accepted_at = c["analysis"].accepted_at
        if accepted_at:
            day = _day(timezone.localtime(accepted_at))
            self.p(_("Принят: %(day)s, %(name)s") % {"day": day, "name": c["accepted_name"]}, style="Signature")


def analysis_docx(analysis: Analysis) -> ExportFile:
    """The analysis in Word, from `services.analysis_pdf_context` as its PDF (`analysis_pdf.html`):
    the title block, the key figures, the narrative's sections, every figures table, the roll-up
    of the school МО for the РМО, the tasks for next year and the signature line, in the PDF's
    order and words. The charts are not drawn: their figures are the text tables beside them
    (the held meetings' attendance, the plan's marks, the distributions by level), which suffice
    in Word. The same readers as the PDF (the view shares its loader)."""
    with translation.override(services.DOCUMENT_LANGUAGE):
        document = _Word(services.analysis_pdf_context(analysis))
        for part in (document.head, document.key_figures, document.narrative, document.staff, document.meetings,
                     document.plan, document.open_events_and_talks, document.courses_and_attestation,
                     document.contests, document.visits_and_consultations, document.monitoring, document.tasks,
                     document.rollup, document.signature):
            part()
        content = word.docx_bytes(document.doc)
    return f"{analysis.file_name().removesuffix('.pdf')}.docx", word.DOCX_MIMETYPE, content
