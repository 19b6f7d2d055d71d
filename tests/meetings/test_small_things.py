"""Small things found when the portal was tried (issue 10, point 16)."""

from django.urls import reverse

from meetings.models import Meeting
from tests import factories as f
from tests.helpers import login, messages_of


def test_a_cancel_reason_over_the_limit_says_the_limit(world):
    meeting = f.recorded_meeting(world)
    response = login(world.head).post(reverse("meetings:meeting_cancel", args=[meeting.pk]), {"reason": "я" * 301})
    text = " ".join(messages_of(response))
    assert "не более 300 символов" in text
    assert "укажите причину" not in text
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PLANNED
    empty = login(world.head).post(reverse("meetings:meeting_cancel", args=[meeting.pk]), {"reason": ""})
    assert "укажите причину отмены" in " ".join(messages_of(empty))


def test_an_empty_sheet_sends_the_head_to_the_page_where_members_are_added(world):
    association = f.AssociationFactory(school=world.school, name="Пустое МО")
    meeting = f.MeetingFactory(association=association, academic_year=world.year, starts_at=f.at(f.in_days(-1)))
    page = login(world.admin).get(reverse("meetings:attendance", args=[meeting.pk])).content.decode()
    assert "администрировани" not in page
    assert f'{reverse("associations:detail", args=[association.pk])}?year={world.year.pk}#members' in page


def test_a_draft_protocols_decision_is_on_neither_list_and_cannot_be_marked(world):
    decision = f.decision_of(world.mo, responsible=world.teacher_person, due_on=f.in_days(3), signed=False,
                             text="Черновое поручение")
    for user in (world.head, world.teacher):
        assert "Черновое поручение" not in login(user).get(reverse("meetings:decisions")).content.decode()
        response = login(user).post(reverse("meetings:decision_done", args=[decision.pk]), {})
        assert response.status_code == 404
    decision.refresh_from_db()
    assert decision.status == "open"


def test_a_superscript_digit_in_a_picker_or_a_number_is_not_a_500(world):
    meeting = f.recorded_meeting(world)
    client = login(world.head)
    assert client.get(reverse("meetings:meeting", args=[meeting.pk]), {"confirm_number": "²"}).status_code == 200
    response = client.post(reverse("meetings:protocol_create", args=[meeting.pk]), {"number_confirmed": "²"})
    assert response.status_code == 302
    from rmo_portal.editors import SharedModelChoiceField

    field = SharedModelChoiceField(objects={1: object()}, choices=[(1, "один")])
    assert field.valid_value("²") is False
