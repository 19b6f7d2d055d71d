"""The academic years from 2020/2021 to the one after the year this migration runs in: reading
the current year never creates it (`AcademicYear.objects.current()` only reads). Later years
come from `manage.py academic_years` (cron) or the admin."""

import datetime

from django.db import migrations

FIRST_START_YEAR = 2020


def fill_academic_years(apps, schema_editor):
    AcademicYear = apps.get_model("associations", "AcademicYear")
    today = datetime.date.today()
    current = today.year if today.month >= 9 else today.year - 1
    existing = set(AcademicYear.objects.values_list("start_year", flat=True))
    AcademicYear.objects.bulk_create(
        AcademicYear(start_year=year) for year in range(FIRST_START_YEAR, current + 2) if year not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("associations", "0003_fill_plan_reference_lists")]

    operations = [migrations.RunPython(fill_academic_years, migrations.RunPython.noop)]
