"""The data bank in a real browser, on the demo district: a class teacher of МБОУ «Заречная СОШ № 1»
(uchitel1) adds a class hour with its scenario through the page's file input, for the whole
district; a class teacher of МБОУ «СОШ № 2» finds it by its direction (the facet) and by words in
another form than the card's, and downloads the file; the deputy director of МБОУ «Лицей № 3»
gets 404 for a card МБОУ «Заречная СОШ № 1» keeps to itself. The search page and the card at
1280 px and on a 390 px phone, neither wider than the screen. Saved for the README when
RMO_SCREENSHOTS_DIR is set (`make screenshots`)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from associations.models import Person
from meetings.bank.models import Material, UpbringingDirection
from rmo_portal import demo
from tests.browser.helpers import PASSWORD, both_widths, watch_console
from tests.factories import TINY_PDF

pytestmark = pytest.mark.browser

TITLE = "День Неизвестного солдата"
DIRECTION = "Патриотическое воспитание"
FILE_NAME = "Сценарий классного часа.pdf"
SCENARIO = TINY_PDF
SCHOOL1 = "МБОУ «Заречная СОШ № 1»"


def _login_for(full_name: str, school: str) -> str:
    """A login of the demo's person who has none (the demo gives logins to a few)."""
    person = Person.objects.get(school__short_name=school, **dict(zip(
        ("last_name", "first_name", "patronymic"), full_name.split(" "), strict=True
    )))
    username = f"bank-{person.pk}"
    person.user = get_user_model().objects.create_user(username, password=PASSWORD)
    person.save(update_fields=["user"])
    return username


def test_a_class_hour_shared_found_downloaded_and_kept_from_outsiders(demo_district, page, log_in, shot):
    errors = watch_console(page)

    # uchitel1 adds the class hour with its scenario, for the whole district.
    log_in("uchitel1", demo.DEMO_PASSWORD)
    page.get_by_test_id("nav-bank").click()
    page.get_by_test_id("material-new").click()
    page.get_by_label("Название").fill(TITLE)
    page.get_by_label("Форма мероприятия").select_option(label="Классный час")
    page.get_by_label("Направление воспитания").select_option(label=DIRECTION)
    page.get_by_test_id("grades").get_by_label("6", exact=True).check()
    held_on = timezone.localdate() - datetime.timedelta(days=1)
    page.get_by_label("Дата проведения").fill(held_on.isoformat())
    page.get_by_label("Цель").fill("Воспитывать уважение к памяти павших защитников Отечества.")
    page.get_by_label("Описание").fill(
        "Классный час к 3 декабря: история Могилы Неизвестного Солдата у Кремлёвской стены, минута молчания, "
        "письмо неизвестному солдату."
    )
    page.get_by_label("весь район").check()
    page.get_by_test_id("file-row").first.locator("input[type=file]").set_input_files(
        files=[{"name": FILE_NAME, "mimeType": "application/pdf", "buffer": SCENARIO}]
    )
    page.get_by_role("button", name="Сохранить").click()
    expect(page.get_by_test_id("title")).to_have_text(TITLE)
    expect(page.get_by_test_id("files").get_by_text(FILE_NAME)).to_be_visible()
    material = Material.objects.get(title=TITLE)
    assert material.visibility == Material.Visibility.DISTRICT and material.files.count() == 1
    page.context.clear_cookies()

    # A class teacher of another school finds it by its direction, then by words in another form.
    log_in(_login_for("Романов Сергей Викторович", "МБОУ «СОШ № 2 им. А.С. Пушкина»"))
    page.get_by_test_id("nav-bank").click()
    direction = UpbringingDirection.objects.get(name=DIRECTION)
    page.get_by_test_id(f"facet-direction-{direction.pk}").click()
    expect(page.get_by_test_id(f"facet-direction-{direction.pk}")).to_have_attribute("aria-current", "true")
    expect(page.get_by_test_id(f"material-{material.pk}")).to_be_visible()
    page.get_by_test_id("material-reset").click()
    page.get_by_role("searchbox").fill("герои Отечества")  # the demo's cards: «Героями не рождаются», …
    page.get_by_role("button", name="Найти").click()
    expect(page.get_by_test_id("materials").locator("mark").first).to_be_visible()
    shot("bank_search.png")
    both_widths(page)
    page.get_by_role("searchbox").fill("неизвестные солдаты")
    page.get_by_role("button", name="Найти").click()
    result = page.get_by_test_id(f"material-{material.pk}")
    expect(result).to_be_visible()
    expect(result.locator("mark").first).to_be_visible()  # the matching words highlighted
    both_widths(page)
    result.get_by_role("link").first.click()
    expect(page.get_by_test_id("title")).to_have_text(TITLE)
    with page.expect_download() as download:
        page.get_by_test_id("file-link").first.click()
    assert download.value.suggested_filename == FILE_NAME
    with open(download.value.path(), "rb") as saved:
        assert saved.read() == SCENARIO
    both_widths(page)
    page.context.clear_cookies()

    # A demo card with pictures, for the README.
    log_in("uchitel1", demo.DEMO_PASSWORD)
    shown = Material.objects.get(title="Россия — мои горизонты: профессии моего края")
    page.goto(reverse("meetings:material", args=[shown.pk]))
    expect(page.get_by_test_id("files").locator("img").first).to_be_visible()
    shot("bank_card.png")
    both_widths(page)
    page.context.clear_cookies()

    # The deputy director of a third school: a card МБОУ «Заречная СОШ № 1» keeps to itself is not there.
    school_card = Material.objects.filter(visibility=Material.Visibility.SCHOOL, school__short_name=SCHOOL1).first()
    assert school_card is not None
    log_in(_login_for("Соловьёва Маргарита Викторовна", "МБОУ «Лицей № 3»"))
    response = page.goto(reverse("meetings:material", args=[school_card.pk]))
    assert response.status == 404
    page.goto(reverse("meetings:materials"))
    expect(page.get_by_test_id(f"material-{material.pk}")).to_be_visible()  # the district's card she sees
    expect(page.get_by_test_id(f"material-{school_card.pk}")).to_have_count(0)
    refused = reverse("meetings:material", args=[school_card.pk])
    assert [e for e in errors if not e.endswith(refused)] == []  # but the 404 asked for
