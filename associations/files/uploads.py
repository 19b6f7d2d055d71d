"""The upload handler that keeps no more of a file than the file module will take.

First in FILE_UPLOAD_HANDLERS (rmo_portal/settings.py): it passes a file's bytes on to Django's
memory and temporary-file handlers up to FILE_MAX_BYTES + 1 and swallows the rest, so a 60 MB
upload is written to the temporary file as 20 MB + 1 byte, not 60 MB. The file still arrives
(a handler that skipped it would leave the form with «обязательное поле»), one byte over the
limit, and `services.file_check` refuses it with «Файл «…» больше 20 МБ». The request body is
still read to its end (the other fields come after the file); nginx bounds it
(client_max_body_size, docs/deploy.md).
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler

from associations.files.services import FILE_MAX_BYTES

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
