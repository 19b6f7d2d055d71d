"""The acknowledgment sheet (PDF): the instruction's title and text, ending «С инструкцией
ознакомлена ________ М.П. Иванова «__» ________ 20__ г.», with «ознакомлен» / «ознакомлена» by
the person's gender and the day filled once acknowledged in the portal (read back from the PDF)."""

from __future__ import annotations

import datetime

from django.urls import reverse

from associations.models import Appointment, Person
from associations.records.instructions import services
from tests import factories as f
from tests.helpers import flat, get_counting_queries, pdf_text


def _sheet_url(appointment) -> str:
    return reverse("reports:acknowledgment_sheet", args=[appointment.pk])


def _head_appointment(world) -> Appointment:
    return Appointment.objects.get(association=world.mo, role=Appointment.Role.HEAD)


def _text(client, appointment) -> str:
    response = client.get(_sheet_url(appointment))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return pdf_text(response.content)


def test_a_woman_reads_ознакомлена_and_the_date_is_filled_once_acknowledged(world, client_for):
    appointment = _head_appointment(world)  # Волкова Анна Петровна
    client = client_for(world.head)
    before = _text(client, appointment)
    assert flat("Положение о методическом объединении классных руководителей") in before
    assert flat("Методическое объединение возглавляет педагог-организатор") in before
    assert flat("С инструкцией ознакомлена") in before
    assert flat("А.П. Волкова «» 20 г.") in before  # the day's blanks
    assert "октября" not in before

    services.acknowledgment_create(appointment=appointment, acknowledged_on=datetime.date(2025, 10, 15),
                                   user=world.head)
    after = _text(client, appointment)
    assert flat("С инструкцией ознакомлена") in after
    assert flat("А.П. Волкова «15» октября 2025 г.") in after


def test_a_man_reads_ознакомлен(world, client_for):
    user = f.UserFactory(username="sokolov")
    person = f.PersonFactory(user=user, school=world.other_school, last_name="Соколов", first_name="Иван",
                             patronymic="Сергеевич", gender=Person.Gender.MALE)
    appointment = f.AppointmentFactory(association=world.other_mo, person=person,
                                       order_date=datetime.date(2025, 8, 25))
    text = _text(client_for(world.methodologist), appointment)
    assert flat("С инструкцией ознакомлен") in text
    assert "ознакомлена" not in text
    assert flat("И.С. Соколов") in text
    services.acknowledgment_create(appointment=appointment, acknowledged_on=datetime.date(2025, 9, 5), user=user)
    text = _text(client_for(user), appointment)
    assert flat("С инструкцией ознакомлен И.С. Соколов «05» сентября 2025 г.") in text
    assert "ознакомлена" not in text


def test_the_rmo_head_signs_the_job_instruction(world, client_for):
    appointment = f.AppointmentFactory(association=world.rmo, person=world.methodologist.person,
                                       order_date=datetime.date(2025, 8, 25))
    text = _text(client_for(world.methodologist), appointment)
    title = "Должностная инструкция руководителя районного методического объединения классных руководителей"
    assert flat(title) in text
    assert flat("Руководитель РМО несет ответственность за") in text
    assert flat("С инструкцией ознакомлена Т.А. Кузнецова") in text


def test_the_sheet_is_for_those_who_see_the_appointment(world, client_for):
    appointment = _head_appointment(world)
    for user, status in ((world.deputy, 200), (world.methodologist, 200), (world.teacher, 404),
                         (world.other_deputy, 404), (world.other_district_methodologist, 404), (world.outsider, 404)):
        assert client_for(user).get(_sheet_url(appointment)).status_code == status, user


def test_the_sheet_reads_a_fixed_number_of_queries(world, client_for):
    # 1 session, 2 user, 3-4 the roles, 5 the appointment, 6 the instructions, 7 their current
    # versions with their text, 8 the appointment's acknowledgments.
    appointment = _head_appointment(world)
    client = client_for(world.head)
    count, _ = get_counting_queries(client, _sheet_url(appointment))
    assert count == 8
    f.AcknowledgmentFactory(appointment=appointment, acknowledged_on=datetime.date(2025, 10, 15))
    assert get_counting_queries(client, _sheet_url(appointment))[0] == 8
