"""The shared cache's table is made by `migrate` (rmo_portal/migrations/0001_cache_table.py): a
deployment that only migrates has a working DatabaseCache."""

from __future__ import annotations

import importlib

from django.core.cache import caches
from django.db import connection

cache_migration = importlib.import_module("rmo_portal.migrations.0001_cache_table")


def test_migrate_creates_the_database_caches_table_and_again_changes_nothing(transactional_db, settings):
    settings.CACHES = {
        **settings.CACHES,
        "shared": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "rmo_cache_probe"},
    }
    try:
        with connection.schema_editor() as editor:
            cache_migration.cache_table_create(None, editor)
        assert "rmo_cache_probe" in connection.introspection.table_names()
        with connection.schema_editor() as editor:
            cache_migration.cache_table_create(None, editor)  # a second app server's migrate
        caches["shared"].set("draft", b"%PDF", 60)
        assert caches["shared"].get("draft") == b"%PDF"
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS rmo_cache_probe")
