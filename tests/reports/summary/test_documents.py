"""The district summary's documents: the PDF (A4 landscape: the title, the district, the table
with its totals, the date) and the XLSX (a header row, a row per school, the totals and averages
rows as formulas over exactly the schools' rows, percents as formulas of their parts), read back
with pypdf and openpyxl; the formulas recomputed here, and by LibreOffice where it is installed."""

from __future__ import annotations

import csv
import io
import re
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from reports.summary import exporters
from reports.summary.selectors import COLUMNS, PART_LABELS, PERCENT, district_summary
from tests.helpers import flat, pdf_reader, pdf_text

LETTERS = exporters.layout()
REFERENCE = re.compile(r"\b([A-Z]{1,2})(\d+)\b")


def _get(client, name, district, year, query=""):
    return client.get(reverse(name, args=[district.pk, year.start_year]) + query)


def _sheet(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    return load_workbook(io.BytesIO(response.content)).active


def _number(ws, reference: str) -> float:
    value = ws[reference].value
    assert isinstance(value, int | float), (reference, value)
    return value


def _evaluate(ws, formula: str):
    """The value of one of the summary's formulas (SUM, AVERAGE, IF(x=0,"",a/b), cell references)
    over the sheet's numbers: enough to check that the totals recompute to the right numbers."""
    assert formula.startswith("=")
    expression = formula[1:]

    def values(match):
        column, first, last = match.group(2), int(match.group(3)), int(match.group(4))
        numbers = [_number(ws, f"{column}{row}") for row in range(first, last + 1)]
        return repr(sum(numbers) if match.group(1) == "SUM" else sum(numbers) / len(numbers))

    expression = re.sub(r"(SUM|AVERAGE)\(([A-Z]+)(\d+):\2(\d+)\)", values, expression)
    expression = REFERENCE.sub(lambda m: repr(_number(ws, m.group(0))), expression)
    condition = re.fullmatch(r'IF\(([\d.]+)=0,"",([\d.]+)/([\d.]+)\)', expression)
    if condition:
        whole = float(condition.group(1))
        return "" if whole == 0 else float(condition.group(2)) / float(condition.group(3))
    assert re.fullmatch(r"[\d.]+", expression), expression
    return float(expression)


def _percent(value) -> Decimal | None:
    return None if value == "" else (Decimal(str(value)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def test_the_pdf(world, district, client_for):
    response = _get(client_for(world.methodologist), "reports:district_summary_pdf", world.district, world.year)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    page = pdf_reader(response.content).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = pdf_text(response.content)
    assert flat(f"Сводная таблица по школам района за {world.year} учебный год").upper() in text.upper()
    assert flat(world.district.name) in text
    for name in ("МБОУ «СОШ № 1»", "МБОУ «СОШ № 2»", "МБОУ «СОШ № 3»", "МБОУ «ООШ № 9»"):
        assert flat(name) in text
    assert flat("Итого по району") in text and flat("Среднее на школу") in text
    assert timezone.localdate().strftime("%d.%m.%Y") in text


def test_the_xlsx_header_rows_and_formulas(world, district, client_for):
    response = _get(client_for(world.methodologist), "reports:district_summary_xlsx", world.district, world.year,
                    "?sort=consultations&order=desc")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    ws = _sheet(response)
    assert ws["A1"].value == "Школа" and ws["D1"].value == "Классных руководителей"
    assert ws[f"{LETTERS['attendance']}1"].value == "Посещаемость заседаний, %"
    assert ws.freeze_panes == "B2"
    # The page's sort: consultations 3, 2, 1, 0.
    assert [ws[f"A{row}"].value for row in range(2, 6)] == [
        "МБОУ «СОШ № 2»", "МБОУ «СОШ № 1»", "МБОУ «СОШ № 3»", "МБОУ «ООШ № 9»",
    ]
    assert ws["A6"].value == "Итого по району" and ws["A7"].value == "Среднее на школу"
    consultations = LETTERS["consultations"]
    assert ws[f"{consultations}2"].value == 3
    assert ws[f"{consultations}6"].value == f"=SUM({consultations}2:{consultations}5)"
    assert ws[f"{consultations}7"].value == f"=AVERAGE({consultations}2:{consultations}5)"
    present, marked, attendance = LETTERS["present"], LETTERS["marked"], LETTERS["attendance"]
    assert ws[f"{attendance}3"].value == f'=IF({marked}3=0,"",{present}3/{marked}3)'
    assert ws[f"{attendance}6"].value == (
        f'=IF(SUM({marked}2:{marked}5)=0,"",SUM({present}2:{present}5)/SUM({marked}2:{marked}5))'
    )
    assert ws[f"{attendance}7"].value is None
    courses, staff = LETTERS["courses_share"], LETTERS["staff"]
    assert ws[f"{courses}2"].value == f'=IF({staff}2=0,"",{LETTERS["with_course"]}2/{staff}2)'
    assert ws[f"{attendance}2"].number_format == "0.0%"
    assert ws[f"{consultations}7"].number_format == "0.0"
    assert ws[f"{consultations}2"].number_format == "0"


def test_the_totals_recompute_to_the_summary_figures(world, district, client_for):
    ws = _sheet(_get(client_for(world.methodologist), "reports:district_summary_xlsx", world.district, world.year))
    summary = district_summary(user=world.methodologist, pk=world.district.pk, start_year=world.year.start_year)
    totals, averages = summary.totals, summary.averages
    for column in COLUMNS:
        value = _evaluate(ws, ws[f"{LETTERS[column.key]}6"].value)
        if column.kind == PERCENT:
            assert _percent(value) == totals.value(column.key), column.key
        else:
            assert value == totals.value(column.key), column.key
            average = Decimal(str(_evaluate(ws, ws[f"{LETTERS[column.key]}7"].value)))
            assert average.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) == averages[column.key], column.key
    for part in PART_LABELS:
        assert _evaluate(ws, ws[f"{LETTERS[part]}6"].value) == getattr(totals, part)
    # A school's percent is its own: the empty school has no attendance («»), the others theirs.
    for row_number, row in enumerate(summary.rows, start=2):
        assert _percent(_evaluate(ws, ws[f"{LETTERS['attendance']}{row_number}"].value)) == row.figures.attendance


def _formulas(ws):
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                yield cell


@pytest.mark.parametrize("schools", [1, 4, 9])
def test_no_formula_refers_to_the_wrong_rows(world, district, more_schools, client_for, schools):
    if schools == 1:
        target = world.other_district  # the far school alone
    else:
        target = world.district
        more_schools(schools - 4, start=4)
    ws = _sheet(_get(client_for(world.admin), "reports:district_summary_xlsx", target, world.year))
    first, last = 2, schools + 1
    assert ws[f"A{last}"].value and ws[f"A{last + 1}"].value == "Итого по району"
    assert ws[f"A{last + 2}"].value == "Среднее на школу"
    cells = list(_formulas(ws))
    assert {cell.row for cell in cells} == set(range(first, last + 3))
    for cell in cells:
        rows = {int(r) for _column, r in REFERENCE.findall(cell.value)}
        if cell.row <= last:  # a school's percent: its own row only
            assert rows == {cell.row}, (cell.coordinate, cell.value)
        else:  # the totals and averages: exactly the schools' rows
            assert rows == {first, last}, (cell.coordinate, cell.value)
            ranges = re.findall(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", cell.value)
            assert ranges, cell.value
            assert all(a == c and (int(b), int(d)) == (first, last) for a, b, c, d in ranges), cell.value


def test_no_school_no_totals(world, client_for):
    world.other_district_mo.delete()
    ws = _sheet(_get(client_for(world.admin), "reports:district_summary_xlsx", world.other_district, world.year))
    assert not list(_formulas(ws))
    assert ws["A2"].value == "В районе нет школьных МО."


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(not SOFFICE, reason="LibreOffice is not installed")
def test_libreoffice_recomputes_the_totals(world, district, client_for, tmp_path):
    response = _get(client_for(world.methodologist), "reports:district_summary_xlsx", world.district, world.year)
    source = tmp_path / "summary.xlsx"
    source.write_bytes(response.content)
    subprocess.run(  # noqa: S603 (LibreOffice found on PATH, our own file)
        # The CSV filter's options: comma, double quotes, UTF-8 (76), from the first line.
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1",
         "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )
    rows = list(csv.reader((tmp_path / "summary.csv").read_text(encoding="utf-8").splitlines()))
    header = rows[0]
    totals = next(r for r in rows if r and r[0] == "Итого по району")
    summary = district_summary(user=world.methodologist, pk=world.district.pk, start_year=world.year.start_year)
    for column in COLUMNS:
        index = header.index(f"{column.label}, %" if column.kind == PERCENT else str(column.label))
        value = totals[index].replace(",", ".").replace("%", "").strip()
        expected = summary.totals.value(column.key)
        if column.kind == PERCENT:
            assert Decimal(value).quantize(Decimal("0.1")) == expected, column.key
        else:
            assert Decimal(value) == expected, column.key
