"""The sign-in sheet (лист регистрации) of a meeting as PDF, read back with pypdf: the
association, kind, date, time, place and theme at the top; every member of the year and every
invited guest, alphabetically, in «№ п/п | Фамилия, имя, отчество | Должность, ОО | Подпись»;
empty rows for those who come unannounced; page numbers. Only those who run the meeting get
it (404 to everyone else); its queries do not grow with the participants."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from associations.models import Appointment, Person
from meetings.documents import SIGN_IN_SPARE_ROWS, sign_in_context
from meetings.models import Meeting
from meetings.selectors import meeting_for_sign_in
from tests import factories as f
from tests.helpers import flat, footer_texts, get_counting_queries, page_texts, pdf_text


def norm(text: str) -> str:
    return flat(text).replace("-", "").replace("\u2010", "").replace("\u00ad", "")


@pytest.fixture
def secretary(world):
    user = f.UserFactory(username="secretary")
    person = f.PersonFactory(user=user, school=world.school, last_name="Никитина", first_name="Светлана",
                             patronymic="Олеговна")
    f.MembershipFactory(association=world.mo, person=person, academic_year=world.year)
    f.AppointmentFactory(association=world.mo, person=person, role=Appointment.Role.SECRETARY)
    return user


@pytest.fixture
def meeting(world):
    meeting = f.recorded_meeting(
        world, day=world.year.starts_on + datetime.timedelta(days=44), hour=14, minute=30,
        kind=Meeting.Kind.WORKSHOP, theme="Профилактика деструктивного поведения", place="Кабинет 21",
    )
    f.GuestFactory(meeting=meeting, full_name="Белова Е.Н.", position="психолог ЦППМСП")
    f.GuestFactory(meeting=meeting, full_name="Яковлев П.П.", position="инспектор ПДН")
    return meeting


def sheet(client, meeting):
    response = client.get(reverse("meetings:sign_in_sheet_pdf", args=[meeting.pk]))
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return response


def test_the_sheet_names_the_meeting_and_every_expected_participant(world, client_for, meeting):
    pdf = sheet(client_for(world.head), meeting).content
    text = norm(pdf_text(pdf))
    day = meeting.starts_at.astimezone(datetime.timezone(datetime.timedelta(hours=3))).date()
    for expected in (
        "ЛИСТРЕГИСТРАЦИИ", world.school.name, world.mo.name, "Семинарпрактикум", f"{day:%d.%m.%Y}",
        "14:30–16:00", "Кабинет21", "«Профилактикадеструктивногоповедения»",
        "№п/п", "Фамилия,имя,отчество", "Должность,ОО", "Подпись",
    ):
        assert norm(expected) in text, expected
    for name in (world.head_person.full_name, world.teacher_person.full_name, "Белова Е.Н.", "Яковлев П.П."):
        assert norm(name) in text, name
    # The teacher's position with her class and school; a guest's as typed.
    assert norm("учитель, классный руководитель 6 «Б» класса, МБОУ «СОШ № 1»") in text
    assert norm("инспектор ПДН") in text
    # Not a member: another school's МО member.
    other = world.other_mo.memberships.get().person
    assert norm(other.full_name) not in text
    assert footer_texts(pdf)[0] == "1"


def test_the_participants_are_alphabetical_then_spare_rows(world, meeting):
    f.MembershipFactory(
        association=world.mo, academic_year=world.year,
        person=f.PersonFactory(school=world.school, last_name="Ёлкина", first_name="Ирина", patronymic="Олеговна"),
    )
    context = sign_in_context(meeting_for_sign_in(user=world.head, pk=meeting.pk))
    names = [row.full_name for row in context["rows"]]
    # Белова (guest), Волкова (head), Ёлкина among the «Е», Соколова (teacher), Яковлев (guest).
    assert [n.split()[0] for n in names] == ["Белова", "Волкова", "Ёлкина", "Соколова", "Яковлев"]
    assert [row.number for row in context["rows"]] == [1, 2, 3, 4, 5]
    assert list(context["spare_numbers"]) == list(range(6, 6 + SIGN_IN_SPARE_ROWS))


def test_a_long_list_goes_on_to_the_next_page_with_numbers(world, client_for, meeting):
    f.add_members(world, 40)
    pdf = sheet(client_for(world.head), meeting).content
    pages = page_texts(pdf)
    assert len(pages) >= 2
    assert footer_texts(pdf)[:2] == ["1", "2"]
    # The header row repeats on the next page.
    assert "Подпись" in pages[1]
    assert f"{42 + 2 + SIGN_IN_SPARE_ROWS}" in pages[-1]  # the last spare row's number


def test_the_district_rmo_sheet_names_the_department_and_each_school(world, client_for):
    rmo_member = f.PersonFactory(school=world.other_school, last_name="Гусева", position=Person.Position.TEACHER)
    f.MembershipFactory(association=world.rmo, person=rmo_member, academic_year=world.year)
    day = world.year.starts_on + datetime.timedelta(days=50)
    meeting = f.MeetingFactory(association=world.rmo, starts_at=f.at(day))
    text = norm(pdf_text(sheet(client_for(world.methodologist), meeting).content))
    assert norm(world.district.education_department) in text
    assert norm("Гусева") in text and norm("МБОУ «СОШ № 2»") in text


@pytest.mark.parametrize("role", ["head", "secretary", "admin"])
def test_those_who_run_the_meeting_get_it(world, client_for, meeting, secretary, role):
    user = secretary if role == "secretary" else getattr(world, role)
    sheet(client_for(user), meeting)


@pytest.mark.parametrize("role", ["teacher", "deputy", "methodologist", "other_deputy",
                                  "other_district_methodologist", "outsider"])
def test_everyone_else_gets_404(world, client_for, meeting, role):
    response = client_for(getattr(world, role)).get(reverse("meetings:sign_in_sheet_pdf", args=[meeting.pk]))
    assert response.status_code == 404


def test_the_link_is_on_the_meeting_page_for_those_who_run_it_only(world, client_for, meeting, secretary):
    url = reverse("meetings:sign_in_sheet_pdf", args=[meeting.pk])
    for user in (world.head, secretary):
        assert url in client_for(user).get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()
    for user in (world.teacher, world.deputy, world.methodologist):
        assert url not in client_for(user).get(reverse("meetings:meeting", args=[meeting.pk])).content.decode()


def test_the_sheet_does_not_grow_with_participants(world, client_for, meeting, django_assert_num_queries):
    client = client_for(world.head)
    url = reverse("meetings:sign_in_sheet_pdf", args=[meeting.pk])
    # 1 session, 2 user, 3 person (roles), 4 appointments (roles), 5 the meeting with its
    # association, school, district, year, plan item, protocol, 6 the members with their schools,
    # 7 their classes that year, 8 the guests
    with django_assert_num_queries(8):
        client.get(url)
    few = get_counting_queries(client, url)[0]
    f.add_members(world, 30, classes=True)
    for n in range(10):
        f.GuestFactory(meeting=meeting, full_name=f"Гостева{n} А.А.")
    many, response = get_counting_queries(client, url)
    assert many == few
    assert norm("Гостева9 А.А.") in norm(pdf_text(response.content))


def test_a_cancelled_meeting_has_no_sheet(world, client_for, meeting):
    from meetings.models import Meeting

    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CANCELLED)
    response = client_for(world.head).get(reverse("meetings:sign_in_sheet_pdf", args=[meeting.pk]))
    assert response.status_code == 404
