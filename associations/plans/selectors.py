"""Reads of the annual plan, scoped through `access`, with related rows fetched up front."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
from associations.plans.models import PlanItemComment


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
    # The plan's last return (while the plan is returned or submitted again), its comments on
    # single items (also as `item.review_comments_shown`), and what changed since it.
    last_return: PlanTransition | None = None
    changes: PlanChanges | None = None


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
    transitions = plan.transitions.select_related("by").order_by("at", "pk")
    if with_meetings:  # the page: the returns' comments on single items, in the history too
        transitions = transitions.prefetch_related(
            Prefetch("item_comments", queryset=PlanItemComment.objects.order_by("position", "pk"))
        )
    transitions = list(transitions)
    last_return = changes = None
    if with_meetings:
        last_return = _last_return(plan, transitions)
        _attach_comments(items, last_return)
        if last_return is not None and plan.status == status.SUBMITTED:
            changes = plan_changes(items=items, since=last_return)
    return PlanDetail(
        plan=plan,
        items=items,
        sections=sections,
        transitions=transitions,
        last_return=last_return,
        changes=changes,
        execution=execution_of(items, plan.academic_year),
        can_edit=can_write and plan.is_editable,
        can_review=can_review and plan.status == status.SUBMITTED,
        can_mark=can_write and plan.status == status.APPROVED,
        can_submit=can_write and plan.status in (status.DRAFT, status.RETURNED),
    )


def _last_return(plan: AnnualPlan, transitions: list[PlanTransition]) -> PlanTransition | None:
    """The return the plan is in, or the one it was resubmitted after (the plan is returned or
    submitted again); None otherwise."""
    if plan.status not in (AnnualPlan.Status.RETURNED, AnnualPlan.Status.SUBMITTED):
        return None
    returns = [t for t in transitions if t.to_status == AnnualPlan.Status.RETURNED]
    return returns[-1] if returns else None


def _attach_comments(items: list[PlanItem], last_return: PlanTransition | None) -> None:
    """`item.review_comments_shown`: the last return's comments on the item (its prefetched
    comments: no query)."""
    by_item: dict[int, list[PlanItemComment]] = {}
    if last_return is not None:
        for comment in last_return.item_comments.all():
            by_item.setdefault(comment.item_id, []).append(comment)
    for item in items:
        item.review_comments_shown = by_item.get(item.pk, [])


def item_comments_of(last_return: PlanTransition | None) -> dict[int, list[PlanItemComment]]:
    """The comments of a return on single items, by item pk (one query), for the editor."""
    by_item: dict[int, list[PlanItemComment]] = {}
    if last_return is not None:
        for comment in last_return.item_comments.order_by("position", "pk"):
            by_item.setdefault(comment.item_id, []).append(comment)
    return by_item


# --- the resubmitted plan compared with the returned one -------------------------------------------

#: The fields of an item that the comparison reads, with their labels (position is left out:
#: adding one item renumbers every item after it).
SNAPSHOT_FIELDS = (
    ("section", _("раздел")),
    ("content", _("содержание")),
    ("form", _("форма проведения")),
    ("timing", _("сроки")),
    ("responsible", _("ответственные")),
)


def _item_snapshot(item: PlanItem) -> dict:
    """An item as its page shows it (its section, form and responsible people loaded)."""
    return {
        "id": item.pk,
        "position": item.position,
        "section": item.section.name,
        "content": item.content,
        "form": item.form.name if item.form_id else "",
        "timing": item.timing_label,
        "responsible": ", ".join(person.short_name for person in item.responsible.all()),
    }


def items_snapshot(plan: AnnualPlan) -> list[dict]:
    """The plan's items as they are now, kept on its return (two queries)."""
    return [_item_snapshot(item) for item in plan_items(plan)]


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class ItemChange:
    item: PlanItem
    fields: list[FieldChange]


@dataclass
class PlanChanges:
    """What changed in the plan since it was returned: items added, removed (their snapshot with
    the comments they had) and changed, field by field."""

    since: PlanTransition
    added: list[PlanItem] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[ItemChange] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def plan_changes(*, items: list[PlanItem], since: PlanTransition) -> PlanChanges:
    """The plan's `items` (loaded as `plan_items` loads them) compared with the snapshot kept on
    the return `since`, in memory: no query."""
    changes = PlanChanges(since=since)
    before = {row["id"]: row for row in since.items_snapshot or []}
    # A removed item's comments lost their item (SET_NULL): they keep its number at the return,
    # as the snapshot does.
    orphaned: dict[int, list] = {}
    for comment in since.item_comments.all():
        if comment.item_id is None:
            orphaned.setdefault(comment.position, []).append(comment)
    current_ids = set()
    for item in items:
        current_ids.add(item.pk)
        old = before.get(item.pk)
        if old is None:
            changes.added.append(item)
            continue
        now = _item_snapshot(item)
        fields = [
            FieldChange(label=str(label), old=old.get(name, ""), new=now[name])
            for name, label in SNAPSHOT_FIELDS
            if old.get(name, "") != now[name]
        ]
        if fields:
            changes.changed.append(ItemChange(item=item, fields=fields))
    for pk, row in before.items():
        if pk not in current_ids:
            changes.removed.append({**row, "comments": orphaned.get(row["position"], [])})
    changes.removed.sort(key=lambda row: row["position"])
    return changes


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


# --- the home page: the plan of each association the user writes ------------------------------------


@dataclass
class PlanStatusRow:
    association: Association
    plan: AnnualPlan | None  # the current year's, if it exists


def plan_statuses(*, user: User, year: AcademicYear) -> list[PlanStatusRow]:
    """The year's plan of each association the user writes by their role (the МО they head; the
    РМО for its methodologist), for the home page to say what to do next. Two queries."""
    if not access.reaches_by_role(user, "association", "write"):
        return []
    associations = list(
        access.visible_by_role(user, "association", action="write")
        .select_related("school")
        .order_by("kind", "school__short_name", "name")
    )
    plans = {
        plan.association_id: plan
        for plan in AnnualPlan.objects.filter(academic_year=year, association__in=[a.pk for a in associations])
        .select_related("academic_year")
    }
    return [PlanStatusRow(association=a, plan=plans.get(a.pk)) for a in associations]
