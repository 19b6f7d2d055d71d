"""The home page of each demo role on a 390 px phone: nothing sticks out to the right, and each
role finds its own blocks (issue 16, point 2) — the secretary's protocols, the head's plan, the
deputy's review and school's decisions, the teacher's next week, the methodologist's dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rmo_portal import demo
from tests.browser.helpers import PHONE, fits, watch_console

pytestmark = pytest.mark.browser

BLOCKS = {
    "sekretar1": ["without-protocol", "draft-protocols"],
    "rukovoditel1": ["plan-statuses", "overdue-decisions"],
    "zavuch1": ["awaiting", "overseen-decisions"],
    "uchitel1": ["next-week", "upcoming"],
    "metodist": [],  # the dashboard
}


def test_every_roles_home_fits_a_phone(demo_district, page, log_in):
    errors = watch_console(page)
    page.set_viewport_size(PHONE)
    for username, blocks in BLOCKS.items():
        page.context.clear_cookies()
        log_in(username, demo.DEMO_PASSWORD)
        page.goto("/")
        for testid in blocks:
            expect(page.get_by_test_id(testid)).to_be_visible()
        fits(page)  # its screenshots: tests/browser/test_every_page.py (SHOTS)
    assert errors == []
