"""The visit's editor: the methodologist (and the administrators) enter a visit with its
recommendations as rows in one form; the rows are numbered 1..n; a second editor's save never
silently overwrites the first's; bad input comes back in Russian next to its field with what the
user typed; the school's readers get 403; the editor's query count does not grow with its rows."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from associations.records.models import RECOMMENDATION_MAX_LENGTH, Visit, VisitRecommendation
from associations.records.visits import services
from rmo_portal.editors import Row, VersionConflict
from tests import factories as f
from tests.helpers import count_queries, form_data, login, messages_of

CREATE = reverse("associations:visit_create")


def _day(world, month: int = 10, day: int = 7) -> datetime.date:
    year = world.year.start_year if month >= 9 else world.year.start_year + 1
    return datetime.date(year, month, day)


def _edit_url(visit) -> str:
    return reverse("associations:visit_edit", args=[visit.pk])


def _new_visit_body(world, **changes) -> dict:
    body = {
        "visited_on": _day(world).isoformat(), "school": world.school.pk, "target": Visit.Target.EVENT,
        "visitor": world.methodologist.person.pk, "visited_person": world.teacher_person.pk,
        "event_title": "Классный час «Россия — наш общий дом»", "purpose": "Изучение опыта классных часов",
        "findings": "Классный час проведён на высоком уровне.",
        "recs-TOTAL_FORMS": "2", "recs-INITIAL_FORMS": "0", "recs-MIN_NUM_FORMS": "0", "recs-MAX_NUM_FORMS": "20",
        "recs-0-position": "1", "recs-0-text": "Обобщить опыт на заседании МО",
        "recs-0-due_on": _day(world, 12, 20).isoformat(),
        "recs-1-position": "2", "recs-1-text": "", "recs-1-due_on": "",
    }
    body.update(changes)
    return body


@pytest.fixture
def visit(world):
    visit = f.VisitFactory(school=world.school, visitor=world.methodologist.person,
                           visited_person=world.teacher_person, visited_on=_day(world))
    for position, text in enumerate(("Первая рекомендация", "Вторая рекомендация", "Третья рекомендация"), 1):
        f.VisitRecommendationFactory(visit=visit, position=position, text=text)
    return visit


def _texts(visit) -> list[str]:
    return list(visit.recommendations.order_by("position").values_list("text", flat=True))


# --- creating ---------------------------------------------------------------------------------------


def test_the_methodologist_enters_a_visit_with_its_recommendations(world):
    client = login(world.methodologist)
    page = client.get(CREATE)
    assert page.status_code == 200
    assert form_data(page, "visit-editor")["visitor"] == str(world.methodologist.person.pk)  # herself by default
    response = client.post(CREATE, _new_visit_body(world))
    visit = Visit.objects.get()
    assert response.status_code == 302 and response.url == reverse("associations:visit", args=[visit.pk])
    assert visit.academic_year == world.year and visit.entered_by == world.methodologist
    assert visit.visited_person == world.teacher_person
    assert [(r.position, r.text, r.due_on) for r in visit.recommendations.all()] == [
        (1, "Обобщить опыт на заседании МО", _day(world, 12, 20))
    ]


@pytest.mark.parametrize("role", ["head", "deputy", "teacher"])
def test_the_school_reads_but_does_not_write_visits(world, visit, role):
    client = login(getattr(world, role))
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _new_visit_body(world)).status_code == 403
    assert client.get(_edit_url(visit)).status_code == 403
    assert client.post(_edit_url(visit), {"version": visit.version}).status_code == 403
    response = client.post(reverse("associations:visit_delete", args=[visit.pk]))
    assert response.status_code == 302 and Visit.objects.filter(pk=visit.pk).exists()
    assert Visit.objects.count() == 1


def test_another_districts_methodologist_cannot_enter_a_visit_to_our_school(world):
    client = login(world.other_district_methodologist)
    response = client.post(CREATE, _new_visit_body(world, visitor=world.other_district_methodologist.person.pk))
    assert response.status_code == 200 and not Visit.objects.exists()
    assert "Выберите школу из списка" in " ".join(response.context["form"].errors["school"])


def test_a_teacher_of_another_school_is_refused_next_to_the_field(world):
    other_teacher = f.PersonFactory(school=world.other_school, last_name="Соседова")
    response = login(world.methodologist).post(CREATE, _new_visit_body(world, visited_person=other_teacher.pk))
    assert response.status_code == 200 and not Visit.objects.exists()
    assert response.context["form"].errors["visited_person"] == ["Педагог работает в другой школе."]
    assert response.context["form"]["purpose"].value() == "Изучение опыта классных часов"  # nothing lost


def test_russian_errors_next_to_the_fields_and_nothing_lost(world):
    body = _new_visit_body(
        world, visited_on="", purpose="", target="", event_title="Т" * 301,
        **{"recs-0-text": "", "recs-0-due_on": _day(world, 9, 1).isoformat(),
           "recs-1-text": "Р" * (RECOMMENDATION_MAX_LENGTH + 1)},
    )
    response = login(world.methodologist).post(CREATE, body)
    assert response.status_code == 200 and not Visit.objects.exists()
    form, formset = response.context["form"], response.context["formset"]
    assert form.errors["visited_on"] == ["Укажите дату посещения."]
    assert form.errors["purpose"] == ["Укажите цель посещения."]
    assert form.errors["target"] == ["Выберите, что посещено."]
    assert "не более 300 символов" in form.errors["event_title"][0]
    assert formset.forms[0].errors["text"] == ["Напишите текст рекомендации."]
    assert "не более 500 символов" in formset.forms[1].errors["text"][0]
    content = response.content.decode()
    assert "Т" * 301 in content and "Р" * (RECOMMENDATION_MAX_LENGTH + 1) in content
    assert any("исправьте" in m for m in messages_of(response))


def test_a_due_date_before_the_visit_is_refused_on_its_row(world):
    body = _new_visit_body(world, **{"recs-0-due_on": _day(world, 10, 1).isoformat()})
    response = login(world.methodologist).post(CREATE, body)
    assert response.status_code == 200 and not Visit.objects.exists()
    assert response.context["formset"].forms[0].errors["due_on"] == [
        f"Срок не может быть раньше посещения ({_day(world):%d.%m.%Y})."
    ]


def test_a_date_outside_any_academic_year_is_refused_next_to_the_date(world):
    response = login(world.methodologist).post(CREATE, _new_visit_body(world, visited_on="1990-10-10"))
    assert response.status_code == 200 and not Visit.objects.exists()
    assert "1990/1991 учебный год не заведён" in response.context["form"].errors["visited_on"][0]


# --- editing ----------------------------------------------------------------------------------------


def test_the_editor_changes_deletes_adds_and_renumbers_rows(world, visit):
    client = login(world.methodologist)
    body = form_data(client.get(_edit_url(visit)), "visit-editor")
    rows = {body[f"recs-{i}-text"]: i for i in range(3)}
    first, second, third = rows["Первая рекомендация"], rows["Вторая рекомендация"], rows["Третья рекомендация"]
    body[f"recs-{first}-position"] = "4"  # the first goes after the third
    body[f"recs-{second}-DELETE"] = "on"
    body[f"recs-{third}-text"] = "Третья, уточнённая"
    body["recs-3-text"] = "Новая без номера"
    body["recs-3-position"] = ""
    body["recs-4-text"] = "Новая с номером 1"
    body["recs-4-position"] = "1"
    response = client.post(_edit_url(visit), body)
    assert response.status_code == 302, messages_of(response)
    assert _texts(visit) == ["Новая с номером 1", "Третья, уточнённая", "Первая рекомендация", "Новая без номера"]
    assert list(visit.recommendations.order_by("position").values_list("position", flat=True)) == [1, 2, 3, 4]
    visit.refresh_from_db()
    assert visit.version == 2


def test_swapping_two_numbers_saves(world, visit):
    client = login(world.methodologist)
    body = form_data(client.get(_edit_url(visit)), "visit-editor")
    body["recs-0-position"], body["recs-1-position"] = "2", "1"
    assert client.post(_edit_url(visit), body).status_code == 302
    assert _texts(visit) == ["Вторая рекомендация", "Первая рекомендация", "Третья рекомендация"]


def test_a_school_mark_survives_the_editor(world, visit):
    client = login(world.methodologist)
    body = form_data(client.get(_edit_url(visit)), "visit-editor")
    visit.recommendations.filter(position=1).update(done_on=_day(world, 10, 20), done_note="Проведено")
    body["recs-0-text"] = "Первая, уточнённая"
    assert client.post(_edit_url(visit), body).status_code == 302
    first = visit.recommendations.get(position=1)
    assert (first.text, first.done_on, first.done_note) == ("Первая, уточнённая", _day(world, 10, 20), "Проведено")


def test_a_second_editor_does_not_silently_overwrite_the_first(world, visit):
    first, second = login(world.methodologist), login(world.admin)
    body_first = form_data(first.get(_edit_url(visit)), "visit-editor")
    body_second = form_data(second.get(_edit_url(visit)), "visit-editor")
    body_first["purpose"] = "Цель первого"
    assert first.post(_edit_url(visit), body_first).status_code == 302

    body_second["purpose"] = "Цель второго"
    body_second["recs-0-text"] = "Рекомендация второго"
    response = second.post(_edit_url(visit), body_second)
    assert response.status_code == 200
    assert 'data-testid="conflict"' in response.content.decode()
    assert any("уже изменил другой пользователь" in m for m in messages_of(response))
    visit.refresh_from_db()
    assert visit.purpose == "Цель первого" and _texts(visit)[0] == "Первая рекомендация"
    assert response.context["form"]["purpose"].value() == "Цель второго"  # the user's input is kept
    again = form_data(response, "visit-editor")
    assert again["version"] == str(visit.version)
    assert second.post(_edit_url(visit), again).status_code == 302  # the second save overwrites on purpose
    visit.refresh_from_db()
    assert visit.purpose == "Цель второго" and _texts(visit)[0] == "Рекомендация второго"


def test_a_row_of_another_visit_is_refused(world, visit):
    other = f.VisitFactory(school=world.school, visitor=world.methodologist.person)
    alien = f.VisitRecommendationFactory(visit=other, position=1, text="Чужая")
    client = login(world.methodologist)
    body = form_data(client.get(_edit_url(visit)), "visit-editor")
    body["recs-0-id"] = str(alien.pk)
    body["recs-0-text"] = "Подмена"
    response = client.post(_edit_url(visit), body)
    assert response.status_code == 200
    alien.refresh_from_db()
    assert alien.text == "Чужая" and alien.visit == other


def test_the_service_refuses_a_user_who_does_not_write_visits(world):
    with pytest.raises(PermissionDenied):
        services.visit_create(
            values={"visited_on": _day(world), "school": world.school, "target": Visit.Target.MEETING,
                    "visitor": world.head_person, "purpose": "Проверка"},
            user=world.head,
        )


def test_the_service_checks_the_version(world, visit):
    with pytest.raises(VersionConflict):
        services.visit_update(visit=visit, values={"purpose": "Новая цель"}, version=visit.version - 1 or 99,
                              user=world.methodologist)
    with pytest.raises(ValidationError):
        services.visit_update(
            visit=visit, values={}, version=visit.version, user=world.methodologist,
            recommendations=[Row(pk=None, values={"text": "Рано", "due_on": _day(world, 9, 2)})],
        )
    assert not VisitRecommendation.objects.filter(text="Рано").exists()


def test_the_methodologist_deletes_a_visit(world, visit):
    response = login(world.methodologist).post(reverse("associations:visit_delete", args=[visit.pk]))
    assert response.status_code == 302 and response.url == reverse("associations:visits")
    assert not Visit.objects.filter(pk=visit.pk).exists()
    assert not VisitRecommendation.objects.filter(visit_id=visit.pk).exists()


def test_the_editor_query_count_does_not_grow_with_rows(world, visit):
    large = f.VisitFactory(school=world.school, visitor=world.methodologist.person)
    for position in range(1, 16):
        f.VisitRecommendationFactory(visit=large, position=position)
    client = login(world.methodologist)
    client.get(_edit_url(visit))
    assert count_queries(client, _edit_url(visit)) == count_queries(client, _edit_url(large))
    assert count_queries(client, CREATE) <= count_queries(client, _edit_url(large))
