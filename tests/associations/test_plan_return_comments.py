"""Returning a plan with comments on single items, and the resubmitted plan compared with the
returned one: the reviewer writes a comment in an item's row, the head sees it next to the item on
the plan's page and in the editor, the return keeps the items as they were, and when the plan
comes back the reviewer sees the items added, removed and changed field by field, with the
comments beside them. The comments of every return stay in the plan's history."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from associations.models import AnnualPlan, PlanItem, PlanSection, WorkForm
from associations.plans import services as ps
from associations.plans.models import ITEM_COMMENT_MAX_LENGTH, PlanItemComment
from tests import factories as f
from tests.helpers import count_queries, form_data, login, messages_of

Status = AnnualPlan.Status


def url(name, *args):
    return reverse(f"associations:{name}", args=args)


@pytest.fixture
def submitted(world):
    return f.plan_with_items(world.mo, world.year, n_items=4, status=Status.SUBMITTED)


def items_of(plan):
    return list(plan.items.order_by("position"))


def test_the_reviewer_returns_the_plan_with_comments_on_single_items(world, submitted):
    first, second, *_rest = items_of(submitted)
    response = login(world.deputy).post(
        url("plan_return", submitted.pk),
        {"comment": "Доработайте сроки.", f"item-{second.pk}-comment": "Уточните дату семинара.",
         f"item-{first.pk}-comment": "   "},
        follow=True,
    )
    assert messages_of(response) == ["План возвращён на доработку."]
    submitted.refresh_from_db()
    assert submitted.status == Status.RETURNED
    ret = submitted.transitions.get(to_status=Status.RETURNED)
    assert [(c.item_id, c.position, c.content, c.comment) for c in ret.item_comments.all()] == [
        (second.pk, 2, "Пункт 2", "Уточните дату семинара.")
    ]
    assert [row["content"] for row in ret.items_snapshot] == ["Пункт 1", "Пункт 2", "Пункт 3", "Пункт 4"]

    # The head sees the comment next to its item, on the plan's page and in the editor.
    head = login(world.head)
    page = head.get(url("plan", submitted.pk)).content.decode()
    row = page.split(f'id="item-{second.pk}"')[1].split('<tr id="item-')[0]
    assert "Уточните дату семинара." in row
    assert page.count('data-testid="item-review-comment"') == 1
    editor = head.get(url("plan_edit", submitted.pk)).content.decode()
    assert editor.count('data-testid="item-review-comment"') == 1
    assert "Уточните дату семинара." in editor


def test_comments_on_items_alone_are_enough_to_return(world, submitted):
    item = items_of(submitted)[0]
    ps.plan_return(plan=submitted, user=world.deputy, comment="", item_comments={item.pk: "Нет цели пункта."},
                   notify=False)
    ret = submitted.transitions.get(to_status=Status.RETURNED)
    assert ret.comment == "Замечания к пунктам плана."
    assert ret.item_comments.get().comment == "Нет цели пункта."


def test_a_too_long_item_comment_is_refused_next_to_its_item_and_kept(world, submitted):
    item = items_of(submitted)[2]
    long = "я" * (ITEM_COMMENT_MAX_LENGTH + 1)
    response = login(world.deputy).post(
        url("plan_return", submitted.pk), {"comment": "Доработайте.", f"item-{item.pk}-comment": long}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Убедитесь, что это значение содержит не более 1000 символов (сейчас 1001)." in html
    assert long in html  # what the reviewer typed stays
    assert "Доработайте." in html
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED
    assert not PlanItemComment.objects.exists()


def test_the_service_refuses_a_comment_on_another_plans_item_and_a_too_long_one(world, submitted):
    other = f.plan_with_items(world.other_mo, world.year, n_items=1)
    foreign = other.items.get()
    with pytest.raises(ValidationError) as refused:
        ps.plan_return(plan=submitted, user=world.deputy, comment="x", item_comments={foreign.pk: "чужой"},
                       notify=False)
    assert refused.value.message_dict == {f"item-{foreign.pk}-comment": ["Такого пункта в плане нет."]}
    item = items_of(submitted)[0]
    with pytest.raises(ValidationError) as refused:
        ps.plan_return(plan=submitted, user=world.deputy, comment="x",
                       item_comments={item.pk: "я" * (ITEM_COMMENT_MAX_LENGTH + 5)}, notify=False)
    assert refused.value.message_dict[f"item-{item.pk}-comment"] == [
        "Замечание не длиннее 1000 символов (сейчас 1005)."
    ]
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_comments_on_items_are_not_approved_away(world, submitted):
    item = items_of(submitted)[0]
    response = login(world.deputy).post(
        url("plan_approve", submitted.pk),
        {"considered_protocol_number": "1", "considered_on": "2020-09-01", f"item-{item.pk}-comment": "Уточните."},
    )
    assert response.status_code == 200
    assert "Замечания к пунктам передаются вместе с возвратом плана" in response.content.decode()
    assert "Уточните." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_the_box_at_the_end_of_the_plan_has_the_buttons_and_posts_the_fields_above(world, submitted):
    client = login(world.deputy)
    response = client.get(url("plan", submitted.pk))
    page = response.content.decode()
    assert 'data-testid="review"' in page and 'data-testid="review-end"' in page
    assert page.index('data-testid="review-end"') > page.rindex('data-testid="plan-item"')
    # The decision's fields exist once, at the top: the end box says where they are.
    end = page.split('data-testid="review-end"')[1].split("</form>")[0]
    assert "<textarea" not in end and "<input" not in end
    assert 'href="#review"' in end and 'id="review"' in page
    assert page.count('name="comment"') == 1 and 'name="end-' not in page
    # Both boxes ask before deciding, and say what it means.
    assert page.count("data-confirm=\"Утвердить план? Утверждённый план изменить нельзя") == 2
    assert page.count("data-confirm=\"Вернуть план на доработку?") == 2
    # Typed at the top and in an item's row, returned with the button at the end: one form, one post.
    item = items_of(submitted)[1]
    data = form_data(response, "plan-review")
    data.update({"comment": "Сверху.", f"item-{item.pk}-comment": "Пункт 2 неясен."})
    response = client.post(url("plan_return", submitted.pk), data, follow=True)
    assert messages_of(response) == ["План возвращён на доработку."]
    ret = submitted.transitions.get(to_status=Status.RETURNED)
    assert ret.comment == "Сверху."
    assert ret.item_comments.get().comment == "Пункт 2 неясен."


def test_the_end_box_points_to_the_errors_above(world, submitted):
    response = login(world.deputy).post(url("plan_return", submitted.pk), {"comment": ""})
    html = response.content.decode()
    top = html.split('data-testid="review"')[1].split('data-testid="review-end"')[0]
    end = html.split('data-testid="review-end"')[1]
    assert "Укажите, что нужно доработать." in top
    assert "В форме решения есть ошибки:" in end and 'href="#review"' in end
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def _resubmit_with_changes(world, plan):
    """The head's rework: item 1's content and form changed, item 3 removed, a new item added."""
    first, _second, third, _fourth = items_of(plan)
    ps.plan_return(
        plan=plan, user=world.deputy, comment="Доработайте.", notify=False,
        item_comments={first.pk: "Конкретнее.", third.pk: "Лишний пункт."},
    )
    first.content = "Пункт 1, конкретнее"
    first.form = WorkForm.objects.get(name="семинар")
    first.save()
    third.delete()
    PlanItem.objects.create(
        plan=plan, position=5, section=PlanSection.objects.get(name="Заседания МО"), content="Новый пункт",
        timing=PlanItem.Timing.THROUGHOUT,
    )
    ps.plan_submit(plan=plan, user=world.head, notify=False)
    return first


def test_the_resubmitted_plan_is_compared_with_the_returned_one(world, submitted):
    first = _resubmit_with_changes(world, submitted)
    page = login(world.deputy).get(url("plan", submitted.pk)).content.decode()
    changes = page.split('data-testid="plan-changes"')[1].split("</section>")[0]
    added = changes.split('data-testid="change-added"')[1].split("</li>")[0]
    assert "Новый пункт" in added
    removed = changes.split('data-testid="change-removed"')[1].split("</li>")[0]
    assert "Пункт 3" in removed and "Лишний пункт." in removed
    changed = changes.split('data-testid="change-changed"')
    assert len(changed) == 2  # only item 1 changed: the others only moved up a number
    changed = changed[1].split("</li>")[0]
    assert "<dt>содержание</dt><dd><del>Пункт 1</del> → <ins>Пункт 1, конкретнее</ins></dd>" in changed
    assert "<dt>форма проведения</dt><dd><del>заседание</del> → <ins>семинар</ins></dd>" in changed
    assert "Конкретнее." in changed
    # The comment is beside its item in the table too.
    row = page.split(f'id="item-{first.pk}"')[1].split('<tr id="item-')[0]
    assert "Конкретнее." in row


def test_an_unchanged_resubmission_says_so(world, submitted):
    ps.plan_return(plan=submitted, user=world.deputy, comment="Доработайте шапку.", notify=False)
    ps.plan_submit(plan=submitted, user=world.head, notify=False)
    page = login(world.deputy).get(url("plan", submitted.pk)).content.decode()
    assert 'data-testid="no-changes"' in page


def test_the_comments_of_a_return_stay_in_the_history(world, submitted):
    _resubmit_with_changes(world, submitted)
    ps.plan_approve(
        plan=submitted, user=world.deputy, notify=False,
        approval=ps.Approval(considered_protocol_number="1", considered_on=world.year.starts_on),
    )
    page = login(world.teacher).get(url("plan", submitted.pk)).content.decode()
    history = page.split('data-testid="transitions"')[1]
    assert "пункт 1 («Пункт 1»): Конкретнее." in history
    assert "пункт 3 («Пункт 3»): Лишний пункт." in history
    assert 'data-testid="plan-changes"' not in page  # approved: no comparison any more


def test_the_pages_do_not_grow_with_the_items_and_their_comments(world):
    def returned_and_resubmitted(n):
        plan = f.plan_with_items(world.mo, world.year, n_items=n, status=Status.SUBMITTED)
        ps.plan_return(plan=plan, user=world.deputy, comment="Доработайте.", notify=False,
                       item_comments={item.pk: f"Замечание {item.position}" for item in plan.items.all()})
        return plan

    plan = returned_and_resubmitted(3)
    head = login(world.head)
    small_page, small_editor = count_queries(head, url("plan", plan.pk)), count_queries(head, url("plan_edit", plan.pk))
    ps.plan_submit(plan=plan, user=world.head, notify=False)
    deputy = login(world.deputy)
    small_review = count_queries(deputy, url("plan", plan.pk))
    plan.transitions.all().delete()
    plan.items.all().delete()
    plan.delete()

    plan = returned_and_resubmitted(40)
    assert count_queries(head, url("plan", plan.pk)) == small_page
    assert count_queries(head, url("plan_edit", plan.pk)) == small_editor
    ps.plan_submit(plan=plan, user=world.head, notify=False)
    assert count_queries(deputy, url("plan", plan.pk)) == small_review


def test_the_return_email_lists_the_items_comments(world, submitted, django_capture_on_commit_callbacks):
    from django.core import mail

    world.head_person.email = "head@example.org"
    world.head_person.save()
    second = items_of(submitted)[1]
    with django_capture_on_commit_callbacks(execute=True):
        ps.plan_return(plan=submitted, user=world.deputy, comment="Доработайте.",
                       item_comments={second.pk: "Уточните дату семинара."})
    assert len(mail.outbox) == 1
    assert "Комментарий: Доработайте.\nПункт 2: Уточните дату семинара.\n" in mail.outbox[0].body
