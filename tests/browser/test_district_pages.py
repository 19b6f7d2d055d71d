"""The analysis' district pages in a real browser, on the demo district: the methodologist
(metodist) reads the dashboard on the home page, the board of last year's analyses (every demo
school's accepted) and sets its deadline with a bad date, sorts the district summary and takes its
PDF and XLSX, opens the documentation table and the РМО's analysis of last year with its roll-up
of the six schools; the school МО's head (rukovoditel1) finds the upload forms of the МО's
checklist. Every page at 1280 px and on a 390 px phone, none wider than the screen (a wide table
scrolls inside its .table-responsive), with no console error."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from associations.models import AcademicYear, Association, District
from reports.analysis.models import Analysis
from rmo_portal import demo
from tests.browser.helpers import both_widths, watch_console

pytestmark = pytest.mark.browser

SCHOOL1 = "МБОУ «Заречная СОШ № 1»"
SCHOOL2 = "МБОУ «СОШ № 2 им. А.С. Пушкина»"


def _demo() -> tuple[District, AcademicYear]:
    """The demo district and its last academic year (the one with the accepted analyses)."""
    rmo = Association.objects.get(kind=Association.Kind.DISTRICT)
    last = Analysis.objects.filter(association=rmo, status=Analysis.Status.ACCEPTED).get().academic_year
    return rmo.district, last


def _row_names(page) -> list[str]:
    return page.get_by_test_id("summary-row").locator("th").all_inner_texts()


def test_the_methodologist_reads_the_district_s_pages(demo_district, page, log_in):
    errors = watch_console(page)
    district, last = _demo()
    rmo = Association.objects.get(district=district, kind=Association.Kind.DISTRICT)
    log_in("metodist", demo.DEMO_PASSWORD)

    # The dashboard on the home page: counts, a chart, a count that opens its list.
    page.goto("/")
    dashboard = page.get_by_test_id("dashboard")
    expect(dashboard).to_be_visible()
    expect(dashboard.get_by_test_id("dashboard-plans").locator("a[data-status]").first).to_be_visible()
    expect(dashboard.get_by_test_id("dashboard-analyses").locator("a[data-status]").first).to_be_visible()
    expect(dashboard.locator("svg.monitoring-chart").first).to_be_visible()
    both_widths(page)
    plans = dashboard.get_by_test_id("dashboard-plans").locator("a[data-status]").first
    count = int(plans.inner_text())
    plans.click()
    expect(page).to_have_url(re.compile(r"/reports/plans/\?"))
    expect(page.get_by_test_id("district-plans").locator("tbody tr")).to_have_count(max(count, 1))
    both_widths(page)

    # The board of last year's analyses: every demo school's accepted.
    page.goto(reverse("reports:analysis_board", args=[district.pk, last.start_year]))
    board = page.get_by_test_id("board")
    for school in (SCHOOL1, SCHOOL2):
        expect(board.locator("tr", has_text=school).get_by_test_id("status")).to_have_text("принят")
    expect(board.get_by_test_id("status").filter(has_text="принят")).to_have_count(6)
    both_widths(page)
    form = page.get_by_test_id("deadline-form")
    form.get_by_label("Срок сдачи анализа").fill(f"{last.start_year - 3}-06-10")
    form.get_by_role("button").click()
    error = form.locator(".invalid-feedback")
    expect(error).to_contain_text("Срок должен быть в пределах")
    expect(form.get_by_label("Срок сдачи анализа")).to_have_value(f"{last.start_year - 3}-06-10")
    expect(form.get_by_label("Срок сдачи анализа")).to_have_class(re.compile(r"\bis-invalid\b"))
    both_widths(page)

    # The district summary: a header link sorts, the documents answer.
    page.goto(reverse("reports:district_summary", args=[district.pk, last.start_year]))
    names = _row_names(page)
    assert len(names) == 6  # the demo's schools, by name
    both_widths(page)
    header = page.get_by_test_id("summary-table").locator('th[data-sort="school"] a')
    header.click()
    expect(page).to_have_url(re.compile(r"sort=school&order=desc"))
    expect(page.get_by_test_id("summary-table").locator('th[data-sort="school"]')).to_have_attribute(
        "aria-sort", "descending"
    )
    assert _row_names(page) == names[::-1]
    for testid, kind in (("summary-pdf", "application/pdf"), ("summary-xlsx", "spreadsheetml")):
        href = page.get_by_test_id(testid).get_attribute("href")
        assert "sort=school" in href  # the documents keep the sort
        response = page.request.get(href)
        assert response.status == 200, (testid, response.status)
        assert kind in response.headers["content-type"]
    both_widths(page)

    # The documentation table of the district.
    page.goto(reverse("reports:checklist_district", args=[district.pk, last.start_year]))
    table = page.get_by_test_id("completeness-table")
    expect(table.locator("tbody tr")).to_have_count(7)  # the РМО and the six school МО
    expect(table).to_contain_text(SCHOOL1)
    both_widths(page)

    # The РМО's analysis of last year: its roll-up lists the six schools, accepted.
    page.goto(reverse("reports:analysis", args=[rmo.pk, last.start_year]))
    expect(page.get_by_test_id("analysis-status")).to_contain_text("принят")
    rollup = page.get_by_test_id("rollup-table")
    for school in (SCHOOL1, SCHOOL2):
        expect(rollup.locator("tbody tr", has_text=school).locator(".badge")).to_have_text("принят")
    expect(rollup.locator("tbody tr .badge").filter(has_text="принят")).to_have_count(6)
    both_widths(page)
    assert errors == []


def test_the_head_finds_the_checklist_s_upload_forms(demo_district, page, log_in):
    errors = watch_console(page)
    _district, last = _demo()
    mo = Association.objects.get(school__short_name=SCHOOL1, kind=Association.Kind.SCHOOL)
    log_in("rukovoditel1", demo.DEMO_PASSWORD)
    page.goto(reverse("reports:checklist", args=[mo.pk, last.start_year]))
    expect(page.get_by_test_id("checklist-total")).to_contain_text("из 8")
    items = page.get_by_test_id("checklist-items")
    summary = items.locator("summary", has_text="Загрузить документ").first
    expect(summary).to_be_visible()
    both_widths(page)
    summary.click()
    form = items.locator("form[enctype='multipart/form-data']").first
    expect(form.get_by_label("Название документа")).to_be_visible()
    expect(form.get_by_label("Файл")).to_be_visible()
    expect(form.get_by_role("radio").first).to_be_visible()
    expect(form.get_by_role("button", name="Загрузить")).to_be_visible()
    both_widths(page)
    assert errors == []
