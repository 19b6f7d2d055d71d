"""The plan's XLSX, read back with openpyxl: the same header as the PDF (the approval block, the
title, the methodical theme, goal, tasks and expected results) above the table, and the
execution mark's status, date, new timing and note in columns of their own."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from associations.models import AnnualPlan
from tests import factories as f

Status = AnnualPlan.Status
HEADER = [
    "№ п/п", "Раздел", "Содержание", "Форма проведения", "Сроки", "Ответственный", "Отметка о выполнении",
    "Дата выполнения", "Новый срок", "Примечание",
]


def workbook_of(client, plan):
    response = client.get(reverse("reports:plan_xlsx", args=[plan.pk]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def cell_with(ws, start: str):
    """The one cell whose text starts with `start`."""
    found = [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith(start)]
    assert len(found) == 1, (start, [c.coordinate for c in found])
    return found[0]


def header_row(ws) -> int:
    return next(row[0].row for row in ws.iter_rows() if row[0].value == "№ п/п")


@pytest.fixture
def approved(world):
    return f.plan_document(
        world.mo, world.year, items=8,
        considered_protocol_number="1", considered_on=datetime.date(2025, 8, 29),
        agreed_by_position="заместитель директора по ВР", agreed_by_name="Е.Н. Петрова",
        approved_by_position="директор МБОУ «СОШ № 1»", approved_by_name="П.С. Орлов",
        approved_on=datetime.date(2025, 9, 1),
        approval_order_number="245-од", approval_order_date=datetime.date(2025, 9, 1),
    )


def test_the_header_is_the_pdfs(world, approved, client_for):
    ws = workbook_of(client_for(world.head), approved)
    table = header_row(ws)

    considered = cell_with(ws, "РАССМОТРЕНО")
    assert considered.value.splitlines() == ["РАССМОТРЕНО", "на заседании МО,", "протокол № 1 от 29.08.2025"]
    agreed = cell_with(ws, "СОГЛАСОВАНО")
    assert agreed.value.splitlines() == ["СОГЛАСОВАНО", "Заместитель директора по ВР", "________ Е.Н. Петрова"]
    approver = cell_with(ws, "УТВЕРЖДАЮ")
    assert approver.value.splitlines() == [
        "УТВЕРЖДАЮ", "Директор МБОУ «СОШ № 1»", "________ П.С. Орлов", "приказ от 01.09.2025 № 245-од",
        "«01» сентября 2025 г.",
    ]
    # Side by side, in one row above the title, РАССМОТРЕНО left and УТВЕРЖДАЮ right, wrapped.
    assert considered.row == agreed.row == approver.row
    assert considered.column < agreed.column < approver.column
    assert all(c.alignment.wrap_text for c in (considered, agreed, approver))
    assert ws.row_dimensions[approver.row].height >= 15 * 5

    title = cell_with(ws, "План работы")
    assert title.value == (
        f"План работы методического объединения классных руководителей МБОУ «СОШ № 1» на {world.year} учебный год"
    )
    assert considered.row < title.row < table
    assert title.font.bold

    theme = cell_with(ws, "Методическая тема:")
    assert ws.cell(row=theme.row, column=3).value == f"«{approved.theme}»"
    goal = cell_with(ws, "Цель:")
    assert ws.cell(row=goal.row, column=3).value == approved.goal
    tasks = cell_with(ws, "Задачи:")
    assert [ws.cell(row=tasks.row + i, column=3).value for i in range(3)] == [
        "1. Изучить нормативные документы", "2. Обобщить опыт работы", "3. Организовать взаимопосещение",
    ]
    results = cell_with(ws, "Ожидаемые результаты:")
    assert ws.cell(row=results.row, column=3).value == approved.expected_results
    assert title.row < theme.row < goal.row < tasks.row < results.row < table
    assert theme.font.bold and ws.cell(row=theme.row, column=3).alignment.wrap_text
    assert not any(isinstance(c.value, str) and "ЧЕРНОВИК" in c.value for row in ws.iter_rows() for c in row)


def test_the_execution_mark_is_four_columns(world, approved, client_for):
    """Status, date (a date cell), new timing and note apart, where the PDF writes them as one:
    «выполнено 15.10.2025», «перенесено: на ноябрь», «отменено: по приказу»."""
    ws = workbook_of(client_for(world.head), approved)
    table = header_row(ws)
    assert [c.value for c in ws[table]] == HEADER
    rows = [tuple(c.value for c in row) for row in ws.iter_rows(min_row=table + 1)]
    assert len(rows) == 8
    marks = {row[0]: row[6:] for row in rows}
    assert marks[1] == ("выполнено", datetime.datetime(2025, 10, 15), None, None)
    assert marks[2] == ("перенесено", None, "на ноябрь", None)
    assert marks[3] == ("отменено", None, None, "по приказу")
    assert marks[4] == (None, None, None, None)  # not marked yet
    done = ws.cell(row=table + 1, column=8)
    assert done.is_date and done.number_format == "DD.MM.YYYY"
    assert ws.auto_filter.ref == f"A{table}:J{table + 8}"
    assert ws.freeze_panes == f"A{table + 1}"
    assert ws.print_title_rows.replace("$", "") == f"{table}:{table}"


def test_a_note_with_a_mark_done_is_its_own_column(world, client_for):
    plan = f.plan_document(world.mo, world.year, items=1)
    plan.items.update(execution_note="Протокол № 2")
    ws = workbook_of(client_for(world.head), plan)
    row = [c.value for c in ws[header_row(ws) + 1]]
    assert row[6:] == ["выполнено", datetime.datetime(2025, 10, 15), None, "Протокол № 2"]


def test_a_draft_says_so_and_prints_blanks(world, client_for):
    plan = f.plan_document(world.mo, world.year, items=2, status=Status.DRAFT)
    ws = workbook_of(client_for(world.head), plan)
    assert ws["A1"].value == "ЧЕРНОВИК — план не утверждён (черновик)"
    assert cell_with(ws, "РАССМОТРЕНО").value.splitlines()[-1] == "протокол № ________ от ________"
    assert cell_with(ws, "СОГЛАСОВАНО").value.splitlines()[1:] == ["Заместитель директора по ВР", "________ ________"]
    assert cell_with(ws, "УТВЕРЖДАЮ").value.splitlines()[1:] == [
        "Директор МБОУ «СОШ № 1»", "________ П.С. Орлов", "приказ от ________ № ________", "«__» ________ 20__ г.",
    ]


def test_the_rmo_plan_has_no_school_stamp(world, client_for):
    plan = f.plan_document(
        world.rmo, world.year, items=2, considered_protocol_number="1", considered_on=datetime.date(2025, 8, 27),
        approved_by_position="начальник отдела образования", approved_by_name="И.В. Соболева",
        approved_on=datetime.date(2025, 9, 3),
    )
    ws = workbook_of(client_for(world.methodologist), plan)
    assert ws["A1"].value.splitlines() == [world.district.education_department, world.district.methodical_office]
    assert cell_with(ws, "РАССМОТРЕНО").value.splitlines()[1] == "на заседании РМО,"
    assert not [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "СОГЛАСОВАНО" in c.value]
    assert cell_with(ws, "УТВЕРЖДАЮ").value.splitlines()[1:3] == [
        "Начальник отдела образования", "________ И.В. Соболева",
    ]
