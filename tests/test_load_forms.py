"""The load's virtual users post forms as a browser would (rmo_portal/load/forms.py), and the
production cache is shared between processes (settings.cache_setting)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from rmo_portal.load.forms import csrf_token, form_fields, in_saved_row, replace, saved_rows
from rmo_portal.settings import cache_setting

PAGE = """
<form method="get" id="search"><input name="q" value="ignored"></form>
<form method="post" id="plan-editor">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok123">
  <input type="hidden" name="version" value="7">
  <textarea name="theme">
Тема плана</textarea>
  <input type="checkbox" name="agree" checked>
  <input type="checkbox" name="skip">
  <input type="radio" name="kind" value="a"><input type="radio" name="kind" value="b" checked>
  <input type="submit" name="after" value="close">
  <input name="off" value="x" disabled>
  <select name="month"><option value="9">сентябрь</option><option value="10">октябрь</option></select>
  <select name="form"><option value="">—</option><option value="3" selected>семинар</option></select>
  <select name="responsible" multiple><option value="1" selected>А</option><option value="2">Б</option>
    <option value="4" selected>В</option></select>
  <input name="items-0-id" value="41"><input name="items-0-content" value="Пункт">
  <input name="items-1-id" value=""><input name="items-1-content" value="">
</form>
<form method="post" id="other"><input name="nope" value="1"></form>
"""


def test_the_form_s_fields_are_what_a_browser_posts():
    fields = form_fields(PAGE, "plan-editor")
    assert fields == [
        ("csrfmiddlewaretoken", "tok123"),
        ("version", "7"),
        ("theme", "Тема плана"),  # the newline after <textarea> is dropped, as browsers do
        ("agree", "on"),
        ("kind", "b"),
        ("month", "9"),  # nothing selected: the first option
        ("form", "3"),
        ("responsible", "1"),
        ("responsible", "4"),
        ("items-0-id", "41"),
        ("items-0-content", "Пункт"),
        ("items-1-id", ""),
        ("items-1-content", ""),
    ]
    assert form_fields(PAGE)[0] == ("csrfmiddlewaretoken", "tok123")  # the first POST form
    assert csrf_token(PAGE) == "tok123"


def test_only_saved_rows_are_changed_and_a_missing_field_is_an_error():
    fields = form_fields(PAGE, "plan-editor")
    rows = saved_rows(fields)
    assert rows == {"items-0"}
    assert in_saved_row("items-0-content", rows)
    assert not in_saved_row("items-1-content", rows)
    assert dict(replace(fields, "theme", "Новая"))["theme"] == "Новая"
    with pytest.raises(KeyError):
        replace(fields, "absent", "x")


def test_the_cache_is_the_database_s_unless_redis_is_named(monkeypatch):
    monkeypatch.delenv("RMO_CACHE_URL", raising=False)
    assert cache_setting() == {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "rmo_cache"}
    monkeypatch.setenv("RMO_CACHE_URL", "redis://127.0.0.1:6379/1")
    assert cache_setting() == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/1",
    }
    monkeypatch.setenv("RMO_CACHE_URL", "memcached://x")
    with pytest.raises(ImproperlyConfigured):
        cache_setting()
