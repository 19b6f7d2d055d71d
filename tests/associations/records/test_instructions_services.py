"""The job instruction's services: which instruction and version an appointment reads, the
acknowledgment's rules (not before the order, not in the future, once per version, the appointed
person alone), and versions: a new text is a new version; an acknowledged one never changes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from associations.models import Acknowledgment, Appointment, Association, Instruction, InstructionVersion
from associations.records.instructions import services
from associations.records.instructions.selectors import text_blocks
from tests import factories as f

REGULATION = "Положение о методическом объединении классных руководителей"
RMO_INSTRUCTION = "Должностная инструкция руководителя районного методического объединения классных руководителей"


def _head_appointment(world) -> Appointment:
    return Appointment.objects.select_related("person", "association").get(
        association=world.mo, role=Appointment.Role.HEAD
    )


def _messages(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- which instruction, which version ----------------------------------------------------------


def test_the_school_mo_reads_the_regulation_and_the_rmo_head_the_job_instruction(world):
    head = _head_appointment(world)
    secretary = f.AppointmentFactory(association=world.mo, role=Appointment.Role.SECRETARY)
    rmo_head = f.AppointmentFactory(association=world.rmo, person=world.methodologist.person)
    rmo_secretary = f.AppointmentFactory(association=world.rmo, role=Appointment.Role.SECRETARY)

    assert services.instruction_for(appointment=head).title == REGULATION
    assert services.instruction_for(appointment=secretary).title == REGULATION  # role "": every role
    assert services.instruction_for(appointment=rmo_head).title == RMO_INSTRUCTION
    assert services.instruction_for(appointment=rmo_secretary) is None  # the РМО's instruction is the head's


def test_an_instruction_for_the_role_comes_before_the_one_for_every_role(world):
    from associations.records.instructions.selectors import VersionIndex

    head = _head_appointment(world)
    secretary = f.AppointmentFactory(association=world.mo, role=Appointment.Role.SECRETARY)
    own = Instruction.objects.create(title="Должностная инструкция руководителя школьного МО",
                                     association_kind=Association.Kind.SCHOOL, role=Appointment.Role.HEAD)
    version = services.instruction_version_create(instruction=own, text="Текст", effective_from=timezone.localdate(),
                                                  user=world.admin)
    assert services.instruction_for(appointment=head) == own
    assert services.instruction_for(appointment=secretary).title == REGULATION
    index = VersionIndex.read()  # the lists' answer is the same
    assert index.for_appointment(head) == version
    assert index.for_appointment(secretary) == Instruction.objects.get(title=REGULATION).versions.get()


def test_the_current_version_is_the_highest_number_in_effect(world):
    instruction = Instruction.objects.get(title=REGULATION)
    today = timezone.localdate()
    first = services.current_version(instruction=instruction)
    assert first.number == 1
    second = services.instruction_version_create(
        instruction=instruction, text="Новая редакция", effective_from=today, user=world.admin
    )
    services.instruction_version_create(
        instruction=instruction, text="Будущая редакция", effective_from=today + datetime.timedelta(days=30),
        user=world.admin,
    )
    assert services.current_version(instruction=instruction) == second  # № 3 is not in effect yet


def test_a_new_text_is_a_new_version_numbered_on(world):
    instruction = Instruction.objects.get(title=REGULATION)
    version = services.instruction_version_create(
        instruction=instruction, text="Текст второй редакции", effective_from=timezone.localdate(), user=world.admin
    )
    assert (version.number, version.text) == (2, "Текст второй редакции")
    assert version.history.get().history_user == world.admin


def test_a_version_cannot_take_effect_before_the_previous_one(world):
    instruction = Instruction.objects.get(title=REGULATION)
    with pytest.raises(ValidationError) as refused:
        services.instruction_version_create(
            instruction=instruction, text="Задним числом", effective_from=datetime.date(2020, 1, 1), user=world.admin
        )
    assert "№ 1 действует с 01.09.2023" in _messages(refused.value)
    assert instruction.versions.count() == 1


def test_the_texts_are_the_seeded_documents(world):
    regulation = f.instruction_version(Association.Kind.SCHOOL)
    instruction = f.instruction_version(Association.Kind.DISTRICT)
    assert "Методическое объединение возглавляет педагог-организатор" in regulation.text
    blocks = text_blocks(instruction.text)
    assert blocks[0].kind == "heading" and blocks[0].text == "1. Общие положения"
    assert any(b.kind == "item" and b.text.startswith("руководит деятельностью РМО") for b in blocks)
    assert "ознакомлен" not in instruction.text  # the sheet prints that line by the person's gender
    headings = [b.text for b in text_blocks(regulation.text) if b.kind == "heading"]
    assert headings == [
        "3. Функции методического объединения классных руководителей",
        "5. Организация работы методического объединения классных руководителей",
        "6. Документация и отчетность методического объединения",
    ]  # «5.5. Принимает участие …» (a line broken in the original) stays a paragraph


# --- the acknowledgment ------------------------------------------------------------------------


def test_the_appointed_person_acknowledges_the_current_version(world):
    appointment = _head_appointment(world)
    day = timezone.localdate()
    acknowledgment = services.acknowledgment_create(appointment=appointment, acknowledged_on=day, user=world.head)
    assert acknowledgment.version == f.instruction_version(Association.Kind.SCHOOL)
    assert (acknowledgment.acknowledged_on, acknowledgment.entered_by) == (day, world.head)


def test_a_date_before_the_order_is_refused_quoting_the_order(world):
    appointment = _head_appointment(world)
    Appointment.objects.filter(pk=appointment.pk).update(order_number="45", order_date=datetime.date(2024, 8, 26))
    appointment.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.acknowledgment_create(
            appointment=appointment, acknowledged_on=datetime.date(2024, 8, 25), user=world.head
        )
    assert refused.value.message_dict["acknowledged_on"] == [
        "Дата ознакомления не может быть раньше приказа от 26.08.2024 № 45."
    ]
    # The day of the order itself is fine.
    services.acknowledgment_create(appointment=appointment, acknowledged_on=datetime.date(2024, 8, 26), user=world.head)


def test_a_date_in_the_future_is_refused(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.acknowledgment_create(appointment=_head_appointment(world), acknowledged_on=tomorrow, user=world.head)
    assert "позже сегодняшнего дня" in refused.value.message_dict["acknowledged_on"][0]
    assert not Acknowledgment.objects.exists()


def test_one_version_is_acknowledged_once(world):
    appointment = _head_appointment(world)
    services.acknowledgment_create(appointment=appointment, acknowledged_on=timezone.localdate(), user=world.head)
    with pytest.raises(ValidationError) as refused:
        services.acknowledgment_create(appointment=appointment, acknowledged_on=timezone.localdate(), user=world.head)
    assert "уже отмечено" in _messages(refused.value)
    assert Acknowledgment.objects.count() == 1


def test_a_new_version_asks_again(world):
    appointment = _head_appointment(world)
    services.acknowledgment_create(appointment=appointment, acknowledged_on=timezone.localdate(), user=world.head)
    instruction = Instruction.objects.get(title=REGULATION)
    second = services.instruction_version_create(
        instruction=instruction, text="Вторая редакция", effective_from=timezone.localdate(), user=world.admin
    )
    again = services.acknowledgment_create(appointment=appointment, acknowledged_on=timezone.localdate(),
                                           user=world.head)
    assert again.version == second


def test_a_version_that_took_effect_while_reading_is_not_acknowledged_unread(world):
    appointment = _head_appointment(world)
    shown = f.instruction_version(Association.Kind.SCHOOL)
    services.instruction_version_create(
        instruction=shown.instruction, text="Вторая редакция", effective_from=timezone.localdate(), user=world.admin
    )
    with pytest.raises(ValidationError) as refused:
        services.acknowledgment_create(appointment=appointment, acknowledged_on=timezone.localdate(),
                                       user=world.head, shown_version_id=shown.pk)
    assert "новая редакция" in _messages(refused.value)
    assert not Acknowledgment.objects.exists()


@pytest.mark.parametrize("who", ["methodologist", "deputy", "teacher", "admin"])
def test_only_the_appointed_person_acknowledges(world, who):
    with pytest.raises(PermissionDenied):
        services.acknowledgment_create(
            appointment=_head_appointment(world), acknowledged_on=timezone.localdate(), user=getattr(world, who)
        )
    assert not Acknowledgment.objects.exists()


def test_an_appointment_without_an_instruction_has_nothing_to_acknowledge(world):
    user = f.UserFactory(username="rmo-secretary")
    person = f.PersonFactory(user=user, school=None, district=world.district)
    appointment = f.AppointmentFactory(association=world.rmo, person=person, role=Appointment.Role.SECRETARY)
    with pytest.raises(ValidationError) as refused:
        services.acknowledgment_create(appointment=appointment, acknowledged_on=timezone.localdate(), user=user)
    assert "нет действующей инструкции" in _messages(refused.value)


# --- an acknowledged version never changes -------------------------------------------------------


def test_a_version_nobody_acknowledged_may_be_corrected(world):
    version = f.instruction_version(Association.Kind.SCHOOL)
    services.instruction_version_update(version=version, values={"text": "Исправленный текст"}, user=world.admin)
    version.refresh_from_db()
    assert version.text == "Исправленный текст"


@pytest.mark.parametrize("field, value", [
    ("text", "Другой текст"), ("effective_from", datetime.date(2024, 1, 1)), ("number", 7),
])
def test_an_acknowledged_version_cannot_be_changed(world, field, value):
    version = f.instruction_version(Association.Kind.SCHOOL)
    before = InstructionVersion.objects.filter(pk=version.pk).values().get()
    services.acknowledgment_create(
        appointment=_head_appointment(world), acknowledged_on=timezone.localdate(), user=world.head
    )
    with pytest.raises(ValidationError) as refused:
        services.instruction_version_update(version=version, values={field: value}, user=world.admin)
    assert "её нельзя изменить" in _messages(refused.value)
    assert InstructionVersion.objects.filter(pk=version.pk).values().get() == before
