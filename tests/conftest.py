"""The fixtures of every test: the test world (tests/world.py), logged-in clients, the network
refused, an empty cache, and the demo district loaded once (tests/demo_cache.py, tests/once.py)."""

from __future__ import annotations

import socket

import pytest

from tests.once import built_once, fresh_copy, put_back
from tests.world import World, build_world, seed


@pytest.fixture
def world(db) -> World:
    """Two districts; in the first, two schools; one user of each role (tests/world.py)."""
    return build_world()


@pytest.fixture(scope="module")
def scene_once(django_db_setup, django_db_blocker, demo_cache):
    """The access matrix's scene (tests/access_matrix_data.py) built once for a module's tests,
    outside their transactions (tests/once.py): test_access_matrix.py and
    test_get_writes_nothing.py each ask some hundred questions of it."""
    from tests.access_matrix_data import build_scene

    with built_once(django_db_blocker, demo_cache, lambda: build_scene(build_world())) as built:
        yield built


@pytest.fixture
def scene(scene_once, db):
    """A test's own copy of the module's scene, in the test's transaction."""
    return fresh_copy(scene_once)


@pytest.fixture
def client_for(client):
    """client_for(user) -> a test client logged in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a socket fails the test: the attempts, for the test to check, and
    none allowed at the end."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    yield attempts
    assert attempts == []


@pytest.fixture(autouse=True)
def cache_cleared():
    """Every test starts with an empty cache (LocMemCache, settings_test.py): the password reset's
    counts and the draft previews of one test are not another's."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(scope="session", autouse=True)
def demo_cache():
    """`manage.py load_demo` loaded for real once per worker and state, then restored on
    SQLite, and the PDFs of its HTML rendered once (tests/demo_cache.py)."""
    from tests import demo_cache

    demo_cache.install()
    yield demo_cache
    demo_cache.uninstall()


@pytest.fixture(scope="class")
def demo_loaded_once(django_db_setup, django_db_blocker, demo_cache):
    """The demo loaded once for the tests of a class (what the command printed). Whatever
    the class's tests do, the database is put back as it was after the class, whether they pass
    or fail; each test runs in its own transaction (pytest-django's `db`), so what a test
    changes, a second run included, is undone before the next one.

    On PostgreSQL the demo stays in a transaction rolled back after the class, and each test
    runs in a savepoint of it. On SQLite the database is copied aside before and copied back
    after (sqlite3's backup API: the same pages, sequences included), because the demo's load
    is then a restore of a snapshot when the worker loaded it before (tests/demo_cache.py),
    which SQLite cannot write into an open transaction."""
    from tests.helpers import load_demo

    def seed_and_load() -> str:
        # A transactional test run before by the same worker flushed the migrations' years
        # and methods: put them back first, as `world` does.
        seed()
        return load_demo()

    with put_back(django_db_blocker, demo_cache):
        with django_db_blocker.unblock():
            output = seed_and_load()
        yield output


def _flushes(item) -> bool:
    """A test that commits and then empties the database (`transaction=True`, the live server)."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or not {"transactional_db", "live_server"}.isdisjoint(
        fixtures
    )


def pytest_collection_modifyitems(config, items):
    """The tests that flush the database last, as Django's own runner orders TransactionTestCase
    after TestCase: a flush empties the tables the migrations filled (the academic years, the
    instructions, the plan's sections), which the tests after it on the same worker would miss.
    A stable sort: each group keeps its order (pytest-xdist then hands the tests out in it),
    except that a test marked `long` goes first in its group, so that no worker is left running
    it alone at the end of the run."""
    items.sort(key=lambda item: (_flushes(item), item.get_closest_marker("long") is None))
