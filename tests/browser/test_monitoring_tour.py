"""The monitoring's results in a real browser, on the demo district: the methodologist reaches the
district's table from the menu, a school's table and a class's figures, and never a pupil's row;
the deputy director of МБОУ «Заречная СОШ № 1» reads the school's table by class; the class
teacher (uchitel1) opens their class's May, sees each pupil's level and the dynamics, and goes on
to the grid. Every page at 1280 px and on a 390 px phone, none wider than the screen; the charts
are SVG with their text tables beside. Saved for the README when RMO_SCREENSHOTS_DIR is set."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from associations.models import ClassAssignment, School
from reports.monitoring.models import MonitoredPupil
from rmo_portal import demo
from tests.browser.helpers import both_widths, watch_console

pytestmark = pytest.mark.browser

SCHOOL1 = "МБОУ «Заречная СОШ № 1»"


def _initials_of(school: School) -> set[str]:
    return set(
        MonitoredPupil.objects.filter(monitoring__class_assignment__school=school).exclude(initials="")
        .values_list("initials", flat=True)
    )


def test_the_district_the_school_and_the_class_each_read_as_their_role_may(demo_district, page, log_in, shot):
    errors = watch_console(page)
    school = School.objects.get(short_name=SCHOOL1)
    initials = _initials_of(school)
    assert initials  # the demo writes initials in some classes

    # The methodologist: the district's table from the menu, then a school, then a class.
    log_in("metodist", demo.DEMO_PASSWORD)
    page.get_by_test_id("nav-monitoring").click()
    page.get_by_test_id("summaries").get_by_role("link").first.click()
    expect(page.get_by_test_id("district-table").first).to_be_visible()
    expect(page.locator("svg.monitoring-chart").first).to_be_visible()
    expect(page.get_by_test_id("distribution").first).to_contain_text("высокий")
    shot("monitoring_district.png")
    both_widths(page)
    page.get_by_test_id("district-table").first.get_by_role("link", name=SCHOOL1).click()
    expect(page.get_by_test_id("school-table").first).to_be_visible()
    page.get_by_test_id("school-table").last.get_by_role("link").first.click()
    expect(page.get_by_test_id("class-figures")).to_be_visible()
    expect(page.get_by_test_id("pupils")).to_have_count(0)
    text = page.locator("main").inner_text() if page.locator("main").count() else page.inner_text("body")
    assert not any(mark in text for mark in initials)
    both_widths(page)
    page.context.clear_cookies()

    # The deputy director: the school's table by class, every class.
    log_in("zavuch1", demo.DEMO_PASSWORD)
    page.goto(reverse("reports:monitoring_school", args=[school.pk]))
    classes = ClassAssignment.objects.filter(school=school, monitorings__isnull=False).distinct().count()
    expect(page.get_by_test_id("school-table").locator("tbody tr")).to_have_count(classes + 2)  # + 2 totals
    shot("monitoring_school.png")
    both_widths(page)
    page.context.clear_cookies()

    # The class teacher: their class's May with each pupil's level, then the grid.
    log_in("uchitel1", demo.DEMO_PASSWORD)
    page.get_by_test_id("nav-monitoring").click()
    row = page.get_by_test_id("monitoring-classes").locator("tr", has_text="6 «Б»")
    row.get_by_role("link", name="результаты").last.click()
    expect(page.get_by_test_id("dynamics")).to_contain_text("сентябрь")
    expect(page.get_by_test_id("pupils").locator("tbody tr").first).to_be_visible()
    shot("monitoring_class.png")
    both_widths(page)
    page.get_by_role("link", name="Ввести оценки").click()
    expect(page.locator("#monitoring-grid")).to_be_visible()
    assert errors == []
