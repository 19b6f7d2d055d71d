"""The demo district through the eyes of its people, in a real browser: what each role opens
first in a week of work. When RMO_SCREENSHOTS_DIR is set (`make screenshots`) the pages are
saved for the README and docs/screenshots.

Every page must show the demo's own rows (a plan's theme, a protocol's number, a teacher's
decision), and no page may log a console error, an uncaught exception or a failed request.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from associations.models import AcademicYear, AnnualPlan, Association
from meetings.models import Decision, Meeting, Protocol
from rmo_portal import demo
from tests.browser.helpers import watch_console

pytestmark = pytest.mark.browser


def _school1_mo() -> Association:
    return Association.objects.get(kind=Association.Kind.SCHOOL, school__short_name="МБОУ «Заречная СОШ № 1»")


def test_a_class_teachers_week(demo_district, page, log_in, shot):
    errors = watch_console(page)
    log_in("uchitel1", demo.DEMO_PASSWORD)
    today = timezone.localdate()
    mine = Decision.objects.filter(
        responsible__user__username="uchitel1", protocol_item__protocol__status=Protocol.Status.SIGNED,
        status=Decision.Status.OPEN,
    )
    assert mine.filter(due_on__lt=today).exists(), "the demo gives uchitel1 an overdue decision"
    for decision in mine:
        expect(page.get_by_text(decision.text[:40]).first).to_be_visible()
    shot("home_teacher.png")

    page.get_by_role("navigation").get_by_role("link", name="Расписание", exact=True).click()
    upcoming = Meeting.objects.filter(
        association=_school1_mo(), status=Meeting.Status.PLANNED, starts_at__date__gte=today
    ).order_by("starts_at").first()
    expect(page.get_by_text(upcoming.theme).first).to_be_visible()
    # The district's events are the teacher's too.
    rmo_event = Meeting.objects.filter(association__kind=Association.Kind.DISTRICT, starts_at__date__gte=today).first()
    if rmo_event is not None:
        expect(page.get_by_text(rmo_event.theme).first).to_be_visible()
    shot("schedule.png")

    local = timezone.localtime(upcoming.starts_at)
    page.goto(reverse("meetings:calendar") + f"?month={local:%Y-%m}")
    expect(page.get_by_text(upcoming.theme[:30]).first).to_be_visible()
    shot("calendar.png")
    assert errors == []


def test_the_head_and_the_secretary_of_a_school_mo(demo_district, page, log_in, shot):
    errors = watch_console(page)
    mo = _school1_mo()
    plan = AnnualPlan.objects.get(association=mo, academic_year=AcademicYear.objects.current())
    log_in("rukovoditel1", demo.DEMO_PASSWORD)
    page.goto(reverse("associations:plan", args=[plan.pk]))
    expect(page.get_by_text(plan.theme).first).to_be_visible()
    first_item = plan.items.order_by("position").first()
    expect(page.get_by_text(first_item.content[:40]).first).to_be_visible()
    shot("plan.png")

    page.goto(reverse("meetings:decisions"))
    open_one = Decision.objects.filter(
        protocol_item__protocol__meeting__association=mo, status=Decision.Status.OPEN
    ).first()
    expect(page.get_by_text(open_one.text[:40]).first).to_be_visible()
    shot("decisions.png")

    signed = Protocol.objects.filter(meeting__association=mo, status=Protocol.Status.SIGNED).order_by("number").first()
    page.goto(reverse("meetings:protocol", args=[signed.pk]))
    expect(page.get_by_test_id("protocol-number")).to_have_text(f"№ {signed.number}")
    expect(page.get_by_text("СЛУШАЛИ").first).to_be_visible()
    shot("protocol.png")
    assert errors == []

    page.context.clear_cookies()
    log_in("sekretar1", demo.DEMO_PASSWORD)
    draft = Protocol.objects.get(meeting__association=mo, status=Protocol.Status.DRAFT)
    page.goto(reverse("meetings:protocol_edit", args=[draft.pk]))
    expect(page.get_by_role("button", name="Сохранить").first).to_be_visible()
    assert errors == []


def test_the_methodologist_sees_every_plan_of_the_district(demo_district, page, log_in, shot):
    errors = watch_console(page)
    log_in("metodist", demo.DEMO_PASSWORD)
    page.goto(reverse("reports:district_plans"))
    plans = AnnualPlan.objects.filter(academic_year=AcademicYear.objects.current()).select_related("association")
    assert plans.count() >= 5  # the demo leaves one school without a plan yet
    for plan in plans:
        expect(page.locator("td", has_text=plan.association.name).first).to_be_visible()
    shot("district_plans.png")
    assert errors == []
