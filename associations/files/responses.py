"""Serving a stored file, only from a view that has checked its owner's access rule first: the
media directory is never published (docs/deploy.md, «Файлы»).

- `file_response`: streamed from storage (FileResponse), always as an attachment, with the content
  type of the detected type, `X-Content-Type-Options: nosniff`, `Content-Security-Policy: sandbox`
  (should a browser render it anyway, it runs nothing), `Cache-Control: private` and a safe
  `Content-Disposition`: an ASCII fallback name and the Russian name in RFC 5987 `filename*`.
- `thumbnail_response`: a bounded thumbnail (THUMBNAIL_SIZE) of a JPEG or PNG, **made at the
  upload** by `file_store` and kept in storage under a derived name (`services.thumbnail_name`,
  deleted with the file by `file_discard`): a view only reads it. For a file stored before, it is
  made once on first request (within the pixel limits) and kept; an image that does not decode
  leaves an empty blob there, so it is never decoded again. A non-image, a missing blob or an
  image Pillow refuses (a bomb, a damaged file) is a 404, never a 500.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from urllib.parse import quote

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotModified

from associations.files import services
from associations.files.models import StoredFile

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = services.THUMBNAIL_SIZE
THUMBNAIL_CACHE_SECONDS = 24 * 3600

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r", "s", "t",
         "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya"],
        strict=True,
    )
)


def ascii_filename(name: str) -> str:
    """A plain-ASCII stand-in of the name for old clients (`filename=`): Russian letters
    transliterated, anything else that is not a letter, digit, dot, dash or underscore as «_»."""
    letters = []
    for ch in name:
        lower = ch.lower()
        if lower in _TRANSLIT:
            out = _TRANSLIT[lower]
            letters.append(out.capitalize() if ch != lower else out)
        else:
            letters.append(unicodedata.normalize("NFKD", ch).encode("ascii", "ignore").decode("ascii") or "_")
    text = re.sub(r"[^A-Za-z0-9._-]+", "_", "".join(letters))
    text = re.sub(r"_+", "_", text).strip("._") or "file"
    stem, dot, extension = text.rpartition(".")
    if not dot or not stem:
        return text[:100]
    return f"{stem[:90]}.{extension[:10]}"


def content_disposition(name: str, *, inline: bool = False) -> str:
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_filename(name)}\"; filename*=UTF-8''{quote(name, safe='')}"


def _protect(response: HttpResponse) -> None:
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers.setdefault("Cache-Control", "private")


class _FileResponse(FileResponse):
    block_size = 64 * 1024  # FileResponse's 4 KB would be 5 000 reads of a 20 MB file (and of S3)


def file_response(stored: StoredFile) -> FileResponse:
    """The file, streamed from storage as a download (a 404 when its blob is gone)."""
    try:
        handle = default_storage.open(stored.storage_name, "rb")
    except (FileNotFoundError, OSError):
        logger.warning("Нет файла %s в хранилище (StoredFile %s)", stored.storage_name, stored.pk)
        raise Http404 from None
    response = _FileResponse(handle, content_type=services.CONTENT_TYPES[stored.type])
    response["Content-Disposition"] = content_disposition(stored.original_name)
    if stored.size and "Content-Length" not in response:
        response["Content-Length"] = str(stored.size)
    _protect(response)
    return response


def _stored_thumbnail(name: str) -> bytes | None:
    """The kept thumbnail (b"" for an image that does not decode), None when there is none."""
    try:
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None


def _keep(name: str, data: bytes) -> None:
    try:
        saved = default_storage.save(name, ContentFile(data))
        if saved != name:  # made at the same time by another request: keep one
            default_storage.delete(saved)
    except Exception:
        logger.warning("Миниатюра %s не сохранена", name, exc_info=True)


def _cached_thumbnail(stored: StoredFile) -> bytes:
    name = services.thumbnail_name(stored)
    data = _stored_thumbnail(name)
    if data is None:  # a file stored before thumbnails were made at the upload: made once, here
        try:
            handle = default_storage.open(stored.storage_name, "rb")
        except (FileNotFoundError, OSError):
            logger.warning("Нет файла %s в хранилище (StoredFile %s)", stored.storage_name, stored.pk)
            raise Http404 from None
        try:
            with handle:
                data = services.make_thumbnail(handle, stored.type)
        except Exception:  # a bomb, a damaged image: no thumbnail, never a 500, never decoded again
            logger.warning("Нет миниатюры для StoredFile %s", stored.pk, exc_info=True)
            data = b""
        _keep(name, data)
    if not data:
        raise Http404
    return data


def thumbnail_response(stored: StoredFile, request: HttpRequest | None = None) -> HttpResponse:
    """A thumbnail of an image (at most THUMBNAIL_SIZE), inline; 404 for a non-image or an image
    Pillow refuses. With the request, a repeated view gets 304 by the file's SHA-256."""
    if not stored.is_image:
        raise Http404
    etag = f'"{stored.sha256[:32]}-t"'
    if request is not None and etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(_cached_thumbnail(stored), content_type=services.CONTENT_TYPES[stored.type])
        response["Content-Disposition"] = content_disposition(stored.original_name, inline=True)
    response["ETag"] = etag
    response["Cache-Control"] = f"private, max-age={THUMBNAIL_CACHE_SECONDS}"
    _protect(response)
    return response
