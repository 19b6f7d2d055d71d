"""The attendance sheet and signing, as found when the portal was tried: two secretaries saving
one sheet overwrote each other; a member added after the sheet was saved counted as neither
present nor absent and the protocol signed anyway; a crafted POST answered 500; a protocol
signed with a question whose РЕШИЛИ was empty."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import services
from meetings.models import Attendance, Meeting, Protocol, ProtocolItem
from tests import factories as f
from tests.helpers import form_data, login, messages_of


@pytest.fixture
def meeting(world):
    meeting = f.recorded_meeting(world)
    f.add_agenda(meeting, 2, speakers=[world.teacher_person])
    f.add_members(world, 2)
    return meeting


def sheet_url(meeting) -> str:
    return reverse("meetings:attendance", args=[meeting.pk])


def row_of(data: dict, person) -> str:
    """The prefix of the person's row in a posted sheet."""
    for key, value in data.items():
        if key.endswith("-person") and str(value) == str(person.pk):
            return key.removesuffix("-person")
    raise AssertionError(f"no row for {person}")


def test_two_secretaries_saving_one_sheet_never_overwrite_each_other(world, meeting):
    first, second = login(world.head), login(world.head)
    first_data = form_data(first.get(sheet_url(meeting)), "attendance-form")
    second_data = form_data(second.get(sheet_url(meeting)), "attendance-form")
    others = [p for p in meeting.association.memberships.values_list("person", flat=True)]
    assert len(others) >= 3

    one = row_of(first_data, world.teacher_person)
    first_data.update({f"{one}-present": "0", f"{one}-absence_reason": "больничный лист"})
    assert first.post(sheet_url(meeting), first_data).status_code == 302

    two = row_of(second_data, world.head_person)
    second_data.update({f"{two}-present": "0", f"{two}-absence_reason": "курсы"})
    response = second.post(sheet_url(meeting), second_data)
    assert response.status_code == 200  # the sheet again, with the conflict and the marks typed
    assert "Явку уже сохранил другой пользователь" in " ".join(messages_of(response))
    assert 'value="курсы"' in response.content.decode()

    marks = {a.person_id: a for a in Attendance.objects.filter(meeting=meeting)}
    assert not marks[world.teacher_person.pk].present  # the first save stays
    assert marks[world.head_person.pk].present

    # The second save, now from the new version, overwrites on purpose.
    again = form_data(response, "attendance-form")
    assert second.post(sheet_url(meeting), again).status_code == 302
    assert not Attendance.objects.get(meeting=meeting, person=world.head_person).present


def test_a_member_added_later_appears_unmarked_and_holds_the_signing(world, meeting):
    client = login(world.head)
    data = form_data(client.get(sheet_url(meeting)), "attendance-form")
    assert client.post(sheet_url(meeting), data).status_code == 302
    late = f.add_members(world, 1)[0]

    page = client.get(sheet_url(meeting)).content.decode()
    assert 'data-testid="unmarked-note"' in page
    data = form_data(client.get(sheet_url(meeting)), "attendance-form")
    prefix = row_of(data, late)
    assert f"{prefix}-present" not in data  # neither radio checked
    response = client.post(sheet_url(meeting), data)
    assert response.status_code == 200
    assert "Отметьте: присутствовал(а) или отсутствовал(а)." in response.content.decode()

    draft = services.protocol_create(meeting=meeting, user=world.head)
    Protocol.objects.filter(pk=draft.pk).update(chair=world.head_person, secretary=world.teacher_person)
    ProtocolItem.objects.filter(protocol=draft).update(decided="Принять к сведению")
    with pytest.raises(ValidationError) as refused:
        services.protocol_sign(protocol=Protocol.objects.get(pk=draft.pk), user=world.head)
    assert f"в явке не отмечены: {late.short_name}" in " ".join(refused.value.messages)

    data[f"{prefix}-present"] = "1"
    assert client.post(sheet_url(meeting), data).status_code == 302
    signed = services.protocol_sign(protocol=Protocol.objects.get(pk=draft.pk), user=world.head)
    present = Attendance.objects.filter(meeting=meeting, present=True).count()
    absent = Attendance.objects.filter(meeting=meeting, present=False).count()
    members = meeting.association.memberships.filter(academic_year=meeting.academic_year).count()
    assert signed.is_signed and present + absent == members


def test_a_crafted_post_gets_a_form_error_not_a_500(world, meeting):
    client = login(world.head)
    data = form_data(client.get(sheet_url(meeting)), "attendance-form")
    crafted = {**data, "att-INITIAL_FORMS": "0"}
    for key in [k for k in crafted if k.endswith("-present")]:
        del crafted[key]
    response = client.post(sheet_url(meeting), crafted)
    assert response.status_code == 200
    assert "Отметьте" in response.content.decode()

    dropped = dict(data)
    dropped["att-TOTAL_FORMS"] = str(int(data["att-TOTAL_FORMS"]) - 1)  # one member left out
    response = client.post(sheet_url(meeting), dropped)
    assert response.status_code == 200
    assert "В листе нет:" in " ".join(messages_of(response)) + response.content.decode()
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_signing_lists_what_is_missing(world, meeting):
    draft = services.protocol_create(meeting=meeting, user=world.head)
    Protocol.objects.filter(pk=draft.pk).update(chair=world.head_person, secretary=world.teacher_person)
    first, _second = ProtocolItem.objects.filter(protocol=draft).order_by("position")
    ProtocolItem.objects.filter(pk=first.pk).update(decided="Принять к сведению")  # the second is left empty
    with pytest.raises(ValidationError) as refused:
        services.protocol_sign(protocol=Protocol.objects.get(pk=draft.pk), user=world.head)
    text = " ".join(refused.value.messages)
    assert "вопрос 2: не записано, что решили (РЕШИЛИ)" in text
    assert "вопрос 1" not in text
    assert "явка не отмечена" in text
    assert not Protocol.objects.get(pk=draft.pk).is_signed


def test_fewer_votes_than_present_asks_for_confirmation(world, meeting):
    f.mark_the_rest_present(meeting)
    draft = services.protocol_create(meeting=meeting, user=world.head)
    Protocol.objects.filter(pk=draft.pk).update(chair=world.head_person, secretary=world.teacher_person)
    ProtocolItem.objects.filter(protocol=draft).update(decided="Принять к сведению", votes_for=1)
    client = login(world.head)
    url = reverse("meetings:protocol_sign", args=[draft.pk])
    response = client.post(url, {"confirm": "on"}, follow=True)
    assert "голосов меньше, чем присутствовало" in " ".join(messages_of(response))
    assert 'data-testid="confirm-votes"' in response.content.decode()
    assert not Protocol.objects.get(pk=draft.pk).is_signed
    client.post(url, {"confirm": "on", "votes_confirmed": "on"})
    assert Protocol.objects.get(pk=draft.pk).is_signed
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.HELD
