"""The plan's pages: the review cycle through the views, each side only its own actions, the
editor (many rows, validation, concurrent saves), execution marks, and query counts that do
not grow with the plan's rows."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.forms import CheckboxInput, SelectMultiple
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from associations.models import AcademicYear, AnnualPlan, Person, PlanItem, PlanTransition
from meetings.models import Meeting
from tests import factories as f
from tests.helpers import get_counting_queries, login, messages_of

Status = AnnualPlan.Status


# --- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture
def plan(world):
    world.head_person.email = "head@example.org"
    world.head_person.save()
    world.deputy.person.email = "zavuch@example.org"
    world.deputy.person.save()
    return f.plan_with_items(world.mo, world.year, responsible=[world.teacher_person, world.head_person])


def url(name, *args):
    return reverse(f"associations:{name}", args=args)


def status_of(plan):
    plan.refresh_from_db()
    return plan.status


def editor_data(response) -> dict:
    """What a browser without JavaScript would post back from the editor unchanged."""
    data = {"version": str(response.context["version"]), "after": "stay"}

    def put(form):
        for bound in form:
            value = bound.value()
            if isinstance(bound.field.widget, CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(bound.field.widget, SelectMultiple):
                if value:  # a browser sends nothing for an empty multiple select
                    data[bound.html_name] = [str(v) for v in value]
            elif value is None:
                data[bound.html_name] = ""
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [str(v) for v in value]
            elif isinstance(value, datetime.date):
                data[bound.html_name] = value.isoformat()
            else:
                data[bound.html_name] = str(value)

    header = response.context["header_form"]
    put(header)
    data["version"] = str(response.context["version"])
    formset = response.context["formset"]
    put(formset.management_form)
    for form in formset.forms:
        put(form)
    return data


def row_index(data, item) -> int:
    """The formset index of an item's row in editor data."""
    for key, value in data.items():
        match = re.fullmatch(r"items-(\d+)-id", key)
        if match and value == str(item.pk):
            return int(match.group(1))
    raise AssertionError(f"no row for item {item.pk}")


# --- the review cycle -----------------------------------------------------------------------


def test_the_review_cycle_through_the_pages(world, plan, django_capture_on_commit_callbacks):
    head, deputy = login(world.head), login(world.deputy)

    page = head.get(url("plan", plan.pk)).content.decode()
    assert "Отправить на рассмотрение" in page
    assert "Утвердить" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = head.post(url("plan_submit", plan.pk), follow=True)
    assert response.redirect_chain == [(url("plan", plan.pk), 302)]
    assert "План отправлен на рассмотрение." in messages_of(response)
    assert status_of(plan) == Status.SUBMITTED
    assert mail.outbox[-1].to == ["zavuch@example.org"]

    # The deputy finds it on the home page and returns it with a comment.
    home = deputy.get(reverse("home")).content.decode()
    assert "Ждут вашего внимания" in home
    assert url("plan", plan.pk) in home
    page = deputy.get(url("plan", plan.pk)).content.decode()
    assert 'data-testid="review"' in page
    assert "Редактировать план" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = deputy.post(url("plan_return", plan.pk), {"comment": "Добавьте открытые мероприятия"}, follow=True)
    assert "План возвращён на доработку." in messages_of(response)
    assert status_of(plan) == Status.RETURNED
    returned = plan.transitions.get(to_status=Status.RETURNED)
    assert (returned.from_status, returned.comment, returned.by) == (
        Status.SUBMITTED, "Добавьте открытые мероприятия", world.deputy,
    )
    letter = mail.outbox[-1]
    assert letter.to == ["head@example.org"]
    assert "Добавьте открытые мероприятия" in letter.body
    assert f"http://testserver/plans/{plan.pk}/" in letter.body

    # The head sees the comment (on the plan and on the home page) and resubmits.
    assert url("plan", plan.pk) in head.get(reverse("home")).content.decode()
    page = head.get(url("plan", plan.pk)).content.decode()
    assert "Добавьте открытые мероприятия" in page
    assert "Отправить на рассмотрение повторно" in page
    assert "Добавьте открытые мероприятия" in head.get(url("plan_edit", plan.pk)).content.decode()
    head.post(url("plan_submit", plan.pk))
    assert status_of(plan) == Status.SUBMITTED

    response = deputy.post(url("plan_approve", plan.pk), {"comment": ""}, follow=True)
    assert "План утверждён." in messages_of(response)
    assert status_of(plan) == Status.APPROVED
    assert plan.agreed_by_name == world.deputy.person.signature_name

    page = head.get(url("plan", plan.pk)).content.decode()
    assert list(plan.transitions.values_list("from_status", "to_status")) == [
        ("draft", "submitted"), ("submitted", "returned"), ("returned", "submitted"), ("submitted", "approved"),
    ]
    history = page.split('data-testid="transitions"')[1]
    assert history.count("<tr>") == 5  # the header and four steps
    assert "черновик → на рассмотрении" in history
    assert "на рассмотрении → возвращён на доработку" in history
    assert "Волкова А." in history and "Петрова Е." in history
    assert "Редактировать план" not in page and "Отправить на рассмотрение" not in page


def test_the_district_reviews_the_rmo_plan_through_the_pages(world):
    """The РМО's plan is reviewed by the head of the education department, not by the district's
    methodologist (who writes it)."""
    official = login(f.district_official(world.district).person.user)
    f.AppointmentFactory(association=world.rmo, person=world.teacher_person, order_issuer="Отдел образования")
    plan = f.plan_with_items(world.rmo, world.year, responsible=[world.teacher_person])
    rmo_head = login(world.teacher)
    assert "Редактировать план" in rmo_head.get(url("plan", plan.pk)).content.decode()
    rmo_head.post(url("plan_submit", plan.pk))
    assert status_of(plan) == Status.SUBMITTED

    assert login(world.other_district_methodologist).post(url("plan_approve", plan.pk)).status_code == 404
    assert login(world.deputy).get(url("plan", plan.pk)).status_code == 404  # a school's deputy: not theirs
    methodologist = login(world.methodologist)
    assert 'data-testid="review"' not in methodologist.get(url("plan", plan.pk)).content.decode()
    response = methodologist.post(url("plan_approve", plan.pk), follow=True)
    assert any("недоступно" in m for m in messages_of(response))
    assert status_of(plan) == Status.SUBMITTED

    assert url("plan", plan.pk) in official.get(reverse("home")).content.decode()  # waiting for her
    assert 'data-testid="review"' in official.get(url("plan", plan.pk)).content.decode()
    official.post(url("plan_approve", plan.pk))
    assert status_of(plan) == Status.APPROVED
    assert login(world.deputy).get(url("plan", plan.pk)).status_code == 200  # approved: public to the district


@pytest.mark.parametrize(
    ("start", "action", "role", "refusal"),
    [
        (Status.DRAFT, "submit", "deputy", "недоступно"),
        (Status.SUBMITTED, "approve", "head", "недоступно"),  # nobody approves their own plan
        (Status.SUBMITTED, "return", "head", "недоступно"),
        (Status.SUBMITTED, "approve", "methodologist", "недоступно"),  # the school reviews a school МО
        (Status.APPROVED, "approve", "teacher", "невозможен"),
        (Status.APPROVED, "submit", "teacher", "невозможен"),
        (Status.DRAFT, "approve", "deputy", "невозможен"),  # a draft cannot be approved
        (Status.DRAFT, "return", "deputy", "невозможен"),
        (Status.SUBMITTED, "submit", "head", "невозможен"),
        (Status.APPROVED, "submit", "head", "невозможен"),
    ],
)
def test_refused_transitions_say_why_and_change_nothing(world, start, action, role, refusal):
    plan = f.plan_with_items(world.mo, world.year, status=start, responsible=[world.head_person])
    client = login(getattr(world, role))
    response = client.post(url(f"plan_{action}", plan.pk), {"comment": "Замечание"}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(url("plan", plan.pk), 302)]
    assert any(refusal in m for m in messages_of(response)), messages_of(response)
    assert status_of(plan) == start
    assert not plan.transitions.exists()


@pytest.mark.parametrize(("action", "role"), [("submit", "teacher"), ("submit", "other_deputy")])
def test_a_draft_is_out_of_sight_of_teachers_and_other_schools(world, action, role):
    plan = f.plan_with_items(world.mo, world.year)
    assert login(getattr(world, role)).post(url(f"plan_{action}", plan.pk)).status_code == 404
    assert status_of(plan) == Status.DRAFT


def test_return_without_a_comment_shows_the_error_at_the_comment(world, plan):
    plan.status = Status.SUBMITTED
    plan.save()
    response = login(world.deputy).post(url("plan_return", plan.pk), {"comment": "   "})

    assert response.status_code == 200
    review = response.content.decode().split('data-testid="review"')[1].split("</form>")[0]
    assert "Укажите, что нужно доработать." in review
    assert "is-invalid" in review
    assert status_of(plan) == Status.SUBMITTED
    assert not plan.transitions.exists()


def test_an_empty_plan_cannot_be_submitted(world):
    plan = f.plan_with_items(world.mo, world.year, n_items=0)
    response = login(world.head).post(url("plan_submit", plan.pk), follow=True)
    assert "В плане нет ни одного пункта." in messages_of(response)
    assert status_of(plan) == Status.DRAFT


@pytest.mark.parametrize("role", ["other_deputy", "other_district_methodologist", "outsider"])
def test_outsiders_get_404_on_every_page_and_action(world, plan, role):
    client = login(getattr(world, role))
    item = plan.items.first()
    for status in (Status.DRAFT, Status.SUBMITTED, Status.APPROVED):
        AnnualPlan.objects.filter(pk=plan.pk).update(status=status)
        assert client.get(url("plan", plan.pk)).status_code == 404
        assert client.get(url("plan_edit", plan.pk)).status_code == 404
        assert client.post(url("plan_edit", plan.pk), {"theme": "x"}).status_code == 404
        for action in ("submit", "return", "approve"):
            assert client.post(url(f"plan_{action}", plan.pk), {"comment": "x"}).status_code == 404
        marked = client.post(url("plan_item_mark", item.pk), {f"mark-{item.pk}-execution": "cancelled"})
        assert marked.status_code == 404
    assert client.post(url("plan_create", world.mo.pk), {"mode": "blank"}).status_code == 404
    assert client.get(url("plan", 999_999)).status_code == 404
    plan.refresh_from_db()
    assert not plan.transitions.exists()
    assert plan.items.filter(execution=PlanItem.Execution.PENDING).count() == 3


def test_anonymous_users_are_sent_to_log_in(plan):
    response = Client().get(url("plan", plan.pk))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_actions_take_post_only(world, plan):
    client = login(world.head)
    for name in ("plan_submit", "plan_return", "plan_approve"):
        assert client.get(url(name, plan.pk)).status_code == 405
    assert client.get(url("plan_item_mark", plan.items.first().pk)).status_code == 405
    assert client.get(url("plan_create", world.mo.pk)).status_code == 405


def test_a_class_teacher_reads_the_approved_plan_and_changes_nothing(world, plan):
    teacher = login(world.teacher)
    assert teacher.get(url("plan", plan.pk)).status_code == 404  # a draft is not theirs to read

    AnnualPlan.objects.filter(pk=plan.pk).update(status=Status.APPROVED)
    response = teacher.get(url("plan", plan.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Пункт 1" in page and "Воспитание гражданина" in page
    for button in ("Редактировать план", "Отметить", "Утвердить", "Вернуть на доработку", "Отправить на рассмотрение"):
        assert button not in page

    assert teacher.get(url("plan_edit", plan.pk)).status_code == 403
    item = plan.items.first()
    response = teacher.post(
        url("plan_item_mark", item.pk),
        {f"mark-{item.pk}-execution": "done", f"mark-{item.pk}-executed_on": "2025-10-01"},
        follow=True,
    )
    assert "Это действие вам недоступно." in messages_of(response)
    item.refresh_from_db()
    assert item.execution == PlanItem.Execution.PENDING


# --- creating ---------------------------------------------------------------------------------


def test_the_association_page_offers_to_create_the_plan_then_links_to_it(world, client_for):
    detail = url("detail", world.mo.pk)
    assert "Создать пустой план" in client_for(world.head).get(detail).content.decode()
    teacher_page = login(world.teacher).get(detail).content.decode()
    assert "Плана на этот учебный год ещё нет." in teacher_page
    assert "Создать пустой план" not in teacher_page

    response = client_for(world.head).post(url("plan_create", world.mo.pk), {"mode": "blank"})
    plan = AnnualPlan.objects.get(association=world.mo)
    assert response.status_code == 302 and response.url == url("plan_edit", plan.pk)
    assert plan.academic_year == world.year
    assert plan.status == Status.DRAFT

    head_page = client_for(world.head).get(detail).content.decode()
    assert url("plan", plan.pk) in head_page
    assert "Создать пустой план" not in head_page
    teacher_page = login(world.teacher).get(detail).content.decode()
    assert "План ещё не утверждён." in teacher_page
    assert url("plan", plan.pk) not in teacher_page
    AnnualPlan.objects.filter(pk=plan.pk).update(status=Status.APPROVED)
    assert url("plan", plan.pk) in login(world.teacher).get(detail).content.decode()


def test_a_second_plan_for_the_same_year_is_refused(world, plan):
    response = login(world.head).post(url("plan_create", world.mo.pk), {"mode": "blank"}, follow=True)
    assert f"План на {world.year} учебный год уже есть." in messages_of(response)
    assert response.redirect_chain[0][0] == f"{url('detail', world.mo.pk)}?year={world.year.pk}"
    assert AnnualPlan.objects.filter(association=world.mo).count() == 1


def test_a_plan_for_another_year_and_bad_input(world):
    head = login(world.head)
    next_year = AcademicYear.objects.get_or_create(start_year=world.year.start_year + 1)[0]
    response = head.post(url("plan_create", world.mo.pk), {"mode": "blank", "year": next_year.pk})
    assert response.status_code == 302
    assert AnnualPlan.objects.get(association=world.mo).academic_year == next_year

    for data in ({"mode": "nonsense"}, {"mode": "blank", "year": "abc"}, {"mode": "blank", "year": 999_999}, {}):
        response = head.post(url("plan_create", world.mo.pk), data, follow=True)
        assert response.status_code == 200
        assert messages_of(response)
    assert AnnualPlan.objects.filter(association=world.mo).count() == 1


def test_only_a_writer_creates_a_plan(world):
    for role in ("teacher", "deputy", "methodologist"):  # the methodologist writes the РМО's plan only
        response = login(getattr(world, role)).post(url("plan_create", world.mo.pk), {"mode": "blank"}, follow=True)
        assert "Это действие вам недоступно." in messages_of(response)
    assert not AnnualPlan.objects.exists()
    response = login(world.methodologist).post(url("plan_create", world.rmo.pk), {"mode": "blank"})
    assert response.status_code == 302
    assert AnnualPlan.objects.get().association == world.rmo


def test_copy_from_last_year_through_the_view(world):
    last_year = AcademicYear.objects.get_or_create(start_year=world.year.start_year - 1)[0]
    old = f.plan_with_items(world.mo, last_year, n_items=4, status=Status.APPROVED, responsible=[world.teacher_person])
    dated = old.items.get(position=4)
    dated.timing = PlanItem.Timing.DATES
    dated.date_from = datetime.date(last_year.start_year, 11, 14)
    dated.date_to = datetime.date(last_year.start_year, 11, 15)
    dated.execution = PlanItem.Execution.DONE
    dated.executed_on = datetime.date(last_year.start_year, 11, 14)
    dated.execution_note = "Проведено"
    dated.save()
    dated.responsible.add(world.head_person)
    old.items.filter(position=1).update(execution=PlanItem.Execution.CANCELLED, execution_note="Карантин")

    response = login(world.head).post(url("plan_create", world.mo.pk), {"mode": "copy"}, follow=True)

    plan = AnnualPlan.objects.get(association=world.mo, academic_year=world.year)
    assert response.redirect_chain[-1][0] == url("plan_edit", plan.pk)
    assert any("Создан план" in m for m in messages_of(response))
    assert (plan.status, plan.theme, plan.goal, plan.tasks) == (Status.DRAFT, old.theme, old.goal, old.tasks)
    old_items = list(old.items.order_by("position"))
    new_items = list(plan.items.order_by("position"))
    assert [(i.position, i.content, i.section_id, i.form_id, i.timing, i.month) for i in new_items] == [
        (i.position, i.content, i.section_id, i.form_id, i.timing, i.month) for i in old_items
    ]
    assert [sorted(p.pk for p in i.responsible.all()) for i in new_items] == [
        sorted(p.pk for p in i.responsible.all()) for i in old_items
    ]
    assert all(
        (i.execution, i.executed_on, i.execution_note, i.moved_timing) == (PlanItem.Execution.PENDING, None, "", "")
        for i in new_items
    )
    assert (new_items[3].date_from, new_items[3].date_to) == (
        datetime.date(world.year.start_year, 11, 14), datetime.date(world.year.start_year, 11, 15),
    )
    # The editor opens on the copy.
    assert "Пункт 4" in response.content.decode()


def test_copy_without_an_earlier_plan_is_refused(world):
    response = login(world.head).post(url("plan_create", world.mo.pk), {"mode": "copy"}, follow=True)
    assert "Нет плана за прошлые годы, из которого можно скопировать." in messages_of(response)
    assert not AnnualPlan.objects.exists()


# --- the editor -------------------------------------------------------------------------------


def test_the_editor_saves_the_header_and_the_rows(world, plan):
    head = login(world.head)
    response = head.get(url("plan_edit", plan.pk))
    assert response.status_code == 200
    data = editor_data(response)
    data.update({
        "theme": "Новая тема", "considered_protocol_number": "1", "considered_on": "2025-08-29",
        "after": "close",
    })
    item = plan.items.get(position=2)
    data[f"items-{row_index(data, item)}-content"] = "Изменённый пункт"

    response = head.post(url("plan_edit", plan.pk), data, follow=True)

    assert response.redirect_chain == [(url("plan", plan.pk), 302)]
    assert "План сохранён." in messages_of(response)
    plan.refresh_from_db()
    assert (plan.theme, plan.considered_protocol_number, plan.considered_on) == (
        "Новая тема", "1", datetime.date(2025, 8, 29),
    )
    assert plan.version == 2 and plan.updated_by == world.head
    item.refresh_from_db()
    assert item.content == "Изменённый пункт"
    assert sorted(p.pk for p in item.responsible.all()) == sorted([world.teacher_person.pk, world.head_person.pk])
    assert plan.items.count() == 3  # the blank rows were not saved
    page = response.content.decode()
    assert "Изменённый пункт" in page and "протокол № 1 от 29.08.2025" in page


def test_the_editor_saves_forty_rows_with_reorder_delete_and_a_new_row(world):
    plan = f.plan_with_items(world.mo, world.year, n_items=40, responsible=[world.teacher_person])
    items = list(plan.items.order_by("position"))
    head = login(world.head)
    data = editor_data(head.get(url("plan_edit", plan.pk)))
    assert data["items-TOTAL_FORMS"] == "43"  # 40 rows and three blank ones

    first, second = row_index(data, items[0]), row_index(data, items[1])
    data[f"items-{first}-position"], data[f"items-{second}-position"] = "2", "1"  # swap the first two
    data[f"items-{row_index(data, items[4])}-DELETE"] = "on"
    data[f"items-{row_index(data, items[9])}-content"] = "Десятый пункт, исправленный"
    data[f"items-{row_index(data, items[9])}-timing"] = PlanItem.Timing.THROUGHOUT
    new = 40  # the first blank row
    data.update({
        f"items-{new}-content": "Новый пункт: круглый стол", f"items-{new}-section": str(items[0].section_id),
        f"items-{new}-timing": PlanItem.Timing.DATES, f"items-{new}-date_from": "2026-03-12",
        f"items-{new}-responsible": [str(world.head_person.pk)],
    })

    response = head.post(url("plan_edit", plan.pk), data)

    assert response.status_code == 302, response.context and response.context["formset"].errors
    saved = list(plan.items.order_by("position"))
    assert [i.position for i in saved] == list(range(1, 41))
    assert [i.pk for i in saved[:2]] == [items[1].pk, items[0].pk]
    assert items[4].pk not in {i.pk for i in saved}
    tenth = next(i for i in saved if i.pk == items[9].pk)
    assert (tenth.content, tenth.timing, tenth.month) == ("Десятый пункт, исправленный", "year", None)
    assert saved[-1].content == "Новый пункт: круглый стол"
    assert saved[-1].date_from == datetime.date(2026, 3, 12)
    assert list(saved[-1].responsible.all()) == [world.head_person]


@pytest.mark.parametrize(
    ("changes", "field", "error"),
    [
        ({"content": "  "}, "content", "Напишите содержание пункта."),
        ({"timing": "month", "month": ""}, "month", "Укажите месяц."),
        ({"timing": "dates", "date_from": ""}, "date_from", "Укажите дату."),
        ({"timing": "dates", "date_from": "2025-10-20", "date_to": "2025-10-10"}, "date_to",
         "Дата окончания раньше даты начала."),
        ({"responsible": []}, "responsible", "Укажите хотя бы одного ответственного."),
        ({"section": ""}, "section", "Выберите раздел."),
    ],
)
def test_editor_errors_are_shown_at_their_field_and_nothing_typed_is_lost(world, plan, changes, field, error):
    head = login(world.head)
    data = editor_data(head.get(url("plan_edit", plan.pk)))
    data["theme"] = "Тема, которую жалко потерять"
    index = row_index(data, plan.items.get(position=2))
    data[f"items-{index}-content"] = "Текст, который жалко потерять"
    data.update({f"items-{index}-{name}": value for name, value in changes.items()})

    response = head.post(url("plan_edit", plan.pk), data)

    assert response.status_code == 200
    form = response.context["formset"].forms[index]
    assert form.errors[field] == [error]
    page = response.content.decode()
    assert error in page
    assert "Тема, которую жалко потерять" in page
    if "content" not in changes:
        assert "Текст, который жалко потерять" in page
    assert any("не сохранён" in m for m in messages_of(response))
    plan.refresh_from_db()
    assert plan.theme == "Воспитание гражданина" and plan.version == 1
    assert plan.items.get(position=2).content == "Пункт 2"


@pytest.mark.parametrize(
    "changes",
    [
        {"section": "abc"}, {"section": "999999"}, {"form": "-1"}, {"month": "13"}, {"timing": "weekly"},
        {"position": "-5"}, {"position": "x"}, {"date_from": "31.02.2025", "timing": "dates"},
        {"responsible": ["abc"]}, {"id": "999999"}, {"id": "abc"},
    ],
)
def test_garbage_in_the_editor_is_an_error_not_a_500(world, plan, changes):
    head = login(world.head)
    data = editor_data(head.get(url("plan_edit", plan.pk)))
    data.update({f"items-0-{name}": value for name, value in changes.items()})
    response = head.post(url("plan_edit", plan.pk), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors
    assert AnnualPlan.objects.get(pk=plan.pk).version == 1


def test_responsible_people_are_limited_to_the_association(world, plan):
    stranger = f.PersonFactory(school=world.other_school, last_name="Чужая")
    head = login(world.head)
    response = head.get(url("plan_edit", plan.pk))
    assert "Чужая" not in response.content.decode()
    assert world.teacher_person.short_name in response.content.decode()

    data = editor_data(response)
    data["items-0-responsible"] = [str(stranger.pk)]
    response = head.post(url("plan_edit", plan.pk), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["responsible"] == ["Выбран педагог не из этого объединения."]


def test_the_rmo_editor_offers_its_members_and_on_request_the_whole_district(world):
    """A district has a thousand people: the РМО's pickers list its members of the year, the
    heads and secretaries of the district's associations, the methodical office and whoever is
    already responsible; «Показать всех педагогов района» lists the district (never another
    district), and a choice made there is saved."""
    plan = f.plan_with_items(world.rmo, world.year, responsible=[world.teacher_person])
    member = f.PersonFactory(school=world.other_school, last_name="Членова")
    f.MembershipFactory(association=world.rmo, person=member, academic_year=world.year)
    last_year = AcademicYear.objects.get_or_create(start_year=world.year.start_year - 1)[0]
    former = f.PersonFactory(school=world.other_school, last_name="Прошлогодняя")
    f.MembershipFactory(association=world.rmo, person=former, academic_year=last_year)
    outside = f.PersonFactory(school=world.other_school, last_name="Районная")
    far = f.PersonFactory(school=world.other_district_mo.school, last_name="Дальняя")
    client = login(world.methodologist)

    response = client.get(url("plan_edit", plan.pk))
    page = response.content.decode()
    assert member.short_name in page and world.methodologist.person.short_name in page
    assert world.teacher_person.short_name in page  # already responsible for an item
    assert world.head_person.short_name in page  # the school МО's head, by order
    former_head = f.PersonFactory(school=world.other_school, last_name="Бывшая")
    f.AppointmentFactory(association=world.other_mo, person=former_head, starts_on=last_year.starts_on,
                         ends_on=last_year.ends_on)
    assert former_head.short_name not in client.get(url("plan_edit", plan.pk)).content.decode()
    assert outside.short_name not in page and former.short_name not in page and far.short_name not in page
    assert 'data-testid="people-whole-district"' in page

    data = editor_data(response)
    data["items-0-responsible"] = [str(outside.pk)]
    refused = client.post(url("plan_edit", plan.pk), data)
    assert refused.context["formset"].forms[0].errors["responsible"] == ["Выбран педагог не из этого объединения."]

    whole = f"{url('plan_edit', plan.pk)}?people=district"
    page = client.get(whole).content.decode()
    assert outside.short_name in page and former.short_name in page and far.short_name not in page
    saved = client.post(whole, data)
    assert saved.status_code == 302 and saved["Location"] == whole  # back to the same lists
    first = plan.items.order_by("position").first()
    assert list(first.responsible.all()) == [outside]


def test_a_school_mo_editor_has_no_district_switch(world, plan):
    page = login(world.head).get(url("plan_edit", plan.pk) + "?people=district").content.decode()
    assert 'data-testid="people-scope"' not in page
    assert world.methodologist.person.short_name not in page


def test_a_plan_under_review_or_approved_cannot_be_edited(world, plan):
    head = login(world.head)
    data = editor_data(head.get(url("plan_edit", plan.pk)))
    data["theme"] = "Правка после отправки"
    for status in (Status.SUBMITTED, Status.APPROVED):
        AnnualPlan.objects.filter(pk=plan.pk).update(status=status)
        response = head.get(url("plan_edit", plan.pk), follow=True)
        assert response.redirect_chain == [(url("plan", plan.pk), 302)]
        assert any("нельзя изменять" in m for m in messages_of(response))
        response = head.post(url("plan_edit", plan.pk), data, follow=True)
        assert any("нельзя изменять" in m for m in messages_of(response))
        plan.refresh_from_db()
        assert plan.theme == "Воспитание гражданина"
        assert "Редактировать план" not in response.content.decode()


def test_only_the_writer_opens_the_editor(world, plan):
    assert login(world.deputy).get(url("plan_edit", plan.pk)).status_code == 403
    assert login(world.methodologist).get(url("plan_edit", plan.pk)).status_code == 403
    assert login(world.head).get(url("plan_edit", plan.pk)).status_code == 200


def test_concurrent_edits_never_overwrite_silently(world, plan):
    first, second = login(world.head), login(world.admin)
    first_data = editor_data(first.get(url("plan_edit", plan.pk)))
    second_data = editor_data(second.get(url("plan_edit", plan.pk)))
    item2, item3 = plan.items.get(position=2), plan.items.get(position=3)

    first_data["theme"] = "Тема от первого"
    first_data[f"items-{row_index(first_data, item2)}-content"] = "Изменён первым"
    assert first.post(url("plan_edit", plan.pk), first_data).status_code == 302

    second_data["theme"] = "Тема от второго"
    second_data[f"items-{row_index(second_data, item3)}-content"] = "Изменён вторым"
    response = second.post(url("plan_edit", plan.pk), second_data)

    assert response.status_code == 200
    page = response.content.decode()
    alert = page.split('data-testid="conflict"')[1].split("</div>")[0]
    assert f"План уже изменил(а) {world.head_person.short_name} в " in alert
    assert "Тема от первого" in alert and "Изменён первым" in alert  # what changed
    assert "Тема от второго" in page and "Изменён вторым" in page  # what this user typed is still there
    assert 'name="version" value="2"' in page  # 1 → 2 by the first save
    plan.refresh_from_db()
    assert plan.theme == "Тема от первого"
    item2.refresh_from_db()
    item3.refresh_from_db()
    assert (item2.content, item3.content) == ("Изменён первым", "Пункт 3")

    # A deliberate second save, with the version the conflict page carries, overwrites.
    second_data["version"] = str(plan.version)
    assert second.post(url("plan_edit", plan.pk), second_data).status_code == 302
    plan.refresh_from_db()
    item3.refresh_from_db()
    assert (plan.theme, item3.content, plan.version) == ("Тема от второго", "Изменён вторым", 3)


def test_a_row_deleted_by_someone_else_is_an_error_on_that_row(world, plan):
    first, second = login(world.head), login(world.admin)
    first_data = editor_data(first.get(url("plan_edit", plan.pk)))
    second_data = editor_data(second.get(url("plan_edit", plan.pk)))
    gone = plan.items.get(position=3)
    first_data[f"items-{row_index(first_data, gone)}-DELETE"] = "on"
    assert first.post(url("plan_edit", plan.pk), first_data).status_code == 302

    second_data[f"items-{row_index(second_data, gone)}-content"] = "Правка удалённого пункта"
    response = second.post(url("plan_edit", plan.pk), second_data)
    assert response.status_code == 200
    assert "пункт 3 удалён" in response.content.decode()

    second_data["version"] = str(response.context["version"])
    response = second.post(url("plan_edit", plan.pk), second_data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Этот пункт уже удалён из плана." in page and "Правка удалённого пункта" in page
    assert plan.items.count() == 2


def test_the_editor_works_without_javascript_and_carries_no_inline_script(world, plan):
    response = login(world.head).get(url("plan_edit", plan.pk))
    page = response.content.decode()
    assert page.count("data-blank-row") == 3
    assert '<template id="plan-item-template">' in page and "items-__prefix__-content" in page
    assert 'src="/static/js/plan-editor.js"' in page
    assert "<script>" not in page and "style=" not in page and " on" + "click=" not in page
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


# --- execution control ------------------------------------------------------------------------


def mark(client, item, **fields):
    data = {f"mark-{item.pk}-{name}": value for name, value in fields.items()}
    return client.post(url("plan_item_mark", item.pk), data)


@pytest.fixture
def approved(world):
    return f.plan_with_items(
        world.mo, world.year, n_items=4, status=Status.APPROVED, responsible=[world.teacher_person]
    )


def test_marks_need_their_details_and_the_errors_show_at_the_fields(world, approved):
    head = login(world.head)
    item = approved.items.get(position=1)
    cases = [
        ({"execution": "done"}, "executed_on", "Укажите дату выполнения."),
        ({"execution": "moved", "execution_note": "Болезнь"}, "moved_timing", "Укажите новый срок."),
        ({"execution": "moved", "moved_timing": "декабрь"}, "execution_note", "Укажите причину."),
        ({"execution": "cancelled"}, "execution_note", "Укажите причину."),
        ({"execution": "done", "executed_on": "2999-01-01"}, "executed_on", "Дата выполнения не может быть в будущем."),
        ({"execution": "finished"}, "execution", None),
        ({"execution": "done", "executed_on": "вчера"}, "executed_on", None),
    ]
    for fields, field, error in cases:
        response = mark(head, item, **fields)
        assert response.status_code == 200
        form = next(i.mark_form for i in response.context["detail"].items if i.pk == item.pk)
        assert field in form.errors
        if error:
            assert form.errors[field] == [error]
            # The item's form is open (collapse "show") with the error under the field.
            row = response.content.decode().split(f'id="mark-{item.pk}"')[0].rsplit("<tr", 1)[1]
            assert "show" in row
            assert error in response.content.decode()
    item.refresh_from_db()
    assert item.execution == PlanItem.Execution.PENDING


def test_marks_and_the_execution_percentage(world, approved):
    head = login(world.head)
    first, second, third, fourth = approved.items.order_by("position")
    today = timezone.localdate()

    response = mark(head, first, execution="done", executed_on=today.isoformat(), execution_note="Проведено")
    assert response.status_code == 302 and response.url.endswith(f"#item-{first.pk}")
    mark(head, second, execution="moved", moved_timing="март", execution_note="Карантин")
    mark(head, third, execution="cancelled", execution_note="Отменено приказом")

    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert (first.execution, first.executed_on, first.execution_note, first.marked_by) == (
        "done", today, "Проведено", world.head,
    )
    assert (second.execution, second.moved_timing, second.execution_note) == ("moved", "март", "Карантин")
    assert (third.execution, third.execution_note) == ("cancelled", "Отменено приказом")

    page = head.get(url("plan", approved.pk)).content.decode()
    assert 'data-testid="execution-percent">25%<' in page
    assert "на март" in page and "Отменено приказом" in page

    # Back to not marked.
    assert mark(head, first, execution="pending").status_code == 302
    first.refresh_from_db()
    assert (first.execution, first.executed_on) == ("pending", None)
    assert 'data-testid="execution-percent">0%<' in head.get(url("plan", approved.pk)).content.decode()
    assert fourth.execution == "pending"


def test_marks_only_on_an_approved_plan(world, plan):
    item = plan.items.first()
    response = login(world.head).post(
        url("plan_item_mark", item.pk),
        {f"mark-{item.pk}-execution": "done", f"mark-{item.pk}-executed_on": "2025-10-01"},
        follow=True,
    )
    assert "Отметки о выполнении ставят в утверждённом плане." in messages_of(response)
    item.refresh_from_db()
    assert item.execution == PlanItem.Execution.PENDING
    assert "Отметить" not in response.content.decode()


def test_the_deputy_reads_marks_but_does_not_set_them(world, approved):
    item = approved.items.first()
    deputy = login(world.deputy)
    assert "Отметить" not in deputy.get(url("plan", approved.pk)).content.decode()
    response = mark(deputy, item, execution="cancelled", execution_note="x")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.execution == PlanItem.Execution.PENDING


def test_overdue_items_are_highlighted_on_an_approved_plan(world, approved):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late = approved.items.get(position=2)
    late.timing, late.month, late.date_from = PlanItem.Timing.DATES, None, yesterday
    late.save()
    later = approved.items.get(position=3)
    later.timing, later.month, later.date_from = PlanItem.Timing.DATES, None, yesterday + datetime.timedelta(days=30)
    later.save()
    # Items due by month may or may not be overdue today: make them not, to count exactly.
    approved.items.filter(timing=PlanItem.Timing.MONTH).update(timing=PlanItem.Timing.THROUGHOUT, month=None)

    page = login(world.teacher).get(url("plan", approved.pk)).content.decode()
    rows = {m.group(1): m.group(2) for m in re.finditer(r'<tr id="item-(\d+)" class="([^"]*)"', page)}
    assert "plan-overdue" in rows[str(late.pk)]
    assert "plan-overdue" not in rows[str(later.pk)]
    assert 'data-testid="overdue-count">1<' in page
    assert "просрочено" in page

    # Done is not overdue; neither is anything in a plan still being written.
    mark(login(world.head), late, execution="done", executed_on=yesterday.isoformat())
    assert 'data-testid="overdue-count">0<' in login(world.head).get(url("plan", approved.pk)).content.decode()
    AnnualPlan.objects.filter(pk=approved.pk).update(status=Status.DRAFT)
    PlanItem.objects.filter(pk=late.pk).update(execution="pending")
    assert "plan-overdue" not in login(world.head).get(url("plan", approved.pk)).content.decode()


# --- what the pages show ----------------------------------------------------------------------


def test_the_plan_page_shows_header_sections_and_responsible(world, plan):
    page = login(world.head).get(url("plan", plan.pk)).content.decode()
    assert f"План работы на {world.year} учебный год" in page
    assert "черновик" in page
    assert "<li>Обновить формы работы</li>" in page and "<li>Обобщить опыт</li>" in page
    table = page.split('data-testid="plan-items"')[1]
    assert table.index("Заседания МО") < table.index("Пункт 1") < table.index("Открытые мероприятия")
    assert "сентябрь" in table and "заседание" in table
    assert f"{world.head_person.short_name}, {world.teacher_person.short_name}" in table


def test_the_plan_page_links_the_pdf_and_xlsx_when_reports_has_them(world, plan):
    from django.urls import NoReverseMatch

    page = login(world.head).get(url("plan", plan.pk)).content.decode()
    for name in ("plan_pdf", "plan_xlsx"):
        try:
            link = reverse(f"reports:{name}", args=[plan.pk])
        except NoReverseMatch:
            continue
        assert f'href="{link}"' in page


def test_home_lists_what_waits_for_each_side(world, plan):
    assert "Ждут вашего внимания" not in login(world.deputy).get(reverse("home")).content.decode()
    plan.status = Status.SUBMITTED
    plan.save()
    assert "ждёт вашего рассмотрения" in login(world.deputy).get(reverse("home")).content.decode()
    for role in ("head", "teacher", "other_deputy"):
        assert "Ждут вашего внимания" not in login(getattr(world, role)).get(reverse("home")).content.decode()
    plan.status = Status.RETURNED
    plan.save()
    assert "возвращён на доработку" in login(world.head).get(reverse("home")).content.decode()


# --- query counts -----------------------------------------------------------------------------


@pytest.fixture
def people(world):
    return [world.head_person, world.teacher_person, *f.PersonFactory.create_batch(4, school=world.school)]


@pytest.mark.parametrize(("status", "role"), [(Status.APPROVED, "head"), (Status.SUBMITTED, "deputy")])
def test_the_plan_page_does_not_grow_with_its_rows(world, people, status, role):
    plan = f.plan_with_items(world.mo, world.year, n_items=0, status=status)
    PlanTransition.objects.create(plan=plan, from_status="draft", to_status="submitted", by=world.head, by_name="x")
    client = login(getattr(world, role))
    f.add_plan_items(plan, 10, people)
    few, _ = get_counting_queries(client, url("plan", plan.pk))
    f.add_plan_items(plan, 50, people)
    many, response = get_counting_queries(client, url("plan", plan.pk))
    assert many == few
    assert response.content.decode().count('data-testid="plan-item"') == 60


def test_the_editor_does_not_grow_with_its_rows(world, people):
    plan = f.plan_with_items(world.mo, world.year, n_items=0)
    client = login(world.head)
    f.add_plan_items(plan, 10, people)
    few, _ = get_counting_queries(client, url("plan_edit", plan.pk))
    f.add_plan_items(plan, 50, people)
    many, response = get_counting_queries(client, url("plan_edit", plan.pk))
    assert many == few
    assert response.content.decode().count('data-testid="editor-row"') == 60 + 3 + 1  # rows, blank rows, template


def test_plan_page_query_count(world, people, django_assert_num_queries):
    plan = f.plan_with_items(world.mo, world.year, n_items=0, status=Status.APPROVED)
    f.add_plan_items(plan, 60, people)
    for item in plan.items.order_by("position")[:20]:
        f.meeting_of_item(item)
    client = login(world.head)
    # 1 session, 2 user, 3 person (roles), 4 head appointments (roles), 5 the plan with its
    # association, school, district, year and last editor (scoped by a subquery), 6 items with
    # sections and forms, 7 their responsible people (prefetch), 8 the meetings that carry
    # them out (prefetch), 9 the items' result files (an approved plan's), 10 the transitions
    with django_assert_num_queries(10):
        response = client.get(url("plan", plan.pk))
    html = response.content.decode()
    assert html.count('data-testid="plan-item"') == 60
    assert html.count('data-testid="item-meeting"') == 20


def test_the_plan_page_links_each_item_to_the_meetings_that_carry_it_out(world, plan):
    first, second = plan.items.order_by("position")[:2]
    held = f.meeting_of_item(first, status=Meeting.Status.HELD, kind=Meeting.Kind.SEMINAR)
    f.meeting_of_item(second, status=Meeting.Status.CANCELLED, cancel_reason="Карантин")
    html = login(world.head).get(url("plan", plan.pk)).content.decode()
    assert f'<a href="{reverse("meetings:meeting", args=[held.pk])}">Семинар 15.10.{world.year.start_year}</a>' in html
    assert f"Заседание 15.10.{world.year.start_year}</a> <span class=\"text-muted\">(отменено)</span>" in html


def test_editor_query_count(world, people, django_assert_num_queries):
    plan = f.plan_with_items(world.mo, world.year, n_items=0)
    f.add_plan_items(plan, 60, people)
    client = login(world.head)
    # 1 session, 2 user, 3 person (roles), 4 head appointments (roles), 5 the plan (scoped),
    # 6 sections, 7 forms of work, 8 the association's people (the choices, shared by every
    # row), 9 items, 10 their responsible people (prefetch)
    with django_assert_num_queries(10):
        response = client.get(url("plan_edit", plan.pk))
    assert response.content.decode().count('data-testid="editor-row"') == 64
    assert Person.objects.filter(school=world.school).count() == 7  # head, teacher, deputy, 4 more
