"""The figures of an association's year: what the annual analysis (russian-documents.md §3) can
say from the records the portal holds, computed in this one module for a school МО or the
district РМО and one academic year (`figures_for`).

The figures are frozen dataclasses of plain values (numbers, strings, dates, Decimals), and
`YearFigures.to_data()` / `YearFigures.from_data()` turn them into JSON data and back exactly:
the analysis freezes them at submission and compares them with a fresh computation to tell
that the records have changed since (so nothing here depends on the day it is computed: no
timestamp, and every «on a day» rule is asked on the year's last day, 31 August). The data
carries `schema` (`SCHEMA`); a change of the dataclasses' shape raises it, and `from_data`
refuses data of another schema rather than misread it.

Every figure carries the link to the records it counts (`Link`: a URL name, its arguments and
its query, reversed when shown): the list pages' own filters (year, school, status, level, …),
so that the page opened from a figure shows the rows counted.

What is counted — the decisions, as the portal counts them:

* **Whose records.** A school МО's: the school's people (the lists' «школа» filter); the РМО's:
  the district's people (every school and the methodical office: what the methodologist's lists
  show). The staff are the members of the association for the year together with the year's
  class teachers (of the school; of the district's schools for the РМО).
* **Staff.** Education and category are the directory's (`Person.education`, `Person.category`);
  experience is `Person.experience_years` on the year's last day, in the bands
  `EXPERIENCE_BANDS` (half-open: «5–10 лет» is 5 to 9 full years).
* **Meetings.** Planned: the items of the year's approved plan that are meetings — those of the
  section «Заседания МО» (`MEETINGS_SECTION`) and any item a meeting of the association carries
  out (the РМО plans its seminars under the functions). Held: the association's meetings of the
  year whose status is «проведено»; cancelled ones are listed with their reason; meetings still
  «запланировано» are counted as scheduled only. Attendance is the held meetings' attendance
  marks: present ÷ marked, per meeting and over the year (guests are not marks).
* **The plan's execution**: the year's plan once approved (an unapproved plan gives its status
  and no figures), `associations.plans.selectors.execution_of`; moved and cancelled items with
  their notes.
* **Open events**: the association's held meetings of the kind «открытое мероприятие» (the
  teacher: its speakers) and the data bank's cards marked «открытое мероприятие» of the year (of
  the school; of the district for the РМО; drafts left out), a card naming such a meeting
  counted once with it. The class: the teacher's class of the year among the card's grades.
* **Talks that spread experience**: agenda questions with a speaker at held meetings of the year
  — for a school МО, by its staff at its own, the РМО's and other school МО's meetings of the
  district; for the РМО, by anyone at its own meetings.
* **Courses**: `associations.records.courses.selectors.course_status` of the staff on the year's
  last day (a course ended within the three years before it), and the course records of the year.
* **Attestation**: the records and applications of the year; due next year is
  `associations.records.attestation.selectors.attestation_status` of the staff on the year's last
  day: overdue, or its next term ending in the next academic year.
* **Contests**: confirmed entries of the year only, a table stage × result (every stage and
  result, zeros included, so that tables add up); a team's members count one entry each.
* **Visits** to the school (every school of the district for the РМО) of the year, with their
  recommendations done or open; **consultations** of the association's own log, by kind.
* **Monitoring**: the year's September and May by grade band (`scoring.pool`), a school МО's by
  class and the РМО's by school, as the monitoring's tables compute them. The analysis goes to
  the district level, so its rule applies: a class (or a pool) of fewer than
  `access.MONITORING_MIN_PUPILS` counted pupils shows only inside its band's total.
* **The РМО's roll-up** (`YearFigures.schools`, the district РМО only; None for a school МО): every
  school МО of the district with its analysis' status; an accepted one counted with the key
  figures it was accepted with (read from its frozen `figures`, never recomputed), and their
  totals (attendance pooled: the sums' present ÷ marked, not a mean of percents; contests stage ×
  result summed). Beside it the district's own events, as the РМО's figures count them (its
  meetings, the municipal stage, its visits, its consultations: `DistrictOwnFigures`). It is
  frozen with the РМО's analysis at submission as every other figure; data written before the
  roll-up existed (no `schools`) reads as None.

A fixed number of queries whatever the number of members, meetings and records (about thirty).
"""

from __future__ import annotations

import dataclasses
import datetime
import types
import typing
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import (
    AcademicYear,
    AnnualPlan,
    Association,
    Attestation,
    AttestationApplication,
    Category,
    ClassAssignment,
    Consultation,
    ContestEntry,
    Course,
    Level,
    Membership,
    Person,
    PlanItem,
    Visit,
)
from associations.plans.selectors import Execution, execution_of
from associations.records.attestation.selectors import attestation_status
from associations.records.courses.selectors import course_status
from meetings.models import AgendaItem, Attendance, Material, Meeting
from reports.monitoring import selectors as monitoring_selectors
from reports.monitoring.models import Period
from reports.monitoring.scoring import Score, comma

#: The version of the data's shape (`YearFigures.to_data`).
SCHEMA = 1

#: The plan's section whose items are meetings (migration 0003 of associations).
MEETINGS_SECTION = "Заседания МО"

#: Experience bands: (key, label, from full years, below full years; None: no upper bound).
EXPERIENCE_BANDS = (
    ("lt5", gettext_lazy("до 5 лет"), 0, 5),
    ("5-10", gettext_lazy("5–10 лет"), 5, 10),
    ("10-20", gettext_lazy("10–20 лет"), 10, 20),
    ("20+", gettext_lazy("20 лет и более"), 20, None),
)
#: The key of people whose education or experience the directory does not record.
UNKNOWN = "unknown"

PERIODS = (Period.SEPTEMBER, Period.MAY)


# --- values ------------------------------------------------------------------------------------


def percent(part: int, whole: int) -> Decimal | None:
    """part of whole in percent, to one decimal (ROUND_HALF_UP); None of nothing."""
    if not whole:
        return None
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def percent_text(value: Decimal | None) -> str:
    """«87,5 %» (a non-breaking space before the sign), «—» for none."""
    return "—" if value is None else f"{comma(value, 1)}\u00a0%"


def _day(value: datetime.datetime) -> datetime.date:
    return timezone.localtime(value).date()


@dataclass(frozen=True)
class Link:
    """Where a figure's records are: a URL name with its arguments and query."""

    name: str
    args: tuple[int, ...] = ()
    query: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        path = reverse(self.name, args=self.args)
        return f"{path}?{urlencode(self.query)}" if self.query else path


@dataclass(frozen=True)
class Tally:
    """A count of one kind (a category, a stage, a result …) with its label as computed."""

    key: str
    label: str
    count: int
    link: Link | None = None


@dataclass(frozen=True)
class PersonRef:
    person_id: int
    name: str  # «Иванова М.П.»
    link: Link


def _person_ref(person: Person) -> PersonRef:
    return PersonRef(person_id=person.pk, name=person.short_name, link=Link("associations:person", (person.pk,)))


# --- 1. staff ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffMember:
    person_id: int
    name: str
    member: bool  # a member of the association for the year
    classes: str  # «6 «Б», 7 «А»»: the year's classes they lead
    education: str
    experience: int | None  # full years on the year's last day
    category: str
    link: Link


@dataclass(frozen=True)
class StaffFigures:
    total: int  # members and class teachers, each once
    members: int
    class_teachers: int
    classes: int
    by_education: tuple[Tally, ...]
    by_experience: tuple[Tally, ...]
    by_category: tuple[Tally, ...]
    people: tuple[StaffMember, ...]
    link: Link  # the association's page for the year (its members)


# --- 2. meetings ---------------------------------------------------------------------------------


class AttendanceShare:
    """The attendance of `present` of `marked` (a meeting's, the year's), in percent."""

    present: int
    marked: int

    @property
    def attendance(self) -> Decimal | None:
        return percent(self.present, self.marked)

    @property
    def attendance_text(self) -> str:
        return percent_text(self.attendance)


@dataclass(frozen=True)
class MeetingRow(AttendanceShare):
    meeting_id: int
    day: datetime.date
    kind: str
    kind_label: str
    theme: str
    in_plan: bool  # carries out an item of the plan
    present: int
    marked: int
    reason: str  # why cancelled
    link: Link


@dataclass(frozen=True)
class PlannedMeeting:
    """A meeting the approved plan foresees, and whether (when) it was held."""

    position: int
    content: str
    timing: str
    execution: str
    execution_label: str
    held_on: datetime.date | None
    link: Link


@dataclass(frozen=True)
class MeetingFigures(AttendanceShare):
    planned: int  # items of the approved plan that are meetings
    scheduled: int  # the association's meetings of the year, whatever their status
    held: int
    held_in_plan: int
    cancelled: int
    present: int  # over the held meetings
    marked: int
    by_form: tuple[Tally, ...]  # held meetings by kind (заседание, семинар, …)
    planned_meetings: tuple[PlannedMeeting, ...]
    held_meetings: tuple[MeetingRow, ...]
    cancelled_meetings: tuple[MeetingRow, ...]
    link: Link


# --- 3. the plan's execution ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlanItemRow:
    position: int
    content: str
    timing: str
    moved_to: str
    note: str  # the reason


@dataclass(frozen=True)
class PlanFigures:
    plan_id: int | None
    status: str  # "" when the year has no plan
    status_label: str
    total: int  # 0 unless approved
    done: int
    moved: int
    cancelled: int
    pending: int
    moved_items: tuple[PlanItemRow, ...]
    cancelled_items: tuple[PlanItemRow, ...]
    link: Link | None

    @property
    def approved(self) -> bool:
        return self.status == AnnualPlan.Status.APPROVED

    @property
    def percent(self) -> int:
        """Whole percent of the items done, as the plan's page counts it."""
        return Execution(total=self.total, done=self.done).percent


# --- 4. open events ------------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenEvent:
    day: datetime.date | None
    title: str
    teachers: str
    classes: str
    source: str  # "meeting" or "material"
    link: Link


@dataclass(frozen=True)
class OpenEventFigures:
    count: int
    events: tuple[OpenEvent, ...]
    link: Link  # the data bank's open events of the year


# --- 5. talks ------------------------------------------------------------------------------------

OWN, DISTRICT, SCHOOL = "own", "district", "school"


@dataclass(frozen=True)
class Talk:
    meeting_id: int
    day: datetime.date
    title: str
    speakers: str
    venue: str  # the association whose meeting it was
    venue_kind: str  # OWN, DISTRICT (the РМО's) or SCHOOL (another school МО's)
    link: Link


@dataclass(frozen=True)
class TalkFigures:
    count: int
    speakers: int  # people who spoke, each once
    at_own: int
    at_district: int
    at_schools: int
    talks: tuple[Talk, ...]


# --- 6. courses ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CourseFigures:
    people: int  # the staff
    with_course: int  # of them, a course ended within the three years up to the year's end
    hours: int  # those courses' hours
    in_year: int  # course records of the year (of the association's people)
    hours_in_year: int
    without: tuple[PersonRef, ...]
    link: Link  # «курсы за последние 3 года»
    year_link: Link  # the course records of the year

    @property
    def share(self) -> Decimal | None:
        return percent(self.with_course, self.people)

    @property
    def share_text(self) -> str:
        return percent_text(self.share)


# --- 7. attestation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AttestationRow:
    person: PersonRef
    category: str
    category_label: str
    granted_on: datetime.date


@dataclass(frozen=True)
class DueRow:
    person: PersonRef
    what: str  # «СЗД до 13.05.2027», «СЗД — просрочено», «категория «первая» до …»
    due_on: datetime.date | None  # None: overdue


@dataclass(frozen=True)
class AttestationFigures:
    granted: int
    by_category: tuple[Tally, ...]
    records: tuple[AttestationRow, ...]
    applications: int
    by_outcome: tuple[Tally, ...]
    next_year: str  # «2027/2028»
    due_next_year: tuple[DueRow, ...]
    link: Link  # the records and applications of the year
    overview_link: Link  # where each person stands


# --- 8. contests ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContestLevelRow:
    level: str
    label: str
    cells: tuple[Tally, ...]  # one per result, in the order of ContestEntry.Result
    total: int


@dataclass(frozen=True)
class ContestRow:
    entry_id: int
    person: PersonRef
    contest: str
    level_label: str
    result_label: str  # «призёр (2 место)»
    held_on: datetime.date


@dataclass(frozen=True)
class ContestFigures:
    total: int
    table: tuple[ContestLevelRow, ...]  # every stage
    results: tuple[Tally, ...]  # the columns' totals
    entries: tuple[ContestRow, ...]
    link: Link  # the confirmed entries of the year


# --- 9. visits -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitRow:
    visit_id: int
    day: datetime.date
    target_label: str
    title: str  # the event visited, else the visit's purpose
    teacher: str
    recommendations: int
    done: int
    link: Link

    @property
    def open(self) -> int:
        return self.recommendations - self.done


@dataclass(frozen=True)
class VisitFigures:
    count: int
    recommendations: int
    done: int
    visits: tuple[VisitRow, ...]
    link: Link
    open_link: Link  # the visits with a recommendation still open

    @property
    def open(self) -> int:
        return self.recommendations - self.done


# --- 10. consultations ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ConsultationFigures:
    count: int
    people: int  # people consulted, each once
    by_kind: tuple[Tally, ...]
    link: Link


# --- 11. monitoring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LevelCount:
    name: str
    count: int
    percent: int  # whole percent; the shares add up to 100


@dataclass(frozen=True)
class MonitoringScore:
    counted: int
    mean: Decimal | None
    level: str | None
    distribution: tuple[LevelCount, ...]  # every level, highest first

    @property
    def mean_text(self) -> str:
        """«4,1»: as the method rounds it."""
        return comma(self.mean, _decimals(self.mean)) if self.mean is not None else "—"


def _decimals(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0


def _change(september: MonitoringScore | None, may: MonitoringScore | None) -> Decimal | None:
    if september is None or may is None or september.mean is None or may.mean is None:
        return None
    return may.mean - september.mean


def _change_text(change: Decimal | None) -> str:
    if change is None:
        return "—"
    sign = "+" if change > 0 else ("−" if change < 0 else "±")
    return sign + comma(abs(change), _decimals(change))


@dataclass(frozen=True)
class MonitoringRow:
    """A class of a school МО's table (note: its teacher), a school of the РМО's."""

    label: str
    note: str
    september: MonitoringScore | None
    may: MonitoringScore | None
    link: Link

    @property
    def change(self) -> Decimal | None:
        return _change(self.september, self.may)

    @property
    def change_text(self) -> str:
        return _change_text(self.change)


@dataclass(frozen=True)
class MonitoringBand:
    label: str  # «1–4 классы»
    levels: tuple[str, ...]  # highest first
    classes: int  # classes with a September or May result
    september: MonitoringScore | None  # the band's pupils pooled
    may: MonitoringScore | None
    rows: tuple[MonitoringRow, ...]
    hidden: int  # rows of fewer than MONITORING_MIN_PUPILS pupils, only inside the total

    @property
    def change(self) -> Decimal | None:
        return _change(self.september, self.may)

    @property
    def change_text(self) -> str:
        return _change_text(self.change)


@dataclass(frozen=True)
class MonitoringFigures:
    bands: tuple[MonitoringBand, ...]
    link: Link  # the school's (the district's) table of the year


# --- 12. the district РМО: the schools' accepted analyses added up ------------------------------


@dataclass(frozen=True)
class KeyFigures(AttendanceShare):
    """A school МО's key figures as its accepted analysis froze them, or their sum over the
    district's accepted analyses (attendance pooled: present ÷ marked of the sums)."""

    staff: int
    meetings_held: int
    meetings_planned: int
    present: int
    marked: int
    plan_done: int
    plan_total: int
    open_events: int
    talks: int
    courses_with: int
    courses_people: int
    attested: int
    contests: int
    visits: int
    recommendations_open: int
    consultations: int

    @property
    def plan_percent(self) -> int:
        return Execution(total=self.plan_total, done=self.plan_done).percent

    @property
    def courses_share_text(self) -> str:
        return percent_text(percent(self.courses_with, self.courses_people))


@dataclass(frozen=True)
class RollupRow:
    """A school МО of the district: its analysis' status and, once accepted, its key figures."""

    association_id: int
    association_name: str
    school_name: str
    status: str  # "" when not started
    status_label: str
    figures: KeyFigures | None  # None unless accepted (and readable)
    note: str  # why an accepted analysis is not counted («показатели не прочитаны»), else ""
    link: Link  # the school МО's analysis page

    @property
    def counted(self) -> bool:
        return self.figures is not None


@dataclass(frozen=True)
class DistrictOwnFigures:
    """The district's own events of the year, as the РМО's figures count them: its held meetings
    (its seminars among them), the contests' municipal stage (confirmed entries of the district's
    people), the visits to the district's schools and the РМО's consultations log."""

    meetings_held: int
    seminars: int
    municipal_entries: int
    visits: int
    recommendations_open: int
    consultations: int
    meetings_link: Link
    contests_link: Link
    visits_link: Link
    consultations_link: Link


@dataclass(frozen=True)
class SchoolsRollup:
    schools: int  # the district's school МО
    accepted: int  # of them, with the year's analysis accepted (and counted)
    rows: tuple[RollupRow, ...]  # every school МО, by school
    totals: KeyFigures  # over the counted rows
    contests: tuple[ContestLevelRow, ...]  # stage × result, summed over the counted rows
    contest_results: tuple[Tally, ...]  # the columns' totals
    own: DistrictOwnFigures

    @property
    def not_counted(self) -> tuple[RollupRow, ...]:
        return tuple(row for row in self.rows if not row.counted)


# --- the year --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearFigures:
    association_id: int
    association_name: str
    is_district: bool
    school_name: str  # "" for the РМО
    district_name: str
    year_id: int
    year: str  # «2025/2026»
    as_of: datetime.date  # the day the «on a day» figures are asked on: the year's last
    staff: StaffFigures
    meetings: MeetingFigures
    plan: PlanFigures
    open_events: OpenEventFigures
    talks: TalkFigures
    courses: CourseFigures
    attestation: AttestationFigures
    contests: ContestFigures
    visits: VisitFigures
    consultations: ConsultationFigures
    monitoring: MonitoringFigures
    # The district РМО's roll-up of its school МО's accepted analyses; None for a school МО. Left
    # out of the data when None, so that a school МО's data is as it was before the roll-up.
    schools: SchoolsRollup | None = None

    #: Fields left out of the data when None (data without them reads as None).
    OPTIONAL: typing.ClassVar[tuple[str, ...]] = ("schools",)

    def to_data(self) -> dict:
        """Plain JSON data (dicts, lists, strings, numbers, None) with the schema's number."""
        data = {"schema": SCHEMA, **_dump(self)}
        for name in self.OPTIONAL:
            if data[name] is None:
                del data[name]
        return data

    @classmethod
    def from_data(cls, data: dict) -> YearFigures:
        """The figures `to_data` gave, exactly; ValueError for data of another schema or shape."""
        if not isinstance(data, dict) or data.get("schema") != SCHEMA:
            raise ValueError(f"Figures of schema {data.get('schema') if isinstance(data, dict) else None!r}, "
                             f"expected {SCHEMA}.")
        fields = {key: value for key, value in data.items() if key != "schema"}
        try:
            return _load(cls, fields)
        except (KeyError, TypeError, ValueError, ArithmeticError) as error:
            raise ValueError(f"The figures' data does not match schema {SCHEMA}: {error!r}") from error


# --- plain data and back -------------------------------------------------------------------------


def _dump(value):
    if dataclasses.is_dataclass(value):
        return {field.name: _dump(getattr(value, field.name)) for field in dataclasses.fields(value)}
    if isinstance(value, tuple):
        return [_dump(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    raise TypeError(f"Not a figure's value: {value!r}")


@cache
def _hints(cls) -> dict:
    return typing.get_type_hints(cls)


def _load(kind, raw):
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if raw is None:
            return None
        (inner,) = (arg for arg in typing.get_args(kind) if arg is not type(None))
        return _load(inner, raw)
    if origin is tuple:
        if not isinstance(raw, list):
            raise TypeError(f"A list expected: {raw!r}")
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_load(args[0], value) for value in raw)
        if len(args) != len(raw):
            raise TypeError(f"{len(args)} values expected: {raw!r}")
        return tuple(_load(arg, value) for arg, value in zip(args, raw, strict=True))
    if dataclasses.is_dataclass(kind):
        if not isinstance(raw, dict):
            raise TypeError(f"An object expected: {raw!r}")
        hints = _hints(kind)
        fields = dataclasses.fields(kind)
        names = [field.name for field in fields]
        # A field with a default may be missing (data written before it existed); nothing else.
        optional = {field.name for field in fields if field.default is not dataclasses.MISSING}
        if set(raw) - set(names) or set(names) - set(raw) - optional:
            raise KeyError(f"{kind.__name__}: {sorted(set(raw) ^ set(names))}")
        return kind(**{name: _load(hints[name], raw[name]) for name in names if name in raw})
    if kind is Decimal:
        if not isinstance(raw, str):
            raise TypeError(f"A decimal as text expected: {raw!r}")
        return Decimal(raw)
    if kind is datetime.date:
        return datetime.date.fromisoformat(raw)
    if kind is bool:
        if not isinstance(raw, bool):
            raise TypeError(f"A boolean expected: {raw!r}")
        return raw
    if kind in (int, str):
        if not isinstance(raw, kind) or isinstance(raw, bool):
            raise TypeError(f"{kind.__name__} expected: {raw!r}")
        return raw
    raise TypeError(f"Not a figure's type: {kind!r}")


# --- computing them ------------------------------------------------------------------------------


@dataclass
class _Scope:
    association: Association
    year: AcademicYear

    @property
    def school_id(self) -> int | None:
        return self.association.school_id

    @property
    def district_id(self) -> int:
        return self.association.district_id

    def people(self, path: str = "person") -> Q:
        """The association's people: the school's, or the district's for the РМО."""
        if self.school_id is not None:
            return Q(**{f"{path}__school_id": self.school_id})
        return Q(**{f"{path}__district_id": self.district_id})

    def schools(self, path: str = "school") -> Q:
        if self.school_id is not None:
            return Q(**{f"{path}_id": self.school_id})
        return Q(**{f"{path}__district_id": self.district_id})

    @property
    def year_query(self) -> tuple[tuple[str, str], ...]:
        return (("year", str(self.year.pk)),)

    @property
    def school_query(self) -> tuple[tuple[str, str], ...]:
        return (("school", str(self.school_id)),) if self.school_id is not None else ()


def figures_for(association: Association, year: AcademicYear) -> YearFigures:
    """The figures of `association`'s `year` from the records (see the module's docstring for
    what each counts). No access check: the callers (the analysis' selectors) decide who reads."""
    association = Association.objects.select_related("school", "district").get(pk=association.pk)
    scope = _Scope(association=association, year=year)
    members = list(
        Membership.objects.filter(association=association, academic_year=year).select_related("person")
    )
    classes = list(
        ClassAssignment.objects.filter(scope.schools(), academic_year=year).select_related("teacher")
        .order_by("grade", "letter", "pk")
    )
    classes_of: dict[int, list[ClassAssignment]] = defaultdict(list)
    for assignment in classes:
        classes_of[assignment.teacher_id].append(assignment)
    staff_people = {m.person_id: m.person for m in members}
    for assignment in classes:
        staff_people.setdefault(assignment.teacher_id, assignment.teacher)
    staff = sorted(staff_people.values(), key=lambda p: (p.last_name, p.first_name, p.patronymic, p.pk))

    meetings = list(
        Meeting.objects.filter(association=association, academic_year=year).order_by("starts_at", "pk")
    )
    plan = AnnualPlan.objects.filter(association=association, academic_year=year).first()
    items = (
        list(plan.items.select_related("section").order_by("position", "pk"))
        if plan is not None and plan.status == AnnualPlan.Status.APPROVED else []
    )
    meeting_figures = _meetings(scope, meetings, items)
    contests = _contests(scope)
    visits = _visits(scope)
    consultations = _consultations(scope)
    return YearFigures(
        association_id=association.pk,
        association_name=association.name,
        is_district=association.is_district,
        school_name=association.school.short_name if association.school_id else "",
        district_name=association.district.name,
        year_id=year.pk,
        year=str(year),
        as_of=year.ends_on,
        staff=_staff(scope, staff, {m.person_id for m in members}, classes, classes_of),
        meetings=meeting_figures,
        plan=_plan(plan, items, year),
        open_events=_open_events(scope, meetings, classes_of),
        talks=_talks(scope, staff_people),
        courses=_courses(scope, staff),
        attestation=_attestation(scope, staff),
        contests=contests,
        visits=visits,
        consultations=consultations,
        monitoring=_monitoring(scope),
        schools=(
            _schools_rollup(scope, _district_own(meeting_figures, contests, visits, consultations))
            if association.is_district else None
        ),
    )


def _class_labels(assignments: Iterable[ClassAssignment]) -> str:
    return ", ".join(a.label for a in assignments)


def _staff(scope: _Scope, staff: list[Person], member_ids: set[int], classes: list[ClassAssignment],
           classes_of: dict[int, list[ClassAssignment]]) -> StaffFigures:
    on = scope.year.ends_on
    education = {key: 0 for key in Person.Education.values} | {UNKNOWN: 0}
    experience = {band[0]: 0 for band in EXPERIENCE_BANDS} | {UNKNOWN: 0}
    category = dict.fromkeys(Person.Category.values, 0)
    rows = []
    for person in staff:
        education[person.education or UNKNOWN] += 1
        years = person.experience_years(on)
        experience[_experience_band(years)] += 1
        category[person.category] = category.get(person.category, 0) + 1
        rows.append(StaffMember(
            person_id=person.pk, name=person.short_name, member=person.pk in member_ids,
            classes=_class_labels(classes_of.get(person.pk, ())),
            education=str(person.get_education_display()) if person.education else "",
            experience=years, category=str(person.get_category_display()),
            link=Link("associations:person", (person.pk,)),
        ))
    unknown = _("не указано")
    return StaffFigures(
        total=len(staff),
        members=len(member_ids),
        class_teachers=len({a.teacher_id for a in classes}),
        classes=len(classes),
        by_education=tuple(
            Tally(key, str(Person.Education(key).label) if key != UNKNOWN else unknown, count)
            for key, count in education.items()
        ),
        by_experience=(
            *(Tally(key, str(label), experience[key]) for key, label, _low, _high in EXPERIENCE_BANDS),
            Tally(UNKNOWN, unknown, experience[UNKNOWN]),
        ),
        by_category=tuple(
            Tally(key, str(Person.Category(key).label), count,
                  Link("associations:people", query=(*scope.school_query, ("category", key))))
            for key, count in category.items()
        ),
        people=tuple(rows),
        link=Link("associations:detail", (scope.association.pk,), scope.year_query),
    )


def _experience_band(years: int | None) -> str:
    if years is None:
        return UNKNOWN
    for key, _label, low, high in EXPERIENCE_BANDS:
        if years >= low and (high is None or years < high):
            return key
    return UNKNOWN


def _is_meeting_item(item: PlanItem, carried_out: set[int]) -> bool:
    return item.section.name == MEETINGS_SECTION or item.pk in carried_out


def _meetings(scope: _Scope, meetings: list[Meeting], items: list[PlanItem]) -> MeetingFigures:
    held = [m for m in meetings if m.status == Meeting.Status.HELD]
    marks = {
        row["meeting_id"]: row
        for row in Attendance.objects.filter(meeting__in=[m.pk for m in held]).values("meeting_id").annotate(
            marked=Count("pk"), present=Count("pk", filter=Q(present=True))
        ).order_by()
    }

    def row(meeting: Meeting) -> MeetingRow:
        mark = marks.get(meeting.pk, {"present": 0, "marked": 0})
        return MeetingRow(
            meeting_id=meeting.pk, day=_day(meeting.starts_at), kind=meeting.kind,
            kind_label=str(meeting.get_kind_display()), theme=meeting.theme, in_plan=meeting.plan_item_id is not None,
            present=mark["present"], marked=mark["marked"],
            reason=meeting.cancel_reason, link=Link("meetings:meeting", (meeting.pk,)),
        )

    held_rows = tuple(row(m) for m in held)
    carried_out = {m.plan_item_id for m in meetings if m.plan_item_id}
    held_on: dict[int, datetime.date] = {}
    for meeting in held:
        if meeting.plan_item_id:
            held_on.setdefault(meeting.plan_item_id, _day(meeting.starts_at))
    planned = tuple(
        PlannedMeeting(
            position=item.position, content=item.content, timing=item.timing_label, execution=item.execution,
            execution_label=str(item.get_execution_display()), held_on=held_on.get(item.pk),
            link=Link("associations:plan", (item.plan_id,)),
        )
        for item in items
        if _is_meeting_item(item, carried_out)
    )
    kinds: dict[str, int] = dict.fromkeys(Meeting.Kind.values, 0)
    for meeting in held:
        kinds[meeting.kind] += 1
    return MeetingFigures(
        planned=len(planned),
        scheduled=len(meetings),
        held=len(held),
        held_in_plan=sum(1 for m in held if m.plan_item_id),
        cancelled=sum(1 for m in meetings if m.status == Meeting.Status.CANCELLED),
        present=sum(r.present for r in held_rows),
        marked=sum(r.marked for r in held_rows),
        by_form=tuple(Tally(key, str(Meeting.Kind(key).label), count) for key, count in kinds.items() if count),
        planned_meetings=planned,
        held_meetings=held_rows,
        cancelled_meetings=tuple(row(m) for m in meetings if m.status == Meeting.Status.CANCELLED),
        link=Link("meetings:association_meetings", (scope.association.pk,), scope.year_query),
    )


def _plan(plan: AnnualPlan | None, items: list[PlanItem], year: AcademicYear) -> PlanFigures:
    if plan is None:
        return PlanFigures(
            plan_id=None, status="", status_label=_("плана на этот год нет"), total=0, done=0, moved=0, cancelled=0,
            pending=0, moved_items=(), cancelled_items=(), link=None,
        )
    execution = execution_of(items, year, today=year.ends_on)

    def rows(kind: str) -> tuple[PlanItemRow, ...]:
        return tuple(
            PlanItemRow(position=item.position, content=item.content, timing=item.timing_label,
                        moved_to=item.moved_timing, note=item.execution_note)
            for item in items
            if item.execution == kind
        )

    return PlanFigures(
        plan_id=plan.pk, status=plan.status, status_label=str(plan.get_status_display()),
        total=execution.total, done=execution.done, moved=execution.moved, cancelled=execution.cancelled,
        pending=execution.pending,
        moved_items=rows(PlanItem.Execution.MOVED), cancelled_items=rows(PlanItem.Execution.CANCELLED),
        link=Link("associations:plan", (plan.pk,)),
    )


def _speakers_of(scope: _Scope) -> dict[int, dict[int, list[Person]]]:
    """meeting id → agenda item id → its speakers, in agenda order, for the association's held
    open events of the year: one query, asked of the meetings' conditions rather than of their
    ids, so that it runs (and counts) the same whether the year has open events or not."""
    result: dict[int, dict[int, list[Person]]] = defaultdict(dict)
    rows = AgendaItem.speakers.through.objects.filter(
        agendaitem__meeting__association=scope.association, agendaitem__meeting__academic_year=scope.year,
        agendaitem__meeting__status=Meeting.Status.HELD, agendaitem__meeting__kind=Meeting.Kind.OPEN_EVENT,
    ).select_related(
        "person", "agendaitem"
    ).order_by("agendaitem__position", "agendaitem_id", "person__last_name", "person__first_name", "person_id")
    for row in rows:
        result[row.agendaitem.meeting_id].setdefault(row.agendaitem_id, []).append(row.person)
    return result


def _open_events(scope: _Scope, meetings: list[Meeting],
                 classes_of: dict[int, list[ClassAssignment]]) -> OpenEventFigures:
    open_meetings = [m for m in meetings if m.status == Meeting.Status.HELD and m.kind == Meeting.Kind.OPEN_EVENT]
    speakers = _speakers_of(scope)
    events: dict[tuple[str, int], dict] = {}
    for meeting in open_meetings:
        people = _unique(p for item in speakers.get(meeting.pk, {}).values() for p in item)
        events[("meeting", meeting.pk)] = {
            "day": _day(meeting.starts_at), "title": meeting.theme, "people": people, "grades": None,
            "source": "meeting", "link": Link("meetings:meeting", (meeting.pk,)),
        }
    materials = (
        Material.objects.filter(scope.schools() if scope.school_id else Q(district_id=scope.district_id),
                                academic_year=scope.year, is_open_event=True)
        .exclude(visibility=Material.Visibility.DRAFT)
        .prefetch_related("authors", "grades")
        .order_by("held_on", "pk")
    )
    for material in materials:
        authors = sorted(material.authors.all(), key=lambda p: (p.last_name, p.first_name, p.pk))
        grades = sorted(g.grade for g in material.grades.all())
        event = events.get(("meeting", material.meeting_id)) if material.meeting_id else None
        if event is not None:
            event["people"] = event["people"] or authors
            event["grades"] = grades
            continue
        events[("material", material.pk)] = {
            "day": material.held_on, "title": material.title, "people": authors, "grades": grades,
            "source": "material", "link": Link("meetings:material", (material.pk,)),
        }
    rows = []
    for event in events.values():
        rows.append(OpenEvent(
            day=event["day"], title=event["title"], teachers=", ".join(p.short_name for p in event["people"]),
            classes=_event_classes(event["people"], event["grades"], classes_of), source=event["source"],
            link=event["link"],
        ))
    rows.sort(key=lambda e: (e.day is None, e.day or datetime.date.min, e.title))
    query = [("open", "on"), ("year", str(scope.year.start_year))]
    if scope.school_id is not None:
        query.append(("school", str(scope.school_id)))
    return OpenEventFigures(count=len(rows), events=tuple(rows), link=Link("meetings:materials", query=tuple(query)))


def _unique(people: Iterable[Person]) -> list[Person]:
    seen: dict[int, Person] = {}
    for person in people:
        seen.setdefault(person.pk, person)
    return list(seen.values())


def _event_classes(people: list[Person], grades: list[int] | None,
                   classes_of: dict[int, list[ClassAssignment]]) -> str:
    """The teachers' classes of the year (among the card's grades, when it names them); else the
    card's grades."""
    assignments = [a for p in people for a in classes_of.get(p.pk, ()) if not grades or a.grade in grades]
    if assignments:
        return _class_labels(assignments)
    return ", ".join(str(g) for g in grades or ())


def _talks(scope: _Scope, staff: dict[int, Person]) -> TalkFigures:
    through = AgendaItem.speakers.through
    held = Q(agendaitem__meeting__academic_year=scope.year, agendaitem__meeting__status=Meeting.Status.HELD)
    if scope.school_id is not None:
        where = held & Q(agendaitem__meeting__association__district_id=scope.district_id,
                         person_id__in=list(staff))
    else:
        where = held & Q(agendaitem__meeting__association_id=scope.association.pk)
    rows = through.objects.filter(where).select_related("person", "agendaitem__meeting__association").order_by(
        "agendaitem__meeting__starts_at", "agendaitem__meeting_id", "agendaitem__position", "agendaitem_id",
        "person__last_name", "person__first_name", "person_id",
    )
    by_item: dict[int, dict] = {}
    spoke: set[int] = set()
    for row in rows:
        spoke.add(row.person_id)
        entry = by_item.setdefault(row.agendaitem_id, {"item": row.agendaitem, "people": []})
        entry["people"].append(row.person)
    talks = []
    for entry in by_item.values():
        item = entry["item"]
        meeting = item.meeting
        if meeting.association_id == scope.association.pk:
            kind = OWN
        elif meeting.association.is_district:
            kind = DISTRICT
        else:
            kind = SCHOOL
        talks.append(Talk(
            meeting_id=meeting.pk, day=_day(meeting.starts_at), title=item.title,
            speakers=", ".join(p.short_name for p in entry["people"]), venue=meeting.association.name,
            venue_kind=kind, link=Link("meetings:meeting", (meeting.pk,)),
        ))
    return TalkFigures(
        count=len(talks), speakers=len(spoke),
        at_own=sum(1 for t in talks if t.venue_kind == OWN),
        at_district=sum(1 for t in talks if t.venue_kind == DISTRICT),
        at_schools=sum(1 for t in talks if t.venue_kind == SCHOOL),
        talks=tuple(talks),
    )


def _courses(scope: _Scope, staff: list[Person]) -> CourseFigures:
    statuses = course_status(people=staff, today=scope.year.ends_on)
    in_year = Course.objects.filter(scope.people(), academic_year=scope.year).aggregate(
        count=Count("pk"), hours=Sum("hours")
    )
    return CourseFigures(
        people=len(staff),
        with_course=sum(1 for s in statuses.values() if not s.overdue),
        hours=sum(s.recent_hours for s in statuses.values()),
        in_year=in_year["count"],
        hours_in_year=in_year["hours"] or 0,
        without=tuple(_person_ref(p) for p in staff if statuses[p.pk].overdue),
        link=Link("associations:courses_overview", query=scope.school_query),
        year_link=Link("associations:courses", query=(*scope.year_query, *scope.school_query)),
    )


def _attestation(scope: _Scope, staff: list[Person]) -> AttestationFigures:
    query = (*scope.year_query, *scope.school_query)
    records = list(
        Attestation.objects.filter(scope.people(), academic_year=scope.year).select_related("person")
        .order_by("granted_on", "person__last_name", "pk")
    )
    categories = dict.fromkeys(Category.values, 0)
    for record in records:
        categories[record.category] += 1
    outcomes = dict.fromkeys(AttestationApplication.Outcome.values, 0)
    for row in AttestationApplication.objects.filter(scope.people(), academic_year=scope.year).values(
        "outcome"
    ).annotate(n=Count("pk")).order_by():
        outcomes[row["outcome"]] += row["n"]
    next_start = scope.year.start_year + 1
    first, last = datetime.date(next_start, 9, 1), datetime.date(next_start + 1, 8, 31)
    statuses = attestation_status(people=staff, today=scope.year.ends_on)
    due = []
    for person in staff:
        status = statuses[person.pk]
        if status.overdue or (status.next_due is not None and first <= status.next_due <= last):
            due.append(DueRow(person=_person_ref(person), what=status.due_label,
                              due_on=None if status.overdue else status.next_due))
    return AttestationFigures(
        granted=len(records),
        by_category=tuple(
            Tally(key, str(Category(key).label), count,
                  Link("associations:attestations", query=(*query, ("category", key))))
            for key, count in categories.items()
        ),
        records=tuple(
            AttestationRow(person=_person_ref(r.person), category=r.category,
                           category_label=str(r.get_category_display()), granted_on=r.granted_on)
            for r in records
        ),
        applications=sum(outcomes.values()),
        by_outcome=tuple(
            Tally(key, str(AttestationApplication.Outcome(key).label), count) for key, count in outcomes.items()
        ),
        next_year=f"{next_start}/{next_start + 1}",
        due_next_year=tuple(due),
        link=Link("associations:attestations", query=query),
        overview_link=Link("associations:attestation_overview", query=scope.school_query),
    )


def _contests(scope: _Scope) -> ContestFigures:
    base = (*scope.year_query, *scope.school_query, ("status", ContestEntry.Status.CONFIRMED.value))
    entries = list(
        ContestEntry.objects.filter(scope.people(), academic_year=scope.year, status=ContestEntry.Status.CONFIRMED)
        .select_related("person", "contest").order_by("held_on", "person__last_name", "pk")
    )
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for entry in entries:
        cells[(entry.level, entry.result)] += 1
    results = ContestEntry.Result
    table = tuple(
        ContestLevelRow(
            level=level, label=str(Level(level).label),
            cells=tuple(
                Tally(result, str(results(result).label), cells[(level, result)],
                      Link("associations:contests", query=(*base, ("level", level), ("result", result))))
                for result in results.values
            ),
            total=sum(cells[(level, result)] for result in results.values),
        )
        for level in Level.values
    )
    return ContestFigures(
        total=len(entries),
        table=table,
        results=tuple(
            Tally(result, str(results(result).label), sum(cells[(level, result)] for level in Level.values),
                  Link("associations:contests", query=(*base, ("result", result))))
            for result in results.values
        ),
        entries=tuple(
            ContestRow(entry_id=e.pk, person=_person_ref(e.person), contest=e.contest.name,
                       level_label=str(e.get_level_display()), result_label=str(e.result_label), held_on=e.held_on)
            for e in entries
        ),
        link=Link("associations:contests", query=base),
    )


def _visits(scope: _Scope) -> VisitFigures:
    query = (*scope.year_query, *scope.school_query)
    visits = list(
        Visit.objects.filter(scope.schools(), academic_year=scope.year).select_related("visited_person")
        .annotate(
            recommendation_count=Count("recommendations"),
            done_count=Count("recommendations", filter=Q(recommendations__done_on__isnull=False)),
        ).order_by("visited_on", "pk")
    )
    rows = tuple(
        VisitRow(
            visit_id=v.pk, day=v.visited_on, target_label=str(v.get_target_display()), title=v.event_title or v.purpose,
            teacher=v.visited_person.short_name if v.visited_person_id else "",
            recommendations=v.recommendation_count, done=v.done_count, link=Link("associations:visit", (v.pk,)),
        )
        for v in visits
    )
    return VisitFigures(
        count=len(rows), recommendations=sum(r.recommendations for r in rows), done=sum(r.done for r in rows),
        visits=rows, link=Link("associations:visits", query=query),
        open_link=Link("associations:visits", query=(*query, ("open", "on"))),
    )


def _consultations(scope: _Scope) -> ConsultationFigures:
    query = (*scope.year_query, ("association", str(scope.association.pk)))
    own = Q(association_id=scope.association.pk, academic_year=scope.year)
    kinds = dict.fromkeys(Consultation.Kind.values, 0)
    for row in Consultation.objects.filter(own).values("kind").annotate(n=Count("pk")).order_by():
        kinds[row["kind"]] += row["n"]
    people = (
        Consultation.consulted.through.objects.filter(
            consultation__association_id=scope.association.pk, consultation__academic_year=scope.year
        ).values("person_id").distinct().count()
    )
    return ConsultationFigures(
        count=sum(kinds.values()), people=people,
        by_kind=tuple(
            Tally(key, str(Consultation.Kind(key).label), count,
                  Link("associations:consultations", query=(*query, ("kind", key))))
            for key, count in kinds.items()
        ),
        link=Link("associations:consultations", query=query),
    )


def _score(score: Score | None) -> MonitoringScore | None:
    if score is None:
        return None
    return MonitoringScore(
        counted=score.counted, mean=score.mean, level=score.level,
        distribution=tuple(LevelCount(s.name, s.count, s.percent) for s in score.distribution),
    )


def _monitoring(scope: _Scope) -> MonitoringFigures:
    """The monitoring's own tables (`reports.monitoring.selectors`), as the district level reads
    them: a school МО's by class (`school_table`), the РМО's by school (`district_table`) — the
    same rows, totals and privacy rule (a class or pool of fewer than MONITORING_MIN_PUPILS
    pupils, and a total that would give such pupils away, left out)."""
    year_query = (("year", str(scope.year.start_year)),)
    result = []
    if scope.school_id is None:
        table = monitoring_selectors.district_table(scope.association.district, scope.year)
        for band in table.bands:
            rows = tuple(
                MonitoringRow(
                    label=row.school.short_name, note="",
                    september=_score(row.total.dynamics.september), may=_score(row.total.dynamics.may),
                    link=Link("reports:monitoring_school", (row.school.pk,), year_query),
                )
                for row in band.rows
                if row.total.dynamics.september is not None or row.total.dynamics.may is not None
            )
            result.append(_band(band, rows, hidden=len(band.rows) - len(rows)))
        link = Link("reports:monitoring_district", (scope.district_id,), year_query)
    else:
        table = monitoring_selectors.school_table(scope.association.school, scope.year, pupils_view=False)
        for group in table.groups:
            rows = tuple(
                MonitoringRow(
                    label=row.class_assignment.label, note=row.class_assignment.teacher.short_name,
                    september=_score(row.dynamics.september), may=_score(row.dynamics.may),
                    link=Link("reports:monitoring_result", ((row.may or row.september).pk,)),
                )
                for row in group.rows
            )
            result.append(_band(group, rows, hidden=group.total.hidden))
        link = Link("reports:monitoring_school", (scope.school_id,), year_query)
    return MonitoringFigures(bands=tuple(result), link=link)


def _band(group, rows: tuple[MonitoringRow, ...], *, hidden: int) -> MonitoringBand:
    total = group.total
    return MonitoringBand(
        label=group.label, levels=tuple(band.name for band in total.method.bands), classes=total.classes,
        september=_score(total.dynamics.september), may=_score(total.dynamics.may), rows=rows, hidden=hidden,
    )


# --- the district РМО's roll-up ---------------------------------------------------------------------


def _district_own(meetings: MeetingFigures, contests: ContestFigures, visits: VisitFigures,
                  consultations: ConsultationFigures) -> DistrictOwnFigures:
    """The district's own events out of the РМО's figures (no query): its meetings are its own
    (`Meeting.association`), the municipal stage is the district's of the contests, the visits
    are the РМО's to the district's schools, the consultations the РМО's own log."""
    municipal = next((row for row in contests.table if row.level == Level.MUNICIPAL), None)
    return DistrictOwnFigures(
        meetings_held=meetings.held,
        seminars=sum(t.count for t in meetings.by_form if t.key == Meeting.Kind.SEMINAR),
        municipal_entries=municipal.total if municipal is not None else 0,
        visits=visits.count,
        recommendations_open=visits.recommendations - visits.done,
        consultations=consultations.count,
        meetings_link=meetings.link,
        contests_link=Link(contests.link.name, contests.link.args,
                           (*contests.link.query, ("level", Level.MUNICIPAL.value))),
        visits_link=visits.link,
        consultations_link=consultations.link,
    )


def _key_figures(figures: YearFigures) -> KeyFigures:
    return KeyFigures(
        staff=figures.staff.total,
        meetings_held=figures.meetings.held, meetings_planned=figures.meetings.planned,
        present=figures.meetings.present, marked=figures.meetings.marked,
        plan_done=figures.plan.done, plan_total=figures.plan.total,
        open_events=figures.open_events.count, talks=figures.talks.count,
        courses_with=figures.courses.with_course, courses_people=figures.courses.people,
        attested=figures.attestation.granted, contests=figures.contests.total,
        visits=figures.visits.count, recommendations_open=figures.visits.recommendations - figures.visits.done,
        consultations=figures.consultations.count,
    )


def _sum_key_figures(rows: Iterable[KeyFigures]) -> KeyFigures:
    names = [field.name for field in dataclasses.fields(KeyFigures)]
    totals = dict.fromkeys(names, 0)
    for row in rows:
        for name in names:
            totals[name] += getattr(row, name)
    return KeyFigures(**totals)


def _schools_rollup(scope: _Scope, own: DistrictOwnFigures) -> SchoolsRollup:
    """The district's school МО, each with its analysis of the year: an accepted one counted with
    the key figures it was accepted with (its frozen `figures`), the others listed with their
    status. Two queries whatever the number of schools: the МО, and the year's analyses."""
    from reports.analysis.models import Analysis

    associations = list(
        Association.objects.filter(district_id=scope.district_id, kind=Association.Kind.SCHOOL)
        .select_related("school").order_by("school__short_name", "name", "pk")
    )
    analyses = {
        analysis.association_id: analysis
        for analysis in Analysis.objects.filter(
            association__district_id=scope.district_id, association__kind=Association.Kind.SCHOOL,
            academic_year=scope.year,
        ).only("pk", "association_id", "status", "figures").order_by()
    }
    results = ContestEntry.Result
    cells: dict[tuple[str, str], int] = defaultdict(int)
    rows = []
    for association in associations:
        analysis = analyses.get(association.pk)
        key, note = None, ""
        if analysis is not None and analysis.status == Analysis.Status.ACCEPTED:
            try:
                frozen = YearFigures.from_data(analysis.figures)
            except ValueError:
                note = _("показатели не прочитаны")
            else:
                key = _key_figures(frozen)
                for level_row in frozen.contests.table:
                    for cell in level_row.cells:
                        cells[(level_row.level, cell.key)] += cell.count
        rows.append(RollupRow(
            association_id=association.pk, association_name=association.name,
            school_name=association.school.short_name,
            status=analysis.status if analysis is not None else "",
            status_label=str(analysis.get_status_display()) if analysis is not None else _("не начат"),
            figures=key, note=note,
            link=Link("reports:analysis", (association.pk, scope.year.start_year)),
        ))
    counted = [row.figures for row in rows if row.figures is not None]
    return SchoolsRollup(
        schools=len(rows),
        accepted=len(counted),
        rows=tuple(rows),
        totals=_sum_key_figures(counted),
        contests=tuple(
            ContestLevelRow(
                level=level, label=str(Level(level).label),
                cells=tuple(Tally(result, str(results(result).label), cells[(level, result)])
                            for result in results.values),
                total=sum(cells[(level, result)] for result in results.values),
            )
            for level in Level.values
        ),
        contest_results=tuple(
            Tally(result, str(results(result).label), sum(cells[(level, result)] for level in Level.values))
            for result in results.values
        ),
        own=own,
    )
