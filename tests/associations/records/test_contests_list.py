"""The list of contest entries: each role sees the right rows (the teacher their own, the МО head
and the deputy their school's, the methodologist the district's) and none of the others'; the
filters (year by default the current one, school, person, contest, stage, result, status,
official organiser) with choices limited to what the user sees; the result with its place,
the team and the status; confirm buttons only where the user may confirm; the entries that count
in reports; a query count that does not grow with the rows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from associations.records.contests.selectors import contest_entries_counted
from associations.records.models import ContestEntry
from tests import factories as f
from tests.helpers import login

LIST = reverse("associations:contests")


def _october(world, day: int = 7) -> datetime.date:
    return datetime.date(world.year.start_year, 10, day)


@pytest.fixture
def entries(world):
    """One entry of each: the teacher's, the head's own, a colleague's (same school), another
    school's of the district, another district's."""
    colleague = f.PersonFactory(school=world.school, last_name="Коллегова")
    neighbour = f.PersonFactory(school=world.other_school, last_name="Соседова")
    far = f.PersonFactory(school=f.SchoolFactory(district=world.other_district), last_name="Дальняя")
    contest = f.ContestFactory(name="Самый классный классный")
    made = {
        name: f.ContestEntryFactory(person=person, contest=contest, held_on=_october(world, 1 + i))
        for i, (name, person) in enumerate([
            ("teacher", world.teacher_person), ("head", world.head_person), ("colleague", colleague),
            ("neighbour", neighbour), ("far", far),
        ])
    }
    return made


def _shown(client, **params) -> set[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    entries = response.context["page"].object_list
    return {entry.pk for entry in entries}


def test_each_role_sees_its_rows_and_no_others(world, entries):
    ids = {name: entry.pk for name, entry in entries.items()}
    school = {ids["teacher"], ids["head"], ids["colleague"]}
    expected = {
        world.teacher: {ids["teacher"]},
        world.head: school,
        world.deputy: school,
        world.methodologist: school | {ids["neighbour"]},
        world.other_deputy: {ids["neighbour"]},  # the deputy of the other school
        world.other_district_methodologist: {ids["far"]},
        world.admin: set(ids.values()),
    }
    for user, rows in expected.items():
        assert _shown(login(user)) == rows, user.username
    # The page itself: the rows' markers, and nothing of the hidden ones.
    text = login(world.teacher).get(LIST).content.decode()
    assert f'data-testid="contest-entry-{ids["teacher"]}"' in text
    assert "Коллегова" not in text and "Соседова" not in text


def test_a_login_with_no_person_gets_404(world):
    assert login(world.outsider).get(LIST).status_code == 404


def test_entries_of_another_district_are_404_to_every_action(world, entries):
    far = entries["far"]
    client = login(world.methodologist)
    assert client.get(reverse("associations:contest_entry_edit", args=[far.pk])).status_code == 404
    for name in ("contest_entry_confirm", "contest_entry_delete", "contest_entry_edit"):
        assert client.post(reverse(f"associations:{name}", args=[far.pk]), {}).status_code == 404, name
    far.refresh_from_db()
    assert far.status == ContestEntry.Status.ENTERED


def test_a_row_shows_the_result_with_its_place_the_team_and_the_status(world):
    f.ContestEntryFactory(
        person=world.teacher_person, contest=f.ContestFactory(name="Воспитать человека"), result="prize", place=2,
        team="Команда СОШ № 1", nomination="Классный час", status="confirmed",
    )
    text = login(world.teacher).get(LIST).content.decode()
    for expected in ("Воспитать человека", "призёр (2 место)", "команда: Команда СОШ № 1", "номинация «Классный час»",
                     "подтверждено", _october(world).strftime("%d.%m.%Y")):
        assert expected in text, expected


def test_confirm_buttons_only_where_the_user_may_confirm(world, entries):
    teacher, head = entries["teacher"], entries["head"]
    confirmed = f.ContestEntryFactory(person=entries["colleague"].person, status="confirmed", level="regional")

    def buttons(user) -> set[int]:
        text = login(user).get(LIST).content.decode()
        return {pk for pk in (teacher.pk, head.pk, confirmed.pk) if f'data-testid="confirm-{pk}"' in text}

    assert buttons(world.head) == {teacher.pk}  # never their own, never a confirmed one
    assert buttons(world.methodologist) == {teacher.pk, head.pk}
    assert buttons(world.teacher) == set()
    assert buttons(world.deputy) == set()  # reads, never confirms


def test_the_year_is_the_current_one_unless_asked(world):
    previous = f.AcademicYearFactory(start_year=world.year.start_year - 1)
    old = f.ContestEntryFactory(person=world.teacher_person, academic_year=previous)
    new = f.ContestEntryFactory(person=world.teacher_person)
    client = login(world.teacher)
    assert _shown(client) == {new.pk}
    assert _shown(client, year=previous.pk) == {old.pk}
    assert _shown(client, year="") == {old.pk, new.pk}  # «все годы»
    assert client.get(LIST, {"year": "not-a-year", "page": "x"}).status_code == 200  # never a 500


def test_the_filters(world, entries):
    client = login(world.methodologist)
    ids = {name: entry.pk for name, entry in entries.items()}
    unofficial = f.ContestFactory(name="Всероссийский онлайн-конкурс «Педагог года»", is_official=False)
    paid = f.ContestEntryFactory(
        person=entries["neighbour"].person, contest=unofficial, level="federal", result="winner", place=1,
        status="confirmed",
    )
    assert _shown(client, school=world.other_school.pk) == {ids["neighbour"], paid.pk}
    assert _shown(client, person=world.teacher_person.pk) == {ids["teacher"]}
    assert _shown(client, contest=unofficial.pk) == {paid.pk}
    assert _shown(client, level="federal") == {paid.pk}
    assert _shown(client, result="winner") == {paid.pk}
    assert _shown(client, status="confirmed") == {paid.pk}
    assert ids["teacher"] in _shown(client, status="entered") and paid.pk not in _shown(client, status="entered")
    assert _shown(client, official="no") == {paid.pk}
    assert paid.pk not in _shown(client, official="yes") and ids["teacher"] in _shown(client, official="yes")


def test_filter_choices_are_limited_to_what_the_user_sees(world, entries):
    def choices(user, name) -> set[str]:
        form = login(user).get(LIST).context["filter"].form
        return {str(label) for value, label in form.fields[name].choices if value}

    teacher_people = choices(world.teacher, "person")
    assert len(teacher_people) == 1 and world.teacher_person.short_name in next(iter(teacher_people))
    assert choices(world.head, "school") == {world.school.short_name}
    district_people = " ".join(choices(world.methodologist, "person"))
    assert "Соседова" in district_people and "Дальняя" not in district_people


def test_only_confirmed_entries_count(world):
    waiting = f.ContestEntryFactory(person=world.teacher_person)
    confirmed = f.ContestEntryFactory(person=world.teacher_person, level="regional", status="confirmed")
    assert list(contest_entries_counted(ContestEntry.objects.all())) == [confirmed]
    assert waiting not in contest_entries_counted(ContestEntry.objects.all())


def _district_entries(world, n: int) -> None:
    contest = f.ContestFactory(name="Учитель года")
    for i in range(n):
        school = f.SchoolFactory(district=world.district)
        person = f.PersonFactory(school=school)
        f.ContestEntryFactory(
            person=person, contest=f.ContestFactory(name=f"Конкурс методических разработок {i}") if i % 2 else contest,
            held_on=_october(world, 1 + i), result="prize", place=2, team=f"Команда {i}",
            status="confirmed" if i % 3 else "entered",
        )


# The queries of the list (a methodologist): 1 session, 2 user, 3 the person (roles), 4 the head
# appointments (roles), 5 the current academic year (the year filter's default), 6 that year
# validated by the filter's form, 7 the count of the filtered rows (the paginator), 8 the page's
# rows with their person, school and contest, then the filter's choices: 9 the years, 10 the
# schools, 11 the people, 12 the contests.
LIST_QUERIES = 12


@pytest.mark.parametrize("rows", [1, 8])
def test_the_list_does_not_grow_with_its_rows(world, rows, django_assert_num_queries):
    _district_entries(world, rows)
    client = login(world.methodologist)
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(LIST)
    assert len(response.context["page"].object_list) == rows


def test_the_teachers_list_has_the_same_count(world, django_assert_num_queries):
    for i in range(5):
        f.ContestEntryFactory(person=world.teacher_person, contest=f.ContestFactory(name=f"К{i}"), status="confirmed")
    client = login(world.teacher)
    with django_assert_num_queries(LIST_QUERIES):
        client.get(LIST)
