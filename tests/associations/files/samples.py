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


def png_truncated(width: int, height: int) -> bytes:
    """A PNG declaring width × height RGBA pixels whose image data stops after a few rows (a
    deflate stream flushed, never finished): every chunk is whole, so `verify()` passes, and only
    decoding it finds it truncated."""
    packer = zlib.compressobj(9)
    rows = packer.compress(b"\x00" * (width * 4 + 1) * 4) + packer.flush(zlib.Z_SYNC_FLUSH)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )


def zip_of_empty_members(count: int) -> bytes:
    """A zip of `count` empty stored members, written by hand with struct (zipfile would take
    seconds for 10 000): local headers, the central directory, the end record."""
    local, directory = bytearray(), bytearray()
    for index in range(count):
        name = b"%d" % index
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0, 0, 0, 0,
                                 0, len(local)) + name
        local += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0) + name
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(local), 0)
    return bytes(local + directory + end)


def zip_declaring(*, entries: int, directory: int, zip64: bool = False) -> bytes:
    """The opening of a zip and an end record declaring `entries` members and a central directory
    of `directory` bytes (with `zip64`, in a ZIP64 end record and its locator); nothing else."""
    body = b"PK\x03\x04" + bytes(200)
    if not zip64:
        return body + struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, entries, entries, directory, 0, 0)
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, directory, 0)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, len(body), 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    return body + record + locator + end


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


def temporary_upload(
    name: str, size: int, *, head: bytes = b"%PDF-1.4\n", tail: bytes = b"\n%%EOF\n", content_type="application/pdf"
):
    """A TemporaryUploadedFile of `size` bytes on disk (`head`, zeros, `tail`: a PDF's end by
    default), written in 1 MB chunks."""
    upload = TemporaryUploadedFile(name, content_type, size, None)
    upload.write(head)
    left = size - len(head) - len(tail)
    chunk = bytes(1024 * 1024)
    while left > 0:
        upload.write(chunk[: min(left, len(chunk))])
        left -= min(left, len(chunk))
    upload.write(tail)
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
