"""«Забыли пароль?»: the login page links to the reset; a known address gets one Russian e-mail
whose link sets a new password once; an unknown address gets nothing and the same page (no one
learns who has a login); login throttling (django-axes) still counts after a reset."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Novyi-parol-2025"


@pytest.fixture(autouse=True)
def fresh_counts():
    """The reset's counts live in the cache, which the tests of one process share."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def teacher():
    return f.UserFactory(username="uchitel", email="uchitel@example.org")


def _reset_link(message) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_the_login_page_links_to_the_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert "Забыли пароль?" in page
    assert f'href="{reverse("password_reset")}"' in page

    form = client.get(reverse("password_reset")).content.decode()
    assert "Восстановление пароля" in form
    assert 'name="email"' in form and 'maxlength="254"' in form


def test_a_known_address_gets_one_russian_email_with_a_link_that_works_once(client, teacher):
    response = client.post(reverse("password_reset"), {"email": "UCHITEL@example.org"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["uchitel@example.org"]
    assert message.subject == "Портал РМО: восстановление пароля"
    assert "Портал" in message.body and "«uchitel»" in message.body
    assert "Ссылка срабатывает один раз и действует 72 ч." in message.body  # Django's 3 days
    text = message.body.replace(_reset_link(message), "")
    assert not re.search(r"\b(password|reset|Hello|Thanks)\b", text, re.IGNORECASE)

    link = _reset_link(message)
    form_page = client.get(link, follow=True)
    assert "Новый пароль" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]  # Django hides the token behind /set-password/
    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    assert "Новый пароль сохранён" in client.get(done.url).content.decode()
    teacher.refresh_from_db()
    assert teacher.check_password(NEW_PASSWORD)

    # Once: the token was made of the old password.
    again = client.get(link, follow=True).content.decode()
    assert "Ссылка недействительна" in again
    assert "Ссылкой уже воспользовались или срок её действия истёк." in again


@override_settings(PASSWORD_RESET_TIMEOUT=60 * 60 * 24)
def test_the_email_says_how_long_the_link_works(client, teacher):
    client.post(reverse("password_reset"), {"email": "uchitel@example.org"})
    assert "действует 24 ч." in mail.outbox[0].body


def test_an_unknown_address_gets_nothing_and_the_same_page(client, teacher):
    known = client.post(reverse("password_reset"), {"email": "uchitel@example.org"}, follow=True)
    mail.outbox.clear()
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)

    assert mail.outbox == []
    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.content == known.content
    assert "Если этот адрес записан в учётной записи Портала РМО" in unknown.content.decode()


def test_a_bad_address_is_explained_by_the_field_and_kept(client, teacher):
    response = client.post(reverse("password_reset"), {"email": "не адрес"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Введите правильный адрес электронной почты." in page
    assert 'value="не адрес"' in page
    assert mail.outbox == []


def test_a_new_password_is_checked_by_the_validators(client, teacher):
    client.post(reverse("password_reset"), {"email": "uchitel@example.org"})
    set_page = client.get(_reset_link(mail.outbox[0]), follow=True)
    response = client.post(set_page.redirect_chain[-1][0], {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 200
    assert "Введённый пароль слишком широко распространён." in response.content.decode()
    teacher.refresh_from_db()
    assert teacher.check_password("pass12345")


def test_a_reset_does_not_log_in_and_the_login_is_still_throttled(client, teacher, settings):
    client.post(reverse("password_reset"), {"email": "uchitel@example.org"})
    set_page = client.get(_reset_link(mail.outbox[0]), follow=True)
    client.post(set_page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert client.get(reverse("home")).status_code == 302  # not logged in by the reset

    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "uchitel", "password": "wrong-password"})
    locked = client.post(reverse("login"), {"username": "uchitel", "password": NEW_PASSWORD})
    assert locked.status_code == 429
    assert client.get(reverse("home")).status_code == 302


# --- throttling: no flooded mailbox, no letters by the thousand ------------------------------------


def test_an_address_gets_three_letters_an_hour_and_then_the_same_page_without_one(client, teacher):
    from rmo_portal.password_reset import RESET_LETTERS_PER_ADDRESS

    for _n in range(RESET_LETTERS_PER_ADDRESS + 2):
        response = client.post(reverse("password_reset"), {"email": "uchitel@example.org"})
        assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == RESET_LETTERS_PER_ADDRESS
    # An unknown address is counted the same way and answered the same way: nothing tells them apart.
    for _n in range(RESET_LETTERS_PER_ADDRESS + 2):
        response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
        assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert len(mail.outbox) == RESET_LETTERS_PER_ADDRESS


def test_a_client_asking_too_often_is_told_to_wait_with_the_address_kept(client, teacher):
    from rmo_portal.password_reset import RESET_REQUESTS_PER_CLIENT

    for n in range(RESET_REQUESTS_PER_CLIENT):
        assert client.post(reverse("password_reset"), {"email": f"someone{n}@example.org"}).status_code == 302
    response = client.post(reverse("password_reset"), {"email": "uchitel@example.org"})

    assert response.status_code == 429 and response["Retry-After"] == "3600"
    page = response.content.decode()
    assert "Слишком много запросов на восстановление пароля с вашего адреса. Попробуйте через час" in page
    assert 'value="uchitel@example.org"' in page
    assert mail.outbox == []
    # Another client's request still goes through.
    other = client.post(reverse("password_reset"), {"email": "uchitel@example.org"}, REMOTE_ADDR="10.0.0.7")
    assert other.status_code == 302 and len(mail.outbox) == 1
