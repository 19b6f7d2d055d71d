"""The district summary: every school МО of a district side by side for one academic year, one
row per МО with its key figures, the totals and the averages (issue 14, point 5).

The figures mean what `reports.analysis.figures` (`YearFigures`) means by them — the same
records, the same filters — but are computed for all the district's school МО at once, in a
fixed number of grouped queries whatever the number of schools (never `figures_for` per
school): `tests/reports/summary/test_selectors.py` checks, school by school, that a row equals
`row_from_figures(figures_for(mo, year))`, so that the two definitions cannot drift apart.

Where an МО's analysis of the year is submitted or accepted, its row is the analysis' frozen
figures («по анализу»), as the analysis itself shows them; otherwise the records as they are now.

The totals add the counts up; a percent of the totals is pooled from its parts (present ÷ marked
over all the schools' meetings, not a mean of the schools' percents); the averages are the counts
per school, to one decimal.

Who: the kind «district_summary» of `associations.access` (the district's methodologist, its
district official, its department staff, a superuser); anyone else gets 404.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import urlencode

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, When
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from associations import access
from associations.models import (
    AcademicYear,
    AnnualPlan,
    Association,
    Attestation,
    ClassAssignment,
    Consultation,
    ContestEntry,
    Course,
    District,
    Membership,
    PlanItem,
    Visit,
)
from associations.records.courses.selectors import course_window
from meetings.models import AgendaItem, Attendance, Material, Meeting
from reports.analysis.figures import MEETINGS_SECTION, YearFigures, percent, percent_text
from reports.analysis.models import Analysis
from reports.monitoring.scoring import comma

logger = logging.getLogger(__name__)

HELD, OPEN_EVENT = Meeting.Status.HELD, Meeting.Kind.OPEN_EVENT
#: The contest results that are prize places.
PRIZES = (ContestEntry.Result.WINNER.value, ContestEntry.Result.PRIZE.value)
COUNT, PERCENT = "count", "percent"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = COUNT
    parts: tuple[str, str] | None = None  # a percent's (part, whole): fields of SchoolFigures


#: The figures' columns, in the order of the table (after the school).
COLUMNS = (
    Column("class_teachers", _("Классных руководителей")),
    Column("staff", _("Педагогов")),
    Column("meetings_held", _("Заседаний проведено")),
    Column("meetings_planned", _("Заседаний по плану")),
    Column("attendance", _("Посещаемость заседаний"), PERCENT, ("present", "marked")),
    Column("plan_execution", _("Выполнение плана"), PERCENT, ("plan_done", "plan_total")),
    Column("open_events", _("Открытых мероприятий")),
    Column("talks", _("Выступлений с опытом")),
    Column("courses_share", _("Курсы за 3 года"), PERCENT, ("with_course", "staff")),
    Column("attested", _("Аттестовано в году")),
    Column("contest_entries", _("Участий в конкурсах")),
    Column("prize_places", _("Призовых мест")),
    Column("visits", _("Посещений")),
    Column("open_recommendations", _("Невыполненных рекомендаций")),
    Column("consultations", _("Консультаций")),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
#: The parts of the percents that are not columns themselves (the XLSX shows them too).
PART_LABELS = {
    "present": _("Отметок «присутствовал»"),
    "marked": _("Отметок посещаемости"),
    "plan_done": _("Пунктов плана выполнено"),
    "plan_total": _("Пунктов плана"),
    "with_course": _("Педагогов с курсами за 3 года"),
}
SCHOOL, STATUS = "school", "status"
SORT_KEYS = (SCHOOL, STATUS, *COLUMNS_BY_KEY)
ASC, DESC = "asc", "desc"
#: The analysis' statuses in the order a «status» sort puts them (not started first).
STATUS_ORDER = {"": 0, Analysis.Status.DRAFT: 1, Analysis.Status.RETURNED: 2, Analysis.Status.SUBMITTED: 3,
                Analysis.Status.ACCEPTED: 4}


@dataclass(frozen=True)
class SchoolFigures:
    """A school МО's key figures of the year (or their sum over several): counts, and the parts
    of the percents."""

    class_teachers: int = 0  # the school's class teachers of the year, each once
    staff: int = 0  # members and class teachers, each once (StaffFigures.total)
    meetings_held: int = 0
    meetings_planned: int = 0  # items of the approved plan that are meetings
    present: int = 0  # attendance marks of the held meetings
    marked: int = 0
    plan_done: int = 0  # items of the approved plan done
    plan_total: int = 0  # items of the approved plan (0 unless approved)
    open_events: int = 0
    talks: int = 0
    with_course: int = 0  # of the staff, a course ended within the three years up to the year's end
    attested: int = 0
    contest_entries: int = 0  # confirmed
    prize_places: int = 0  # confirmed winners and prize-winners
    visits: int = 0
    open_recommendations: int = 0
    consultations: int = 0

    @property
    def attendance(self) -> Decimal | None:
        return percent(self.present, self.marked)

    @property
    def plan_execution(self) -> Decimal | None:
        return percent(self.plan_done, self.plan_total)

    @property
    def courses_share(self) -> Decimal | None:
        return percent(self.with_course, self.staff)

    def value(self, key: str) -> int | Decimal | None:
        return getattr(self, key)

    def __add__(self, other: SchoolFigures) -> SchoolFigures:
        return SchoolFigures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


FIELDS = tuple(f.name for f in fields(SchoolFigures))


def row_from_figures(figures: YearFigures) -> SchoolFigures:
    """The summary's figures out of an analysis' `YearFigures` (frozen, or `figures_for`)."""
    return SchoolFigures(
        class_teachers=figures.staff.class_teachers,
        staff=figures.staff.total,
        meetings_held=figures.meetings.held,
        meetings_planned=figures.meetings.planned,
        present=figures.meetings.present,
        marked=figures.meetings.marked,
        plan_done=figures.plan.done,
        plan_total=figures.plan.total,
        open_events=figures.open_events.count,
        talks=figures.talks.count,
        with_course=figures.courses.with_course,
        attested=figures.attestation.granted,
        contest_entries=figures.contests.total,
        prize_places=sum(tally.count for tally in figures.contests.results if tally.key in PRIZES),
        visits=figures.visits.count,
        open_recommendations=figures.visits.recommendations - figures.visits.done,
        consultations=figures.consultations.count,
    )


# --- the live figures of every school МO at once -------------------------------------------------


def live_figures(associations: list[Association], year: AcademicYear) -> dict[int, SchoolFigures]:
    """Each school МО's figures of `year` from the records as they are now, by association id:
    twelve queries whatever the number of associations, people and records."""
    if not associations:
        return {}
    ids = [a.pk for a in associations]
    school_of = {a.pk: a.school_id for a in associations}
    school_ids = sorted(set(school_of.values()))
    district_id = associations[0].district_id
    values: dict[int, dict[str, int]] = {pk: dict.fromkeys(FIELDS, 0) for pk in ids}

    # The staff: the МО's members of the year and the school's class teachers of the year.
    members = Membership.objects.filter(association_id__in=ids, academic_year=year)
    assignments = ClassAssignment.objects.filter(school_id__in=school_ids, academic_year=year)
    staff: dict[int, set[int]] = {pk: set() for pk in ids}
    for association_id, person_id in members.values_list("association_id", "person_id"):
        staff[association_id].add(person_id)
    teachers: dict[int, set[int]] = defaultdict(set)
    for school_id, teacher_id in assignments.values_list("school_id", "teacher_id"):
        teachers[school_id].add(teacher_id)
    for pk in ids:
        staff[pk] |= teachers[school_of[pk]]
        values[pk]["class_teachers"] = len(teachers[school_of[pk]])
        values[pk]["staff"] = len(staff[pk])
    staff_people = Q(person_id__in=members.values("person_id")) | Q(person_id__in=assignments.values("teacher_id"))

    # Meetings held (the open events among them), their attendance marks.
    open_held: dict[int, int] = defaultdict(int)
    for row in Meeting.objects.filter(association_id__in=ids, academic_year=year).values("association_id").annotate(
        held=Count("pk", filter=Q(status=HELD)), open_held=Count("pk", filter=Q(status=HELD, kind=OPEN_EVENT)),
    ).order_by():
        values[row["association_id"]]["meetings_held"] = row["held"]
        open_held[row["association_id"]] = row["open_held"]
    for row in Attendance.objects.filter(
        meeting__association_id__in=ids, meeting__academic_year=year, meeting__status=HELD
    ).values("meeting__association_id").annotate(marked=Count("pk"), present=Count("pk", filter=Q(present=True))
                                                 ).order_by():
        values[row["meeting__association_id"]].update(marked=row["marked"], present=row["present"])

    # The approved plan: its items, done, and those that are meetings (of the section «Заседания
    # МО», or carried out by a meeting of the association's year).
    carried_out = Meeting.objects.filter(
        plan_item=OuterRef("pk"), association_id=OuterRef("plan__association_id"), academic_year=year
    )
    for row in PlanItem.objects.filter(
        plan__association_id__in=ids, plan__academic_year=year, plan__status=AnnualPlan.Status.APPROVED
    ).annotate(carried_out=Exists(carried_out)).values("plan__association_id").annotate(
        total=Count("pk"), done=Count("pk", filter=Q(execution=PlanItem.Execution.DONE)),
        meetings=Count("pk", filter=Q(section__name=MEETINGS_SECTION) | Q(carried_out=True)),
    ).order_by():
        values[row["plan__association_id"]].update(
            plan_total=row["total"], plan_done=row["done"], meetings_planned=row["meetings"]
        )

    # Open events: the held open meetings, and the school's published open-event cards of the year
    # but those that describe one of those meetings (counted once, with it).
    described = Case(
        When(meeting__status=HELD, meeting__kind=OPEN_EVENT, meeting__academic_year=year,
             then=F("meeting__association_id")),
        default=None, output_field=IntegerField(),
    )
    cards: dict[int, list[tuple[int | None, int]]] = defaultdict(list)
    for row in Material.objects.filter(school_id__in=school_ids, academic_year=year, is_open_event=True).exclude(
        visibility=Material.Visibility.DRAFT
    ).annotate(described=described).values("school_id", "described").annotate(n=Count("pk")).order_by():
        cards[row["school_id"]].append((row["described"], row["n"]))
    for pk in ids:
        values[pk]["open_events"] = open_held[pk] + sum(n for meeting_of, n in cards[school_of[pk]] if meeting_of != pk)

    # Talks: agenda questions of the district's held meetings of the year with a speaker of the staff.
    spoke: dict[int, set[int]] = defaultdict(set)
    for item_id, person_id in AgendaItem.speakers.through.objects.filter(
        staff_people, agendaitem__meeting__academic_year=year, agendaitem__meeting__status=HELD,
        agendaitem__meeting__association__district_id=district_id,
    ).values_list("agendaitem_id", "person_id"):
        spoke[person_id].add(item_id)
    for pk in ids:
        values[pk]["talks"] = len(set().union(*(spoke[p] for p in staff[pk] if p in spoke)))

    # Courses: the staff with a course ended within the three years up to the year's last day.
    since, until = course_window(year.ends_on)
    with_course = set(
        Course.objects.filter(staff_people, ends_on__gte=since, ends_on__lte=until)
        .order_by().values_list("person_id", flat=True).distinct()
    )
    for pk in ids:
        values[pk]["with_course"] = len(staff[pk] & with_course)

    # The school's people's records of the year, and the visits to the school.
    by_school: dict[int, dict[str, int]] = {school_id: {} for school_id in school_ids}
    for row in Attestation.objects.filter(person__school_id__in=school_ids, academic_year=year).values(
        "person__school_id"
    ).annotate(n=Count("pk")).order_by():
        by_school[row["person__school_id"]]["attested"] = row["n"]
    for row in ContestEntry.objects.filter(
        person__school_id__in=school_ids, academic_year=year, status=ContestEntry.Status.CONFIRMED
    ).values("person__school_id").annotate(n=Count("pk"), prizes=Count("pk", filter=Q(result__in=PRIZES))
                                           ).order_by():
        by_school[row["person__school_id"]].update(contest_entries=row["n"], prize_places=row["prizes"])
    for row in Visit.objects.filter(school_id__in=school_ids, academic_year=year).values("school_id").annotate(
        n=Count("pk", distinct=True),
        open=Count("recommendations", filter=Q(recommendations__done_on__isnull=True)),
    ).order_by():
        by_school[row["school_id"]].update(visits=row["n"], open_recommendations=row["open"])
    for pk in ids:
        values[pk].update(by_school[school_of[pk]])

    # Consultations of the МО's own log.
    for row in Consultation.objects.filter(association_id__in=ids, academic_year=year).values(
        "association_id"
    ).annotate(n=Count("pk")).order_by():
        values[row["association_id"]]["consultations"] = row["n"]

    return {pk: SchoolFigures(**row) for pk, row in values.items()}


# --- the page ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    key: str
    text: str
    kind: str = COUNT


def _cells(figures: SchoolFigures) -> tuple[Cell, ...]:
    return tuple(
        Cell(c.key, percent_text(figures.value(c.key)) if c.kind == PERCENT else str(figures.value(c.key)), c.kind)
        for c in COLUMNS
    )


@dataclass(frozen=True)
class SummaryRow:
    association: Association
    analysis: Analysis | None
    frozen: bool  # the analysis' figures as submitted («по анализу»)
    figures: SchoolFigures
    may_open_analysis: bool  # the reader may open the МО's analysis page

    @property
    def school_name(self) -> str:
        return self.association.school.short_name

    @property
    def status(self) -> str:
        return self.analysis.status if self.analysis is not None else ""

    @property
    def status_label(self) -> str:
        return str(self.analysis.get_status_display()) if self.analysis is not None else str(_("не начат"))

    @property
    def cells(self) -> tuple[Cell, ...]:
        return _cells(self.figures)


@dataclass(frozen=True)
class Header:
    key: str
    label: str
    kind: str
    query: str  # «?sort=…&order=…»: the table sorted by this column
    aria_sort: str  # ascending, descending or none


@dataclass(frozen=True)
class DistrictSummary:
    district: District
    year: AcademicYear
    years: list[AcademicYear]
    rows: list[SummaryRow]
    totals: SchoolFigures
    sort: str
    order: str

    @property
    def query(self) -> str:
        """The sort of the page, for its links (the year switcher, the documents)."""
        if self.sort == SCHOOL and self.order == ASC:
            return ""
        return "?" + urlencode({"sort": self.sort, "order": self.order})

    @property
    def headers(self) -> list[Header]:
        result = []
        for key, label, kind in ((SCHOOL, str(_("Школа")), ""), (STATUS, str(_("Анализ")), ""),
                                 *((c.key, str(c.label), c.kind) for c in COLUMNS)):
            current = key == self.sort
            order = DESC if current and self.order == ASC else ASC
            result.append(Header(
                key=key, label=label, kind=kind, query="?" + urlencode({"sort": key, "order": order}),
                aria_sort=("ascending" if self.order == ASC else "descending") if current else "none",
            ))
        return result

    @property
    def total_cells(self) -> tuple[Cell, ...]:
        return _cells(self.totals)

    @property
    def averages(self) -> dict[str, Decimal | None]:
        """The counts per school, to one decimal (ROUND_HALF_UP); None for the percents and when
        there is no school."""
        count = len(self.rows)
        return {
            c.key: (Decimal(self.totals.value(c.key)) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if count and c.kind == COUNT else None
            for c in COLUMNS
        }

    @property
    def average_cells(self) -> tuple[Cell, ...]:
        averages = self.averages
        return tuple(Cell(c.key, comma(averages[c.key], 1) if averages[c.key] is not None else "", c.kind)
                     for c in COLUMNS)

    @property
    def frozen_count(self) -> int:
        return sum(1 for row in self.rows if row.frozen)


def _sort_key(key: str):
    if key == SCHOOL:
        return lambda row: (row.school_name.casefold(), row.association.name.casefold(), row.association.pk)
    if key == STATUS:
        return lambda row: STATUS_ORDER.get(row.status, 0)
    return lambda row: row.figures.value(key)


def sorted_rows(rows: list[SummaryRow], sort: str, order: str) -> list[SummaryRow]:
    """By the column, then by school name; a percent of nothing («—») last whichever the order."""
    by_name = sorted(rows, key=_sort_key(SCHOOL))
    if sort == SCHOOL:
        return by_name[::-1] if order == DESC else by_name
    key = _sort_key(sort)
    known = [row for row in by_name if key(row) is not None]
    unknown = [row for row in by_name if key(row) is None]
    return sorted(known, key=key, reverse=order == DESC) + unknown


def sort_of(params: Mapping | None) -> tuple[str, str]:
    """The sort asked in the query (`?sort=<column>&order=asc|desc`); unknown values give the
    default, by school name, ascending."""
    params = params or {}
    sort = params.get("sort") if params.get("sort") in SORT_KEYS else SCHOOL
    order = params.get("order") if params.get("order") in (ASC, DESC) else ASC
    return sort, order


def district_summary(*, user, pk: int, start_year: int, params: Mapping | None = None) -> DistrictSummary:
    """The summary of district `pk` for the academic year starting in `start_year`, sorted as
    `params` ask: 404 to whoever may not see it, and for a year that does not exist. A fixed
    number of queries whatever the number of schools."""
    district = access.object_for_user(user, "district_summary", pk)
    year = get_object_or_404(AcademicYear, start_year=start_year)
    years = list(AcademicYear.objects.order_by("-start_year"))
    associations = list(
        Association.objects.filter(district=district, kind=Association.Kind.SCHOOL).select_related("school")
        .order_by("school__short_name", "name", "pk")
    )
    for association in associations:
        association.district = district
    analyses = {
        a.association_id: a
        for a in Analysis.objects.filter(association__in=associations, academic_year=year)
    }
    live = live_figures(associations, year)
    rows = []
    for association in associations:
        analysis = analyses.get(association.pk)
        figures, frozen = live[association.pk], False
        if analysis is not None and analysis.is_frozen:
            try:
                figures, frozen = row_from_figures(YearFigures.from_data(analysis.figures)), True
            except ValueError:
                logger.warning("Анализ %s: показатели не читаются, в сводной — по записям", analysis.pk)
        if analysis is not None:
            analysis.association = association
        rows.append(SummaryRow(
            association=association, analysis=analysis, frozen=frozen, figures=figures,
            may_open_analysis=access.allows(
                user, "analysis", Analysis(association=association, status=Analysis.Status.DRAFT)
            ),
        ))
    totals = sum((row.figures for row in rows), SchoolFigures())
    sort, order = sort_of(params)
    return DistrictSummary(district=district, year=year, years=years, rows=sorted_rows(rows, sort, order),
                           totals=totals, sort=sort, order=order)
