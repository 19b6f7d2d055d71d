"""The table of the shared cache (settings.CACHES: Django's DatabaseCache unless RMO_CACHE_URL names
Redis), created by `migrate` itself, so that no deployment step can forget `createcachetable`:
without it a draft protocol's preview would answer 500. `createcachetable` creates only the tables
the settings name and that are missing, so with Redis or the tests' LocMemCache this does nothing,
and running it again (a later `migrate`, a second app server) changes nothing."""

from django.core.management import call_command
from django.db import migrations


def cache_table_create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = []
    operations = [migrations.RunPython(cache_table_create, migrations.RunPython.noop, elidable=False)]
