"""The pages of the job instruction: a version's text, the appointed person's acknowledgment (a
date field defaulting to today, a refusal next to the field with the typed date kept), the home
page's prompt, and the methodologist's list of who has not acknowledged (filtered by school and
«only missing», the deputy's their school's, a fixed number of queries whatever the rows)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from associations.models import Acknowledgment, Appointment, Association, InstructionVersion, Person
from tests import factories as f
from tests.helpers import count_queries, form_data, get_counting_queries, login, messages_of


def _head_appointment(world) -> Appointment:
    return Appointment.objects.get(association=world.mo, role=Appointment.Role.HEAD)


def _acknowledge_url(appointment) -> str:
    return reverse("associations:acknowledge", args=[appointment.pk])


LIST = reverse("associations:acknowledgments")


# --- the version's text ------------------------------------------------------------------------


def test_the_version_page_shows_the_text(world, client_for):
    version = f.instruction_version(Association.Kind.SCHOOL)
    response = client_for(world.head).get(reverse("associations:instruction", args=[version.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Положение о методическом объединении классных руководителей" in text
    assert "Методическое объединение возглавляет педагог-организатор" in text
    assert "Редакция № 1, действует с 01.09.2023" in text


def test_a_teacher_without_an_appointment_does_not_read_it(world, client_for):
    version = f.instruction_version(Association.Kind.DISTRICT)
    assert client_for(world.teacher).get(reverse("associations:instruction", args=[version.pk])).status_code == 404
    # The school МО's head has no appointment of the РМО either.
    assert client_for(world.head).get(reverse("associations:instruction", args=[version.pk])).status_code == 404


# --- acknowledging ------------------------------------------------------------------------------


def test_the_page_shows_the_current_version_and_today(world, client_for):
    response = client_for(world.head).get(_acknowledge_url(_head_appointment(world)))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Методическое объединение возглавляет педагог-организатор" in text
    assert "С инструкцией ознакомлена" in text  # the head is a woman
    data = form_data(response, "acknowledge-form")
    assert data["acknowledged_on"] == timezone.localdate().isoformat()
    assert data["version"] == str(f.instruction_version(Association.Kind.SCHOOL).pk)


def test_posting_the_form_acknowledges(world, client_for):
    client = client_for(world.head)
    appointment = _head_appointment(world)
    data = form_data(client.get(_acknowledge_url(appointment)), "acknowledge-form")
    response = client.post(_acknowledge_url(appointment), data, follow=True)
    acknowledgment = Acknowledgment.objects.get()
    assert (acknowledgment.appointment, acknowledgment.acknowledged_on) == (appointment, timezone.localdate())
    assert any("отмечено" in m for m in messages_of(response))
    text = response.content.decode()
    assert 'data-testid="acknowledged"' in text and "acknowledge-form" not in text
    assert reverse("reports:acknowledgment_sheet", args=[appointment.pk]) in text  # the sheet, now with its date
    # Once more: nothing new, a message.
    again = client.post(_acknowledge_url(appointment), data, follow=True)
    assert Acknowledgment.objects.count() == 1
    assert any("уже отмечено" in m for m in messages_of(again))


def test_a_date_before_the_order_is_refused_next_to_the_field(world, client_for):
    appointment = _head_appointment(world)
    Appointment.objects.filter(pk=appointment.pk).update(order_number="45", order_date=datetime.date(2024, 8, 26))
    client = client_for(world.head)
    data = form_data(client.get(_acknowledge_url(appointment)), "acknowledge-form")
    data["acknowledged_on"] = "2024-08-20"
    response = client.post(_acknowledge_url(appointment), data)
    assert response.status_code == 200
    assert response.context["form"].errors["acknowledged_on"] == [
        "Дата ознакомления не может быть раньше приказа от 26.08.2024 № 45."
    ]
    assert form_data(response, "acknowledge-form")["acknowledged_on"] == "2024-08-20"  # what was typed, kept
    assert not Acknowledgment.objects.exists()


def test_a_bad_date_is_a_message_not_a_500(world, client_for):
    client = client_for(world.head)
    appointment = _head_appointment(world)
    for value, message in (("", "Укажите дату ознакомления."), ("вчера", "Введите дату: ДД.ММ.ГГГГ.")):
        response = client.post(_acknowledge_url(appointment), {"acknowledged_on": value})
        assert response.status_code == 200
        assert response.context["form"].errors["acknowledged_on"] == [message]
    assert not Acknowledgment.objects.exists()


def test_a_version_that_took_effect_meanwhile_is_shown_to_read(world, client_for):
    from associations.records.instructions import services

    client = client_for(world.head)
    appointment = _head_appointment(world)
    data = form_data(client.get(_acknowledge_url(appointment)), "acknowledge-form")
    first = f.instruction_version(Association.Kind.SCHOOL)
    second = services.instruction_version_create(
        instruction=first.instruction, text="Вторая редакция положения", effective_from=timezone.localdate(),
        user=world.admin,
    )
    response = client.post(_acknowledge_url(appointment), data)
    assert response.status_code == 200
    assert "Вторая редакция положения" in response.content.decode()
    assert not Acknowledgment.objects.exists()
    again = form_data(response, "acknowledge-form")
    assert again["version"] == str(second.pk)
    client.post(_acknowledge_url(appointment), again)
    assert Acknowledgment.objects.get().version == second


def test_only_the_appointed_person_acknowledges(world):
    appointment = _head_appointment(world)
    body = {"acknowledged_on": timezone.localdate().isoformat()}
    for user, status in ((world.methodologist, 403), (world.deputy, 403), (world.admin, 403),
                         (world.teacher, 404), (world.other_deputy, 404), (world.outsider, 404)):
        client = login(user)
        assert client.get(_acknowledge_url(appointment)).status_code == status, user
        assert client.post(_acknowledge_url(appointment), body).status_code == status, user
    assert not Acknowledgment.objects.exists()


def test_the_acknowledge_page_reads_a_fixed_number_of_queries(world, client_for):
    # 1 session, 2 user, 3-4 the roles (person, appointments), 5 the appointment with its person
    # and association, 6 the instructions, 7 their current versions, 8 the appointment's
    # acknowledgments with their versions.
    client = client_for(world.head)
    appointment = _head_appointment(world)
    before = count_queries(client, _acknowledge_url(appointment))
    assert before == 8
    instruction = f.instruction_version(Association.Kind.SCHOOL).instruction
    for number in (2, 3, 4, 5):
        version = InstructionVersion.objects.create(
            instruction=instruction, number=number, text=f"Редакция {number}", effective_from=datetime.date(2023, 9, 1)
        )
        if number < 5:
            f.AcknowledgmentFactory(appointment=appointment, version=version)
    after, response = get_counting_queries(client, _acknowledge_url(appointment))
    assert len(response.context["state"].earlier) == 3 and response.context["state"].version.number == 5
    assert after == before


# --- the home page's prompt -------------------------------------------------------------------


def test_the_home_page_asks_for_the_acknowledgment_until_it_is_given(world, client_for):
    client = client_for(world.head)
    appointment = _head_appointment(world)
    text = client.get(reverse("home")).content.decode()
    assert 'data-testid="acknowledgments-due"' in text and _acknowledge_url(appointment) in text
    Acknowledgment.objects.create(
        appointment=appointment, version=f.instruction_version(Association.Kind.SCHOOL),
        acknowledged_on=timezone.localdate(),
    )
    assert 'data-testid="acknowledgments-due"' not in client.get(reverse("home")).content.decode()


def test_no_prompt_without_an_appointment_in_force(world, client_for):
    assert 'data-testid="acknowledgments-due"' not in client_for(world.teacher).get(reverse("home")).content.decode()
    Appointment.objects.filter(person=world.head_person).update(ends_on=timezone.localdate() - datetime.timedelta(1))
    assert 'data-testid="acknowledgments-due"' not in client_for(world.head).get(reverse("home")).content.decode()


def test_the_methodologist_home_links_to_the_list(world, client_for):
    assert LIST in client_for(world.methodologist).get(reverse("home")).content.decode()
    assert LIST not in client_for(world.teacher).get(reverse("home")).content.decode()


# --- the list ---------------------------------------------------------------------------------


def _appointed(world, school, *, last_name: str, gender: str = Person.Gender.FEMALE, acknowledged: bool = False):
    association = f.AssociationFactory(school=school, district=school.district)
    person = f.PersonFactory(school=school, last_name=last_name, gender=gender)
    appointment = f.AppointmentFactory(association=association, person=person, order_date=datetime.date(2025, 8, 25))
    if acknowledged:
        f.AcknowledgmentFactory(appointment=appointment, acknowledged_on=datetime.date(2025, 9, 3))
    return appointment


def _rows(response) -> dict[str, object]:
    return {row.person.last_name: row for row in response.context["table"].rows}


def test_the_list_shows_who_has_not_acknowledged(world, client_for):
    _appointed(world, world.other_school, last_name="Ознакомленная", acknowledged=True)
    _appointed(world, world.other_school, last_name="Забывчивый", gender=Person.Gender.MALE)
    ended = _appointed(world, world.other_school, last_name="Бывшая")
    Appointment.objects.filter(pk=ended.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    _appointed(world, f.SchoolFactory(district=world.other_district), last_name="Чужая")

    response = client_for(world.methodologist).get(LIST)
    rows = _rows(response)
    assert set(rows) == {"Волкова", "Ознакомленная", "Забывчивый"}  # in force, in the district
    text = response.content.decode()
    assert "03.09.2025" in text
    assert "не ознакомлен<" in text and "не ознакомлена<" in text  # the man, the head (a woman)
    assert rows["Забывчивый"].version.instruction.title == "Положение о методическом объединении классных руководителей"

    missing = _rows(client_for(world.methodologist).get(LIST, {"missing": "on"}))
    assert set(missing) == {"Волкова", "Забывчивый"}
    by_school = _rows(client_for(world.methodologist).get(LIST, {"school": world.school.pk}))
    assert set(by_school) == {"Волкова"}


def test_the_deputy_sees_their_school_and_the_filter_offers_it_alone(world, client_for):
    _appointed(world, world.other_school, last_name="Другая")
    response = client_for(world.deputy).get(LIST)
    assert set(_rows(response)) == {"Волкова"}
    schools = list(response.context["table"].filter.filters["school"].queryset)
    assert schools == [world.school]
    assert set(_rows(client_for(world.other_deputy).get(LIST))) == {"Другая"}


def test_the_list_is_the_overseers(world, client_for):
    for user in (world.teacher, world.head, world.outsider):
        assert client_for(user).get(LIST).status_code == 404


def test_the_list_reads_a_fixed_number_of_queries(world, client_for, django_assert_num_queries):
    client = client_for(world.methodologist)
    one, _ = get_counting_queries(client, LIST)
    for i in range(6):
        _appointed(world, world.other_school, last_name=f"Педагог{i}", acknowledged=i % 2 == 0)
    many, response = get_counting_queries(client, LIST)
    assert len(response.context["table"].rows) == 7
    assert many == one
    # 1 session, 2 user, 3-4 the roles (the person with its official role, their appointments),
    # 5 the instructions, 6 their current versions, 7 the appointments in force with person and
    # association, 8 their acknowledgments of the current versions, 9 the filter's schools.
    assert one == 9
    with django_assert_num_queries(9):
        client.get(LIST, {"missing": "on"})
    with django_assert_num_queries(10):  # and the chosen school, read when the filter validates it
        client.get(LIST, {"missing": "on", "school": world.other_school.pk})
