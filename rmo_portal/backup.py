"""A backup of the portal and its restore: the database and the uploaded files in one archive
(`manage.py backup`, `manage.py restore`; docs/deploy.md «Резервные копии»).

The archive is a tar.gz of

- `manifest.json` — when and from what the copy was made, the count of rows of every model and
  the list of stored files with their sizes;
- `database.sqlite3` (SQLite, through its online backup API: a consistent copy of a database
  that keeps serving) or `database.pgdump` (PostgreSQL, `pg_dump --format=custom`, which reads
  one snapshot);
- `media/…` — every file of the default storage (local media or the S3 bucket), read through
  Django's storage API and streamed into the archive, never read whole into memory.

The database is copied first and the files after it: a row is written after its file (the file
module stores the file, then commits the row), so every file the copied database names is in the
copy; a file uploaded meanwhile is an orphan in it, which harms nothing.

The restore puts both back — the whole database replaced, the files written under their own names
— and then checks the copy against the manifest: the same number of rows of every model, every
stored file present with the SHA-256 of its record, and every issued PDF (a signed protocol's, an
accepted analysis') with the SHA-256 recorded when it was issued.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection, transaction

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the administrator (Russian)."""


@dataclass
class Check:
    """What a restore found when it compared the database and the files with the manifest."""

    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # model -> (manifest, restored)
    files_checked: int = 0
    pdfs_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- what is there ------------------------------------------------------------------------------


def _vendor() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(f"Резервное копирование умеет SQLite и PostgreSQL, а база — {vendor}.")
    return vendor


def _tables() -> Iterator[tuple[str, str]]:
    """(label, table) of every model with a table of its own (proxies share theirs)."""
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if not opts.proxy and opts.managed:
            yield opts.label, opts.db_table


def _counts(cursor) -> dict[str, int]:
    counts = {}
    for label, table in _tables():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 — the models' own table names
        counts[label] = cursor.fetchone()[0]
    return dict(sorted(counts.items()))


def row_counts() -> dict[str, int]:
    """The number of rows of every model in the database."""
    with connection.cursor() as cursor:
        return _counts(cursor)


def stored_names(directory: str = "") -> Iterator[str]:
    """Every file of the default storage, by walking its directories."""
    try:
        directories, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for sub in sorted(directories):
        yield from stored_names(f"{directory}/{sub}" if directory else sub)


def _migrations(cursor) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = max(latest.get(app, ""), name)
    return latest


def _dump_with_counts(vendor: str, target: Path) -> tuple[dict[str, int], dict[str, str]]:
    """Dump the database to `target`; the row counts and migrations of what was dumped — of the
    copy itself (SQLite), or read in the very snapshot pg_dump reads (PostgreSQL): rows written
    meanwhile (a session, a login attempt) are in neither."""
    if vendor == "sqlite":
        _dump_database(vendor, target)
        copy = sqlite3.connect(target)
        try:
            cursor = copy.cursor()
            return _counts(cursor), _migrations(cursor)
        finally:
            copy.close()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        _dump_database(vendor, target, snapshot=cursor.fetchone()[0])
        return _counts(cursor), _migrations(cursor)


# --- the database -------------------------------------------------------------------------------


def _pg_args(settings: dict) -> tuple[list[str], dict[str, str]]:
    args = []
    if settings.get("HOST"):
        args += ["--host", str(settings["HOST"])]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", str(settings["USER"])]
    env = dict(os.environ)
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"Не найдена программа {command[0]}: установите клиент PostgreSQL (postgresql-client).")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} завершился с ошибкой: {done.stderr.strip()[-2000:]}")


def _dump_database(vendor: str, target: Path, snapshot: str | None = None) -> None:
    if vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return
    settings = connection.settings_dict
    args, env = _pg_args(settings)
    snapshot_args = ["--snapshot", snapshot] if snapshot else []
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", *snapshot_args, *args,
          "--file", str(target), str(settings["NAME"])], env)


def _load_database(vendor: str, source: Path) -> None:
    if vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(source)
        try:
            copy.backup(connection.connection)
        finally:
            copy.close()
        connection.close()
        return
    settings = connection.settings_dict
    connection.close()  # our own session would hold the locks that --clean has to take
    args, env = _pg_args(settings)
    _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          *args, "--dbname", str(settings["NAME"]), str(source)], env)


# --- the archive --------------------------------------------------------------------------------


def backup(target: Path) -> dict:
    """Write the archive to `target` (a file path); return its manifest."""
    vendor = _vendor()
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rmo-backup-") as tmp:
        database = Path(tmp) / DATABASE_FILES[vendor]
        counts, migrations = _dump_with_counts(vendor, database)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "database": vendor,
            "migrations": migrations,
            "counts": counts,
            "files": [],
        }
        partial = target.with_name(target.name + ".partial")
        # Password hashes and personal data: readable by the owner alone, whatever the umask.
        partial.unlink(missing_ok=True)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
            archive.add(database, arcname=database.name)
            for name in stored_names():
                with default_storage.open(name, "rb") as stored:
                    info = tarfile.TarInfo(f"{MEDIA}/{name}")
                    info.size = default_storage.size(name)
                    info.mtime = int(datetime.datetime.now().timestamp())
                    archive.addfile(info, stored)
                manifest["files"].append({"name": name, "size": info.size})
            body = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            archive.addfile(info, io.BytesIO(body))
        partial.replace(target)  # a failed backup never leaves a file that looks complete
    return manifest


def read_manifest(source: Path) -> dict:
    try:
        with tarfile.open(source, "r:gz") as archive:
            member = archive.getmember(MANIFEST)
            manifest = json.load(archive.extractfile(member))
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError) as error:
        raise BackupError(f"{source}: это не резервная копия портала ({error}).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{source}: неизвестный формат копии {manifest.get('format')!r}.")
    return manifest


def _media_name(member: tarfile.TarInfo) -> str | None:
    """The storage name of an archived file, or None for anything that is not a plain file
    under media/ with a relative path that stays inside it."""
    path = PurePosixPath(member.name)
    if not member.isfile() or path.is_absolute() or ".." in path.parts or path.parts[:1] != (MEDIA,):
        return None
    return "/".join(path.parts[1:]) or None


def restore(source: Path) -> Check:
    """Replace the database and write back the files of the archive at `source`, then check the
    result against its manifest."""
    source = Path(source)
    manifest = read_manifest(source)
    vendor = _vendor()
    if manifest["database"] != vendor:
        raise BackupError(
            f"Копия сделана с базы {manifest['database']}, а восстанавливается в {vendor}: "
            "восстановите её в базу того же вида."
        )
    with tempfile.TemporaryDirectory(prefix="rmo-restore-") as tmp, tarfile.open(source, "r:gz") as archive:
        database_name = DATABASE_FILES[vendor]
        database = Path(tmp) / database_name
        try:
            member = archive.getmember(database_name)
        except KeyError as error:
            raise BackupError(f"{source}: в копии нет файла базы {database_name}.") from error
        with archive.extractfile(member) as packed, open(database, "wb") as unpacked:
            shutil.copyfileobj(packed, unpacked, CHUNK)
        _load_database(vendor, database)
        for member in archive:
            name = _media_name(member)
            if name is None:
                continue
            if default_storage.exists(name):
                default_storage.delete(name)
            with archive.extractfile(member) as packed:
                saved = default_storage.save(name, File(packed, name=name))
            if saved != name:
                raise BackupError(f"Хранилище сохранило файл {name} под другим именем ({saved}).")
    return check(manifest)


# --- the check ----------------------------------------------------------------------------------


def _sha256(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as stored:
        for chunk in iter(lambda: stored.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check(manifest: dict) -> Check:
    """Compare the database and the storage with a manifest: row counts, every stored file's
    SHA-256, every issued PDF's."""
    result = Check()
    counts = row_counts()
    for label in sorted(set(manifest["counts"]) | set(counts)):
        expected, found = manifest["counts"].get(label), counts.get(label)
        result.counts[label] = (expected, found)
        if expected != found:
            result.problems.append(f"{label}: в копии {expected} строк, после восстановления {found}.")
    hashes: dict[str, str] = {}

    def matches(name: str, recorded: str, what: str) -> None:
        if not default_storage.exists(name):
            result.problems.append(f"{what}: нет файла {name}.")
            return
        if name not in hashes:
            hashes[name] = _sha256(name)
        if hashes[name] != recorded:
            result.problems.append(f"{what}: SHA-256 файла {name} не совпадает с записанным.")

    stored_file = apps.get_model("associations", "StoredFile")
    for pk, name, sha in stored_file.objects.values_list("pk", "storage_name", "sha256").iterator():
        matches(name, sha, f"Файл № {pk}")
        result.files_checked += 1
    protocol = apps.get_model("meetings", "Protocol")
    for pk, name, sha in protocol.objects.exclude(pdf="").values_list("pk", "pdf", "pdf_sha256").iterator():
        matches(name, sha, f"PDF протокола № {pk}")
        result.pdfs_checked += 1
    analysis = apps.get_model("reports", "Analysis")
    issued = analysis.objects.filter(pdf__isnull=False).values_list("pk", "pdf__storage_name", "pdf_sha256")
    for pk, name, sha in issued.iterator():
        matches(name, sha, f"PDF анализа № {pk}")
        result.pdfs_checked += 1
    return result
