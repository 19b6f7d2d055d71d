"""The plan's services: only allowed transitions exist, each by its own side; copy from last
year; execution marks only on an approved plan; concurrent saves never overwrite silently."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from associations.models import AcademicYear, AnnualPlan, PlanItem
from associations.plans import services as ps
from associations.plans.selectors import district_plans, execution_of, plans_awaiting
from rmo_portal.editors import Row
from tests import factories as f

Status = AnnualPlan.Status


@pytest.fixture
def plan(world):
    world.head_person.email = "head@example.org"
    world.head_person.save()
    world.deputy.person.email = "zavuch@example.org"
    world.deputy.person.save()
    return f.plan_with_items(world.mo, world.year, responsible=[world.teacher_person])


def status_of(plan):
    plan.refresh_from_db()
    return plan.status


def test_the_full_review_cycle(world, plan):
    ps.plan_submit(plan=plan, user=world.head)
    assert status_of(plan) == Status.SUBMITTED
    ps.plan_return(plan=plan, user=world.deputy, comment="Добавьте открытые мероприятия")
    assert status_of(plan) == Status.RETURNED
    ps.plan_submit(plan=plan, user=world.head)
    ps.plan_approve(plan=plan, user=world.deputy)
    assert status_of(plan) == Status.APPROVED
    # The deputy director agrees it (СОГЛАСОВАНО); the school's director approves it (УТВЕРЖДАЮ).
    assert plan.agreed_by_name == world.deputy.person.signature_name
    assert plan.agreed_by_position == "заместитель директора по ВР"
    assert (plan.approved_by_name, plan.approved_by_position) == ("П.С. Орлов", "директор МБОУ «СОШ № 1»")
    assert plan.approved_on is not None

    steps = list(plan.transitions.values_list("from_status", "to_status", "comment", "by_name"))
    assert steps == [
        ("draft", "submitted", "", world.head_person.short_name),
        ("submitted", "returned", "Добавьте открытые мероприятия", world.deputy.person.short_name),
        ("returned", "submitted", "", world.head_person.short_name),
        ("submitted", "approved", "", world.deputy.person.short_name),
    ]


def test_each_transition_tells_the_other_side_by_email(world, plan, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ps.plan_submit(plan=plan, user=world.head, host="https://rmo.example.org")
    assert [m.to for m in mail.outbox] == [["zavuch@example.org"]]
    assert f"https://rmo.example.org/plans/{plan.pk}/" in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        ps.plan_return(plan=plan, user=world.deputy, comment="Уточните сроки")
    assert mail.outbox[-1].to == ["head@example.org"]
    assert "Уточните сроки" in mail.outbox[-1].body


@pytest.mark.parametrize(
    ("start", "action", "role"),
    [
        (Status.DRAFT, "approve", "deputy"),      # a draft cannot be approved
        (Status.DRAFT, "return", "deputy"),
        (Status.APPROVED, "submit", "head"),      # an approved plan stays approved
        (Status.APPROVED, "return", "deputy"),
        (Status.SUBMITTED, "submit", "head"),
        (Status.RETURNED, "approve", "deputy"),
    ],
)
def test_transitions_that_do_not_exist_are_refused(world, start, action, role):
    plan = f.plan_with_items(world.mo, world.year, status=start)
    call = {"submit": ps.plan_submit, "approve": ps.plan_approve, "return": ps.plan_return}[action]
    kwargs = {"comment": "x"} if action == "return" else {}

    with pytest.raises(ValidationError, match="невозможен"):
        call(plan=plan, user=getattr(world, role), **kwargs)
    assert status_of(plan) == start
    assert not plan.transitions.exists()


@pytest.mark.parametrize(
    ("start", "action", "role"),
    [
        (Status.DRAFT, "submit", "teacher"),
        (Status.DRAFT, "submit", "deputy"),
        (Status.DRAFT, "submit", "other_deputy"),
        (Status.SUBMITTED, "approve", "head"),     # nobody approves their own plan
        (Status.SUBMITTED, "approve", "teacher"),
        (Status.SUBMITTED, "approve", "other_deputy"),
        (Status.SUBMITTED, "approve", "methodologist"),  # the district reviews the РМО's plan only
        (Status.SUBMITTED, "return", "head"),
    ],
)
def test_transitions_by_the_wrong_side_are_refused(world, start, action, role):
    plan = f.plan_with_items(world.mo, world.year, status=start)
    call = {"submit": ps.plan_submit, "approve": ps.plan_approve, "return": ps.plan_return}[action]
    kwargs = {"comment": "x"} if action == "return" else {}

    with pytest.raises(PermissionDenied):
        call(plan=plan, user=getattr(world, role), **kwargs)
    assert status_of(plan) == start


def test_return_needs_a_comment(world, plan):
    ps.plan_submit(plan=plan, user=world.head)
    with pytest.raises(ValidationError) as excinfo:
        ps.plan_return(plan=plan, user=world.deputy, comment="  ")
    assert "comment" in excinfo.value.message_dict
    assert status_of(plan) == Status.SUBMITTED


def test_an_empty_plan_cannot_be_submitted(world):
    plan = f.plan_with_items(world.mo, world.year, n_items=0)
    with pytest.raises(ValidationError, match="ни одного пункта"):
        ps.plan_submit(plan=plan, user=world.head)


def test_the_district_reviews_the_rmo_plan(world):
    """The РМО's plan goes to the district's official (the head of the education department),
    not to the methodologist: nobody approves the plan of the РМО they write."""
    official = f.district_official(world.district).person.user
    f.AppointmentFactory(association=world.rmo, person=world.teacher_person, order_issuer="ОО")
    world.teacher._rmo_roles = None
    plan = f.plan_with_items(world.rmo, world.year)
    ps.plan_submit(plan=plan, user=world.teacher)
    with pytest.raises(PermissionDenied):
        ps.plan_approve(plan=plan, user=world.methodologist)
    ps.plan_approve(plan=plan, user=official)
    assert status_of(plan) == Status.APPROVED
    assert (plan.approved_by_name, plan.approved_by_position) == ("И.В. Соболева", "начальник отдела образования")
    assert plan.agreed_by_name == ""


def test_copy_from_last_year_moves_dates_and_clears_marks(world):
    last_year = AcademicYear.objects.get_or_create(start_year=world.year.start_year - 1)[0]
    old = f.plan_with_items(world.mo, last_year, n_items=2, status=Status.APPROVED, responsible=[world.teacher_person])
    dated = old.items.get(position=2)
    dated.timing = PlanItem.Timing.DATES
    dated.date_from = datetime.date(last_year.start_year, 10, 15)
    dated.execution = PlanItem.Execution.DONE
    dated.executed_on = datetime.date(last_year.start_year, 10, 15)
    dated.execution_note = "Проведено"
    dated.save()

    plan = ps.plan_copy_from_previous(association=world.mo, academic_year=world.year, user=world.head)

    assert plan.status == Status.DRAFT
    assert plan.theme == old.theme
    items = list(plan.items.order_by("position"))
    assert [i.content for i in items] == ["Пункт 1", "Пункт 2"]
    assert items[1].date_from == datetime.date(world.year.start_year, 10, 15)
    assert all(i.execution == PlanItem.Execution.PENDING and not i.executed_on and not i.execution_note for i in items)
    assert [list(i.responsible.all()) for i in items] == [[world.teacher_person]] * 2
    assert items[0].section_id == old.items.get(position=1).section_id


def test_copy_without_an_earlier_plan_or_into_an_existing_one_is_refused(world):
    with pytest.raises(ValidationError, match="Нет плана"):
        ps.plan_copy_from_previous(association=world.mo, academic_year=world.year, user=world.head)
    f.plan_with_items(world.mo, world.year)
    with pytest.raises(ValidationError, match="уже есть"):
        ps.plan_create(association=world.mo, academic_year=world.year, user=world.head)


def test_only_the_writer_creates_plans(world):
    with pytest.raises(PermissionDenied):
        ps.plan_create(association=world.mo, academic_year=world.year, user=world.deputy)


def test_execution_marks_only_on_an_approved_plan(world, plan):
    item = plan.items.first()
    with pytest.raises(ValidationError, match="утверждённом"):
        ps.plan_item_mark(item=item, user=world.head, execution="done", executed_on=datetime.date(2025, 10, 1))


@pytest.mark.parametrize(
    ("execution", "kwargs", "field"),
    [
        ("done", {}, "executed_on"),
        ("moved", {"note": "Болезнь"}, "moved_timing"),
        ("moved", {"moved_timing": "декабрь"}, "execution_note"),
        ("cancelled", {}, "execution_note"),
    ],
)
def test_marks_need_their_details(world, execution, kwargs, field):
    plan = f.plan_with_items(world.mo, world.year, status=Status.APPROVED)
    with pytest.raises(ValidationError) as excinfo:
        ps.plan_item_mark(item=plan.items.first(), user=world.head, execution=execution, **kwargs)
    assert field in excinfo.value.message_dict


def test_marks_by_others_are_refused(world):
    plan = f.plan_with_items(world.mo, world.year, status=Status.APPROVED)
    for user in (world.teacher, world.deputy, world.other_deputy):
        with pytest.raises(PermissionDenied):
            ps.plan_item_mark(item=plan.items.first(), user=user, execution="cancelled", note="x")


def test_execution_percentage_and_overdue(world):
    plan = f.plan_with_items(world.mo, world.year, n_items=4, status=Status.APPROVED)
    first, second, third, _fourth = plan.items.order_by("position")
    ps.plan_item_mark(item=first, user=world.head, execution="done", executed_on=world.year.starts_on)
    ps.plan_item_mark(item=second, user=world.head, execution="cancelled", note="Карантин")
    ps.plan_item_mark(item=third, user=world.head, execution="moved", moved_timing="март", note="Перенос")

    items = list(plan.items.order_by("position"))
    stats = execution_of(items, world.year, today=world.year.ends_on)
    assert (stats.total, stats.done, stats.cancelled, stats.moved, stats.pending) == (4, 1, 1, 1, 1)
    assert stats.percent == 25
    assert stats.overdue == 1 and items[3].overdue

    early = execution_of(items, world.year, today=world.year.starts_on)
    assert early.overdue == 0


def test_month_timing_is_due_at_the_end_of_that_month_in_the_academic_year(world):
    item = PlanItem(timing=PlanItem.Timing.MONTH, month=1)
    assert item.due_date(world.year) == datetime.date(world.year.start_year + 1, 1, 31)
    item.month = 9
    assert item.due_date(world.year) == datetime.date(world.year.start_year, 9, 30)
    assert PlanItem(timing=PlanItem.Timing.THROUGHOUT).due_date(world.year) == world.year.ends_on
    assert PlanItem(timing=PlanItem.Timing.MONTH, month=10).timing_label == "октябрь"


def save(plan, version, user, theme, contents):
    """The service takes values: the header's fields and a row per item (here: new contents)."""
    rows = [
        Row(pk=item.pk, values={"content": content})
        for item, content in zip(plan.items.order_by("position"), contents, strict=False)
        if item.content != content
    ]
    return ps.plan_save(plan=plan, version=version, header={"theme": theme}, items=rows, user=user)


def test_concurrent_saves_never_overwrite_silently(world, plan):
    opened_at = plan.version
    first = AnnualPlan.objects.get(pk=plan.pk)
    second = AnnualPlan.objects.get(pk=plan.pk)

    save(first, opened_at, world.head, "Тема от первого", ["Пункт 1", "Изменён первым", "Пункт 3"])
    with pytest.raises(ps.PlanConflict) as excinfo:
        save(second, opened_at, world.head, "Тема от второго",
             ["Пункт 1", "Пункт 2", "Изменён вторым"])

    plan.refresh_from_db()
    assert plan.theme == "Тема от первого"
    assert plan.items.get(position=3).content == "Пункт 3"
    changes = " ".join(excinfo.value.changes)
    assert "Тема от первого" in changes
    assert "Изменён первым" in changes
    assert "уже изменил" in str(excinfo.value)


def test_a_submitted_plan_cannot_be_saved(world, plan):
    ps.plan_submit(plan=plan, user=world.head)
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="нельзя изменять"):
        save(plan, plan.version, world.head, "Новая тема", ["a", "b", "c"])
    plan.refresh_from_db()
    assert plan.theme == "Воспитание гражданина"


def test_district_table_and_waiting_items(world, plan):
    ps.plan_submit(plan=plan, user=world.head)
    rows = district_plans(user=world.methodologist, year=world.year)
    by_name = {row.association.name: row for row in rows}
    assert set(by_name) == {world.rmo.name, world.mo.name, world.other_mo.name}
    assert by_name[world.mo.name].plan.last_status == Status.SUBMITTED
    assert by_name[world.mo.name].plan.item_count == 3
    assert by_name[world.other_mo.name].plan is None

    assert plans_awaiting(user=world.deputy) == [plan]
    assert plans_awaiting(user=world.other_deputy) == []
    assert plans_awaiting(user=world.head) == []
