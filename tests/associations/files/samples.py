"""Files for the file module's tests, made here (nothing binary committed): real documents of
each accepted type, and the refused ones — a program renamed .pdf, an HTML page, a zip bomb, a
decompression-bomb PNG. Big ones are written to disk in chunks, never held whole in memory."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile

CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/{part}" ContentType="{content_type}"/>'
    "</Types>"
)
OOXML_MAIN = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
    "xlsm": ("xl/workbook.xml", "application/vnd.ms-excel.sheet.macroEnabled.main+xml"),
}
ODF_MIMETYPES = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00\xb8" + bytes(47) + b"\x80\x00\x00\x00" + (
    b"\x0e\x1f\xba\x0e\x00\xb4\x09\xcd\x21This program cannot be run in DOS mode.\r\r\n$" + bytes(64)
)
HTML = b"<!DOCTYPE html>\n<html><head><script>alert(document.cookie)</script></head><body>PDF</body></html>\n"


def ooxml_bytes(kind: str) -> bytes:
    """A DOCX/PPTX (or XLSM) as Office writes it, in outline: the manifest and the main part."""
    part, content_type = OOXML_MAIN[kind]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML.format(part=part, content_type=content_type))
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            f'2006/relationships/officeDocument" Target="{part}"/></Relationships>',
        )
        archive.writestr(part, '<?xml version="1.0" encoding="UTF-8"?><document>Классный час о Родине</document>')
    return out.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Класс", "Тема"])
    workbook.active.append(["6 Б", "Классный час о Родине"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def odf_bytes(kind: str) -> bytes:
    """An ODT/ODS/ODP: `mimetype` first and stored, then the manifest and the content."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODF_MIMETYPES[kind], compress_type=zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>')
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
    return out.getvalue()


def image_bytes(format: str, size: tuple[int, int] = (640, 480)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, "#3a7").save(out, format=format)
    return out.getvalue()


def pdf_bytes() -> bytes:
    """A real PDF, made by the portal's own renderer."""
    from reports.rendering import html_to_pdf

    return html_to_pdf("<h1>Классный час о Родине</h1><p>Сценарий</p>")


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few hundred bytes declaring width × height grey pixels: its rows are zeros,
    deflated (a few of them written; the header is what a decoder sizes its memory by)."""
    rows = zlib.compress(b"\x00" * (width + 1) * 4, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )


def zip_bomb_docx(path: Path, *, declared: int = 1024**3) -> Path:
    """A «DOCX» whose document part unpacks to `declared` bytes of zeros: written through zipfile
    from a 1 MB buffer of zeros, a chunk at a time (the archive itself is about 1 MB)."""
    part, content_type = OOXML_MAIN["docx"]
    zeros = bytes(1024 * 1024)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML.format(part=part, content_type=content_type))
        with archive.open(part, "w", force_zip64=True) as member:
            for _ in range(declared // len(zeros)):
                member.write(zeros)
    return path


def temporary_upload(name: str, size: int, *, head: bytes = b"%PDF-1.4\n", content_type="application/pdf"):
    """A TemporaryUploadedFile of `size` bytes on disk (`head`, then zeros), written in 1 MB chunks."""
    upload = TemporaryUploadedFile(name, content_type, size, None)
    upload.write(head)
    left = size - len(head)
    chunk = bytes(1024 * 1024)
    while left > 0:
        upload.write(chunk[: min(left, len(chunk))])
        left -= min(left, len(chunk))
    upload.flush()
    upload.seek(0)
    return upload


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def storage_listing(path: str = "") -> set[str]:
    """Every name in the default storage."""
    directories, files = default_storage.listdir(path)
    names = {f"{path}/{name}".lstrip("/") for name in files}
    for directory in directories:
        names |= storage_listing(f"{path}/{directory}".lstrip("/"))
    return names
