"""People are picked by typing part of a surname (static/js/pickers.js): the МО head adds a
member and a second responsible person of a plan item; the district methodologist adds a member
to the РМО out of a district too long for a list, searched on the server. The placeholder reads
as a hint, the chosen names show as chips, the page fits a phone, and nothing breaks the CSP."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests import factories as f
from tests.browser.helpers import PHONE, VIEWPORT, fits, watch_console
from tests.browser.picking import chosen, pick

pytestmark = pytest.mark.browser


def test_the_head_adds_a_member_by_typing_part_of_the_surname(world, live_server, page, log_in):
    errors = watch_console(page)
    newcomer = f.PersonFactory(school=world.school, last_name="Семёнова", first_name="Ольга")
    f.PersonFactory(school=world.other_school, last_name="Семенова", first_name="Ирина")  # another school's
    log_in("head")
    page.goto(reverse("associations:detail", args=[world.mo.pk]))
    field = page.get_by_role("combobox", name=f"Добавить в состав на {world.year} учебный год")
    expect(field).to_have_attribute("placeholder", "Начните вводить фамилию…")
    expect(field).to_have_value("")  # a hint, not a value
    assert field.evaluate("e => getComputedStyle(e, '::placeholder').fontStyle") == "italic"
    field.click()
    field.press_sequentially("семен")  # ё typed as е, lower case
    options = page.locator(".ts-dropdown").get_by_role("option")
    expect(options).to_have_count(1)  # the other school's Семенова is not offered
    options.first.click()
    expect(chosen(page, newcomer.short_name)).to_be_visible()
    for viewport in (PHONE, VIEWPORT):
        page.set_viewport_size(viewport)
        fits(page)
    page.get_by_role("button", name="Добавить", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="добавлен 1 человек")).to_be_visible()
    expect(page.get_by_test_id("member-row").filter(has_text=newcomer.full_name)).to_be_visible()
    assert errors == []


def test_the_head_adds_a_responsible_person_in_the_plan_editor(world, live_server, page, log_in):
    errors = watch_console(page)
    for order, name in enumerate(("Заседания МО", "Открытые мероприятия"), start=10):
        f.PlanSectionFactory(name=name, order=order)
    f.WorkFormFactory(name="заседание", order=1)
    plan = f.plan_with_items(world.mo, world.year, n_items=2, responsible=[world.head_person])
    log_in("head")
    page.goto(reverse("associations:plan_edit", args=[plan.pk]))
    first = page.get_by_test_id("editor-row").first
    expect(chosen(first, world.head_person.short_name)).to_be_visible()
    pick(first, "Ответственные", "соко", world.teacher_person.short_name)
    page.set_viewport_size(PHONE)
    fits(page)
    page.set_viewport_size(VIEWPORT)
    page.get_by_role("button", name="Сохранить и закрыть").click()
    expect(page).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    expect(page.get_by_role("alert").filter(has_text="План сохранён.")).to_be_visible()
    item = page.get_by_test_id("plan-item").first
    expect(item).to_contain_text(world.head_person.short_name)
    expect(item).to_contain_text(world.teacher_person.short_name)
    assert set(plan.items.get(position=1).responsible.all()) == {world.head_person, world.teacher_person}
    assert errors == []


def test_the_methodologist_finds_a_person_of_a_long_list_on_the_server(world, live_server, page, log_in):
    errors = watch_console(page)
    f.PersonFactory.create_batch(210, school=world.other_school)  # Иванова<n>: a list too long
    wanted = f.PersonFactory(school=world.other_school, last_name="Ёлкина", first_name="Дарья")
    log_in("metodist")
    page.goto(reverse("associations:detail", args=[world.rmo.pk]))
    field = page.get_by_role("combobox", name=f"Добавить в состав на {world.year} учебный год")
    field.click()
    with page.expect_response(re.compile(r"/people-search/\?.*q=")) as answer:
        field.press_sequentially("елки")
    assert answer.value.ok
    page.locator(".ts-dropdown").get_by_role("option", name=wanted.short_name).click()
    expect(chosen(page, wanted.short_name)).to_be_visible()
    page.get_by_role("button", name="Добавить", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="добавлен 1 человек")).to_be_visible()
    expect(page.get_by_test_id("member-row").filter(has_text=wanted.full_name)).to_be_visible()
    assert errors == []
