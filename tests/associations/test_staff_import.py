"""Import of a school's staff list through the admin: all rows or nothing, a per-row report in
Russian, a person already in the school is updated rather than duplicated."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from associations import imports
from associations.models import AcademicYear, ClassAssignment, Membership, Person, StaffDistrict
from tests import factories as f

HEADERS = [
    "Фамилия",
    "Имя",
    "Отчество",
    "Пол",
    "Должность",
    "Образование",
    "Начало стажа",
    "Категория",
    "Дата категории",
    "E-mail",
    "Класс",
]


def _url(school) -> str:
    return reverse("admin:associations_school_import_staff", args=(school.pk,))


def _xlsx(rows: list[list], headers: list[str] = HEADERS) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        "сотрудники.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _csv(lines: list[str], *, bom: bool = False, name: str = "staff.csv") -> SimpleUploadedFile:
    text = "\r\n".join(lines) + "\r\n"
    return SimpleUploadedFile(name, (("\ufeff" if bom else "") + text).encode("utf-8"), content_type="text/csv")


@pytest.fixture
def admin_client_(world, client_for):
    return client_for(world.admin)


def _school_people(world) -> int:
    return Person.objects.filter(school=world.school).count()


# --- a good file ------------------------------------------------------------------------------------------


def test_good_xlsx_imports_every_row_with_classes_and_memberships(world, admin_client_):
    year = AcademicYear.objects.current()
    people_before = _school_people(world)
    # fmt: off
    upload = _xlsx(
        [
            [
                "Белова", "Ольга", "Игоревна", "ж", "Учитель", "высшее педагогическое",
                datetime.datetime(2012, 9, 1), "первая", "15.03.2023", "belova@example.ru", "5А",
            ],
            [
                "Громов", "Илья", "Сергеевич", "муж", "педагог-организатор", "",
                "01.09.2019", "", None, None, "7 «Б»",
            ],
            [
                "Дьякова", "Нина", "", "Женский", "педагог - психолог", "Высшее непедагогическое",
                None, None, None, None, None,
            ],
            [None] * len(HEADERS),  # an empty row is skipped, not an error
            # Already in the school: updated, not duplicated; her class 6 «Б» stays hers.
            [
                "Соколова", "Марина", "Петровна", "ж", "учитель", None,
                None, "высшая", "20.12.2024", "sokolova@example.ru", "6-б",
            ],
        ]
    )
    # fmt: on

    response = admin_client_.post(_url(world.school), {"file": upload})

    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok, report.problems
    assert (report.created, report.updated, report.classes) == (3, 1, 2)
    assert _school_people(world) == people_before + 3

    belova = Person.objects.get(school=world.school, last_name="Белова")
    assert belova.district == world.district
    assert belova.gender == Person.Gender.FEMALE
    assert belova.education == Person.Education.HIGHER_PEDAGOGICAL
    assert belova.experience_since == datetime.date(2012, 9, 1)
    assert belova.category == Person.Category.FIRST
    assert belova.category_date == datetime.date(2023, 3, 15)
    assert belova.history.get().history_user == world.admin
    gromov = Person.objects.get(school=world.school, last_name="Громов")
    assert gromov.position == Person.Position.ORGANIZER
    assert gromov.gender == Person.Gender.MALE
    assert gromov.education == ""
    assert gromov.category == Person.Category.NONE
    dyakova = Person.objects.get(school=world.school, last_name="Дьякова")
    assert dyakova.position == Person.Position.PSYCHOLOGIST
    assert dyakova.patronymic == ""

    classes = {
        (a.grade, a.letter): a.teacher.last_name
        for a in ClassAssignment.objects.filter(school=world.school, academic_year=year)
    }
    assert classes == {(5, "А"): "Белова", (7, "Б"): "Громов", (6, "Б"): "Соколова"}
    members = set(
        Membership.objects.filter(association=world.mo, academic_year=year).values_list("person__last_name", flat=True)
    )
    assert {"Белова", "Громов", "Соколова"} <= members
    assert "Дьякова" not in members  # no class, no membership

    sokolova = world.teacher_person
    sokolova.refresh_from_db()
    assert Person.objects.filter(school=world.school, last_name="Соколова").count() == 1
    assert sokolova.email == "sokolova@example.ru"
    assert sokolova.category == Person.Category.HIGHEST
    assert sokolova.education == Person.Education.HIGHER_PEDAGOGICAL  # an empty cell keeps it

    html = response.content.decode()
    assert report.summary in html
    assert "Соколова Марина Петровна" in html and "уже есть в школе" in html
    assert LogEntry.objects.get(content_type__model="school", object_id=str(world.school.pk)).change_message.startswith(
        "Импорт списка сотрудников"
    )


def test_csv_with_bom_and_commas_is_read(world, admin_client_):
    upload = _csv(
        [
            "фамилия , ИМЯ,Отчество,пол,должность,образование,начало стажа,класс",
            "Егорова,Вера,Павловна,ж,учитель,высшее педагогическое,01.09.2015,9в",
        ],
        bom=True,
    )

    response = admin_client_.post(_url(world.school), {"file": upload})

    report = response.context["report"]
    assert report.ok, report.problems
    assert report.created == 1
    assert ClassAssignment.objects.get(teacher__last_name="Егорова").label == "9 «В»"


def test_dry_run_writes_nothing_and_keeps_the_choice(world, admin_client_):
    people_before = _school_people(world)
    upload = _csv(
        [
            "Фамилия;Имя;Отчество;Пол;Должность;Образование;Начало стажа",
            "Жукова;Анна;Олеговна;ж;учитель;;01.09.2020",
        ]
    )

    response = admin_client_.post(_url(world.school), {"file": upload, "dry_run": "on"})

    report = response.context["report"]
    assert report.ok and report.dry_run and report.created == 1
    assert "Проверка пройдена" in response.content.decode()
    assert response.context["form"]["dry_run"].value() is True
    assert _school_people(world) == people_before


# --- a bad row: nothing is imported, the row is named -----------------------------------------------------


def test_csv_with_an_unknown_position_imports_nothing_and_names_the_row(world, admin_client_):
    people_before = _school_people(world)
    upload = _csv(
        [
            "Фамилия;Имя;Отчество;Пол;Должность;Образование;Начало стажа;Класс",
            "Зуева;Алла;Ивановна;ж;учитель;высшее педагогическое;01.09.2011;2А",
            "Иванов;Пётр;Ильич;м;учитель физкультуры;высшее педагогическое;01.09.2011;",
            "Кирова;Дина;;ж;учитель;;;",
        ]
    )

    response = admin_client_.post(_url(world.school), {"file": upload})

    assert response.status_code == 200
    report = response.context["report"]
    assert not report.ok
    assert [p.row for p in report.problems] == [3]
    assert "учитель физкультуры" in report.problems[0].messages[0]
    assert "Должность" in report.problems[0].messages[0]
    html = response.content.decode()
    assert "ничего не импортировано" in html
    assert "<td>3</td>" in html
    assert _school_people(world) == people_before
    assert not ClassAssignment.objects.filter(grade=2).exists()


def test_csv_with_a_bad_date_imports_nothing_and_names_the_row(world, admin_client_):
    people_before = _school_people(world)
    upload = _csv(
        [
            "Фамилия;Имя;Отчество;Пол;Должность;Образование;Начало стажа",
            "Зуева;Алла;Ивановна;ж;учитель;;01.09.2011",
            "Лебедева;Ия;;ж;учитель;;31.02.2010",
            "Мишина;Ева;;х;;;",
        ]
    )

    response = admin_client_.post(_url(world.school), {"file": upload})

    report = response.context["report"]
    assert [p.row for p in report.problems] == [3, 4]
    assert "31.02.2010" in report.problems[0].messages[0]
    assert "ДД.ММ.ГГГГ" in report.problems[0].messages[0]
    assert any("Пол" in m for m in report.problems[1].messages)
    assert any("Должность" in m and "не заполнено" in m for m in report.problems[1].messages)
    assert "31.02.2010" in response.content.decode()
    assert _school_people(world) == people_before


def test_classes_repeated_in_the_file_or_taken_in_the_database_are_refused(world, admin_client_):
    upload = _csv(
        [
            "Фамилия;Имя;Отчество;Пол;Должность;Образование;Начало стажа;Класс",
            "Носова;Лия;;ж;учитель;;;5А",
            "Орехова;Зоя;;ж;учитель;;;5 «а»",
            "Панова;Яна;;ж;учитель;;;6Б",  # 6 «Б» is Соколова's this year
            "Носова;Лия;;ж;учитель;;;",  # the same person twice in the file
        ]
    )

    response = admin_client_.post(_url(world.school), {"file": upload})

    report = response.context["report"]
    by_row = {p.row: " ".join(p.messages) for p in report.problems}
    assert set(by_row) == {3, 4, 5}
    assert "строке 2" in by_row[3]
    assert "Соколова" in by_row[4]
    assert "строке 2" in by_row[5]
    assert not Person.objects.filter(last_name__in=["Носова", "Орехова", "Панова"]).exists()


# --- the file itself is wrong: an error next to the file field ----------------------------------------------


def test_wrong_headers_are_a_form_error(world, admin_client_):
    upload = _csv(["Фамилия;Имя;Телефон", "Рыбакова;Ада;123"])

    response = admin_client_.post(_url(world.school), {"file": upload})

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert "Неизвестные столбцы: «Телефон»" in errors
    assert "Нет обязательных столбцов" in errors and "«Пол»" in errors
    assert response.context["report"] is None


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("staff.txt", b"hello", "XLSX или CSV"),
        ("staff.xls", b"\xd0\xcf\x11\xe0", ".xls"),
        ("staff.xlsx", b"PK\x03\x04 not really a workbook", "повреждён"),
        ("staff.xlsx", b"plain text", "повреждён"),
        ("staff.csv", "Фамилия;Имя".encode("cp1251"), "UTF-8"),
    ],
)
def test_wrong_or_corrupt_file_is_a_form_error(world, admin_client_, name, content, expected):
    response = admin_client_.post(_url(world.school), {"file": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    assert expected in " ".join(response.context["form"].errors["file"])


def test_too_large_and_too_long_files_are_refused(world, admin_client_):
    big = SimpleUploadedFile("staff.csv", b"x" * (imports.MAX_FILE_SIZE + 1))
    response = admin_client_.post(_url(world.school), {"file": big})
    assert "2 МБ" in " ".join(response.context["form"].errors["file"])

    lines = ["Фамилия;Имя;Отчество;Пол;Должность;Образование;Начало стажа"]
    lines += [f"Фамилия{n};Имя;;ж;учитель;;" for n in range(imports.MAX_ROWS + 1)]
    response = admin_client_.post(_url(world.school), {"file": _csv(lines)})
    assert str(imports.MAX_ROWS) in " ".join(response.context["form"].errors["file"])
    assert not Person.objects.filter(last_name__startswith="Фамилия").exists()


# --- access -------------------------------------------------------------------------------------------------


def test_non_staff_users_are_sent_to_the_admin_login(world, client, client_for):
    url = _url(world.school)

    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("admin:login"))

    teacher = client_for(world.teacher).post(url, {"file": _csv(["Фамилия;Имя"])})
    assert teacher.status_code == 302
    assert teacher["Location"].startswith(reverse("admin:login"))


def test_staff_without_person_permissions_is_forbidden(world, client_for):
    clerk = f.UserFactory(username="clerk", is_staff=True)
    StaffDistrict.objects.create(user=clerk, district=world.district)  # the school's district

    assert client_for(clerk).get(_url(world.school)).status_code == 403


def test_import_page_and_template_are_reachable_from_the_school_pages(world, admin_client_):
    change = admin_client_.get(reverse("admin:associations_school_change", args=(world.school.pk,)))
    assert _url(world.school) in change.content.decode()
    changelist = admin_client_.get(reverse("admin:associations_school_changelist"))
    assert _url(world.school) in changelist.content.decode()

    page = admin_client_.get(_url(world.school))
    assert page.status_code == 200
    assert "Импорт списка сотрудников" in page.content.decode()

    template = admin_client_.get(reverse("admin:associations_school_import_staff_template"))
    assert template.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(template.content)).active
    assert [c.value for c in sheet[1]] == HEADERS


def test_the_template_imports_cleanly_once_filled(world):
    workbook = openpyxl.load_workbook(io.BytesIO(imports.staff_import_template()))
    workbook.active.append(["Смирнова", "Ия", "", "ж", "учитель", "", "", "", "", "", "10А"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)

    report = imports.staff_import(school=world.school, file=buffer, filename="x.xlsx", user=world.admin)

    assert report.ok and report.created == 1 and report.classes == 1
