"""Several items of an approved plan marked at once: ticked on the plan's page, one execution
mark (as the single mark form has it) through `plan_item_mark` for each, all or nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from associations.models import AnnualPlan, PlanItem
from associations.plans import services as ps
from tests import factories as f
from tests.helpers import login, messages_of

Status = AnnualPlan.Status
Execution = PlanItem.Execution


def url(name, *args):
    return reverse(f"associations:{name}", args=args)


@pytest.fixture
def approved(world):
    return f.plan_with_items(world.mo, world.year, n_items=5, status=Status.APPROVED)


def marks(plan):
    return list(plan.items.order_by("position").values_list("execution", "executed_on", "execution_note"))


def test_the_head_marks_several_items_done_at_once(world, approved):
    items = list(approved.items.order_by("position"))
    today = timezone.localdate()
    client = login(world.head)
    page = client.get(url("plan", approved.pk)).content.decode()
    assert page.count('data-testid="item-tick"') == 5
    assert 'data-testid="bulk-mark"' in page
    response = client.post(
        url("plan_items_mark", approved.pk),
        {"bulk-items": [items[0].pk, items[2].pk, items[3].pk], "bulk-execution": "done",
         "bulk-executed_on": today.isoformat(), "bulk-execution_note": "Проведено на заседании"},
        follow=True,
    )
    assert messages_of(response) == ["Отметка «выполнено» поставлена 3 пунктам плана."]
    done = ("done", today, "Проведено на заседании")
    pending = ("pending", None, "")
    assert marks(approved) == [done, pending, done, done, pending]
    assert {item.marked_by for item in approved.items.filter(execution=Execution.DONE)} == {world.head}
    # each through plan_item_mark, which saves the item: its history has the mark (the factory's
    # bulk_create wrote none)
    assert items[0].history.get().execution == "done"


def test_the_marks_own_errors_are_next_to_its_fields_and_the_ticks_stay(world, approved):
    items = list(approved.items.order_by("position"))
    response = login(world.head).post(
        url("plan_items_mark", approved.pk),
        {"bulk-items": [items[1].pk, items[4].pk], "bulk-execution": "moved", "bulk-execution_note": "Карантин"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    bulk = html.split('id="plan-bulk-mark"')[1].split("</form>")[0]
    assert "Укажите новый срок." in bulk
    assert "Карантин" in bulk  # what was typed stays
    ticked = [line for line in html.split("<input") if 'name="bulk-items"' in line and " checked" in line]
    assert len(ticked) == 2
    assert marks(approved) == [("pending", None, "")] * 5


def test_nothing_ticked_is_said_so(world, approved):
    response = login(world.head).post(
        url("plan_items_mark", approved.pk), {"bulk-execution": "cancelled", "bulk-execution_note": "Не нужно"}
    )
    assert response.status_code == 200
    assert "Отметьте пункты плана, которым ставится отметка." in response.content.decode()


def test_an_item_of_another_plan_is_refused(world, approved):
    foreign = f.plan_with_items(world.other_mo, world.year, n_items=1, status=Status.APPROVED).items.get()
    item = approved.items.order_by("position").first()
    response = login(world.head).post(
        url("plan_items_mark", approved.pk),
        {"bulk-items": [item.pk, foreign.pk], "bulk-execution": "done",
         "bulk-executed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 200
    assert f"Пункта {foreign.pk} в плане нет." in response.content.decode()
    assert marks(approved)[0] == ("pending", None, "")


def test_a_refused_item_leaves_every_item_unmarked(world, approved, monkeypatch):
    """All or nothing: when one item is refused, the items marked before it are rolled back and
    the refusal names the item."""
    items = list(approved.items.order_by("position"))
    real = ps.plan_item_mark

    def refuse_the_third(*, item, **kwargs):
        if item.pk == items[2].pk:
            raise ValidationError("Пункт занят.")
        return real(item=item, **kwargs)

    monkeypatch.setattr(ps, "plan_item_mark", refuse_the_third)
    with pytest.raises(ValidationError) as refused:
        ps.plan_items_mark(plan=approved, items=items[:4], user=world.head, execution=Execution.DONE,
                           executed_on=timezone.localdate())
    assert refused.value.messages == ["Ни один пункт не отмечен: пункт 3: Пункт занят.."]
    assert marks(approved) == [("pending", None, "")] * 5


def test_only_those_who_mark_the_plan_may(world, approved):
    items = list(approved.items.all())
    with pytest.raises(PermissionDenied):
        ps.plan_items_mark(plan=approved, items=items, user=world.deputy, execution=Execution.DONE,
                           executed_on=timezone.localdate())
    page = login(world.teacher).get(url("plan", approved.pk)).content.decode()
    assert 'data-testid="item-tick"' not in page and 'data-testid="bulk-mark"' not in page


def test_not_before_the_plan_is_approved(world):
    plan = f.plan_with_items(world.mo, world.year, n_items=2)
    with pytest.raises(ValidationError) as refused:
        ps.plan_items_mark(plan=plan, items=list(plan.items.all()), user=world.head, execution=Execution.DONE,
                           executed_on=datetime.date(2020, 1, 1))
    assert refused.value.messages == ["Отметки о выполнении ставят в утверждённом плане."]
