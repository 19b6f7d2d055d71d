"""The demo district, loaded for real once per test worker and state, then restored (SQLite).

`manage.py load_demo` takes 8-12 s, and the browser tests load it after every flush, the
demo's class fixture (`demo_loaded_once`) once per class. `install()` (a session fixture of
tests/conftest.py) wraps `rmo_portal.demo.load_demo`, the function the command calls, so that:

- On SQLite, outside a transaction (a transactional test, `demo_loaded_once`), a load that
  starts from a database already seen before a load, in the same hour, language and
  settings, is a restore of what that load left (sqlite3's backup API, milliseconds), with
  the DemoResult it returned (what the command prints). The key:
  - the database before the load, every row of every table, without the integer keys a flush
    renumbers (content types, permissions, the academic years and monitoring methods put back
    after it), nor simple-history's `history_date` (when a seeded row's history was written,
    at now): the demo's rows depend on neither;
  - the hour of `timezone.now()` (tests move it with monkeypatch), and no moment stored by the
    load (any datetime column of the snapshot) lies between the end of the real load and now. The
    demo compares now with its moments: the meetings' start and end (stored: a meeting that has
    not ended yet is only planned) and the steps of plans and analyses at whole hours (clamped
    to now, `min(moment, now)`). With none of them in between, every comparison comes out as
    at the load, and a stamp clamped to now is as old as the load — as after any load made
    that much earlier (a class's tests run minutes after `demo_loaded_once` loaded);
  - the active language, and what override_settings/modify_settings changed.
  The files the load stored (InMemoryStorage, the process's own) must still be there, each with
  its bytes, or the load is real. After a restore ContentType's cache is cleared (the ids of
  the content types are those of the snapshot).
- Inside a transaction (the `db` fixture) and on PostgreSQL the load is real: SQLite cannot
  restore into an open transaction, and PostgreSQL has no backup API of the kind.
- During any load, a PDF rendered from an HTML document (reports.rendering.html_to_pdf) that
  an earlier load of the worker rendered — the same HTML string, base URL and stylesheet
  objects — is those bytes: WeasyPrint's output is a function of them (and of the static files
  and fonts, which do not change during a run). Only the demo's loads use it, never a test's
  own rendering, so no test timing a render or checking a rendering's failure is concerned.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import hashlib
import sqlite3
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import Settings

KEPT = 6  # snapshots per worker (a loaded demo is a few MB of SQLite pages)
PDFS_KEPT = 96


@dataclass
class Snapshot:
    pages: sqlite3.Connection  # an in-memory copy of the database after the load
    started: datetime.datetime  # timezone.now() when the real load began
    ended: datetime.datetime  # and when it was over
    result: object  # rmo_portal.demo.DemoResult
    files: dict[str, str]  # name -> sha256 of the files the load stored


_snapshots: OrderedDict[tuple, Snapshot] = OrderedDict()
_pdfs: OrderedDict[tuple, bytes] = OrderedDict()
_original = None
stats = {"real": 0, "restored": 0, "pdf_hits": 0, "pdf_renders": 0}


def install() -> None:
    """Wrap rmo_portal.demo.load_demo (idempotent). RMO_DEMO_CACHE=off leaves it alone, and
    `demo_loaded_once` then rolls back a transaction on SQLite too: every load real, as a
    baseline to time the cache against."""
    global _original
    import os

    from rmo_portal import demo

    if _original is None and os.environ.get("RMO_DEMO_CACHE") != "off":
        _original = demo.load_demo
        demo.load_demo = load_demo


def uninstall() -> None:
    global _original
    from rmo_portal import demo

    if _original is not None:
        demo.load_demo = _original
        _original = None


def _debug(*args) -> None:
    """RMO_DEMO_CACHE_DEBUG=1 pytest -s …: each load, real or restored, on stderr."""
    import os
    import sys

    if os.environ.get("RMO_DEMO_CACHE_DEBUG"):
        print("demo_cache:", *args, file=sys.stderr)


def load_demo():
    from django.db import connection

    raw = _sqlite_outside_transaction(connection)
    if raw is None:
        with _pdf_memo():
            result = _original()
        stats["real"] += 1
        _debug("loaded inside a transaction", stats)
        return result
    key = _key(raw)
    snapshot = _snapshots.get(key)
    if snapshot is not None and _still_true(snapshot) and _files_intact(snapshot.files):
        _snapshots.move_to_end(key)
        restore(raw, snapshot.pages)
        stats["restored"] += 1
        _debug("restored", key[1:3], stats)
        return _copy(snapshot.result)
    before = _file_names()
    started = _now()
    with _pdf_memo():
        result = _original()
    stats["real"] += 1
    _debug("loaded", key[1:3], stats)
    if _sqlite_outside_transaction(connection) is raw:
        files = _hashes(_file_names() - before)
        _snapshots[key] = Snapshot(pages=copy_of(raw), started=started, ended=_now(), result=_copy(result), files=files)
        while len(_snapshots) > KEPT:
            _snapshots.popitem(last=False)
    return result


def copy_of(raw: sqlite3.Connection) -> sqlite3.Connection:
    """An in-memory copy of the database of a raw sqlite3 connection."""
    pages = sqlite3.connect(":memory:", check_same_thread=False)
    raw.backup(pages)
    return pages


def restore(raw: sqlite3.Connection, pages: sqlite3.Connection) -> None:
    """The database of `raw` made, page for page, the copy `pages`."""
    from django.contrib.contenttypes.models import ContentType

    pages.backup(raw)
    ContentType.objects.clear_cache()


def sqlite_raw():
    """The raw sqlite3 connection of Django's default database when it is SQLite and no
    transaction is open on it (a backup cannot write into one), else None."""
    from django.db import connection

    return _sqlite_outside_transaction(connection) if _original is not None else None


def _sqlite_outside_transaction(connection):
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return None
    connection.ensure_connection()
    raw = connection.connection
    return None if raw.in_transaction else raw


def _key(raw: sqlite3.Connection) -> tuple:
    from django.utils import timezone, translation

    hour = timezone.localtime(_now()).replace(minute=0, second=0, microsecond=0)
    return (_fingerprint(raw), hour.isoformat(), translation.get_language(), _overrides())


def _overrides() -> str:
    """What override_settings and modify_settings changed (the live server adds its host to
    ALLOWED_HOSTS), as text: equal texts, equal settings (a value shown by its address, a
    function's, never equals another's)."""
    from django.conf import settings

    layers = []
    wrapped = settings._wrapped
    while not isinstance(wrapped, Settings):
        own = {name: value for name, value in vars(wrapped).items() if name not in ("default_settings", "_deleted")}
        layers.append(repr((sorted(own.items()), sorted(getattr(wrapped, "_deleted", ())))))
        wrapped = wrapped.default_settings
    return repr(layers)


def _now() -> datetime.datetime:
    from django.utils import timezone

    return timezone.now()


def _still_true(snapshot: Snapshot) -> bool:
    """No datetime stored in the snapshot lies between the end of its load and now; or, when a
    test moved now back before the load's start, between now and the end of the load (the
    load's own stamps then are all in now's future: never reused)."""
    now = _now()
    if snapshot.started <= now <= snapshot.ended:
        return snapshot.started == snapshot.ended  # a frozen now: the very same moment
    low, high = (snapshot.ended, now) if now > snapshot.ended else (now, snapshot.ended)
    # As Django's SQLite backend stores an aware datetime: naive UTC, str().
    low, high = (str(moment.astimezone(datetime.UTC).replace(tzinfo=None)) for moment in (low, high))
    pages = snapshot.pages
    tables = [row[0] for row in pages.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )]
    for table in tables:
        for _, name, kind, *_ in pages.execute(f'PRAGMA table_info("{table}")'):
            if kind.lower() == "datetime" and pages.execute(
                f'SELECT 1 FROM "{table}" WHERE "{name}" > ? AND "{name}" <= ? LIMIT 1', (low, high)  # noqa: S608
            ).fetchone():
                return False
    return True


def _fingerprint(raw: sqlite3.Connection) -> str:
    """Every row of every table, integer keys and the columns that refer to them left out, and
    django-simple-history's `history_date` (when a seeded row's history was written: a flush
    and a reseed write it anew, at now)."""
    digest = hashlib.sha256()
    tables = [row[0] for row in raw.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )]
    for table in tables:
        columns = raw.execute(f'PRAGMA table_info("{table}")').fetchall()  # cid, name, type, notnull, default, pk
        kept = [
            name for _, name, kind, _, _, pk in columns
            if not ((pk and "INT" in kind.upper()) or name == "id" or name.endswith("_id") or name == "history_date")
        ]
        select = ", ".join(f'"{name}"' for name in kept) or "1"
        rows = sorted(repr(row) for row in raw.execute(f'SELECT {select} FROM "{table}"'))  # noqa: S608 - names from the schema
        digest.update(repr((table, kept, rows)).encode())
    return digest.hexdigest()


def _file_names(path: str = "") -> set[str]:
    from django.core.files.storage import default_storage

    try:
        dirs, files = default_storage.listdir(path)
    except FileNotFoundError:
        return set()
    prefix = f"{path}/" if path else ""
    names = {prefix + name for name in files}
    for directory in dirs:
        names |= _file_names(prefix + directory)
    return names


def _hashes(names: set[str]) -> dict[str, str]:
    from django.core.files.storage import default_storage

    hashes = {}
    for name in names:
        with default_storage.open(name, "rb") as file:
            hashes[name] = hashlib.sha256(file.read()).hexdigest()
    return hashes


def _files_intact(files: dict[str, str]) -> bool:
    from django.core.files.storage import default_storage

    for name, digest in files.items():
        if not default_storage.exists(name):
            return False
        with default_storage.open(name, "rb") as file:
            if hashlib.sha256(file.read()).hexdigest() != digest:
                return False
    return True


def _copy(result):
    result = copy.copy(result)
    result.logins = list(result.logins)
    result.summaries = list(result.summaries)
    return result


class _MemoHTML:
    """weasyprint.HTML for reports.rendering.html_to_pdf's one call, HTML(string=…, base_url=…,
    url_fetcher=…).write_pdf(stylesheets=…), with the PDF of an HTML rendered before reused."""

    def __init__(self, *, string: str, base_url: str, url_fetcher):
        self.string, self.base_url, self.url_fetcher = string, base_url, url_fetcher

    real = None  # reports.rendering's own HTML, set while the memo is on

    def write_pdf(self, *, stylesheets):
        # The stylesheet objects themselves (reports.rendering parses each file once): kept
        # alive by the key, so no other object can take their identity.
        key = (self.string, self.base_url, tuple(stylesheets))
        pdf = _pdfs.get(key)
        if pdf is not None:
            _pdfs.move_to_end(key)
            stats["pdf_hits"] += 1
            return pdf
        pdf = self.real(string=self.string, base_url=self.base_url, url_fetcher=self.url_fetcher).write_pdf(
            stylesheets=stylesheets
        )
        stats["pdf_renders"] += 1
        _pdfs[key] = pdf
        while len(_pdfs) > PDFS_KEPT:
            _pdfs.popitem(last=False)
        return pdf


@contextlib.contextmanager
def _pdf_memo() -> Iterator[None]:
    from reports import rendering

    real = rendering.HTML
    if real is _MemoHTML:  # a load inside a load
        yield
        return
    _MemoHTML.real = real
    rendering.HTML = _MemoHTML
    try:
        yield
    finally:
        rendering.HTML = real
