"""The pickers' search of people (associations:people_search): whom a user may pick in an
association's forms, by part of a name, any case, ё as е, at most 20, never anyone of another
school or district."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f
from tests.helpers import login

pytestmark = pytest.mark.django_db


def search(client, association, q: str, **params):
    return client.get(reverse("associations:people_search", args=[association.pk]), {"q": q, **params})


def names(response) -> list[str]:
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_anonymous_goes_to_the_login_page(world, client):
    response = search(client, world.mo, "вол")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_part_of_a_surname_any_case_yo_as_ye(world):
    semyonova = f.PersonFactory(school=world.school, last_name="Семёнова", first_name="Ольга")
    f.PersonFactory(school=world.other_school, last_name="Семенова", first_name="Ирина")  # another school
    far = f.SchoolFactory(district=world.other_district)
    f.PersonFactory(school=far, last_name="Семёнова", first_name="Вера")  # another district
    head = login(world.head)
    for typed in ("семен", "СЕМЁН", "Семёнова ольга", "ольга сем"):
        assert names(search(head, world.mo, typed)) == [semyonova.short_name], typed
    assert names(search(head, world.mo, "волк")) == [world.head_person.short_name]
    assert names(search(head, world.mo, "нет-такой")) == []
    assert names(search(head, world.mo, "  ")) == []


def test_at_most_twenty_and_the_query_count_does_not_grow(world, django_assert_num_queries):
    for _ in range(25):
        f.PersonFactory(school=world.school)  # Иванова<n> Мария Петровна
    head = login(world.head)
    head.get(reverse("home"))  # the session and the year read once before counting
    # The session and the user, the roles the access rules read (the person, their
    # appointments), the association, the year asked for, and the people in one query:
    # seven, however many people there are.
    with django_assert_num_queries(7) as first:
        found = names(search(head, world.mo, "иванова"))
    assert len(found) == 20
    for _ in range(25):
        f.PersonFactory(school=world.school)
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(names(search(head, world.mo, "иванова"))) == 20


def test_secretary_searches_records_but_not_the_members_to_add(world):
    secretary = f.UserFactory(username="secretary")
    f.AppointmentFactory(
        association=world.mo, role="secretary", person=f.PersonFactory(user=secretary, school=world.school),
    )
    client = login(secretary)
    assert names(search(client, world.mo, "соколова")) == [world.teacher_person.short_name]
    assert search(client, world.mo, "соколова", **{"for": "members"}).status_code == 403


def test_members_to_add_are_those_not_members_yet(world):
    newcomer = f.PersonFactory(school=world.school, last_name="Соколовская")
    head = login(world.head)
    # Соколова is a member already; Соколовская is not.
    found = names(search(head, world.mo, "соколов", **{"for": "members", "year": world.year.pk}))
    assert found == [newcomer.short_name]
    assert names(search(head, world.mo, "соколов")) == [world.teacher_person.short_name, newcomer.short_name]


def test_outsiders_and_readers_get_nothing(world):
    # Another district's methodologist: not even the association (404); the school's teacher
    # and deputy read it but keep none of its records (403); a school МО's head, the РМО.
    assert search(login(world.other_district_methodologist), world.mo, "вол").status_code == 404
    assert search(login(world.outsider), world.mo, "вол").status_code == 404
    assert search(login(world.teacher), world.mo, "вол").status_code == 403
    assert search(login(world.deputy), world.mo, "вол").status_code == 403
    assert search(login(world.head), world.rmo, "вол").status_code == 403
    assert search(login(world.methodologist), world.other_district_rmo, "зай").status_code == 404


def test_the_district_rmo_searches_its_district_grouped_by_school(world):
    far = f.SchoolFactory(district=world.other_district)
    f.PersonFactory(school=far, last_name="Волкова", first_name="Вера")
    methodologist = login(world.methodologist)
    # The РМО's members of the year, the district's heads and secretaries, the methodical
    # office; with ?people=district its whole district, never another.
    assert names(search(methodologist, world.rmo, "волк")) == [world.head_person.short_name]
    assert names(search(methodologist, world.rmo, "сокол")) == []
    response = search(methodologist, world.rmo, "сокол", people="district")
    assert response.json()["results"] == [
        {"value": str(world.teacher_person.pk), "text": world.teacher_person.short_name, "group": "МБОУ «СОШ № 1»"},
    ]
    assert names(search(methodologist, world.rmo, "кузн")) == ["Кузнецова Т.А."]  # the methodical office
