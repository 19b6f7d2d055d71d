"""The annual analysis's page in a real browser, on the demo district: the school МО's head
(rukovoditel1) opens this year's analysis from the association's page and finds the year's
figures filled in from the demo's records, each a link to its records; the page fits 1280 px
and a 390 px phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from associations.models import Association
from rmo_portal import demo
from tests.browser.helpers import both_widths, watch_console

pytestmark = pytest.mark.browser


def test_the_head_finds_the_year_s_figures_filled_in(demo_district, page, log_in):
    errors = watch_console(page)
    log_in("rukovoditel1", demo.DEMO_PASSWORD)
    mo = Association.objects.get(school__short_name="МБОУ «Заречная СОШ № 1»")
    page.goto(f"/associations/{mo.pk}/")
    page.get_by_role("link", name="Анализ работы за год").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Анализ работы")
    expect(page.get_by_role("heading", name="Показатели года")).to_be_visible()
    expect(page.get_by_test_id("held-meetings").locator("tbody tr").first).to_be_visible()
    expect(page.get_by_test_id("contests-table")).to_be_visible()
    both_widths(page)
    assert errors == []
