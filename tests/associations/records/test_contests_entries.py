"""One participation in a contest: entered by the teacher (their own, no picker) or by the МО head,
the methodologist, the administrator (picked among their people); a team (one entry per
participant, the same team name); the status it starts with; confirmation (entered → confirmed,
never one's own, never twice); the teacher's own changed or deleted only while unconfirmed; the
deputy reads only; bad input and too long texts refused in Russian next to the field, with the
input kept; a version conflict shown with the user's input kept."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from associations.records.contests import services
from associations.records.models import ContestEntry
from tests import factories as f
from tests.helpers import form_data, login, messages_of

CREATE = reverse("associations:contest_entry_create")
LIST = reverse("associations:contests")


def _edit(entry) -> str:
    return reverse("associations:contest_entry_edit", args=[entry.pk])


def _confirm(entry) -> str:
    return reverse("associations:contest_entry_confirm", args=[entry.pk])


def _delete(entry) -> str:
    return reverse("associations:contest_entry_delete", args=[entry.pk])


@pytest.fixture
def contest(db):
    return f.ContestFactory(name="Самый классный классный")


def _data(world, contest, /, **changes) -> dict:
    data = {
        "contest": contest.pk, "level": "municipal",
        "held_on": datetime.date(world.year.start_year, 11, 14).isoformat(),
        "nomination": "", "result": "participant", "place": "", "result_note": "", "team": "",
    }
    data.update(changes)
    return data


def _errors(response, field: str) -> list[str]:
    assert response.status_code == 200
    return [str(e) for e in response.context["form"].errors.get(field, [])]


# --- entering -----------------------------------------------------------------------------------


def test_a_teacher_enters_their_own_without_a_picker(world, contest):
    client = login(world.teacher)
    page = client.get(CREATE).content.decode()
    assert 'name="person"' not in page
    assert f"Участник: {world.teacher_person.full_name}" in page
    someone = f.PersonFactory(school=world.school)
    response = client.post(CREATE, _data(world, contest, person=someone.pk, result="prize", place="2"))
    assert response.status_code == 302
    entry = ContestEntry.objects.get()
    assert entry.person == world.teacher_person  # the posted person is not asked
    assert entry.status == ContestEntry.Status.ENTERED and entry.confirmed_by is None
    assert entry.entered_by == world.teacher and entry.academic_year == world.year
    assert "ждёт подтверждения" in messages_of(client.get(LIST))[0]


def test_who_may_confirm_it_enters_it_confirmed(world, contest):
    client = login(world.head)
    assert 'name="person"' in client.get(CREATE).content.decode()
    client.post(CREATE, _data(world, contest, person=world.teacher_person.pk))
    entry = ContestEntry.objects.get()
    assert (entry.person, entry.status, entry.confirmed_by) == (world.teacher_person, "confirmed", world.head)
    assert entry.confirmed_at is not None
    # The head's own: nobody confirms their own.
    client.post(CREATE, _data(world, contest, person=world.head_person.pk))
    own = ContestEntry.objects.get(person=world.head_person)
    assert own.status == ContestEntry.Status.ENTERED


def test_the_pickers_offer_only_the_users_people(world, contest):
    neighbour = f.PersonFactory(school=world.other_school)
    response = login(world.head).post(CREATE, _data(world, contest, person=neighbour.pk))
    assert _errors(response, "person") == ["Выберите участника из списка: участие других педагогов вы не вносите."]
    assert not ContestEntry.objects.exists()
    login(world.methodologist).post(CREATE, _data(world, contest, person=neighbour.pk))
    assert ContestEntry.objects.get().status == ContestEntry.Status.CONFIRMED


def test_the_deputy_enters_their_own_only_and_cannot_change_the_schools(world, contest):
    client = login(world.deputy)
    assert 'name="person"' not in client.get(CREATE).content.decode()
    entry = f.ContestEntryFactory(person=world.teacher_person, contest=contest)
    assert client.get(_edit(entry)).status_code == 403
    assert client.post(_edit(entry), _data(world, contest, result="laureate", version=1)).status_code == 403
    assert client.post(_delete(entry)).status_code == 403
    response = client.post(_confirm(entry))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.result, entry.status) == ("participant", "entered")


def test_a_team_is_one_entry_per_participant(world, contest):
    colleagues = [f.PersonFactory(school=world.school, last_name=name) for name in ("Белова", "Орлова")]
    client = login(world.teacher)
    response = client.post(CREATE, _data(
        world, contest, team="Дружная команда", team_members=[p.pk for p in colleagues], result="winner", place="1",
    ))
    assert response.status_code == 302
    entries = ContestEntry.objects.order_by("person__last_name")
    assert [e.person for e in entries] == sorted([world.teacher_person, *colleagues], key=lambda p: p.last_name)
    assert {(e.team, e.result, e.place, e.status) for e in entries} == {("Дружная команда", "winner", 1, "entered")}
    # The head's team: their own waits, the teacher's is confirmed at once.
    ContestEntry.objects.all().delete()
    login(world.head).post(CREATE, _data(
        world, contest, person=world.head_person.pk, team="МО СОШ № 1", team_members=[world.teacher_person.pk],
    ))
    statuses = dict(ContestEntry.objects.values_list("person__last_name", "status"))
    assert statuses == {world.head_person.last_name: "entered", world.teacher_person.last_name: "confirmed"}


def test_a_teams_rules(world, contest):
    client = login(world.teacher)
    colleague = f.PersonFactory(school=world.school)
    stranger = f.PersonFactory(school=world.other_school)
    response = client.post(CREATE, _data(world, contest, team_members=[colleague.pk]))
    assert _errors(response, "team") == ["Укажите название команды: у участия есть соучастники."]
    response = client.post(CREATE, _data(world, contest, team="Команда", team_members=[stranger.pk]))
    assert _errors(response, "team_members") == [
        "Выберите соучастников из списка: участие других педагогов вы не вносите."
    ]
    response = client.post(CREATE, _data(world, contest, team="Команда", team_members=[world.teacher_person.pk]))
    assert "среди соучастников его указывать не нужно" in _errors(response, "team_members")[0]
    assert not ContestEntry.objects.exists()
    # A co-participant already in this contest: nothing is saved, the name is given.
    f.ContestEntryFactory(person=colleague, contest=contest, held_on=datetime.date(world.year.start_year, 11, 1))
    response = client.post(CREATE, _data(world, contest, team="Команда", team_members=[colleague.pk]))
    assert colleague.short_name in _errors(response, "team_members")[0]
    assert ContestEntry.objects.count() == 1


def test_the_service_refuses_co_participants_the_user_may_not_name(world, contest):
    stranger = f.PersonFactory(school=world.other_school)
    with pytest.raises(services.ValidationError) as refused:
        services.contest_entry_create(
            user=world.teacher, person=world.teacher_person, team_members=[stranger],
            values={"contest": contest, "level": "municipal", "held_on": datetime.date(world.year.start_year, 10, 1),
                    "nomination": "", "team": "Команда", "result": "participant", "place": None, "result_note": ""},
        )
    assert stranger.short_name in refused.value.message_dict["team_members"][0]
    with pytest.raises(services.PermissionDenied):
        services.contest_entry_create(
            user=world.teacher, person=stranger,
            values={"contest": contest, "level": "municipal", "held_on": datetime.date(world.year.start_year, 10, 1),
                    "result": "participant"},
        )
    assert not ContestEntry.objects.exists()


# --- bad input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"result": "prize"}, "place", "Для призёра укажите место (обычно II или III)."),
    ({"result": "participant", "place": "3"}, "place", "Место указывается только для призёра и победителя."),
    ({"result": "winner", "place": "2"}, "place", "Победитель занимает I место; другое место — это призёр."),
    ({"result": "prize", "place": "11"}, "place", "Место — от 1 до 10."),
    ({"result": "prize", "place": "два"}, "place", "Укажите место целым числом."),
    ({"held_on": "31.02.2026"}, "held_on", "Укажите дату в виде ДД.ММ.ГГГГ."),
    ({"held_on": "1990-10-01"}, "held_on", "1990/1991 учебный год не заведён в портале: обратитесь к администратору."),
    ({"contest": ""}, "contest", "Выберите конкурс."),
    ({"contest": "999999"}, "contest", "Такого конкурса нет в справочнике: выберите из списка."),
    ({"level": "galactic"}, "level", "Выберите этап из списка."),
    ({"result": ""}, "result", "Выберите результат."),
])
def test_bad_input_is_refused_next_to_its_field_with_the_input_kept(world, contest, changes, field, message):
    client = login(world.teacher)
    response = client.post(CREATE, _data(world, contest, nomination="Классный час «Мы — россияне»", **changes))
    assert _errors(response, field) == [message]
    assert "Участие не сохранено: исправьте ошибки, отмеченные красным." in messages_of(response)
    assert "Классный час «Мы — россияне»" in response.content.decode()  # what was typed stays
    assert not ContestEntry.objects.exists()


@pytest.mark.parametrize(("field", "limit"), [("nomination", 200), ("team", 200), ("result_note", 500)])
def test_every_text_has_a_maximum_length(world, contest, field, limit):
    client = login(world.teacher)
    response = client.post(CREATE, _data(world, contest, **{field: "я" * (limit + 1)}))
    assert _errors(response, field) == [
        f"Убедитесь, что это значение содержит не более {limit} символов (сейчас {limit + 1})."
    ]
    assert f'maxlength="{limit}"' in response.content.decode()
    response = client.post(CREATE, _data(world, contest, **{field: "я" * limit}))
    assert response.status_code == 302
    assert len(getattr(ContestEntry.objects.get(), field)) == limit


def test_the_same_participation_twice_is_refused_naming_the_first(world, contest):
    f.ContestEntryFactory(
        person=world.teacher_person, contest=contest, held_on=datetime.date(world.year.start_year, 10, 3)
    )
    client = login(world.teacher)
    response = client.post(CREATE, _data(world, contest))
    assert _errors(response, "contest") == [
        f"{world.teacher_person.short_name} уже участвует в этом конкурсе на этом этапе в этом учебном году "
        f"(запись от 03.10.{world.year.start_year}). Измените ту запись или укажите другую номинацию."
    ]
    # Another nomination, or another stage, is another participation.
    assert client.post(CREATE, _data(world, contest, nomination="Мастер-класс")).status_code == 302
    assert client.post(CREATE, _data(world, contest, level="regional")).status_code == 302
    assert ContestEntry.objects.count() == 3


# --- changing and deleting ----------------------------------------------------------------------------


def test_the_teacher_changes_their_own_until_it_is_confirmed(world, contest):
    entry = f.ContestEntryFactory(person=world.teacher_person, contest=contest)
    client = login(world.teacher)
    body = form_data(client.get(_edit(entry)), "contest-entry-form")
    body.update(result="laureate", result_note="Диплом лауреата")
    assert client.post(_edit(entry), body).status_code == 302
    entry.refresh_from_db()
    assert (entry.result, entry.result_note, entry.version, entry.status) == (
        "laureate", "Диплом лауреата", 2, "entered"
    )

    services.contest_entry_confirm(entry=entry, user=world.head)
    response = client.get(_edit(entry))
    assert response.status_code == 302
    message = "Участие уже подтверждено: изменить или удалить его может руководитель МО или методист района."
    assert message in messages_of(client.get(LIST))
    body.update(result="winner", place="1", version="3")
    assert client.post(_edit(entry), body).status_code == 302
    assert client.post(_delete(entry)).status_code == 302
    entry.refresh_from_db()
    assert (entry.result, entry.status) == ("laureate", "confirmed")
    # The head still changes it; it stays confirmed.
    head = login(world.head)
    body = form_data(head.get(_edit(entry)), "contest-entry-form")
    body.update(result="winner", place="1")
    assert head.post(_edit(entry), body).status_code == 302
    entry.refresh_from_db()
    assert (entry.result, entry.place, entry.status) == ("winner", 1, "confirmed")


def test_a_picked_person_changed_gets_the_status_of_a_new_entry(world, contest):
    entry = f.ContestEntryFactory(person=world.teacher_person, contest=contest, status="confirmed",
                                  confirmed_by=world.methodologist)
    client = login(world.head)
    body = form_data(client.get(_edit(entry)), "contest-entry-form")
    body["person"] = world.head_person.pk  # now the head's own: it may not stay confirmed by the head
    assert client.post(_edit(entry), body).status_code == 302
    entry.refresh_from_db()
    assert (entry.person, entry.status, entry.confirmed_by) == (world.head_person, "entered", None)


def test_delete(world, contest):
    own = f.ContestEntryFactory(person=world.teacher_person, contest=contest)
    client = login(world.teacher)
    response = client.post(_delete(own))
    assert response.status_code == 302 and response["Location"] == LIST
    assert not ContestEntry.objects.filter(pk=own.pk).exists()
    confirmed = f.ContestEntryFactory(person=world.teacher_person, contest=contest, status="confirmed")
    assert login(world.head).post(_delete(confirmed), {"next": f"{LIST}?status=confirmed"})["Location"] == (
        f"{LIST}?status=confirmed"
    )
    assert not ContestEntry.objects.exists()
    assert client.get(_delete(own)).status_code == 405


def test_a_version_conflict_keeps_the_users_input(world, contest):
    entry = f.ContestEntryFactory(person=world.teacher_person, contest=contest)
    head, methodologist = login(world.head), login(world.methodologist)
    head_body = form_data(head.get(_edit(entry)), "contest-entry-form")
    their_body = form_data(methodologist.get(_edit(entry)), "contest-entry-form")
    their_body.update(result="laureate")
    assert methodologist.post(_edit(entry), their_body).status_code == 302

    head_body.update(result="prize", place="2", nomination="Методическая разработка")
    response = head.post(_edit(entry), head_body)
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    assert messages_of(response)[0].startswith("Запись уже изменил другой пользователь")
    text = response.content.decode()
    assert 'value="Методическая разработка"' in text  # the head's input is kept
    assert 'name="version" value="2"' in text
    entry.refresh_from_db()
    assert (entry.result, entry.version) == ("laureate", 2)
    # A second save overwrites on purpose.
    assert head.post(_edit(entry), form_data(response, "contest-entry-form")).status_code == 302
    entry.refresh_from_db()
    assert (entry.result, entry.place, entry.nomination) == ("prize", 2, "Методическая разработка")


# --- confirmation -------------------------------------------------------------------------------------


def test_confirmation_goes_from_entered_to_confirmed_once(world, contest):
    entry = f.ContestEntryFactory(person=world.teacher_person, contest=contest)
    client = login(world.head)
    back = f"{LIST}?status=entered"
    response = client.post(_confirm(entry), {"next": back})
    assert response["Location"] == back
    entry.refresh_from_db()
    assert (entry.status, entry.confirmed_by, entry.version) == ("confirmed", world.head, 2)
    assert entry.confirmed_at is not None
    confirmed_at = entry.confirmed_at
    # Twice: refused, saying by whom; nothing changes.
    methodologist = login(world.methodologist)
    response = methodologist.post(_confirm(entry), {"next": "https://evil.example/"})
    assert response["Location"] == LIST  # never elsewhere
    assert messages_of(methodologist.get(LIST))[0].startswith("Участие уже подтверждено (")
    entry.refresh_from_db()
    assert (entry.confirmed_by, entry.confirmed_at, entry.version) == (world.head, confirmed_at, 2)
    with pytest.raises(services.ValidationError) as refused:
        services.contest_entry_confirm(entry=entry, user=world.methodologist)
    on = timezone.localtime(confirmed_at).strftime("%d.%m.%Y")  # the date in Moscow, not in UTC
    assert refused.value.messages == [f"Участие уже подтверждено ({world.head_person.short_name}, {on})."]


def test_nobody_confirms_their_own(world, contest):
    own = f.ContestEntryFactory(person=world.teacher_person, contest=contest)
    client = login(world.teacher)
    client.post(_confirm(own))
    assert messages_of(client.get(LIST)) == [
        "Своё участие подтвердить нельзя: его подтверждает руководитель МО или методист района."
    ]
    head_own = f.ContestEntryFactory(person=world.head_person, contest=contest)
    login(world.head).post(_confirm(head_own))
    methodologist_own = f.ContestEntryFactory(person=world.methodologist.person, contest=contest)
    login(world.methodologist).post(_confirm(methodologist_own))
    for entry in (own, head_own, methodologist_own):
        entry.refresh_from_db()
        assert entry.status == ContestEntry.Status.ENTERED
    # Their own are confirmed by the next one up: the head's by the methodologist, hers by the admin.
    services.contest_entry_confirm(entry=head_own, user=world.methodologist)
    services.contest_entry_confirm(entry=methodologist_own, user=world.admin)
    head_own.refresh_from_db()
    methodologist_own.refresh_from_db()
    assert head_own.is_confirmed and methodologist_own.is_confirmed


def test_the_head_confirms_their_schools_entries_only(world, contest):
    neighbour = f.ContestEntryFactory(person=f.PersonFactory(school=world.other_school), contest=contest)
    assert login(world.head).post(_confirm(neighbour)).status_code == 404
    login(world.other_deputy).post(_confirm(neighbour))  # the other school's deputy reads it, never confirms
    neighbour.refresh_from_db()
    assert neighbour.status == ContestEntry.Status.ENTERED
