"""A meeting that is over but still «запланировано» asks, on its page, to be marked held or
cancelled, with the two actions, to those who may do them; readers see nothing of it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings import services
from meetings.models import Meeting
from tests import factories as f

BANNER = "Заседание прошло, но не отмечено"


def page_of(client, meeting) -> str:
    response = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def past(world):
    return f.recorded_meeting(world, day=timezone.localdate() - datetime.timedelta(days=3))


def test_those_who_run_it_are_asked_with_both_actions(world, client_for, past):
    page = page_of(client_for(world.head), past)
    assert BANNER in page
    banner = page[page.index('data-testid="meeting-outcome"'):]
    banner = banner[: banner.index("</div>\n</div>")]
    assert reverse("meetings:meeting_hold", args=[past.pk]) in banner
    assert 'data-bs-target="#cancel-form"' in banner
    assert 'id="cancel-form"' in page and reverse("meetings:meeting_cancel", args=[past.pk]) in page
    # Asked once: the bar of actions above does not repeat them.
    assert 'data-testid="meeting-hold"' not in page


@pytest.mark.parametrize("role", ["teacher", "deputy", "methodologist"])
def test_readers_see_nothing_of_it(world, client_for, past, role):
    page = page_of(client_for(getattr(world, role)), past)
    assert BANNER not in page
    assert reverse("meetings:meeting_hold", args=[past.pk]) not in page


def test_the_actions_answer_the_question(world, client_for, past):
    client = client_for(world.head)
    response = client.post(reverse("meetings:meeting_hold", args=[past.pk]))
    assert response.status_code == 302
    past.refresh_from_db()
    assert past.status == Meeting.Status.HELD
    assert BANNER not in page_of(client, past)

    other = f.recorded_meeting(world, day=timezone.localdate() - datetime.timedelta(days=10))
    client.post(reverse("meetings:meeting_cancel", args=[other.pk]), {"reason": "Карантин"})
    other.refresh_from_db()
    assert other.status == Meeting.Status.CANCELLED
    assert BANNER not in page_of(client, other)


def test_not_before_it_is_over(world, client_for):
    upcoming = f.recorded_meeting(world, day=timezone.localdate() + datetime.timedelta(days=3))
    assert BANNER not in page_of(client_for(world.head), upcoming)
    # Started an hour ago, ninety minutes long: not over yet.
    running = f.MeetingFactory(association=world.mo, starts_at=timezone.now() - datetime.timedelta(hours=1))
    assert BANNER not in page_of(client_for(world.head), running)
    over = f.MeetingFactory(association=world.mo, starts_at=timezone.now() - datetime.timedelta(hours=2))
    assert BANNER in page_of(client_for(world.head), over)


def test_with_a_draft_protocol_only_held_is_offered(world, client_for, past):
    services.protocol_create(meeting=past, user=world.head)
    page = page_of(client_for(world.head), past)
    assert BANNER in page
    assert 'data-testid="outcome-hold"' in page and 'data-testid="outcome-cancel"' not in page
