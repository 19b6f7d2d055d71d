"""Every upload of the portal goes through here: checked, then stored, then served by responses.py.

- **Check** (`file_check`): the size first (FILE_MAX_BYTES a file, and the `budget` of bytes the
  caller still allows, CARD_MAX_BYTES a card), then the type *by content*, never by name: the
  signature through `filetype`, `%PDF-` for a PDF; a zip is opened with bounded decompression
  (the number of members, the declared unpacked size and the compression ratio are checked before
  anything is read; only `[Content_Types].xml` of OOXML or `mimetype` of ODF is read, a bounded
  number of bytes) and its manifest decides DOCX/XLSX/PPTX or ODT/ODS/ODP; a JPEG or PNG is
  opened by Pillow within its decompression-bomb limit. Anything else is refused with a Russian
  message naming the file and what it really is. Nothing is stored by a check.
- **Name**: the original name is kept for display only, cleaned (`clean_name`): path parts (/ and
  \\), control, format and bidirectional characters (U+202A–U+202E, U+2066–U+2069, U+200E/F …),
  leading dots go; it is trimmed to ORIGINAL_NAME_MAX_LENGTH keeping the extension. **The
  extension is corrected to the detected type** (`x.pdf` that is a PNG is kept as `x.png`): the
  content decides, and the name the user downloads then opens in the right program.
- **Store** (`file_store`): the upload is read twice in chunks (`upload.chunks()`: SHA-256 and
  the real size; then `default_storage.save`, which streams), never whole into memory, under a
  generated name `files/<yyyy>/<mm>/<uuid4 hex>` with no user text in it. Any Django storage
  works (local FileSystemStorage, S3 through django-storages, InMemoryStorage in the tests):
  nothing here calls `.path()`.
- **Transactions** (`files_atomic`): a blob is not part of the database's transaction, so a
  service that stores files does it inside `files_atomic()`, which deletes the blobs written
  inside it when the block raises. `file_discard` deletes the row at once and the blob (and its
  cached thumbnail) once the transaction commits.

- **Faults**: when the storage fails to save (the disk full: ENOSPC/EDQUOT; any other OSError or
  error of the storage's client, such as django-storages' S3 client), `file_store` deletes what
  was written under the generated name, logs the failure for the admin and raises
  `FileNotStored`: a FileRefused (so every service and view that refuses a bad file refuses this
  one the same way) whose Russian reason («на сервере нет места», «хранилище не приняло»)
  is an error of the form's field UPLOAD_FIELD, so that the form comes back with all else typed.

The upload handler of `associations.files.uploads` stops keeping a file's bytes past
FILE_MAX_BYTES + 1, so a 60 MB upload is never written whole to a temporary file, and is still
refused here as «больше 20 МБ».
"""

from __future__ import annotations

import errno
import hashlib
import io
import logging
import re
import struct
import threading
import unicodedata
import uuid
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from xml.etree import ElementTree

import filetype
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.files.models import ORIGINAL_NAME_MAX_LENGTH, StoredFile

logger = logging.getLogger(__name__)

MB = 1024 * 1024
FILE_MAX_BYTES = 20 * MB
CARD_MAX_BYTES = 100 * MB

Type = StoredFile.Type
DOCUMENT_TYPES: frozenset[str] = frozenset({Type.PDF, Type.DOCX, Type.XLSX, Type.PPTX, Type.ODT, Type.ODS, Type.ODP})
IMAGE_TYPES: frozenset[str] = frozenset({Type.JPEG, Type.PNG})
ALL_TYPES: frozenset[str] = DOCUMENT_TYPES | IMAGE_TYPES
# Not a stored type: a plain-text table, accepted by `file_check(..., csv=True)` for the admin's
# imports only (associations/sheets.py), which read it and store nothing. `file_store` never
# accepts it.
CSV = "csv"

# The display name's extension for each type, and the extensions that already name it.
EXTENSIONS: dict[str, str] = {
    Type.PDF: "pdf", Type.DOCX: "docx", Type.XLSX: "xlsx", Type.PPTX: "pptx",
    Type.ODT: "odt", Type.ODS: "ods", Type.ODP: "odp", Type.JPEG: "jpg", Type.PNG: "png", CSV: "csv",
}
_SAME_EXTENSIONS: dict[str, frozenset[str]] = {
    Type.JPEG: frozenset({"jpg", "jpeg", "jpe", "jfif"}),
    CSV: frozenset({"csv", "txt", "tsv"}),
}
CONTENT_TYPES: dict[str, str] = {
    Type.PDF: "application/pdf",
    Type.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    Type.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Type.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    Type.ODT: "application/vnd.oasis.opendocument.text",
    Type.ODS: "application/vnd.oasis.opendocument.spreadsheet",
    Type.ODP: "application/vnd.oasis.opendocument.presentation",
    Type.JPEG: "image/jpeg",
    Type.PNG: "image/png",
    CSV: "text/csv",
}

# How much of the file the signature is read from (filetype reads at most 8 KB too).
HEAD_BYTES = 8192
# A zip is refused before anything is unpacked when it has more members than this, declares more
# unpacked bytes than this in all, or (above ZIP_RATIO_FROM unpacked bytes) unpacks to more than
# ZIP_MAX_RATIO times its packed size: a real document of 20 MB is a few hundred members and
# rarely over 20:1; a zip bomb is a thousand to one.
ZIP_MAX_MEMBERS = 10_000
# The central directory (one record of 46 bytes and the name for each member) is read whole by
# `zipfile.ZipFile()` before a member is counted: its size and count, declared in the end record
# (the last 64 KB + 22 bytes of the file), are checked first. 10 000 members of a real document
# take well under 2 MB.
ZIP_MAX_DIRECTORY_BYTES = 2 * MB
ZIP_TAIL_BYTES = 65535 + 22
ZIP_MAX_UNPACKED_BYTES = 512 * MB
ZIP_MAX_RATIO = 100
ZIP_RATIO_FROM = 10 * MB
# What is read of a manifest member at the most.
MANIFEST_MAX_BYTES = 1 * MB
MIMETYPE_MAX_BYTES = 256

_OOXML = "application/vnd.openxmlformats-officedocument"
OOXML_MAIN_TYPES: dict[str, str] = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": Type.DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": Type.XLSX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": Type.PPTX,
}
# Office files we recognise but do not take, with what they are.
_MACROS = "macroenabled.main"
OOXML_OTHER_TYPES: dict[str, str] = {
    f"application/vnd.ms-word.document.{_MACROS}+xml": gettext_lazy("документ Word с макросами (DOCM)"),
    f"application/vnd.ms-excel.sheet.{_MACROS}+xml": gettext_lazy("книга Excel с макросами (XLSM)"),
    f"application/vnd.ms-powerpoint.presentation.{_MACROS}+xml": gettext_lazy(
        "презентация PowerPoint с макросами (PPTM)"
    ),
    f"application/vnd.ms-excel.sheet.binary.{_MACROS}": gettext_lazy("двоичная книга Excel (XLSB)"),
    f"{_OOXML}.wordprocessingml.template.main+xml": gettext_lazy("шаблон Word (DOTX)"),
    f"{_OOXML}.spreadsheetml.template.main+xml": gettext_lazy("шаблон Excel (XLTX)"),
    f"{_OOXML}.presentationml.template.main+xml": gettext_lazy("шаблон PowerPoint (POTX)"),
    f"{_OOXML}.presentationml.slideshow.main+xml": gettext_lazy("демонстрация PowerPoint (PPSX)"),
}
ODF_TYPES: dict[str, str] = {
    "application/vnd.oasis.opendocument.text": Type.ODT,
    "application/vnd.oasis.opendocument.spreadsheet": Type.ODS,
    "application/vnd.oasis.opendocument.presentation": Type.ODP,
}
PILLOW_FORMATS: dict[str, str] = {Type.JPEG: "JPEG", Type.PNG: "PNG"}
# An image above this many pixels is refused by its header, before it is decoded (Pillow's own
# limit, MAX_IMAGE_PIXELS, is 89 million): 40 million is a 7 700 × 5 200 photo, and decoding it
# for its thumbnail takes 160 MB at the most, once, at the upload.
IMAGE_MAX_PIXELS = 40_000_000
THUMBNAIL_SIZE = (320, 320)
# A real PDF ends with «%%EOF», perhaps followed by a line end or a few bytes of junk.
PDF_TAIL_BYTES = 2048

# What a refused file is, by the extension filetype gives it.
_DESCRIPTIONS: dict[str, str] = {
    "exe": gettext_lazy("исполняемый файл Windows (EXE)"),
    "elf": gettext_lazy("исполняемый файл Linux (ELF)"),
    "wasm": gettext_lazy("программа WebAssembly"),
    "swf": gettext_lazy("ролик Flash (SWF)"),
    "crx": gettext_lazy("расширение браузера"),
    "deb": gettext_lazy("пакет программы (DEB)"),
    "rpm": gettext_lazy("пакет программы (RPM)"),
    "cab": gettext_lazy("архив CAB"),
    "zip": gettext_lazy("ZIP-архив"),
    "rar": gettext_lazy("архив RAR"),
    "7z": gettext_lazy("архив 7z"),
    "tar": gettext_lazy("архив TAR"),
    "gz": gettext_lazy("архив gzip"),
    "bz2": gettext_lazy("архив bzip2"),
    "xz": gettext_lazy("архив xz"),
    "zst": gettext_lazy("архив zstd"),
    "epub": gettext_lazy("электронная книга EPUB"),
    "rtf": gettext_lazy("документ RTF"),
    "doc": gettext_lazy("документ старого формата Word (DOC)"),
    "xls": gettext_lazy("таблица старого формата Excel (XLS)"),
    "ppt": gettext_lazy("презентация старого формата PowerPoint (PPT)"),
    "ps": gettext_lazy("файл PostScript"),
    "sqlite": gettext_lazy("база данных SQLite"),
    "gif": gettext_lazy("изображение GIF"),
    "webp": gettext_lazy("изображение WebP"),
    "bmp": gettext_lazy("изображение BMP"),
    "tif": gettext_lazy("изображение TIFF"),
    "heic": gettext_lazy("фотография HEIC"),
    "avif": gettext_lazy("изображение AVIF"),
    "psd": gettext_lazy("файл Photoshop (PSD)"),
    "ico": gettext_lazy("значок ICO"),
    "jpx": gettext_lazy("изображение JPEG 2000"),
    "dwg": gettext_lazy("чертёж AutoCAD (DWG)"),
}
_CATEGORY_DESCRIPTIONS: dict[str, str] = {
    "image": gettext_lazy("изображение %(ext)s"),
    "video": gettext_lazy("видео %(ext)s"),
    "audio": gettext_lazy("аудиофайл %(ext)s"),
    "font": gettext_lazy("шрифт %(ext)s"),
    "archive": gettext_lazy("файл %(ext)s"),
    "application": gettext_lazy("файл %(ext)s"),
    "document": gettext_lazy("документ %(ext)s"),
}
_HOW_TO_FIX: dict[str, str] = {
    "doc": gettext_lazy("сохраните его в Word как DOCX"),
    "xls": gettext_lazy("сохраните её в Excel как XLSX"),
    "ppt": gettext_lazy("сохраните её в PowerPoint как PPTX"),
    "rtf": gettext_lazy("сохраните его как DOCX или PDF"),
    "heic": gettext_lazy("сохраните фотографию как JPEG"),
    "webp": gettext_lazy("сохраните изображение как JPEG или PNG"),
    "gif": gettext_lazy("сохраните изображение как PNG"),
    "bmp": gettext_lazy("сохраните изображение как PNG"),
    "tif": gettext_lazy("сохраните изображение как PNG или PDF"),
}
# The leading bytes that make a browser take a text as HTML (WHATWG MIME sniffing, «text/html»).
_HTML_OPENINGS = (
    b"<!doctype html", b"<html", b"<head", b"<script", b"<iframe", b"<h1", b"<div", b"<font", b"<table",
    b"<a", b"<style", b"<title", b"<b", b"<body", b"<br", b"<p", b"<!--", b"<meta", b"<form", b"<img",
    b"<svg", b"<object", b"<embed", b"<link", b"<base",
)
_HTML_TAG_END = frozenset(b" \t\n\r\x0c>/")
# The bytes no text has (WHATWG MIME sniffing, «binary data byte»).
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")

# Stripped from a display name: controls (Cc), format characters (Cf: the bidirectional overrides
# and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E/U+200F/U+061C, zero-width
# characters, the BOM), line and paragraph separators, surrogates, private use, unassigned.
_STRIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_EXTENSION_RE = re.compile(r"^[A-Za-z0-9]{1,10}$")


class FileRefused(ValidationError):
    """An upload the portal does not take, with the reason in Russian (shown next to the field)."""

    def __init__(self, message: str, code: str = "file_refused"):
        super().__init__(message, code=code)


#: The name every upload form of the portal gives its UploadField. A file the storage did not take
#: (`FileNotStored`) is an error of this field, so that a view that shows a service's errors next
#: to its form's fields (`rmo_portal.editors.errors_fit`) keeps the form and all else typed.
UPLOAD_FIELD = "file"

#: The errors by which a disk (or a quota) says it is full.
_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


class FileNotStored(FileRefused):
    """A checked upload the storage did not take: the disk full, the object store refusing or out
    of reach. Nothing of it is kept (`file_store` deletes what was written); the Russian reason is
    an error of the form's UPLOAD_FIELD."""

    def __init__(self, message: str, code: str = "file_not_stored"):
        ValidationError.__init__(self, {UPLOAD_FIELD: [ValidationError(message, code=code)]})


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed `file_check`: its detected type, real size and display name."""

    upload: File
    type: str  # a StoredFile.Type, or CSV (imports only)
    size: int
    name: str  # cleaned, with the detected type's extension

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.type]

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.type]


# --- names ---------------------------------------------------------------------------------------


def _split_extension(name: str, *, empty_stem: bool = False) -> tuple[str, str]:
    stem, dot, extension = name.rpartition(".")
    if dot and (stem or empty_stem) and _EXTENSION_RE.match(extension):
        return stem, extension
    return name, ""


def clean_name(name: str | None, *, type: str | None = None) -> str:
    """The name as the portal shows and offers it for download: the last path part, without
    control, format or bidirectional characters, no leading dots, at most ORIGINAL_NAME_MAX_LENGTH
    characters with the extension kept; with `type`, the extension is that type's (`x.pdf` of a PNG
    becomes `x.png`). An empty name becomes «файл.<ext>»."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(
        " " if ch.isspace() else ch for ch in text if unicodedata.category(ch) not in _STRIPPED_CATEGORIES
        or ch in "\t\n\r"
    )
    text = re.sub(r"\s+", " ", text).strip().rstrip(". ")
    stem, extension = _split_extension(text, empty_stem=True)
    if type is not None:
        wanted = EXTENSIONS[type]
        if extension.lower() not in _SAME_EXTENSIONS.get(type, frozenset({wanted})):
            extension = wanted
    stem = stem.strip().lstrip(". ").rstrip(". ")
    if not stem:
        stem = _("файл")
    if extension:
        room = ORIGINAL_NAME_MAX_LENGTH - len(extension) - 1
        return f"{stem[:room].rstrip(' .')}.{extension}"
    return stem[:ORIGINAL_NAME_MAX_LENGTH].rstrip(" .") or _("файл")


def _label(type: str) -> str:
    return "CSV" if type == CSV else str(Type(type).label)


def _labels(types: Iterable[str]) -> str:
    order = [*Type.values, CSV]
    return ", ".join(_label(t) for t in sorted(types, key=order.index))


def _declared_type(name: str) -> str | None:
    """The type the file's name claims, by its extension."""
    _stem, extension = _split_extension(name)
    extension = extension.lower()
    for type, wanted in EXTENSIONS.items():
        if extension in _SAME_EXTENSIONS.get(type, frozenset({wanted})):
            return type
    return None


# --- the checks ----------------------------------------------------------------------------------


def _size_of(upload: File) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        raise FileRefused(_("Не удалось определить размер файла."), code="file_size")
    return int(size)


def _too_large(name: str) -> FileRefused:
    return FileRefused(
        _("Файл «%(name)s» больше %(limit)s МБ: уменьшите его (сожмите фотографии, сохраните презентацию "
          "без лишних слайдов) или разделите на части.")
        % {"name": name, "limit": FILE_MAX_BYTES // MB},
        code="file_size",
    )


def _over_budget(name: str, size: int, budget: int) -> FileRefused:
    if budget <= 0:
        message = _("Файл «%(name)s» не добавлен: у карточки уже %(limit)s МБ файлов, больше нельзя.") % {
            "name": name, "limit": CARD_MAX_BYTES // MB,
        }
    else:
        message = _(
            "Файл «%(name)s» (%(size)s) не помещается: файлов у карточки может быть не больше %(limit)s МБ, "
            "осталось %(left)s."
        ) % {"name": name, "size": filesizeformat(size), "limit": CARD_MAX_BYTES // MB, "left": filesizeformat(budget)}
    return FileRefused(message, code="file_budget")


def _read_head(upload: File) -> bytes:
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if isinstance(head, str):
        head = head.encode("utf-8")
    return head or b""


def _refused_as(name: str, what: str, *, allowed: Iterable[str], fix: str = "") -> FileRefused:
    """«Файл «x.pdf» — не PDF, а исполняемый файл Windows (EXE): …»."""
    declared = _declared_type(name)
    params = {"name": name, "what": what, "declared": _label(declared) if declared else "", "allowed": _labels(allowed)}
    if declared:
        message = _("Файл «%(name)s» — не %(declared)s, а %(what)s") % params
    else:
        message = _("Файл «%(name)s» — %(what)s") % params
    if fix:
        message += f": {fix}. " + _("Можно загрузить: %(allowed)s.") % params
    else:
        message += ": " + _("такие файлы не принимаются. Можно загрузить: %(allowed)s.") % params
    return FileRefused(message, code="file_type")


def _unknown(name: str, *, allowed: Iterable[str]) -> FileRefused:
    return FileRefused(
        _("Файл «%(name)s»: тип не распознан — это не документ и не изображение, которые принимает портал. "
          "Можно загрузить: %(allowed)s.")
        % {"name": name, "allowed": _labels(allowed)},
        code="file_type",
    )


def _corrupt(name: str, what: str) -> FileRefused:
    return FileRefused(
        _("Файл «%(name)s» повреждён: %(what)s. Откройте его на своём компьютере и сохраните заново.")
        % {"name": name, "what": what},
        code="file_corrupt",
    )


def _looks_like_html(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf").lstrip(b" \t\n\r\x0c").lower()
    for opening in _HTML_OPENINGS:
        if text.startswith(opening) and (opening == b"<!--" or len(text) == len(opening)
                                         or text[len(opening)] in _HTML_TAG_END):
            return True
    return b"<script" in text or b"<html" in text


def _looks_like_text(head: bytes) -> bool:
    """No control byte a text never has, no UTF-16 mark: a CSV in any single-byte or UTF-8
    encoding (the import says which encoding it wants)."""
    return not _BINARY_BYTES.search(head) and not head.startswith((b"\xff\xfe", b"\xfe\xff"))


def _is_utf8_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start >= len(head) - 3  # a character cut by the end of the head
    return True


def _zip_type(upload: File, name: str, *, allowed: Iterable[str]) -> str:
    """DOCX/XLSX/PPTX by the main part of [Content_Types].xml, ODT/ODS/ODP by `mimetype`; the
    archive's declared sizes checked before a byte is unpacked."""
    _zip_directory_check(upload, name)
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _corrupt(name, _("архив документа не читается")) from None
    try:
        members = archive.infolist()
        if len(members) > ZIP_MAX_MEMBERS:
            raise _too_many_members(name)
        unpacked = sum(m.file_size for m in members)
        packed = sum(m.compress_size for m in members)
        too_dense = unpacked > ZIP_RATIO_FROM and unpacked > ZIP_MAX_RATIO * max(packed, 1)
        if unpacked > ZIP_MAX_UNPACKED_BYTES or too_dense:
            raise _bomb(name)
        by_name = {m.filename: m for m in members}
        if "mimetype" in by_name:
            mimetype = _read_member(archive, by_name["mimetype"], MIMETYPE_MAX_BYTES, name).decode("ascii", "replace")
            mimetype = mimetype.strip().lower()
            if mimetype in ODF_TYPES:
                return ODF_TYPES[mimetype]
            if mimetype.startswith("application/vnd.oasis.opendocument."):
                raise _refused_as(name, _("документ OpenDocument другого вида (%(type)s)") % {"type": mimetype},
                                  allowed=allowed)
            if mimetype == "application/epub+zip":
                raise _refused_as(name, str(_DESCRIPTIONS["epub"]), allowed=allowed)
        if "[Content_Types].xml" in by_name:
            manifest = _read_member(archive, by_name["[Content_Types].xml"], MANIFEST_MAX_BYTES, name)
            return _ooxml_type(manifest, name, allowed=allowed)
    finally:
        archive.close()
        upload.seek(0)
    raise _refused_as(name, str(_DESCRIPTIONS["zip"]), allowed=allowed)


def _zip_directory_check(upload: File, name: str) -> None:
    """The number of members and the size of the central directory as the end record declares
    them (the ZIP64 one too), read from the file's last ZIP_TAIL_BYTES: refused above
    ZIP_MAX_MEMBERS or ZIP_MAX_DIRECTORY_BYTES before `zipfile.ZipFile()` reads the directory.
    An archive without an end record is left to ZipFile to refuse."""
    upload.seek(0, io.SEEK_END)
    end = upload.tell()
    upload.seek(max(0, end - ZIP_TAIL_BYTES))
    tail = upload.read(ZIP_TAIL_BYTES)
    upload.seek(0)
    at = len(tail) - 22  # as zipfile looks for it: an end record without a comment, else the last one
    if at < 0 or tail[at:at + 4] != b"PK\x05\x06" or tail[-2:] != b"\x00\x00":
        at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        return
    _sig, _disk, _cd_disk, _here, entries, directory, _offset, _comment = struct.unpack("<4s4H2LH", tail[at:at + 22])
    locator = at - 20
    if locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
        record = locator - 56  # where zipfile reads the ZIP64 end record: just before its locator
        if record < 0 or tail[record:record + 4] != b"PK\x06\x06":
            raise _corrupt(name, _("архив документа не читается"))
        entries, directory = struct.unpack("<QQ", tail[record + 32:record + 48])
    if entries > ZIP_MAX_MEMBERS or directory > ZIP_MAX_DIRECTORY_BYTES:
        raise _too_many_members(name)


def _too_many_members(name: str) -> FileRefused:
    return FileRefused(
        _("Файл «%(name)s»: слишком много файлов внутри архива (больше %(limit)s) — так устроены «zip-бомбы», "
          "такие файлы не принимаются.")
        % {"name": name, "limit": f"{ZIP_MAX_MEMBERS:,}".replace(",", "\u00a0")},
        code="file_bomb",
    )


def _bomb(name: str) -> FileRefused:
    return FileRefused(
        _("Файл «%(name)s» — архив, который распаковывается в слишком большой объём (больше %(limit)s МБ или "
          "сжат слишком сильно): так устроены «zip-бомбы», такие файлы не принимаются.")
        % {"name": name, "limit": ZIP_MAX_UNPACKED_BYTES // MB},
        code="file_bomb",
    )


def _read_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limit: int, name: str) -> bytes:
    """At most `limit` bytes of one member (whatever its header declares)."""
    if member.flag_bits & 0x1:
        raise _corrupt(name, _("документ зашифрован паролем — снимите пароль и загрузите снова"))
    try:
        with archive.open(member) as handle:
            data = handle.read(limit + 1)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError):
        raise _corrupt(name, _("архив документа не читается")) from None
    if len(data) > limit:
        raise _corrupt(name, _("описание содержимого документа слишком велико"))
    return data


def _ooxml_type(manifest: bytes, name: str, *, allowed: Iterable[str]) -> str:
    if b"<!DOCTYPE" in manifest.upper() or b"<!ENTITY" in manifest.upper():
        raise _corrupt(name, _("описание содержимого документа не читается"))
    try:
        root = ElementTree.fromstring(manifest)  # noqa: S314 (no DTD, bounded: checked above)
    except ElementTree.ParseError:
        raise _corrupt(name, _("описание содержимого документа не читается")) from None
    found: set[str] = set()
    other: set[str] = set()
    for element in root:
        content_type = (element.get("ContentType") or "").strip().lower()
        if content_type in OOXML_MAIN_TYPES:
            found.add(OOXML_MAIN_TYPES[content_type])
        elif content_type in OOXML_OTHER_TYPES:
            other.add(OOXML_OTHER_TYPES[content_type])
    if len(found) == 1 and not other:
        return found.pop()
    if other:
        raise _refused_as(name, sorted(str(o) for o in other)[0], allowed=allowed,
                          fix=_("сохраните его как обычный документ (DOCX, XLSX или PPTX)"))
    raise _refused_as(name, _("архив Office неизвестного вида"), allowed=allowed)


def _pdf_check(upload: File, name: str) -> None:
    """A PDF ends with «%%EOF» within its last PDF_TAIL_BYTES: a file that only starts as one is
    refused."""
    upload.seek(0, io.SEEK_END)
    end = upload.tell()
    upload.seek(max(0, end - PDF_TAIL_BYTES))
    tail = upload.read(PDF_TAIL_BYTES)
    upload.seek(0)
    if isinstance(tail, str):
        tail = tail.encode("utf-8")
    if b"%%EOF" not in (tail or b""):
        raise _corrupt(name, _("это не целый PDF — у него нет конца, возможно, он сохранён или загружен не до конца"))


_strict_lock = threading.Lock()


@contextmanager
def _strict_decoding() -> Iterator[None]:
    """Pillow refuses a truncated image while this runs. WeasyPrint (reports/rendering.py) sets
    `ImageFile.LOAD_TRUNCATED_IMAGES = True` for the whole process when it is imported, after which
    a truncated image would decode (the rest grey) and pass; the flag is set back afterwards."""
    from PIL import ImageFile

    with _strict_lock:
        before = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = before


def image_pixels_limit() -> int:
    """IMAGE_MAX_PIXELS, or Pillow's MAX_IMAGE_PIXELS if that is lower."""
    from PIL import Image

    return min(IMAGE_MAX_PIXELS, Image.MAX_IMAGE_PIXELS or IMAGE_MAX_PIXELS)


def _image_check(upload: File, name: str, type: str) -> None:
    """The image opens as what its signature says, with at most `image_pixels_limit()` pixels by
    its header (checked before anything is decoded)."""
    from PIL import Image

    upload.seek(0)
    try:
        with _strict_decoding(), warnings.catch_warnings():
            # over Pillow's limit is over ours: the size is checked below, with the size said
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[PILLOW_FORMATS[type]]) as image:
                width, height = image.size
                if width * height > image_pixels_limit():
                    raise image_bomb(name, (width, height))
                image.verify()
    except FileRefused:
        raise
    except Image.DecompressionBombError:
        raise image_bomb(name) from None
    except Exception:  # a damaged image fails in many ways (OSError, SyntaxError, struct.error …)
        raise _corrupt(name, _("изображение не открывается")) from None
    finally:
        upload.seek(0)


def image_bomb(name: str, size: tuple[int, int] | None = None) -> FileRefused:
    params = {"name": name, "limit": image_pixels_limit() // 1_000_000}
    if size is None:
        message = _("Изображение «%(name)s» слишком большое: больше %(limit)s млн точек. "
                    "Уменьшите его и загрузите снова.") % params
    else:
        message = _("Изображение «%(name)s» слишком большое: %(width)s×%(height)s точек, не больше %(limit)s млн "
                    "точек. Уменьшите его и загрузите снова.") % {**params, "width": size[0], "height": size[1]}
    return FileRefused(message, code="file_bomb")


def _damaged_image(name: str) -> FileRefused:
    return FileRefused(
        _("Изображение «%(name)s» повреждено: оно не открывается целиком. Откройте его на своём компьютере и "
          "сохраните заново.") % {"name": name},
        code="file_corrupt",
    )


def make_thumbnail(handle, type: str) -> bytes:
    """A thumbnail (at most THUMBNAIL_SIZE, upright) of a JPEG or PNG read from `handle`, in the
    same format; one decode, a JPEG at a reduced size (`draft`), within the pixel limits. Raises
    whatever Pillow raises for a damaged image, DecompressionBombError above the limits."""
    from PIL import Image, ImageOps

    with _strict_decoding(), warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        with Image.open(handle, formats=[PILLOW_FORMATS[type]]) as image:
            if image.width * image.height > image_pixels_limit():
                raise Image.DecompressionBombError("over the portal's pixel limit")
            image.draft("RGB", (THUMBNAIL_SIZE[0] * 2, THUMBNAIL_SIZE[1] * 2))  # a JPEG decodes at 1/2…1/8
            image.load()  # the one decode: a truncated or damaged image fails here
            thumb = ImageOps.exif_transpose(image)
            thumb.thumbnail(THUMBNAIL_SIZE)
            out = io.BytesIO()
            if type == Type.PNG:
                if thumb.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                    thumb = thumb.convert("RGBA")
                thumb.save(out, format="PNG", optimize=True)
            else:
                if thumb.mode not in ("L", "RGB"):
                    thumb = thumb.convert("RGB")
                thumb.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _upload_thumbnail(upload: File, checked: CheckedUpload) -> bytes:
    from PIL import Image

    upload.seek(0)
    try:
        return make_thumbnail(upload, checked.type)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise image_bomb(checked.name) from None
    except Exception:  # a damaged image fails in many ways (OSError, SyntaxError, struct.error …)
        raise _damaged_image(checked.name) from None
    finally:
        upload.seek(0)


def _detect(upload: File, name: str, *, allowed: frozenset[str], csv: bool) -> str:
    head = _read_head(upload)
    if not head:
        raise FileRefused(_("Файл «%(name)s» пуст.") % {"name": name}, code="file_empty")
    if head.startswith(b"%PDF-"):
        _pdf_check(upload, name)
        return Type.PDF
    kind = filetype.guess(head)
    extension = kind.extension if kind is not None else ""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")) or extension in {
        "zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub",
    }:
        return _zip_type(upload, name, allowed=allowed)
    if extension == "jpg" and head.startswith(b"\xff\xd8\xff"):
        _image_check(upload, name, Type.JPEG)
        return Type.JPEG
    if extension in {"png", "apng"} and head.startswith(b"\x89PNG\r\n\x1a\n"):
        _image_check(upload, name, Type.PNG)
        return Type.PNG
    if kind is not None:
        what = _DESCRIPTIONS.get(extension)
        if what is None:
            category = type(kind).__module__.rsplit(".", 1)[-1]
            what = _CATEGORY_DESCRIPTIONS.get(category, _CATEGORY_DESCRIPTIONS["application"])
            what = str(what) % {"ext": extension.upper()}
        raise _refused_as(name, str(what), allowed=allowed, fix=str(_HOW_TO_FIX.get(extension, "")))
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise _refused_as(name, _("документ старого формата Microsoft Office или документ с паролем"),
                          allowed=allowed, fix=_("сохраните его в новом формате (DOCX, XLSX, PPTX) без пароля"))
    if b"<svg" in head.lower() and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise _refused_as(name, _("изображение SVG (в нём может быть программа-скрипт)"), allowed=allowed,
                          fix=_("сохраните его как PNG"))
    if _looks_like_html(head):
        raise _refused_as(name, _("похоже на HTML-страницу"), allowed=allowed,
                          fix=_("сохраните страницу как PDF"))
    if _looks_like_text(head):
        if csv:
            return CSV
        if _is_utf8_text(head):
            raise _refused_as(name, _("текстовый файл"), allowed=allowed, fix=_("сохраните его как DOCX или PDF"))
    raise _unknown(name, allowed=allowed)


def file_check(
    upload: File, *, allowed: Iterable[str] = ALL_TYPES, budget: int | None = None, csv: bool = False
) -> CheckedUpload:
    """The upload's type by content, its size within FILE_MAX_BYTES and `budget` (the bytes the
    caller still allows, e.g. CARD_MAX_BYTES less a card's files), and its cleaned display name;
    a FileRefused with the reason otherwise. Stores nothing. `csv=True` (imports only) also takes
    a plain-text table, as type CSV."""
    allowed = frozenset(allowed)
    raw_name = getattr(upload, "name", "") or ""
    shown = clean_name(raw_name)
    not_kept = getattr(upload, "not_kept", None)  # the request's temporary file failed (uploads.py)
    if not_kept is not None:
        message, code = _not_stored_reason(shown, not_kept)
        raise FileRefused(message, code=code)
    size = _size_of(upload)
    if size > FILE_MAX_BYTES:
        raise _too_large(shown)
    if budget is not None and size > budget:
        raise _over_budget(shown, size, budget)
    detected = _detect(upload, shown, allowed=allowed | ({CSV} if csv else set()), csv=csv)
    if detected != CSV and detected not in allowed:
        raise FileRefused(
            _("Файл «%(name)s» — %(type)s, а здесь принимаются только %(allowed)s.")
            % {"name": shown, "type": _label(detected), "allowed": _labels(allowed | ({CSV} if csv else set()))},
            code="file_type",
        )
    return CheckedUpload(upload=upload, type=detected, size=size, name=clean_name(raw_name, type=detected))


# --- storing -------------------------------------------------------------------------------------


class _Content(File):
    """The upload as storage reads it, labelled with the detected content type (S3 keeps it)."""

    def __init__(self, upload: File, content_type: str):
        super().__init__(upload, name=getattr(upload, "name", None))
        self.content_type = content_type


def _digest(upload: File, limit: int) -> tuple[str, int]:
    sha = hashlib.sha256()
    size = 0
    for chunk in upload.chunks():
        if isinstance(chunk, str):
            chunk = chunk.encode("utf-8")
        sha.update(chunk)
        size += len(chunk)
        if size > limit:
            break
    upload.seek(0)
    return sha.hexdigest(), size


_written = threading.local()


def _blob_stack() -> list[list[str]]:
    stack = getattr(_written, "stack", None)
    if stack is None:
        stack = _written.stack = []
    return stack


def _delete_blob(name: str) -> None:
    try:
        default_storage.delete(name)
    except Exception:  # a blob that cannot be deleted is an orphan, never a failed request
        logger.exception("Не удалось удалить файл %s из хранилища", name)


def _storage_full(error: BaseException | None) -> bool:
    """The storage failed because it has no room: ENOSPC or EDQUOT, raised or the cause."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in _FULL_ERRNOS:
            return True
        error = error.__cause__ or error.__context__
    return False


def _not_stored_reason(name: str, error: BaseException) -> tuple[str, str]:
    """(message, code) of a file the server could not keep."""
    if _storage_full(error):
        return _("Не удалось сохранить файл «%(name)s»: на сервере нет места. Попробуйте позже или обратитесь к "
                 "администратору.") % {"name": name}, "storage_full"
    return _("Не удалось сохранить файл «%(name)s»: хранилище файлов не приняло его. Попробуйте позже или "
             "обратитесь к администратору.") % {"name": name}, "storage_failed"


def _not_stored(name: str, error: BaseException) -> FileNotStored:
    message, code = _not_stored_reason(name, error)
    return FileNotStored(message, code=code)


def _blob_save(name: str, content: File, *, shown: str) -> str:
    """`default_storage.save`, and on any failure of the storage (OSError of a full or failing
    disk, an S3 client's error …) whatever it wrote under `name` deleted — a generated name, so
    nothing else can be there — logged for the admin and raised as FileNotStored."""
    try:
        return default_storage.save(name, content)
    except Exception as error:
        logger.error("Хранилище не сохранило файл %s («%s»)", name, shown, exc_info=True)
        try:
            leftover = default_storage.exists(name)
        except Exception:
            leftover = True
        if leftover:
            _delete_blob(name)
        raise _not_stored(shown, error) from error


def storage_name_new() -> str:
    """`files/<yyyy>/<mm>/<uuid4 hex>`: no user text in a storage name."""
    now = timezone.localtime()
    return f"files/{now:%Y}/{now:%m}/{uuid.uuid4().hex}"


def file_store(
    *, upload: File, user, allowed: Iterable[str] = ALL_TYPES, budget: int | None = None
) -> StoredFile:
    """Check the upload (`file_check`), stream it into `default_storage` under a generated name
    with its SHA-256 computed on the way, and create its StoredFile. Call it inside
    `files_atomic()`: the blob goes again if the block fails. A storage that fails (the disk full,
    the object store refusing) keeps nothing, not even the bytes it wrote before failing: the
    caller gets FileNotStored, a FileRefused, and refuses the action with its Russian reason."""
    checked = file_check(upload, allowed=allowed, budget=budget)
    limit = min(FILE_MAX_BYTES, budget) if budget is not None else FILE_MAX_BYTES
    sha256, size = _digest(upload, limit)
    if size > limit:  # the file grew between the check and now, or lied about its size
        raise _too_large(checked.name) if size > FILE_MAX_BYTES else _over_budget(checked.name, size, limit)
    # an image is decoded here, once, for its thumbnail: one that does not decode is refused
    thumbnail = _upload_thumbnail(upload, checked) if checked.type in IMAGE_TYPES else None
    stack = _blob_stack()
    blobs: list[str] = []
    try:
        saved = _blob_save(storage_name_new(), _Content(upload, checked.content_type), shown=checked.name)
        blobs.append(saved)
        if thumbnail is not None:
            blobs.append(_blob_save(
                thumbnail_name(StoredFile(storage_name=saved)), _Content(ContentFile(thumbnail), checked.content_type),
                shown=checked.name,
            ))
        stored = StoredFile.objects.create(
            storage_name=saved, original_name=checked.name, type=checked.type, size=size, sha256=sha256,
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
    except BaseException:
        for blob in blobs:
            _delete_blob(blob)
        raise
    if stack:
        stack[-1].extend(blobs)
    return stored


def blob_store(*, name: str, content: bytes, shown: str, max_length: int | None = None) -> str:
    """Bytes the portal made itself (a signed protocol's PDF, as issued) saved under `name`, or
    the storage's next free name (within `max_length`, a FileField's), which is returned. Call it
    inside `files_atomic()`: the blob goes again if the block fails. A storage that fails keeps
    nothing: FileNotStored, naming `shown`."""
    free = default_storage.get_available_name(name, max_length=max_length)
    saved = _blob_save(free, ContentFile(content), shown=shown)
    stack = _blob_stack()
    if stack:
        stack[-1].append(saved)
    return saved


@contextmanager
def files_atomic(using: str | None = None) -> Iterator[None]:
    """`transaction.atomic()` that also deletes from storage every blob `file_store` wrote inside
    it when the block raises. Nested blocks hand their blobs to the outer one, so an outer failure
    deletes them too. Use it as the outermost transaction of a service that stores files: a plain
    `atomic()` around it that rolls back later cannot tell it to delete. Like `atomic`, it also
    decorates a function (`@files_atomic()`)."""
    stack = _blob_stack()
    written: list[str] = []
    stack.append(written)
    try:
        with transaction.atomic(using=using):
            yield
    except BaseException:
        stack.pop()
        for name in written:
            _delete_blob(name)
        raise
    else:
        stack.pop()
        if stack:
            stack[-1].extend(written)


def thumbnail_name(stored: StoredFile) -> str:
    """Where `file_store` keeps an image's thumbnail (responses.thumbnail_response makes it once
    for a file stored before; an empty blob there marks an image that does not decode)."""
    return f"{stored.storage_name}-thumb"


def file_discard(stored: StoredFile) -> None:
    """Delete the StoredFile now, and its blob (with a cached thumbnail) once the transaction
    commits: a rollback keeps both."""
    names = [stored.storage_name, thumbnail_name(stored)]
    stored.delete()

    def delete_blobs() -> None:
        for name in names:
            try:
                exists = default_storage.exists(name)
            except Exception:
                exists = True
            if exists:
                _delete_blob(name)

    transaction.on_commit(delete_blobs)


def files_size(files: Iterable[StoredFile]) -> int:
    """The bytes of these files, for a card's budget: `CARD_MAX_BYTES - files_size(card_files)`."""
    return sum(f.size for f in files)


def checked_bytes(data: bytes, *, name: str, allowed: Iterable[str] = ALL_TYPES, csv: bool = False) -> CheckedUpload:
    """`file_check` of bytes already read (the imports read a 2 MB table whole)."""
    return file_check(ContentFile(data, name=name), allowed=allowed, csv=csv)

