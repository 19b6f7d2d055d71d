"""The meeting pages: who may open and change what (the access matrix of every meetings and
protocol page and action), the meeting form (agenda and guests, the academic year of a late
August meeting, plan items, optimistic locking), cancel and «held», the attendance sheet, and
query counts that do not grow with the agenda or the attendance."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from associations.models import AcademicYear, AnnualPlan, Appointment, PlanItem, PlanSection
from meetings import services
from meetings.models import AgendaItem, Attendance, Guest, Meeting, Protocol, ProtocolItem
from tests import factories as f
from tests.helpers import count_queries, form_data, login, messages_of


def url(name: str, *args) -> str:
    return reverse(f"meetings:{name}", args=args)


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def secretary(world):
    """A class teacher of the school appointed the МО's secretary."""
    user = f.UserFactory(username="secretary")
    person = f.PersonFactory(user=user, school=world.school, last_name="Никитина", first_name="Светлана",
                             patronymic="Олеговна")
    f.MembershipFactory(association=world.mo, person=person, academic_year=world.year)
    f.AppointmentFactory(association=world.mo, person=person, role=Appointment.Role.SECRETARY)
    return user


@pytest.fixture
def scene(world):
    """Three meetings of the school МО: one with a signed protocol, one with a draft, one planned
    without a protocol (in the past, so that «held» is possible)."""
    people = [world.head_person, world.teacher_person]
    signed_meeting = f.recorded_meeting(world, theme="Установочное заседание")
    f.add_agenda(signed_meeting, 1, [world.head_person])
    f.mark_attendance(world, signed_meeting, people)
    signed = f.sign_protocol(world, signed_meeting)

    draft_meeting = f.recorded_meeting(world, theme="Профилактика")
    f.add_agenda(draft_meeting, 1)
    f.mark_attendance(world, draft_meeting, people)
    draft = services.protocol_create(meeting=draft_meeting, user=world.head)
    ProtocolItem.objects.filter(protocol=draft).update(decided="Принять к сведению")
    Protocol.objects.filter(pk=draft.pk).update(chair=world.head_person, secretary=world.teacher_person)

    planned = f.recorded_meeting(world, day=world.year.starts_on, hour=0, minute=5, theme="Без протокола")
    f.mark_attendance(world, planned, people)
    return {"signed": signed, "draft": draft, "planned": planned}


def targets(world, scene) -> dict[str, tuple[str, str, dict]]:
    signed, draft, planned = scene["signed"], scene["draft"], scene["planned"]
    return {
        # read
        "association_meetings": ("get", url("association_meetings", world.mo.pk), {}),
        "meeting": ("get", url("meeting", signed.meeting_id), {}),
        "attendance": ("get", url("attendance", planned.pk), {}),
        "protocol_signed": ("get", url("protocol", signed.pk), {}),
        "pdf_signed": ("get", url("protocol_pdf", signed.pk), {}),
        # drafts: those who write or oversee the association
        "protocol_draft": ("get", url("protocol", draft.pk), {}),
        "pdf_draft": ("get", url("protocol_pdf", draft.pk), {}),
        # editors
        "meeting_create": ("get", url("meeting_create", world.mo.pk), {}),
        "meeting_edit": ("get", url("meeting_edit", planned.pk), {}),
        "protocol_edit": ("get", url("protocol_edit", draft.pk), {}),
        # actions
        "attendance_post": ("post", url("attendance", planned.pk), {
            "att-TOTAL_FORMS": "1", "att-INITIAL_FORMS": "1", "att-0-person": str(world.teacher_person.pk),
            "att-0-present": "0", "att-0-absence_reason": "отпуск",
        }),
        "meeting_create_post": ("post", url("meeting_create", world.mo.pk), {"theme": "Чужое"}),
        "meeting_edit_post": ("post", url("meeting_edit", planned.pk), {"theme": "Чужое"}),
        "meeting_cancel": ("post", url("meeting_cancel", planned.pk), {"reason": "Карантин"}),
        "meeting_hold": ("post", url("meeting_hold", planned.pk), {}),
        "protocol_create": ("post", url("protocol_create", planned.pk), {}),
        "protocol_sign": ("post", url("protocol_sign", draft.pk), {"confirm": "on"}),
        "protocol_edit_post": ("post", url("protocol_edit", draft.pk), {"version": "1"}),
    }


READ = ["association_meetings", "meeting", "attendance", "protocol_signed", "pdf_signed"]
DRAFT_READ = ["protocol_draft", "pdf_draft"]
EDITORS = ["meeting_create", "meeting_edit", "protocol_edit"]
ACTIONS = [
    "attendance_post", "meeting_create_post", "meeting_edit_post", "meeting_cancel", "meeting_hold",
    "protocol_create", "protocol_sign", "protocol_edit_post",
]
ON_DRAFT = [*DRAFT_READ, "protocol_edit", "protocol_sign", "protocol_edit_post"]


def expected(role: str, target: str) -> int:
    if role in ("other_deputy", "other_district_methodologist", "outsider"):
        return 404
    if role in ("head", "secretary"):
        return 200  # actions are tested with their effects below
    if target in READ:
        return 200
    if role == "teacher" and target in ON_DRAFT:
        return 404  # a class teacher reads a protocol once it is signed: a draft is not there for them
    if target in DRAFT_READ:
        return 200
    return 403


def _snapshot(scene):
    planned = Meeting.objects.get(pk=scene["planned"].pk)
    return (
        planned.status, planned.theme, planned.version,
        sorted(Attendance.objects.filter(meeting=planned).values_list("person_id", "present", "absence_reason")),
        sorted(Protocol.objects.values_list("pk", "status", "version", "chair_id")),
        Meeting.objects.count(),
    )


@pytest.mark.parametrize(
    "role", ["head", "secretary", "teacher", "deputy", "methodologist", "other_deputy",
             "other_district_methodologist", "outsider"],
)
def test_access_matrix(world, scene, secretary, role):
    user = secretary if role == "secretary" else getattr(world, role)
    client = login(user)
    before = _snapshot(scene)
    for name, (method, path, data) in targets(world, scene).items():
        if role in ("head", "secretary") and name in ACTIONS:
            continue
        response = getattr(client, method)(path, data)
        assert response.status_code == expected(role, name), (role, name, response.status_code)
    assert _snapshot(scene) == before  # nobody changed anything through a refused request


def test_anonymous_is_sent_to_login(world, scene, client):
    for name, (method, path, data) in targets(world, scene).items():
        response = getattr(client, method)(path, data)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name


def test_unknown_or_malformed_ids_are_404(world, client_for):
    client = client_for(world.head)
    for path in ["/meetings/999999/", "/meetings/999999/attendance/", "/meetings/protocols/999999/",
                 "/meetings/protocols/999999/pdf/", "/meetings/associations/999999/",
                 "/meetings/99999999999999999999/"]:
        assert client.get(path).status_code == 404, path


def test_class_teachers_read_their_districts_rmo_events_but_not_another_districts(world, client_for):
    rmo_meeting = f.recorded_meeting(world, association=world.rmo, user=world.methodologist, theme="Районный семинар")
    f.AppointmentFactory(association=world.other_district_rmo, person=world.other_district_methodologist.person)
    far = f.recorded_meeting(world, association=world.other_district_rmo, user=world.other_district_methodologist)
    client = client_for(world.teacher)
    assert client.get(url("meeting", rmo_meeting.pk)).status_code == 200
    assert client.get(url("association_meetings", world.rmo.pk)).status_code == 200
    assert client.get(url("meeting_edit", rmo_meeting.pk)).status_code == 403
    assert client.get(url("meeting", far.pk)).status_code == 404
    # The methodologist records the district's РМО, not a school МО.
    methodologist = login(world.methodologist)
    assert methodologist.get(url("meeting_edit", rmo_meeting.pk)).status_code == 200
    assert methodologist.get(url("meeting_create", world.mo.pk)).status_code == 403


def test_the_secretary_records_but_a_former_secretary_does_not(world, secretary):
    meeting = f.recorded_meeting(world)
    assert login(secretary).get(url("meeting_edit", meeting.pk)).status_code == 200
    # Her last day in office was yesterday.
    Appointment.objects.filter(role=Appointment.Role.SECRETARY).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert login(secretary).get(url("meeting_edit", meeting.pk)).status_code == 403


# --- the association's meetings ------------------------------------------------------------------


def test_association_meetings_lists_the_years_meetings_with_their_protocols(world, scene, client_for):
    next_year = AcademicYear.objects.get_or_create(start_year=world.year.start_year + 1)[0]
    later = f.recorded_meeting(world, day=next_year.starts_on + datetime.timedelta(days=10), theme="В следующем году")
    page = client_for(world.head).get(url("association_meetings", world.mo.pk))
    html = page.content.decode()
    assert html.count('data-testid="meeting-row"') == 3
    assert f"№ {scene['signed'].number}" in html and "черновик" in html
    assert later.theme not in html
    assert 'data-testid="meeting-create"' in html
    other = client_for(world.head).get(url("association_meetings", world.mo.pk), {"year": next_year.pk})
    assert later.theme in other.content.decode()


def test_teachers_see_no_create_button_and_no_draft_link(world, scene, client_for):
    html = client_for(world.teacher).get(url("association_meetings", world.mo.pk)).content.decode()
    assert 'data-testid="meeting-create"' not in html
    assert url("protocol", scene["draft"].pk) not in html
    assert url("protocol", scene["signed"].pk) in html


def test_the_short_form_of_the_list_plans_a_meeting_and_opens_its_agenda(world):
    client = login(world.head)
    data = form_data(client.get(url("association_meetings", world.mo.pk)), "meeting-quick-form")
    day = world.year.starts_on + datetime.timedelta(days=30)

    refused = client.post(url("meeting_create", world.mo.pk), {**data, "date": day.isoformat()})
    assert refused.status_code == 200  # the full form, with the error next to the theme
    assert refused.context["form"].errors["theme"] == ["Укажите тему."]
    assert not Meeting.objects.exists()

    data.update({"theme": "Профилактика буллинга", "date": day.isoformat(), "kind": Meeting.Kind.ROUND_TABLE})
    response = client.post(url("meeting_create", world.mo.pk), data)
    meeting = Meeting.objects.get()
    assert response["Location"] == url("meeting_edit", meeting.pk)
    assert (meeting.kind, meeting.duration_minutes, meeting.academic_year) == (
        Meeting.Kind.ROUND_TABLE, 90, world.year,
    )
    assert timezone.localtime(meeting.starts_at) == f.at(day, 15)


def test_association_page_links_to_its_meetings(world, client_for):
    html = client_for(world.head).get(reverse("associations:detail", args=[world.mo.pk])).content.decode()
    assert url("association_meetings", world.mo.pk) in html
    assert url("meeting_create", world.mo.pk) in html
    teacher_html = client_for(world.teacher).get(reverse("associations:detail", args=[world.mo.pk])).content.decode()
    assert url("association_meetings", world.mo.pk) in teacher_html
    assert url("meeting_create", world.mo.pk) not in teacher_html


# --- the meeting form ------------------------------------------------------------------------------


def _create_page(client, world):
    response = client.get(url("meeting_create", world.mo.pk))
    assert response.status_code == 200
    return response


def test_create_a_meeting_with_its_agenda_and_guests(world):
    client = login(world.head)
    data = form_data(_create_page(client, world), "meeting-form")
    day = world.year.starts_on + datetime.timedelta(days=50)
    data.update({
        "kind": Meeting.Kind.WORKSHOP, "theme": "Профилактика деструктивного поведения", "date": day.isoformat(),
        "time": "14:30", "duration_minutes": "120", "place": "актовый зал",
        "agenda-0-title": "о профилактике деструктивного поведения обучающихся",
        "agenda-0-speakers": [str(world.teacher_person.pk), str(world.head_person.pk)],
        "agenda-1-title": "Об итогах мониторинга", "agenda-1-guest_speakers": "Зайцева К.М., педагог-психолог",
        "guests-0-full_name": "Петрова Е.Н.", "guests-0-position": "заместитель директора по ВР",
    })
    response = client.post(url("meeting_create", world.mo.pk), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert response["Location"] == url("meeting", meeting.pk)
    assert meeting.kind == Meeting.Kind.WORKSHOP and meeting.created_by == world.head
    assert timezone.localtime(meeting.starts_at) == f.at(day, 14, 30)
    assert meeting.academic_year == world.year
    agenda = list(meeting.agenda.order_by("position"))
    assert [a.title for a in agenda] == [
        "О профилактике деструктивного поведения обучающихся", "Об итогах мониторинга",
    ]
    assert set(agenda[0].speakers.all()) == {world.teacher_person, world.head_person}
    assert agenda[1].guest_speakers == "Зайцева К.М., педагог-психолог"
    assert list(meeting.guests.values_list("full_name", flat=True)) == ["Петрова Е.Н."]

    page = client.get(url("meeting", meeting.pk)).content.decode()
    assert "Об итогах мониторинга" in page
    assert "Волкова А.П., Соколова М.П." in page or "Соколова М.П., Волкова А.П." in page
    assert "Петрова Е.Н., заместитель директора по ВР" in page


def test_a_late_august_meeting_defaults_to_the_coming_year_and_the_form_says_so(world):
    client = login(world.head)
    data = form_data(_create_page(client, world), "meeting-form")
    late_august = datetime.date(world.year.start_year + 1, 8, 28)
    data.update({"theme": "", "date": late_august.isoformat(), "time": "10:00"})

    refused = client.post(url("meeting_create", world.mo.pk), data)

    assert refused.status_code == 200
    coming = f"{late_august.year}/{late_august.year + 1}"
    note = refused.context["form"].year_note
    assert coming in note and "следующему учебному году" in note
    assert coming in refused.content.decode()
    assert not Meeting.objects.exists()

    data["theme"] = "Установочное заседание"
    assert client.post(url("meeting_create", world.mo.pk), data).status_code == 302
    assert Meeting.objects.get().academic_year.start_year == late_august.year
    # …unless the user puts it in the ending year on purpose: late August belongs to both.
    data["academic_year"] = str(world.year.pk)
    assert client.post(url("meeting_create", world.mo.pk), data).status_code == 302
    assert Meeting.objects.filter(academic_year=world.year).count() == 1


def test_a_year_that_does_not_contain_the_date_is_refused(world):
    client = login(world.head)
    data = form_data(_create_page(client, world), "meeting-form")
    previous = AcademicYear.objects.get_or_create(start_year=world.year.start_year - 1)[0]
    data.update({"theme": "Тема", "date": (world.year.starts_on + datetime.timedelta(days=20)).isoformat(),
                 "academic_year": str(previous.pk)})
    response = client.post(url("meeting_create", world.mo.pk), data)
    assert response.status_code == 200
    assert "не относится" in " ".join(response.context["form"].errors["academic_year"])
    assert not Meeting.objects.exists()


def test_an_agenda_question_must_start_with_o_ob_obo(world):
    client = login(world.head)
    data = form_data(_create_page(client, world), "meeting-form")
    data.update({"theme": "Тема", "date": (world.year.starts_on + datetime.timedelta(days=20)).isoformat(),
                 "agenda-0-title": "Подготовка к новогодним праздникам", "agenda-1-title": "Обо всём понемногу"})
    response = client.post(url("meeting_create", world.mo.pk), data)
    assert response.status_code == 200
    agenda = response.context["agenda"]
    assert "«О», «Об» или «Обо»" in " ".join(agenda.forms[0].errors["title"])
    assert not agenda.forms[1].errors
    assert 'class="invalid-feedback d-block">Вопрос повестки начинается' in response.content.decode()
    assert not Meeting.objects.exists() and not AgendaItem.objects.exists()
    assert response.context["form"]["theme"].value() == "Тема"  # what was typed stays


def test_speakers_are_chosen_from_the_associations_people(world):
    stranger = f.PersonFactory(school=world.other_school)
    client = login(world.head)
    data = form_data(_create_page(client, world), "meeting-form")
    data.update({"theme": "Тема", "date": (world.year.starts_on + datetime.timedelta(days=20)).isoformat(),
                 "agenda-0-title": "О плане", "agenda-0-speakers": [str(stranger.pk)]})
    response = client.post(url("meeting_create", world.mo.pk), data)
    assert response.status_code == 200
    assert response.context["agenda"].forms[0].errors["speakers"]
    assert stranger.short_name not in _create_page(client, world).content.decode()


def test_the_meeting_links_to_an_item_of_the_associations_plan_for_its_year(world):
    section = PlanSection.objects.get(name="Заседания МО")
    plan = AnnualPlan.objects.create(association=world.mo, academic_year=world.year)
    item = PlanItem.objects.create(plan=plan, position=1, section=section, content="Заседание МО № 2")
    next_year = AcademicYear.objects.get_or_create(start_year=world.year.start_year + 1)[0]
    next_plan = AnnualPlan.objects.create(association=world.mo, academic_year=next_year)
    next_item = PlanItem.objects.create(plan=next_plan, position=1, section=section, content="Следующий год")
    other_item = PlanItem.objects.create(
        plan=AnnualPlan.objects.create(association=world.other_mo, academic_year=world.year),
        position=1, section=section, content="Чужой план",
    )
    client = login(world.head)
    page = _create_page(client, world)
    assert "Заседание МО № 2" in page.content.decode() and "Чужой план" not in page.content.decode()
    data = form_data(page, "meeting-form")
    data.update({"theme": "Тема", "date": (world.year.starts_on + datetime.timedelta(days=20)).isoformat()})

    wrong_year = client.post(url("meeting_create", world.mo.pk), {**data, "plan_item": str(next_item.pk)})
    assert "на другой" in " ".join(wrong_year.context["form"].errors["plan_item"]) or \
        wrong_year.context["form"].errors["plan_item"]
    foreign = client.post(url("meeting_create", world.mo.pk), {**data, "plan_item": str(other_item.pk)})
    assert foreign.context["form"].errors["plan_item"]
    assert client.post(url("meeting_create", world.mo.pk), {**data, "plan_item": str(item.pk)}).status_code == 302
    assert Meeting.objects.get().plan_item == item


def test_edit_changes_the_meeting_its_agenda_and_guests(world):
    meeting = f.recorded_meeting(world, place="каб. 1")
    first, second = f.add_agenda(meeting, 2, [world.teacher_person])
    Guest.objects.create(meeting=meeting, full_name="Петрова Е.Н.")
    client = login(world.head)
    data = form_data(client.get(url("meeting_edit", meeting.pk)), "meeting-form")
    assert data["agenda-0-title"] == "О вопросе 1" and data["version"] == "1"
    data.update({
        "place": "актовый зал", "agenda-0-title": "О новой формулировке", "agenda-1-DELETE": "on",
        "agenda-2-title": "Об участии в конкурсе", "guests-0-DELETE": "on", "guests-1-full_name": "Зайцева К.М.",
    })
    response = client.post(url("meeting_edit", meeting.pk), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    meeting.refresh_from_db()
    assert meeting.place == "актовый зал" and meeting.version == 2
    assert list(meeting.agenda.order_by("position").values_list("title", flat=True)) == [
        "О новой формулировке", "Об участии в конкурсе",
    ]
    assert meeting.agenda.get(pk=first.pk).speakers.get() == world.teacher_person
    assert not AgendaItem.objects.filter(pk=second.pk).exists()
    assert list(meeting.guests.values_list("full_name", flat=True)) == ["Зайцева К.М."]


def test_concurrent_edits_of_a_meeting_keep_what_was_typed(world):
    meeting = f.recorded_meeting(world, theme="Исходная тема")
    alice, bob = login(world.head), login(world.head)
    alice_data = form_data(alice.get(url("meeting_edit", meeting.pk)), "meeting-form")
    bob_data = form_data(bob.get(url("meeting_edit", meeting.pk)), "meeting-form")

    alice_data["theme"] = "Тема Алисы"
    assert alice.post(url("meeting_edit", meeting.pk), alice_data).status_code == 302
    bob_data["theme"] = "Тема Боба"
    refused = bob.post(url("meeting_edit", meeting.pk), bob_data)

    assert refused.status_code == 200
    assert "другой пользователь" in " ".join(messages_of(refused))
    assert 'data-testid="conflict"' in refused.content.decode()
    assert refused.context["form"]["theme"].value() == "Тема Боба"
    assert Meeting.objects.get(pk=meeting.pk).theme == "Тема Алисы"
    # The page now carries the new version: saving again overwrites, on purpose.
    again = form_data(refused, "meeting-form")
    assert again["version"] == "2"
    assert bob.post(url("meeting_edit", meeting.pk), again).status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).theme == "Тема Боба"


def test_a_meeting_with_a_signed_protocol_is_not_edited(world, scene):
    meeting = scene["signed"].meeting
    client = login(world.head)
    response = client.get(url("meeting_edit", meeting.pk))
    assert response.status_code == 302 and response["Location"] == url("meeting", meeting.pk)
    before = Meeting.objects.get(pk=meeting.pk)
    response = client.post(url("meeting_edit", meeting.pk), {"theme": "Переписано", "version": before.version})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).theme == before.theme
    assert "Изменить</a>" not in client.get(url("meeting", meeting.pk)).content.decode()


# --- cancel and «held» ------------------------------------------------------------------------------


def test_cancel_needs_a_reason(world):
    meeting = f.recorded_meeting(world)
    client = login(world.head)
    refused = client.post(url("meeting_cancel", meeting.pk), {"reason": "  "})
    assert refused.status_code == 200
    assert refused.context["cancel_form"].errors["reason"]
    assert 'class="collapse show' in refused.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == Meeting.Status.PLANNED

    response = client.post(url("meeting_cancel", meeting.pk), {"reason": "Карантин по гриппу"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED and meeting.cancel_reason == "Карантин по гриппу"
    page = client.get(url("meeting", meeting.pk)).content.decode()
    assert "Карантин по гриппу" in page and 'data-testid="protocol-create"' not in page
    refused = client.post(url("protocol_create", meeting.pk), follow=True)
    assert "отменённому" in " ".join(messages_of(refused))
    assert not Protocol.objects.exists()


def test_a_meeting_with_a_protocol_is_not_cancelled(world, scene):
    client = login(world.head)
    response = client.post(url("meeting_cancel", scene["draft"].meeting_id), {"reason": "Передумали"}, follow=True)
    assert "уже есть протокол" in " ".join(messages_of(response))
    assert Meeting.objects.get(pk=scene["draft"].meeting_id).status != Meeting.Status.CANCELLED


def test_held_marks_a_past_meeting_and_refuses_a_future_one(world):
    past = f.recorded_meeting(world, day=world.year.starts_on, hour=0, minute=5)
    future = f.recorded_meeting(world, day=timezone.localdate() + datetime.timedelta(days=3))
    client = login(world.head)
    assert 'data-testid="meeting-hold"' not in client.get(url("meeting", future.pk)).content.decode()
    refused = client.post(url("meeting_hold", future.pk), follow=True)
    assert "ещё не началось" in " ".join(messages_of(refused))
    assert Meeting.objects.get(pk=future.pk).status == Meeting.Status.PLANNED
    client.post(url("meeting_hold", past.pk))
    assert Meeting.objects.get(pk=past.pk).status == Meeting.Status.HELD


# --- attendance ---------------------------------------------------------------------------------------


def test_attendance_lists_the_members_of_the_meetings_year(world):
    members = f.add_members(world, 3)
    next_year = AcademicYear.objects.get_or_create(start_year=world.year.start_year + 1)[0]
    f.add_members(world, 1, year=next_year)  # a member of another year is not on this sheet
    meeting = f.recorded_meeting(world)
    Guest.objects.create(meeting=meeting, full_name="Петрова Е.Н.", position="заместитель директора по ВР")
    response = login(world.head).get(url("attendance", meeting.pk))
    html = response.content.decode()
    assert html.count('data-testid="attendance-row"') == 5  # head, teacher and three more
    for person in [*members, world.head_person, world.teacher_person]:
        assert person.full_name in html
    assert "Петрова Е.Н., заместитель директора по ВР" in html
    assert "присутствовала" in html  # the women of the test world, in their gender


def test_absent_without_a_reason_is_an_error_next_to_the_row_and_nothing_is_saved(world):
    f.add_members(world, 2)
    meeting = f.recorded_meeting(world)
    client = login(world.head)
    data = form_data(client.get(url("attendance", meeting.pk)), "attendance-form")
    data.update({"att-1-present": "0", "att-1-absence_reason": ""})

    refused = client.post(url("attendance", meeting.pk), data)

    assert refused.status_code == 200
    forms = refused.context["formset"].forms
    assert forms[1].errors["absence_reason"] == ["Укажите причину отсутствия."]
    assert not forms[0].errors and not forms[2].errors
    assert 'data-testid="reason-error"' in refused.content.decode()
    assert "исправьте 1 строку" in " ".join(messages_of(refused))
    assert not Attendance.objects.filter(meeting=meeting).exists()


def test_attendance_is_saved_and_counted(world):
    f.add_members(world, 2)
    meeting = f.recorded_meeting(world)
    Guest.objects.create(meeting=meeting, full_name="Петрова Е.Н.")
    client = login(world.head)
    data = form_data(client.get(url("attendance", meeting.pk)), "attendance-form")
    data.update({"att-0-present": "0", "att-0-absence_reason": "больничный лист"})

    response = client.post(url("attendance", meeting.pk), data)

    assert response.status_code == 302 and response["Location"] == url("meeting", meeting.pk)
    assert Attendance.objects.filter(meeting=meeting, present=True).count() == 3
    absent = Attendance.objects.get(meeting=meeting, present=False)
    assert absent.absence_reason == "больничный лист"
    page = client.get(url("meeting", meeting.pk))
    assert (page.context["detail"].present, page.context["detail"].absent) == (3, 1)
    html = page.content.decode()
    assert 'data-testid="present-count">3<' in html and 'data-testid="absent-count">1<' in html
    assert 'data-testid="guest-count">1<' in html
    # Marked again: the sheet shows the saved marks.
    again = form_data(client.get(url("attendance", meeting.pk)), "attendance-form")
    assert again["att-0-present"] == "0" and again["att-0-absence_reason"] == "больничный лист"


def test_a_teacher_reads_the_attendance_without_a_form(world):
    meeting = f.recorded_meeting(world)
    f.mark_attendance(world, meeting, [world.head_person, world.teacher_person], absent=[world.head_person])
    response = login(world.teacher).get(url("attendance", meeting.pk))
    assert response.status_code == 200
    assert response.context["formset"] is None
    assert 'id="attendance-form"' not in response.content.decode()
    assert "больничный лист" in response.content.decode()


def test_attendance_of_a_signed_protocol_is_frozen(world, scene):
    meeting = scene["signed"].meeting
    client = login(world.head)
    page = client.get(url("attendance", meeting.pk))
    assert page.context["formset"] is None
    before = sorted(Attendance.objects.filter(meeting=meeting).values_list("person_id", "present", "absence_reason"))
    response = client.post(url("attendance", meeting.pk), {
        "att-TOTAL_FORMS": "1", "att-INITIAL_FORMS": "1", "att-0-person": str(world.teacher_person.pk),
        "att-0-present": "0", "att-0-absence_reason": "отпуск",
    }, follow=True)
    assert "подписан" in " ".join(messages_of(response))
    after = sorted(Attendance.objects.filter(meeting=meeting).values_list("person_id", "present", "absence_reason"))
    assert after == before


# --- pages that do not grow with their rows ------------------------------------------------------------


@pytest.mark.parametrize("page", ["meeting", "attendance"])
def test_meeting_pages_run_the_same_queries_for_3_or_25_people(world, page):
    small = f.build_meeting(world, n_agenda=1, n_attendees=3, theme="Маленькое")
    large = f.build_meeting(world, n_agenda=5, n_attendees=25, theme="Большое")
    client = login(world.head)
    client.get(url(page, small.pk))  # warm-up: the current academic year, sessions
    assert count_queries(client, url(page, small.pk)) == count_queries(client, url(page, large.pk))


def test_meeting_page_query_count(world, django_assert_num_queries):
    meeting = f.build_meeting(world, n_agenda=5, n_attendees=25, theme="Большое")
    client = login(world.head)
    # 1 session, 2 user, 3 person (roles), 4 appointments (roles), 5 the meeting with its
    # association, school, district, year, plan item, plan and protocol (scoped by a subquery),
    # 6 attendance counts, 7 agenda, 8 its speakers (prefetch), 9 guests
    with django_assert_num_queries(9):
        response = client.get(url("meeting", meeting.pk))
    assert response.content.decode().count("О вопросе") == 5


def test_attendance_page_query_count(world, django_assert_num_queries):
    meeting = f.build_meeting(world, n_agenda=5, n_attendees=25, theme="Большое")
    client = login(world.head)
    # 1 session, 2 user, 3 person (roles), 4 appointments (roles), 5 the meeting (scoped),
    # 6 the year's members with their people, 7 the marks with their people, 8 guests
    with django_assert_num_queries(8):
        response = client.get(url("attendance", meeting.pk))
    assert response.content.decode().count('data-testid="attendance-row"') == 27


def test_meeting_editor_query_count_is_flat(world):
    small = f.build_meeting(world, n_agenda=1, n_attendees=3, theme="Маленькое")
    large = f.build_meeting(world, n_agenda=5, n_attendees=25, theme="Большое")
    client = login(world.head)
    client.get(url("meeting_edit", small.pk))
    assert count_queries(client, url("meeting_edit", small.pk)) == count_queries(client, url("meeting_edit", large.pk))


def test_meeting_pages_carry_no_inline_script_or_style(world, scene):
    client = login(world.head)
    for path in [url("meeting", scene["planned"].pk), url("meeting_edit", scene["planned"].pk),
                 url("attendance", scene["planned"].pk), url("association_meetings", world.mo.pk),
                 url("meeting_create", world.mo.pk)]:
        response = client.get(path)
        html = response.content.decode()
        assert "<script>" not in html and "style=" not in html and " onclick=" not in html, path
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
