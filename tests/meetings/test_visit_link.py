"""A visit's link to the meeting visited lives on the meetings side (`meetings.MeetingVisit`):
the visit's writers link it, from the visit's page, to a meeting of the visited school's МО of
the visit's year (the nearest proposed first) and unlink it; a meeting of another school is
refused; the visit's page shows the meeting, the meeting's page shows «Посещение РМО» to those
who see the visit, both in a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from meetings.models import Meeting, MeetingVisit
from meetings.visits import services
from tests import factories as f
from tests.helpers import count_queries, login, messages_of


def _on(world, month: int, day: int) -> datetime.datetime:
    year = world.year.start_year if month >= 9 else world.year.start_year + 1
    return f.at(datetime.date(year, month, day))


@pytest.fixture
def visit(world):
    return f.VisitFactory(school=world.school, visitor=world.methodologist.person, target="meeting",
                          visited_on=datetime.date(world.year.start_year, 10, 16), visited_person=None)


@pytest.fixture
def meetings(world):
    return {
        "october": f.MeetingFactory(association=world.mo, starts_at=_on(world, 10, 15), theme="Профилактика буллинга",
                                    academic_year=world.year),
        "march": f.MeetingFactory(association=world.mo, starts_at=_on(world, 3, 12), theme="Итоги третьей четверти",
                                  academic_year=world.year),
        "other_school": f.MeetingFactory(association=world.other_mo, starts_at=_on(world, 10, 16),
                                         theme="Заседание соседей", academic_year=world.year),
    }


def _visit_url(visit) -> str:
    return reverse("associations:visit", args=[visit.pk])


def _link(client, visit, meeting):
    return client.post(reverse("meetings:visit_link", args=[visit.pk]), {"meeting": meeting.pk})


def test_the_visit_page_offers_the_schools_meetings_nearest_first(world, visit, meetings):
    content = login(world.methodologist).get(_visit_url(visit)).content.decode()
    assert 'data-testid="visit-link"' in content
    assert "Профилактика буллинга" in content and "Итоги третьей четверти" in content
    assert "Заседание соседей" not in content
    selected = content.split(" selected>")[0].rsplit('<option value="', 1)[1]
    assert selected.startswith(str(meetings["october"].pk))


def test_the_methodologist_links_and_unlinks_the_visit(world, visit, meetings):
    client = login(world.methodologist)
    response = _link(client, visit, meetings["october"])
    assert response.status_code == 302 and response.url.startswith(_visit_url(visit))
    assert MeetingVisit.objects.get(visit=visit).meeting == meetings["october"]

    content = client.get(_visit_url(visit)).content.decode()
    assert reverse("meetings:meeting", args=[meetings["october"].pk]) in content
    assert 'data-testid="visit-unlink"' in content and 'data-testid="visit-link"' not in content

    _link(client, visit, meetings["march"])  # linking again moves the link
    assert MeetingVisit.objects.get(visit=visit).meeting == meetings["march"]

    response = client.post(reverse("meetings:visit_unlink", args=[visit.pk]))
    assert response.status_code == 302 and not MeetingVisit.objects.exists()
    again = client.post(reverse("meetings:visit_unlink", args=[visit.pk]))
    assert "Посещение и так не связано с заседанием." in messages_of(client.get(again.url))


def test_a_meeting_of_another_school_is_refused(world, visit, meetings):
    client = login(world.methodologist)
    response = _link(client, visit, meetings["other_school"])
    assert response.status_code == 302
    assert not MeetingVisit.objects.exists()
    message = " ".join(messages_of(client.get(response.url)))
    assert "Заседание другой школы" in message
    with pytest.raises(ValidationError) as refused:
        services.visit_link(visit=visit, meeting=meetings["other_school"], user=world.methodologist)
    assert "meeting" in refused.value.error_dict


def test_a_meeting_of_another_year_or_cancelled_is_refused(world, visit, meetings):
    last_year = f.AcademicYearFactory(start_year=world.year.start_year - 1)
    old = f.MeetingFactory(association=world.mo, academic_year=last_year,
                           starts_at=f.at(datetime.date(last_year.start_year, 10, 16)), theme="Прошлый год")
    cancelled = f.MeetingFactory(association=world.mo, starts_at=_on(world, 11, 20), theme="Отменённое",
                                 academic_year=world.year, status=Meeting.Status.CANCELLED, cancel_reason="Карантин")
    for meeting, words in ((old, "другого учебного года"), (cancelled, "отменено")):
        with pytest.raises(ValidationError) as refused:
            services.visit_link(visit=visit, meeting=meeting, user=world.methodologist)
        assert words in " ".join(refused.value.messages)
    assert not MeetingVisit.objects.exists()


def test_an_unknown_meeting_is_a_message_not_a_500(world, visit):
    client = login(world.methodologist)
    response = client.post(reverse("meetings:visit_link", args=[visit.pk]), {"meeting": "999999"})
    assert response.status_code == 302
    assert "Такого заседания нет среди доступных вам." in messages_of(client.get(response.url))


@pytest.mark.parametrize("role", ["head", "deputy"])
def test_the_school_reads_the_link_but_does_not_make_it(world, visit, meetings, role):
    client = login(getattr(world, role))
    content = client.get(_visit_url(visit)).content.decode()
    assert 'data-testid="visit-link"' not in content
    assert _link(client, visit, meetings["october"]).status_code == 302
    assert not MeetingVisit.objects.exists()
    with pytest.raises(PermissionDenied):
        services.visit_link(visit=visit, meeting=meetings["october"], user=getattr(world, role))


@pytest.mark.parametrize("role", ["other_deputy", "other_district_methodologist", "outsider"])
def test_outsiders_of_the_visit_get_404(world, visit, meetings, role):
    client = login(getattr(world, role))
    assert _link(client, visit, meetings["october"]).status_code == 404
    assert client.post(reverse("meetings:visit_unlink", args=[visit.pk])).status_code == 404


def test_the_meeting_page_shows_the_rmo_visit_to_those_who_see_it(world, visit, meetings):
    MeetingVisit.objects.create(visit=visit, meeting=meetings["october"])
    url = reverse("meetings:meeting", args=[meetings["october"].pk])
    for role in ("methodologist", "head", "deputy"):
        content = login(getattr(world, role)).get(url).content.decode()
        assert "Посещение РМО" in content and _visit_url(visit) in content, role
    # A member of the МО who is not the visited teacher sees the meeting, not the visit.
    content = login(world.teacher).get(url).content.decode()
    assert "Посещение РМО" not in content
    visit.visited_person = world.teacher_person
    visit.save()
    assert _visit_url(visit) in login(world.teacher).get(url).content.decode()
    unvisited = login(world.head).get(reverse("meetings:meeting", args=[meetings["march"].pk])).content.decode()
    assert "Посещение РМО" not in unvisited


def test_the_meeting_page_spends_no_query_on_the_visit(world, visit, meetings):
    client = login(world.head)
    url = reverse("meetings:meeting", args=[meetings["october"].pk])
    client.get(url)
    before = count_queries(client, url)
    MeetingVisit.objects.create(visit=visit, meeting=meetings["october"])
    assert count_queries(client, url) == before


def test_the_visit_page_query_count_with_a_link(world, visit, meetings):
    client = login(world.methodologist)
    client.get(_visit_url(visit))
    unlinked = count_queries(client, _visit_url(visit))
    MeetingVisit.objects.create(visit=visit, meeting=meetings["october"])
    # Linked: the link with its meeting, and no list of meetings to choose from.
    assert count_queries(client, _visit_url(visit)) == unlinked - 1


def test_deleting_the_visit_takes_its_link_along(world, visit, meetings):
    MeetingVisit.objects.create(visit=visit, meeting=meetings["october"])
    login(world.methodologist).post(reverse("associations:visit_delete", args=[visit.pk]))
    assert not MeetingVisit.objects.exists()
    assert Meeting.objects.filter(pk=meetings["october"].pk).exists()
