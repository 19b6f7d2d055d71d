"""`manage.py backup` and `manage.py restore` (rmo_portal/backup.py) on the database the suite
runs on — SQLite in one CI run, PostgreSQL in the other: a copy restored into an emptied database
and storage gives back every row, and every file and issued PDF with the SHA-256 of its record."""

from __future__ import annotations

import io
import json
import stat
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from associations.files.models import StoredFile
from meetings.models import Decision, Protocol
from rmo_portal import backup
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def _empty_everything() -> None:
    """A fresh machine: no rows, no files."""
    call_command("flush", interactive=False, verbosity=0)
    for name in list(backup.stored_names()):
        default_storage.delete(name)
    assert list(backup.stored_names()) == []


@pytest.fixture
def recorded(world):
    """A signed protocol with its PDF as issued, decisions, an accepted analysis with its stored
    PDF, and a file uploaded to the bank."""
    protocol = f.sign_protocol(world, f.recorded_meeting(world), decisions_per_item=2)
    f.analysis_of(world.mo, status="accepted", by=world.deputy)
    f.MaterialFileFactory()
    return protocol


def test_a_backup_restored_into_an_empty_database_matches_the_original(recorded, tmp_path):
    before = backup.row_counts()
    files_before = {name: backup._sha256(name) for name in backup.stored_names()}
    assert recorded.pdf and recorded.pdf_sha256

    archive = tmp_path / "copy.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "Резервная копия" in out.getvalue()
    _empty_everything()
    assert Protocol.objects.count() == 0

    out = io.StringIO()
    call_command("restore", str(archive), "--noinput", stdout=out)

    assert backup.row_counts() == before
    assert {name: backup._sha256(name) for name in backup.stored_names()} == files_before
    protocol = Protocol.objects.get(pk=recorded.pk)
    assert protocol.status == Protocol.Status.SIGNED
    assert Decision.objects.filter(protocol_item__protocol=protocol).count() == 2
    assert backup._sha256(protocol.pdf.name) == protocol.pdf_sha256
    report = out.getvalue()
    assert "SHA-256 совпадают" in report
    assert "выданных PDF 2" in report  # the protocol's and the analysis'


def test_the_manifest_counts_every_model_and_file(recorded, tmp_path):
    archive = tmp_path / "copy.tar.gz"
    manifest = backup.backup(archive)
    assert manifest["counts"]["meetings.Protocol"] == 1
    assert manifest["counts"]["associations.StoredFile"] == StoredFile.objects.count()
    with tarfile.open(archive) as packed:
        names = packed.getnames()
    assert {f"media/{entry['name']}" for entry in manifest["files"]} <= set(names)
    assert backup.DATABASE_FILES[manifest["database"]] in names
    assert not (tmp_path / "copy.tar.gz.partial").exists()
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # password hashes, personal data


def test_the_check_finds_a_changed_pdf_and_a_missing_row(recorded, tmp_path):
    archive = tmp_path / "copy.tar.gz"
    backup.backup(archive)
    default_storage.delete(recorded.pdf.name)
    default_storage.save(recorded.pdf.name, ContentFile(b"%PDF-1.7 not the issued one"))
    Decision.objects.all().delete()  # (the admin could not; a database console could)

    with pytest.raises(CommandError, match="Проверка не пройдена"):
        call_command("restore", str(archive), "--check-only", stdout=io.StringIO(), stderr=io.StringIO())
    result = backup.check(backup.read_manifest(archive))
    assert any("SHA-256" in problem and recorded.pdf.name in problem for problem in result.problems)
    assert any(problem.startswith("meetings.Decision") for problem in result.problems)


def test_a_restore_refuses_what_is_not_a_backup_of_this_kind(world, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="это не резервная копия"):
        call_command("restore", str(junk), "--noinput")

    other = tmp_path / "other.tar.gz"
    manifest = {"format": backup.FORMAT, "database": "oracle", "counts": {}, "files": []}
    with tarfile.open(other, "w:gz") as packed:
        body = json.dumps(manifest).encode()
        info = tarfile.TarInfo(backup.MANIFEST)
        info.size = len(body)
        packed.addfile(info, io.BytesIO(body))
    with pytest.raises(CommandError, match="восстановите её в базу того же вида"):
        call_command("restore", str(other), "--noinput")


def test_archived_names_outside_media_are_never_written():
    def member(name, kind=tarfile.REGTYPE):
        info = tarfile.TarInfo(name)
        info.type = kind
        return info

    assert backup._media_name(member("media/files/a.pdf")) == "files/a.pdf"
    assert backup._media_name(member("media/../../etc/passwd")) is None
    assert backup._media_name(member("/media/x")) is None
    assert backup._media_name(member("database.sqlite3")) is None
    assert backup._media_name(member("media/link", tarfile.SYMTYPE)) is None
