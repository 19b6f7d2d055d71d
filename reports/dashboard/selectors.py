"""What the methodologist's dashboard reads, for one district and the current academic year.

Who has it: the rule «dashboard» of `associations.access` (the district's methodologist, its
department staff, a superuser — who picks a district with `?district=`, the first by name
otherwise). Everyone else gets None, without a query, and a home page as before.

Every figure is counted from the same scoped querysets as the list its link opens, with the
same filters:

* **plans** of the year, by status, of every association the district plans table shows (the
  school МО and the РМО: `reports:district_plans?year=…&status=…`, «none» for no plan);
* **analyses** of the year of the district's school МО, by status («none»: not started), and
  the late ones (the district's `AnalysisDeadline` has passed and the analysis is not submitted
  or accepted; a returned one is late too): the board `reports:analysis_board?status=…`;
* **overdue decisions** (open, past due, of signed protocols: the control page's rule) by the
  association (school) whose protocol they are: `meetings:decisions?state=overdue&association=…`;
* **attestation**: the district's people the overview lists
  (`associations.records.attestation.selectors`), whose next attestation falls due in this
  academic year (overdue included) or the next; those with a warning (`?warning=any`) and with
  СЗД overdue (`?warning=szd_overdue`);
* **charts**: the items of the district's approved plans of the year due in each month (done
  vs planned; items «в течение года» / «по графику» have no month and are counted apart), the
  plans by status, the present share at each held meeting of the district РМО of the year.

Seventeen queries whatever the number of schools, plans, meetings, decisions and people: the
districts (with the deadline), the associations (with their plan's and analysis' status), the
overdue decisions by association, the people and their attestation records, the plan items by
month, the РМО's held meetings with their attendance; and the documentation completeness card's
ten (`reports.checklist.selectors.district_completeness`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations import access
from associations.access import User
from associations.models import AcademicYear, AnnualPlan, Association, District, Person, PlanItem
from associations.plans.models import ACADEMIC_MONTH_ORDER, MONTHS_NOMINATIVE
from associations.records.attestation import selectors as attestation_selectors
from meetings.models import Decision, Meeting
from reports.analysis import rollup
from reports.analysis.figures import AttendanceShare, Link, percent, percent_text
from reports.analysis.models import Analysis, AnalysisDeadline
from reports.checklist import selectors as checklist_selectors
from reports.checklist.selectors import DistrictCompleteness
from reports.dashboard import charts
from reports.monitoring.charts import Chart

#: The status of an association without a plan / an analysis of the year (the lists' «none»).
NONE = "none"
#: The board's filter of the late analyses (its rule: `rollup.is_late`).
LATE = rollup.LATE

PLAN_STATUSES = (
    (NONE, gettext_lazy("не начат"), gettext_lazy("не начат")),
    (AnnualPlan.Status.DRAFT, AnnualPlan.Status.DRAFT.label, gettext_lazy("черновик")),
    (AnnualPlan.Status.SUBMITTED, AnnualPlan.Status.SUBMITTED.label, gettext_lazy("на рассм.")),
    (AnnualPlan.Status.RETURNED, AnnualPlan.Status.RETURNED.label, gettext_lazy("возвращён")),
    (AnnualPlan.Status.APPROVED, AnnualPlan.Status.APPROVED.label, gettext_lazy("утверждён")),
)
#: The analyses' statuses as the board counts and filters them (`?status=`), «late» apart.
ANALYSIS_STATUSES = tuple((key, label) for key, label in rollup.BOARD_FILTERS if key != LATE)
MONTHS_SHORT = {
    9: gettext_lazy("сен"), 10: gettext_lazy("окт"), 11: gettext_lazy("ноя"), 12: gettext_lazy("дек"),
    1: gettext_lazy("янв"), 2: gettext_lazy("фев"), 3: gettext_lazy("мар"), 4: gettext_lazy("апр"),
    5: gettext_lazy("май"), 6: gettext_lazy("июн"), 7: gettext_lazy("июл"), 8: gettext_lazy("авг"),
}


@dataclass(frozen=True)
class StatusCount:
    key: str
    label: str
    count: int
    link: Link
    short_label: str = ""  # the chart's category


@dataclass(frozen=True)
class OverdueRow:
    association: Association
    count: int
    link: Link

    @property
    def label(self) -> str:
        """The school's short name; «РМО» for the district's own association."""
        return self.association.school.short_name if self.association.school_id else _("РМО")


@dataclass(frozen=True)
class MonthRow:
    month: int
    planned: int
    done: int

    @property
    def label(self) -> str:
        return MONTHS_NOMINATIVE[self.month]

    @property
    def short_label(self) -> str:
        return str(MONTHS_SHORT[self.month])

    @property
    def percent_text(self) -> str:
        return percent_text(percent(self.done, self.planned))


@dataclass(frozen=True)
class AttendanceRow(AttendanceShare):
    meeting_id: int
    day: datetime.date
    theme: str
    present: int
    marked: int
    link: Link


@dataclass(frozen=True)
class AttestationDue:
    people: int  # the district's people the overview lists
    this_year: int  # due in the current academic year, overdue included
    next_year: int
    overdue: int  # СЗД overdue
    warned: int  # with a warning (expiring within six months, or overdue)
    link: Link  # the overview
    overdue_link: Link
    warned_link: Link


@dataclass
class Dashboard:
    district: District
    districts: list[District]  # the user's districts (a choice when more than one)
    year: AcademicYear
    today: datetime.date
    plans: list[StatusCount]
    analyses: list[StatusCount]
    late: StatusCount
    school_mos: int
    deadline: datetime.date | None
    board: Link
    summary: Link
    overdue: list[OverdueRow]
    overdue_link: Link
    attestation: AttestationDue
    months: list[MonthRow]
    unscheduled_items: int  # items of approved plans with no month (в течение года, по графику)
    attendance: list[AttendanceRow]
    plans_chart: Chart
    months_chart: Chart
    attendance_chart: Chart
    checklist: DistrictCompleteness | None = None  # reports.checklist.selectors.district_completeness

    @property
    def associations_total(self) -> int:
        return sum(c.count for c in self.plans)

    @property
    def plans_started(self) -> int:
        return sum(c.count for c in self.plans if c.key != NONE)

    @property
    def plans_approved(self) -> int:
        return next(c.count for c in self.plans if c.key == AnnualPlan.Status.APPROVED)

    @property
    def analyses_started(self) -> int:
        return sum(c.count for c in self.analyses if c.key != NONE)

    @property
    def overdue_total(self) -> int:
        return sum(row.count for row in self.overdue)

    @property
    def deadline_passed(self) -> bool:
        return self.deadline is not None and self.today > self.deadline


def _district(user: User, year: AcademicYear, params) -> tuple[District | None, list[District]]:
    """The user's districts (with the year's analysis deadline) and the one shown: `?district=`
    when it is one of them, else the first by name."""
    deadline = AnalysisDeadline.objects.filter(district=OuterRef("pk"), academic_year=year)
    districts = list(
        access.visible(user, "dashboard", District.objects.order_by("name", "pk")).annotate(
            analysis_due_on=Subquery(deadline.values("due_on")[:1])
        )
    )
    if not districts:
        return None, []
    wanted = str(params.get("district", "")) if params is not None else ""
    chosen = next((d for d in districts if str(d.pk) == wanted), districts[0])
    return chosen, districts


def dashboard(*, user: User, year: AcademicYear, params=None, today: datetime.date | None = None) -> Dashboard | None:
    """The dashboard of the user's district for `year`, or None for a user who has none (no
    query then)."""
    if not access.reaches(user, "dashboard"):
        return None
    today = today or timezone.localdate()
    district, districts = _district(user, year, params)
    if district is None:
        return None

    plan_status = access.visible(
        user, "plan", AnnualPlan.objects.filter(association=OuterRef("pk"), academic_year=year)
    ).values("status")[:1]
    analysis_status = access.visible(
        user, "analysis", Analysis.objects.filter(association=OuterRef("pk"), academic_year=year)
    ).values("status")[:1]
    associations = list(
        access.visible(user, "association", Association.objects.filter(district=district), action="report")
        .select_related("school")
        .annotate(plan_status=Subquery(plan_status), analysis_status=Subquery(analysis_status))
        .order_by("kind", "school__short_name", "name")
    )
    by_pk = {a.pk: a for a in associations}

    plans = _plan_counts(associations, year)
    school_mos = [a for a in associations if a.kind == Association.Kind.SCHOOL]
    deadline = district.analysis_due_on
    analyses, late = _analysis_counts(school_mos, district, year, deadline=deadline, today=today)
    months, unscheduled = _months(user, district, year)
    attendance = _attendance(user, district, year)
    return Dashboard(
        district=district,
        districts=districts,
        year=year,
        today=today,
        plans=plans,
        analyses=analyses,
        late=late,
        school_mos=len(school_mos),
        deadline=deadline,
        board=Link("reports:analysis_board", (district.pk, year.start_year)),
        summary=Link("reports:district_summary", (district.pk, year.start_year)),
        overdue=_overdue(user, district, by_pk, today),
        overdue_link=Link("meetings:decisions", query=(("state", "overdue"),)),
        attestation=_attestation(user, district, year, today),
        months=months,
        unscheduled_items=unscheduled,
        attendance=attendance,
        plans_chart=charts.statuses_chart(plans),
        months_chart=charts.months_chart(months),
        attendance_chart=charts.attendance_chart(attendance),
        checklist=checklist_selectors.district_completeness(district=district, year=year),
    )


def _plan_counts(associations: list[Association], year: AcademicYear) -> list[StatusCount]:
    tally = {key: 0 for key, _label, _short in PLAN_STATUSES}
    for association in associations:
        tally[association.plan_status or NONE] += 1
    return [
        StatusCount(
            key=key, label=str(label), count=tally[key], short_label=str(short),
            link=Link("reports:district_plans", query=(("year", str(year.pk)), ("status", key))),
        )
        for key, label, short in PLAN_STATUSES
    ]


def _analysis_counts(
    school_mos: list[Association], district: District, year: AcademicYear, *, deadline: datetime.date | None,
    today: datetime.date,
) -> tuple[list[StatusCount], StatusCount]:
    def board(key: str) -> Link:
        return Link("reports:analysis_board", (district.pk, year.start_year), (("status", key),))

    tally = {key: 0 for key, _label in ANALYSIS_STATUSES}
    late = 0
    for association in school_mos:
        status = association.analysis_status or rollup.NOT_STARTED
        tally[status] += 1
        late += rollup.is_late(status, deadline, today)
    counts = [
        StatusCount(key=key, label=str(label), count=tally[key], link=board(key)) for key, label in ANALYSIS_STATUSES
    ]
    late_label = dict(rollup.BOARD_FILTERS)[LATE]
    return counts, StatusCount(key=LATE, label=str(late_label), count=late, link=board(LATE))


def _overdue(user: User, district: District, by_pk: dict[int, Association], today: datetime.date) -> list[OverdueRow]:
    """Open decisions past due, of the district's associations' signed protocols, as the control
    page counts them (the rule «decision», «control»), by association: the most first."""
    counts = (
        access.visible(
            user, "decision",
            Decision.objects.filter(
                status=Decision.Status.OPEN, due_on__lt=today, protocol_item__protocol__association__district=district
            ),
            action="control",
        )
        .values("protocol_item__protocol__association_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    rows = [
        OverdueRow(
            association=by_pk[row["protocol_item__protocol__association_id"]], count=row["n"],
            link=Link("meetings:decisions", query=(
                ("state", "overdue"), ("association", str(row["protocol_item__protocol__association_id"])),
            )),
        )
        for row in counts
        if row["protocol_item__protocol__association_id"] in by_pk
    ]
    return sorted(rows, key=lambda r: (-r.count, r.association.kind != Association.Kind.DISTRICT, r.label))


def _attestation(user: User, district: District, year: AcademicYear, today: datetime.date) -> AttestationDue:
    people = list(
        access.record_people(user, action="see", queryset=Person.objects.filter(district=district))
        .exclude(position__in=attestation_selectors.NOT_ATTESTED)
    )
    statuses = attestation_selectors.attestation_status(people=people, today=today)
    this_year = next_year = overdue = warned = 0
    for status in statuses.values():
        warned += status.has_warnings
        if status.overdue:
            overdue += 1
            this_year += 1
        elif status.next_due is not None:
            due_year = AcademicYear.start_year_for(status.next_due)
            if due_year <= year.start_year:
                this_year += 1
            elif due_year == year.start_year + 1:
                next_year += 1
    overview = "associations:attestation_overview"
    return AttestationDue(
        people=len(people), this_year=this_year, next_year=next_year, overdue=overdue, warned=warned,
        link=Link(overview),
        overdue_link=Link(overview, query=(("warning", attestation_selectors.SZD_OVERDUE),)),
        warned_link=Link(overview, query=(("warning", "any"),)),
    )


def _months(user: User, district: District, year: AcademicYear) -> tuple[list[MonthRow], int]:
    """The items of the district's approved plans of the year by the month they are due in (a
    month's item its month, a dated one its first date's): planned and done."""
    approved = access.visible(
        user, "plan",
        AnnualPlan.objects.filter(
            academic_year=year, status=AnnualPlan.Status.APPROVED, association__district=district
        ),
    )
    tally = {
        row["due_month"]: row
        for row in PlanItem.objects.filter(plan__in=approved)
        .annotate(due_month=Coalesce("month", ExtractMonth("date_from")))
        .values("due_month")
        .annotate(planned=Count("pk"), done=Count("pk", filter=Q(execution=PlanItem.Execution.DONE)))
        .order_by()
    }
    months = [
        MonthRow(month=m, planned=tally.get(m, {}).get("planned", 0), done=tally.get(m, {}).get("done", 0))
        for m in ACADEMIC_MONTH_ORDER
    ]
    return months, tally.get(None, {}).get("planned", 0)


def _attendance(user: User, district: District, year: AcademicYear) -> list[AttendanceRow]:
    """The district РМО's held meetings of the year, in date order, with present ÷ marked (the
    analysis' definition: guests are no marks)."""
    meetings = (
        access.visible(
            user, "meeting",
            Meeting.objects.filter(
                association__district=district, association__kind=Association.Kind.DISTRICT, academic_year=year,
                status=Meeting.Status.HELD,
            ),
        )
        .annotate(marked=Count("attendance"), present=Count("attendance", filter=Q(attendance__present=True)))
        .order_by("starts_at", "pk")
    )
    return [
        AttendanceRow(
            meeting_id=m.pk, day=timezone.localtime(m.starts_at).date(), theme=m.theme, present=m.present,
            marked=m.marked, link=Link("meetings:meeting", (m.pk,)),
        )
        for m in meetings
    ]
