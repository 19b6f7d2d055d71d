"""Rows built once for the tests of a module or a class, each test in its own transaction over
them, and the database put back as it was afterwards.

A scene of the access matrix takes 0.2 s to build on SQLite and 0.4 s on PostgreSQL, and some 400
tests (tests/test_access_matrix.py, tests/test_get_writes_nothing.py,
tests/associations/test_access_rules.py) each built their own; the demo takes 8-12 s
(`demo_loaded_once` in tests/conftest.py).
"""

from __future__ import annotations

import contextlib


@contextlib.contextmanager
def built_once(django_db_blocker, demo_cache, build):
    """The body of a module-scoped fixture whose rows every test of the module shares: `build()`
    run once, outside any test's transaction, its result yielded, and the database put back as it
    was after the module (`put_back`). Each test still runs in its own transaction rolled back, so
    it starts from the rows as built; what it holds in Python it gets from `fresh_copy`. Use it
    only where no test flushes the database (no `transaction=True`, no live server)."""
    with put_back(django_db_blocker, demo_cache):
        with django_db_blocker.unblock():
            built = build()
        yield built


def fresh_copy(built):
    """A test's own copy of what `built_once` built: the model instances deep-copied, so what a
    test changes or caches on them (a plan's status, a user's roles) stays in that test; each test
    Client (in a dict, a list or a dataclass's field of `built`) a new client with a copy of its
    cookies, the same logged-in session."""
    import copy
    import dataclasses

    from django.test import Client

    memo: dict[int, object] = {}
    fields = vars(built).values() if dataclasses.is_dataclass(built) else [built]
    for value in fields:
        values = value.values() if isinstance(value, dict) else value if isinstance(value, list | tuple) else [value]
        for client in values:
            if isinstance(client, Client):
                twin = Client()
                twin.cookies = copy.deepcopy(client.cookies)
                memo[id(client)] = twin
    return copy.deepcopy(built, memo)


@contextlib.contextmanager
def put_back(django_db_blocker, demo_cache):
    """The database as it was before the block, afterwards, whatever the block did: on SQLite a
    copy taken with sqlite3's backup API and written back; elsewhere a transaction rolled back."""
    from django.db import transaction

    with django_db_blocker.unblock():
        raw = demo_cache.sqlite_raw()
        before = demo_cache.copy_of(raw) if raw is not None else None
    if before is not None:
        try:
            yield
        finally:
            with django_db_blocker.unblock():
                demo_cache.restore(demo_cache.sqlite_raw(), before)
                before.close()
        return
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
