"""Import of attestation and courses from XLSX in the admin: each row matched to one person of the
district, checked by the services' rules in the file's order; one bad row imports nothing and
the report names it (the header is row 1) with the reason in Russian; a good file imports every
row in one transaction, with the count in a message."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from associations.models import Person, StaffDistrict
from associations.records import imports
from associations.records.models import Attestation, Category, Course
from tests import factories as f
from tests.helpers import messages_of

ATTESTATION_HEADERS = [
    "Фамилия", "Имя", "Отчество", "Школа", "Категория", "Дата присвоения", "Номер приказа", "Дата приказа",
    "Кем издан приказ",
]
COURSE_HEADERS = [
    "Фамилия", "Имя", "Отчество", "Школа", "Название программы", "Организация", "Часов", "Начало", "Окончание",
    "Номер удостоверения",
]
MINISTRY = "Министерство образования области"
IRO = "Институт развития образования (региональный)"


def _xlsx_bytes(headers: list[str], rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(headers: list[str], rows: list[list]) -> SimpleUploadedFile:
    return SimpleUploadedFile("записи.xlsx", _xlsx_bytes(headers, rows))


def _attestation_import(world, rows: list[list], **kwargs):
    return imports.attestation_import(
        district=world.district, file=io.BytesIO(_xlsx_bytes(ATTESTATION_HEADERS, rows)), filename="a.xlsx",
        user=world.admin, **kwargs,
    )


def _course_import(world, rows: list[list], **kwargs):
    return imports.course_import(
        district=world.district, file=io.BytesIO(_xlsx_bytes(COURSE_HEADERS, rows)), filename="c.xlsx",
        user=world.admin, **kwargs,
    )


def _url(model: str, page: str = "import") -> str:
    return reverse(f"admin:associations_{model}_{page}")


@pytest.fixture
def staff(world):
    """The education department of the world's district: a staff user with the associations' rights."""
    user = f.UserFactory(username="otdel", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="associations"))
    StaffDistrict.objects.create(user=user, district=world.district)
    return user


@pytest.fixture
def provider(db):
    return f.CourseProviderFactory(name=IRO)


def _sokolova(category="первая", granted="15.01.2025", **changes):
    row = {
        "last_name": "Соколова", "first_name": "Марина", "patronymic": "Петровна", "school": "",
        "category": category, "granted": granted, "order": "12-к", "order_date": granted, "issuer": MINISTRY,
    }
    row.update(changes)
    return list(row.values())


# --- a good file ---------------------------------------------------------------------------------


def test_a_good_attestation_file_imports_every_row(world, staff, client_for):
    head = world.head_person
    rows = [
        # The teacher: a category of 2021 (five years) and one of 2025 (бессрочно).
        _sokolova("Первая квалификационная категория", datetime.datetime(2021, 5, 14), order_date="14.05.2021"),
        _sokolova("высшая", "20.02.2025", school="МБОУ «СОШ № 1»"),
        # The head: высшая, then a педагог-наставник that needs it (the rows depend on each other).
        ["Волкова", "Анна", "Петровна", "", "высшая", "10.10.2023", "300-к", "10.10.2023", MINISTRY],
        ["волкова", "АННА", "петровна", "", "Педагог - наставник", "15.05.2025", "41-к", "15.05.2025", ""],
        ["Петрова", "Елена", "", "", "СЗД", "01.09.2024", "7", "30.08.2024", "МБОУ «СОШ № 1»"],
    ]

    response = client_for(staff).post(
        _url("attestation"), {"file": _upload(ATTESTATION_HEADERS, rows)}, follow=True
    )

    assert response.redirect_chain[-1][0] == _url("attestation", "changelist")
    assert messages_of(response) == ["Импорт из «записи.xlsx» выполнен: 5 записей об аттестации."]
    records = {
        (a.person.last_name, a.category, a.granted_on): a
        for a in Attestation.objects.filter(person__district=world.district).select_related("person")
    }
    assert set(records) == {
        ("Соколова", Category.FIRST, datetime.date(2021, 5, 14)),
        ("Соколова", Category.HIGHEST, datetime.date(2025, 2, 20)),
        ("Волкова", Category.HIGHEST, datetime.date(2023, 10, 10)),
        ("Волкова", Category.MENTOR, datetime.date(2025, 5, 15)),
        ("Петрова", Category.SZD, datetime.date(2024, 9, 1)),
    }
    first = records[("Соколова", Category.FIRST, datetime.date(2021, 5, 14))]
    assert first.expires_on == datetime.date(2026, 5, 13)
    assert (first.order_number, first.order_date, first.order_issuer) == ("12-к", datetime.date(2021, 5, 14), MINISTRY)
    assert first.entered_by == staff
    assert first.history.get().history_user == staff
    assert records[("Волкова", Category.MENTOR, datetime.date(2025, 5, 15))].expires_on is None
    szd = records[("Петрова", Category.SZD, datetime.date(2024, 9, 1))]
    assert szd.expires_on == datetime.date(2029, 8, 31)
    head.refresh_from_db()
    # The directory's current category follows the records (through the service).
    assert (head.category, head.category_date) == (Person.Category.MENTOR, datetime.date(2025, 5, 15))
    assert LogEntry.objects.filter(content_type__model="attestation", user=staff).count() == 5


def test_a_good_course_file_imports_every_row(world, staff, provider, client_for):
    f.CourseProviderFactory(name="ЦНППМ")
    rows = [
        ["Соколова", "Марина", "Петровна", "МБОУ «СОШ № 1»", "Классное руководство", "институт развития "
         "образования (РЕГИОНАЛЬНЫЙ)", 72, "10.02.2025", "21.02.2025", "672400001"],
        ["Волкова", "Анна", "", "", "Воспитание в школе", "ЦНППМ", "36 ч.", datetime.date(2024, 3, 1),
         datetime.date(2024, 3, 15), None],
    ]

    response = client_for(staff).post(_url("course"), {"file": _upload(COURSE_HEADERS, rows)}, follow=True)

    # «2 записи» once translated (ngettext): the count and the words around it.
    [message] = messages_of(response)
    assert message.startswith("Импорт из «записи.xlsx» выполнен: 2 запис")
    assert message.endswith("о курсах повышения квалификации.")
    sokolova = Course.objects.get(person=world.teacher_person)
    assert (sokolova.title, sokolova.provider, sokolova.hours) == ("Классное руководство", provider, 72)
    assert (sokolova.starts_on, sokolova.ends_on) == (datetime.date(2025, 2, 10), datetime.date(2025, 2, 21))
    assert sokolova.document_number == "672400001"
    assert sokolova.academic_year.start_year == 2024
    volkova = Course.objects.get(person=world.head_person)
    assert (volkova.hours, volkova.provider.name, volkova.document_number) == (36, "ЦНППМ", "")


def test_a_check_writes_nothing_and_importing_twice_adds_nothing(world):
    rows = [_sokolova(), _sokolova("высшая", "20.02.2025")]

    check = _attestation_import(world, rows, dry_run=True)
    assert check.ok and check.created == 2
    assert "Проверка пройдена, ничего не записано" in check.summary
    assert not Attestation.objects.exists()

    assert _attestation_import(world, rows).created == 2
    again = _attestation_import(world, rows)
    assert again.ok and (again.created, again.skipped) == (0, 2)
    assert [n.row for n in again.notes] == [2, 3]
    assert Attestation.objects.count() == 2


# --- a bad row: nothing is imported, the row is named ----------------------------------------------


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row_and_the_reason(world, staff, client_for):
    rows = [
        _sokolova(),
        ["Волкова", "Анна", "Петровна", "", "высшая", "10.10.2023", "300-к", "10.10.2023", ""],
        ["Орлова", "Инна", "", "", "первая", "10.10.2024", "301-к", "10.10.2024", ""],  # row 4: nobody
        ["Петрова", "Елена", "", "", "СЗД", "01.09.2024", "7", "30.08.2024", ""],
    ]
    people_before = list(Person.objects.values_list("pk", "category", "category_date").order_by("pk"))

    response = client_for(staff).post(_url("attestation"), {"file": _upload(ATTESTATION_HEADERS, rows)})

    assert response.status_code == 200
    report = response.context["report"]
    assert [p.row for p in report.problems] == [4]
    assert "Орлова Инна — нет среди педагогов района «Заречный район»" in report.problems[0].messages[0]
    html = response.content.decode()
    assert "Ошибка в 1 строке — ничего не импортировано." in html
    assert "<td>4</td>" in html and "нет среди педагогов района" in html
    assert not Attestation.objects.exists()  # the good rows were checked, then rolled back
    assert list(Person.objects.values_list("pk", "category", "category_date").order_by("pk")) == people_before
    assert not LogEntry.objects.filter(content_type__model="attestation").exists()


def test_every_bad_row_is_reported_with_its_reasons(world):
    report = _attestation_import(world, [
        _sokolova(),
        _sokolova("вторая", "32.01.2025", order=""),
        _sokolova("первая", "15.01.2025"),  # the same as row 2
    ])

    by_row = {p.row: p.messages for p in report.problems}
    assert set(by_row) == {3, 4}
    assert any(m.startswith("Категория: «вторая» — неизвестная категория") for m in by_row[3])
    assert any(m.startswith("Дата присвоения: «32.01.2025» — не дата") for m in by_row[3])
    assert "Номер приказа: не заполнено." in by_row[3]
    assert by_row[4] == ["повторяет строку 2 файла."]
    assert report.created == 0 and not Attestation.objects.exists()


def test_an_unknown_person_is_refused(world):
    report = _attestation_import(
        world, [["Сидорова", "Ольга", "Ивановна", "", "первая", "15.01.2025", "1", "15.01.2025", ""]]
    )
    assert [p.row for p in report.problems] == [2]
    assert "Сидорова Ольга Ивановна — нет среди педагогов района «Заречный район»" in report.problems[0].messages[0]


def test_another_districts_person_is_refused(world):
    # Зайцева Мария Петровна is the other district's methodologist.
    report = _attestation_import(world, [["Зайцева", "Мария", "Петровна", "", "первая", "15.01.2025", "1",
                                          "15.01.2025", ""]])
    assert "Зайцева Мария Петровна — нет среди педагогов района «Заречный район»" in report.problems[0].messages[0]
    assert not Attestation.objects.exists()
    # Nor by naming the other district's school.
    report = _attestation_import(world, [["Зайцева", "Мария", "Петровна", "МБОУ «Озёрная СОШ»", "первая",
                                          "15.01.2025", "1", "15.01.2025", ""]])
    assert report.problems[0].messages == [
        "Школа: «МБОУ «Озёрная СОШ»» — такой школы нет в районе «Заречный район»."
    ]


def test_an_ambiguous_name_is_refused_unless_the_school_tells_them_apart(world):
    for school in (world.school, world.other_school):
        f.PersonFactory(school=school, last_name="Иванова", first_name="Мария", patronymic="Петровна")
    row = ["Иванова", "Мария", "Петровна", "", "первая", "15.01.2025", "1", "15.01.2025", ""]

    report = _attestation_import(world, [row])
    assert report.problems[0].messages == [
        "в районе несколько педагогов «Иванова Мария Петровна» (МБОУ «СОШ № 1», МБОУ «СОШ № 2»): укажите школу "
        "в столбце «Школа»."
    ]

    row[3] = "мбоу «сош № 2»"
    report = _attestation_import(world, [row])
    assert report.ok, report.problems
    assert Attestation.objects.get().person.school == world.other_school


def test_a_bad_date_is_refused(world):
    report = _attestation_import(world, [_sokolova(granted="31.02.2025", order_date="2025-02-31")])
    messages = report.problems[0].messages
    assert "Дата присвоения: «31.02.2025» — не дата; нужен формат ДД.ММ.ГГГГ." in messages
    assert "Дата приказа: «2025-02-31» — не дата; нужен формат ДД.ММ.ГГГГ." in messages


def test_the_rule_of_point_45_is_checked_in_the_files_order(world):
    # A holder of первая asks for педагог-наставник: refused quoting п. 45.
    report = _attestation_import(world, [_sokolova(), _sokolova("педагог-наставник", "20.02.2025")])
    assert [p.row for p in report.problems] == [3]
    message = report.problems[0].messages[0]
    assert message.startswith(
        "Категория: Отказано: «квалификационные категории «педагог-методист» и «педагог-наставник»"
    )
    assert "(п. 45 Порядка" in message
    assert not Attestation.objects.exists()

    # The высшая after the педагог-наставник does not help it: the rows are checked in order.
    report = _attestation_import(world, [_sokolova("педагог-наставник", "20.02.2025"), _sokolova("высшая")])
    assert [p.row for p in report.problems] == [2]

    # Before it, it does.
    report = _attestation_import(world, [_sokolova("высшая"), _sokolova("педагог-наставник", "20.02.2025")])
    assert report.ok and report.created == 2


def test_a_methodologist_cannot_be_granted_pedagog_metodist(world):
    report = _attestation_import(world, [
        ["Кузнецова", "Татьяна", "Александровна", "", "высшая", "10.01.2025", "1", "10.01.2025", ""],
        ["Кузнецова", "Татьяна", "Александровна", "", "педагог-методист", "20.02.2025", "2", "20.02.2025", ""],
    ])
    assert [p.row for p in report.problems] == [3]
    assert "(п. 50 Порядка" in report.problems[0].messages[0]


def test_an_unknown_course_provider_is_refused_by_name(world, provider):
    report = _course_import(world, [
        ["Соколова", "Марина", "Петровна", "", "Классное руководство", IRO, 72, "10.02.2025", "21.02.2025", ""],
        ["Соколова", "Марина", "Петровна", "", "Медиация", "Академия ромашка", "много", "21.02.2025",
         "10.02.2025", ""],
        ["Соколова", "Марина", "Петровна", "", "Медиация", IRO, 5000, "21.02.2025", "10.02.2025", ""],
    ])
    by_row = {p.row: p.messages for p in report.problems}
    assert set(by_row) == {3, 4}
    assert by_row[3] == [
        "Организация: «Академия ромашка» нет в справочнике организаций курсов: исправьте название или добавьте "
        "организацию в справочник.",
        "Часов: «много» — не число часов.",
    ]
    # The service's own rules, under their columns.
    assert "Окончание: Окончание курсов не может быть раньше их начала." in by_row[4]
    assert "Часов: Убедитесь, что это значение меньше либо равно 2000." in by_row[4]
    assert not Course.objects.exists()


def test_wrong_headers_are_a_form_error(world, staff, client_for):
    upload = _upload(["Фамилия", "Имя", "Категория", "Телефон"], [["Соколова", "Марина", "первая", "1"]])
    response = client_for(staff).post(_url("attestation"), {"file": upload})
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["file"])
    assert "Неизвестные столбцы: «Телефон»" in errors
    assert "«Дата присвоения»" in errors and "«Номер приказа»" in errors
    assert response.context["report"] is None


# --- the template --------------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "headers"), [("attestation", ATTESTATION_HEADERS), ("course", COURSE_HEADERS)])
def test_the_template_downloads_and_opens_with_openpyxl(world, staff, client_for, model, headers):
    response = client_for(staff).get(_url(model, "import_template"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [c.value for c in workbook.active[1]] == headers
    assert workbook.sheetnames[1] == "Допустимые значения"


def test_the_template_imports_cleanly_once_filled(world, provider):
    workbook = openpyxl.load_workbook(io.BytesIO(imports.course_import_template()))
    workbook.active.append(["Соколова", "Марина", "Петровна", "", "Классное руководство", IRO, 72, "10.02.2025",
                            "21.02.2025", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    report = imports.course_import(district=world.district, file=buffer, filename="x.xlsx", user=world.admin)
    assert report.ok and report.created == 1


# --- the admin pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["attestation", "course"])
def test_the_import_is_reached_from_the_changelist_by_the_staff_of_the_district(world, staff, client_for, model):
    client = client_for(staff)
    changelist = client.get(_url(model, "changelist")).content.decode()
    assert _url(model) in changelist and "Импорт из XLSX" in changelist
    page = client.get(_url(model))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Записи вносятся педагогам района «Заречный район»" in html
    assert 'name="district"' not in html  # their one district: nothing to pick
    assert _url(model, "import_template") in html


def test_a_superuser_picks_the_district(world, client_for):
    client = client_for(world.admin)
    page = client.get(_url("attestation"))
    assert 'name="district"' in page.content.decode()
    rows = [_sokolova()]

    missing = client.post(_url("attestation"), {"file": _upload(ATTESTATION_HEADERS, rows)})
    assert missing.context["form"].errors["district"] == ["Выберите район."]

    other = client.post(_url("attestation"), {"district": world.other_district.pk,
                                              "file": _upload(ATTESTATION_HEADERS, rows)})
    assert "нет среди педагогов района «Озёрный район»" in other.context["report"].problems[0].messages[0]

    done = client.post(_url("attestation"), {"district": world.district.pk,
                                             "file": _upload(ATTESTATION_HEADERS, rows)})
    assert done.status_code == 302
    assert Attestation.objects.get().person == world.teacher_person


def test_another_districts_staff_imports_into_their_own_district_only(world, client_for):
    other_staff = f.UserFactory(username="otdel2", is_staff=True)
    other_staff.user_permissions.set(Permission.objects.filter(content_type__app_label="associations"))
    StaffDistrict.objects.create(user=other_staff, district=world.other_district)
    client = client_for(other_staff)

    response = client.post(_url("attestation"), {"district": world.district.pk,  # not theirs: ignored
                                                 "file": _upload(ATTESTATION_HEADERS, [_sokolova()])})

    assert response.status_code == 200
    assert "нет среди педагогов района «Озёрный район»" in response.context["report"].problems[0].messages[0]
    assert not Attestation.objects.exists()


@pytest.mark.parametrize("page", ["import", "import_template"])
def test_others_are_refused(world, client, client_for, page):
    url = _url("attestation", page)
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("admin:login"))

    for user in (world.teacher, world.methodologist):
        response = client_for(user).post(url, {"file": _upload(ATTESTATION_HEADERS, [_sokolova()])})
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))

    # A staff user of the district without the right to add attestation.
    clerk = f.UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.set(Permission.objects.filter(codename__in=["view_attestation", "change_attestation"]))
    StaffDistrict.objects.create(user=clerk, district=world.district)
    assert client_for(clerk).get(url).status_code == 403
    assert client_for(clerk).post(url, {"file": _upload(ATTESTATION_HEADERS, [_sokolova()])}).status_code == 403
    assert not Attestation.objects.exists()
