"""The consultation logs through their pages: who reads which log, the filters and totals, the
form (the log among those the user writes, the consultant by default, the kind's number of
people, the duration, Russian messages next to the fields, nothing typed lost), concurrent
edits, deletion, and query counts that do not grow with the rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations.models import Consultation, Person
from tests import factories as f
from tests.helpers import form_data, get_counting_queries, login, messages_of

LIST = reverse("associations:consultations")
CREATE = reverse("associations:consultation_create")


def edit_url(consultation) -> str:
    return reverse("associations:consultation_edit", args=[consultation.pk])


def delete_url(consultation) -> str:
    return reverse("associations:consultation_delete", args=[consultation.pk])


def october(world, day: int = 7) -> datetime.date:
    return datetime.date(world.year.start_year, 10, day)


def shown(response) -> set[int]:
    return {c.pk for c in response.context["page"]}


@pytest.fixture
def logs(world):
    """A consultation in each log: the school МО's (the head consulted the teacher), the other
    school's, the РМО's (the methodologist consulted two heads), the other district's."""
    other_teacher = f.PersonFactory(school=world.other_school, last_name="Орлова")
    mo = f.ConsultationFactory(
        association=world.mo, consultant=world.head_person, consulted=[world.teacher_person],
        held_on=october(world, 7), topic="Портфолио класса", duration_minutes=30,
    )
    other_mo = f.ConsultationFactory(
        association=world.other_mo, consultant=other_teacher, consulted=[f.PersonFactory(school=world.other_school)],
        held_on=october(world, 8), duration_minutes=45,
    )
    rmo = f.ConsultationFactory(
        association=world.rmo, kind=Consultation.Kind.GROUP, consultant=world.methodologist.person,
        consulted=[world.head_person, other_teacher], held_on=october(world, 9), form=Consultation.Form.REMOTE,
        duration_minutes=90, topic="Анализ воспитательной работы",
    )
    far = f.ConsultationFactory(
        association=world.other_district_mo, consultant=f.PersonFactory(school=world.other_district_mo.school),
        consulted=[f.PersonFactory(school=world.other_district_mo.school)], held_on=october(world, 10),
    )
    return {"mo": mo, "other_mo": other_mo, "rmo": rmo, "far": far}


def body(world, **changes) -> dict:
    data = {
        "association": world.mo.pk, "kind": "individual", "topic": "Подготовка к родительскому собранию",
        "consultant": world.head_person.pk, "consulted": [world.teacher_person.pk],
        "held_on": october(world).isoformat(), "form": "in_person", "duration_minutes": "30",
    }
    data.update(changes)
    return data


# --- who reads which log ------------------------------------------------------------------------


def test_each_role_reads_the_logs_it_writes_or_oversees(world, logs):
    assert shown(login(world.head).get(LIST)) == {logs["mo"].pk}
    assert shown(login(world.deputy).get(LIST)) == {logs["mo"].pk}
    assert shown(login(world.other_deputy).get(LIST)) == {logs["other_mo"].pk}
    assert shown(login(world.methodologist).get(LIST)) == {logs["mo"].pk, logs["other_mo"].pk, logs["rmo"].pk}
    assert shown(login(world.other_district_methodologist).get(LIST)) == {logs["far"].pk}
    assert shown(login(world.admin).get(LIST)) == {c.pk for c in logs.values()}
    # The teacher consulted reads it on their page, not in the log (the log is its writers').
    assert shown(login(world.teacher).get(LIST)) == set()
    assert login(world.outsider).get(LIST).status_code == 404


def test_the_consultant_reads_their_own_consultation_in_the_log(world, logs):
    own = f.ConsultationFactory(
        association=world.mo, consultant=world.teacher_person, consulted=[world.head_person], held_on=october(world, 12)
    )
    response = login(world.teacher).get(LIST)
    assert shown(response) == {own.pk}
    assert "Изменить" not in response.content.decode()  # reads it: the МО's head writes the log
    assert login(world.teacher).get(edit_url(own)).status_code == 403


def test_the_log_filter_offers_only_what_the_user_sees(world, logs):
    form = login(world.deputy).get(LIST).context["filter"].form
    assert {a.pk for a in form.fields["association"].queryset} == {world.mo.pk}
    assert {p.pk for p in form.fields["person"].queryset} == {world.teacher_person.pk}
    form = login(world.methodologist).get(LIST).context["filter"].form
    assert world.other_district_mo.pk not in {a.pk for a in form.fields["association"].queryset}
    assert {world.rmo.pk, world.mo.pk, world.other_mo.pk} <= {a.pk for a in form.fields["association"].queryset}


def test_filters_and_totals(world, logs):
    client = login(world.methodologist)
    response = client.get(LIST)
    assert response.context["log"].count == 3
    totals = response.content.decode()
    # 30 + 45 + 90 = 165 minutes (the plural's three Russian forms come with the catalogue)
    assert "3 консультаци" in totals and "2,8 ч" in totals
    assert shown(client.get(LIST, {"kind": "group"})) == {logs["rmo"].pk}
    assert shown(client.get(LIST, {"mode": "remote"})) == {logs["rmo"].pk}
    assert shown(client.get(LIST, {"association": world.mo.pk})) == {logs["mo"].pk}
    assert shown(client.get(LIST, {"person": world.head_person.pk})) == {logs["rmo"].pk}
    response = client.get(LIST, {"kind": "individual"})
    assert response.context["log"].count == 2 and response.context["log"].minutes == 75
    assert "1,3 ч" in response.content.decode()


def test_the_year_filter_shows_the_current_year_unless_asked(world, logs):
    last_year = f.AcademicYearFactory(start_year=world.year.start_year - 1)
    old = f.ConsultationFactory(
        association=world.mo, consultant=world.head_person, consulted=[world.teacher_person],
        academic_year=last_year, held_on=datetime.date(last_year.start_year, 11, 3),
    )
    client = login(world.head)
    assert shown(client.get(LIST)) == {logs["mo"].pk}
    assert shown(client.get(LIST, {"year": last_year.pk})) == {old.pk}
    assert shown(client.get(LIST, {"year": ""})) == {logs["mo"].pk, old.pk}


def test_a_foreign_filter_value_is_an_error_not_a_leak(world, logs):
    response = login(world.deputy).get(LIST, {"association": world.other_district_mo.pk})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["association"]


# --- the form ---------------------------------------------------------------------------------


def test_the_new_consultation_defaults_to_the_user_and_their_log(world):
    response = login(world.head).get(CREATE)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["consultant"].value() == str(world.head_person.pk)
    assert form["association"].value() == str(world.mo.pk)  # the one log the head writes
    assert set(form.choices.logs) == {world.mo.pk}
    # The district's people, the other school's included; not the other district's.
    assert set(form.choices.people) == set(Person.objects.filter(district=world.district).values_list("pk", flat=True))


def test_the_head_enters_an_individual_consultation(world):
    client = login(world.head)
    response = client.post(CREATE, body(world))
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.association == world.mo
    assert list(consultation.consulted.all()) == [world.teacher_person]
    assert consultation.academic_year == world.year
    assert consultation.entered_by == world.head
    assert "Консультация внесена в журнал." in messages_of(client.get(LIST))


def test_a_group_consultation_of_several_people(world):
    other = f.PersonFactory(school=world.other_school)
    response = login(world.methodologist).post(CREATE, body(
        world, association=world.rmo.pk, kind="group", consultant=world.methodologist.person.pk,
        consulted=[world.teacher_person.pk, world.head_person.pk, other.pk], form="remote", duration_minutes="120",
    ))
    assert response.status_code == 302
    consultation = Consultation.objects.get()
    assert consultation.consulted.count() == 3 and consultation.form == "remote"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"consulted": "TWO"}, "consulted", "Индивидуальная консультация — для одного человека, а выбрано 2."),
        ({"kind": "group"}, "consulted", "Групповая консультация — для двух человек и больше."),
        ({"consulted": []}, "consulted", "Выберите, кого консультировали."),
        ({"duration_minutes": "4"}, "duration_minutes", "Консультация длится не меньше 5 минут."),
        ({"duration_minutes": "481"}, "duration_minutes", "Консультация длится не больше 480 минут"),
        ({"duration_minutes": "полчаса"}, "duration_minutes", "Укажите продолжительность целым числом минут."),
        ({"topic": "Т" * 301}, "topic", "не более 300 символов"),
        ({"topic": ""}, "topic", "Обязательное поле."),
        ({"held_on": "31.02.2026"}, "held_on", "Введите правильную дату."),
        ({"kind": ""}, "kind", "Обязательное поле."),
        ({"consultant": "HEAD_AND_CONSULTED"}, "consulted", "консультант: среди тех, кого консультировали"),
        ({"consultant": "FAR"}, "consultant", "Выберите консультанта из списка педагогов района."),
        ({"consulted": "FAR"}, "consulted", "Выбран человек не из списка педагогов района."),
        ({"association": "OTHER_MO"}, "association", "Выберите журнал из списка"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_in_russian(world, changes, field, message):
    far = f.PersonFactory(school=world.other_district_mo.school)
    values = {
        "TWO": [world.teacher_person.pk, f.PersonFactory(school=world.school).pk],
        "HEAD_AND_CONSULTED": world.teacher_person.pk,
        "FAR": far.pk,
        "OTHER_MO": world.other_mo.pk,
    }
    changes = {k: values.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    data = body(world, **changes)
    response = login(world.head).post(CREATE, data)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get(field, []))
    assert message in errors, response.context["form"].errors
    assert "Консультация не сохранена: исправьте ошибки, отмеченные красным." in messages_of(response)
    assert Consultation.objects.count() == 0
    # Nothing typed is lost: the form posts back what was sent.
    kept = form_data(response, "consultation-form")
    assert kept["topic"] == data["topic"]
    assert kept["duration_minutes"] == data["duration_minutes"]


def test_a_date_of_a_year_the_portal_does_not_have_is_a_message_next_to_the_date(world):
    response = login(world.head).post(CREATE, body(world, held_on="2090-10-01"))
    assert response.status_code == 200
    assert "учебный год не заведён" in " ".join(response.context["form"].errors["held_on"])


def test_who_may_open_the_form(world):
    assert login(world.teacher).get(CREATE).status_code == 403
    assert login(world.deputy).get(CREATE).status_code == 403
    assert login(world.outsider).get(CREATE).status_code == 404
    # The methodologist writes the РМО's log, not a school МО's.
    assert set(login(world.methodologist).get(CREATE).context["form"].choices.logs) == {world.rmo.pk}


# --- editing, concurrent edits, deletion ---------------------------------------------------------


def test_the_editor_shows_the_consultation_and_saves_a_change(world, logs):
    client = login(world.head)
    data = form_data(client.get(edit_url(logs["mo"])), "consultation-form")
    assert data["consulted"] == str(world.teacher_person.pk) and data["version"] == "1"
    data.update(topic="Портфолио класса: разделы", duration_minutes="40")
    assert client.post(edit_url(logs["mo"]), data).status_code == 302
    logs["mo"].refresh_from_db()
    assert (logs["mo"].topic, logs["mo"].duration_minutes, logs["mo"].version) == ("Портфолио класса: разделы", 40, 2)


def test_a_second_editor_does_not_silently_overwrite_the_first(world, logs):
    head, staff = login(world.head), login(world.admin)
    first = form_data(head.get(edit_url(logs["mo"])), "consultation-form")
    second = form_data(staff.get(edit_url(logs["mo"])), "consultation-form")
    first["topic"] = "Тема руководителя"
    assert head.post(edit_url(logs["mo"]), first).status_code == 302
    second["topic"] = "Тема администратора"
    response = staff.post(edit_url(logs["mo"]), second)
    assert response.status_code == 200
    assert any("Запись уже изменил другой пользователь" in m for m in messages_of(response))
    assert 'data-testid="conflict"' in response.content.decode()
    logs["mo"].refresh_from_db()
    assert logs["mo"].topic == "Тема руководителя"
    again = form_data(response, "consultation-form")
    assert again["topic"] == "Тема администратора"  # the user's input is kept
    assert again["version"] == "2"  # the page now carries the saved version: a second save overwrites
    assert staff.post(edit_url(logs["mo"]), again).status_code == 302
    logs["mo"].refresh_from_db()
    assert (logs["mo"].topic, logs["mo"].version) == ("Тема администратора", 3)


def test_the_kind_rule_holds_on_edit_too(world, logs):
    client = login(world.methodologist)
    data = form_data(client.get(edit_url(logs["rmo"])), "consultation-form")
    data["kind"] = "individual"
    response = client.post(edit_url(logs["rmo"]), data)
    assert response.status_code == 200
    assert "Индивидуальная консультация — для одного человека" in " ".join(response.context["form"].errors["consulted"])
    logs["rmo"].refresh_from_db()
    assert logs["rmo"].kind == "group" and logs["rmo"].version == 1


def test_readers_get_403_and_outsiders_404_on_the_editor(world, logs):
    assert login(world.deputy).get(edit_url(logs["mo"])).status_code == 403
    assert login(world.methodologist).get(edit_url(logs["mo"])).status_code == 403
    assert login(world.other_deputy).get(edit_url(logs["mo"])).status_code == 404
    assert login(world.teacher).get(edit_url(logs["mo"])).status_code == 404
    assert login(world.head).get(reverse("associations:consultation_edit", args=[999999])).status_code == 404


def test_delete_is_a_post_of_the_logs_writers(world, logs):
    assert login(world.head).get(delete_url(logs["mo"])).status_code == 405
    assert login(world.deputy).post(delete_url(logs["mo"])).status_code == 403
    assert login(world.other_deputy).post(delete_url(logs["mo"])).status_code == 404
    assert Consultation.objects.filter(pk=logs["mo"].pk).exists()
    client = login(world.head)
    assert client.post(delete_url(logs["mo"])).status_code == 302
    assert not Consultation.objects.filter(pk=logs["mo"].pk).exists()
    assert any("удалена из журнала" in m for m in messages_of(client.get(LIST)))
    assert Consultation.history.filter(id=logs["mo"].pk, history_type="-").get().history_user == world.head


def test_reading_the_pages_writes_nothing(world, logs):
    client = login(world.head)
    for path in (LIST, CREATE, edit_url(logs["mo"])):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
        assert writes == [], path


# --- query counts ---------------------------------------------------------------------------------


def _fill(world, n: int) -> None:
    people = [f.PersonFactory(school=world.school) for _ in range(3)]
    for day in range(n):
        f.ConsultationFactory(
            association=world.mo, kind=Consultation.Kind.GROUP, consultant=world.head_person, consulted=people,
            held_on=october(world, 1 + day % 28),
        )


def test_the_list_query_count_is_flat(world, django_assert_num_queries):
    _fill(world, 1)
    client = login(world.head)
    # 1 session, 2 user, 3 person (roles), 4 head appointments (roles), 5 the current year (the
    # year filter's default), 6 the year filter's value, 7 the totals (count, minutes), 8 the log
    # can be written (the «new» button), 9 the paginator's count, 10 the page's consultations with
    # their logs and consultants, 11 their people (prefetch), 12 the filter's years, 13 its logs,
    # 14 its people
    with django_assert_num_queries(14):
        client.get(LIST)
    _fill(world, 30)
    with django_assert_num_queries(14):
        response = client.get(LIST)
    assert response.content.decode().count('data-testid="consultation-') == 31 + 2  # rows + totals + «new»


def test_the_editor_query_count_is_flat(world, django_assert_num_queries):
    people = [f.PersonFactory(school=world.school) for _ in range(2)]
    consultation = f.ConsultationFactory(
        association=world.mo, kind=Consultation.Kind.GROUP, consultant=world.head_person, consulted=people,
    )
    client = login(world.head)
    counted, _ = get_counting_queries(client, edit_url(consultation))
    consultation.consulted.add(*[f.PersonFactory(school=world.school) for _ in range(20)])
    assert get_counting_queries(client, edit_url(consultation))[0] == counted
