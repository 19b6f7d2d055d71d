"""The meetings pages made safe and comfortable (issue 16): «Все присутствовали» on the
attendance sheet, a confirmation saying what signing, cancelling and removing a file mean, the
signed protocol's SHA-256 shown only to those who check it, and the schedule and the decisions
printable without their filters. The 390 px layout is the browser's:
tests/browser/test_meetings_phone.py."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from associations.models import Appointment
from meetings import services
from meetings.models import Attendance, Decision, Meeting
from tests import factories as f
from tests.helpers import login, messages_of


def url(name: str, *args) -> str:
    return reverse(f"meetings:{name}", args=args)


@pytest.fixture
def secretary(world):
    """A class teacher of the school appointed the МО's secretary."""
    user = f.UserFactory(username="secretary")
    person = f.PersonFactory(user=user, school=world.school, last_name="Никитина")
    f.AppointmentFactory(association=world.mo, person=person, role=Appointment.Role.SECRETARY)
    return user


def _marks(meeting: Meeting) -> dict[int, tuple[bool, str]]:
    return {a.person_id: (a.present, a.absence_reason) for a in Attendance.objects.filter(meeting=meeting)}


# --- «Все присутствовали» ------------------------------------------------------------------------


def test_all_present_marks_every_member_present_in_one_post(world):
    others = f.add_members(world, 3)
    meeting = f.recorded_meeting(world, day=datetime.date.today() - datetime.timedelta(days=1))
    f.mark_attendance(world, meeting, [world.head_person, *others], absent=others[:2])
    version = Meeting.objects.get(pk=meeting.pk).attendance_version
    client = login(world.head)

    sheet = client.get(url("attendance", meeting.pk)).content.decode()
    assert 'data-testid="all-present-form"' in sheet and "Все присутствовали" in sheet

    response = client.post(url("attendance", meeting.pk), {"all_present": "1", "version": version}, follow=True)
    members = {world.head_person.pk, world.teacher_person.pk, *(p.pk for p in others)}
    assert _marks(meeting) == {pk: (True, "") for pk in members}  # the teacher, never marked, too
    assert Meeting.objects.get(pk=meeting.pk).attendance_version == version + 1
    assert "Явка сохранена: все члены объединения присутствовали — 5." in messages_of(response)


def test_all_present_keeps_a_former_members_mark_and_refuses_a_stale_sheet(world):
    meeting = f.recorded_meeting(world)
    former = f.PersonFactory(school=world.school, last_name="Бывшая")
    f.mark_attendance(world, meeting, [former, world.head_person], absent=[former])
    stale = Meeting.objects.get(pk=meeting.pk).attendance_version - 1

    client = login(world.head)
    response = client.post(url("attendance", meeting.pk), {"all_present": "1", "version": stale}, follow=True)
    assert _marks(meeting)[world.head_person.pk] == (True, "")
    assert world.teacher_person.pk not in _marks(meeting)  # nothing written: the sheet was stale
    assert any("другой пользователь" in m for m in messages_of(response))

    services.attendance_mark_all_present(meeting=meeting, user=world.head)
    marks = _marks(meeting)
    assert marks[former.pk] == (False, "больничный лист")  # not a member: kept as marked
    assert marks[world.teacher_person.pk] == (True, "")


def test_all_present_is_refused_to_readers_and_after_signing(world):
    meeting = f.recorded_meeting(world)
    response = login(world.teacher).post(url("attendance", meeting.pk), {"all_present": "1"})
    assert response.status_code == 403
    assert not Attendance.objects.filter(meeting=meeting).exists()

    f.sign_protocol(world, meeting)
    before = _marks(meeting)
    Attendance.objects.filter(meeting=meeting, person=world.head_person).update(present=True)
    client = login(world.head)
    sheet = client.get(url("attendance", meeting.pk)).content.decode()
    assert 'data-testid="all-present-form"' not in sheet
    response = client.post(url("attendance", meeting.pk), {"all_present": "1"}, follow=True)
    assert _marks(meeting) == before
    assert any("подписан" in m for m in messages_of(response))


# --- confirmations before irreversible steps -----------------------------------------------------


def test_signing_cancelling_and_removing_a_file_ask_what_they_mean(world):
    planned = f.recorded_meeting(world, day=datetime.date.today() + datetime.timedelta(days=10))
    client = login(world.head)
    meeting_page = client.get(url("meeting", planned.pk)).content.decode()
    assert 'data-testid="meeting-cancel-form"' in meeting_page
    assert 'data-confirm="Отменить заседание? Отменённое заседание нельзя вернуть в план' in meeting_page

    held = f.recorded_meeting(world)
    f.mark_the_rest_present(held)
    protocol = services.protocol_create(meeting=held, user=world.head)
    protocol_page = client.get(url("protocol", protocol.pk)).content.decode()
    assert (f'data-confirm="Подписать протокол № {protocol.number}? После подписания протокол изменить нельзя'
            in protocol_page)


def test_removing_a_decisions_file_asks_first_and_says_it_cannot_be_undone(world):
    protocol = f.sign_protocol(world, f.recorded_meeting(world))
    decision = Decision.objects.get(protocol_item__protocol=protocol)
    services.decision_file_add(
        decision=decision, upload=SimpleUploadedFile("Разработка.pdf", f.TINY_PDF), user=world.teacher
    )
    content = login(world.teacher).get(url("decisions")).content.decode()
    assert 'data-confirm="Удалить файл «Разработка.pdf»? Вернуть удалённый файл нельзя' in content


# --- the checksum of a signed protocol ----------------------------------------------------------


@pytest.fixture
def signed(world):
    return f.sign_protocol(world, f.recorded_meeting(world))


@pytest.mark.parametrize("who", ["head", "secretary", "deputy", "methodologist", "admin"])
def test_those_who_check_the_protocol_see_its_checksum(world, signed, secretary, who):
    user = secretary if who == "secretary" else getattr(world, who)
    content = login(user).get(url("protocol", signed.pk)).content.decode()
    assert 'data-testid="protocol-authenticity"' in content and "Проверка подлинности" in content
    assert signed.pdf_sha256 in content


def test_a_teacher_reading_the_protocol_does_not_see_its_checksum(world, signed):
    response = login(world.teacher).get(url("protocol", signed.pk))
    content = response.content.decode()
    assert response.status_code == 200 and 'data-testid="signed-note"' in content
    assert signed.pdf_sha256 not in content and "Проверка подлинности" not in content


def test_a_draft_shows_no_checksum_block(world):
    meeting = f.recorded_meeting(world)
    protocol = services.protocol_create(meeting=meeting, user=world.head)
    content = login(world.head).get(url("protocol", protocol.pk)).content.decode()
    assert "Проверка подлинности" not in content


# --- printing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["schedule", "decisions"])
def test_the_printed_pages_link_the_print_stylesheet_and_hide_their_filters(world, name):
    content = login(world.head).get(url(name)).content.decode()
    assert 'href="/static/css/print-page.css" media="print"' in content
    testid = {"schedule": "schedule-filter", "decisions": "decision-filter"}[name]
    start = content.index(f'data-testid="{testid}"')
    form_tag = content[content.rindex("<form", 0, start):content.index(">", start)]
    assert "data-print-hide" in form_tag and "d-print-none" in form_tag
