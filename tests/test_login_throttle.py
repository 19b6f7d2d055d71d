"""Login throttling (django-axes, AXES_* in rmo_portal/settings.py): five wrong passwords for one
username from one address lock that pair out of the site's login and the admin's for 15 minutes,
with the same page for a known and an unknown username; a login resets the count, the cool-off
ends the lockout, and the admin unlocks by deleting the attempt. The count lives in the
database, so every worker and server shares it."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys

import pytest
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "pass12345"  # tests.factories.UserFactory's
LOCKED = "Слишком много неудачных попыток входа. Попробуйте снова через 15 минут."
SITE_LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


def log_in(client: Client, username: str, password: str, url: str = SITE_LOGIN, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def fail(client: Client, username: str, times: int, url: str = SITE_LOGIN, **extra):
    return [log_in(client, username, "wrong-password", url, **extra) for _ in range(times)]


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def assert_locked(response):
    assert response.status_code == 429
    text = " ".join(response.content.decode().split())
    assert LOCKED in text, text
    assert "registration/lockout.html" in [t.name for t in response.templates]


def move_attempts_back(minutes: int) -> None:
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=minutes))


@pytest.fixture
def teacher():
    return f.UserFactory(username="uchitel")


@pytest.fixture
def staff():
    return f.UserFactory(username="operator", is_staff=True)


def test_five_wrong_passwords_lock_the_site_login(client, teacher):
    *before, fifth = fail(client, "uchitel", 5)
    assert [r.status_code for r in before] == [200] * 4  # the form again, with its error
    assert "Пожалуйста, введите правильные имя пользователя и пароль" in before[-1].content.decode()
    assert_locked(fifth)

    response = log_in(client, "uchitel", PASSWORD)
    assert_locked(response)
    assert not logged_in(client)


def test_five_wrong_passwords_lock_the_admin_login(client, staff):
    *before, fifth = fail(client, "operator", 5, ADMIN_LOGIN)
    assert [r.status_code for r in before] == [200] * 4
    assert_locked(fifth)

    assert_locked(log_in(client, "operator", PASSWORD, ADMIN_LOGIN))
    assert not logged_in(client)


def test_failures_on_the_site_lock_the_admin_login_too(client, staff):
    fail(client, "operator", 3)
    fail(client, "operator", 2, ADMIN_LOGIN)
    assert_locked(log_in(client, "operator", PASSWORD, ADMIN_LOGIN))
    assert_locked(log_in(client, "operator", PASSWORD))


@pytest.mark.parametrize(
    ("minutes", "phrase"),
    [(1, "через 1 минуту"), (2, "через 2 минуты"), (5, "через 5 минут"), (21, "через 21 минуту"),
     (90, "через 90 минут")],
)
def test_the_page_counts_the_minutes_in_russian(client, teacher, minutes, phrase):
    with override_settings(AXES_COOLOFF_TIME=datetime.timedelta(minutes=minutes)):
        page = fail(client, "uchitel", 5)[-1]
    assert page.status_code == 429
    assert f"Попробуйте снова {phrase}." in " ".join(page.content.decode().split())


def test_an_unknown_username_gets_the_same_answer(client, teacher):
    """No user enumeration: the lockout neither needs nor tells whether the login exists."""
    fail(client, "uchitel", 5)
    fail(client, "nikto", 5)
    known = log_in(client, "uchitel", PASSWORD)
    unknown = log_in(client, "nikto", PASSWORD)
    assert_locked(unknown)
    assert (unknown.status_code, unknown.content) == (known.status_code, known.content)


def test_a_login_before_the_limit_resets_the_count(client, teacher):
    fail(client, "uchitel", 4)
    assert AccessAttempt.objects.get(username="uchitel").failures_since_start == 4
    assert log_in(client, "uchitel", PASSWORD).status_code == 302  # four are not yet a lockout
    assert not AccessAttempt.objects.filter(username="uchitel").exists()
    client.post(reverse("logout"))

    assert [r.status_code for r in fail(client, "uchitel", 4)] == [200] * 4  # counted from zero
    assert_locked(fail(client, "uchitel", 1)[0])


def test_the_lockout_ends_after_the_cool_off_and_the_login_resets_the_count(client, teacher):
    fail(client, "uchitel", 5)
    move_attempts_back(16)

    assert log_in(client, "uchitel", PASSWORD).status_code == 302
    assert logged_in(client)
    assert not AccessAttempt.objects.filter(username="uchitel").exists()


def test_a_try_during_the_lockout_starts_the_cool_off_again(client, teacher):
    """What the page promises: «через 15 минут» from the last try, not from the first lockout."""
    fail(client, "uchitel", 5)
    move_attempts_back(14)
    assert_locked(log_in(client, "uchitel", PASSWORD))  # 14 minutes are not enough...
    move_attempts_back(14)
    assert_locked(log_in(client, "uchitel", PASSWORD))  # ...and that try restarted the 15
    move_attempts_back(16)
    assert log_in(client, "uchitel", PASSWORD).status_code == 302


def test_the_lockout_is_for_the_username_from_that_address_only(client, teacher):
    f.UserFactory(username="kollega")
    fail(client, "uchitel", 5)
    assert_locked(log_in(Client(), "uchitel", PASSWORD))  # a new session is no way round it
    assert log_in(Client(), "kollega", PASSWORD).status_code == 302  # another user, same address
    elsewhere = Client(REMOTE_ADDR="192.0.2.7")
    assert log_in(elsewhere, "uchitel", PASSWORD).status_code == 302  # the same user elsewhere


def test_the_count_is_in_the_database_shared_by_every_process(client, teacher):
    """Another gunicorn worker or server has its own handler and its own client session; all
    they share is the database, and that is where the count is."""
    fail(client, "uchitel", 3)
    attempt = AccessAttempt.objects.get(username="uchitel", ip_address="127.0.0.1")
    assert attempt.failures_since_start == 3

    AxesProxyHandler.get_implementation(force=True)  # a fresh handler, as a new process builds
    other_process = Client()
    assert [r.status_code for r in fail(other_process, "uchitel", 1)] == [200]
    assert_locked(fail(other_process, "uchitel", 1)[0])
    assert_locked(log_in(client, "uchitel", PASSWORD))
    assert AccessAttempt.objects.get(pk=attempt.pk).failures_since_start >= 5


def test_a_superuser_unlocks_the_user_in_the_admin(client, teacher):
    fail(client, "uchitel", 5)
    assert_locked(log_in(client, "uchitel", PASSWORD))
    attempt = AccessAttempt.objects.get(username="uchitel")
    admin = Client()
    admin.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))

    changelist = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200
    page = changelist.content.decode()
    assert "Попытки доступа" in page and "uchitel" in page

    delete_url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin.get(delete_url).status_code == 200  # the confirmation page
    assert admin.post(delete_url, {"post": "yes"}).status_code == 302
    assert not AccessAttempt.objects.filter(pk=attempt.pk).exists()

    assert log_in(client, "uchitel", PASSWORD).status_code == 302
    assert logged_in(client)


def test_staff_given_the_rights_unlock_with_the_admin_action(client, teacher):
    """A methodologist working in the admin needs staff status and the access attempts' rights."""
    assert_locked(fail(client, "uchitel", 5)[-1])
    methodologist = f.UserFactory(username="metodist", is_staff=True)
    methodologist.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="axes", codename__in=["view_accessattempt", "delete_accessattempt"]
        )
    )
    admin = Client()
    admin.force_login(methodologist)
    changelist = reverse("admin:axes_accessattempt_changelist")
    selected = list(AccessAttempt.objects.filter(username="uchitel").values_list("pk", flat=True))
    confirm = admin.post(changelist, {"action": "delete_selected", "_selected_action": selected})
    assert confirm.status_code == 200
    done = admin.post(changelist, {"action": "delete_selected", "_selected_action": selected, "post": "yes"})
    assert done.status_code == 302
    assert not AccessAttempt.objects.filter(username="uchitel").exists()

    assert log_in(client, "uchitel", PASSWORD).status_code == 302


# --- behind a proxy ---------------------------------------------------------------------------

#: What rmo_portal/settings.py sets for RMO_PROXY_COUNT=1 (nginx of docs/deploy.md), checked below.
BEHIND_NGINX = {
    "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR",),
    "AXES_IPWARE_PROXY_COUNT": 0,
    "IPWARE_STRICT": False,
}


def settings_under(**env: str) -> dict:
    """The throttle's settings as rmo_portal/settings.py computes them in that environment (JSON:
    tuples come back as lists, the cool-off as its str)."""
    names = [*BEHIND_NGINX, "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME"]
    code = (
        "import json, rmo_portal.settings as s; "
        f"print(json.dumps({{n: getattr(s, n, None) for n in {names!r}}}, default=str))"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("RMO_", "DJANGO_"))}
    environ.update({"DJANGO_DEBUG": "1", **env})
    result = subprocess.run(  # noqa: S603 (our own interpreter and settings)
        [sys.executable, "-c", code], env=environ, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_the_proxy_settings_follow_the_environment():
    direct = settings_under()
    assert direct["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]  # no header is believed
    assert direct["AXES_IPWARE_PROXY_COUNT"] is None
    assert (direct["AXES_FAILURE_LIMIT"], direct["AXES_COOLOFF_TIME"]) == (5, "0:15:00")

    behind_nginx = settings_under(RMO_PROXY_COUNT="1")
    assert behind_nginx["AXES_IPWARE_META_PRECEDENCE_ORDER"] == list(BEHIND_NGINX["AXES_IPWARE_META_PRECEDENCE_ORDER"])
    assert (behind_nginx["AXES_IPWARE_PROXY_COUNT"], behind_nginx["IPWARE_STRICT"]) == (0, False)

    behind_two = settings_under(RMO_PROXY_COUNT="2", RMO_CLIENT_IP_HEADER="X-Real-IP")
    assert behind_two["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["HTTP_X_REAL_IP"]
    assert behind_two["AXES_IPWARE_PROXY_COUNT"] == 1

    tuned = settings_under(RMO_LOGIN_FAILURE_LIMIT="10", RMO_LOGIN_COOLOFF_MINUTES="60")
    assert (tuned["AXES_FAILURE_LIMIT"], tuned["AXES_COOLOFF_TIME"]) == (10, "1:00:00")


@override_settings(**BEHIND_NGINX)
def test_behind_nginx_the_address_is_the_one_nginx_saw(client, teacher):
    """nginx appends the address it saw to X-Forwarded-For; whatever the client put before it
    is the client's to forge and changes nothing. The connection itself is nginx's (127.0.0.1)."""
    fail(client, "uchitel", 5, HTTP_X_FORWARDED_FOR="77.88.55.60")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["77.88.55.60"]
    assert_locked(log_in(client, "uchitel", PASSWORD, HTTP_X_FORWARDED_FOR="77.88.55.60"))
    forged = log_in(client, "uchitel", PASSWORD, HTTP_X_FORWARDED_FOR="10.9.8.7, 77.88.55.60")
    assert_locked(forged)

    other_client = log_in(Client(), "uchitel", PASSWORD, HTTP_X_FORWARDED_FOR="95.108.213.1")
    assert other_client.status_code == 302  # another address behind the same nginx
