"""Uploads never held whole in memory: the upload handler keeps at most 20 MB + 1 byte of a file
(a 60 MB upload is refused as «больше 20 МБ» without writing 60 MB to a temporary file), and
storing a 20 MB upload keeps the process's traced peak far under the file's size."""

import os
import tracemalloc

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile
from django.core.files.uploadhandler import load_handler
from django.http.multipartparser import MultiPartParser

from associations.files import services
from tests.associations.files import samples

MB = 1024 * 1024
BOUNDARY = "----rmo-test-boundary"


def _multipart_on_disk(path, *, size: int, head: bytes = b"%PDF-1.4\n") -> int:
    """A multipart body with one file of `size` bytes and a text field after it, written to
    `path` 1 MB at a time; its length."""
    with path.open("wb") as body:
        body.write(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="Презентация.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
        )
        body.write(head)
        left, zeros = size - len(head), bytes(MB)
        while left > 0:
            body.write(zeros[: min(left, MB)])
            left -= min(left, MB)
        body.write(
            f'\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name="title"\r\n\r\n'
            f"Классный час\r\n--{BOUNDARY}--\r\n".encode()
        )
    return path.stat().st_size


def _parse(path, length):
    meta = {"CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}", "CONTENT_LENGTH": str(length)}
    handlers = [load_handler(name, None) for name in settings.FILE_UPLOAD_HANDLERS]
    with path.open("rb") as stream:
        return MultiPartParser(meta, stream, handlers).parse()


def test_a_60_mb_upload_keeps_20_mb_and_one_byte_and_is_refused(db, tmp_path):
    length = _multipart_on_disk(tmp_path / "body", size=60 * MB)

    tracemalloc.start()
    try:
        post, files = _parse(tmp_path / "body", length)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    upload = files["file"]
    assert isinstance(upload, TemporaryUploadedFile)
    assert upload.size == services.FILE_MAX_BYTES + 1
    assert os.path.getsize(upload.temporary_file_path()) == services.FILE_MAX_BYTES + 1
    assert post["title"] == "Классный час"  # the fields after the file are still read
    assert peak < 8 * MB, peak
    before = samples.storage_listing()
    with pytest.raises(services.FileRefused) as refused:
        services.file_store(upload=upload, user=None)
    assert refused.value.messages[0].startswith("Файл «Презентация.pdf» больше 20 МБ:")
    assert samples.storage_listing() == before


@pytest.mark.parametrize(("size", "kind"), [(100_000, InMemoryUploadedFile), (3 * MB, TemporaryUploadedFile)])
def test_a_file_within_the_limit_arrives_whole(db, tmp_path, size, kind):
    length = _multipart_on_disk(tmp_path / "body", size=size)
    _post, files = _parse(tmp_path / "body", length)
    upload = files["file"]
    assert isinstance(upload, kind)
    assert upload.size == size
    assert upload.read(9) == b"%PDF-1.4\n"


def test_storing_a_20_mb_upload_keeps_the_peak_far_under_its_size(db, local_storage, user):
    upload = samples.temporary_upload("Доклад.pdf", 20 * MB)

    tracemalloc.start()
    try:
        stored = services.file_store(upload=upload, user=user)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert stored.size == 20 * MB
    assert default_storage.size(stored.storage_name) == 20 * MB
    assert (local_storage / stored.storage_name).is_file()
    assert peak < 2 * MB, peak


def test_the_upload_settings():
    assert settings.FILE_UPLOAD_HANDLERS[0] == "associations.files.uploads.FileLimitUploadHandler"
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 30
