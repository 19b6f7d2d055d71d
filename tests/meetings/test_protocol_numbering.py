"""Protocols are numbered № 1, № 2, … per association per academic year: no gaps, no
duplicates, also under concurrent creation; a signed protocol never changes."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from associations.models import AcademicYear, Appointment
from meetings import services
from meetings.models import Attendance, Decision, Meeting, Protocol, ProtocolItem, SignedProtocolError
from tests import factories as f


def test_numbers_run_one_two_three_within_the_year(world):
    numbers = [services.protocol_create(meeting=f.recorded_meeting(world), user=world.head).number for _ in range(3)]
    assert numbers == [1, 2, 3]


def test_numbering_restarts_with_the_new_year_and_is_per_association(world):
    services.protocol_create(meeting=f.recorded_meeting(world), user=world.head)
    next_year_day = world.year.ends_on + datetime.timedelta(days=10)
    assert services.protocol_create(meeting=f.recorded_meeting(world, day=next_year_day), user=world.head).number == 1
    f.AppointmentFactory(association=world.other_mo, person=world.other_deputy.person)
    world.other_deputy._rmo_roles = None
    other = services.meeting_create(association=world.other_mo, user=world.other_deputy,
                                    starts_at=f.at(world.year.starts_on), theme="Тема")
    assert services.protocol_create(meeting=other, user=world.other_deputy).number == 1


def test_a_late_august_meeting_belongs_to_the_coming_year(world):
    day = datetime.date(world.year.start_year + 1, 8, 28)
    meeting = f.recorded_meeting(world, day=day)
    assert meeting.academic_year.start_year == world.year.start_year + 1
    late_august = services.academic_year_proposed_for(day=datetime.date(2025, 8, 28))
    assert late_august == AcademicYear.objects.get(start_year=2025)
    assert services.academic_year_proposed_for(day=datetime.date(2025, 8, 10)).start_year == 2024


def test_one_protocol_per_meeting_and_none_for_a_cancelled_one(world):
    meeting = f.recorded_meeting(world)
    services.protocol_create(meeting=meeting, user=world.head)
    with pytest.raises(ValidationError, match="уже есть протокол"):
        services.protocol_create(meeting=meeting, user=world.head)
    cancelled = f.recorded_meeting(world)
    services.meeting_cancel(meeting=cancelled, user=world.head, reason="Карантин")
    with pytest.raises(ValidationError, match="отменённому"):
        services.protocol_create(meeting=cancelled, user=world.head)


def test_the_secretary_may_create_protocols_a_teacher_may_not(world):
    from django.core.exceptions import PermissionDenied

    meeting = f.recorded_meeting(world)
    with pytest.raises(PermissionDenied):
        services.protocol_create(meeting=meeting, user=world.teacher)
    f.AppointmentFactory(association=world.mo, person=world.teacher_person, role=Appointment.Role.SECRETARY)
    world.teacher._rmo_roles = None
    assert services.protocol_create(meeting=meeting, user=world.teacher).number == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_creation_never_duplicates_or_skips(world):
    meetings = [f.recorded_meeting(world) for _ in range(6)]
    barrier = threading.Barrier(len(meetings))
    errors = []

    def create(meeting):
        try:
            barrier.wait()
            services.protocol_create(meeting=meeting, user=world.head)
        except Exception as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(m,)) for m in meetings]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    numbers = sorted(Protocol.objects.filter(association=world.mo).values_list("number", flat=True))
    assert numbers == [1, 2, 3, 4, 5, 6]


@pytest.fixture
def signed(world):
    meeting = f.recorded_meeting(world, day=world.year.starts_on)
    Attendance.objects.create(meeting=meeting, person=world.teacher_person, present=True)
    Attendance.objects.create(meeting=meeting, person=world.head_person, present=True)
    protocol = services.protocol_create(meeting=meeting, user=world.head)
    Protocol.objects.filter(pk=protocol.pk).update(chair=world.head_person, secretary=world.teacher_person)
    item = ProtocolItem.objects.create(protocol=protocol, heard="Доклад", decided="Принять к сведению",
                                       votes_for=2, votes_against=0, votes_abstained=0)
    Decision.objects.create(protocol_item=item, text="Провести классные часы", responsible=world.teacher_person,
                            due_on=world.year.starts_on + datetime.timedelta(days=30))
    protocol.refresh_from_db()
    return services.protocol_sign(protocol=protocol, user=world.head)


def test_signing_stores_the_pdf_with_its_hash(signed):
    import hashlib

    assert signed.is_signed and signed.signed_at
    data = signed.pdf.open("rb").read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == signed.pdf_sha256
    assert signed.meeting.status == Meeting.Status.HELD or Meeting.objects.get(pk=signed.meeting_id).status == "held"


def test_a_signed_protocol_refuses_every_write_path(signed):
    protocol = Protocol.objects.get(pk=signed.pk)
    protocol.number = 99
    with pytest.raises(SignedProtocolError):
        protocol.save()
    with pytest.raises(SignedProtocolError):
        Protocol.objects.filter(pk=signed.pk).update(number=99)
    with pytest.raises(SignedProtocolError):
        protocol.delete()
    with pytest.raises(SignedProtocolError):
        Protocol.objects.filter(pk=signed.pk).delete()
    item = protocol.items.get()
    item.decided = "Другое решение"
    with pytest.raises(SignedProtocolError):
        item.save()
    with pytest.raises(SignedProtocolError):
        ProtocolItem.objects.filter(protocol=protocol).update(decided="x")
    with pytest.raises(SignedProtocolError):
        ProtocolItem.objects.create(protocol=protocol, decided="Новое")
    decision = Decision.objects.get()
    decision.text = "Переписано"
    with pytest.raises(SignedProtocolError):
        decision.save()
    with pytest.raises(ValidationError, match="уже подписан"):
        services.protocol_sign(protocol=protocol, user=signed.signed_by)
    assert Protocol.objects.get(pk=signed.pk).number == 1
    assert ProtocolItem.objects.get().decided == "Принять к сведению"


def test_decisions_of_a_signed_protocol_can_still_be_marked_done(signed, world):
    decision = Decision.objects.get()
    services.decision_mark_done(decision=decision, user=world.teacher, note="Проведены 3 классных часа")
    decision.refresh_from_db()
    assert decision.status == Decision.Status.DONE
    assert decision.text == "Провести классные часы"


def test_votes_cannot_exceed_those_present(world):
    meeting = f.recorded_meeting(world, day=world.year.starts_on)
    Attendance.objects.create(meeting=meeting, person=world.teacher_person, present=True)
    protocol = services.protocol_create(meeting=meeting, user=world.head)
    Protocol.objects.filter(pk=protocol.pk).update(chair=world.head_person, secretary=world.teacher_person)
    ProtocolItem.objects.create(protocol=protocol, decided="Решение", votes_for=3)
    with pytest.raises(ValidationError, match="больше, чем присутствовало"):
        services.protocol_sign(protocol=Protocol.objects.get(pk=protocol.pk), user=world.head)
    assert not Protocol.objects.get(pk=protocol.pk).is_signed


def test_sign_needs_chair_secretary_and_a_decision(world):
    protocol = services.protocol_create(meeting=f.recorded_meeting(world), user=world.head)
    with pytest.raises(ValidationError) as excinfo:
        services.protocol_sign(protocol=protocol, user=world.head)
    text = " ".join(excinfo.value.messages)
    assert "не указан председатель" in text and "не указан секретарь" in text
    assert "в протоколе нет ни одного вопроса" in text and "явка не отмечена" in text


def test_absence_needs_a_reason(world):
    meeting = f.recorded_meeting(world)
    with pytest.raises(ValidationError, match="причину отсутствия"):
        services.attendance_save(meeting=meeting, user=world.head,
                                 rows=[{"person": world.teacher_person, "present": False, "absence_reason": ""}])
    services.attendance_save(meeting=meeting, user=world.head,
                             rows=[{"person": world.teacher_person, "present": False, "absence_reason": "больничный"}])
    assert meeting.attendance.get().absence_reason == "больничный"
