"""The upload handler that keeps no more of a file than the file module will take.

First in FILE_UPLOAD_HANDLERS (rmo_portal/settings.py): it passes a file's bytes on to Django's
memory and temporary-file handlers up to FILE_MAX_BYTES + 1 and swallows the rest, so a 60 MB
upload is written to the temporary file as 20 MB + 1 byte, not 60 MB. The file still arrives
(a handler that skipped it would leave the form with «обязательное поле»), one byte over the
limit, and `services.file_check` refuses it with «Файл «…» больше 20 МБ». The request body is
still read to its end (the other fields come after the file); nginx bounds it
(client_max_body_size, docs/deploy.md).

`TemporaryFileUploadHandler`, last in the list in place of Django's, writes a file too large for
memory to the temporary directory as Django's does; when that disk is full (or fails) mid-file,
Django's would fail the whole request with a 500. This one deletes what it wrote, swallows the
rest of the file and hands on an empty `UploadNotKept` with the error: the other fields are
still read, and `services.file_check` refuses the file with «на сервере нет места» next to its
field, the form kept.
"""

from __future__ import annotations

import logging

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.core.files.uploadhandler import TemporaryFileUploadHandler as DjangoTemporaryFileUploadHandler

from associations.files.services import FILE_MAX_BYTES

logger = logging.getLogger(__name__)

KEPT_BYTES = FILE_MAX_BYTES + 1


class FileLimitUploadHandler(FileUploadHandler):
    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start >= KEPT_BYTES:
            return None  # past the limit: the next handlers never see it
        if start + len(raw_data) > KEPT_BYTES:
            return raw_data[: KEPT_BYTES - start]
        return raw_data

    def file_complete(self, file_size: int):
        return None  # the next handler (memory or temporary file) makes the file


class UploadNotKept(SimpleUploadedFile):
    """A file the server could not keep while the request arrived (`error`: the OSError of the
    temporary directory): no content, the size received (so that the form field does not take
    it for an empty file); `services.file_check` refuses it with the reason."""

    def __init__(self, name: str, content_type: str, size: int, error: OSError):
        super().__init__(name, b"", content_type)
        self.size = size
        self.not_kept = error


class TemporaryFileUploadHandler(DjangoTemporaryFileUploadHandler):
    """Django's handler, except that a temporary directory that fails (full: ENOSPC) fails the
    file only, not the request: see the module's docstring."""

    failed: OSError | None = None

    def new_file(self, *args, **kwargs):
        self.failed = None
        try:
            super().new_file(*args, **kwargs)
        except OSError as error:
            self._fail(error)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.failed is None:
            try:
                super().receive_data_chunk(raw_data, start)
            except OSError as error:
                self._fail(error)
        return None

    def file_complete(self, file_size: int):
        if self.failed is None:
            try:
                return super().file_complete(file_size)  # seek(0) flushes what is buffered
            except OSError as error:
                self._fail(error)
        return UploadNotKept(self.file_name, self.content_type, file_size, self.failed)

    def _fail(self, error: OSError) -> None:
        logger.error("Загружаемый файл «%s» не записан во временный каталог", self.file_name, exc_info=True)
        self.failed = error
        try:
            self.upload_interrupted()  # closes and deletes the temporary file
        except OSError:
            logger.warning("Временный файл «%s» не удалён", self.file_name, exc_info=True)
        if hasattr(self, "file"):
            del self.file
