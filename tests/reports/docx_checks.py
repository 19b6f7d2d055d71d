"""Checks shared by the tests of the Word documents (issue 15): the text in order, the page set
up, the repeated header row, and LibreOffice's conversion where it is installed."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from reports import word
from tests.helpers import flat, pdf_reader


def docx_document(content: bytes):
    return Document(io.BytesIO(content))


def docx_flat(content: bytes) -> str:
    """The DOCX's text in reading order, without whitespace (as `tests.helpers.pdf_text`)."""
    return flat("".join(word.docx_text(content)))


def assert_in_order(text: str, keys: list[str]) -> None:
    """Each key (whitespace left out) appears in `text` after the one before it."""
    position = 0
    for key in keys:
        found = text.find(flat(key), position)
        assert found >= 0, f"{key!r} missing after position {position}: …{text[position:position + 200]}…"
        position = found + len(flat(key))


def assert_a4_with_official_margins(content: bytes, *, landscape: bool = False) -> None:
    section = docx_document(content).sections[0]
    width, height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    assert abs(section.page_width - width) < Mm(1) and abs(section.page_height - height) < Mm(1)
    for side, millimetres in word.MARGINS_MM.items():
        assert abs(getattr(section, f"{side}_margin") - Mm(millimetres)) < Mm(0.5), side


def header_repeats(table) -> bool:
    first = table.rows[0]._tr
    trpr = first.trPr
    return trpr is not None and trpr.find(qn("w:tblHeader")) is not None


def table_texts(table) -> list[list[str]]:
    """The table's rows as text, a merged cell once."""
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell.text)
        rows.append(cells)
    return rows


def libreoffice_pages(content: bytes, tmp_path: Path, name: str = "document.docx") -> int:
    """The page count of the DOCX converted to PDF by LibreOffice headless (skips without it)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed")
    source = tmp_path / name
    source.write_bytes(content)
    out = tmp_path / "out"
    subprocess.run(  # noqa: S603 (LibreOffice found on PATH, our own file)
        [soffice, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=120,
    )
    pdf = (out / source.with_suffix(".pdf").name).read_bytes()
    return len(pdf_reader(pdf).pages)


def assert_every_text_in_pdf_order(content: bytes, pdf: str, *, skip=lambda text: False,
                                   unordered: frozenset[str] = frozenset(), any_case: bool = False) -> None:
    """Every text of the DOCX (its paragraphs and cells, `word.docx_text`) is in the PDF's text,
    in the same order — but those `skip` leaves out (a signature's line, drawn in the PDF), and
    those in `unordered`, only somewhere in it (the PDF sets those tables side by side: their
    text comes out of it line by line across them). `any_case`: the PDF sets its title in
    capitals (print.css), so compare without case."""
    pdf = pdf.replace("\u2010", "")
    if any_case:
        pdf = pdf.upper()  # a narrow header's hyphenation (WeasyPrint's «‐» inside a line)
    position = 0
    for text in word.docx_text(content):
        if skip(text):
            continue
        key = flat(text).upper() if any_case else flat(text)
        if text in unordered:
            assert key in pdf, text
            continue
        found = pdf.find(key, position)
        assert found >= 0, f"{text!r} not in the PDF after …{pdf[max(0, position - 80):position + 120]}…"
        position = found + len(key)
