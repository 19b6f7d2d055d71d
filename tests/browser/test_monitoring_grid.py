"""The monitoring's grid in a real browser (reports/monitoring/edit.html with
static/js/monitoring-grid.js): the class teacher starts May for her 3 «А» and enters 24 pupils
without the mouse — focus the first cell, digits (each fills its cell and moves on), arrows,
Backspace, Tab, Ctrl+Enter — and the grades are in the database; a block of 2 × 3 cells pasted
from Excel fills the grid right and down; the page fits 1280 px and a 390 px phone, the grid
scrolling inside its own box.

Playwright, the browser and the Django settings for it come from tests/browser/conftest.py.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from associations.models import ClassAssignment
from reports.monitoring.models import ClassMonitoring, Grade, MonitoredPupil
from reports.monitoring.scoring import method_data
from tests import factories as f
from tests.browser.helpers import PASSWORD, PHONE, VIEWPORT, fits, watch_console

pytestmark = pytest.mark.browser

PUPILS = 24


def _digit(n: int, column: int) -> str:
    """Pupil n's grade in the column-th grade cell of their row: a spread over 5..1."""
    return str(5 - (n + column) % 5 if (n + column) % 7 else 4)


@pytest.fixture
def three_a(world) -> ClassAssignment:
    return f.ClassAssignmentFactory(teacher=world.teacher_person, academic_year=world.year, grade=3, letter="А")


def _focused_name(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.name || ''")


def test_the_class_teacher_enters_24_pupils_with_the_keyboard_only(world, three_a, page, log_in, shot):
    errors = watch_console(page)
    log_in("teacher", PASSWORD)

    # Start May: the period's radio and the button, by keyboard.
    page.goto(reverse("reports:monitoring_start", args=[three_a.pk]))
    page.get_by_label("май").focus()
    page.keyboard.press("Space")
    page.get_by_test_id("start").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/edit/")
    monitoring = ClassMonitoring.objects.get(class_assignment=three_a, period="may")
    data = method_data(monitoring.method)
    columns = [(quality.id, rater) for quality in data.qualities for rater in data.raters]
    assert len(columns) == 10  # 1–4: five qualities, the pupil and the class teacher

    # The grid: 25 rows numbered, the first grade cell focused; a letter is refused.
    grid = page.locator("#monitoring-grid")
    expect(grid.locator("tr[data-grid-row]")).to_have_count(25)
    first = page.locator(f'input[name="r0-q{columns[0][0]}-{columns[0][1]}"]')
    first.focus()
    page.keyboard.type("ы")
    expect(first).to_have_value("")
    expect(page.locator("#grid-status")).to_contain_text("Только баллы шкалы")

    # 24 pupils' 240 digits, typed one after the other: each cell moves on to the next, the row's
    # end to the next row's first grade.
    page.keyboard.type("".join(_digit(n, c) for n in range(1, PUPILS + 1) for c in range(len(columns))))
    assert _focused_name(page) == f"r{PUPILS}-q{columns[0][0]}-{columns[0][1]}"
    # ↑ to the 24th pupil's first grade, Backspace clears it, a 3 fills it and moves right; Tab
    # goes on along the row, ← comes back.
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Backspace")
    last_first = page.locator(f'input[name="r{PUPILS - 1}-q{columns[0][0]}-{columns[0][1]}"]')
    expect(last_first).to_have_value("")
    page.keyboard.type("3")
    assert _focused_name(page) == f"r{PUPILS - 1}-q{columns[1][0]}-{columns[1][1]}"
    page.keyboard.press("Tab")
    assert _focused_name(page) == f"r{PUPILS - 1}-q{columns[2][0]}-{columns[2][1]}"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowDown")
    assert _focused_name(page) == f"r{PUPILS}-q{columns[0][0]}-{columns[0][1]}"
    page.keyboard.press("Control+Enter")
    page.wait_for_load_state()
    expect(page.get_by_text("Таблица сохранена: учеников — 24, учтено — 24.")).to_be_visible()

    saved = {(g.pupil.number, g.quality_id, g.rater): str(g.value)
             for g in Grade.objects.filter(pupil__monitoring=monitoring).select_related("pupil")}
    expected = {(n, *column): _digit(n, c) for n in range(1, PUPILS + 1) for c, column in enumerate(columns)}
    expected[(PUPILS, *columns[0])] = "3"
    assert saved == expected
    assert MonitoredPupil.objects.filter(monitoring=monitoring).count() == PUPILS
    expect(page.get_by_test_id("class-score")).to_contain_text("Средний балл класса")
    shot("monitoring-grid.png")
    assert errors == []


def test_a_block_pasted_from_excel_fills_the_grid_and_the_page_fits(world, three_a, page, log_in, shot):
    errors = watch_console(page)
    monitoring = f.class_monitoring(three_a, period="may", pupils=0)
    data = method_data(monitoring.method)
    columns = [(quality.id, rater) for quality in data.qualities for rater in data.raters]
    log_in("teacher", PASSWORD)
    page.goto(reverse("reports:monitoring_edit", args=[monitoring.pk]))

    # 25 pupils × 5 qualities × 2 raters on one 1280 × 800 screen: the grid is no wider than its
    # box, and its rows no taller than the screen.
    wrap = page.locator(".monitoring-grid-wrap")
    assert wrap.evaluate("e => e.scrollWidth <= e.clientWidth")
    rows_height = page.locator("#monitoring-grid tbody").evaluate("e => e.getBoundingClientRect().height")
    assert rows_height <= VIEWPORT["height"]
    # Its head, all 25 rows and the «Сохранить» bar are of one screen's height: scrolled to the
    # grid, all of it is in view at once.
    rows = page.locator("#monitoring-grid tbody tr[data-grid-row]")
    assert rows.count() == 25
    grid_height = page.locator("#monitoring-grid").evaluate("e => e.getBoundingClientRect().height")
    bar_height = page.locator(".save-bar").evaluate("e => e.getBoundingClientRect().height")
    assert grid_height + bar_height <= VIEWPORT["height"], (grid_height, bar_height)

    # A 2 × 3 block copied from Excel (tabs between cells, a newline between rows), pasted into
    # the second pupil's second grade cell.
    target = page.locator(f'input[name="r1-q{columns[1][0]}-{columns[1][1]}"]')
    target.focus()
    target.evaluate("""(input) => {
        const data = new DataTransfer();
        data.setData("text/plain", "5\\t4\\t3\\r\\n2\\t1\\t5\\r\\n");
        input.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }""")
    block = {(1, 1): "5", (1, 2): "4", (1, 3): "3", (2, 1): "2", (2, 2): "1", (2, 3): "5"}
    for (row, column), value in block.items():
        expect(page.locator(f'input[name="r{row}-q{columns[column][0]}-{columns[column][1]}"]')).to_have_value(value)
    expect(page.locator(f'input[name="r1-q{columns[0][0]}-{columns[0][1]}"]')).to_have_value("")
    expect(page.locator(f'input[name="r1-q{columns[4][0]}-{columns[4][1]}"]')).to_have_value("")
    expect(page.locator("#grid-status")).to_contain_text("Вставлено значений: 6.")

    # A paste past the last row adds rows (the button «Добавить строку» too).
    page.locator(f'input[name="r24-q{columns[0][0]}-{columns[0][1]}"]').evaluate("""(input) => {
        const data = new DataTransfer();
        data.setData("text/plain", "4\\n4\\n4");
        input.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
    }""")
    expect(page.locator("#monitoring-grid tr[data-grid-row]")).to_have_count(27)
    expect(page.locator('input[name="r26-n"]')).to_have_value("27")
    page.get_by_test_id("grid-add-row").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#monitoring-grid tr[data-grid-row]")).to_have_count(28)
    page.get_by_test_id("grid-save").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_text("Таблица сохранена")).to_be_visible()
    numbers = sorted(MonitoredPupil.objects.filter(monitoring=monitoring).values_list("number", flat=True))
    assert numbers == [2, 3, 25, 26, 27]  # the rows with grades; the blank ones skipped

    for viewport in (VIEWPORT, PHONE):
        page.set_viewport_size(viewport)
        fits(page)
    # On the phone the grid scrolls inside its box.
    assert wrap.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")
    shot("monitoring-grid-phone.png")
    page.goto(reverse("reports:monitoring_start", args=[f.ClassAssignmentFactory(
        teacher=world.teacher_person, academic_year=world.year, grade=4, letter="Г").pk]))
    fits(page)
    assert errors == []
