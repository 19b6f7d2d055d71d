"""A request whose database went away gets the Russian 503 page with Retry-After, not a 500 of
a broken page; any other fault is still the 500 page (rmo_portal/errors.py)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client


@pytest.fixture
def client_seeing_errors() -> Client:
    return Client(raise_request_exception=False)


def _database_down(*args, **kwargs):
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


def test_a_database_that_went_away_answers_503_in_russian(world, client_seeing_errors):
    client_seeing_errors.force_login(world.teacher)
    with mock.patch.object(BaseDatabaseWrapper, "ensure_connection", _database_down):
        response = client_seeing_errors.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "Портал временно недоступен" in page
    assert "записывается целиком или не записывается совсем" in page
    assert "5432" not in page  # nothing of the server's set-up

    # The database is back: the next request is served as usual.
    assert client_seeing_errors.get("/").status_code == 200


def test_any_other_fault_is_the_500_page(world, client_seeing_errors):
    client_seeing_errors.force_login(world.teacher)
    with mock.patch("rmo_portal.views.association_selectors.home", side_effect=ZeroDivisionError):
        response = client_seeing_errors.get("/")
    assert response.status_code == 500
    assert "Ошибка сервера" in response.content.decode()


def test_a_schema_behind_the_code_is_a_500_not_a_503(world, client_seeing_errors):
    """SQLite says «no such table» through the same OperationalError: a migration not applied is
    the deployment's bug, reported as one, not «try again in a minute»."""
    client_seeing_errors.force_login(world.teacher)
    missing = OperationalError("no such table: associations_school")
    with mock.patch("rmo_portal.views.association_selectors.home", side_effect=missing):
        response = client_seeing_errors.get("/")
    assert response.status_code == 500


def test_an_error_while_handling_another_is_not_taken_for_a_lost_database():
    from rmo_portal.errors import _database_unavailable

    try:
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError:
            raise KeyError("a bug in the handler") from None
    except KeyError as error:
        assert not _database_unavailable(error)
    lost = OperationalError("server closed the connection unexpectedly")
    assert _database_unavailable(RuntimeError("wrapped")) is False
    wrapped = RuntimeError("wrapped")
    wrapped.__cause__ = lost
    assert _database_unavailable(wrapped)
