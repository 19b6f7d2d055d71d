"""The bench's peers (issue 17): Django's admin on the same data — its login page, its change list
of people and its change form of the 60-item plan with the items inline — and the targets that
compare every page and every editor with them."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from rmo_portal.management.commands.bench import Command, Row, _peer_targets

pytestmark = pytest.mark.django_db


@pytest.fixture
def peers(data, settings):
    settings.ROOT_URLCONF = "rmo_portal.management.commands.bench"
    return {page.key: page for page in Command()._pages(data) if page.kind == "peer" and page.key}


def test_the_peers_are_the_admins_pages_on_the_same_data(peers, data):
    assert set(peers) == {"admin-login", "admin-changelist", "admin-changeform"}
    assert peers["admin-login"].user is None  # the login page, as it is before anyone signs in
    login = Client().get(peers["admin-login"].url)
    assert login.status_code == 200 and b'name="password"' in login.content

    admin = Client()
    admin.force_login(peers["admin-changelist"].user)
    changelist = admin.get(peers["admin-changelist"].url).content.decode()
    assert changelist.count(peers["admin-changelist"].count) == 100  # a full page of people
    changeform = admin.get(peers["admin-changeform"].url).content.decode()
    items = len(re.findall(peers["admin-changeform"].count_re, changeform))
    assert items == data.plans.approved_60.items.count() == 60


def _row(name: str, ms: float, kind: str, key: str = "", rows: int | None = None) -> Row:
    return Row(name=name, queries=3, rows=rows, median_ms=ms, p95_ms=None, key=key, kind=kind)


def test_the_targets_name_the_pages_and_editors_over_their_peer():
    rows = [
        _row("login", 4.0, "peer", "admin-login"),
        _row("changelist", 30.0, "peer", "admin-changelist", rows=100),
        _row("changeform", 80.0, "peer", "admin-changeform", rows=60),
        _row("schedule", 39.0, "page"),
        _row("plan page", 41.0, "page"),
        _row("plan editor", 90.0, "editor"),
        _row("plan PDF", 900.0, "document"),
    ]
    by_key = {row.key: row for row in rows if row.key}
    lines = _peer_targets(rows, by_key, lambda holds: " — holds" if holds else " — DOES NOT HOLD")
    pages, editors = lines[1], lines[2]
    assert "1 of 2 within" in pages and "plan page 41 ms (10.2 ×)" in pages and "schedule" not in pages
    assert pages.endswith("DOES NOT HOLD")
    assert "0 of 1 within" in editors and "plan editor 90 ms (1.1 ×)" in editors
    assert "plan PDF" not in pages + editors  # documents have targets of their own
