"""The search of a record form's people that belong to no one association
(associations:record_people_search): a consultation's consultant and the people consulted (the
districts of the user's logs), a contest entry's participant and team (`access.record_people`).
It offers exactly the form's people, by part of a name, any case, ё as е, at most 20; over
SEARCH_FROM people the form's picker asks it and the page holds only the chosen names."""

from __future__ import annotations

import pytest
from django.urls import reverse

from associations.models import Person
from associations.records.consultations import selectors as consultation_selectors
from associations.records.consultations.forms import ConsultationChoices, ConsultationForm
from associations.records.contests import selectors as contest_selectors
from associations.records.contests.forms import ContestEntryForm
from associations.records.models import Contest
from rmo_portal.pickers import SEARCH_FROM, record_people_search_url
from tests import factories as f
from tests.helpers import login

pytestmark = pytest.mark.django_db


def search(client, people_for: str, q: str):
    return client.get(reverse("associations:record_people_search", args=[people_for]), {"q": q})


def names(response) -> list[str]:
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_anonymous_goes_to_the_login_page(client):
    for people_for in ("consultation", "contest", "team"):
        response = search(client, people_for, "сем")
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_unknown_set_is_not_found(world):
    assert search(login(world.methodologist), "everyone", "сем").status_code == 404


def test_consultation_people_are_the_districts_of_the_users_logs(world):
    semyonova = f.PersonFactory(school=world.other_school, last_name="Семёнова", first_name="Ольга")
    far = f.PersonFactory(school=world.other_district_mo.school, last_name="Семенова", first_name="Вера")
    methodologist = login(world.methodologist)
    for typed in ("семен", "СЕМЁН", "Семёнова ольга", "ольга сем"):
        assert names(search(methodologist, "consultation", typed)) == [semyonova.short_name], typed
    assert names(search(methodologist, "consultation", "нет-такой")) == []
    assert names(search(methodologist, "consultation", "  ")) == []
    # Exactly whom the form validates against, nobody else.
    allowed = {p.pk for p in consultation_selectors.consultation_people(user=world.methodologist)}
    found = search(methodologist, "consultation", "а").json()["results"]
    assert found and {int(row["value"]) for row in found} <= allowed
    # The other district's methodologist finds hers, never ours.
    assert names(search(login(world.other_district_methodologist), "consultation", "семен")) == [far.short_name]


def test_consultation_search_refuses_who_writes_no_log(world):
    assert search(login(world.teacher), "consultation", "сем").status_code in (403, 404)
    assert search(login(world.outsider), "consultation", "сем").status_code == 404


def test_contest_people_are_the_record_people(world):
    ours = f.PersonFactory(school=world.school, last_name="Семёнова", first_name="Ольга")
    neighbour = f.PersonFactory(school=world.other_school, last_name="Семенова", first_name="Ирина")
    f.PersonFactory(school=world.other_district_mo.school, last_name="Семенова", first_name="Вера")  # another district
    # The МО head enters her school's; the methodologist the district's.
    assert names(search(login(world.head), "contest", "семен")) == [ours.short_name]
    assert sorted(names(search(login(world.methodologist), "contest", "семен"))) == sorted(
        [ours.short_name, neighbour.short_name]
    )
    # A teacher has no participant picker (she enters her own) but names her school's team.
    teacher = login(world.teacher)
    assert search(teacher, "contest", "семен").status_code == 403
    assert names(search(teacher, "team", "семен")) == [ours.short_name]
    assert search(login(world.outsider), "team", "семен").status_code == 404


def test_at_most_twenty_and_the_query_count_does_not_grow(world, django_assert_num_queries):
    for _ in range(25):
        f.PersonFactory(school=world.other_school)  # Иванова<n> Мария Петровна
    methodologist = login(world.methodologist)
    methodologist.get(reverse("home"))
    for people_for in ("consultation", "contest"):
        with _counted() as first:
            assert len(names(search(methodologist, people_for, "иванова"))) == 20
        for _ in range(25):
            f.PersonFactory(school=world.other_school)
        with django_assert_num_queries(len(first.captured_queries)):
            assert len(names(search(methodologist, people_for, "иванова"))) == 20


def _counted():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    return CaptureQueriesContext(connection)


# --- the forms ---------------------------------------------------------------------------------


def _options(html: str) -> int:
    return html.count("<option")


def test_a_long_consultation_list_is_searched_a_short_one_inline(world):
    url = record_people_search_url("consultation")
    form = ConsultationForm(choices=ConsultationChoices.for_user(world.methodologist))
    html = str(form["consulted"])
    assert "data-picker-url" not in html
    assert _options(html) == len(form.choices.people)
    for _ in range(SEARCH_FROM):
        f.PersonFactory(school=world.other_school)
    chosen = world.teacher_person
    form = ConsultationForm(choices=ConsultationChoices.for_user(world.methodologist),
                            initial={"consulted": [chosen.pk], "consultant": chosen.pk})
    assert len(form.choices.people) > SEARCH_FROM
    for name in ("consulted", "consultant"):
        html = str(form[name])
        assert f'data-picker-url="{url}"' in html
        assert chosen.short_name in html
        assert _options(html) <= 2, name  # the chosen one (and the consultant's «—»)


def test_the_consultation_form_validates_as_before(world):
    for _ in range(SEARCH_FROM):
        f.PersonFactory(school=world.other_school)
    far = f.PersonFactory(school=world.other_district_mo.school)
    choices = ConsultationChoices.for_user(world.methodologist)
    data = {"association": world.rmo.pk, "kind": "individual", "topic": "Портфолио", "consultant":
            world.methodologist.person.pk, "consulted": [world.teacher_person.pk], "held_on": "2026-10-15",
            "form": "in_person", "duration_minutes": "30"}
    assert ConsultationForm(data, choices=choices).is_valid()
    form = ConsultationForm({**data, "consulted": [far.pk]}, choices=choices)
    assert not form.is_valid() and "consulted" in form.errors


def test_a_long_contest_list_is_searched_a_short_one_inline(world):
    contests = Contest.objects.all()
    form = ContestEntryForm(contests=contests, people=contest_selectors.entry_people(user=world.methodologist),
                            team_people=contest_selectors.team_people(user=world.methodologist))
    assert "data-picker-url" not in str(form["person"]) + str(form["team_members"])
    for _ in range(SEARCH_FROM):
        f.PersonFactory(school=world.other_school)
    form = ContestEntryForm(contests=contests, people=contest_selectors.entry_people(user=world.methodologist),
                            team_people=contest_selectors.team_people(user=world.methodologist),
                            initial={"person": world.teacher_person.pk})
    person, team = str(form["person"]), str(form["team_members"])
    assert f'data-picker-url="{record_people_search_url("contest")}"' in person
    assert f'data-picker-url="{record_people_search_url("team")}"' in team
    assert _options(person) == 2 and world.teacher_person.short_name in person
    assert _options(team) == 0
    far = f.PersonFactory(school=world.other_district_mo.school)
    data = {"person": far.pk, "contest": f.ContestFactory().pk,
            "level": "regional", "held_on": "2026-10-15", "result": "participant"}
    form = ContestEntryForm(data, contests=contests, people=contest_selectors.entry_people(user=world.methodologist))
    assert not form.is_valid() and "person" in form.errors


# --- the bank card's authors (meetings:material_authors_search) --------------------------------


def authors(client, q: str, **params):
    return client.get(reverse("meetings:material_authors_search"), {"q": q, **params})


def test_a_cards_authors_are_its_schools_people(world):
    ours = f.PersonFactory(school=world.school, last_name="Семёнова", first_name="Ольга")
    f.PersonFactory(school=world.other_school, last_name="Семенова", first_name="Ирина")  # another school
    f.PersonFactory(school=world.other_district_mo.school, last_name="Семенова", first_name="Вера")
    teacher = login(world.teacher)
    assert names(authors(teacher, "СЕМЁН")) == [ours.short_name]  # a new card: her school's
    card = f.MaterialFactory(owner=world.teacher_person)
    assert names(authors(teacher, "семен", card=card.pk)) == [ours.short_name]
    assert authors(teacher, "семен", card="x").status_code == 404
    assert authors(login(world.other_district_methodologist), "семен", card=card.pk).status_code == 404
    assert authors(login(world.outsider), "семен").status_code == 404  # sees no card


def test_a_long_authors_list_is_searched_a_short_one_inline(world):
    from meetings.bank.forms import MaterialForm
    from meetings.bank.selectors import MaterialChoices

    card = f.MaterialFactory(owner=world.teacher_person)
    card.authors.add(world.teacher_person)

    def field():
        choices = MaterialChoices.for_card(user=world.teacher, material=card)
        return str(MaterialForm(choices=choices, material=card, is_owner=True)["authors"])

    html = field()
    assert "data-picker-url" not in html
    assert _options(html) == Person.objects.filter(school=world.school).count()
    for _ in range(SEARCH_FROM):
        f.PersonFactory(school=world.school)
    html = field()
    assert f'data-picker-url="{reverse("meetings:material_authors_search")}?card={card.pk}"' in html
    assert _options(html) == 1 and world.teacher_person.short_name in html


def test_the_authors_search_query_count_does_not_grow(world, django_assert_num_queries):
    for _ in range(25):
        f.PersonFactory(school=world.school)
    teacher = login(world.teacher)
    teacher.get(reverse("home"))
    with _counted() as first:
        assert len(names(authors(teacher, "иванова"))) == 20
    for _ in range(25):
        f.PersonFactory(school=world.school)
    with django_assert_num_queries(len(first.captured_queries)):
        assert len(names(authors(teacher, "иванова"))) == 20
