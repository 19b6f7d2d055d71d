"""The admin of meetings and protocols: changelists with a fixed number of queries, a signed
protocol (its questions, its decisions, its meeting) read-only — a POST to change it is a 403 and
changes nothing — and a draft's number never editable."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import CalendarToken, Decision, Meeting, Protocol, ProtocolItem, SentReminder
from tests import factories as f
from tests.helpers import count_queries, login


@pytest.fixture
def admin_client_(world):
    return login(world.admin)


EMPTY_INLINE = [("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"), ("MIN_NUM_FORMS", "0"), ("MAX_NUM_FORMS", "1000")]
CHANGELISTS = ["meeting", "protocol", "protocolitem", "decision", "calendartoken", "sentreminder"]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelists_run_the_same_queries_for_one_or_five_rows(world, admin_client_, model):
    path = reverse(f"admin:meetings_{model}_changelist")
    f.signed_meetings_with_feeds(world, 1)
    admin_client_.get(path)
    one = count_queries(admin_client_, path)
    f.signed_meetings_with_feeds(world, 4)
    assert count_queries(admin_client_, path) == one


@pytest.mark.parametrize("model", CHANGELISTS)
def test_changelists_search_and_filter(world, admin_client_, model):
    f.signed_meetings_with_feeds(world, 1)
    path = reverse(f"admin:meetings_{model}_changelist")
    assert admin_client_.get(path, {"q": "Заседание"}).status_code == 200


@pytest.fixture
def signed(world):
    meeting = f.recorded_meeting(world)
    f.add_agenda(meeting, 1, [world.teacher_person])
    f.mark_attendance(world, meeting, [world.head_person, world.teacher_person])
    return f.sign_protocol(world, meeting)


def _state(protocol):
    return (
        Protocol.objects.filter(pk=protocol.pk).values_list("number", "status", "chair_id", "decided_label",
                                                              "pdf_sha256", "version").get(),
        list(ProtocolItem.objects.filter(protocol=protocol).values_list("decided", "heard")),
        list(Decision.objects.filter(protocol_item__protocol=protocol).values_list("text", "due_on")),
        Meeting.objects.filter(pk=protocol.meeting_id).values_list("theme", "status").get(),
    )


def test_a_signed_protocol_is_read_only_in_the_admin(world, admin_client_, signed):
    before = _state(signed)
    change = reverse("admin:meetings_protocol_change", args=[signed.pk])

    page = admin_client_.get(change)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert 'name="chair"' not in page.content.decode()

    post = {"chair": str(world.teacher_person.pk), "secretary": str(world.head_person.pk),
            "decided_label": "ПОСТАНОВИЛИ", "items-TOTAL_FORMS": "0", "items-INITIAL_FORMS": "0"}
    assert admin_client_.post(change, post).status_code == 403
    delete = reverse("admin:meetings_protocol_delete", args=[signed.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    item = signed.items.get()
    assert admin_client_.post(reverse("admin:meetings_protocolitem_change", args=[item.pk]),
                              {"decided": "Переписано"}).status_code == 403
    decision = Decision.objects.get()
    decision_page = admin_client_.get(reverse("admin:meetings_decision_change", args=[decision.pk]))
    assert 'name="text"' not in decision_page.content.decode()  # the text is the protocol's
    assert admin_client_.post(reverse("admin:meetings_meeting_change", args=[signed.meeting_id]),
                              {"theme": "Переписано"}).status_code == 403
    history = reverse("admin:meetings_protocol_simple_history", args=[signed.pk, signed.history.first().pk])
    assert admin_client_.post(history, post).status_code == 403
    assert _state(signed) == before


def test_protocols_are_not_added_or_deleted_in_the_admin(world, admin_client_):
    assert admin_client_.get(reverse("admin:meetings_protocol_add")).status_code == 403
    draft = services.protocol_create(meeting=f.recorded_meeting(world), user=world.head)
    delete = reverse("admin:meetings_protocol_delete", args=[draft.pk])
    assert admin_client_.post(delete, {"post": "yes"}).status_code == 403
    assert Protocol.objects.filter(pk=draft.pk).exists()


def test_a_drafts_header_is_corrected_but_never_its_number(world, admin_client_):
    meeting = f.recorded_meeting(world)
    f.add_agenda(meeting, 1)
    draft = services.protocol_create(meeting=meeting, user=world.head)
    change = reverse("admin:meetings_protocol_change", args=[draft.pk])
    page = admin_client_.get(change)
    assert 'name="chair"' in page.content.decode() and 'name="number"' not in page.content.decode()
    item = draft.items.get()
    response = admin_client_.post(change, {
        "chair": str(world.head_person.pk), "secretary": str(world.teacher_person.pk), "decided_label": "ПОСТАНОВИЛИ",
        "number": "99",
        "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "1", "items-MIN_NUM_FORMS": "0", "items-MAX_NUM_FORMS": "1000",
        "items-0-id": str(item.pk), "items-0-protocol": str(draft.pk), "items-0-position": "1",
        "items-0-decided": "Принять к сведению",
    })
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert (draft.number, draft.chair, draft.decided_label, draft.version) == (1, world.head_person, "ПОСТАНОВИЛИ", 2)
    assert ProtocolItem.objects.get(pk=item.pk).decided == "Принять к сведению"


def test_meeting_admin_shows_agenda_guests_and_attendance(world, admin_client_):
    meeting = f.build_meeting(world, n_agenda=2, n_attendees=3, theme="Заседание")
    page = admin_client_.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert page.status_code == 200
    inline_models = {formset.formset.model.__name__ for formset in page.context["inline_admin_formsets"]}
    assert inline_models == {"AgendaItem", "Guest", "Attendance"}


def test_calendar_tokens_and_reminders_are_read_only(world, admin_client_):
    token = CalendarToken.objects.create(user=world.teacher)
    reminder = SentReminder.objects.create(
        kind=SentReminder.Kind.DECISION, object_id=1, email="t@example.org", for_date=datetime.date(2025, 10, 15)
    )
    page = admin_client_.get(reverse("admin:meetings_calendartoken_change", args=[token.pk]))
    assert page.status_code == 200 and token.token not in page.content.decode()
    assert admin_client_.post(reverse("admin:meetings_calendartoken_change", args=[token.pk]), {}).status_code == 403
    assert admin_client_.get(reverse("admin:meetings_sentreminder_add")).status_code == 403
    assert admin_client_.post(reverse("admin:meetings_sentreminder_delete", args=[reminder.pk]),
                              {"post": "yes"}).status_code == 403
    assert SentReminder.objects.filter(pk=reminder.pk).exists()


def test_editing_a_meeting_in_the_admin_bumps_its_version(world, admin_client_):
    meeting = f.recorded_meeting(world, day=world.year.starts_on + datetime.timedelta(days=3))
    change = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    response = admin_client_.post(change, {
        "association": str(world.mo.pk), "academic_year": str(meeting.academic_year_id), "kind": meeting.kind,
        "theme": "Новая тема", "starts_at_0": timezone.localtime(meeting.starts_at).strftime("%d.%m.%Y"),
        "starts_at_1": "15:00", "duration_minutes": "90", "place": "", "status": meeting.status,
        "cancel_reason": "", "plan_item": "",
        **{f"{prefix}-{key}": value for prefix in ("agenda", "guests", "attendance") for key, value in EMPTY_INLINE},
    })
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    meeting.refresh_from_db()
    assert (meeting.theme, meeting.version) == ("Новая тема", 2)
