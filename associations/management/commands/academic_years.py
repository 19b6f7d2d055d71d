"""`manage.py academic_years`: create the academic years up to the coming one.

Reading the current year never writes, so the years must exist before anyone opens a page on
1 September; cron runs this daily with the reminders (docs/deploy.md). Idempotent, and safe when
two app servers' cron run it at once: on PostgreSQL the run holds a transaction-level advisory
lock (`LOCK_KEY`), so the second waits for the first, then finds its years and creates nothing
(without it both would see the same years missing and the second would fail on the unique key).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from associations import services
from associations.models import AcademicYear

#: pg_advisory_xact_lock's key for this command (any bigint the portal uses for nothing else).
LOCK_KEY = 0x524D4F_0001  # «RMO», 1


class Command(BaseCommand):
    help = "Заводит учебные годы до следующего включительно (или до --until). Повторный запуск ничего не меняет."

    def add_arguments(self, parser):
        parser.add_argument("--until", type=int, help="Год начала последнего учебного года, например 2030.")

    def handle(self, *args, until: int | None = None, **options):
        last = until or AcademicYear.start_year_for(timezone.localdate()) + 1
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
            created = services.academic_years_create(until=last)
        if options["verbosity"]:
            years = ", ".join(str(year) for year in created) or "нет новых"
            self.stdout.write(f"Учебные годы до {last}/{last + 1}: заведены — {years}.")
