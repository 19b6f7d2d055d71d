"""The nominations for encouragement through their pages: who reads which, the filters, who
nominates whom (never themselves), the outcome's transitions and its date, Russian messages next
to the fields with nothing typed lost, concurrent edits, deletion, and flat query counts."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from associations.models import Nomination
from tests import factories as f
from tests.helpers import form_data, get_counting_queries, login, messages_of

LIST = reverse("associations:nominations")
CREATE = reverse("associations:nomination_create")
Outcome = Nomination.Outcome


def edit_url(nomination) -> str:
    return reverse("associations:nomination_edit", args=[nomination.pk])


def delete_url(nomination) -> str:
    return reverse("associations:nomination_delete", args=[nomination.pk])


def october(world, day: int = 7) -> datetime.date:
    return datetime.date(world.year.start_year, 10, day)


def shown(response) -> set[int]:
    return {n.pk for n in response.context["page"]}


@pytest.fixture
def nominations(world):
    """The teacher's (by the school МО), the head's (by the РМО), the other school's teacher's, the
    other district's."""
    other_teacher = f.PersonFactory(school=world.other_school, last_name="Орлова")
    return {
        "teacher": f.NominationFactory(person=world.teacher_person, association=world.mo, nominated_on=october(world)),
        "head": f.NominationFactory(
            person=world.head_person, association=world.rmo, addressee=Nomination.Addressee.DEPARTMENT,
            nominated_on=october(world, 9),
        ),
        "other_school": f.NominationFactory(
            person=other_teacher, association=world.other_mo, outcome=Outcome.GRANTED,
            nominated_on=october(world, 10), outcome_on=october(world, 20),
        ),
        "far": f.NominationFactory(
            person=f.PersonFactory(school=world.other_district_mo.school), nominated_on=october(world, 11)
        ),
    }


def body(world, **changes) -> dict:
    data = {
        "person": world.teacher_person.pk, "association": world.mo.pk,
        "reason": "За высокие результаты в воспитательной работе", "award": "Почётная грамота",
        "addressee": "school", "nominated_on": october(world).isoformat(),
    }
    data.update(changes)
    return data


# --- who reads which ------------------------------------------------------------------------------


def test_each_role_reads_the_nominations_of_its_people(world, nominations):
    n = nominations
    assert shown(login(world.teacher).get(LIST)) == {n["teacher"].pk}  # their own
    assert shown(login(world.head).get(LIST)) == {n["teacher"].pk, n["head"].pk}  # the school's, and own
    assert shown(login(world.deputy).get(LIST)) == {n["teacher"].pk, n["head"].pk}
    assert shown(login(world.other_deputy).get(LIST)) == {n["other_school"].pk}
    assert shown(login(world.methodologist).get(LIST)) == {n["teacher"].pk, n["head"].pk, n["other_school"].pk}
    assert shown(login(world.other_district_methodologist).get(LIST)) == {n["far"].pk}
    assert shown(login(world.admin).get(LIST)) == {x.pk for x in n.values()}
    assert login(world.outsider).get(LIST).status_code == 404


def test_the_edit_link_is_shown_to_those_who_write(world, nominations):
    rows = {n.pk: n.can_write for n in login(world.head).get(LIST).context["page"]}
    # The head writes the teacher's; their own is the РМО's to write.
    assert rows == {nominations["teacher"].pk: True, nominations["head"].pk: False}
    assert login(world.head).get(edit_url(nominations["head"])).status_code == 403
    assert not any(n.can_write for n in login(world.teacher).get(LIST).context["page"])


def test_filters(world, nominations):
    client = login(world.methodologist)
    assert shown(client.get(LIST, {"school": world.other_school.pk})) == {nominations["other_school"].pk}
    assert shown(client.get(LIST, {"person": world.head_person.pk})) == {nominations["head"].pk}
    assert shown(client.get(LIST, {"addressee": "department"})) == {nominations["head"].pk}
    assert shown(client.get(LIST, {"outcome": "granted"})) == {nominations["other_school"].pk}
    last_year = f.AcademicYearFactory(start_year=world.year.start_year - 1)
    old = f.NominationFactory(
        person=world.teacher_person, academic_year=last_year, nominated_on=datetime.date(last_year.start_year, 12, 1)
    )
    assert old.pk not in shown(client.get(LIST))
    assert shown(client.get(LIST, {"year": last_year.pk})) == {old.pk}
    assert old.pk in shown(client.get(LIST, {"year": ""}))


def test_the_filter_offers_only_what_the_user_sees(world, nominations):
    form = login(world.deputy).get(LIST).context["filter"].form
    assert {s.pk for s in form.fields["school"].queryset} == {world.school.pk}
    assert {p.pk for p in form.fields["person"].queryset} == {world.teacher_person.pk, world.head_person.pk}
    response = login(world.deputy).get(LIST, {"person": nominations["far"].person.pk})
    assert response.status_code == 200 and response.context["filter"].form.errors["person"]


# --- who nominates whom ---------------------------------------------------------------------------


def test_the_head_nominates_the_people_of_their_school_never_themselves(world):
    form = login(world.head).get(CREATE).context["form"]
    people = set(form.fields["person"].objects)
    assert world.teacher_person.pk in people
    assert world.head_person.pk not in people
    assert not people - set(world.school.people.values_list("pk", flat=True))
    assert form["association"].value() == str(world.mo.pk)

    response = login(world.head).post(CREATE, body(world, person=world.head_person.pk))
    assert response.status_code == 200
    assert "никто — самого себя" in response.context["form"].errors["person"][0]
    other = f.PersonFactory(school=world.other_school)
    response = login(world.head).post(CREATE, body(world, person=other.pk))
    assert response.status_code == 200 and response.context["form"].errors["person"]
    assert not Nomination.objects.exists()

    client = login(world.head)
    assert client.post(CREATE, body(world)).status_code == 302
    nomination = Nomination.objects.get()
    assert (nomination.person, nomination.association, nomination.outcome) == (
        world.teacher_person, world.mo, Outcome.PENDING
    )
    assert nomination.entered_by == world.head and nomination.academic_year == world.year
    assert "Ходатайство о поощрении внесено." in messages_of(client.get(LIST))


def test_the_methodologist_nominates_anyone_of_the_district(world):
    other = f.PersonFactory(school=world.other_school)
    client = login(world.methodologist)
    people = set(client.get(CREATE).context["form"].fields["person"].objects)
    assert {world.teacher_person.pk, world.head_person.pk, other.pk} <= people
    assert world.methodologist.person.pk not in people
    assert client.post(CREATE, body(world, person=other.pk, association=world.rmo.pk)).status_code == 302
    # A school МО's nomination is the МО's: the methodologist does not write on its behalf.
    response = client.post(CREATE, body(world, association=world.mo.pk))
    assert response.status_code == 200 and response.context["form"].errors["association"]


def test_the_association_is_the_persons(world):
    other = f.PersonFactory(school=world.other_school, last_name="Орлова")
    response = login(world.admin).post(CREATE, body(world, person=other.pk, association=world.mo.pk))
    assert response.status_code == 200
    assert response.context["form"].errors["association"] == [
        "Орлова М.П. не работает в школе этого МО: школьное МО ходатайствует только за своих педагогов."
    ]
    assert not Nomination.objects.exists()


def test_who_may_open_the_form(world):
    assert login(world.teacher).get(CREATE).status_code == 403
    assert login(world.deputy).get(CREATE).status_code == 403
    assert login(world.outsider).get(CREATE).status_code == 404
    assert login(world.head).get(CREATE).status_code == 200


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": ""}, "reason", "Обязательное поле."),
        ({"reason": "Р" * 501}, "reason", "не более 500 символов"),
        ({"award": "Г" * 201}, "award", "не более 200 символов"),
        ({"addressee": "president"}, "addressee", "Выберите корректный вариант."),
        ({"nominated_on": "32.10.2026"}, "nominated_on", "Введите правильную дату."),
        ({"nominated_on": "2090-10-01"}, "nominated_on", "учебный год не заведён"),
        ({"person": ""}, "person", "Обязательное поле."),
    ],
)
def test_bad_input_is_refused_next_to_its_field_in_russian(world, changes, field, message):
    data = body(world, **changes)
    response = login(world.head).post(CREATE, data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field]), response.context["form"].errors
    assert "Ходатайство не сохранено: исправьте ошибки, отмеченные красным." in messages_of(response)
    assert not Nomination.objects.exists()
    kept = form_data(response, "nomination-form")
    assert (kept["reason"], kept["award"]) == (data["reason"], data["award"])


# --- the outcome ----------------------------------------------------------------------------------


def edit(client, nomination, **changes):
    data = form_data(client.get(edit_url(nomination)), "nomination-form")
    data.update(changes)
    return client.post(edit_url(nomination), data)


def test_pending_becomes_granted_with_its_date(world, nominations):
    nomination = nominations["teacher"]
    day = october(world, 15).isoformat()
    client = login(world.head)
    response = edit(client, nomination, outcome="granted", outcome_on=day, outcome_note="Приказ № 12 от 15.10")
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert (nomination.outcome, nomination.outcome_on.isoformat(), nomination.version) == ("granted", day, 2)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"outcome": "granted", "outcome_on": ""}, "outcome_on", "Укажите дату итога."),
        ({"outcome": "refused", "outcome_on": ""}, "outcome_on", "Укажите дату итога."),
        ({"outcome": "pending", "outcome_on": "OCT15"}, "outcome_on",
         "Ходатайство ещё на рассмотрении: дату итога не указывают."),
        ({"outcome": "granted", "outcome_on": "OCT1"}, "outcome_on", "Итог не может быть раньше ходатайства."),
        ({"outcome": "granted", "outcome_on": "TOMORROW"}, "outcome_on",
         "Дата итога не может быть позже сегодняшнего дня."),
        ({"outcome": "unknown"}, "outcome", "Выберите корректный вариант."),
    ],
)
def test_the_outcome_date_rules(world, nominations, changes, field, message):
    dates = {
        "OCT15": october(world, 15).isoformat(), "OCT1": october(world, 1).isoformat(),
        "TOMORROW": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
    }
    changes = {k: dates.get(v, v) for k, v in changes.items()}
    nomination = nominations["teacher"]
    response = edit(login(world.head), nomination, **changes)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field]), response.context["form"].errors
    nomination.refresh_from_db()
    assert (nomination.outcome, nomination.outcome_on, nomination.version) == ("pending", None, 1)
    if changes["outcome"] in Outcome.values:  # what was chosen stays chosen
        assert form_data(response, "nomination-form")["outcome"] == changes["outcome"]


@pytest.mark.parametrize("to", ["pending", "refused"])
def test_a_decided_outcome_stays(world, to):
    nomination = f.NominationFactory(
        person=world.teacher_person, association=world.mo, nominated_on=october(world), outcome=Outcome.GRANTED,
        outcome_on=october(world, 20),
    )
    day = "" if to == "pending" else october(world, 21).isoformat()
    response = edit(login(world.head), nomination, outcome=to, outcome_on=day)
    assert response.status_code == 200
    assert response.context["form"].errors["outcome"] == [
        f"Итог ходатайства уже внесён («поощрён», 20.10.{world.year.start_year}): изменить его нельзя."
    ]
    nomination.refresh_from_db()
    assert nomination.outcome == "granted"


def test_a_decided_nomination_still_takes_other_corrections(world):
    nomination = f.NominationFactory(
        person=world.teacher_person, association=world.mo, nominated_on=october(world), outcome=Outcome.REFUSED,
        outcome_on=october(world, 20),
    )
    assert edit(login(world.head), nomination, outcome_note="Перенесено на следующий год").status_code == 302
    nomination.refresh_from_db()
    assert (nomination.outcome, nomination.outcome_note) == ("refused", "Перенесено на следующий год")


def test_the_methodologist_records_the_outcome_of_a_school_mos_nomination(world, nominations):
    response = edit(
        login(world.methodologist), nominations["teacher"], outcome="granted", outcome_on=october(world, 15).isoformat()
    )
    assert response.status_code == 302
    nominations["teacher"].refresh_from_db()
    assert nominations["teacher"].association == world.mo and nominations["teacher"].outcome == "granted"


# --- concurrent edits, readers, deletion ---------------------------------------------------------


def test_a_second_editor_does_not_silently_overwrite_the_first(world, nominations):
    nomination = nominations["teacher"]
    head, methodologist = login(world.head), login(world.methodologist)
    first = form_data(head.get(edit_url(nomination)), "nomination-form")
    second = form_data(methodologist.get(edit_url(nomination)), "nomination-form")
    first["award"] = "Благодарность"
    assert head.post(edit_url(nomination), first).status_code == 302
    second.update(outcome="granted", outcome_on=october(world, 15).isoformat())
    response = methodologist.post(edit_url(nomination), second)
    assert response.status_code == 200
    assert any("Запись уже изменил другой пользователь" in m for m in messages_of(response))
    nomination.refresh_from_db()
    assert (nomination.award, nomination.outcome) == ("Благодарность", "pending")
    again = form_data(response, "nomination-form")
    assert (again["outcome"], again["version"], again["award"]) == ("granted", "2", "Почётная грамота")
    assert methodologist.post(edit_url(nomination), again).status_code == 302
    nomination.refresh_from_db()
    assert (nomination.outcome, nomination.version) == ("granted", 3)


def test_readers_get_403_and_outsiders_404(world, nominations):
    nomination = nominations["teacher"]
    assert login(world.teacher).get(edit_url(nomination)).status_code == 403  # their own: they read it
    assert login(world.deputy).get(edit_url(nomination)).status_code == 403
    assert login(world.other_deputy).get(edit_url(nomination)).status_code == 404
    assert login(world.other_district_methodologist).post(delete_url(nomination)).status_code == 404
    assert login(world.teacher).post(delete_url(nomination)).status_code == 403
    assert Nomination.objects.filter(pk=nomination.pk).exists()


def test_delete(world, nominations):
    nomination = nominations["teacher"]
    assert login(world.head).get(delete_url(nomination)).status_code == 405
    client = login(world.head)
    assert client.post(delete_url(nomination)).status_code == 302
    assert not Nomination.objects.filter(pk=nomination.pk).exists()
    assert any("удалено" in m for m in messages_of(client.get(LIST)))


# --- query counts ---------------------------------------------------------------------------------


def _fill(world, n: int) -> None:
    for day in range(n):
        f.NominationFactory(
            person=f.PersonFactory(school=world.school), association=world.mo, nominated_on=october(world, 1 + day % 28)
        )


def test_the_list_query_count_is_flat(world, django_assert_num_queries):
    _fill(world, 1)
    client = login(world.methodologist)
    # 1 session, 2 user, 3 person (roles), 4 head appointments (roles), 5 the current year (the
    # year filter's default), 6 the year filter's value, 7 the paginator's count, 8 the page's
    # nominations with their people, schools, associations and years, 9 the filter's years,
    # 10 its schools, 11 its people
    with django_assert_num_queries(11):
        client.get(LIST)
    _fill(world, 30)
    with django_assert_num_queries(11):
        response = client.get(LIST)
    assert len(response.context["page"]) == 31


def test_the_form_query_count_is_flat(world):
    nomination = f.NominationFactory(person=world.teacher_person, association=world.mo)
    client = login(world.methodologist)
    counted = get_counting_queries(client, edit_url(nomination))[0]
    assert get_counting_queries(client, CREATE)[0] <= counted
    for _ in range(30):
        f.PersonFactory(school=world.other_school)
    assert get_counting_queries(client, edit_url(nomination))[0] == counted
