"""Every main page of the demo district, as every demo role that may open it, on a 390 px phone:
nothing sticks out to the right (`document.documentElement.scrollWidth` ≤ the viewport), and
once per page, at 1280 px and at 390 px, axe-core finds no serious or critical WCAG 2.2 A/AA
violation (tests/browser/a11y.py). A role "may open" a page when it answers 200 without a
redirect; the 403s and 404s of the other roles are the access matrix's business
(tests/test_access_matrix.py), but every page must be opened by some role.

One browser context per role, axe once per page (as the first role of ROLES that opens it, the
one who sees the most of it): the whole tour stays under two minutes. Every failure of the tour
is collected and reported at the end, page by page, rather than stopping at the first.

The navbar holds on one line at 1280 px for every role, and on a phone its toggler opens it; the
skip link comes first, and the focus ring shows on the navbar and on the page.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from associations.models import AcademicYear, AnnualPlan, Association, ClassAssignment, District, Person
from associations.records.models import Visit
from meetings.bank.models import Material
from meetings.models import Meeting, Protocol
from reports.analysis.models import Analysis
from reports.monitoring.models import ClassMonitoring, Method
from rmo_portal import demo
from tests.browser.a11y import assert_accessible
from tests.browser.helpers import PHONE, VIEWPORT, fits

pytestmark = pytest.mark.browser

SCHOOL1 = "МБОУ «Заречная СОШ № 1»"
SCHOOL2 = "МБОУ «СОШ № 2 им. А.С. Пушкина»"

#: The demo's roles; the order decides whose view of a page axe checks (the first who opens it).
ROLES = ["rukovoditel1", "sekretar1", "zavuch1", "metodist", "uchitel1", "nachalnik", "admin"]


def main_pages() -> list[tuple[str, str]]:
    """(name, path) of every main page, on the demo's own rows: school 1's МО, its meetings and
    protocols, its current plan; school 2's returned plan for the editor (the only plan of the
    demo still editable); the district and its last year for the district's reports."""
    mo = Association.objects.get(kind=Association.Kind.SCHOOL, school__short_name=SCHOOL1)
    district = District.objects.get()
    year = AcademicYear.objects.current()
    plan = AnnualPlan.objects.get(association=mo, academic_year=year)
    editable = AnnualPlan.objects.get(association__school__short_name=SCHOOL2, academic_year=year)
    held = Meeting.objects.filter(association=mo, status=Meeting.Status.HELD, protocol__status=Protocol.Status.SIGNED)
    held = held.order_by("starts_at").first()
    planned = Meeting.objects.filter(association=mo, status=Meeting.Status.PLANNED).order_by("starts_at").first()
    signed = Protocol.objects.filter(meeting__association=mo, status=Protocol.Status.SIGNED).order_by("number").first()
    draft = Protocol.objects.get(meeting__association=mo, status=Protocol.Status.DRAFT)
    teacher = Person.objects.get(user__username="uchitel1")
    klass = ClassAssignment.objects.filter(teacher=teacher).first()
    monitoring = ClassMonitoring.objects.filter(class_assignment=klass).order_by("-period").first()
    material = Material.objects.order_by("pk").first()
    analysis = Analysis.objects.get(association=mo, academic_year=year)
    last_year = Analysis.objects.filter(association__kind=Association.Kind.DISTRICT, status=Analysis.Status.ACCEPTED)
    last = last_year.get().academic_year.start_year
    return [
        ("home", reverse("home")),
        ("associations", reverse("associations:list")),
        ("association", reverse("associations:detail", args=[mo.pk])),
        ("people", reverse("associations:people")),
        ("person", reverse("associations:person", args=[teacher.pk])),
        ("plan", reverse("associations:plan", args=[plan.pk])),
        ("plan (returned)", reverse("associations:plan", args=[editable.pk])),
        ("plan editor", reverse("associations:plan_edit", args=[editable.pk])),
        ("association's meetings", reverse("meetings:association_meetings", args=[mo.pk])),
        ("meeting (held)", reverse("meetings:meeting", args=[held.pk])),
        ("meeting (planned)", reverse("meetings:meeting", args=[planned.pk])),
        ("meeting form (new)", reverse("meetings:meeting_create", args=[mo.pk])),
        ("meeting form (edit)", reverse("meetings:meeting_edit", args=[planned.pk])),
        ("attendance", reverse("meetings:attendance", args=[held.pk])),
        ("protocol", reverse("meetings:protocol", args=[signed.pk])),
        ("protocol editor", reverse("meetings:protocol_edit", args=[draft.pk])),
        ("schedule", reverse("meetings:schedule")),
        ("calendar", reverse("meetings:calendar")),
        ("decisions", reverse("meetings:decisions")),
        ("contests", reverse("associations:contests")),
        ("contest results", reverse("associations:contest_results")),
        ("attestations", reverse("associations:attestations")),
        ("attestation overview", reverse("associations:attestation_overview")),
        ("courses", reverse("associations:courses")),
        ("courses overview", reverse("associations:courses_overview")),
        ("visits", reverse("associations:visits")),
        ("visit", reverse("associations:visit", args=[Visit.objects.order_by("pk").first().pk])),
        ("consultations", reverse("associations:consultations")),
        ("nominations", reverse("associations:nominations")),
        ("acknowledgments", reverse("associations:acknowledgments")),
        ("bank", reverse("meetings:materials")),
        ("bank card", reverse("meetings:material", args=[material.pk])),
        ("bank form", reverse("meetings:material_create")),
        ("monitoring", reverse("reports:monitoring")),
        ("monitoring start", reverse("reports:monitoring_start", args=[klass.pk])),
        ("monitoring grid", reverse("reports:monitoring_edit", args=[monitoring.pk])),
        ("monitoring result", reverse("reports:monitoring_result", args=[monitoring.pk])),
        ("monitoring school", reverse("reports:monitoring_school", args=[klass.school_id])),
        ("monitoring district", reverse("reports:monitoring_district", args=[district.pk])),
        ("monitoring method", reverse("reports:monitoring_method", args=[Method.objects.order_by("pk").first().pk])),
        ("district plans", reverse("reports:district_plans")),
        ("analysis", reverse("reports:analysis", args=[mo.pk, year.start_year])),
        ("analysis editor", reverse("reports:analysis_edit", args=[analysis.pk])),
        ("analysis board", reverse("reports:analysis_board", args=[district.pk, last])),
        ("district summary", reverse("reports:district_summary", args=[district.pk, last])),
        ("checklist", reverse("reports:checklist", args=[mo.pk, year.start_year])),
        ("checklist of the district", reverse("reports:checklist_district", args=[district.pk, last])),
    ]


def _context(browser, base_url: str, viewport):
    context = browser.new_context(
        base_url=base_url, viewport=viewport, locale="ru-RU", timezone_id="Europe/Moscow"
    )
    context.set_default_timeout(10_000)
    return context


def _log_in(page, username: str) -> None:
    page.goto(reverse("login"))
    page.get_by_label("Имя пользователя").fill(username)
    page.get_by_label("Пароль").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _check(page, what: str, failures: list[str], check) -> None:
    try:
        check(page)
    except AssertionError as error:
        failures.append(f"{what}: {error}")


def _axe_at_both_widths(page, what: str, failures: list[str]) -> None:
    for viewport in (VIEWPORT, PHONE):
        page.set_viewport_size(viewport)
        _check(page, f"{what}, axe", failures, assert_accessible)
    page.set_viewport_size(PHONE)


#: The screenshots of docs/screenshots the tour takes when RMO_SCREENSHOTS_DIR is set (`make
#: screenshots`): (page, role) -> name. Every one at 390 px as «<name>-phone.png»; the pages no other
#: browser test photographs also at 1280 px as «<name>.png».
SHOTS = {
    ("home", "metodist"): "home", ("home", "uchitel1"): "home_teacher", ("home", "sekretar1"): "home_secretary",
    ("home", "rukovoditel1"): "home_head", ("home", "zavuch1"): "home_deputy",
    ("association", "rukovoditel1"): "association_detail", ("plan", "rukovoditel1"): "plan",
    ("plan editor", "admin"): "plan-editor", ("meeting (planned)", "sekretar1"): "meeting",
    ("attendance", "sekretar1"): "attendance", ("protocol", "sekretar1"): "protocol",
    ("protocol editor", "sekretar1"): "protocol-editor", ("schedule", "uchitel1"): "schedule",
    ("calendar", "uchitel1"): "calendar", ("decisions", "zavuch1"): "decisions", ("bank", "uchitel1"): "bank_search",
    ("district plans", "metodist"): "district_plans", ("analysis board", "metodist"): "analysis_board",
}
#: Those photographed at 1280 px by their own browser tests already.
SHOT_ELSEWHERE = {"home", "home_teacher", "association_detail", "plan", "protocol", "schedule", "calendar",
                  "decisions", "bank_search", "district_plans"}


def _shoot(page, screenshots_dir, name: str) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshots_dir / f"{name}-phone.png"), full_page=True)
    if name not in SHOT_ELSEWHERE:
        page.set_viewport_size(VIEWPORT)
        page.screenshot(path=str(screenshots_dir / f"{name}.png"), full_page=True)
        page.set_viewport_size(PHONE)


def tour(
    browser, base_url: str, pages: list[tuple[str, str]], screenshots_dir=None
) -> tuple[list[str], dict[str, list[str]]]:
    """Open every page as every role on a phone: (the failures, who opened each page)."""
    failures: list[str] = []
    opened: dict[str, list[str]] = {name: [] for name, _ in pages}
    axed: set[str] = set()

    context = _context(browser, base_url, PHONE)
    page = context.new_page()
    page.goto(reverse("login"))
    _check(page, "login page at 390 px", failures, fits)
    _axe_at_both_widths(page, "login page", failures)
    context.close()

    for role in ROLES:
        context = _context(browser, base_url, PHONE)
        page = context.new_page()
        _log_in(page, role)
        for name, path in pages:
            response = page.goto(path)
            if response is None or response.status != 200 or urlsplit(page.url).path != path:
                continue
            opened[name].append(role)
            _check(page, f"{name} ({path}) as {role}", failures, fits)
            if name not in axed:
                axed.add(name)
                _axe_at_both_widths(page, f"{name} ({path}) as {role}", failures)
            if screenshots_dir is not None and (name, role) in SHOTS:
                _shoot(page, screenshots_dir, SHOTS[name, role])
        context.close()
    return failures, opened


@pytest.mark.long
def test_every_main_page_fits_a_phone_and_passes_axe_for_every_role(demo_district, browser, live_server,
                                                                      screenshots_dir):
    failures, opened = tour(browser, live_server.url, main_pages(), screenshots_dir)
    assert {name for name, _role in SHOTS} <= {name for name, _path in main_pages()}
    assert [name for name, roles in opened.items() if not roles] == [], "pages no demo role opens"
    assert failures == [], "\n" + "\n".join(failures)


#: How far apart (px) the tops of the navbar's items are: 0 when they hold on one line.
NAV_SPREAD = """() => {
  const items = [...document.querySelectorAll("#mainnav > .navbar-nav > .nav-item, .navbar-brand")]
    .filter(e => e.getClientRects().length);
  const tops = items.map(e => e.getBoundingClientRect().top);
  const bar = document.querySelector("nav.navbar .container");
  const right = Math.max(...items.map(e => e.getBoundingClientRect().right));
  return {spread: Math.max(...tops) - Math.min(...tops), inside: right <= bar.getBoundingClientRect().right + 1,
          count: items.length};
}"""


#: The focused element: its text, its outline's style and colour.
FOCUSED = """() => { const e = document.activeElement, style = getComputedStyle(e);
  return [e.textContent.trim(), style.outlineStyle, style.outlineColor]; }"""


def test_the_navbar_holds_on_one_line_at_1280_px_for_every_role(demo_district, browser, live_server):
    too_tall = []
    for role in ROLES:
        context = _context(browser, live_server.url, VIEWPORT)
        page = context.new_page()
        _log_in(page, role)
        page.goto(reverse("home"))
        nav = page.evaluate(NAV_SPREAD)
        if nav["spread"] > 2 or not nav["inside"]:
            too_tall.append(f"{role}: {nav}")
        if role == "metodist":
            # The keyboard: «Перейти к содержанию» first, then the brand, each with a solid ring
            # (white on the navbar's blue); the skip link lands in <main id="content">.
            page.keyboard.press("Tab")
            assert page.evaluate(FOCUSED) == ["Перейти к содержанию", "solid", "rgb(10, 88, 202)"]
            page.keyboard.press("Tab")
            assert page.evaluate(FOCUSED) == ["Портал РМО", "solid", "rgb(255, 255, 255)"]
            page.keyboard.press("Shift+Tab")
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.id") == "content"
            # On a phone the toggler opens the menu and its links are there to follow.
            page.set_viewport_size(PHONE)
            menu = page.locator("#mainnav")
            assert not menu.is_visible()
            page.get_by_role("button", name="Меню").click()
            menu.get_by_role("link", name="Расписание", exact=True).wait_for(state="visible")
            fits(page)
        context.close()
    assert too_tall == []
