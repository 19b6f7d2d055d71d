"""The staff import reads a bounded amount whatever an XLSX declares: a few kilobytes of XML
whose rows declare a cell in the last column (XFD), or the last row of a sheet, used to make
the import read gigabytes. Rows are streamed, at most MAX_COLUMNS columns are read, every row
read counts against a bound, and a sheet that declares a larger size is refused in Russian."""

from __future__ import annotations

import io
import re
import time
import tracemalloc
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from associations import imports
from associations.models import Person

HEADERS = ["Фамилия", "Имя", "Отчество", "Пол", "Должность", "Образование", "Начало стажа"]


def _crafted_xlsx(*, rows_xml: str, dimension: str | None) -> bytes:
    """A real workbook whose sheet XML is replaced: the header row, then `rows_xml`."""
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    buffer = io.BytesIO()
    workbook.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                text = re.sub(r"<dimension [^>]*/>", f'<dimension ref="{dimension}"/>' if dimension else "", text)
                text = text.replace("</sheetData>", rows_xml + "</sheetData>")
                data = text.encode()
            target.writestr(info, data)
    return out.getvalue()


def _far_cells(count: int, *, first_row: int = 2, step: int = 1) -> str:
    return "".join(
        f'<row r="{first_row + n * step}"><c r="XFD{first_row + n * step}" t="inlineStr"><is><t> </t></is></c></row>'
        for n in range(count)
    )


def _import_measured(content: bytes, world):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        try:
            imports.staff_import(school=world.school, file=io.BytesIO(content), filename="x.xlsx", user=world.admin)
            error = None
        except Exception as raised:
            error = raised
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return error, seconds, peak


@pytest.mark.parametrize(
    ("rows_xml", "dimension"),
    [
        # 3 000 rows, each declaring a cell in column XFD: 16 384 values a row if read as declared.
        pytest.param(_far_cells(3000), None, id="every-row-reaches-XFD"),
        # One cell in the sheet's last row: a million empty rows in between if read as declared.
        pytest.param(_far_cells(1, first_row=1_048_576), None, id="a-cell-in-the-last-row"),
        # Rows far apart: blank runs between them.
        pytest.param(_far_cells(500, step=1000), None, id="rows-far-apart"),
    ],
)
def test_a_crafted_sheet_is_read_within_2_s_and_100_mb(world, rows_xml, dimension):
    content = _crafted_xlsx(rows_xml=rows_xml, dimension=dimension)
    assert len(content) < 64 * 1024  # a few kilobytes on disk
    error, seconds, peak = _import_measured(content, world)
    assert seconds < 2, seconds
    assert peak < 100 * 1024 * 1024, peak
    assert not Person.objects.filter(school=world.school, last_name="").exists()
    assert error is None or "ValidationError" in type(error).__name__


def test_a_sheet_declaring_a_huge_size_is_refused_with_a_russian_message(world, client_for):
    content = _crafted_xlsx(rows_xml=_far_cells(2), dimension="A1:XFD1048576")
    error, seconds, _peak = _import_measured(content, world)
    assert seconds < 2
    assert "Лист объявлен размером 1048576 × 16384 ячеек" in " ".join(error.messages)

    url = reverse("admin:associations_school_import_staff", args=(world.school.pk,))
    response = client_for(world.admin).post(url, {"file": SimpleUploadedFile("staff.xlsx", content)})
    assert response.status_code == 200
    assert "Скопируйте таблицу на новый лист" in " ".join(response.context["form"].errors["file"])


def test_more_rows_read_than_the_bound_are_refused_even_when_blank_in_between(world):
    filled = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Фамилия{r}</t></is></c></row>'
        for r in range(2, imports.MAX_ROWS_READ + 200, 100)
    )
    error, _seconds, _peak = _import_measured(_crafted_xlsx(rows_xml=filled, dimension=None), world)
    assert error is not None and "разделите список на части" in " ".join(error.messages)
