"""The records of methodical work in a real browser, on the demo district: a class teacher's own
page, the methodologist's attestation overview and lists, the МО head's open recommendations; at
1280 px and on a 390 px phone, where no records page may be wider than the screen. Saved for the
README when RMO_SCREENSHOTS_DIR is set (`make screenshots`)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from associations.models import ContestEntry, Person, VisitRecommendation
from rmo_portal import demo
from tests.browser.helpers import PHONE, fits, watch_console

pytestmark = pytest.mark.browser

def test_a_teacher_reads_their_own_page(demo_district, page, log_in, shot):
    errors = watch_console(page)
    log_in("uchitel1", demo.DEMO_PASSWORD)
    person = Person.objects.get(user__username="uchitel1")
    page.goto(reverse("associations:person", args=[person.pk]))
    expect(page.get_by_role("heading", name=person.full_name)).to_be_visible()
    entry = ContestEntry.objects.filter(person=person).select_related("contest").first()
    expect(page.get_by_test_id("contests").get_by_text(entry.contest.name).first).to_be_visible()
    expect(page.get_by_test_id("attestations")).to_be_visible()
    shot("teacher_page.png")
    page.set_viewport_size(PHONE)
    fits(page)
    assert errors == []


def test_the_methodologist_and_the_records_of_the_district(demo_district, page, log_in, shot):
    errors = watch_console(page)
    log_in("metodist", demo.DEMO_PASSWORD)
    page.get_by_role("navigation").get_by_role("button", name="Методическая работа").click()
    page.get_by_role("link", name="Аттестация: сроки и предупреждения").click()
    expect(page.locator("table").get_by_text("категория истекает").first).to_be_visible()
    shot("attestation_overview.png")
    page.goto(reverse("associations:contests"))
    expect(page.locator("table").get_by_text("победитель").first).to_be_visible()
    shot("contests.png")
    for name in ("associations:attestation_overview", "associations:contests", "associations:visits",
                 "associations:consultations", "associations:courses_overview", "associations:acknowledgments"):
        page.set_viewport_size(PHONE)
        page.goto(reverse(name))
        fits(page)
    assert errors == []


def test_the_head_sees_the_open_recommendations_until_marked(demo_district, page, log_in, shot):
    errors = watch_console(page)
    log_in("rukovoditel1", demo.DEMO_PASSWORD)
    person = Person.objects.get(user__username="rukovoditel1")
    open_one = VisitRecommendation.objects.filter(visit__school=person.school, done_on__isnull=True).first()
    assert open_one is not None, "the demo leaves rukovoditel1's school an open recommendation"
    expect(page.get_by_text(open_one.text[:40]).first).to_be_visible()
    page.goto(reverse("associations:visit", args=[open_one.visit_id]))
    expect(page.get_by_text(open_one.text[:40]).first).to_be_visible()
    shot("visit.png")
    page.set_viewport_size(PHONE)
    fits(page)
    assert errors == []
