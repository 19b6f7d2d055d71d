"""The protocol through its pages: the whole story of a meeting (form, attendance, protocol № 2,
signing, the PDF as issued, every edit refused afterwards), the editor's validation and its
optimistic lock, the protocol page's layout, the PDF of a draft and of a signed protocol, and
query counts that do not grow with the protocol."""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.urls import reverse

from associations.access import roles_for
from associations.models import Appointment
from meetings import services
from meetings.models import Attendance, Decision, Guest, Meeting, Protocol, ProtocolItem
from tests import factories as f
from tests.helpers import count_queries, form_data, login, messages_of


def url(name: str, *args) -> str:
    return reverse(f"meetings:{name}", args=args)


def pdf_bytes(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def _snapshot(protocol: Protocol):
    return (
        Protocol.objects.filter(pk=protocol.pk).values_list("status", "version", "chair_id", "secretary_id",
                                                              "decided_label", "pdf_sha256").get(),
        sorted(ProtocolItem.objects.filter(protocol=protocol).values_list(
            "pk", "position", "heard", "spoke", "decided", "votes_for", "votes_against", "votes_abstained")),
        sorted(Decision.objects.filter(protocol_item__protocol=protocol).values_list(
            "pk", "text", "responsible_id", "due_on")),
        sorted(Attendance.objects.filter(meeting_id=protocol.meeting_id).values_list(
            "person_id", "present", "absence_reason")),
        Meeting.objects.filter(pk=protocol.meeting_id).values_list("theme", "starts_at", "status", "version").get(),
    )


# --- the whole story ------------------------------------------------------------------------------


def test_a_meeting_recorded_and_its_protocol_signed_through_the_pages(world):
    """«Done when»: a meeting of 12 members with 2 guests and 3 agenda questions; attendance with
    one absent; protocol № 2 written with decisions and signed; its PDF served as stored; every
    edit path refused afterwards."""
    others = f.add_members(world, 10)
    members = [world.head_person, world.teacher_person, *others]
    client = login(world.head)

    # The year's first meeting already has protocol № 1.
    first = f.recorded_meeting(world, day=world.year.starts_on + datetime.timedelta(days=5), theme="Установочное")
    client.post(url("protocol_create", first.pk))
    assert Protocol.objects.get(meeting=first).number == 1

    # The meeting, through its form: three questions, two guests.
    day = world.year.starts_on + datetime.timedelta(days=70)
    data = form_data(client.get(url("meeting_create", world.mo.pk)), "meeting-form")
    data.update({
        "kind": Meeting.Kind.WORKSHOP, "theme": "Профилактика деструктивного поведения обучающихся",
        "date": day.isoformat(), "time": "15:00", "place": "каб. 21",
        "agenda-TOTAL_FORMS": "3",
        "agenda-0-title": "О профилактике деструктивного поведения", "agenda-0-speakers": str(world.teacher_person.pk),
        "agenda-1-title": "Об итогах мониторинга воспитанности", "agenda-1-speakers": str(others[0].pk),
        "agenda-2-position": "3", "agenda-2-title": "О подготовке к новогодним праздникам",
        "agenda-2-guest_speakers": "Зайцева К.М., педагог-психолог",
        "guests-TOTAL_FORMS": "2",
        "guests-0-full_name": "Петрова Е.Н.", "guests-0-position": "заместитель директора по ВР",
        "guests-1-full_name": "Зайцева К.М.", "guests-1-position": "педагог-психолог",
    })
    assert client.post(url("meeting_create", world.mo.pk), data).status_code == 302
    meeting = Meeting.objects.exclude(pk=first.pk).get()
    assert meeting.agenda.count() == 3 and meeting.guests.count() == 2

    # Attendance: everyone but one, who is away with a reason.
    absent = others[3]
    sheet = client.get(url("attendance", meeting.pk))
    assert sheet.content.decode().count('data-testid="attendance-row"') == 12
    data = form_data(sheet, "attendance-form")
    index = next(i for i, form in enumerate(sheet.context["formset"].forms) if form.person_obj == absent)
    data.update({f"att-{index}-present": "0", f"att-{index}-absence_reason": "больничный лист"})
    assert client.post(url("attendance", meeting.pk), data).status_code == 302
    assert meeting.attendance.filter(present=True).count() == 11

    # «Создать протокол»: № 2 of the year, one question per agenda question.
    response = client.post(url("protocol_create", meeting.pk))
    protocol = Protocol.objects.get(meeting=meeting)
    assert protocol.number == 2
    assert response["Location"] == url("protocol_edit", protocol.pk)

    # The editor: chair and secretary, СЛУШАЛИ / ВЫСТУПИЛИ / РЕШИЛИ, a vote, decisions.
    editor = client.get(response["Location"])
    assert editor.status_code == 200
    data = form_data(editor, "protocol-editor")
    assert data["chair"] == str(world.head_person.pk)  # the current head, proposed
    assert data["items-0-heard_person"] == str(world.teacher_person.pk)  # the question's speaker, proposed
    items = list(protocol.items.order_by("position"))
    data.update({"secretary": str(world.teacher_person.pk), "decided_label": "ПОСТАНОВИЛИ", "after": "close"})
    due = day + datetime.timedelta(days=30)
    for i, item in enumerate(items):
        data.update({
            f"items-{i}-heard": f"Доклад по вопросу {i + 1}.",
            f"items-{i}-decided": f"Решение по вопросу {i + 1}.",
            f"dec-{item.pk}-0-text": f"Поручение {i + 1}",
            f"dec-{item.pk}-0-responsible": str(members[i].pk),
            f"dec-{item.pk}-0-due_on": due.isoformat(),
        })
    data.update({"items-0-spoke": "Петрова Е.Н. — о работе с родителями.", "items-0-votes_for": "10",
                 "items-0-votes_against": "0", "items-0-votes_abstained": "1",
                 "items-2-heard_name": "Зайцеву К.М., педагога-психолога"})
    saved = client.post(url("protocol_edit", protocol.pk), data)
    assert saved.status_code == 302, saved.context and [f.errors for f in saved.context["item_formset"]]
    assert saved["Location"] == url("protocol", protocol.pk)
    protocol.refresh_from_db()
    assert (protocol.chair, protocol.secretary, protocol.decided_label, protocol.version) == (
        world.head_person, world.teacher_person, "ПОСТАНОВИЛИ", 2,
    )
    assert Decision.objects.filter(protocol_item__protocol=protocol).count() == 3

    # The protocol page, in the conventional layout.
    page = client.get(url("protocol", protocol.pk))
    text = page.content.decode()
    assert f'data-testid="protocol-date">{day:%d.%m.%Y}<' in text
    assert 'data-testid="protocol-number">№ 2<' in text
    assert "Присутствовали: 11 человек: " in text and absent.short_name + " — больничный лист" in text
    assert "Приглашённые: Зайцева К.М., педагог-психолог; Петрова Е.Н., заместитель директора по ВР." in text
    # СЛУШАЛИ names the speaker as the PDF does: in the accusative, with their class that year.
    heard = "Соколову М.П., классного руководителя 6 «Б» класса,\u00a0— Доклад по вопросу 1."
    assert f"1. СЛУШАЛИ:</strong> {heard}" in text
    assert "3. СЛУШАЛИ:</strong> Зайцеву К.М., педагога-психолога,\u00a0— Доклад по вопросу 3." in text
    assert "ПОСТАНОВИЛИ:</strong> Решение по вопросу 2." in text
    assert "Голосовали: «за» — 10, «против» — 0, «воздержались» — 1." in text
    assert f"Поручение 1. Срок: до {due:%d.%m.%Y}. Ответственный: {members[0].short_name}</li>" in text
    assert "Председатель — Волкова А.П. Секретарь — Соколова М.П.</p>" in text  # one period after initials

    # Signed.
    response = client.post(url("protocol_sign", protocol.pk), {"confirm": "on"}, follow=True)
    assert "подписан" in " ".join(messages_of(response))
    protocol.refresh_from_db()
    assert protocol.is_signed and protocol.signed_by == world.head
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.HELD
    assert 'data-testid="sign"' not in response.content.decode()
    assert 'data-testid="protocol-edit"' not in response.content.decode()

    # The PDF: the stored file, byte for byte, its SHA-256 in the headers.
    download = client.get(url("protocol_pdf", protocol.pk))
    body = pdf_bytes(download)
    with protocol.pdf.open("rb") as stored:
        assert body == stored.read()
    assert body.startswith(b"%PDF")
    assert hashlib.sha256(body).hexdigest() == protocol.pdf_sha256
    assert download["ETag"] == f'"{protocol.pdf_sha256}"'
    assert download["X-Content-SHA256"] == protocol.pdf_sha256
    assert download["Content-Type"] == "application/pdf"

    # Every edit path refused, and nothing changed.
    before = _snapshot(protocol)
    refused = client.post(url("protocol_edit", protocol.pk), {**data, "version": str(protocol.version),
                                                               "items-0-decided": "Переписано"}, follow=True)
    assert "подписан" in " ".join(messages_of(refused))
    assert client.get(url("protocol_edit", protocol.pk))["Location"] == url("protocol", protocol.pk)
    sheet_data = {"att-TOTAL_FORMS": "1", "att-INITIAL_FORMS": "1", "att-0-person": str(absent.pk),
                  "att-0-present": "1", "att-0-absence_reason": ""}
    assert "подписан" in " ".join(messages_of(client.post(url("attendance", meeting.pk), sheet_data, follow=True)))
    edit = client.post(url("meeting_edit", meeting.pk), {"theme": "Другая тема"}, follow=True)
    assert "подписан" in " ".join(messages_of(edit))
    cancel = client.post(url("meeting_cancel", meeting.pk), {"reason": "Ошибка"}, follow=True)
    assert "уже есть протокол" in " ".join(messages_of(cancel))
    sign = client.post(url("protocol_sign", protocol.pk), {"confirm": "on"}, follow=True)
    assert "подписан" in " ".join(messages_of(sign))
    create = client.post(url("protocol_create", meeting.pk), follow=True)
    assert "уже есть протокол" in " ".join(messages_of(create))
    admin = login(world.admin)
    change = reverse("admin:meetings_protocol_change", args=[protocol.pk])
    assert admin.get(change).status_code == 200  # read-only view
    assert admin.post(change, {"chair": str(world.teacher_person.pk), "decided_label": "РЕШИЛИ"}).status_code == 403
    item_change = reverse("admin:meetings_protocolitem_change", args=[items[0].pk])
    assert admin.post(item_change, {"decided": "Переписано"}).status_code == 403
    meeting_change = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    assert admin.post(meeting_change, {"theme": "Переписано"}).status_code == 403
    assert _snapshot(protocol) == before
    assert Protocol.objects.filter(meeting=meeting).count() == 1
    again = pdf_bytes(client.get(url("protocol_pdf", protocol.pk)))
    with protocol.pdf.open("rb") as stored:
        assert again == stored.read()


# --- the editor ------------------------------------------------------------------------------------------


@pytest.fixture
def secretary(world):
    """A class teacher of the school appointed the МО's secretary."""
    user = f.UserFactory(username="secretary")
    person = f.PersonFactory(user=user, school=world.school, last_name="Никитина")
    f.AppointmentFactory(association=world.mo, person=person, role=Appointment.Role.SECRETARY)
    return user


@pytest.fixture
def draft(world):
    meeting = f.recorded_meeting(world)
    f.add_agenda(meeting, 2, [world.teacher_person])
    f.mark_attendance(world, meeting, [world.head_person, world.teacher_person])
    return services.protocol_create(meeting=meeting, user=world.head)


def test_votes_above_those_present_are_an_error_next_to_the_field(world, draft):
    client = login(world.head)
    data = form_data(client.get(url("protocol_edit", draft.pk)), "protocol-editor")
    data.update({"items-0-decided": "Принять", "items-0-votes_for": "2", "items-0-votes_against": "1"})

    refused = client.post(url("protocol_edit", draft.pk), data)

    assert refused.status_code == 200
    form = refused.context["item_formset"].forms[0]
    assert form.errors["votes_for"] == ["Голосов (3) больше, чем присутствовало (2)."]
    assert 'data-testid="votes-error">Голосов (3) больше' in refused.content.decode()
    assert refused.context["item_formset"].forms[0]["decided"].value() == "Принять"
    assert ProtocolItem.objects.filter(protocol=draft, decided="").count() == 2
    assert Protocol.objects.get(pk=draft.pk).version == 1


def test_concurrent_edits_of_a_protocol_refuse_the_second_and_keep_its_text(world, draft, secretary):
    alice, bob = login(world.head), login(secretary)
    alice_data = form_data(alice.get(url("protocol_edit", draft.pk)), "protocol-editor")
    bob_data = form_data(bob.get(url("protocol_edit", draft.pk)), "protocol-editor")

    alice_data["items-0-decided"] = "Решение Алисы"
    assert alice.post(url("protocol_edit", draft.pk), alice_data).status_code == 302
    bob_data["items-0-decided"] = "Решение Боба"
    bob_data["items-1-heard"] = "Бобов доклад"
    refused = bob.post(url("protocol_edit", draft.pk), bob_data)

    assert refused.status_code == 200
    assert "Ваши правки не сохранены, но остались в форме" in " ".join(messages_of(refused))
    html = refused.content.decode()
    assert 'data-testid="conflict"' in html and "Решение Боба" in html and "Бобов доклад" in html
    items = list(ProtocolItem.objects.filter(protocol=draft).order_by("position"))
    assert (items[0].decided, items[1].heard) == ("Решение Алисы", "")
    # The page now carries the new version: a second save overwrites, on purpose.
    again = form_data(refused, "protocol-editor")
    assert again["version"] == "2"
    assert bob.post(url("protocol_edit", draft.pk), again).status_code == 302
    assert ProtocolItem.objects.get(pk=items[0].pk).decided == "Решение Боба"


def test_questions_are_added_and_removed_and_a_new_ones_decisions_are_saved_with_it(world, draft):
    client = login(world.head)
    page = client.get(url("protocol_edit", draft.pk))
    data = form_data(page, "protocol-editor")
    assert data["dec-new-2-TOTAL_FORMS"] == "1"  # the blank question has its blank decision
    first, second = draft.items.order_by("position")
    due = world.year.ends_on
    data.update({
        "items-1-DELETE": "on", "items-2-decided": "Разное: принять к сведению",
        "dec-new-2-0-text": "Подготовить памятку", "dec-new-2-0-responsible": str(world.teacher_person.pk),
        "dec-new-2-0-due_on": due.isoformat(),
    })
    assert client.post(url("protocol_edit", draft.pk), data).status_code == 302
    items = list(draft.items.order_by("position"))
    assert items[0].pk == first.pk and second.pk not in [i.pk for i in items]
    new = items[1]
    assert (new.position, new.decided) == (3, "Разное: принять к сведению")
    assert list(new.decisions.values_list("text", "responsible", "due_on")) == [
        ("Подготовить памятку", world.teacher_person.pk, due)
    ]
    page = client.get(url("protocol_edit", draft.pk))
    assert f'name="dec-{new.pk}-TOTAL_FORMS"' in page.content.decode()


def test_a_new_questions_bad_decision_is_shown_and_nothing_is_saved(world, draft):
    client = login(world.head)
    data = form_data(client.get(url("protocol_edit", draft.pk)), "protocol-editor")
    data.update({"items-2-decided": "Принять к сведению", "dec-new-2-0-text": "Подготовить памятку"})
    refused = client.post(url("protocol_edit", draft.pk), data)
    assert refused.status_code == 200
    new_form = refused.context["item_formset"].forms[2]
    assert new_form.decisions.forms[0].errors.keys() == {"responsible", "due_on"}
    assert new_form["decided"].value() == "Принять к сведению"
    html = refused.content.decode()
    assert "Подготовить памятку" in html and "Укажите ответственного." in html
    assert "исправьте 1 строку" in " ".join(messages_of(refused))
    assert draft.items.count() == 2 and not Decision.objects.exists()


def test_decisions_under_a_blank_new_question_are_not_dropped_silently(world, draft):
    client = login(world.head)
    data = form_data(client.get(url("protocol_edit", draft.pk)), "protocol-editor")
    data.update({
        "dec-new-2-0-text": "Подготовить памятку", "dec-new-2-0-responsible": str(world.teacher_person.pk),
        "dec-new-2-0-due_on": world.year.ends_on.isoformat(),
    })
    refused = client.post(url("protocol_edit", draft.pk), data)
    assert refused.status_code == 200
    assert "Запишите вопрос, к которому относятся решения" in refused.content.decode()
    assert "Подготовить памятку" in refused.content.decode()
    assert draft.items.count() == 2 and not Decision.objects.exists()


def test_a_new_question_marked_deleted_saves_neither_it_nor_its_decisions(world, draft):
    client = login(world.head)
    data = form_data(client.get(url("protocol_edit", draft.pk)), "protocol-editor")
    data.update({"items-2-decided": "Передумали", "items-2-DELETE": "on", "dec-new-2-0-text": "Не нужно"})
    assert client.post(url("protocol_edit", draft.pk), data).status_code == 302
    assert draft.items.count() == 2 and not Decision.objects.exists()


def test_a_new_question_posted_without_its_decisions_is_still_saved(world, draft):
    """A page opened before the editor gave new questions their decisions posts none."""
    client = login(world.head)
    data = form_data(client.get(url("protocol_edit", draft.pk)), "protocol-editor")
    data = {k: v for k, v in data.items() if not k.startswith("dec-new-")}
    data["items-2-decided"] = "Принять к сведению"
    assert client.post(url("protocol_edit", draft.pk), data).status_code == 302
    assert draft.items.filter(decided="Принять к сведению").exists()


def test_a_decision_needs_a_responsible_and_a_due_date(world, draft):
    client = login(world.head)
    data = form_data(client.get(url("protocol_edit", draft.pk)), "protocol-editor")
    item = draft.items.order_by("position").first()
    data[f"dec-{item.pk}-0-text"] = "Провести классные часы"
    refused = client.post(url("protocol_edit", draft.pk), data)
    assert refused.status_code == 200
    decisions = refused.context["editor"].decisions[item.pk]
    assert decisions.forms[0].errors.keys() == {"responsible", "due_on"}
    assert not Decision.objects.exists()


def test_the_protocol_page_gives_the_count_and_an_appended_list_above_fifteen(world):
    meeting = f.recorded_meeting(world)
    people = f.add_members(world, 16)
    f.mark_attendance(world, meeting, people)
    protocol = services.protocol_create(meeting=meeting, user=world.head)
    html = login(world.head).get(url("protocol", protocol.pk)).content.decode()
    assert "Присутствовали: 16 человек (список прилагается)." in html
    assert people[0].short_name in html  # in the appendix


def test_signing_refusals_are_shown(world, draft):
    client = login(world.head)
    no_confirm = client.post(url("protocol_sign", draft.pk), {}, follow=True)
    assert "Подтвердите" in " ".join(messages_of(no_confirm))
    response = client.post(url("protocol_sign", draft.pk), {"confirm": "on"}, follow=True)
    text = " ".join(messages_of(response))
    assert "не указан председатель" in text and "не указан секретарь" in text
    assert "не записано, что решили" in text or "нет ни одного вопроса" in text
    assert not Protocol.objects.get(pk=draft.pk).is_signed


def test_a_teacher_reads_a_signed_protocol_and_not_a_draft(world, draft):
    teacher = login(world.teacher)
    assert teacher.get(url("protocol", draft.pk)).status_code == 404
    assert teacher.get(url("protocol_pdf", draft.pk)).status_code == 404
    page = teacher.get(url("meeting", draft.meeting_id)).content.decode()
    assert "Протокол готовится" in page and url("protocol", draft.pk) not in page
    signed = f.sign_protocol(world, f.recorded_meeting(world, theme="Подписанное"))
    page = teacher.get(url("protocol", signed.pk))
    assert page.status_code == 200
    assert 'data-testid="sign"' not in page.content.decode()
    assert 'data-testid="protocol-edit"' not in page.content.decode()
    assert pdf_bytes(teacher.get(url("protocol_pdf", signed.pk))).startswith(b"%PDF")


def test_a_signed_pdf_answers_not_modified_to_its_etag(world):
    signed = f.sign_protocol(world, f.recorded_meeting(world))
    client = login(world.teacher)
    response = client.get(url("protocol_pdf", signed.pk), HTTP_IF_NONE_MATCH=f'"{signed.pdf_sha256}"')
    assert response.status_code == 304


def test_a_drafts_pdf_is_a_preview_marked_draft_and_never_cached(world, draft):
    response = login(world.head).get(url("protocol_pdf", draft.pk))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "draft" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert not Protocol.objects.get(pk=draft.pk).pdf


# --- query counts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", ["protocol", "protocol_edit"])
def test_protocol_pages_run_the_same_queries_for_1_or_5_questions(world, page):
    small = f.build_protocol(world, n_items=1, n_attendees=3, theme="Маленькое")
    large = f.build_protocol(world, n_items=5, n_attendees=25, theme="Большое")
    client = login(world.head)
    client.get(url(page, small.pk))
    assert count_queries(client, url(page, small.pk)) == count_queries(client, url(page, large.pk))


def test_protocol_page_query_count(world, django_assert_num_queries):
    protocol = f.build_protocol(world, n_items=5, n_attendees=25, theme="Большое")
    Guest.objects.create(meeting=protocol.meeting, full_name="Петрова Е.Н.")
    client = login(world.head)
    # 1 session, 2 user, 3 person (roles), 4 appointments (roles), 5 the protocol with its meeting,
    # association, school, district, year, chair, secretary, signer (scoped by a subquery),
    # 6 attendance with people, 7 questions with speakers (and their schools) and agenda
    # questions, 8 the speakers' classes that year (prefetch: СЛУШАЛИ names the class), 9 the
    # decisions with the responsible (prefetch), 10 guests, 11 agenda, 12 its speakers (prefetch)
    with django_assert_num_queries(12):
        response = client.get(url("protocol", protocol.pk))
    assert response.content.decode().count('data-testid="protocol-item"') == 5


def test_protocol_pages_carry_no_inline_script_or_style(world, draft):
    client = login(world.head)
    for path in [url("protocol", draft.pk), url("protocol_edit", draft.pk)]:
        response = client.get(path)
        html = response.content.decode()
        assert "<script>" not in html and "style=" not in html and " onclick=" not in html, path


def test_a_secretary_is_called_a_secretary_in_the_header(world, secretary, client):
    client.force_login(secretary)
    assert roles_for(secretary).label == "секретарь МО"
    assert "секретарь МО" in client.get("/").content.decode()


def test_the_rmo_protocol_editor_lists_its_members_and_on_request_the_district(world):
    """The РМО's pickers (chair, secretary, speakers, responsible) list its members of the
    year and the methodical office; the whole district on request, and a choice made there
    is saved and listed afterwards."""
    meeting = f.recorded_meeting(world, association=world.rmo, user=world.methodologist)
    f.add_agenda(meeting, 1)
    protocol = services.protocol_create(meeting=meeting, user=world.methodologist)
    member = f.PersonFactory(school=world.other_school, last_name="Членова")
    f.MembershipFactory(association=world.rmo, person=member, academic_year=world.year)
    outside = f.PersonFactory(school=world.other_school, last_name="Районная")
    client = login(world.methodologist)

    page = client.get(url("protocol_edit", protocol.pk))
    html = page.content.decode()
    assert member.short_name in html and world.methodologist.person.short_name in html
    assert outside.short_name not in html

    whole = url("protocol_edit", protocol.pk) + "?people=district"
    data = form_data(client.get(whole), "protocol-editor")
    data["items-0-heard_person"] = str(outside.pk)
    saved = client.post(whole, data)
    assert saved.status_code == 302 and saved["Location"] == whole
    assert protocol.items.get().heard_person == outside
    assert outside.short_name in client.get(url("protocol_edit", protocol.pk)).content.decode()  # chosen: listed
