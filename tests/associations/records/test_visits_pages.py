"""Visits: who sees which (the district's methodologist, the visited school's МО head and deputy
director, the visitor and the teacher whose event it was; nobody else), the list's filters, and
the list's and the visit page's query counts, flat in the number of visits and recommendations."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from associations.records.models import Visit
from tests import factories as f
from tests.helpers import count_queries, login


def _october(world, day: int = 7) -> datetime.date:
    return datetime.date(world.year.start_year, 10, day)


@pytest.fixture
def visits(world):
    """A visit to the teacher's event at the school, one to the other school, one to the school's
    МО work (no teacher), and one in the other district."""
    methodologist = world.methodologist.person
    other_teacher = f.PersonFactory(school=world.school, last_name="Лебедева")
    ours = f.VisitFactory(school=world.school, visitor=methodologist, visited_person=world.teacher_person,
                          visited_on=_october(world), event_title="Классный час «Мы — россияне»")
    f.VisitRecommendationFactory(visit=ours, position=1, text="Обобщить опыт на заседании МО")
    theirs = f.VisitFactory(school=world.other_school, visitor=methodologist, visited_on=_october(world, 9),
                            event_title="Классный час у соседей", visited_person=None)
    work = f.VisitFactory(school=world.school, visitor=methodologist, target=Visit.Target.ASSOCIATION,
                          visited_on=_october(world, 14), event_title="Проверка документации МО",
                          visited_person=other_teacher)
    far = f.VisitFactory(school=world.other_district_mo.school, visitor=world.other_district_methodologist.person,
                         visited_on=_october(world, 15), event_title="Классный час в Озёрном")
    return {"ours": ours, "theirs": theirs, "work": work, "far": far}


TITLES = {
    "ours": "Классный час «Мы — россияне»", "theirs": "Классный час у соседей",
    "work": "Проверка документации МО", "far": "Классный час в Озёрном",
}


@pytest.mark.parametrize(
    ("role", "seen"),
    [
        ("methodologist", {"ours", "theirs", "work"}),
        ("head", {"ours", "work"}),
        ("deputy", {"ours", "work"}),
        ("teacher", {"ours"}),  # the visited teacher: theirs only, not the МО's other visits
        ("other_deputy", {"theirs"}),
        ("other_district_methodologist", {"far"}),
        ("admin", {"ours", "theirs", "work", "far"}),
    ],
)
def test_the_list_shows_each_role_its_visits(world, visits, role, seen):
    content = login(getattr(world, role)).get(reverse("associations:visits")).content.decode()
    shown = {key for key, title in TITLES.items() if title in content}
    assert shown == seen


def test_another_teacher_of_the_school_sees_no_visit(world, visits):
    other = f.UserFactory(username="colleague")
    f.PersonFactory(user=other, school=world.school, last_name="Коллегова")
    client = login(other)
    assert client.get(reverse("associations:visits")).status_code == 200
    assert "Классный час" not in client.get(reverse("associations:visits")).content.decode()
    assert client.get(reverse("associations:visit", args=[visits["ours"].pk])).status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    [("methodologist", 200), ("head", 200), ("deputy", 200), ("teacher", 200), ("other_deputy", 404),
     ("other_district_methodologist", 404), ("outsider", 404)],
)
def test_the_visit_page_is_for_those_who_see_it(world, visits, role, status):
    response = login(getattr(world, role)).get(reverse("associations:visit", args=[visits["ours"].pk]))
    assert response.status_code == status
    if status == 200:
        content = response.content.decode()
        assert "Классный час проведён на высоком методическом уровне." in content  # the findings
        assert "Обобщить опыт на заседании МО" in content


def test_the_visitor_sees_their_own_visit_wherever_it_was(world):
    visitor_user = f.UserFactory(username="rmo_head")
    visitor = f.PersonFactory(user=visitor_user, school=world.other_school, last_name="Орлова")
    visit = f.VisitFactory(school=world.school, visitor=visitor, event_title="Открытое мероприятие")
    assert login(visitor_user).get(reverse("associations:visit", args=[visit.pk])).status_code == 200


def test_a_login_with_no_person_gets_no_visits_page(world):
    assert login(world.outsider).get(reverse("associations:visits")).status_code == 404


def test_only_the_writers_see_the_edit_buttons(world, visits):
    url = reverse("associations:visit", args=[visits["ours"].pk])
    assert 'data-testid="visit-actions"' in login(world.methodologist).get(url).content.decode()
    for role in ("head", "deputy", "teacher"):
        assert 'data-testid="visit-actions"' not in login(getattr(world, role)).get(url).content.decode(), role


# --- the filters -------------------------------------------------------------------------------


def _shown(client, **params) -> set[str]:
    content = client.get(reverse("associations:visits"), params).content.decode()
    return {key for key, title in TITLES.items() if title in content}


def test_the_list_filters_by_year_school_person_target_and_open_recommendations(world, visits):
    client = login(world.methodologist)
    last_year = f.AcademicYearFactory(start_year=world.year.start_year - 1)
    old = f.VisitFactory(school=world.school, visitor=world.methodologist.person, academic_year=last_year,
                         visited_on=datetime.date(last_year.start_year, 11, 11), event_title="Прошлогодний визит")
    content = client.get(reverse("associations:visits"), {"year": last_year.pk}).content.decode()
    assert old.event_title in content and TITLES["ours"] not in content

    assert _shown(client, school=world.other_school.pk) == {"theirs"}
    assert _shown(client, person=world.teacher_person.pk) == {"ours"}
    assert _shown(client, target=Visit.Target.ASSOCIATION) == {"work"}
    assert _shown(client, open="on") == {"ours"}
    visits["ours"].recommendations.update(done_on=_october(world, 20))
    assert _shown(client, open="on") == set()


def test_the_filter_offers_only_what_the_user_sees(world, visits):
    form = login(world.head).get(reverse("associations:visits")).context["filter"].form
    assert list(form.fields["school"].queryset) == [world.school]
    people = set(form.fields["person"].queryset)
    assert world.teacher_person in people and world.other_deputy.person not in people


def test_a_malformed_filter_is_no_500(world, visits):
    response = login(world.methodologist).get(reverse("associations:visits"), {"year": "x", "school": "999999"})
    assert response.status_code == 200


# --- query counts ---------------------------------------------------------------------------------


def _more_visits(world, n: int) -> None:
    for i in range(n):
        person = f.PersonFactory(school=world.school, last_name=f"Посещаемая{i}")
        visit = f.VisitFactory(school=world.school, visitor=world.methodologist.person, visited_person=person,
                               visited_on=_october(world, 1 + i))
        for position in range(1, 4):
            f.VisitRecommendationFactory(visit=visit, position=position, done_on=None if position % 2 else
                                         _october(world, 25))


def test_the_list_query_count_is_flat(world, visits, django_assert_num_queries):
    client = login(world.methodologist)
    client.get(reverse("associations:visits"))  # warm-up: the current academic year
    # 1 session, 2 user, 3 person (roles), 4 appointments (roles), 5 the filter's years,
    # 6 its schools, 7 its teachers, 8 the page's count, 9 the page of visits with their school,
    # visitor, teacher, year and recommendation counts
    with django_assert_num_queries(9):
        response = client.get(reverse("associations:visits"))
    assert response.status_code == 200
    few = count_queries(client, reverse("associations:visits"))
    _more_visits(world, 8)
    assert count_queries(client, reverse("associations:visits")) == few


def test_the_visit_page_query_count_is_flat(world, visits, django_assert_num_queries):
    small, large = visits["ours"], f.VisitFactory(school=world.school, visitor=world.methodologist.person,
                                                  visited_person=world.teacher_person)
    for position in range(1, 13):
        f.VisitRecommendationFactory(visit=large, position=position, done_on=_october(world, 20) if position % 2
                                     else None, marked_by=world.head if position % 2 else None)
    for role in ("methodologist", "head", "teacher"):
        client = login(getattr(world, role))
        client.get(reverse("associations:visit", args=[small.pk]))
        assert count_queries(client, reverse("associations:visit", args=[small.pk])) == count_queries(
            client, reverse("associations:visit", args=[large.pk])
        ), role
    client = login(world.head)
    # 1 session, 2 user, 3 person (roles), 4 appointments (roles), 5 the visit with its school,
    # district, visitor, teacher and year, 6 its recommendations with who marked them,
    # 7 the meeting visited (meetings' provider)
    with django_assert_num_queries(7):
        client.get(reverse("associations:visit", args=[large.pk]))
    client = login(world.methodologist)
    # the same, and 8 the meetings the writer may link the visit to
    with django_assert_num_queries(8):
        client.get(reverse("associations:visit", args=[large.pk]))
