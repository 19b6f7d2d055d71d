"""The district stage's results for the whole district at once (the methodologist's, the
administrator's): the contest and date, then one row per participant of the district; every
row valid or none saved, each row's errors next to its fields and the other rows' input kept;
saved confirmed (but one's own); a teacher's own entry of the same participation updated, not
doubled; the page's query count does not grow with its rows or the district's people."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from associations.records.contests import services
from associations.records.models import ContestEntry
from tests import factories as f
from tests.helpers import form_data, login, messages_of

RESULTS = reverse("associations:contest_results")


@pytest.fixture
def contest(db):
    return f.ContestFactory(name="Самый классный классный")


def _day(world) -> datetime.date:
    return datetime.date(world.year.start_year, 12, 1)


def _table(world, contest, rows: list[dict], /, **header) -> dict:
    data = {"contest": contest.pk, "held_on": _day(world).isoformat(), "rows-TOTAL_FORMS": str(max(len(rows), 1)),
            "rows-INITIAL_FORMS": "0", **header}
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"rows-{index}-{name}"] = value
    return data


def test_the_methodologist_enters_the_district_table(world, contest):
    neighbour = f.PersonFactory(school=world.other_school, last_name="Соседова")
    client = login(world.methodologist)
    page = client.get(RESULTS)
    body = form_data(page, "results-form")
    assert body["rows-TOTAL_FORMS"] == "10"
    body.update({
        "contest": contest.pk, "held_on": _day(world).isoformat(),
        "rows-0-person": world.teacher_person.pk, "rows-0-result": "winner", "rows-0-place": "1",
        "rows-0-nomination": "Классный час",
        "rows-1-person": neighbour.pk, "rows-1-result": "prize", "rows-1-place": "2",
        "rows-3-person": world.head_person.pk, "rows-3-result": "participant",
        "rows-3-result_note": "Сертификат участника",
    })
    response = client.post(RESULTS, body)
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('associations:contests')}?year={world.year.pk}&contest={contest.pk}&level=municipal"
    )
    entries = {e.person_id: e for e in ContestEntry.objects.all()}
    assert set(entries) == {world.teacher_person.pk, neighbour.pk, world.head_person.pk}
    for entry in entries.values():
        assert (entry.contest, entry.level, entry.held_on, entry.academic_year) == (
            contest, "municipal", _day(world), world.year
        )
        assert (entry.status, entry.confirmed_by, entry.entered_by) == (
            "confirmed", world.methodologist, world.methodologist
        )
    assert entries[world.teacher_person.pk].result_label == "победитель (1 место)"
    assert entries[world.teacher_person.pk].nomination == "Классный час"
    assert entries[world.head_person.pk].result_note == "Сертификат участника"
    # The count's word is ngettext's (the Russian catalog gives «3 участника»).
    assert messages_of(client.get(response["Location"]))[0].startswith("Результаты внесены: 3 участ")


def test_all_rows_or_none_with_each_rows_errors_next_to_its_fields(world, contest):
    neighbour = f.PersonFactory(school=world.other_school)
    client = login(world.methodologist)
    response = client.post(RESULTS, _table(world, contest, [
        {"person": world.teacher_person.pk, "result": "winner", "place": "1", "nomination": "Мастер-класс"},
        {"person": neighbour.pk, "result": "prize"},  # no place
        {"person": "", "result": "laureate"},  # no person
        {"person": world.head_person.pk, "result": "participant", "nomination": "я" * 201},
    ]))
    assert response.status_code == 200
    assert not ContestEntry.objects.exists()
    text = response.content.decode()
    assert 'data-testid="error-2-place">Для призёра укажите место (обычно II или III).<' in text
    assert 'data-testid="error-3-person">Выберите участника.<' in text
    assert ('data-testid="error-4-nomination">Убедитесь, что это значение содержит не более 200 символов '
            "(сейчас 201).<") in text
    assert 'data-testid="error-1-' not in text  # the good row has none
    assert 'value="Мастер-класс"' in text  # and keeps what was typed
    assert messages_of(response) == ["Результаты не сохранены: исправьте ошибки, отмеченные красным."]


def test_the_services_rules_of_rows_come_back_to_their_rows(world, contest):
    """Rules of several rows (the same person twice) and of the district, asked by the service:
    nothing saved, each error on its row."""
    client = login(world.methodologist)
    response = client.post(RESULTS, _table(world, contest, [
        {"person": world.teacher_person.pk, "result": "participant"},
        {"person": world.head_person.pk, "result": "participant"},
        {"person": world.teacher_person.pk, "result": "laureate"},
    ]))
    assert response.status_code == 200
    assert not ContestEntry.objects.exists()
    text = response.content.decode()
    assert (f'data-testid="error-3-person">{world.teacher_person.short_name} уже есть в строке 1: одна строка на '
            "участника (в другой номинации — укажите её).<") in text
    assert messages_of(response) == ["Результаты не сохранены: исправьте 1 строку, отмеченную красным."]

    far = f.PersonFactory(school=f.SchoolFactory(district=world.other_district))
    with pytest.raises(services.ResultRowsInvalid) as refused:
        services.contest_results_enter(
            user=world.methodologist, district=world.district, contest=contest, held_on=_day(world),
            rows=[services.ResultRow(number=1, person=world.teacher_person, result="participant"),
                  services.ResultRow(number=2, person=far, result="participant")],
        )
    assert set(refused.value.rows) == {2}
    assert far.short_name in refused.value.rows[2].message_dict["person"][0]
    assert not ContestEntry.objects.exists()


def test_people_of_another_district_are_not_offered(world, contest):
    far = f.PersonFactory(school=f.SchoolFactory(district=world.other_district), last_name="Дальняя")
    client = login(world.methodologist)
    assert "Дальняя" not in client.get(RESULTS).content.decode()
    response = client.post(RESULTS, _table(world, contest, [{"person": far.pk, "result": "participant"}]))
    assert 'data-testid="error-1-person">Выберите участника из списка педагогов района.<' in response.content.decode()
    assert not ContestEntry.objects.exists()


def test_a_teachers_own_entry_is_updated_and_confirmed_not_doubled(world, contest):
    own = f.ContestEntryFactory(person=world.teacher_person, contest=contest, held_on=_day(world),
                                result="participant", entered_by=world.teacher)
    client = login(world.methodologist)
    response = client.post(RESULTS, _table(world, contest, [
        {"person": world.teacher_person.pk, "result": "prize", "place": "3", "nomination": "Видеовизитка"},
    ]))
    assert response.status_code == 302
    own.refresh_from_db()
    assert ContestEntry.objects.count() == 1
    assert (own.result_label, own.nomination, own.status, own.confirmed_by) == (
        "призёр (3 место)", "Видеовизитка", "confirmed", world.methodologist
    )
    assert own.entered_by == world.teacher  # still hers
    assert "обновлена, а не внесена второй раз" in messages_of(client.get(response["Location"]))[0]


def test_the_methodologists_own_row_waits_for_confirmation(world, contest):
    me = world.methodologist.person
    client = login(world.methodologist)
    response = client.post(RESULTS, _table(world, contest, [{"person": me.pk, "result": "laureate"}]))
    assert response.status_code == 302
    assert ContestEntry.objects.get().status == ContestEntry.Status.ENTERED
    assert "1 запись ждёт подтверждения" in messages_of(client.get(response["Location"]))[0]


def test_a_blank_table_or_a_date_of_no_year_saves_nothing(world, contest):
    client = login(world.methodologist)
    response = client.post(RESULTS, _table(world, contest, []))
    assert response.status_code == 200
    assert messages_of(response) == ["Таблица пуста: укажите хотя бы одного участника."]
    response = client.post(RESULTS, _table(world, contest, [{"person": world.teacher_person.pk, "result": "winner",
                                                             "place": "1"}], held_on="1990-12-01"))
    assert [str(e) for e in response.context["header"].errors["held_on"]] == [
        "1990/1991 учебный год не заведён в портале: обратитесь к администратору."
    ]
    response = client.post(RESULTS, _table(world, contest, [{"person": world.teacher_person.pk, "result": "winner",
                                                             "place": "1"}], contest=""))
    assert [str(e) for e in response.context["header"].errors["contest"]] == ["Выберите конкурс."]
    assert not ContestEntry.objects.exists()


def test_who_enters_the_table(world, contest):
    for user in (world.teacher, world.head, world.deputy, world.other_deputy):
        assert login(user).get(RESULTS).status_code == 403, user.username
        assert login(user).post(RESULTS, _table(world, contest, [
            {"person": world.teacher_person.pk, "result": "participant"}
        ])).status_code == 403
    assert login(world.outsider).get(RESULTS).status_code == 404
    # Another district's methodologist: her own district only.
    response = login(world.other_district_methodologist).post(RESULTS, _table(world, contest, [
        {"person": world.teacher_person.pk, "result": "participant"}
    ], district=world.district.pk))
    assert response.status_code == 200
    assert not ContestEntry.objects.exists()
    with pytest.raises(services.PermissionDenied):
        services.contest_results_enter(
            user=world.other_district_methodologist, district=world.district, contest=contest, held_on=_day(world),
            rows=[services.ResultRow(number=1, person=world.teacher_person, result="participant")],
        )


def test_the_superuser_chooses_the_district_first(world, contest):
    client = login(world.admin)
    page = client.get(RESULTS).content.decode()
    assert 'id="results-district"' in page and 'id="results-form"' not in page
    page = client.get(RESULTS, {"district": world.district.pk})
    body = form_data(page, "results-form")
    assert body["district"] == str(world.district.pk)
    body.update({"contest": contest.pk, "held_on": _day(world).isoformat(),
                 "rows-0-person": world.teacher_person.pk, "rows-0-result": "participant"})
    assert client.post(RESULTS, body).status_code == 302
    assert ContestEntry.objects.get().confirmed_by == world.admin


def test_more_rows_on_request_and_never_too_many(world, contest):
    client = login(world.methodologist)
    assert form_data(client.get(RESULTS, {"rows": "50"}), "results-form")["rows-TOTAL_FORMS"] == "50"
    assert form_data(client.get(RESULTS, {"rows": "100000"}), "results-form")["rows-TOTAL_FORMS"] == "100"
    assert form_data(client.get(RESULTS, {"rows": "много"}), "results-form")["rows-TOTAL_FORMS"] == "10"
    response = client.post(RESULTS, _table(world, contest, [{"person": world.teacher_person.pk, "result": "winner",
                                                             "place": "1"}], **{"rows-TOTAL_FORMS": "5000"}))
    assert response.status_code == 200
    assert not ContestEntry.objects.exists()


# The queries of the table's page: 1 session, 2 user, 3 the person (roles), 4 the head
# appointments (roles), 5 the districts the user enters, 6 the district's people (every row's
# select shares them), 7 the contests of the header.
RESULTS_QUERIES = 7


@pytest.mark.parametrize(("people", "rows"), [(1, 10), (30, 50)])
def test_the_page_does_not_grow_with_its_rows_or_people(world, people, rows, django_assert_num_queries):
    for _ in range(people):
        f.PersonFactory(school=world.other_school)
    client = login(world.methodologist)
    with django_assert_num_queries(RESULTS_QUERIES):
        response = client.get(RESULTS, {"rows": rows})
    assert len(response.context["formset"].forms) == rows
