"""Browser tests: Playwright's sync API driving Debian's Chromium against pytest-django's
`live_server`.

No browser is downloaded (`playwright install` is never run): the system package `chromium`
is launched by path. Without it the tests are skipped on a developer's machine, and fail in CI
(`CI` set), where a missing browser is a broken set-up, not a reason to pass.

Playwright's sync API keeps an asyncio event loop running in the test thread, so Django's
"async unsafe" guard would refuse every ORM call made meanwhile, the test's own and the database
fixtures' (transactional_db flushes after each test). DJANGO_ALLOW_ASYNC_UNSAFE is set for as
long as Playwright runs, one module at a time, and restored afterwards: the other tests of the
session keep the guard. The live server answers from its own thread and is not concerned.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from reports.monitoring.services import methods_seed
from tests.browser.helpers import ASYNC_UNSAFE, CHROMIUM, CHROMIUM_ARGS, PASSWORD, VIEWPORT


@pytest.fixture(autouse=True)
def academic_years(request) -> None:
    """Tests on the live server flush the database after themselves, and with it the academic
    years that migration 0004 filled (reading the current year never creates it): put them back
    first, as cron does with `manage.py academic_years`, and the monitoring methods."""
    if "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        call_command("academic_years", verbosity=0)
        methods_seed()  # migration 0002 of reports seeded them; the flush removed them too


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} not found: install Debian's package (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) on the live server, Russian locale, 1280 px wide."""
    context = browser.new_context(
        base_url=live_server.url, viewport=VIEWPORT, locale="ru-RU", timezone_id="Europe/Moscow"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def screenshots_dir() -> Path | None:
    """Where to save screenshots for docs/screenshots (RMO_SCREENSHOTS_DIR), or None."""
    value = os.environ.get("RMO_SCREENSHOTS_DIR", "").strip()
    if not value:
        return None
    path = Path(value)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def log_in(page):
    """log_in(username) through the real login form, as a person would."""

    def log_in(username: str, password: str = PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("Имя пользователя").fill(username)
        page.get_by_label("Пароль").fill(password)
        page.get_by_role("button", name="Войти").click()
        # Logged in when the form lets go; a wrong password stays on it and times out here.
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return log_in


@pytest.fixture
def demo_district(live_server) -> None:
    call_command("load_demo", quiet=True)


@pytest.fixture
def shot(page, screenshots_dir):
    """shot("home.png"): a full-page screenshot into RMO_SCREENSHOTS_DIR, when it is set."""

    def shot(name: str) -> None:
        page.wait_for_load_state("networkidle")
        if screenshots_dir is not None:
            page.screenshot(path=str(screenshots_dir / name), full_page=True)

    return shot
