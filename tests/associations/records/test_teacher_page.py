"""The teacher's page: appointments, classes and every record concerning the teacher, with their
experience in years; shown to the teacher, their school МО's head, the deputy director and the
district's methodologist; a fixed number of queries whatever the number of records."""

from __future__ import annotations

import datetime

from django.urls import reverse

from tests import factories as f
from tests.helpers import count_queries, login


def _url(person) -> str:
    return reverse("associations:person", args=[person.pk])


def _records(world, person, n: int) -> None:
    year = world.year
    for i in range(n):
        day = datetime.date(year.start_year, 10, 1 + i)
        f.ContestEntryFactory(person=person, held_on=day, contest=f.ContestFactory(name=f"Конкурс {i}"))
        f.AttestationFactory(person=person, granted_on=day, category="szd")
        f.CourseFactory(person=person, ends_on=day, title=f"Курсы {i}")
        f.NominationFactory(person=person, nominated_on=day, association=world.mo)
        visit = f.VisitFactory(school=world.school, visited_person=person, visited_on=day,
                               visitor=world.methodologist.person)
        f.VisitRecommendationFactory(visit=visit, position=1)
        f.ConsultationFactory(association=world.mo, consultant=world.head_person, held_on=day, consulted=[person])


def test_the_page_gathers_every_record_and_the_experience_in_years(world, client_for):
    person = world.teacher_person
    person.experience_since = datetime.date(world.year.start_year - 12, 8, 15)
    person.save()
    f.ContestEntryFactory(person=person, contest=f.ContestFactory(name="Самый классный классный"),
                          result="prize", place=2)
    f.CourseFactory(person=person, title="Воспитательная работа классного руководителя")
    f.VisitFactory(school=world.school, visited_person=person, visitor=world.methodologist.person,
                   event_title="Классный час «Мы — россияне»")
    f.NominationFactory(person=person, reason="За победу в районном конкурсе")
    f.ConsultationFactory(association=world.mo, consultant=world.head_person, consulted=[person],
                          topic="Портфолио к аттестации")
    text = client_for(world.teacher).get(_url(person)).content.decode()
    for expected in (
        "стаж 12 лет", "6 «Б»", "Самый классный классный", "призёр (2 место)",
        "Воспитательная работа классного руководителя", "Классный час «Мы — россияне»",
        "За победу в районном конкурсе", "Портфолио к аттестации",
    ):
        assert expected in text, expected


def test_experience_uses_russian_plurals(world):
    from associations.records.selectors import experience_label

    person = world.teacher_person
    today = datetime.date(2026, 9, 1)
    for years, label in ((1, "стаж 1 год"), (3, "стаж 3 года"), (5, "стаж 5 лет"), (21, "стаж 21 год")):
        person.experience_since = datetime.date(2026 - years, 8, 1)
        assert experience_label(person, today) == label
    person.experience_since = None
    assert experience_label(person, today) == ""


def test_who_sees_the_page(world):
    colleague = f.PersonFactory(school=world.school, user=f.UserFactory(username="kollega"))
    page = _url(world.teacher_person)
    for user in (world.teacher, world.head, world.deputy, world.methodologist, world.admin):
        assert login(user).get(page).status_code == 200, user
    for user in (colleague.user, world.other_deputy, world.other_district_methodologist, world.outsider):
        assert login(user).get(page).status_code == 404, user
    # A teacher reaches their own page only.
    assert login(world.teacher).get(_url(world.head_person)).status_code == 404


def test_the_page_does_not_grow_with_the_records(world):
    client = login(world.methodologist)
    person = world.teacher_person
    _records(world, person, 1)
    one = count_queries(client, _url(person))
    _records(world, person, 4)
    assert count_queries(client, _url(person)) == one
