"""The school's follow-up of a visit's recommendations: its МО head and deputy director (and the
visit's writers) mark one carried out, with a date and a note, and may take the mark back; the
visited teacher reads but does not mark; another school gets 404. Open recommendations are on the
home page of the school's МО head and deputy director, the overdue ones highlighted, until
marked; the home page's query count does not grow with them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from associations.records.visits import selectors
from tests import factories as f
from tests.helpers import login, messages_of

HOME = reverse("home")


@pytest.fixture
def visit(world):
    return f.VisitFactory(school=world.school, visitor=world.methodologist.person,
                          visited_person=world.teacher_person, visited_on=datetime.date(world.year.start_year, 10, 7))


@pytest.fixture
def recommendation(visit):
    return f.VisitRecommendationFactory(visit=visit, position=1, text="Провести открытый классный час",
                                        due_on=timezone.localdate() + datetime.timedelta(days=10))


def _mark_url(recommendation) -> str:
    return reverse("associations:recommendation_mark", args=[recommendation.pk])


def _mark(client, recommendation, *, done_on: datetime.date | str, note: str = "Проведено 20.10"):
    prefix = f"mark-{recommendation.pk}"
    value = done_on.isoformat() if isinstance(done_on, datetime.date) else done_on
    return client.post(_mark_url(recommendation), {f"{prefix}-done_on": value, f"{prefix}-done_note": note})


def _done_day(recommendation) -> datetime.date:
    return min(recommendation.visit.visited_on + datetime.timedelta(days=10), timezone.localdate())


@pytest.mark.parametrize("role", ["head", "deputy", "methodologist", "admin"])
def test_the_school_marks_a_recommendation_carried_out(world, recommendation, role):
    user = getattr(world, role)
    day = _done_day(recommendation)
    response = _mark(login(user), recommendation, done_on=day)
    assert response.status_code == 302
    assert response.url.endswith(f"#recommendation-{recommendation.pk}")
    recommendation.refresh_from_db()
    assert (recommendation.done_on, recommendation.done_note) == (day, "Проведено 20.10")
    assert recommendation.marked_by == user


def test_the_mark_shows_on_the_visit_page(world, recommendation):
    client = login(world.head)
    _mark(client, recommendation, done_on=_done_day(recommendation))
    content = client.get(reverse("associations:visit", args=[recommendation.visit_id])).content.decode()
    assert f"выполнено {_done_day(recommendation):%d.%m.%Y}" in content and "Проведено 20.10" in content
    assert "Волкова А." in content  # who marked it


def test_the_visited_teacher_reads_but_does_not_mark(world, recommendation):
    client = login(world.teacher)
    response = _mark(client, recommendation, done_on=_done_day(recommendation))
    assert response.status_code == 302
    assert "Это действие вам недоступно." in messages_of(client.get(response.url))
    recommendation.refresh_from_db()
    assert recommendation.done_on is None


@pytest.mark.parametrize("role", ["other_deputy", "other_district_methodologist", "outsider"])
def test_another_school_cannot_mark(world, recommendation, role):
    assert _mark(login(getattr(world, role)), recommendation, done_on=_done_day(recommendation)).status_code == 404
    recommendation.refresh_from_db()
    assert recommendation.done_on is None


def test_the_head_of_another_schools_mo_cannot_mark(world, recommendation):
    other_head = f.UserFactory(username="other_head")
    person = f.PersonFactory(user=other_head, school=world.other_school, last_name="Другова")
    f.AppointmentFactory(association=world.other_mo, person=person)
    assert _mark(login(other_head), recommendation, done_on=_done_day(recommendation)).status_code == 404
    recommendation.refresh_from_db()
    assert recommendation.done_on is None


def test_bad_dates_come_back_in_russian_next_to_the_field(world, recommendation):
    client = login(world.head)
    visit = recommendation.visit
    cases = {
        visit.visited_on - datetime.timedelta(days=1): (
            f"Рекомендацию нельзя выполнить раньше посещения ({visit.visited_on:%d.%m.%Y})."
        ),
        timezone.localdate() + datetime.timedelta(days=3): "Дата выполнения не может быть позже сегодняшнего дня.",
        "": "Укажите дату выполнения.",
        "31.02.2026": "Введите дату: 15.10.2025.",
    }
    for done_on, message in cases.items():
        response = _mark(client, recommendation, done_on=done_on, note="Мой текст")
        assert response.status_code == 200, done_on
        form = next(r.mark_form for r in response.context["detail"].recommendations if r.pk == recommendation.pk)
        assert form.errors["done_on"] == [message]
        assert "Мой текст" in response.content.decode()  # nothing typed is lost
    long = _mark(client, recommendation, done_on=_done_day(recommendation), note="Н" * 501)
    assert long.status_code == 200 and "не более 500 символов" in long.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.done_on is None


def test_unmarking_opens_the_recommendation_again(world, recommendation):
    client = login(world.deputy)
    _mark(client, recommendation, done_on=_done_day(recommendation))
    response = client.post(_mark_url(recommendation), {"unmark": "1"})
    assert response.status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.done_on is None and recommendation.done_note == ""
    again = client.post(_mark_url(recommendation), {"unmark": "1"})
    assert again.status_code == 302
    assert "Рекомендация и так не отмечена выполненной." in messages_of(client.get(again.url))


def test_the_teacher_cannot_unmark(world, recommendation):
    _mark(login(world.head), recommendation, done_on=_done_day(recommendation))
    login(world.teacher).post(_mark_url(recommendation), {"unmark": "1"})
    recommendation.refresh_from_db()
    assert recommendation.done_on is not None


# --- the home page --------------------------------------------------------------------------------


def test_open_recommendations_are_on_the_heads_and_deputys_home_page_until_marked(world, recommendation):
    overdue = f.VisitRecommendationFactory(visit=recommendation.visit, position=2, text="Оформить стенд",
                                           due_on=timezone.localdate() - datetime.timedelta(days=2))
    elsewhere = f.VisitFactory(school=world.other_school, visitor=world.methodologist.person)
    f.VisitRecommendationFactory(visit=elsewhere, position=1, text="Рекомендация соседям")
    for role in ("head", "deputy"):
        content = login(getattr(world, role)).get(HOME).content.decode()
        assert 'data-testid="open-recommendations"' in content, role
        assert "Провести открытый классный час" in content and "Оформить стенд" in content
        assert "Рекомендация соседям" not in content
        assert f"срок {overdue.due_on:%d.%m.%Y}" in content
        assert content.count("recommendation-overdue") == 1  # the overdue one is highlighted
        assert content.index("Оформить стенд") < content.index("Провести открытый классный час")  # soonest first

    _mark(login(world.head), recommendation, done_on=_done_day(recommendation))
    content = login(world.deputy).get(HOME).content.decode()
    assert "Провести открытый классный час" not in content and "Оформить стенд" in content
    _mark(login(world.deputy), overdue, done_on=_done_day(recommendation))
    content = login(world.head).get(HOME).content.decode()
    assert "data-recommendation=" not in content and "Невыполненных рекомендаций нет" in content  # the empty state


@pytest.mark.parametrize("role", ["teacher", "methodologist", "other_deputy"])
def test_others_home_pages_do_not_list_them(world, recommendation, role):
    assert "Провести открытый классный час" not in login(getattr(world, role)).get(HOME).content.decode()


def test_the_home_page_does_not_grow_with_open_recommendations(world, recommendation):
    client = login(world.head)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(HOME).status_code == 200
        return len(ctx.captured_queries)

    client.get(HOME)
    few = queries()
    for i in range(2, 9):
        visit = f.VisitFactory(school=world.school, visitor=world.methodologist.person)
        f.VisitRecommendationFactory(visit=visit, position=1, text=f"Рекомендация {i}")
    assert queries() == few


def test_the_home_list_is_bounded(world, visit):
    for i in range(selectors.HOME_RECOMMENDATIONS + 3):
        f.VisitRecommendationFactory(visit=visit, position=i + 1, text=f"Рекомендация № {i}")
    found = selectors.open_recommendations(user=world.head)
    assert len(found.rows) == selectors.HOME_RECOMMENDATIONS and found.total == selectors.HOME_RECOMMENDATIONS + 3
