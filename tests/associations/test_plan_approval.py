"""The plan's approval as schools do it, and nobody approving their own plan.

A plan goes to review with its theme and goal; it is approved only with the protocol of the
meeting that considered it (kept on the plan: associations does not read meetings), and the
order that approves it is entered then. A school МО's plan is agreed by the deputy director and
approved by the director; the РМО's goes to the district's official (the head of the education
department or of the methodical office), never to the methodologist who heads and writes it."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.admin.sites import site
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from associations import access
from associations.models import AnnualPlan, DistrictOfficial, Person
from associations.plans import services as ps
from associations.plans.models import PlanItemComment
from associations.plans.selectors import plans_awaiting
from tests import factories as f
from tests.helpers import form_data, login, messages_of

Status = AnnualPlan.Status


def url(name, *args):
    return reverse(f"associations:{name}", args=args)


def status_of(plan):
    plan.refresh_from_db()
    return plan.status


def fresh(user):
    """The user with their roles computed again (roles are cached on the user object)."""
    user._rmo_roles = None
    return user


@pytest.fixture
def official(world):
    """The head of the world district's education department: she reviews the РМО's plan."""
    return f.district_official(world.district).person.user


@pytest.fixture
def submitted(world):
    return f.plan_with_items(world.mo, world.year, status=Status.SUBMITTED)


# --- submitting: the theme and the goal ------------------------------------------------------------


@pytest.mark.parametrize(
    ("blank", "missing"),
    [
        (("theme",), "методическая тема"),
        (("goal",), "цель"),
        (("theme", "goal"), "методическая тема, цель"),
    ],
)
def test_a_plan_without_its_theme_or_goal_cannot_be_submitted(world, blank, missing):
    plan = f.plan_with_items(world.mo, world.year, **dict.fromkeys(blank, "  "))
    with pytest.raises(ValidationError) as refused:
        ps.plan_submit(plan=plan, user=world.head)
    assert refused.value.messages == [f"План нельзя отправить на рассмотрение: не заполнено — {missing}."]
    assert status_of(plan) == Status.DRAFT
    assert not plan.transitions.exists()


def test_the_page_says_what_is_missing(world):
    plan = f.plan_with_items(world.mo, world.year, goal="")
    response = login(world.head).post(url("plan_submit", plan.pk), follow=True)
    assert messages_of(response) == ["План нельзя отправить на рассмотрение: не заполнено — цель."]
    assert status_of(plan) == Status.DRAFT


# --- approving: the protocol that considered the plan, the order that approves it --------------------


def test_a_plan_is_not_approved_without_the_protocol_that_considered_it(world, submitted):
    AnnualPlan.objects.filter(pk=submitted.pk).update(considered_protocol_number="", considered_on=None)
    with pytest.raises(ValidationError) as refused:
        ps.plan_approve(plan=submitted, user=world.deputy)
    assert refused.value.message_dict == {
        "considered_protocol_number": ["Укажите номер протокола заседания МО, на котором рассмотрен план."],
        "considered_on": ["Укажите дату заседания МО, на котором рассмотрен план."],
    }
    assert status_of(submitted) == Status.SUBMITTED
    assert not submitted.transitions.exists()


def test_the_reviewer_enters_the_protocol_and_the_order_at_approval(world, submitted):
    AnnualPlan.objects.filter(pk=submitted.pk).update(considered_protocol_number="", considered_on=None)
    considered = world.year.starts_on - datetime.timedelta(days=4)
    ps.plan_approve(
        plan=submitted, user=world.deputy,
        approval=ps.Approval(
            considered_protocol_number=" 1 ", considered_on=considered,
            approval_order_number="245-од", approval_order_date=world.year.starts_on,
        ),
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.APPROVED
    assert (submitted.considered_protocol_number, submitted.considered_on) == ("1", considered)
    assert (submitted.approval_order_number, submitted.approval_order_date) == ("245-од", world.year.starts_on)


@pytest.mark.parametrize(
    ("approval", "errors"),
    [
        ({"considered_on": f.in_days(1)}, {"considered_on": ["Дата заседания не может быть в будущем."]}),
        ({"approval_order_number": "245-од"}, {"approval_order_date": ["Укажите дату приказа."]}),
        ({"approval_order_date": f.in_days(0)}, {"approval_order_number": ["Укажите номер приказа."]}),
        ({"approval_order_number": "245", "approval_order_date": f.in_days(1)},
         {"approval_order_date": ["Дата приказа не может быть в будущем."]}),
        ({"considered_protocol_number": "1" * 21}, {"considered_protocol_number": ["Слишком длинное значение."]}),
    ],
)
def test_the_approvals_details_are_checked(world, submitted, approval, errors):
    with pytest.raises(ValidationError) as refused:
        ps.plan_approve(plan=submitted, user=world.deputy, approval=ps.Approval(**approval))
    assert refused.value.message_dict == errors
    assert status_of(submitted) == Status.SUBMITTED


def test_the_order_is_not_before_the_meeting(world, submitted):
    with pytest.raises(ValidationError) as refused:
        ps.plan_approve(plan=submitted, user=world.deputy, approval=ps.Approval(
            approval_order_number="1", approval_order_date=submitted.considered_on - datetime.timedelta(days=1),
        ))
    assert refused.value.message_dict == {
        "approval_order_date": ["Приказ не может быть раньше заседания, на котором рассмотрен план."],
    }


def test_the_review_form_starts_with_the_plans_protocol_and_shows_errors_at_the_fields(world, submitted):
    deputy = login(world.deputy)
    review = deputy.get(url("plan", submitted.pk)).content.decode().split('data-testid="review"')[1]
    assert 'name="considered_protocol_number" value="1"' in review
    assert f'name="considered_on" value="{submitted.considered_on:%Y-%m-%d}"' in review
    assert 'name="approval_order_number"' in review and 'name="approval_order_date"' in review

    response = deputy.post(url("plan_approve", submitted.pk), {
        "comment": "", "considered_protocol_number": "", "considered_on": "",
        "approval_order_number": "245-од", "approval_order_date": "",
    })
    assert response.status_code == 200
    review = response.content.decode().split('data-testid="review"')[1].split("</form>")[0]
    assert "Укажите номер протокола заседания МО, на котором рассмотрен план." in review
    assert "Укажите дату заседания МО, на котором рассмотрен план." in review
    assert "Укажите дату приказа." in review
    assert review.count("is-invalid") >= 3
    assert status_of(submitted) == Status.SUBMITTED


def test_approval_through_the_page_keeps_the_order_and_names_who_agreed_and_approved(world, submitted):
    response = login(world.deputy).post(url("plan_approve", submitted.pk), {
        "comment": "", "considered_protocol_number": "1", "considered_on": submitted.considered_on.isoformat(),
        "approval_order_number": "245-од", "approval_order_date": f.in_days(0).isoformat(),
    }, follow=True)
    assert "План утверждён." in messages_of(response)
    submitted.refresh_from_db()
    assert (submitted.approval_order_number, submitted.approval_order_date) == ("245-од", f.in_days(0))
    assert (submitted.agreed_by_position, submitted.agreed_by_name) == (
        "заместитель директора по ВР", world.deputy.person.signature_name,
    )
    assert (submitted.approved_by_position, submitted.approved_by_name) == ("директор МБОУ «СОШ № 1»", "П.С. Орлов")
    approved = response.content.decode().split('data-testid="approved"')[1].split("</p>")[0]
    assert "Согласован: заместитель директора по ВР Е.П. Петрова." in approved
    assert f"приказ от {f.in_days(0):%d.%m.%Y} № 245-од" in approved


def test_the_director_is_the_schools_person_in_that_position(world, submitted):
    f.PersonFactory(school=world.school, position=Person.Position.DIRECTOR, last_name="Громов",
                    first_name="Андрей", patronymic="Викторович")
    ps.plan_approve(plan=submitted, user=world.deputy)
    submitted.refresh_from_db()
    assert submitted.approved_by_name == "А.В. Громов"


# --- nobody approves their own plan --------------------------------------------------------------


def test_the_rmo_plan_goes_to_the_district_official_not_to_the_methodologist(world, official):
    plan = f.plan_with_items(world.rmo, world.year, status=Status.SUBMITTED)
    assert not access.can_review_plan(world.methodologist, world.rmo)
    assert access.can_review_plan(official, world.rmo)
    assert not access.can_review_plan(official, world.mo)  # a school МО's plan is its deputy's
    assert not access.can_review_plan(official, world.other_district_rmo)
    assert plans_awaiting(user=official) == [plan]
    assert plans_awaiting(user=world.methodologist) == []

    for call, kwargs in ((ps.plan_approve, {}), (ps.plan_return, {"comment": "Доработать"})):
        with pytest.raises(PermissionDenied):
            call(plan=plan, user=world.methodologist, **kwargs)
    assert status_of(plan) == Status.SUBMITTED
    ps.plan_approve(plan=plan, user=official)
    plan.refresh_from_db()
    assert plan.status == Status.APPROVED
    assert (plan.approved_by_position, plan.approved_by_name) == ("начальник отдела образования", "И.В. Соболева")


def test_the_rmo_plan_is_sent_to_the_officials_in_office(world, official, django_capture_on_commit_callbacks):
    official.person.email = "nachalnik@example.org"
    official.person.save()
    world.methodologist.person.email = "metodist@example.org"
    world.methodologist.person.save()
    gone = f.district_official(world.district, username="prezhnyaya", role=DistrictOfficial.Role.OFFICE_HEAD,
                               ends_on=f.in_days(-1), starts_on=f.in_days(-400))
    gone.person.email = "gone@example.org"
    gone.person.save()
    plan = f.plan_with_items(world.rmo, world.year)
    with django_capture_on_commit_callbacks(execute=True):
        ps.plan_submit(plan=plan, user=world.methodologist)
    assert [m.to for m in mail.outbox] == [["nachalnik@example.org"]]


def test_an_official_in_office_to_this_day_reviews_and_then_no_more(world):
    last_day = f.district_official(world.district, username="segodnya", ends_on=f.in_days(0)).person.user
    assert access.can_review_plan(last_day, world.rmo)  # `ends_on` is the last day in office


def test_an_official_whose_term_ended_reviews_nothing(world):
    user = f.district_official(world.district, starts_on=f.in_days(-400), ends_on=f.in_days(-1)).person.user
    roles = access.roles_for(user)
    assert roles.official_district_ids == frozenset() and not roles.is_district_official
    assert not access.can_review_plan(user, world.rmo)


@pytest.mark.parametrize("action", ["approve", "return"])
def test_an_official_who_heads_the_rmo_does_not_review_its_plan(world, official, action):
    f.AppointmentFactory(association=world.rmo, person=official.person, order_issuer="Отдел образования")
    fresh(official)
    plan = f.plan_with_items(world.rmo, world.year, status=Status.SUBMITTED)
    assert not access.can_review_plan(official, world.rmo)
    assert plans_awaiting(user=official) == []

    call = {"approve": ps.plan_approve, "return": ps.plan_return}[action]
    with pytest.raises(PermissionDenied, match="которым вы руководите"):
        call(plan=plan, user=official, **({"comment": "Доработать"} if action == "return" else {}))
    response = login(official).post(url(f"plan_{action}", plan.pk), {"comment": "Доработать"}, follow=True)
    assert any("которым вы руководите" in m for m in messages_of(response)), messages_of(response)
    assert 'data-testid="review"' not in response.content.decode()
    assert status_of(plan) == Status.SUBMITTED
    assert not plan.transitions.exists()


def test_a_deputy_who_heads_the_school_mo_does_not_review_its_plan(world, submitted):
    f.AppointmentFactory(association=world.mo, person=world.deputy.person, role="secretary")  # not a head: fine
    assert access.can_review_plan(fresh(world.deputy), world.mo)
    world.mo.appointments.filter(role="head").update(ends_on=f.in_days(-1), starts_on=f.in_days(-30))
    f.AppointmentFactory(association=world.mo, person=world.deputy.person, order_date=f.in_days(-1))
    fresh(world.deputy)
    assert not access.can_review_plan(world.deputy, world.mo)
    assert submitted not in access.visible(world.deputy, "plan", action="review")
    with pytest.raises(PermissionDenied, match="которым вы руководите"):
        ps.plan_approve(plan=submitted, user=world.deputy)
    assert status_of(submitted) == Status.SUBMITTED


def test_an_administrator_who_heads_an_association_does_not_review_its_plan(world, submitted):
    person = f.PersonFactory(user=world.admin, school=world.school, last_name="Админова")
    world.mo.appointments.filter(role="head").update(ends_on=f.in_days(-1), starts_on=f.in_days(-30))
    f.AppointmentFactory(association=world.mo, person=person, order_date=f.in_days(-1))
    fresh(world.admin)
    assert not access.can_review_plan(world.admin, world.mo)
    assert access.can_review_plan(world.admin, world.other_mo)
    with pytest.raises(PermissionDenied):
        ps.plan_approve(plan=submitted, user=world.admin)


# --- the official in the admin ---------------------------------------------------------------------


def test_the_official_is_assigned_in_the_admin(world, client_for):
    assert DistrictOfficial in site._registry
    assert str(DistrictOfficial._meta.verbose_name) == "руководитель отдела образования или методического кабинета"
    person = f.PersonFactory(school=None, district=world.district, position=Person.Position.OTHER,
                             last_name="Соболева")
    client = client_for(world.admin)
    add = reverse("admin:associations_districtofficial_add")
    page = client.get(add).content.decode()
    for label in ("начальник отдела образования", "руководитель районного методического кабинета",
                  "Начало полномочий", "Окончание полномочий"):
        assert label in page
    response = client.post(add, {
        "district": world.district.pk, "person": person.pk, "role": "education_head",
        "starts_on": "01.09.2025", "ends_on": "",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    official = DistrictOfficial.objects.get()
    assert (official.person, official.district, official.role) == (person, world.district, "education_head")
    assert official.history.count() == 1
    assert access.roles_for(fresh(f.UserFactory(username="sobol"))).official_district_ids == frozenset()

    stranger = f.PersonFactory(school=None, district=world.other_district, last_name="Чужая")
    response = client.post(add, {
        "district": world.district.pk, "person": stranger.pk, "role": "office_head", "starts_on": "01.09.2025",
    })
    assert response.status_code == 200
    assert "Сотрудник работает в другом районе." in response.content.decode()
    assert DistrictOfficial.objects.count() == 1


# --- a decision from a stale page ---------------------------------------------------------------


def _changed_meanwhile(world, plan):
    """Someone else returned the plan, the head rewrote an item and resubmitted it."""
    ps.plan_return(plan=plan, user=world.admin, comment="Доработайте.", notify=False)
    plan.items.filter(position=1).update(content="Пункт, переписанный после возврата")
    ps.plan_submit(plan=plan, user=world.head, notify=False)
    plan.refresh_from_db()
    return plan


def _state(plan):
    plan.refresh_from_db()
    return (
        plan.status, plan.version, plan.considered_protocol_number,
        list(plan.transitions.values_list("to_status", "comment")),
        PlanItemComment.objects.filter(transition__plan=plan).count(),
    )


@pytest.mark.parametrize("action", ["approve", "return"])
def test_a_decision_from_a_page_opened_before_the_plan_changed_is_refused(world, submitted, action):
    deputy = login(world.deputy)
    shown = form_data(deputy.get(url("plan", submitted.pk)), "plan-review")
    assert shown["version"] == str(submitted.version)
    _changed_meanwhile(world, submitted)
    before = _state(submitted)

    first = submitted.items.get(position=1)
    data = {**shown, "comment": "Мой комментарий.", "considered_protocol_number": "7"}
    if action == "return":
        data[f"item-{first.pk}-comment"] = "Замечание к старому тексту."
    response = deputy.post(url(f"plan_{action}", submitted.pk), data)

    assert response.status_code == 200
    assert _state(submitted) == before  # status, version, protocol, transitions, item comments
    said = messages_of(response)
    assert len(said) == 1 and said[0].startswith("План изменён после того, как вы открыли страницу:")
    assert "сейчас он «на рассмотрении»" in said[0]
    # What the reviewer typed stays; the page shows the plan as it is now, with its version.
    again = form_data(response, "plan-review")
    assert (again["comment"], again["considered_protocol_number"]) == ("Мой комментарий.", "7")
    if action == "return":
        assert again[f"item-{first.pk}-comment"] == "Замечание к старому тексту."
    assert again["version"] == str(submitted.version)
    assert "Пункт, переписанный после возврата" in response.content.decode()

    # Decided again from the page that shows the current plan: it goes through.
    response = deputy.post(url(f"plan_{action}", submitted.pk), again, follow=True)
    done = {"approve": "План утверждён.", "return": "План возвращён на доработку."}[action]
    assert done in messages_of(response)
    assert status_of(submitted) == {"approve": Status.APPROVED, "return": Status.RETURNED}[action]


def test_a_stale_decision_on_a_plan_decided_meanwhile_says_so(world, submitted):
    deputy = login(world.deputy)
    shown = form_data(deputy.get(url("plan", submitted.pk)), "plan-review")
    ps.plan_approve(plan=submitted, user=world.admin, notify=False)
    before = _state(submitted)
    response = deputy.post(url("plan_return", submitted.pk), {**shown, "comment": "Доработайте."}, follow=True)
    said = messages_of(response)
    assert len(said) == 1 and said[0].startswith("План изменён после того, как вы открыли страницу:")
    assert "сейчас он «утверждён»" in said[0]
    assert _state(submitted) == before


def test_the_services_compare_the_version_inside_the_transaction(world, submitted):
    seen = submitted.version
    _changed_meanwhile(world, submitted)
    before = _state(submitted)
    with pytest.raises(ps.PlanReviewStale):
        ps.plan_approve(plan=submitted, user=world.deputy, version=seen, notify=False)
    with pytest.raises(ps.PlanReviewStale):
        ps.plan_return(plan=submitted, user=world.deputy, comment="x", version=seen, notify=False,
                       item_comments={submitted.items.get(position=1).pk: "к старому тексту"})
    assert _state(submitted) == before
    ps.plan_approve(plan=submitted, user=world.deputy, version=submitted.version, notify=False)
    assert status_of(submitted) == Status.APPROVED
