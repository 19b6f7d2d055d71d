"""The calendar's week in a real browser: seven columns at 1280 px, the days stacked on a 390 px
phone, nothing sticking out at either width; the neighbouring weeks and the switch to the month
keep the state in the URL. The meeting page of a past meeting still «запланировано» fits too,
with its banner, its sign-in sheet and its .ics."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from meetings.models import Meeting
from tests import factories as f
from tests.browser.helpers import PHONE, VIEWPORT, both_widths, watch_console

pytestmark = pytest.mark.browser

MONDAY = datetime.date(2026, 12, 7)


def test_the_week_fits_both_widths_and_keeps_its_state(world, page, log_in):
    f.MeetingFactory(association=world.mo, starts_at=f.at(MONDAY, 14, 30), theme="Заседание в понедельник",
                     place="Кабинет 21, актовый зал на третьем этаже")
    f.MeetingFactory(association=world.rmo, starts_at=f.at(MONDAY + datetime.timedelta(days=3), 10),
                     theme="Наставничество как ресурс профессионального роста классного руководителя",
                     kind=Meeting.Kind.ROUND_TABLE)
    f.MeetingFactory(association=world.mo, starts_at=f.at(MONDAY + datetime.timedelta(days=8), 15),
                     theme="Следующая неделя")
    errors = watch_console(page)
    log_in("teacher")
    page.goto(f"/meetings/calendar/?view=week&date={MONDAY:%Y-%m-%d}")
    days = page.locator(".calendar-week-day")
    assert days.count() == 7
    both_widths(page)

    lefts = [box["x"] for box in (days.nth(i).bounding_box() for i in range(7))]
    assert len(set(lefts)) == 7  # side by side at 1280 px
    page.set_viewport_size(PHONE)
    lefts = [box["x"] for box in (days.nth(i).bounding_box() for i in range(7))]
    assert len(set(lefts)) == 1  # stacked on a phone
    page.set_viewport_size(VIEWPORT)

    page.get_by_role("link", name="Следующая →").click()
    page.wait_for_url(lambda url: "date=2026-12-14" in url and "view=week" in url)
    assert "Следующая неделя" in page.locator("[data-testid=calendar-week]").inner_text()
    page.get_by_test_id("calendar-switch").get_by_role("link", name="Месяц").click()
    page.wait_for_url(lambda url: "month=2026-12" in url and "view=" not in url)
    assert page.locator("[data-testid=calendar]").count() == 1
    assert errors == []


def test_a_past_meeting_page_fits_with_its_banner(world, page, log_in):
    meeting = f.recorded_meeting(world, day=timezone.localdate() - datetime.timedelta(days=2))
    f.GuestFactory(meeting=meeting, full_name="Белова Е.Н.", position="педагог-психолог")
    errors = watch_console(page)
    log_in("head")
    page.goto(f"/meetings/{meeting.pk}/")
    assert page.get_by_test_id("meeting-outcome").is_visible()
    assert page.get_by_test_id("sign-in-sheet").is_visible()
    assert page.get_by_test_id("meeting-ics").is_visible()
    both_widths(page)
    page.get_by_test_id("outcome-cancel").click()
    page.locator("#cancel-form").wait_for(state="visible")  # Bootstrap's collapse animates
    assert errors == []
