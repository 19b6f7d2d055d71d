"""The iCalendar feeds: a secret token URL per user, the meetings that user may see, Moscow
times that parse back to the right instant, stable UIDs, cancelled events marked; wrong or
replaced tokens and other schools' associations answer 404."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings.models import AgendaItem, CalendarToken, Meeting
from meetings.schedule import services as schedule_services
from tests import factories as f


@pytest.fixture
def meetings(world):
    day = timezone.localdate() + datetime.timedelta(days=10)
    session = f.MeetingFactory(association=world.mo, starts_at=f.at(day, 15, 30), theme="Профилактика буллинга",
                               place="Кабинет № 12", duration_minutes=60)
    AgendaItem.objects.create(meeting=session, position=1, title="О плане работы на четверть")
    AgendaItem.objects.create(meeting=session, position=2, title="Об итогах мониторинга")
    seminar = f.MeetingFactory(association=world.rmo, starts_at=f.at(day + datetime.timedelta(days=1), 10),
                               theme="Наставничество", kind=Meeting.Kind.SEMINAR, status=Meeting.Status.CANCELLED,
                               cancel_reason="Карантин")
    hidden = f.MeetingFactory(association=world.other_mo, starts_at=f.at(day, 12), theme="Чужое заседание")
    far = f.MeetingFactory(association=world.other_district_rmo, starts_at=f.at(day, 12), theme="Чужой район")
    return {"session": session, "seminar": seminar, "hidden": hidden, "far": far}


def token_of(user) -> str:
    return schedule_services.calendar_token_for(user=user).token


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response, Calendar.from_ical(response.content)


def events_by_summary(calendar):
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_carries_what_the_user_sees_with_moscow_times(world, client, meetings):
    response, calendar = fetch(client, reverse("meetings:feed", args=[token_of(world.teacher)]))
    events = events_by_summary(calendar)
    assert set(events) == {"Заседание: Профилактика буллинга", "Семинар: Наставничество"}

    session = events["Заседание: Профилактика буллинга"]
    start = session.decoded("DTSTART")
    assert start == meetings["session"].starts_at  # the same instant
    assert start.utcoffset() == datetime.timedelta(hours=3)
    assert (start.hour, start.minute) == (15, 30)  # Moscow wall-clock time
    assert session["DTSTART"].params["TZID"] == "Europe/Moscow"
    assert session.decoded("DTEND") - start == datetime.timedelta(minutes=60)
    assert str(session["LOCATION"]) == "Кабинет № 12"
    description = str(session["DESCRIPTION"])
    assert world.mo.name in description
    assert "1. О плане работы на четверть" in description and "2. Об итогах мониторинга" in description
    assert str(session["STATUS"]) == "CONFIRMED"

    seminar = events["Семинар: Наставничество"]
    assert str(seminar["STATUS"]) == "CANCELLED"
    assert "Карантин" in str(seminar["DESCRIPTION"])

    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/Moscow"]
    assert b"DTSTART;TZID=Europe/Moscow:" in response.content
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT3H" in response.content and b"X-PUBLISHED-TTL:PT3H" in response.content


def test_uids_are_stable_and_unique(world, client, meetings):
    url = reverse("meetings:feed", args=[token_of(world.methodologist)])
    first = {str(e["SUMMARY"]): str(e["UID"]) for e in fetch(client, url)[1].walk("VEVENT")}
    Meeting.objects.filter(pk=meetings["session"].pk).update(place="Другой кабинет", version=2)
    second = {str(e["SUMMARY"]): str(e["UID"]) for e in fetch(client, url)[1].walk("VEVENT")}
    assert first == second
    assert len(set(first.values())) == len(first) == 3  # the district: mo, other_mo, rmo


def test_no_login_is_needed_and_a_wrong_token_is_404(world, client, meetings):
    token_of(world.teacher)
    assert client.get(reverse("meetings:feed", args=["not-a-token"])).status_code == 404
    assert client.get("/meetings/feed/.ics").status_code == 404
    assert client.get("/meetings/feed/a%2Fb.ics").status_code == 404


def test_an_inactive_users_feed_is_404(world, client, meetings):
    token = token_of(world.teacher)
    world.teacher.is_active = False
    world.teacher.save()
    assert client.get(reverse("meetings:feed", args=[token])).status_code == 404


def test_regenerating_revokes_the_old_url(world, client, meetings):
    old = token_of(world.teacher)
    new = schedule_services.calendar_token_regenerate(user=world.teacher).token
    assert new != old
    assert client.get(reverse("meetings:feed", args=[old])).status_code == 404
    assert client.get(reverse("meetings:association_feed", args=[old, world.mo.pk])).status_code == 404
    fetch(client, reverse("meetings:feed", args=[new]))
    assert CalendarToken.objects.filter(user=world.teacher).count() == 1


def test_the_association_feed_has_that_association_only(world, client, meetings):
    token = token_of(world.teacher)
    _, calendar = fetch(client, reverse("meetings:association_feed", args=[token, world.mo.pk]))
    assert set(events_by_summary(calendar)) == {"Заседание: Профилактика буллинга"}
    assert world.mo.name in str(calendar["X-WR-CALNAME"])
    _, calendar = fetch(client, reverse("meetings:association_feed", args=[token, world.rmo.pk]))
    assert set(events_by_summary(calendar)) == {"Семинар: Наставничество"}


@pytest.mark.parametrize("target", ["other_mo", "other_district_rmo", "other_district_mo"])
def test_another_schools_or_districts_association_feed_is_404(world, client, meetings, target):
    token = token_of(world.teacher)
    url = reverse("meetings:association_feed", args=[token, getattr(world, target).pk])
    assert client.get(url).status_code == 404
    assert client.get(f"/meetings/feed/{token}/associations/99999999999999999999.ics").status_code == 404


def test_the_feed_does_not_grow_with_meetings(world, client, meetings):
    url = reverse("meetings:feed", args=[token_of(world.teacher)])

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            fetch(client, url)
        return len(ctx.captured_queries)

    few = queries()
    day = timezone.localdate() + datetime.timedelta(days=3)
    for i in range(15):
        m = f.MeetingFactory(
            association=world.mo if i % 2 else world.rmo, starts_at=f.at(day, 8 + i % 10), theme=f"Тема {i}",
        )
        AgendaItem.objects.create(meeting=m, position=1, title="О разном")
    assert queries() == few


# --- the subscription page -----------------------------------------------------------------------


def test_the_subscription_page_shows_absolute_urls(world, client_for):
    client = client_for(world.teacher)
    first = client.get(reverse("meetings:feed_settings")).content.decode()
    assert "Получить ссылки для подписки" in first
    assert not CalendarToken.objects.filter(user=world.teacher).exists()  # a GET only reads
    response = client.post(reverse("meetings:feed_settings"))
    assert "Ссылки для подписки готовы" in client.get(response.url).content.decode()
    page = client.get(reverse("meetings:feed_settings")).content.decode()
    token = CalendarToken.objects.get(user=world.teacher).token
    assert f"http://testserver/meetings/feed/{token}.ics" in page
    assert f"webcal://testserver/meetings/feed/{token}.ics" in page
    assert f"http://testserver/meetings/feed/{token}/associations/{world.mo.pk}.ics" in page
    assert f"/associations/{world.other_mo.pk}.ics" not in page


def test_the_subscription_page_regenerates_on_post(world, client_for, client):
    page_client = client_for(world.teacher)
    page_client.post(reverse("meetings:feed_settings"))
    old = CalendarToken.objects.get(user=world.teacher).token
    response = page_client.post(reverse("meetings:feed_settings"))
    assert response.status_code == 302
    new = CalendarToken.objects.get(user=world.teacher).token
    assert new != old
    assert "Прежние больше не работают" in page_client.get(response.url).content.decode()
    page_client.logout()
    assert client.get(reverse("meetings:feed", args=[old])).status_code == 404
    assert client.get(reverse("meetings:feed", args=[new])).status_code == 200


def test_the_subscription_page_needs_a_login(world, client):
    response = client.get(reverse("meetings:feed_settings"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.post(reverse("meetings:feed_settings")).status_code == 302
    assert not CalendarToken.objects.exists()
