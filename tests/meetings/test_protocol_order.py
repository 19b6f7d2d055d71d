"""Protocol numbers follow the meetings' dates within a year: a protocol created for the
meeting of 14.03 after the one of 21.05 got № 2, after the later meeting's № 1. Drafts are
renumbered as needed (gapless, under the row lock); a signed number never changes, so where a
later protocol is signed the new one takes the next number once the user confirms it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from meetings import services
from meetings.models import Protocol
from tests import factories as f
from tests.helpers import login, messages_of


def on(world, month: int, day: int, **fields):
    year = world.year.start_year + (0 if month >= 9 else 1)
    return f.recorded_meeting(world, day=datetime.date(year, month, day), **fields)


def numbers(world) -> dict[str, int]:
    return {
        p.meeting.starts_at.strftime("%d.%m"): p.number
        for p in Protocol.objects.filter(association=world.mo).select_related("meeting")
    }


def test_a_protocol_for_an_earlier_meeting_takes_its_place(world):
    may = on(world, 5, 21, theme="Итоги года")
    march = on(world, 3, 14, theme="Профилактика")
    services.protocol_create(meeting=may, user=world.head)
    assert numbers(world) == {"21.05": 1}
    services.protocol_create(meeting=march, user=world.head)
    assert numbers(world) == {"14.03": 1, "21.05": 2}
    october = on(world, 10, 10, theme="Начало года")
    services.protocol_create(meeting=october, user=world.head)
    assert numbers(world) == {"10.10": 1, "14.03": 2, "21.05": 3}


def test_a_meeting_moved_renumbers_the_drafts(world):
    march, may = on(world, 3, 14), on(world, 5, 21, theme="Итоги года")
    services.protocol_create(meeting=march, user=world.head)
    services.protocol_create(meeting=may, user=world.head)
    values = {"starts_at": f.at(datetime.date(world.year.start_year + 1, 6, 1))}
    services.meeting_save(meeting=march, version=march.version, user=world.head, values=values)
    assert numbers(world) == {"21.05": 1, "01.06": 2}


def test_where_a_later_protocol_is_signed_the_number_is_stated_and_confirmed(world):
    may = on(world, 5, 21, theme="Итоги года")
    f.sign_protocol(world, may)
    march = on(world, 3, 14)
    with pytest.raises(services.ProtocolNumberToConfirm) as question:
        services.protocol_create(meeting=march, user=world.head)
    assert question.value.number == 2
    assert "получит № 2" in " ".join(question.value.messages) and "№ 1" in " ".join(question.value.messages)
    assert not Protocol.objects.filter(meeting=march).exists()

    client = login(world.head)
    response = client.post(reverse("meetings:protocol_create", args=[march.pk]), follow=True)
    assert "получит № 2" in " ".join(messages_of(response))
    assert "Создать протокол № 2" in response.content.decode()
    client.post(reverse("meetings:protocol_create", args=[march.pk]), {"number_confirmed": "2"})
    assert numbers(world) == {"21.05": 1, "14.03": 2}
    assert Protocol.objects.get(meeting=may).is_signed


def test_numbers_stay_gapless_around_a_signed_protocol(world):
    october, may = on(world, 10, 10), on(world, 5, 21, theme="Итоги года")
    services.protocol_create(meeting=october, user=world.head)
    f.sign_protocol(world, on(world, 12, 12, theme="Декабрь"))
    services.protocol_create(meeting=may, user=world.head)
    march = on(world, 3, 14)
    services.protocol_create(meeting=march, user=world.head)  # after the signed one: its place
    assert numbers(world) == {"10.10": 1, "12.12": 2, "14.03": 3, "21.05": 4}


def test_a_confirmed_number_stays_when_later_protocols_come(world):
    """Signed № 1 (October), draft № 2 (November); a September protocol confirms № 3 — and keeps
    it when a December one is created (the review found it renumbered to № 2)."""
    f.sign_protocol(world, on(world, 10, 10, theme="Октябрь"))
    services.protocol_create(meeting=on(world, 11, 11, theme="Ноябрь"), user=world.head)
    september = on(world, 9, 20, theme="Сентябрь")
    services.protocol_create(meeting=september, user=world.head, number_confirmed=3)
    services.protocol_create(meeting=on(world, 12, 12, theme="Декабрь"), user=world.head)
    assert numbers(world) == {"10.10": 1, "11.11": 2, "20.09": 3, "12.12": 4}
