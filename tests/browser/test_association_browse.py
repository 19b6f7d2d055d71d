"""A district methodologist browses the district's associations in a real browser.

`test_methodologist_browses_associations` walks the test world, logging in through the real
login form. The other two tests walk the demo district of `manage.py load_demo` (six schools,
about sixty people, heads by order) and, when RMO_SCREENSHOTS_DIR is set, save full-page
screenshots of what they see for docs/screenshots:

    RMO_SCREENSHOTS_DIR=docs/screenshots .venv/bin/pytest -m browser     # or: make screenshots

Every test also fails on what a person would not notice: a console error (a blocked inline
script or style under the CSP is one), an uncaught exception, a failed request.
"""

from __future__ import annotations

import re

import pytest
from django.db.models import Count, Q
from django.urls import reverse
from playwright.sync_api import expect

from associations.models import AcademicYear, Association
from rmo_portal import demo
from tests import factories as f
from tests.browser.helpers import watch_console
from tests.browser.picking import pick

pytestmark = pytest.mark.browser


def test_methodologist_browses_associations(world, live_server, page, log_in):
    errors = watch_console(page)
    page.goto("/")
    # Anonymous: sent to the login form, which speaks Russian.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    expect(page.get_by_role("heading", name="Вход в Портал РМО")).to_be_visible()

    log_in("metodist")

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Методические объединения района")).to_be_visible()
    associations = page.get_by_test_id("associations")
    for name in (world.rmo.name, world.mo.name, world.other_mo.name):
        expect(associations.get_by_role("link", name=name, exact=True)).to_be_visible()
    # The other district stays out of sight.
    expect(associations.get_by_text(world.other_district_mo.name)).to_have_count(0)
    expect(associations.get_by_text(world.other_district_rmo.name)).to_have_count(0)

    associations.get_by_role("link", name=world.mo.name, exact=True).click()

    expect(page).to_have_url(re.compile(rf"/associations/{world.mo.pk}/"))
    expect(page.get_by_role("heading", name=world.mo.name, level=1)).to_be_visible()
    expect(page.get_by_test_id("head")).to_have_text(world.head_person.full_name)
    members = page.get_by_test_id("members")
    expect(members.locator("tbody tr")).to_have_count(2)
    for person in (world.head_person, world.teacher_person):
        expect(members.get_by_role("cell", name=person.full_name, exact=True)).to_be_visible()
    expect(page.get_by_test_id("classes").get_by_role("cell", name="6 «Б»")).to_be_visible()
    expect(page.get_by_test_id("members-edit")).to_have_count(0)  # the school МО's list is its head's

    # The РМО's list is the methodologist's: a teacher of another school joins it, then leaves.
    newcomer = f.PersonFactory(school=world.other_school, last_name="Районная")
    page.goto(reverse("associations:detail", args=[world.rmo.pk]))
    expect(page.get_by_test_id("members").get_by_text("В этом учебном году членов нет.")).to_be_visible()
    label = f"{newcomer.short_name} — {world.other_school.short_name}"
    pick(page, f"Добавить в состав на {world.year} учебный год", "районн", label)  # typed, then chosen
    page.get_by_role("button", name="Добавить", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="добавлен 1 человек")).to_be_visible()
    row = page.get_by_test_id("member-row").filter(has_text=newcomer.full_name)
    expect(row).to_be_visible()
    asked: list[str] = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    row.get_by_role("button", name="Исключить").click()
    expect(page.get_by_role("alert").filter(has_text="больше не в составе")).to_be_visible()
    assert asked == [f"{newcomer.full_name} будет исключён из объединения на {world.year} учебный год. Исключить?"]
    expect(page.get_by_test_id("member-row")).to_have_count(0)
    assert errors == []


# --- the demo district, for the screenshots ------------------------------------------------------


def test_methodologist_pages(demo_district, page, log_in, shot):
    errors = watch_console(page)
    log_in("metodist", demo.DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Методические объединения района")).to_be_visible()
    school_associations = Association.objects.filter(kind=Association.Kind.SCHOOL)
    expect(page.get_by_test_id("associations").locator("tbody tr")).to_have_count(
        1 + school_associations.count()
    )
    shot("home.png")

    page.get_by_role("navigation").get_by_role("link", name="Объединения", exact=True).click()
    expect(page.get_by_role("heading", name="Методические объединения", level=1)).to_be_visible()
    shot("association_list.png")

    year = AcademicYear.objects.current()
    busiest = (
        school_associations.select_related("school")
        .annotate(n=Count("memberships", filter=Q(memberships__academic_year=year)))
        .order_by("-n", "pk")
        .first()
    )
    page.get_by_role("link", name=busiest.name, exact=True).click()
    expect(page.get_by_role("heading", name=busiest.name, level=1)).to_be_visible()
    expect(page.get_by_test_id("head")).to_be_visible()
    expect(page.get_by_test_id("members").locator("tbody tr")).to_have_count(busiest.n)
    shot("association_detail.png")

    # The РМО's page, whose list of members the methodologist keeps.
    rmo = Association.objects.get(kind=Association.Kind.DISTRICT)
    page.goto(reverse("associations:detail", args=[rmo.pk]))
    expect(page.get_by_test_id("members-edit")).to_be_visible()
    shot("association_rmo.png")

    # The directory, narrowed to one school through its filter form: the whole district is a
    # page of fifty rows, too long for a picture.
    page.get_by_test_id("nav-district").click()  # the district's pages share «Район» in the navbar
    page.get_by_role("navigation").get_by_role("link", name="Педагоги", exact=True).click()
    people = page.get_by_test_id("people").locator("tbody tr")
    expect(people).to_have_count(min(50, busiest.district.people.count()))
    page.get_by_label("Школа").select_option(label=busiest.school.short_name)
    page.get_by_role("button", name="Найти").click()
    expect(page).to_have_url(re.compile(rf"school={busiest.school.pk}"))
    expect(people).to_have_count(busiest.school.people.count())
    shot("people.png")

    assert errors == []


def test_admin_add_appointment_page(demo_district, page, log_in, shot):
    errors = watch_console(page)
    log_in(demo.ADMIN_LOGIN, demo.DEMO_PASSWORD)
    page.goto(reverse("admin:associations_appointment_add"))
    expect(page.locator("#appointment_form")).to_be_visible()
    shot("admin_appointment.png")
    assert errors == []
