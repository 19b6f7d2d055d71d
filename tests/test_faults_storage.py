"""The storage failing during an upload (issue 17, point 4): the disk full after some bytes were
written (ENOSPC), a disk that fails otherwise (EIO), an object store's client refusing (what
django-storages' S3 client raises is an exception of its own, not an OSError). On every upload
path — the bank's card, a protocol's paper scan, a decision's and a plan item's result file, the
checklist's document — and on the two actions that store a PDF (signing a protocol, accepting an
analysis): a Russian reason, next to the file's field where the form comes back, the form kept
with all else typed, no row written and no byte left in the storage (associations.files:
`file_store` and `blob_store` turn the failure into FileNotStored and delete what was written).

The plan's DOCX import and the staff import read their upload and store nothing: the storage
cannot fail them."""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, InMemoryStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from associations.files import services as files
from associations.models import AnnualPlan, StoredFile
from meetings.bank.models import EventForm, Material, UpbringingDirection
from meetings.models import Protocol, ProtocolScan
from reports.analysis.models import Analysis
from tests import factories as f
from tests.access_matrix_data import snapshot, snapshot_diff
from tests.helpers import login, material_form, messages_of

FULL = "на сервере нет места. Попробуйте позже или обратитесь к администратору."
FAILED = "хранилище файлов не приняло его. Попробуйте позже или обратитесь к администратору."


# --- the failing storages ------------------------------------------------------------------------


class FullDisk(FileSystemStorage):
    """A disk that fills up in the middle of a file: half of the first chunk is written to the
    file on disk, then the write fails with ENOSPC, as FileSystemStorage's own write would."""

    def _save(self, name, content):
        path = Path(self.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as out:
            chunk = next(iter(content.chunks()))
            out.write(chunk[: max(1, len(chunk) // 2)])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


class FailingDisk(InMemoryStorage):
    """A disk that fails with an I/O error after part of the file was kept."""

    def _save(self, name, content):
        super()._save(name, ContentFile(next(iter(content.chunks()))[:10]))
        raise OSError(errno.EIO, os.strerror(errno.EIO))


class ObjectStoreError(Exception):
    """Like boto3's S3UploadFailedError: an S3 client's failure is no OSError."""


class RefusingObjectStore(InMemoryStorage):
    def _save(self, name, content):
        raise ObjectStoreError("Failed to upload: An error occurred (QuotaExceeded) when calling PutObject")


class SecondSaveFails(InMemoryStorage):
    """Takes the first blob (a photo), fails on the next (its thumbnail) with ENOSPC."""

    def _save(self, name, content):
        if self.listdir("")[0]:  # something stored already
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return super()._save(name, content)


def _listing(path: str = "") -> list[str]:
    """Every blob of the default storage."""
    folders, names = default_storage.listdir(path)
    found = [f"{path}{name}" for name in names]
    for folder in folders:
        found += _listing(f"{path}{folder}/")
    return found


STORAGES = {
    "full": (f"{__name__}.FullDisk", FULL),
    "failing": (f"{__name__}.FailingDisk", FAILED),
    "object_store": (f"{__name__}.RefusingObjectStore", FAILED),
}


@pytest.fixture(params=list(STORAGES))
def failing_storage(request, settings, tmp_path) -> str:
    """The default storage replaced by a failing one; the reason the user is to read."""
    backend, reason = STORAGES[request.param]
    options = {"location": str(tmp_path)} if backend.endswith("FullDisk") else {}
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": backend, "OPTIONS": options}}
    return reason


@pytest.fixture
def full_disk(settings, tmp_path) -> str:
    settings.STORAGES = {
        **settings.STORAGES, "default": {"BACKEND": f"{__name__}.FullDisk", "OPTIONS": {"location": str(tmp_path)}},
    }
    return FULL


class Unchanged:
    """The database and the storage as they were: `check()` after the failed request."""

    def __init__(self):
        self.before = snapshot()

    def check(self) -> None:
        assert snapshot_diff(self.before, snapshot()) == []
        assert _listing() == []


def _pdf(name: str = "Разработка.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, f.TINY_PDF, content_type="application/pdf")


def _png(name: str = "Фото.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, f.TINY_PNG, content_type="image/png")


def _field_error(page: str, field_id: str) -> str:
    match = re.search(rf'id="{field_id}_error"[^>]*>(.*?)</div>', page, re.S)
    assert match, f"no error next to {field_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


# --- the file module ---------------------------------------------------------------------------


def test_a_full_disk_keeps_nothing_and_says_so_as_the_file_fields_error(db, full_disk, tmp_path, caplog):
    with pytest.raises(files.FileNotStored) as refused, files.files_atomic():
        files.file_store(upload=_pdf("План.pdf"), user=None)
    error = refused.value
    assert isinstance(error, files.FileRefused)
    assert error.message_dict == {files.UPLOAD_FIELD: [f"Не удалось сохранить файл «План.pdf»: {FULL}"]}
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # the half-written file went too
    assert not StoredFile.objects.exists()
    assert any(r.levelname == "ERROR" and "Хранилище не сохранило" in r.getMessage() for r in caplog.records)


def test_a_failing_thumbnail_takes_the_photo_with_it(db, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.SecondSaveFails"}}
    with pytest.raises(files.FileNotStored), files.files_atomic():
        files.file_store(upload=_png(), user=None)
    assert _listing() == []
    assert not StoredFile.objects.exists()


def test_bytes_of_the_portal_are_not_kept_when_the_storage_fails(db, failing_storage):
    with pytest.raises(files.FileNotStored) as refused, files.files_atomic():
        files.blob_store(name="protocols/2026/protocol.pdf", content=f.TINY_PDF, shown="protocol.pdf")
    assert refused.value.messages == [f"Не удалось сохранить файл «protocol.pdf»: {failing_storage}"]
    assert _listing() == []


# --- the upload paths --------------------------------------------------------------------------


@pytest.fixture
def references(db):
    EventForm.objects.get_or_create(name="Классный час")
    UpbringingDirection.objects.get_or_create(name="Патриотическое воспитание")


def _card(world, files) -> dict:
    return material_form(world, files, title="Урок мужества")


def test_the_bank_card_comes_back_with_the_reason_next_to_its_file(world, references, failing_storage):
    client = login(world.teacher)
    unchanged = Unchanged()
    response = client.post(reverse("meetings:material_create"), _card(world, [("scenario", _pdf("Сценарий.pdf"))]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Урок мужества"' in page and "Беседа, презентация, викторина." in page
    assert _field_error(page, "id_files-0-file") == f"Не удалось сохранить файл «Сценарий.pdf»: {failing_storage}"
    assert "Выбранные файлы не сохранены: выберите их ещё раз." in messages_of(response)
    assert not Material.objects.exists()
    unchanged.check()


def test_a_bank_card_whose_photos_thumbnail_fails_is_not_added(world, references, settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.SecondSaveFails"}}
    client = login(world.teacher)
    unchanged = Unchanged()
    response = client.post(reverse("meetings:material_create"), _card(world, [("photo", _png())]))
    assert response.status_code == 200
    assert f"Не удалось сохранить файл «Фото.png»: {FULL}" in _field_error(response.content.decode(), "id_files-0-file")
    unchanged.check()


@pytest.fixture
def signed_protocol(world) -> Protocol:
    protocol = f.build_protocol(world, n_items=1, n_attendees=2, theme="Итоги четверти")
    f.mark_signed(protocol)
    return protocol


def test_a_protocols_scan(world, signed_protocol, failing_storage):
    client = login(world.head)
    unchanged = Unchanged()
    response = client.post(
        reverse("meetings:protocol_scan_attach", args=[signed_protocol.pk]), {"file": _pdf("Скан.pdf")}, follow=True
    )
    assert response.status_code == 200
    assert messages_of(response) == [f"Не удалось сохранить файл «Скан.pdf»: {failing_storage}"]
    assert not ProtocolScan.objects.exists()
    unchanged.check()


def test_a_decisions_result_file(world, failing_storage):
    decision = f.decision_of(world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(10))
    client = login(world.teacher)
    unchanged = Unchanged()
    response = client.post(
        reverse("meetings:decision_file_add", args=[decision.pk]),
        {"file": _pdf(), "next": reverse("meetings:decisions")}, follow=True,
    )
    assert response.status_code == 200
    assert messages_of(response) == [f"Файл не приложен: Не удалось сохранить файл «Разработка.pdf»: {failing_storage}"]
    unchanged.check()


def test_a_plan_items_result_file_keeps_the_note(world, failing_storage):
    plan = f.plan_with_items(world.mo, world.year, n_items=2, status=AnnualPlan.Status.APPROVED)
    item = plan.items.order_by("position").first()
    client = login(world.head)
    unchanged = Unchanged()
    prefix = f"file-{item.pk}"
    response = client.post(
        reverse("associations:plan_item_file_add", args=[item.pk]),
        {f"{prefix}-file": _pdf(), f"{prefix}-note": "разработка классного часа к 9 мая"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    action = reverse("associations:plan_item_file_add", args=[item.pk])
    form = page[page.index(f'action="{action}"'):]
    form = " ".join(form[: form.index("</form>")].split())
    assert 'value="разработка классного часа к 9 мая"' in form  # the note typed, kept
    assert f"Не удалось сохранить файл «Разработка.pdf»: {failing_storage}" in form  # next to the field
    assert messages_of(response) == ["Файл не приложен: исправьте ошибки, отмеченные красным."]
    unchanged.check()


def test_the_checklists_document_keeps_its_title(world, failing_storage):
    client = login(world.head)
    unchanged = Unchanged()
    response = client.post(
        reverse("reports:checklist_upload", args=[world.mo.pk, world.year.start_year]),
        {"item": "order", "order-title": "Приказ № 112 от 29.08", "order-scope": "year",
         "order-file": _pdf("Приказ.pdf")},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Приказ № 112 от 29.08"' in page
    error = re.search(r'data-testid="file-error">(.*?)</div>', page, re.S)  # next to the field
    assert error and error.group(1) == f"Не удалось сохранить файл «Приказ.pdf»: {failing_storage}"
    assert messages_of(response) == ["Документ не загружен: исправьте ошибки, отмеченные красным."]
    unchanged.check()


# --- the actions that store a PDF --------------------------------------------------------------


def test_signing_on_a_full_disk_leaves_the_draft(world, full_disk, tmp_path):
    draft = f.build_protocol(world, n_items=1, n_attendees=2, theme="Итоги четверти")
    f.mark_the_rest_present(draft.meeting)
    client = login(world.head)
    unchanged = Unchanged()
    response = client.post(
        reverse("meetings:protocol_sign", args=[draft.pk]), {"confirm": "on", "votes_confirmed": "on"}, follow=True
    )
    assert response.status_code == 200
    assert messages_of(response) == [
        f"Протокол не подписан: Не удалось сохранить файл «{draft.file_name()}»: {FULL}"
    ]
    assert Protocol.objects.get(pk=draft.pk).status == Protocol.Status.DRAFT
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
    unchanged.check()


def test_a_signing_that_fails_after_its_pdf_was_stored_takes_the_pdf_back(world, monkeypatch):
    from meetings import services as meeting_services

    draft = f.build_protocol(world, n_items=1, n_attendees=2, theme="Итоги четверти")
    f.mark_the_rest_present(draft.meeting)

    def lost(*args, **kwargs):
        raise ConnectionError("the database went away after the PDF was stored")

    monkeypatch.setattr(Protocol, "save", lost)
    blobs = _listing()
    with pytest.raises(ConnectionError):
        meeting_services.protocol_sign(protocol=draft, user=world.head, votes_confirmed=True)
    assert _listing() == blobs
    assert Protocol.objects.get(pk=draft.pk).status == Protocol.Status.DRAFT


def test_accepting_an_analysis_on_a_full_disk_leaves_it_submitted(world, full_disk):
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    assert login(world.head).post(reverse("reports:analysis_submit", args=[analysis.pk])).status_code == 302
    assert Analysis.objects.get(pk=analysis.pk).status == Analysis.Status.SUBMITTED
    client = login(world.deputy)
    unchanged = Unchanged()
    response = client.post(reverse("reports:analysis_accept", args=[analysis.pk]), follow=True)
    assert response.status_code == 200
    assert [m for m in messages_of(response) if FULL in m] == [
        f"Не удалось сохранить файл «{analysis.file_name()}»: {FULL}"
    ]
    assert Analysis.objects.get(pk=analysis.pk).status == Analysis.Status.SUBMITTED
    unchanged.check()



# --- the temporary directory full while the request arrives -------------------------------------

HANDLERS = [
    "associations.files.uploads.FileLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "associations.files.uploads.TemporaryFileUploadHandler",
]


def _large_pdf(name: str = "Разработка.pdf") -> SimpleUploadedFile:
    """3 MB: over FILE_UPLOAD_MAX_MEMORY_SIZE, so the request's file goes to a temporary file."""
    return SimpleUploadedFile(name, f.TINY_PDF + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n")


@pytest.fixture
def temporary_dir(settings, tmp_path) -> Path:
    settings.FILE_UPLOAD_HANDLERS = HANDLERS
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    # a storage of this test's own (the default InMemoryStorage outlives the test)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    return tmp_path


def test_the_portal_uses_the_handler_that_survives_a_full_temporary_directory():
    from django.conf import settings

    assert settings.FILE_UPLOAD_HANDLERS == HANDLERS


def test_a_full_temporary_directory_fails_the_file_not_the_request(world, temporary_dir, monkeypatch):
    """The disk under FILE_UPLOAD_TEMP_DIR fills up after the first chunk: the page comes back with
    the reason next to the field and the note kept; the temporary file is gone."""
    from django.core.files import uploadhandler

    write = uploadhandler.TemporaryFileUploadHandler.receive_data_chunk

    def fills_up(self, raw_data, start):
        if start > 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return write(self, raw_data, start)

    monkeypatch.setattr(uploadhandler.TemporaryFileUploadHandler, "receive_data_chunk", fills_up)
    plan = f.plan_with_items(world.mo, world.year, n_items=1, status=AnnualPlan.Status.APPROVED)
    item = plan.items.get()
    client = login(world.head)
    unchanged = Unchanged()
    prefix = f"file-{item.pk}"
    response = client.post(
        reverse("associations:plan_item_file_add", args=[item.pk]),
        {f"{prefix}-file": _large_pdf(), f"{prefix}-note": "сценарий праздника"},
    )
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert 'value="сценарий праздника"' in page
    assert f"Не удалось сохранить файл «Разработка.pdf»: {FULL}" in page
    assert list(temporary_dir.iterdir()) == []
    unchanged.check()


def test_a_large_file_still_arrives_through_the_handler(world, temporary_dir):
    plan = f.plan_with_items(world.mo, world.year, n_items=1, status=AnnualPlan.Status.APPROVED)
    item = plan.items.get()
    prefix = f"file-{item.pk}"
    response = login(world.head).post(
        reverse("associations:plan_item_file_add", args=[item.pk]),
        {f"{prefix}-file": _large_pdf(), f"{prefix}-note": "сценарий праздника"},
    )
    assert response.status_code == 302
    assert item.files.get().file.size == len(_large_pdf().read())
    assert list(temporary_dir.iterdir()) == []


# --- the appointment order's scan in the admin ------------------------------------------------------


def test_the_admin_saves_the_appointment_and_says_the_scan_was_not_attached(world, failing_storage):
    from associations.models import Appointment

    appointment = Appointment.objects.get(association=world.mo, person=world.head_person, role=Appointment.Role.HEAD)
    client = login(world.admin)
    response = client.post(reverse("admin:associations_appointment_change", args=[appointment.pk]), {
        "order_number": "45-о/испр", "order_issuer": appointment.order_issuer, "ends_on": "",
        "order_scan_upload": SimpleUploadedFile("Приказ 45-о.pdf", f.TINY_PDF),
    }, follow=True)

    assert response.status_code == 200
    shown = " ".join(messages_of(response))
    assert "Скан приказа не приложен." in shown and failing_storage in shown
    appointment.refresh_from_db()
    assert appointment.order_number == "45-о/испр"  # the typed fields are saved
    assert not appointment.has_order_scan
    assert not StoredFile.objects.exists()
    assert _listing() == []
