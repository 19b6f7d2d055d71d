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
    assert "не записаны ни частично, ни целиком" in page
    assert "5432" not in page  # nothing of the server's set-up

    # The database is back: the next request is served as usual.
    assert client_seeing_errors.get("/").status_code == 200


def test_any_other_fault_is_the_500_page(world, client_seeing_errors):
    client_seeing_errors.force_login(world.teacher)
    with mock.patch("rmo_portal.views.association_selectors.home", side_effect=ZeroDivisionError):
        response = client_seeing_errors.get("/")
    assert response.status_code == 500
    assert "Ошибка сервера" in response.content.decode()
