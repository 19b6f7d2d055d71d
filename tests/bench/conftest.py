"""The small bench data set for the tests of `rmo_portal.demo.bench` in this folder: built once
per worker for the whole folder (5 s on SQLite, 8 s on PostgreSQL: bulk_create) in a transaction
rolled back after it; each test in its own savepoint (`db`)."""

from __future__ import annotations

import pytest
from django.db import transaction

from rmo_portal.demo import bench as benchdata


@pytest.fixture(scope="package")
def small_set(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            data = benchdata.bench_data("small")
        yield data
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def data(small_set):
    return small_set
