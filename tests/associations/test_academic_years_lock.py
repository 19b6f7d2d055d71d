"""Two app servers' cron running `manage.py academic_years` at the same moment (docs/deploy.md,
«Периодические задачи»): the second waits for the first's advisory lock, then finds its years and
creates nothing; without the lock both would see the same year missing and the second would fail
on the unique key. PostgreSQL only: several servers mean PostgreSQL."""

import threading

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from associations.management.commands.academic_years import LOCK_KEY
from associations.models import AcademicYear

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the advisory lock is PostgreSQL's"),
]


def _other_server():
    """A second connection to the test database, as another server's run would have."""
    s = connection.settings_dict
    params = {"dbname": s["NAME"], "user": s["USER"], "password": s["PASSWORD"], "host": s["HOST"], "port": s["PORT"]}
    return psycopg2.connect(**{k: v for k, v in params.items() if v})


def test_a_run_waits_for_one_in_progress_and_creates_each_year_once():
    until = max(AcademicYear.objects.values_list("start_year", flat=True)) + 1
    other = _other_server()
    try:
        with other.cursor() as cursor:
            # The other run, in the middle of its transaction: lock taken, the year written, not committed.
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            cursor.execute("INSERT INTO associations_academicyear (start_year) VALUES (%s)", [until])
        outcome = {}

        def run():
            try:
                call_command("academic_years", "--until", str(until), verbosity=0)
                outcome["ok"] = True
            except Exception as error:  # the failure the lock prevents: an IntegrityError
                outcome["error"] = error
            finally:
                connection.close()

        second = threading.Thread(target=run)
        second.start()
        second.join(1.0)
        assert second.is_alive(), "the second run did not wait for the first one's lock"
        other.commit()  # the first run ends: its year is there, the lock released
        second.join(30)
    finally:
        other.close()
    assert outcome == {"ok": True}
    assert AcademicYear.objects.filter(start_year=until).count() == 1
