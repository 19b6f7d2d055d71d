"""Reads of the annual plan, scoped through `access`, with related rows fetched up front."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from associations import access, links
from associations.access import User
from associations.models import (
    AcademicYear,
    AnnualPlan,
    Association,
    Person,
    PlanItem,
    PlanItemFile,
    PlanTransition,
    School,
)


@dataclass
class Execution:
    total: int = 0
    done: int = 0
    moved: int = 0
    cancelled: int = 0
    pending: int = 0
    overdue: int = 0

    @property
    def percent(self) -> int:
        """Share of the plan's items carried out, in whole percent."""
        return round(100 * self.done / self.total) if self.total else 0


def execution_of(items: list[PlanItem], year: AcademicYear, today: datetime.date | None = None) -> Execution:
    today = today or timezone.localdate()
    stats = Execution(total=len(items))
    for item in items:
        if item.execution == PlanItem.Execution.DONE:
            stats.done += 1
        elif item.execution == PlanItem.Execution.MOVED:
            stats.moved += 1
        elif item.execution == PlanItem.Execution.CANCELLED:
            stats.cancelled += 1
        else:
            stats.pending += 1
        item.overdue = item.is_overdue(year, today)
        stats.overdue += item.overdue
    return stats


def plan_items(plan: AnnualPlan) -> QuerySet[PlanItem]:
    return (
        plan.items.select_related("section", "form")
        .prefetch_related(
            Prefetch("responsible", queryset=Person.objects.order_by("last_name", "first_name"))
        )
        .order_by("position", "pk")
    )


@dataclass
class PlanSectionGroup:
    section: object
    items: list[PlanItem] = field(default_factory=list)


@dataclass
class PlanDetail:
    plan: AnnualPlan
    items: list[PlanItem]
    sections: list[PlanSectionGroup]
    transitions: list[PlanTransition]
    execution: Execution
    can_edit: bool
    can_review: bool
    can_mark: bool
    can_submit: bool


def plan_detail(*, user, pk, with_meetings: bool = True) -> PlanDetail:
    """The plan's page: its items by section (with the meetings that carry each out and their
    result files, unless `with_meetings` is off, as the printed plan has it), review steps,
    execution, and what the user may do with it."""
    plan = access.plan_for_user(
        user, pk,
        queryset=AnnualPlan.objects.select_related(
            "association", "association__school", "association__district", "academic_year", "updated_by"
        ),
    )
    items = list(plan_items(plan))
    if with_meetings:
        _link_items(items)
        _item_files(items, plan=plan, user=user)
    sections: list[PlanSectionGroup] = []
    for item in items:
        if not sections or sections[-1].section.pk != item.section_id:
            sections.append(PlanSectionGroup(section=item.section))
        sections[-1].items.append(item)
    can_write = access.can_write_association(user, plan.association)
    can_review = access.can_review_plan(user, plan.association)
    status = AnnualPlan.Status
    return PlanDetail(
        plan=plan,
        items=items,
        sections=sections,
        transitions=list(plan.transitions.select_related("by").order_by("at", "pk")),
        execution=execution_of(items, plan.academic_year),
        can_edit=can_write and plan.is_editable,
        can_review=can_review and plan.status == status.SUBMITTED,
        can_mark=can_write and plan.status == status.APPROVED,
        can_submit=can_write and plan.status in (status.DRAFT, status.RETURNED),
    )


def _link_items(items: list[PlanItem]) -> None:
    """`item.links`: what the apps above link to each item (the meetings that carry it out),
    from the providers they registered in `associations.links.plan_item_links` — at most a
    query per provider for all the items, so this app still imports nothing of meetings."""
    by_item = links.plan_item_links(items)
    for item in items:
        item.links = by_item.get(item.pk, [])


def _item_files(items: list[PlanItem], *, plan: AnnualPlan, user) -> None:
    """`item.result_files`: each item's result files (an approved plan's only: one query for all
    the items, none for a plan not approved), each with `can_remove` (access: «plan_item_file»,
    «remove», evaluated in memory)."""
    by_item: dict[int, list[PlanItemFile]] = {item.pk: [] for item in items}
    if plan.status == AnnualPlan.Status.APPROVED and items:
        items_by_pk = {item.pk: item for item in items}
        for item_file in PlanItemFile.objects.filter(plan_item__in=items).select_related("file").order_by(
            "uploaded_at", "pk"
        ):
            item = items_by_pk[item_file.plan_item_id]
            item_file.plan_item = item  # its plan and association are loaded: the rule needs no query
            item_file.can_remove = access.allows(user, "plan_item_file", item_file, "remove")
            by_item[item.pk].append(item_file)
    for item in items:
        item.result_files = by_item[item.pk]


def plan_of(*, association: Association, year: AcademicYear) -> AnnualPlan | None:
    return AnnualPlan.objects.filter(association=association, academic_year=year).first()


@dataclass
class DistrictPlanRow:
    association: Association
    plan: AnnualPlan | None

    @property
    def percent(self) -> int:
        if self.plan is None or not self.plan.item_count:
            return 0
        return round(100 * self.plan.done_count / self.plan.item_count)


def district_plans(*, user: User, year: AcademicYear, school=None, status: str = "") -> list[DistrictPlanRow]:
    """Every association the user oversees with its plan for the year: status, last transition,
    items and done items counted in SQL. Two queries whatever the number of rows."""
    associations = access.visible(user, "association", access.associations_visible_to(user), action="report")
    associations = associations.select_related("school", "district").order_by("kind", "school__short_name", "name")
    if school is not None:
        associations = associations.filter(school=school)
    last = PlanTransition.objects.filter(plan=OuterRef("pk")).order_by("-at", "-pk")
    plans = (
        AnnualPlan.objects.filter(academic_year=year, association__in=associations)
        .annotate(
            item_count=Count("items", distinct=True),
            done_count=Count("items", filter=Q(items__execution=PlanItem.Execution.DONE), distinct=True),
            last_status=Subquery(last.values("to_status")[:1]),
            last_at=Subquery(last.values("at")[:1]),
            last_by=Subquery(last.values("by_name")[:1]),
        )
    )
    if status:
        plans = plans.filter(status=status)
    by_association = {plan.association_id: plan for plan in plans}
    rows = [DistrictPlanRow(association=a, plan=by_association.get(a.pk)) for a in associations]
    if status:
        rows = [row for row in rows if row.plan is not None]
    return rows


def plans_awaiting(*, user: User) -> list[AnnualPlan]:
    """The home page's waiting items: plans submitted to this user for review, and this user's
    plans returned with a comment (access: «plan», «awaiting»)."""
    return list(
        access.visible(user, "plan", AnnualPlan.objects.all(), action="awaiting")
        .select_related("association", "academic_year")
        .order_by("-updated_at")[:20]
    )


def director_signature_name(school: School) -> str:
    """The school's director as a signature line writes it, «А.В. Громов»: the person of the
    school whose position is «директор», else the school's «директор (Фамилия И.О.)»."""
    director = Person.objects.filter(school=school, position=Person.Position.DIRECTOR).order_by("pk").first()
    if director is not None:
        return director.signature_name
    last, _space, initials = school.director_name.strip().partition(" ")
    return f"{initials.strip()} {last}".strip()
