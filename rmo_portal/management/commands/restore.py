"""`manage.py restore PATH`: the database and the files back from a `manage.py backup` archive,
then checked against it (rmo_portal/backup.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from rmo_portal import backup


class Command(BaseCommand):
    help = (
        "Восстанавливает портал из архива manage.py backup: база данных заменяется целиком, файлы "
        "записываются под своими именами; затем проверяется, что число строк каждой модели совпадает "
        "с копией, а SHA-256 каждого файла и каждого выданного PDF — с записанным."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Архив .tar.gz, сделанный manage.py backup.")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="Не спрашивать подтверждения.")
        parser.add_argument("--check-only", action="store_true",
                            help="Ничего не восстанавливать, только сравнить текущую базу и файлы с архивом.")

    def handle(self, *args, path: str, interactive: bool = True, check_only: bool = False, **options):
        source = Path(path)
        try:
            manifest = backup.read_manifest(source)
            if check_only:
                result = backup.check(manifest)
            else:
                if interactive:
                    answer = input(
                        f"Вся база данных будет заменена копией от {manifest['created_at']}. "
                        "Продолжить? Введите «да»: "
                    )
                    if answer.strip().lower() not in ("да", "yes"):
                        raise CommandError("Восстановление отменено.")
                result = backup.restore(source)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(f"Проверка не пройдена: {len(result.problems)} расхождений.")
        self.stdout.write(self.style.SUCCESS(
            f"Проверено: строки {len(result.counts)} моделей совпадают, файлов {result.files_checked}, "
            f"выданных PDF {result.pdfs_checked} — SHA-256 совпадают."
        ))
