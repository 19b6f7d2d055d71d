"""The analysis' documents (`reports.analysis.exporters`, `services.analysis_pdf`, `charts`): the
PDF in the official layout with every section's table in order, the charts drawn from the figures
the same on the page and in the PDF, and the figures as XLSX — live while a draft, as frozen once
submitted."""

from __future__ import annotations

import io
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook

from associations.models import ContestEntry
from reports.analysis import charts, services
from reports.analysis.figures import YearFigures, figures_for
from reports.analysis.models import Analysis
from tests import factories as f
from tests.helpers import flat, login, page_texts, pdf_text
from tests.reports.analysis.data import held_meeting as _held_meeting
from tests.reports.analysis.data import year_of_records as _year_of_records

Status = Analysis.Status


def _pdf(client, analysis) -> bytes:
    response = client.get(reverse("reports:analysis_pdf", args=[analysis.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    return response.content


def _xlsx(client, analysis):
    response = client.get(reverse("reports:analysis_xlsx", args=[analysis.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert f'analysis-{analysis.association_id}-' in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content))


def _cells(ws) -> list:
    return [value for row in ws.iter_rows(values_only=True) for value in row if value is not None]


def _submit(world, analysis) -> Analysis:
    return services.analysis_submit(analysis=analysis, user=world.head)


# --- the PDF ----------------------------------------------------------------------------------------


PDF_HEADINGS = [
    "Основные показатели", "Насколько решены цель и задачи", "Достижения", "Проблемы",
    "1. Кадровый состав", "2. Заседания и посещаемость", "3. Выполнение плана", "4. Открытые мероприятия",
    "5. Выступления с обобщением опыта", "6. Курсы повышения квалификации", "7. Аттестация", "8. Конкурсы",
    "9. Посещения и рекомендации", "10. Консультации", "11. Мониторинг воспитанности",
    "Задачи на следующий учебный год", "Руководитель МО",
]


def test_the_pdf_has_every_section_in_order_with_its_tables_and_is_marked_a_draft(world):
    _year_of_records(world)
    analysis = f.analysis_of(world.mo, world.year, by=world.head, problems="Мало открытых занятий.")
    content = _pdf(login(world.deputy), analysis)
    text = pdf_text(content)
    assert text.startswith(flat("ЧЕРНОВИК")) or flat("ЧЕРНОВИК — анализ не принят") in text
    assert flat(world.school.name) in text or flat(world.school.short_name) in text
    assert flat(world.mo.name) in text and flat(f"за {world.year} учебный год") in text
    assert flat("Показатели — по записям портала на") in text
    positions = [text.find(flat(heading)) for heading in PDF_HEADINGS]
    assert -1 not in positions, [h for h, p in zip(PDF_HEADINGS, positions, strict=True) if p == -1]
    assert positions == sorted(positions)
    # Sample values of each section, each after its own heading.
    samples = {
        "1. Кадровый состав": ["Образование", "Педагогический стаж", "Квалификационная категория", "высшая"],
        "2. Заседания и посещаемость": ["Установочное заседание", "50,0%(1/2)", "Заседание о буллинге", "карантин"],
        "3. Выполнение плана": ["Перенесённые пункты", "Пункт 3", "декабрь", "Отменённые пункты", "нет помещения"],
        "4. Открытые мероприятия": ["Открытый классный час «Герои»", "Открытое мероприятие «Дружба»"],
        "5. Выступления с обобщением опыта": ["Об опыте работы с родителями", "О профориентации"],
        "6. Курсы повышения квалификации": ["Прошли курсы за последние 3 года"],
        "7. Аттестация": ["Подлежат аттестации в", "Волкова"],
        "8. Конкурсы": ["муниципальный", "Итого"],
        "9. Посещения и рекомендации": ["Открытый классный час «Россия — наш общий дом»"],
        "10. Консультации": ["Проконсультировано педагогов"],
        "11. Мониторинг воспитанности": ["6 «Б»", "Распределение по уровням"],
    }
    for heading, values in samples.items():
        start = text.find(flat(heading))
        for value in values:
            assert text.find(flat(value), start) > start, (heading, value)
    assert "Мало открытых занятий." in " ".join(page_texts(content))


def test_the_pdf_of_a_submitted_analysis_keeps_its_figures_and_says_of_which_day(world):
    f.ContestEntryFactory(person=world.teacher_person, status=ContestEntry.Status.CONFIRMED)
    analysis = _submit(world, f.analysis_of(world.mo, world.year, by=world.head))
    f.ContestEntryFactory(person=world.teacher_person, status=ContestEntry.Status.CONFIRMED, level="regional")
    text = pdf_text(_pdf(login(world.deputy), analysis))
    assert flat("Показатели — на день отправки на рассмотрение") in text
    assert flat("1 подтверждённое участие") in text and flat("2 подтверждённых участия") not in text
    assert flat("ЧЕРНОВИК") in text  # not accepted yet


def test_the_accepted_pdf_is_the_stored_one_without_the_draft_mark(world):
    _year_of_records(world)
    analysis = _submit(world, f.analysis_of(world.mo, world.year, by=world.head))
    analysis = services.analysis_accept(analysis=analysis, user=world.deputy)
    content = _pdf(login(world.head), analysis)
    text = pdf_text(content)
    assert flat("ЧЕРНОВИК") not in text and flat("11. Мониторинг воспитанности") in text
    assert flat("Принят:") in text and flat("Петрова") in text


# --- the charts -------------------------------------------------------------------------------------


def test_the_charts_come_from_the_figures_alone(world):
    records = _year_of_records(world)
    figures = figures_for(world.mo, world.year)
    attendance = charts.attendance_chart(figures)
    held = figures.meetings.held_meetings
    assert [bar.text for bar in attendance.bars] == [row.attendance_text for row in held]
    session = next(bar for bar, row in zip(attendance.bars, held, strict=True)
                   if row.meeting_id == records["session"].pk)
    assert session.height == "75.0"  # one of two present: half the plot's 150 points
    plan = charts.plan_chart(figures)
    assert [bar.text for bar in plan.bars] == ["1", "1", "1", "1"]  # done, moved, cancelled, not marked
    assert [label.text for label in plan.categories] == ["выполнено", "перенесено", "отменено", "не отмечено"]
    first = figures.monitoring.bands[0]
    (band,) = [item for item in charts.monitoring_charts(figures) if item.band.label == first.label]
    periods = tuple(name for name, score in (("сентябрь", band.band.september), ("май", band.band.may))
                    if score is not None and score.counted)
    assert periods and band.chart.table.periods == periods
    assert len(band.chart.bars) == len(periods) * len(band.band.levels)
    assert [level for level, _shares in band.chart.table.rows] == list(band.band.levels)
    # The same figures, frozen and read back, draw the same charts.
    assert charts.year_charts(YearFigures.from_data(figures.to_data())) == charts.year_charts(figures)


def test_no_plan_no_meetings_no_monitoring_draw_no_chart(world):
    figures = figures_for(world.mo, world.year)
    result = charts.year_charts(figures)
    assert result["attendance_chart"].empty and result["plan_chart"].empty and result["monitoring_charts"] == []


def test_the_page_and_the_pdf_draw_the_same_svg(world):
    _year_of_records(world)
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    page = login(world.deputy).get(reverse("reports:analysis", args=[world.mo.pk, world.year.start_year]))
    html = page.content.decode()
    for testid in ("chart-attendance", "chart-plan", "chart-monitoring"):
        assert f'data-testid="{testid}"' in html, testid
    context = services.analysis_pdf_context(analysis)
    pdf_html = render_to_string(services.PDF_TEMPLATE, context)
    # Every bar of the page's charts is drawn in the PDF's, at the same place and size.
    bars = re.compile(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+"')
    page_bars = bars.findall(html.split('data-testid="figures"', 1)[1])
    assert page_bars and sorted(page_bars) == sorted(bars.findall(pdf_html))


# --- the XLSX ---------------------------------------------------------------------------------------


SHEETS = ["Основные показатели", "Кадры", "Заседания", "План", "Открытые мероприятия", "Выступления", "Курсы",
          "Аттестация", "Конкурсы", "Посещения", "Консультации", "Мониторинг"]


def test_the_xlsx_has_a_sheet_per_section_with_the_header_and_the_tables(world):
    _year_of_records(world)
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    book = _xlsx(login(world.methodologist), analysis)
    assert book.sheetnames == SHEETS
    for ws in book.worksheets:
        assert ws["A1"].value == f"Анализ работы: {world.mo.name}"
        assert str(world.year) in ws["A2"].value
        assert ws["A3"].value == "Статус: черновик"
        assert ws["A4"].value.startswith("Показатели на дату")
        assert ws["A5"].value == "ЧЕРНОВИК — анализ не принят"
    meetings = book["Заседания"]
    rows = [row for row in meetings.iter_rows(values_only=True)]
    session = next(row for row in rows if row[2] == "Установочное заседание")
    assert session[3:6] == (1, 2, 0.5) and meetings.cell(
        row=rows.index(session) + 1, column=6).number_format == "0.0%"
    assert "карантин" in _cells(meetings)
    plan = _cells(book["План"])
    assert "Пункт 3" in plan and "декабрь" in plan and "нет помещения" in plan
    contests = [row for row in book["Конкурсы"].iter_rows(values_only=True)]
    total = next(row for row in contests if row[0] == "Итого")
    assert total[-1] == 2  # the confirmed entries only
    assert "6 «Б»" in _cells(book["Мониторинг"])


def test_the_xlsx_is_live_while_a_draft_and_frozen_once_submitted(world):
    f.ContestEntryFactory(person=world.teacher_person, status=ContestEntry.Status.CONFIRMED)
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    client = login(world.deputy)

    def contests_total():
        rows = list(_xlsx(client, analysis)["Конкурсы"].iter_rows(values_only=True))
        return next(row for row in rows if row[0] == "Итого")[-1]

    assert contests_total() == 1
    f.ContestEntryFactory(person=world.teacher_person, status=ContestEntry.Status.CONFIRMED)
    assert contests_total() == 2  # a draft: the records as they are
    analysis = _submit(world, analysis)
    f.ContestEntryFactory(person=world.teacher_person, status=ContestEntry.Status.CONFIRMED)
    book = _xlsx(client, analysis)
    assert book["Основные показатели"]["A3"].value == "Статус: на рассмотрении"
    assert book["Основные показатели"]["A4"].value.startswith("Показатели на дату отправки")
    assert contests_total() == 2  # as submitted


def test_the_xlsx_is_for_the_pdfs_readers(world):
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    url = reverse("reports:analysis_xlsx", args=[analysis.pk])
    for reader in (world.head, world.deputy, world.methodologist, world.admin):
        assert login(reader).get(url).status_code == 200
    for outsider in (world.teacher, world.other_deputy, world.outsider):
        assert login(outsider).get(url).status_code == 404


def test_the_page_offers_both_downloads(world):
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    page = login(world.head).get(reverse("reports:analysis", args=[world.mo.pk, world.year.start_year]))
    html = page.content.decode()
    assert reverse("reports:analysis_xlsx", args=[analysis.pk]) in html
    assert reverse("reports:analysis_pdf", args=[analysis.pk]) in html


@pytest.mark.parametrize("status", ["draft", "submitted"])
def test_the_rmo_documents(world, status):
    analysis = f.analysis_of(world.rmo, world.year, by=world.methodologist)
    if status == "submitted":
        analysis = services.analysis_submit(analysis=analysis, user=world.methodologist)
    client = login(world.methodologist)
    text = pdf_text(_pdf(client, analysis))
    assert flat("Руководитель РМО") in text and flat("11. Мониторинг воспитанности") in text
    assert _xlsx(client, analysis).sheetnames == SHEETS


def test_a_long_table_repeats_its_header_on_the_next_page(world):
    for day in range(40):
        _held_meeting(world, day=day % 60 + 1, theme=f"Заседание номер {day}")
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    pages = [flat(text) for text in page_texts(_pdf(login(world.deputy), analysis))]
    header = flat("Дата Форма Тема Явка")
    with_header = [index for index, text in enumerate(pages) if header in text]
    assert len(with_header) >= 2 and with_header == list(range(with_header[0], with_header[-1] + 1))
