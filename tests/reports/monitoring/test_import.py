"""The XLSX template of a class's monitoring and its import (reports.monitoring.workbook,
services.grid_import, views.monitoring_template / monitoring_import): the workbook read back
with openpyxl, the round trip, the per-row report, the version check, refused files and who may."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl.packaging.custom import CustomPropertyList

from associations.models import ClassAssignment
from reports.monitoring import services
from reports.monitoring.models import ClassMonitoring, Grade, MonitoredPupil
from reports.monitoring.scoring import PupilGrades, method_data
from tests import factories as f
from tests.helpers import login, messages_of, stored

pytestmark = pytest.mark.django_db


@pytest.fixture
def six_b(world):
    return ClassAssignment.objects.get(teacher=world.teacher_person, grade=6, letter="Б")


@pytest.fixture
def may(six_b):
    """6 «Б» in May: six pupils, graded 5 (odd numbers) or 4 by every rater on every quality."""
    return f.class_monitoring(six_b, period="may", pupils=6, values=lambda n, q, r: 5 if n % 2 else 4)


def _template_url(monitoring) -> str:
    return reverse("reports:monitoring_template", args=[monitoring.pk])


def _import_url(monitoring) -> str:
    return reverse("reports:monitoring_import", args=[monitoring.pk])


def _workbook(client, monitoring):
    response = client.get(_template_url(monitoring))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(client, monitoring, content: bytes, *, name="monitoring-6b-may.xlsx", version=None, overwrite=None):
    body = {
        "version": str(monitoring.version if version is None else version),
        "file": SimpleUploadedFile(name, content),
    }
    if overwrite is not None:
        body["overwrite"] = str(overwrite)
    return client.post(_import_url(monitoring), body)


def _grades(monitoring) -> dict[tuple[int, int, str], int]:
    return {(g.pupil.number, g.quality_id, g.rater): g.value
            for g in Grade.objects.filter(pupil__monitoring=monitoring).select_related("pupil")}


# --- the template ------------------------------------------------------------------------------


def test_the_template_has_the_grid_columns_the_saved_pupils_and_the_scale_validation(world, may):
    response = login(world.teacher).get(_template_url(may))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="monitoring-6b-may.xlsx"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "private"
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Оценки", "Методика"]
    sheet = book["Оценки"]
    data = method_data(may.method)
    header = [cell.value for cell in sheet[1]]
    assert header[:4] == ["№", "Инициалы", "Долг и ответственность (ученик)", "Долг и ответственность (кл. рук.)"]
    assert header[2:] == [f"{q.name} ({rater})" for q in data.qualities for rater in ("ученик", "кл. рук.")]
    assert len(header) == 2 + 10 * 2
    # The saved pupils, as saved, then blank numbered rows up to 25.
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == list(range(1, 26))
    assert rows[0][2:] == (5,) * 20 and rows[1][2:] == (4,) * 20 and rows[5][2:] == (4,) * 20
    assert all(value is None for row in rows[6:] for value in row[1:])
    # The grade cells take the method's scale only.
    rules = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    grade_rule = rules["C2:V41"]
    assert (grade_rule.type, grade_rule.formula1, grade_rule.showErrorMessage) == ("list", '"5,4,3,2,1"', True)
    assert rules["A2:A41"].type == "whole" and rules["B2:B41"].type == "textLength"
    assert sheet.freeze_panes == "C2"
    # The method sheet: the instruction that no names are entered, the scale's labels.
    texts = [str(value) for row in book["Методика"].iter_rows(values_only=True) for value in row if value]
    assert any(text.startswith("Фамилии и имена детей не вносятся") for text in texts)
    assert [texts[i:i + 2] for i, text in enumerate(texts) if text in ("5", "1")] == [
        ["5", "всегда"], ["1", "у меня другая позиция"],
    ]
    assert "высокий" in texts and "от 4,5 до 5 включительно" in texts


def test_an_empty_monitoring_gives_25_numbered_blank_rows(world, six_b):
    monitoring = f.class_monitoring(six_b, period="september", pupils=0)
    response = login(world.head).get(_template_url(monitoring))
    assert 'filename="monitoring-6b-september.xlsx"' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["Оценки"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in rows] == list(range(1, 26))
    assert all(value is None for row in rows for value in row[1:])


def test_the_grid_page_links_the_template_and_the_import(world, may):
    html = login(world.teacher).get(reverse("reports:monitoring_edit", args=[may.pk])).content.decode()
    assert f'href="{_template_url(may)}"' in html and "Скачать шаблон XLSX" in html
    assert f'href="{_import_url(may)}"' in html and "Загрузить из XLSX" in html


def test_the_import_page_writes_nothing_and_carries_the_version(world, may):
    response = login(world.teacher).get(_import_url(may))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'name="version" value="{may.version}"' in html
    assert 'enctype="multipart/form-data"' in html and f'href="{_template_url(may)}"' in html
    may.refresh_from_db()
    assert may.version == 1


# --- the round trip ------------------------------------------------------------------------------


def test_a_downloaded_template_edited_and_uploaded_changes_the_grades(world, may):
    client = login(world.teacher)
    book = _workbook(client, may)
    sheet = book["Оценки"]
    data = method_data(may.method)
    first = data.qualities[0]
    sheet["C2"] = 1  # pupil 1, the first quality, the pupil's own grade: 5 → 1
    sheet["B3"] = "в. г."  # pupil 2's initials, as a hand types them
    sheet["A8"], sheet["C8"], sheet["D8"] = 7, 3, "3"  # a seventh pupil, one quality graded
    before = stored()
    response = _upload(client, may, _bytes(book))
    assert response.status_code == 302 and response["Location"] == reverse("reports:monitoring_edit", args=[may.pk])
    grades = _grades(may)
    assert grades[(1, first.id, "pupil")] == 1 and grades[(1, first.id, "teacher")] == 5
    assert grades[(2, first.id, "pupil")] == 4
    assert grades[(7, first.id, "pupil")] == 3 and grades[(7, first.id, "teacher")] == 3
    assert len(grades) == 6 * 20 + 2
    pupils = list(MonitoredPupil.objects.filter(monitoring=may).order_by("number"))
    assert [p.number for p in pupils] == [1, 2, 3, 4, 5, 6, 7]  # the blank numbered rows skipped
    assert pupils[1].initials == "В.Г."
    may.refresh_from_db()
    assert may.version == 2 and may.updated_by == world.teacher
    assert stored() == before  # the upload was read, never stored
    page = client.get(reverse("reports:monitoring_edit", args=[may.pk]))
    assert messages_of(page) == ["Таблица загружена из файла: 7 учеников, учтено в результатах — 6."]


def test_a_filled_empty_template_of_25_pupils_is_saved(world, six_b):
    monitoring = f.class_monitoring(six_b, period="september", pupils=0)
    client = login(world.teacher)
    book = _workbook(client, monitoring)
    sheet = book["Оценки"]
    for row in range(2, 27):
        for column in range(3, 23):
            sheet.cell(row=row, column=column, value=3 + (row + column) % 3)
    response = _upload(client, monitoring, _bytes(book))
    assert response.status_code == 302
    assert MonitoredPupil.objects.filter(monitoring=monitoring).count() == 25
    assert "Таблица загружена из файла: 25 учеников, учтено в результатах — 25." in messages_of(
        client.get(response["Location"]))


# --- refusals ----------------------------------------------------------------------------------------


def test_wrong_rows_are_named_as_the_spreadsheet_numbers_them_and_nothing_is_saved(world, may):
    client = login(world.teacher)
    book = _workbook(client, may)
    sheet = book["Оценки"]
    sheet["D3"] = 7  # row 3: pupil 2, out of the scale
    sheet["B4"] = "Иванов Петя"  # row 4: a full name in the initials column
    sheet["E5"] = "хорошо"  # row 5: not a digit
    sheet["A7"] = 1  # row 7: pupil 1's number again
    sheet["C9"] = 4  # row 9: a grade in a row whose number was removed
    sheet["A9"] = None
    before, saved, version = stored(), _grades(may), may.version
    response = _upload(client, may, _bytes(book))
    assert response.status_code == 200
    report = response.context["report"]
    assert [(p.row, p.name) for p in report.problems] == [
        (3, "№ 2"), (4, "№ 3"), (5, "№ 4"), (7, "№ 1"), (9, "без номера"),
    ]
    messages = {p.row: p.messages for p in report.problems}
    assert messages[3] == ["Оценки — только баллы шкалы методики: 5, 4, 3, 2, 1 (не 7)."]
    assert messages[4] == [
        "Только инициалы, например «А.П.»: полное имя ребёнка — его персональные данные, оно сюда не вносится."
    ]
    assert messages[5] == ["Оценки — только цифры баллов шкалы (5, 4, 3, 2, 1), а не «хорошо»."]
    assert messages[7] == ["№ 1 уже есть в строке 2: у каждого ученика свой номер."]
    assert messages[9] == ["Укажите № ученика по списку класса: без номера строку не загрузить."]
    assert messages_of(response) == ["Ошибки в 5 строках — ничего не импортировано."]
    html = response.content.decode()
    assert html.count('data-testid="import-problem"') == 5
    assert "Иванов" not in html  # the report names the row, not the child
    may.refresh_from_db()
    assert (may.version, _grades(may), stored()) == (version, saved, before)


def test_a_stale_version_saves_nothing_and_says_who_saved(world, may):
    teacher, head = login(world.teacher), login(world.head)
    opened = may.version
    book = _workbook(teacher, may)
    book["Оценки"]["C2"] = 1
    content = _bytes(book)
    # The head saves the grid after the teacher downloaded it.
    services.grid_save(user=world.head, monitoring=may, version=opened,
                       pupils=[PupilGrades(number=1, initials="", grades={})])
    saved = _grades(may)
    response = _upload(teacher, may, content, version=opened)
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    assert messages_of(response)[0].startswith("Таблицу уже сохранил другой пользователь (")
    html = response.content.decode()
    assert 'data-testid="conflict"' in html and f'name="version" value="{opened + 1}"' in html
    assert f'name="overwrite" value="{opened + 1}"' in html
    assert _grades(may) == saved and MonitoredPupil.objects.filter(monitoring=may).count() == 1
    # Uploaded again from the conflict's page (its version and «overwrite»), the file overwrites on purpose.
    again = _upload(teacher, may, content, version=response.context["version"], overwrite=response.context["version"])
    assert again.status_code == 302
    assert MonitoredPupil.objects.filter(monitoring=may).count() == 6
    assert head.get(reverse("reports:monitoring_edit", args=[may.pk])).status_code == 200


def test_a_save_after_the_download_is_not_overwritten_by_a_page_opened_later(world, may):
    """The teacher downloads the template, the head saves the grid, then the teacher opens the
    upload page (at the newer version): the file's own version is the one checked."""
    teacher = login(world.teacher)
    book = _workbook(teacher, may)
    book["Оценки"]["C2"] = 1
    services.grid_save(user=world.head, monitoring=may, version=may.version,
                       pupils=[PupilGrades(number=1, initials="", grades={})])
    may.refresh_from_db()
    saved = _grades(may)
    response = _upload(teacher, may, _bytes(book), version=may.version)
    assert response.status_code == 200 and response.context["conflict"] is not None
    assert _grades(may) == saved
    # «overwrite» of an older version than the page's is no confirmation.
    stale = _upload(teacher, may, _bytes(book), version=may.version, overwrite=may.version - 1)
    assert stale.context["conflict"] is not None and _grades(may) == saved


def test_a_template_of_another_class_is_refused(world, may, six_b):
    september = f.class_monitoring(six_b, period="september", pupils=3)
    teacher = login(world.teacher)
    content = _bytes(_workbook(teacher, september))
    saved = _grades(may)
    response = _upload(teacher, may, content)
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "Это шаблон другого класса или срока: скачайте шаблон на этой странице и перенесите в него оценки."
    ]
    assert _grades(may) == saved


@pytest.mark.parametrize("name, content, message", [
    ("grades.pdf", b"%PDF-1.4\n%%EOF\n", "Нужен файл XLSX или CSV; «grades.pdf» — другого типа."),
    ("grades.xls", b"\xd0\xcf\x11\xe0", "Старый формат .xls не поддерживается"),
    ("grades.xlsx", b"PK\x03\x04 not really a workbook", "Файл «grades.xlsx» повреждён: архив документа не читается."),
    ("grades.xlsx", b"<!doctype html><html></html>", "не XLSX, а похоже на HTML-страницу"),
])
def test_a_file_that_is_not_a_workbook_is_refused_next_to_the_field(world, may, name, content, message):
    client = login(world.teacher)
    before, saved = stored(), _grades(may)
    response = _upload(client, may, content, name=name)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert 'data-testid="file-errors"' in response.content.decode()
    assert (stored(), _grades(may)) == (before, saved)
    assert ClassMonitoring.objects.get(pk=may.pk).version == may.version


def test_unknown_and_missing_columns_are_a_file_level_error(world, may):
    client = login(world.teacher)
    book = _workbook(client, may)
    sheet = book["Оценки"]
    sheet["C1"] = "Фамилия"
    response = _upload(client, may, _bytes(book))
    assert response.status_code == 200
    error = response.context["form"].errors["file"][0]
    assert "Неизвестные столбцы: «Фамилия»." in error
    assert "Нет обязательных столбцов: «Долг и ответственность (ученик)»." in error
    assert response.context["report"] is None
    assert ClassMonitoring.objects.get(pk=may.pk).version == may.version


def test_a_template_without_a_pupil_is_refused(world, six_b):
    monitoring = f.class_monitoring(six_b, period="september", pupils=0)
    client = login(world.teacher)
    response = _upload(client, monitoring, _bytes(_workbook(client, monitoring)))
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "В файле нет ни одного ученика: заполните строки под заголовками."
    ]
    assert not MonitoredPupil.objects.filter(monitoring=monitoring).exists()


def test_the_grades_sheet_is_read_whichever_sheet_was_open(world, may):
    client = login(world.teacher)
    book = _workbook(client, may)
    book["Оценки"]["C2"] = 2
    book.active = 1  # saved while looking at «Методика»
    assert _upload(client, may, _bytes(book)).status_code == 302
    assert _grades(may)[(1, method_data(may.method).qualities[0].id, "pupil")] == 2


# --- query counts ------------------------------------------------------------------------------------

IMPORT_QUERIES = 23  # as many as the grid's save: the file is read in memory, never stored


@pytest.mark.parametrize("pupils", [5, 25])
def test_the_import_queries_do_not_grow_with_pupils(world, six_b, pupils, django_assert_num_queries):
    from django.db import connection

    source = f.class_monitoring(six_b, period="september", pupils=pupils)
    monitoring = f.class_monitoring(six_b, period="may", pupils=3)
    client = login(world.teacher)
    # September's template as a workbook made by hand: without the stamp of its monitoring.
    book = openpyxl.load_workbook(io.BytesIO(client.get(_template_url(source)).content))
    book.custom_doc_props = CustomPropertyList()
    content = _bytes(book)
    # SQLite inserts 25 pupils' 500 grades in batches of 249 rows: two INSERTs more.
    extra = 2 if connection.vendor == "sqlite" and pupils * 20 > 249 else 0
    # session, user; person, appointments (the roles); the monitoring with its class and method, the
    # method's four parts; grid_save: the method again with its four parts; a savepoint; the
    # monitoring locked; the old pupils read, their grades and them deleted; the pupils and their
    # grades inserted; the version saved; the release. Nothing for the file: read, never stored.
    with django_assert_num_queries(IMPORT_QUERIES + extra):
        assert _upload(client, monitoring, content).status_code == 302
    assert MonitoredPupil.objects.filter(monitoring=monitoring).count() == pupils


# --- who ---------------------------------------------------------------------------------------------


@pytest.fixture
def secretary(world):
    """A class teacher of the school, of another class."""
    user = f.UserFactory(username="secretary")
    person = f.PersonFactory(user=user, school=world.school)
    f.ClassAssignmentFactory(teacher=person, academic_year=world.year, grade=2, letter="А")
    return user


@pytest.mark.parametrize("who, status", [
    ("teacher", 200), ("head", 200), ("deputy", 403), ("secretary", 404), ("methodologist", 404),
    ("other_deputy", 404), ("admin", 404),
])
def test_who_downloads_and_imports(world, may, secretary, who, status):
    user = secretary if who == "secretary" else getattr(world, who)
    content = _bytes(_workbook(login(world.teacher), may))
    client = login(user)
    assert client.get(_template_url(may)).status_code == status
    assert client.get(_import_url(may)).status_code == status
    response = _upload(client, may, content)
    assert response.status_code == (302 if status == 200 else status)
    assert ClassMonitoring.objects.get(pk=may.pk).version == (2 if status == 200 else 1)


def test_anonymous_goes_to_the_login_page(client, may):
    for url in (_template_url(may), _import_url(may)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_template_is_stamped_with_its_monitoring_and_version_and_excel_keeps_it(world, may):
    from reports.monitoring import workbook

    content = login(world.teacher).get(_template_url(may)).content
    assert workbook.stamp(content) == (may.pk, may.version)
    # Opened and saved again (as Excel or openpyxl does), the stamp stays.
    assert workbook.stamp(_bytes(openpyxl.load_workbook(io.BytesIO(content)))) == (may.pk, may.version)
    assert workbook.stamp(b"number,initials\n1,\n") == (None, None)


def test_a_hostile_stamp_part_is_read_in_linear_time():
    """docProps/custom.xml of 64 KB of unclosed tags (a few hundred bytes zipped) costs no more
    than a part of the same size should."""
    import time
    import zipfile

    from reports.monitoring import workbook

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("docProps/custom.xml", '<property name="' * 4000)
    started = time.perf_counter()
    assert workbook.stamp(buffer.getvalue()) == (None, None)
    assert time.perf_counter() - started < 1
