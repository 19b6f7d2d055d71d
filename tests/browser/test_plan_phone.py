"""The plan's pages and the association's on a 390 px phone, as each role that opens them, on
the demo district: nothing scrolls sideways (the plan's table and the editor's rows become
cards), the head's «Отметить» stays on the screen, and the pages still fit at 1280 px."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from associations.models import AnnualPlan, Association, PlanItem
from rmo_portal import demo
from tests.browser.helpers import PHONE, VIEWPORT, fits, watch_console

pytestmark = pytest.mark.browser


def _school1_mo() -> Association:
    return Association.objects.get(kind=Association.Kind.SCHOOL, school__short_name="МБОУ «Заречная СОШ № 1»")


def _school1_plan() -> AnnualPlan:
    """The school 1 МО's approved plan of the current year (the demo's longest, 40-odd items)."""
    return AnnualPlan.objects.filter(association=_school1_mo(), status=AnnualPlan.Status.APPROVED).order_by(
        "-academic_year__start_year"
    ).first()


def _both(page, path: str) -> None:
    for viewport in (PHONE, VIEWPORT):
        page.set_viewport_size(viewport)
        page.goto(path)
        fits(page)
    page.set_viewport_size(PHONE)
    page.goto(path)


def _open(page, log_in, username: str):
    page.set_viewport_size(PHONE)
    log_in(username, demo.DEMO_PASSWORD)
    return watch_console(page)


@pytest.mark.parametrize("username", ["rukovoditel1", "zavuch1", "uchitel1", "metodist"])
def test_the_plan_and_the_association_fit_a_phone(demo_district, page, log_in, username):
    errors = _open(page, log_in, username)
    plan = _school1_plan()
    _both(page, reverse("associations:plan", args=[plan.pk]))
    expect(page.get_by_test_id("plan-item").first).to_be_visible()
    _both(page, reverse("associations:detail", args=[plan.association_id]))
    expect(page.get_by_test_id("member-row").first).to_be_visible()
    _both(page, reverse("associations:list"))
    assert errors == []


def test_the_heads_mark_stays_on_the_screen(demo_district, page, log_in):
    errors = _open(page, log_in, "rukovoditel1")
    plan = _school1_plan()
    page.goto(reverse("associations:plan", args=[plan.pk]))
    fits(page)
    first = page.get_by_test_id("plan-item").first
    mark = first.get_by_role("button", name="Отметить")
    mark.scroll_into_view_if_needed()
    expect(mark).to_be_visible()
    box = mark.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    mark.click()  # the collapsed mark form opens under the card, still fitting
    expect(page.locator(".plan-mark-row.show").first).to_be_visible()
    fits(page)
    expect(page.get_by_test_id("bulk-mark")).to_be_visible()
    assert errors == []


def test_the_editor_and_the_review_fit_a_phone(demo_district, page, log_in):
    """The plan of school 2 returned for rework, as its head: the page and the editor."""
    errors = _open(page, log_in, "rukovoditel2")
    returned = AnnualPlan.objects.filter(
        association__school__short_name__contains="№ 2", status=AnnualPlan.Status.RETURNED
    ).first()
    assert returned is not None, "the demo returns school 2's plan"
    _both(page, reverse("associations:plan", args=[returned.pk]))
    _both(page, reverse("associations:plan_edit", args=[returned.pk]))
    expect(page.get_by_test_id("editor-row").first).to_be_visible()
    _both(page, reverse("associations:detail", args=[returned.association_id]))
    assert errors == []


@pytest.mark.parametrize("username", ["nachalnik", "metodist"])
def test_the_plan_under_review_fits_a_phone(demo_district, page, log_in, username):
    """The РМО's plan under review: its reviewer, the district's official (both decision boxes
    and the items' comment boxes), and the methodologist who writes it."""
    errors = _open(page, log_in, username)
    submitted = AnnualPlan.objects.filter(status=AnnualPlan.Status.SUBMITTED, association__school=None).first()
    assert submitted is not None, "the demo has the РМО's plan under review"
    _both(page, reverse("associations:plan", args=[submitted.pk]))
    if username == "nachalnik":
        expect(page.get_by_test_id("review-end")).to_be_visible()
        page.get_by_test_id("item-comment-box").first.locator("summary").click()
        fits(page)
    _both(page, reverse("associations:detail", args=[submitted.association_id]))
    assert errors == []


def test_the_head_marks_two_items_at_once_on_a_phone(demo_district, page, log_in):
    """The ticks in the cards belong to the form under the table (their `form` attribute)."""
    errors = _open(page, log_in, "rukovoditel1")
    plan = _school1_plan()
    pending = list(plan.items.filter(execution=PlanItem.Execution.PENDING).order_by("position")[:2])
    page.goto(reverse("associations:plan", args=[plan.pk]))
    for item in pending:
        page.locator(f"#tick-{item.pk}").check()
    bulk = page.get_by_test_id("bulk-mark")
    expect(bulk.get_by_test_id("ticked-count")).to_have_text("2")  # static/js/plan-ticks.js
    bulk.get_by_role("button", name="Выбрать все").click()
    expect(bulk.get_by_test_id("ticked-count")).to_have_text(str(plan.items.count()))
    bulk.get_by_role("button", name="Снять все").click()
    expect(bulk.get_by_test_id("ticked-count")).to_have_text("0")
    for item in pending:
        page.locator(f"#tick-{item.pk}").check()
    bulk.get_by_label("Отметка").select_option(label="выполнено")
    bulk.get_by_label("Дата выполнения").fill(timezone.localdate().isoformat())
    bulk.get_by_label("Примечание или причина").fill("Проведено вместе")
    bulk.get_by_role("button", name="Отметить выбранные").click()
    expect(page.get_by_role("alert").filter(has_text="Отметка «выполнено» поставлена 2 пунктам плана.")).to_be_visible()
    fits(page)
    for item in pending:
        item.refresh_from_db()
        assert (item.execution, item.execution_note) == (PlanItem.Execution.DONE, "Проведено вместе")
    assert errors == []
