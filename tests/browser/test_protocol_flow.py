"""A meeting recorded in a real browser: the МО's secretary finds the meeting from the
association's page, marks attendance (an absence without a reason is refused next to its row),
creates the protocol, writes it (a decision added with the editor's JavaScript), signs it and
downloads its PDF.

Every page is watched for console errors (a blocked inline script or style under the CSP is
one), uncaught exceptions and failed requests. Playwright, the browser and the Django settings
for it come from tests/browser/conftest.py.
"""

from __future__ import annotations

import datetime
import hashlib
import re

import pytest
from playwright.sync_api import expect

from associations.models import Appointment, Person
from meetings import services
from meetings.models import AgendaItem, Guest, Meeting, Protocol
from tests import factories as f
from tests.browser.helpers import watch_console
from tests.browser.picking import chosen, pick

pytestmark = pytest.mark.browser


@pytest.fixture
def meeting(world):
    secretary = f.UserFactory(username="secretary")
    person = f.PersonFactory(user=secretary, school=world.school, last_name="Никитина", first_name="Светлана",
                             patronymic="Олеговна")
    f.MembershipFactory(association=world.mo, person=person, academic_year=world.year)
    f.AppointmentFactory(association=world.mo, person=person, role=Appointment.Role.SECRETARY)
    for last_name in ("Лебедев", "Орлов"):
        member = f.PersonFactory(school=world.school, last_name=last_name, first_name="Андрей", patronymic="Павлович",
                                 gender=Person.Gender.MALE)
        f.MembershipFactory(association=world.mo, person=member, academic_year=world.year)
    day = world.year.starts_on + datetime.timedelta(days=60)
    meeting = services.meeting_create(
        association=world.mo, user=world.head, theme="Профилактика деструктивного поведения",
        starts_at=datetime.datetime.combine(day, datetime.time(15), tzinfo=datetime.UTC), kind=Meeting.Kind.WORKSHOP,
    )
    for position, title in enumerate(["О профилактике буллинга", "Об итогах мониторинга"], start=1):
        AgendaItem.objects.create(meeting=meeting, position=position, title=title).speakers.set([world.teacher_person])
    Guest.objects.create(meeting=meeting, full_name="Зайцева К.М.", position="педагог-психолог")
    return meeting


def test_the_secretary_records_attendance_writes_signs_and_downloads_the_protocol(
    world, meeting, page, log_in, screenshots_dir
):
    errors = watch_console(page)
    log_in("secretary")

    # From the association's page to the meeting.
    page.goto(f"/associations/{world.mo.pk}/")
    page.get_by_test_id("meetings-card").get_by_role("link", name="Заседания и протоколы").click()
    page.get_by_role("link", name=meeting.theme).click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))

    if screenshots_dir:
        page.screenshot(path=str(screenshots_dir / "meeting.png"), full_page=True)
    # Attendance: Лебедев is absent; first without a reason, which is refused next to his row.
    page.get_by_role("link", name="Отметить явку").click()
    rows = page.get_by_test_id("attendance-row")
    expect(rows).to_have_count(5)
    absent = rows.filter(has_text="Лебедев")
    absent.get_by_label("отсутствовал", exact=True).check()
    expect(page.locator("[data-count-absent]")).to_have_text("1")
    page.get_by_role("button", name="Сохранить явку").click()
    expect(page.get_by_test_id("attendance-row").filter(has_text="Лебедев").get_by_test_id("reason-error")).to_have_text(
        "Укажите причину отсутствия."
    )
    if screenshots_dir:
        page.screenshot(path=str(screenshots_dir / "attendance-refused.png"), full_page=True)
    absent = page.get_by_test_id("attendance-row").filter(has_text="Лебедев")
    absent.get_by_role("textbox").fill("больничный лист")
    page.get_by_role("button", name="Сохранить явку").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))
    expect(page.get_by_test_id("present-count")).to_have_text("4")
    expect(page.get_by_test_id("absent-count")).to_have_text("1")
    expect(page.get_by_test_id("guest-count")).to_have_text("1")

    # The protocol: created, then written.
    page.get_by_role("button", name="Создать протокол").click()
    expect(page.get_by_role("alert").filter(has_text="Создан протокол № 1.")).to_be_visible()
    # The pickers show the proposed chair and secretary by name; their selects hold the ids.
    expect(page.locator('select[name="chair"]')).to_have_value(str(world.head_person.pk))
    expect(chosen(page, world.head_person.short_name).first).to_be_visible()
    secretary = Person.objects.get(user__username="secretary")
    expect(page.locator('select[name="secretary"]')).to_have_value(str(secretary.pk))  # the current secretary
    items = page.get_by_test_id("item-form")
    expect(items).to_have_count(3)  # two questions and a blank one
    first = items.nth(0)
    first.get_by_label("СЛУШАЛИ: содержание").fill("О формах профилактики буллинга в 5–9 классах.")
    first.get_by_label("ВЫСТУПИЛИ").fill("Петрова Е.Н. — о работе с родителями.")
    first.get_by_label("РЕШИЛИ").fill("Принять к сведению; провести классные часы.")
    first.get_by_label("«за»").fill("9")
    expect(first.locator(".votes-warning")).to_be_visible()  # 9 votes, 4 present
    first.get_by_label("«за»").fill("4")
    expect(first.locator(".votes-warning")).to_be_hidden()
    decision = first.get_by_test_id("decision-row").first
    decision.get_by_label("Решение").fill("Провести классные часы о дружбе")
    pick(decision, "Ответственный", "сокол", world.teacher_person.short_name)
    decision.get_by_label("Срок").fill((meeting.starts_at.date() + datetime.timedelta(days=30)).isoformat())
    first.get_by_role("button", name="Добавить решение").click()
    added = first.get_by_test_id("decision-row").nth(1)
    added.get_by_label("Решение").fill("Провести анкетирование учащихся")
    pick(added, "Ответственный", "волк", world.head_person.short_name)
    added.get_by_label("Срок").fill((meeting.starts_at.date() + datetime.timedelta(days=45)).isoformat())
    items.nth(1).get_by_label("РЕШИЛИ").fill("Итоги мониторинга принять к сведению.")
    # A question added on the page gets its decisions at once, saved with it.
    page.get_by_role("button", name="Добавить вопрос").click()
    expect(items).to_have_count(4)
    added_question = items.nth(3)
    added_question.get_by_label("РЕШИЛИ").fill("Разное: принять к сведению.")
    added_question.get_by_role("button", name="Добавить решение").click()
    new_decisions = added_question.get_by_test_id("decision-row")
    expect(new_decisions).to_have_count(2)
    new_decisions.nth(1).get_by_label("Решение").fill("Обновить памятку для родителей")
    pick(new_decisions.nth(1), "Ответственный", "волк", world.head_person.short_name)
    new_decisions.nth(1).get_by_label("Срок").fill((meeting.starts_at.date() + datetime.timedelta(days=20)).isoformat())
    if screenshots_dir:
        page.screenshot(path=str(screenshots_dir / "protocol-editor.png"), full_page=True)
    page.get_by_role("button", name="Сохранить и закрыть").click()
    expect(page.get_by_role("alert").filter(has_text="Протокол сохранён.")).to_be_visible()
    text = page.get_by_test_id("protocol-text")
    expect(text).to_contain_text("Присутствовали: 4 человек")
    expect(text).to_contain_text("Лебедев А.П. — больничный лист")
    expect(text).to_contain_text("Голосовали: «за» — 4, «против» — 0, «воздержались» — 0.")
    expect(text).to_contain_text("Провести анкетирование учащихся")
    expect(text).to_contain_text("Разное: принять к сведению.")
    expect(text).to_contain_text("Обновить памятку для родителей")
    if screenshots_dir:
        page.screenshot(path=str(screenshots_dir / "protocol-draft.png"), full_page=True)

    # Signed, after the confirmation. Signing asks first what it means (static/js/confirm.js):
    # accepted here, dismissed in tests/browser/test_meetings_phone.py.
    asked: list[str] = []
    page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Подписать").click()
    expect(page.get_by_role("alert").filter(has_text="Подтвердите, что протокол проверен.")).to_be_visible()
    page.get_by_label("Протокол проверен").check()
    page.get_by_role("button", name="Подписать").click()
    expect(page.get_by_role("alert").filter(has_text="подписан")).to_be_visible()
    assert asked and all("После подписания протокол изменить нельзя" in text for text in asked)
    expect(page.locator(".page-header").get_by_test_id("protocol-status")).to_have_text("подписан")
    expect(page.get_by_role("link", name="Редактировать протокол")).to_have_count(0)

    # The PDF, as issued.
    link = page.get_by_role("link", name="Скачать PDF")
    response = page.request.get(link.get_attribute("href"))
    assert response.ok
    body = response.body()
    assert body.startswith(b"%PDF")
    protocol = Protocol.objects.get(meeting=meeting)
    assert hashlib.sha256(body).hexdigest() == protocol.pdf_sha256
    assert protocol.is_signed and protocol.items.get(position=1).decisions.count() == 2
    assert errors == []
