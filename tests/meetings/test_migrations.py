"""Data migrations, run forwards on rows written under the schema before them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("meetings", "0001_meetings_and_protocols")]
AFTER = [("meetings", "0002_reminder_for_date")]


@pytest.fixture
def migrator(transactional_db):
    """Migrate back to `BEFORE` and hand over a function that migrates to a target and returns
    the historical apps there; the database is put back on the latest migrations afterwards."""

    def migrate(targets):
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(targets)
        return executor.loader.project_state(targets).apps

    yield migrate
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_sent_reminders_get_the_date_they_were_about(migrator):
    """A meeting's reminder gets the meeting's Moscow date (23:30 Moscow is 20:30 UTC, same
    day), a decision's its due date, and one whose object is gone the day it was sent."""
    old = migrator(BEFORE)
    District = old.get_model("associations", "District")
    Association = old.get_model("associations", "Association")
    AcademicYear = old.get_model("associations", "AcademicYear")
    Person = old.get_model("associations", "Person")
    Meeting = old.get_model("meetings", "Meeting")
    Protocol = old.get_model("meetings", "Protocol")
    ProtocolItem = old.get_model("meetings", "ProtocolItem")
    Decision = old.get_model("meetings", "Decision")
    SentReminder = old.get_model("meetings", "SentReminder")

    district = District.objects.create(name="Тестовый район", slug="test-migration")
    year = AcademicYear.objects.get_or_create(start_year=2025)[0]
    rmo = Association.objects.create(district=district, name="РМО", kind="district")
    starts = timezone.make_aware(datetime.datetime(2025, 10, 15, 23, 30))
    meeting = Meeting.objects.create(association=rmo, academic_year=year, theme="Тема", starts_at=starts)
    protocol = Protocol.objects.create(meeting=meeting, association=rmo, academic_year=year, number=1)
    item = ProtocolItem.objects.create(protocol=protocol, position=1)
    person = Person.objects.create(last_name="Соколова", first_name="Мария", gender="f", district=district)
    decision = Decision.objects.create(
        protocol_item=item, text="Сдать отчёт", responsible=person, due_on=datetime.date(2025, 11, 1)
    )
    sent = timezone.make_aware(datetime.datetime(2025, 9, 3, 7, 0))
    SentReminder.objects.create(kind="meeting", object_id=meeting.pk, email="a@example.ru", sent_at=sent)
    SentReminder.objects.create(kind="decision", object_id=decision.pk, email="a@example.ru", sent_at=sent)
    SentReminder.objects.create(kind="meeting", object_id=10**9, email="a@example.ru", sent_at=sent)

    new = migrator(AFTER)
    dates = dict(new.get_model("meetings", "SentReminder").objects.values_list("object_id", "for_date"))
    assert dates == {
        meeting.pk: datetime.date(2025, 10, 15),
        decision.pk: datetime.date(2025, 11, 1),
        10**9: datetime.date(2025, 9, 3),
    }
