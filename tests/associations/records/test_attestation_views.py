"""The pages of attestation: who sees which records, the forms (Russian errors next to the field,
the rule of п. 45 quoted, the user's input kept, version conflicts), the overview, the home page's
warnings and the МО's perspective schedule — each with a query count that does not grow with the
rows."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from associations.models import AcademicYear, Person
from associations.records.attestation.selectors import SCHEDULE_YEARS, add_months
from associations.records.attestation.services import attestation_create, attestation_expiry
from associations.records.models import Attestation, AttestationApplication
from tests import factories as f
from tests.helpers import count_queries, form_data, get_counting_queries, login, messages_of

LIST = reverse("associations:attestations")
CREATE = reverse("associations:attestation_create")
APPLY = reverse("associations:application_create")
OVERVIEW = reverse("associations:attestation_overview")


def _year(day):
    return AcademicYear.objects.get_or_create(start_year=AcademicYear.start_year_for(day))[0]


def _record(person, category, granted_on, **kwargs):
    return f.AttestationFactory(
        person=person, category=category, granted_on=granted_on, order_date=granted_on,
        academic_year=_year(granted_on), expires_on=attestation_expiry(category=category, granted_on=granted_on),
        **kwargs,
    )


def _expiring(person):
    """A category granted before 01.09.2023 that expires in three months (warned now)."""
    today = timezone.localdate()
    return _record(person, "first", add_months(today, 3 - 60) + datetime.timedelta(days=1))


def _rows(response, testid="attestations") -> str:
    content = response.content.decode()
    start = content.index(f'data-testid="{testid}"')
    return content[start:content.index("</table>", start)]


# --- the records list ------------------------------------------------------------------------


@pytest.fixture
def records(world):
    """The teacher's record, one of another school of the district, one of another district."""
    october = datetime.date(world.year.start_year, 10, 7)
    other = f.PersonFactory(school=world.other_school, last_name="Орлова")
    far = f.PersonFactory(school=world.other_district_mo.school, last_name="Дальняя")
    return {
        "teacher": _record(world.teacher_person, "first", october),
        "other": _record(other, "highest", october),
        "far": _record(far, "szd", october),
    }


@pytest.mark.parametrize(("user", "seen"), [
    ("teacher", {"teacher"}),
    ("head", {"teacher"}),
    ("deputy", {"teacher"}),
    ("other_deputy", {"other"}),
    ("methodologist", {"teacher", "other"}),
    ("other_district_methodologist", {"far"}),
    ("admin", {"teacher", "other", "far"}),
])
def test_each_role_sees_its_records_only(world, records, client_for, user, seen):
    response = client_for(getattr(world, user)).get(LIST)
    assert response.status_code == 200
    shown = {key for key, record in records.items() if f'data-attestation="{record.pk}"' in response.content.decode()}
    assert shown == seen


def test_the_outsider_gets_404(world, client_for):
    assert client_for(world.outsider).get(LIST).status_code == 404


def test_the_list_filters_by_category_person_school_and_year(world, records, client_for):
    client = client_for(world.methodologist)
    assert records["other"].pk not in _pks(client.get(LIST, {"category": "first"}))
    assert _pks(client.get(LIST, {"person": world.teacher_person.pk})) == {records["teacher"].pk}
    assert _pks(client.get(LIST, {"school": world.other_school.pk})) == {records["other"].pk}
    assert _pks(client.get(LIST, {"year": world.year.pk})) == {records["teacher"].pk, records["other"].pk}
    # A person the user does not see is not a choice: the filter says so and shows nothing.
    response = client.get(LIST, {"person": records["far"].person_id})
    assert _pks(response) == set()
    assert "Выберите корректный вариант" in response.content.decode()


def _pks(response) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-attestation="(\d+)"', response.content.decode())}


def test_the_list_query_count_does_not_grow(world, client_for):
    client = client_for(world.methodologist)
    _record(world.teacher_person, "first", datetime.date(world.year.start_year, 10, 7))
    f.AttestationApplicationFactory(person=world.teacher_person, applied_on=datetime.date(world.year.start_year, 10, 8))
    one = count_queries(client, LIST)
    for n in range(5):
        person = f.PersonFactory(school=world.other_school)
        _record(person, "szd", datetime.date(world.year.start_year, 10, 1 + n))
        f.AttestationApplicationFactory(person=person, applied_on=datetime.date(world.year.start_year, 10, 9))
    queries, response = get_counting_queries(client, LIST)
    assert len(_pks(response)) == 6
    # session, user, roles (person, appointments), the attestations (count, page), the
    # applications, the filter's choices (years, schools, people): the same with 1 row or 6.
    assert queries == one == 10


# --- the forms -----------------------------------------------------------------------------


def test_a_teacher_enters_their_own_attestation(world, client_for):
    client = client_for(world.teacher)
    page = client.get(CREATE)
    data = form_data(page, "attestation-form")
    assert data["person"] == str(world.teacher_person.pk)
    # The teacher's picker offers the teacher alone.
    assert list(page.context["form"].fields["person"].queryset) == [world.teacher_person]
    data.update(category="first", granted_on="2021-05-14", order_number="214-к", order_date="2021-05-20")
    AcademicYear.objects.get_or_create(start_year=2020)
    response = client.post(CREATE, data, follow=True)
    record = Attestation.objects.get(person=world.teacher_person)
    assert (record.expires_on, record.entered_by) == (datetime.date(2026, 5, 13), world.teacher)
    assert "первая с 14.05.2021, действует по: 13.05.2026" in messages_of(response)[0]


def test_a_teacher_may_not_pick_someone_else(world, client_for):
    response = client_for(world.teacher).post(CREATE, {
        "person": world.head_person.pk, "category": "szd", "granted_on": "2025-10-01", "order_number": "1",
        "order_date": "2025-10-01",
    })
    assert response.status_code == 200
    assert "Этого педагога нет среди тех, чьи записи вы вносите." in response.content.decode()
    assert not Attestation.objects.exists()


def test_bad_input_gets_russian_messages_next_to_the_fields_and_keeps_the_input(world, client_for):
    response = client_for(world.head).post(CREATE, {
        "person": world.teacher_person.pk, "category": "", "granted_on": "31.02.2025", "order_number": "№" * 41,
        "order_date": "", "note": "пояснение",
    })
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["category"] == ["Обязательное поле."]
    assert errors["granted_on"] == ["Введите правильную дату."]
    assert errors["order_number"] == ["Убедитесь, что это значение содержит не более 40 символов (сейчас 41)."]
    assert errors["order_date"] == ["Обязательное поле."]
    kept = form_data(response, "attestation-form")
    assert kept["note"] == "пояснение" and kept["granted_on"] == "31.02.2025"
    assert "is-invalid" in response.content.decode()
    assert not Attestation.objects.exists()


def test_the_rule_of_point_45_is_quoted_next_to_the_category(world, client_for):
    """The issue's «Done when»: a request for педагог-наставник by a holder of первая."""
    attestation_create(person=world.teacher_person, category="first", granted_on=datetime.date(2024, 1, 15),
                       order_number="15", order_date=datetime.date(2024, 1, 15), user=world.head)
    client = client_for(world.teacher)
    response = client.post(APPLY, {
        "person": world.teacher_person.pk, "category": "mentor", "applied_on": "2025-03-01",
        "note": "портфолио готово",
    })
    assert response.status_code == 200
    [message] = response.context["form"].errors["category"]
    assert message.startswith(
        "Отказано: «квалификационные категории «педагог-методист» и «педагог-наставник» устанавливаются "
        "педагогическим работникам, имеющим высшую квалификационную категорию» (п. 45 Порядка"
    )
    assert "приказом Минпросвещения России от 24.03.2023 № 196" in message
    assert "«педагог-наставник» устанавливаются" in response.content.decode()
    kept = form_data(response, "application-form")
    assert (kept["category"], kept["applied_on"], kept["note"]) == ("mentor", "2025-03-01", "портфолио готово")
    assert not AttestationApplication.objects.exists()

    # For первая the application is recorded.
    kept["category"] = "highest"
    response = client.post(APPLY, kept, follow=True)
    assert AttestationApplication.objects.get().category == "highest"
    assert "записано" in messages_of(response)[0]


def test_a_methodist_may_not_be_granted_pedagogue_methodist(world, client_for):
    methodist = world.methodologist.person
    attestation_create(person=methodist, category="highest", granted_on=datetime.date(2024, 1, 15),
                       order_number="15", order_date=datetime.date(2024, 1, 15), user=world.admin)
    response = client_for(world.admin).post(CREATE, {
        "person": methodist.pk, "category": "methodist", "granted_on": "2025-03-01", "order_number": "1",
        "order_date": "2025-03-01",
    })
    assert response.status_code == 200
    assert "(п. 50 Порядка" in response.context["form"].errors["category"][0]
    assert Attestation.objects.filter(person=methodist).count() == 1


def test_an_edit_that_meets_a_newer_version_keeps_the_input_and_overwrites_on_the_second_save(world, client_for):
    record = _record(world.teacher_person, "first", datetime.date(world.year.start_year, 10, 7), order_number="1-к")
    url = reverse("associations:attestation_edit", args=[record.pk])
    head = client_for(world.head)
    data = form_data(head.get(url), "attestation-form")
    assert data["version"] == "1"

    # The methodologist saves first.
    other = login(world.methodologist)
    theirs = form_data(other.get(url), "attestation-form")
    theirs["order_number"] = "2-к"
    assert other.post(url, theirs).status_code == 302

    data["order_number"] = "3-к"
    data["note"] = "уточнено"
    response = head.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Запись уже изменил другой пользователь" in page and "приказ № 2-к" in page
    kept = form_data(response, "attestation-form")
    assert (kept["order_number"], kept["note"], kept["version"]) == ("3-к", "уточнено", "2")
    assert Attestation.objects.get(pk=record.pk).order_number == "2-к"

    assert head.post(url, kept).status_code == 302
    record.refresh_from_db()
    assert (record.order_number, record.note, record.version) == ("3-к", "уточнено", 3)


def test_the_deputy_reads_but_does_not_edit(world, client_for):
    record = _record(world.teacher_person, "first", datetime.date(world.year.start_year, 10, 7))
    deputy = client_for(world.deputy)
    assert f'data-attestation="{record.pk}"' in deputy.get(LIST).content.decode()
    assert "attestation_edit" not in _rows(deputy.get(LIST))
    assert deputy.get(reverse("associations:attestation_edit", args=[record.pk])).status_code == 403
    assert deputy.post(reverse("associations:attestation_delete", args=[record.pk])).status_code == 403
    assert Attestation.objects.filter(pk=record.pk).exists()


def test_the_head_deletes_and_the_directory_follows(world, client_for):
    record = attestation_create(person=world.teacher_person, category="highest",
                                granted_on=datetime.date(world.year.start_year, 10, 7), order_number="15",
                                order_date=datetime.date(world.year.start_year, 10, 7), user=world.head)
    world.teacher_person.refresh_from_db()
    assert world.teacher_person.category == Person.Category.HIGHEST
    response = client_for(world.head).post(reverse("associations:attestation_delete", args=[record.pk]), follow=True)
    assert messages_of(response) == ["Запись об аттестации удалена."]
    world.teacher_person.refresh_from_db()
    assert world.teacher_person.category == Person.Category.NONE


def test_an_application_is_decided_on_its_page(world, client_for):
    application = f.AttestationApplicationFactory(
        person=world.teacher_person, category="highest", applied_on=datetime.date(world.year.start_year, 10, 7)
    )
    url = reverse("associations:application_decide", args=[application.pk])
    client = client_for(world.head)
    data = form_data(client.get(url), "decide-form")
    decided_on = datetime.date(world.year.start_year, 12, 20)
    data.update(outcome="granted", outcome_on=decided_on.isoformat())
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["order_number"] == ["Укажите номер приказа об установлении категории."]
    data.update(order_number="1024", order_date=decided_on.isoformat())
    response = client.post(url, data, follow=True)
    application.refresh_from_db()
    assert application.outcome == "granted" and application.attestation.category == "highest"
    assert application.attestation.expires_on is None
    assert messages_of(response) == ["Итог заявления записан: категория установлена."]
    # Decided once: the page sends back with a message.
    again = client.get(url, follow=True)
    assert "Решение по заявлению уже принято" in messages_of(again)[0]


# --- the overview and the home page ------------------------------------------------------------


def test_the_overview_shows_who_is_due_and_filters_by_warning(world, client_for):
    expiring = _expiring(world.teacher_person)
    fine = f.PersonFactory(school=world.other_school, last_name="Бессрочная")
    _record(fine, "highest", datetime.date(2024, 2, 1))
    overdue = f.PersonFactory(school=world.other_school, last_name="Безаттестации")
    client = client_for(world.methodologist)
    page = client.get(OVERVIEW).content.decode()
    assert f"категория истекает {expiring.expires_on:%d.%m.%Y}" in page
    assert "Бессрочная" in page and "бессрочно" in page and "СЗД просрочено" in page

    warned = client.get(OVERVIEW, {"warning": "any"}).content.decode()
    assert "Бессрочная" not in warned and "Безаттестации" in warned and "Соколова" in warned
    only_overdue = client.get(OVERVIEW, {"warning": "szd_overdue"}).content.decode()
    assert "Соколова" not in only_overdue and f'data-person="{overdue.pk}"' in only_overdue
    school = client.get(OVERVIEW, {"school": world.school.pk}).content.decode()
    assert "Безаттестации" not in school and "Соколова" in school


def test_the_overview_is_a_school_for_the_head_and_the_deputy(world, client_for):
    f.PersonFactory(school=world.other_school, last_name="Чужая")
    schedule = reverse("associations:attestation_schedule", args=[world.mo.pk])
    for user in (world.head, world.deputy):
        page = client_for(user).get(OVERVIEW).content.decode()
        assert "Соколова" in page and "Чужая" not in page
        assert f'href="{schedule}"' in page
        assert reverse("associations:attestation_schedule", args=[world.other_mo.pk]) not in page
    assert client_for(world.teacher).get(OVERVIEW).status_code == 404


def test_the_overview_query_count_does_not_grow(world, client_for):
    client = client_for(world.methodologist)
    _expiring(world.teacher_person)
    one = count_queries(client, OVERVIEW)
    for n in range(6):
        person = f.PersonFactory(school=world.other_school)
        _record(person, "szd", datetime.date(2019 + n % 3, 3, 1))
    # session, user, roles (person, appointments), the people, their records, the school МО
    # (links to their schedules), the school choices.
    assert count_queries(client, OVERVIEW) == one == 8


def test_the_home_page_warns_the_person_their_head_and_deputy(world, client_for):
    record = _expiring(world.teacher_person)
    text = f"категория истекает {record.expires_on:%d.%m.%Y}"
    own = client_for(world.teacher).get(reverse("home")).content.decode()
    assert 'data-testid="own-attestation-warning"' in own and text in own
    for user in (world.head, world.deputy):
        page = client_for(user).get(reverse("home")).content.decode()
        assert f'data-person="{world.teacher_person.pk}"' in page and text in page
    for user in (world.other_deputy, world.other_district_methodologist):
        assert text not in client_for(user).get(reverse("home")).content.decode()


def test_the_home_page_warnings_cost_the_same_for_many_people(world, client_for):
    client = client_for(world.deputy)
    _expiring(world.teacher_person)
    one = count_queries(client, reverse("home"))
    for _ in range(6):
        _expiring(f.PersonFactory(school=world.school))
    queries, response = get_counting_queries(client, reverse("home"))
    assert response.content.decode().count("категория истекает") == 7
    assert queries == one  # the warnings: the school's people and their records, two queries


# --- the МО's perspective schedule -------------------------------------------------------------


def test_the_schedule_puts_each_member_in_the_year_their_attestation_is_due(world, client_for):
    today = timezone.localdate()
    first = AcademicYear.start_year_for(today)
    teacher = _record(world.teacher_person, "first", datetime.date(2021, 5, 14))  # due at expiry
    head_szd = _record(world.head_person, "szd", datetime.date(first - 3, 10, 1))  # due in year 3 of the schedule
    url = reverse("associations:attestation_schedule", args=[world.mo.pk])
    response = client_for(world.head).get(url)
    schedule = response.context["schedule"]
    assert schedule.years == [f"{y}/{y + 1}" for y in range(first, first + SCHEDULE_YEARS)]
    rows = {row.person.pk: row for row in schedule.rows}
    assert set(rows) == {world.teacher_person.pk, world.head_person.pk}
    expected = [""] * SCHEDULE_YEARS
    if teacher.expires_on >= today:
        expected[AcademicYear.start_year_for(teacher.expires_on) - first] = "категория (до 13.05.2026)"
    else:
        expected[0] = "СЗД (просрочено)"
    assert rows[world.teacher_person.pk].cells == expected
    head_cells = rows[world.head_person.pk].cells
    assert head_cells[2] == f"СЗД (до {head_szd.expires_on:%d.%m.%Y})" and head_cells.count("") == SCHEDULE_YEARS - 1
    page = response.content.decode()
    assert 'data-testid="schedule-pdf"' in page and 'data-testid="schedule-xlsx"' in page


def test_the_schedule_shows_a_pending_application(world, client_for):
    today = timezone.localdate()
    _record(world.teacher_person, "first", datetime.date(2024, 1, 15))
    f.AttestationApplicationFactory(person=world.teacher_person, category="highest", applied_on=today,
                                    academic_year=_year(today))
    schedule = client_for(world.head).get(
        reverse("associations:attestation_schedule", args=[world.mo.pk])
    ).context["schedule"]
    row = next(r for r in schedule.rows if r.person.pk == world.teacher_person.pk)
    assert row.cells[0] == "заявление: высшая" and row.cells[1:] == [""] * (SCHEDULE_YEARS - 1)


def test_the_schedule_query_count_does_not_grow(world, client_for):
    url = reverse("associations:attestation_schedule", args=[world.mo.pk])
    client = client_for(world.deputy)
    _expiring(world.teacher_person)
    one = count_queries(client, url)
    for n in range(6):
        person = f.PersonFactory(school=world.school)
        f.MembershipFactory(association=world.mo, person=person, academic_year=world.year)
        _record(person, "szd", datetime.date(2019 + n % 3, 3, 1))
        f.AttestationApplicationFactory(person=person, category="first", applied_on=timezone.localdate(),
                                        academic_year=_year(timezone.localdate()))
    queries, response = get_counting_queries(client, url)
    assert len(response.context["schedule"].rows) == 8
    # session, user, roles (person, appointments), the association, the members, their records,
    # their pending applications, the МО's head.
    assert queries == one == 9


def test_the_teacher_page_says_what_is_due_next(world, client_for):
    record = _expiring(world.teacher_person)
    url = reverse("associations:person", args=[world.teacher_person.pk])
    for user in (world.teacher, world.head, world.methodologist):
        page = client_for(user).get(url).content.decode()
        assert f"Следующая аттестация — до {record.expires_on:%d.%m.%Y}." in page
        assert f"категория истекает {record.expires_on:%d.%m.%Y}" in page
    head_page = client_for(world.head).get(reverse("associations:person", args=[world.head_person.pk]))
    assert "СЗД просрочено" in head_page.content.decode()
