"""`manage.py backup [PATH]`: the database and every uploaded file in one archive
(rmo_portal/backup.py; docs/deploy.md «Резервные копии»)."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rmo_portal import backup


class Command(BaseCommand):
    help = (
        "Резервная копия портала: база данных (SQLite — через её API онлайн-копирования, PostgreSQL — "
        "через pg_dump) и все загруженные файлы в одном архиве .tar.gz. Портал при этом продолжает работать."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?",
            help="Файл архива или каталог для него (по умолчанию backups/rmo-ГГГГММДД-ЧЧММСС.tar.gz).",
        )

    def handle(self, *args, path: str | None = None, **options):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = Path(path or "backups")
        if target.is_dir() or path is None or not target.name.endswith(".tar.gz"):
            target = target / f"rmo-{stamp}.tar.gz"
        try:
            manifest = backup.backup(target)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(self.style.SUCCESS(f"Резервная копия: {target}"))
        self.stdout.write(f"База: {manifest['database']}, строк: {rows}, файлов: {len(manifest['files'])}.")
