"""The admin's imports read their tables through the file module's check (associations/sheets.py):
the type by content, nothing stored."""

import pytest
from django.core.exceptions import ValidationError

from associations import sheets
from tests.associations.files import samples


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("staff.xlsx", samples.EXE, "Файл «staff.xlsx» — не XLSX, а исполняемый файл Windows (EXE)"),
        ("staff.csv", samples.HTML, "Файл «staff.csv» — не CSV, а похоже на HTML-страницу"),
        ("staff.xlsx", samples.ooxml_bytes("docx"), "Файл «staff.xlsx» — DOCX, а здесь принимаются только XLSX, CSV."),
    ],
)
def test_an_import_refuses_by_content(nothing_stored, name, content, expected):
    with pytest.raises(ValidationError) as refused:
        sheets.read_rows(data=content, filename=name)
    assert refused.value.messages[0].startswith(expected)


def test_a_workbook_named_csv_is_read_as_the_workbook_it_is(db):
    rows = sheets.read_rows(data=samples.xlsx_bytes(), filename="staff.csv")
    assert rows[0][:2] == ("Класс", "Тема")
