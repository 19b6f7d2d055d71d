"""`manage.py academic_years`: create the academic years up to the coming one.

Reading the current year never writes, so the years must exist before anyone opens a page on
1 September; cron runs this daily with the reminders (docs/deploy.md). Idempotent.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from associations import services
from associations.models import AcademicYear


class Command(BaseCommand):
    help = "Заводит учебные годы до следующего включительно (или до --until). Повторный запуск ничего не меняет."

    def add_arguments(self, parser):
        parser.add_argument("--until", type=int, help="Год начала последнего учебного года, например 2030.")

    def handle(self, *args, until: int | None = None, **options):
        last = until or AcademicYear.start_year_for(timezone.localdate()) + 1
        created = services.academic_years_create(until=last)
        if options["verbosity"]:
            years = ", ".join(str(year) for year in created) or "нет новых"
            self.stdout.write(f"Учебные годы до {last}/{last + 1}: заведены — {years}.")
