"""The instruction's versions in the admin: a new version is numbered on; one nobody acknowledged
may be corrected; one acknowledged is read-only on its change form and refused when posted
anyway, and when its history's «revert» is posted. Acknowledgments are only read there."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from associations.models import Acknowledgment, Appointment, Association, InstructionVersion
from associations.records.instructions import services
from tests import factories as f


def _version() -> InstructionVersion:
    return f.instruction_version(Association.Kind.SCHOOL)


def _acknowledge(world) -> Acknowledgment:
    appointment = Appointment.objects.get(association=world.mo, role=Appointment.Role.HEAD)
    return services.acknowledgment_create(appointment=appointment, acknowledged_on=timezone.localdate(),
                                          user=world.head)


def _change_url(version) -> str:
    return reverse("admin:associations_instructionversion_change", args=[version.pk])


def test_a_new_version_is_numbered_on(world, client_for):
    client = client_for(world.admin)
    version = _version()
    response = client.post(reverse("admin:associations_instructionversion_add"), {
        "instruction": version.instruction_id, "text": "Вторая редакция", "effective_from": "2025-09-01",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    added = InstructionVersion.objects.get(text="Вторая редакция")
    assert (added.instruction_id, added.number) == (version.instruction_id, 2)


def test_a_version_nobody_acknowledged_may_be_corrected(world, client_for):
    version = _version()
    response = client_for(world.admin).post(_change_url(version), {
        "text": "Исправленный текст", "effective_from": "2023-09-01",
    })
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.text == "Исправленный текст"


def test_an_acknowledged_version_is_read_only_and_refused_when_posted(world, client_for):
    version = _version()
    _acknowledge(world)
    client = client_for(world.admin)
    page = client.get(_change_url(version))
    assert page.status_code == 200
    assert 'name="text"' not in page.content.decode()  # read-only on the form
    before = InstructionVersion.objects.filter(pk=version.pk).values().get()
    client.post(_change_url(version), {"text": "Подменённый текст", "effective_from": "2020-01-01", "number": 9})
    assert InstructionVersion.objects.filter(pk=version.pk).values().get() == before


def test_an_acknowledged_version_is_not_reverted_from_its_history(world, client_for):
    version = _version()
    version.save()  # the seeded text in the history (the migration's rows have none)
    services.instruction_version_update(version=version, values={"text": "Исправленный текст"}, user=world.admin)
    _acknowledge(world)
    original = version.history.order_by("history_id").first()
    assert original.text != "Исправленный текст"
    url = reverse("admin:associations_instructionversion_simple_history", args=[version.pk, original.history_id])
    response = client_for(world.admin).post(url, {"_change_history": ""})
    assert response.status_code == 200
    assert "её нельзя изменить" in response.content.decode()
    version.refresh_from_db()
    assert version.text == "Исправленный текст"


def test_acknowledgments_are_only_read_in_the_admin(world, client_for):
    acknowledgment = _acknowledge(world)
    client = client_for(world.admin)
    change = reverse("admin:associations_acknowledgment_change", args=[acknowledgment.pk])
    assert client.get(change).status_code == 200  # the view page
    assert 'name="acknowledged_on"' not in client.get(change).content.decode()
    assert client.post(change, {"acknowledged_on": "2020-01-01"}).status_code == 403
    assert client.get(reverse("admin:associations_acknowledgment_add")).status_code == 403
    history = acknowledgment.history.get()
    revert = reverse("admin:associations_acknowledgment_simple_history", args=[acknowledgment.pk, history.history_id])
    assert client.post(revert, {"acknowledged_on": "2020-01-01"}).status_code == 403
    acknowledgment.refresh_from_db()
    assert acknowledgment.acknowledged_on == timezone.localdate() != datetime.date(2020, 1, 1)
