"""A sent reminder remembers the date it was about, so a meeting moved to another day (or a
decision given a new term) is reminded again.

Rows sent before this migration get the date their meeting has now (its Moscow date) or the
due date their decision has now, which is what they reminded of unless it moved since; a row
whose meeting or decision is gone gets the day it was sent.
"""

import datetime
import zoneinfo

from django.conf import settings
from django.db import migrations, models


def fill_for_date(apps, schema_editor):
    SentReminder = apps.get_model("meetings", "SentReminder")
    Meeting = apps.get_model("meetings", "Meeting")
    Decision = apps.get_model("meetings", "Decision")
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    rows = list(SentReminder.objects.filter(for_date__isnull=True))
    meeting_ids = {r.object_id for r in rows if r.kind == "meeting"}
    decision_ids = {r.object_id for r in rows if r.kind == "decision"}
    meeting_dates = {
        pk: starts_at.astimezone(zone).date()
        for pk, starts_at in Meeting.objects.filter(pk__in=meeting_ids).values_list("pk", "starts_at")
    }
    due_dates = dict(Decision.objects.filter(pk__in=decision_ids).values_list("pk", "due_on"))
    for row in rows:
        known = meeting_dates if row.kind == "meeting" else due_dates
        sent_on = row.sent_at.astimezone(zone).date() if row.sent_at else datetime.date.today()
        row.for_date = known.get(row.object_id, sent_on)
    SentReminder.objects.bulk_update(rows, ["for_date"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0001_meetings_and_protocols"),
    ]

    operations = [
        migrations.AddField(
            model_name="sentreminder",
            name="for_date",
            field=models.DateField(null=True, verbose_name="на дату"),
        ),
        migrations.RunPython(fill_for_date, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="sentreminder",
            name="for_date",
            field=models.DateField(
                help_text="Дата заседания или срок решения, о которых напомнили.", verbose_name="на дату"
            ),
        ),
        migrations.RemoveConstraint(
            model_name="sentreminder",
            name="reminder_sent_once",
        ),
        migrations.AddConstraint(
            model_name="sentreminder",
            constraint=models.UniqueConstraint(
                fields=("kind", "object_id", "email", "for_date"), name="reminder_sent_once_a_date"
            ),
        ),
    ]
