"""The plan's review in a real browser: the head submits the plan, the deputy director returns
it with a comment, the head adds a row in the editor (with its JavaScript) and resubmits, the
deputy approves, and the head marks an item done through its collapsed form.

Two people at once: each gets a browser context of their own (their own cookies), logged in
through the real login form. Every page is watched for console errors (a blocked inline script
or style under the CSP is one), uncaught exceptions and failed requests.

Playwright, the browser and the Django settings for it come from tests/browser/conftest.py.
"""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from associations.models import AnnualPlan, PlanItem
from tests import factories as f
from tests.browser.helpers import PASSWORD, VIEWPORT, watch_console
from tests.browser.picking import pick

pytestmark = pytest.mark.browser


@pytest.fixture
def open_as(browser, live_server):
    """open_as(username) -> a page of a fresh browser context, logged in as that user."""
    contexts = []

    def open_as(username: str):
        context = browser.new_context(
            base_url=live_server.url, viewport=VIEWPORT, locale="ru-RU", timezone_id="Europe/Moscow"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        page.errors = watch_console(page)
        page.goto("/accounts/login/")
        page.get_by_label("Имя пользователя").fill(username)
        page.get_by_label("Пароль").fill(PASSWORD)
        page.get_by_role("button", name="Войти").click()
        page.wait_for_load_state()
        return page

    yield open_as
    for context in contexts:
        context.close()


@pytest.fixture
def plan(world):
    # live_server tests flush the database after themselves, and with it the reference lists
    # that migration 0003 filled: make sure the ones this test picks exist.
    for order, name in enumerate(("Заседания МО", "Открытые мероприятия"), start=10):
        f.PlanSectionFactory(name=name, order=order)
    for order, name in enumerate(("заседание", "открытый классный час"), start=1):
        f.WorkFormFactory(name=name, order=order)
    plan = f.AnnualPlanFactory(
        association=world.mo, academic_year=world.year, theme="Воспитание гражданина",
        goal="Создание условий для роста профессионального мастерства классных руководителей", tasks="",
    )
    for position, (content, month) in enumerate(
        [("Установочное заседание МО", 9), ("Профилактика деструктивного поведения", 11),
         ("Итоговое заседание МО", 5)],
        start=1,
    ):
        f.PlanItemFactory(plan=plan, position=position, content=content, month=month,
                          responsible=[world.head_person])
    return plan


def status_badge(page):
    return page.locator(".page-header").get_by_test_id("plan-status")


def test_the_plan_goes_through_review_in_the_browser(world, plan, open_as):
    # The head opens the plan from the association's page and submits it.
    head = open_as("head")
    head.get_by_role("navigation").get_by_role("link", name="Объединения").click()
    head.get_by_role("link", name=world.mo.name, exact=True).click()
    head.get_by_test_id("plan-card").get_by_role("link", name="Открыть план").click()
    expect(head).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    expect(status_badge(head)).to_have_text("черновик")
    expect(head.get_by_test_id("plan-item")).to_have_count(3)
    head.get_by_role("button", name="Отправить на рассмотрение").click()
    expect(head.get_by_role("alert").filter(has_text="План отправлен на рассмотрение.")).to_be_visible()
    expect(status_badge(head)).to_have_text("на рассмотрении")
    expect(head.get_by_role("link", name="Редактировать план")).to_have_count(0)

    # The deputy director finds it waiting on the home page and returns it with a comment.
    deputy = open_as("zavuch")
    asked: list[str] = []  # approving and returning ask first (static/js/confirm.js): accepted here
    deputy.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    waiting = deputy.get_by_test_id("awaiting")
    expect(waiting).to_contain_text("ждёт вашего рассмотрения")
    waiting.get_by_role("link").first.click()
    expect(status_badge(deputy)).to_have_text("на рассмотрении")
    review = deputy.get_by_test_id("review")
    review.get_by_role("button", name="Вернуть на доработку").click()  # without a comment first
    expect(deputy.get_by_test_id("review")).to_contain_text("Укажите, что нужно доработать.")
    expect(status_badge(deputy)).to_have_text("на рассмотрении")
    deputy.get_by_test_id("review").get_by_label("Комментарий").fill("Добавьте открытый классный час в декабре.")
    deputy.get_by_test_id("review").get_by_role("button", name="Вернуть на доработку").click()
    expect(status_badge(deputy)).to_have_text("возвращён на доработку")
    expect(deputy.get_by_test_id("review")).to_have_count(0)

    # The head reads the comment, adds the row in the editor, moves it up, saves, resubmits.
    head.reload()
    expect(head.get_by_test_id("return-comment")).to_contain_text("Добавьте открытый классный час в декабре.")
    head.get_by_role("link", name="Редактировать план").click()
    rows = head.get_by_test_id("editor-row")
    expect(rows).to_have_count(3)  # the blank rows are for pages without JavaScript
    head.get_by_role("button", name="Добавить строку").click()
    expect(rows).to_have_count(4)
    new_row = rows.nth(3)
    new_row.get_by_label("Раздел").select_option(label="Открытые мероприятия")
    new_row.get_by_label("Содержание").fill("Открытый классный час «Мы — граждане России»")
    new_row.get_by_label("Форма проведения").select_option(label="открытый классный час")
    new_row.get_by_label("Месяц").select_option(label="декабрь")
    expect(new_row.get_by_label("с", exact=True)).to_be_hidden()  # the dates show only for «даты»
    pick(new_row, "Ответственные", world.teacher_person.last_name[:4].lower(), world.teacher_person.short_name)
    new_row.get_by_role("button", name="Переместить выше").click()
    expect(rows.nth(2).get_by_label("Содержание")).to_have_value("Открытый классный час «Мы — граждане России»")
    expect(rows.nth(2).get_by_label("№ п/п")).to_have_value("3")
    expect(rows.nth(3).get_by_label("№ п/п")).to_have_value("4")
    head.get_by_role("button", name="Сохранить и закрыть").click()
    expect(head).to_have_url(re.compile(rf"/plans/{plan.pk}/$"))
    expect(head.get_by_role("alert").filter(has_text="План сохранён.")).to_be_visible()
    items = head.get_by_test_id("plan-item")
    expect(items).to_have_count(4)
    expect(head.get_by_test_id("plan-items")).to_contain_text("Открытый классный час «Мы — граждане России»")
    head.get_by_role("button", name="Отправить на рассмотрение повторно").click()
    expect(status_badge(head)).to_have_text("на рассмотрении")

    # The deputy approves.
    deputy.reload()
    deputy.get_by_test_id("review").get_by_role("button", name="Утвердить").click()
    expect(deputy.get_by_role("alert").filter(has_text="План утверждён.")).to_be_visible()
    expect(status_badge(deputy)).to_have_text("утверждён")
    expect(deputy.get_by_role("button", name="Отметить")).to_have_count(0)
    assert [message.split("?")[0] for message in asked] == [
        "Вернуть план на доработку", "Вернуть план на доработку", "Утвердить план",
    ]

    # The head marks the first item done through its collapsed form.
    head.reload()
    expect(status_badge(head)).to_have_text("утверждён")
    first = plan.items.order_by("position").first()
    head.get_by_test_id("plan-item").first.get_by_role("button", name="Отметить").click()
    form = head.locator(f"#mark-{first.pk}")
    expect(form).to_be_visible()
    form.get_by_label("Отметка").select_option(label="выполнено")
    form.get_by_label("Дата выполнения").fill(timezone.localdate().isoformat())
    form.get_by_role("button", name="Сохранить отметку").click()
    expect(head.get_by_test_id("execution-percent")).to_have_text("25%")

    plan.refresh_from_db()
    assert plan.status == AnnualPlan.Status.APPROVED
    assert list(plan.transitions.values_list("to_status", "comment")) == [
        ("submitted", ""), ("returned", "Добавьте открытый классный час в декабре."), ("submitted", ""),
        ("approved", ""),
    ]
    added = plan.items.get(content__startswith="Открытый классный час")
    assert (added.position, added.month, list(added.responsible.all())) == (3, 12, [world.teacher_person])
    assert plan.items.get(pk=first.pk).execution == PlanItem.Execution.DONE
    assert head.errors == [] and deputy.errors == []
