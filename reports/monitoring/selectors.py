"""The scoped reads of the monitoring: a class's results, a school's table by class and a
district's by school and grade band, each with a fixed number of queries however many classes
and pupils there are (the grades of every monitoring a page shows are one query).

Who reads what is `associations.access` («monitoring», «monitoring_school»,
«monitoring_district»); the figures are `scoring`. A district-level reader never gets a
pupil's row: a class's result comes to them as its aggregate (`Score.aggregate`), and a class of
fewer than `access.MONITORING_MIN_PUPILS` counted pupils only inside its group's total.

A school's and a district's tables are grouped by the method's grade band (1–4, 5–11): a
group's total pools its classes' pupils (`scoring.pool`), since the qualities of two versions
differ; the dynamics compare September with May of the same class or group.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from associations import access
from associations.models import AcademicYear, ClassAssignment, District, School
from reports.monitoring.models import ClassMonitoring, Grade, Method, MonitoredPupil, Period
from reports.monitoring.scoring import (
    RATER_LCM,
    Dynamics,
    MethodData,
    PupilGrades,
    Score,
    method_data,
    pool,
    pupil_mean,
    score_class,
    score_means,
)
from reports.monitoring.services import METHOD_PREFETCH

PERIODS = (Period.SEPTEMBER, Period.MAY)


def _methods(ids: Iterable[int]) -> dict[int, MethodData]:
    """The methods' data, read once (five queries however many methods)."""
    ids = set(ids)
    if not ids:
        return {}
    return {
        method.pk: method_data(method)
        for method in Method.objects.filter(pk__in=ids).prefetch_related(*METHOD_PREFETCH)
    }


def _grades(monitoring_ids: Sequence[int]) -> dict[int, list[PupilGrades]]:
    """Every pupil of the monitorings with their grades: two queries."""
    pupils: dict[int, dict[int, PupilGrades]] = defaultdict(dict)
    by_id: dict[int, PupilGrades] = {}
    rows = MonitoredPupil.objects.filter(monitoring_id__in=monitoring_ids).values_list(
        "pk", "monitoring_id", "number", "initials"
    )
    for pk, monitoring_id, number, initials in rows:
        pupil = PupilGrades(number=number, initials=initials, grades={})
        pupils[monitoring_id][pk] = pupil
        by_id[pk] = pupil
    grades = Grade.objects.filter(pupil__monitoring_id__in=monitoring_ids).values_list(
        "pupil_id", "quality_id", "rater", "value"
    )
    for pupil_id, quality_id, rater, value in grades:
        by_id[pupil_id].grades[(quality_id, rater)] = value
    return {monitoring_id: list(rows.values()) for monitoring_id, rows in pupils.items()}


def scores(monitorings: Sequence[ClassMonitoring]) -> dict[int, Score]:
    """The figures of each monitoring (by id), per-pupil rows included: the callers decide what
    a reader gets."""
    methods = _methods(m.method_id for m in monitorings)
    grades = _grades([m.pk for m in monitorings])
    return {m.pk: score_class(methods[m.method_id], grades.get(m.pk, [])) for m in monitorings}


def pupil_means(monitorings: QuerySet[ClassMonitoring]) -> dict[int, tuple[int, list[int], list[int]]]:
    """Per monitoring: its pupils entered, and for each pupil graded on some quality the total of
    `scoring.pupil_mean` and the number of qualities graded, summed by the database in one query
    (a district's table reads a few thousand pupils' rows instead of their hundred thousand
    grades). monitoring id → (entered, [total], [qualities]).

    Raw SQL: the ORM does not group a grouped query again. The SQL's only variable parts are the
    quoted table names and the ORM's SQL of `monitorings`, whose values are parameters."""
    result: dict[int, tuple[int, list[int], list[int]]] = {}
    quote = connection.ops.quote_name
    pupil, grade = quote(MonitoredPupil._meta.db_table), quote(Grade._meta.db_table)
    # The monitorings as a subquery (the ORM's SQL with its parameters): a district's thousands
    # of ids are never spelt out as parameters.
    ids_sql, ids_params = monitorings.order_by().values("pk").query.sql_with_params()
    sql = f"""
        SELECT p.monitoring_id, q.n, q.total
        FROM {pupil} p
        LEFT JOIN (
            SELECT pq.pupil_id, COUNT(*) AS n, SUM(pq.part) AS total
            FROM (
                SELECT g.pupil_id, g.quality_id, ({RATER_LCM} * SUM(g.value)) / COUNT(*) AS part
                FROM {grade} g JOIN {pupil} gp ON gp.id = g.pupil_id
                WHERE gp.monitoring_id IN ({ids_sql})
                GROUP BY g.pupil_id, g.quality_id
            ) pq
            GROUP BY pq.pupil_id
        ) q ON q.pupil_id = p.id
        WHERE p.monitoring_id IN ({ids_sql})
    """  # noqa: S608 — quoted table names and the ORM's own SQL with placeholders only
    with connection.cursor() as cursor:
        cursor.execute(sql, [*ids_params, *ids_params])
        for monitoring_id, qualities, total in cursor.fetchall():
            entered, totals, counts = result.setdefault(monitoring_id, (0, [], []))
            result[monitoring_id] = (entered + 1, totals, counts)
            if qualities:
                totals.append(int(total))
                counts.append(int(qualities))
    return result


def aggregate_scores(monitorings: Sequence[ClassMonitoring], query: QuerySet | None = None) -> dict[int, Score]:
    """The figures of each monitoring without its pupils' rows, from `pupil_means` (the
    district's table): a pupil is counted once every quality of the method has a grade.
    `query` selects the same monitorings in SQL (by default their ids)."""
    methods = _methods(m.method_id for m in monitorings)
    if query is None:
        query = ClassMonitoring.objects.filter(pk__in=[m.pk for m in monitorings])
    means = pupil_means(query)
    figures = {}
    for monitoring in monitorings:
        method = methods[monitoring.method_id]
        qualities = len(method.qualities)
        entered, totals, counts = means.get(monitoring.pk, (0, [], []))
        raw = [pupil_mean(total, qualities) for total, n in zip(totals, counts, strict=True) if n == qualities]
        figures[monitoring.pk] = score_means(method, raw, entered=entered)
    return figures


def _year(year: AcademicYear | None) -> AcademicYear:
    return year if year is not None else AcademicYear.objects.current()


# --- a class ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassResult:
    """A class's monitoring for one period, as its reader may read it."""

    monitoring: ClassMonitoring
    score: Score  # without pupils for a district-level reader
    pupils_view: bool  # the reader sees per-pupil rows
    can_write: bool
    periods: tuple[ClassMonitoring, ...]  # the class's monitorings, this one included
    dynamics: Dynamics | None  # September → May of the class, when both are there

    @property
    def class_assignment(self) -> ClassAssignment:
        return self.monitoring.class_assignment


def class_result(user, pk: int) -> ClassResult:
    """One class's monitoring: 404 outside the reader's reach, and to a district-level reader
    for a class of fewer than MONITORING_MIN_PUPILS counted pupils."""
    queryset = ClassMonitoring.objects.select_related(
        "class_assignment__school__district", "class_assignment__teacher", "class_assignment__academic_year",
        "method", "updated_by",
    )
    monitoring = access.get_visible_or_404(access.visible(user, "monitoring", queryset), pk)
    periods = tuple(
        ClassMonitoring.objects.filter(class_assignment_id=monitoring.class_assignment_id)
        .select_related("method")
        .order_by("created_at", "pk")
    )
    figures = scores(periods)
    score = figures[monitoring.pk]
    view = access.monitoring_view(user, monitoring, counted=score.counted)
    pupils_view = view == "pupils"
    by_period = {m.period: m for m in periods if m.period in PERIODS}
    dynamics = None
    if monitoring.period in PERIODS and Period.SEPTEMBER in by_period and Period.MAY in by_period:
        september, may = (figures[by_period[p].pk] for p in PERIODS)
        if pupils_view or min(september.counted, may.counted) >= access.MONITORING_MIN_PUPILS:
            dynamics = Dynamics(september=september.aggregate(), may=may.aggregate())
    return ClassResult(
        monitoring=monitoring,
        score=score if pupils_view else score.aggregate(),
        pupils_view=pupils_view,
        can_write=access.allows(user, "monitoring", monitoring, "write"),
        periods=periods,
        dynamics=dynamics,
    )


# --- a school --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassRow:
    """A class's line of a school's table: its September and May (either may be missing)."""

    class_assignment: ClassAssignment
    september: ClassMonitoring | None
    may: ClassMonitoring | None
    dynamics: Dynamics
    others: tuple[ClassMonitoring, ...] = ()  # named periods

    @property
    def latest(self) -> ClassMonitoring | None:
        return self.may or self.september


@dataclass(frozen=True)
class GroupTotal:
    """A grade band's pooled figures (a school's or a district's)."""

    method: MethodData
    dynamics: Dynamics
    classes: int  # classes counted in the total
    hidden: int = 0  # of them, classes shown only inside the total (fewer than 5 pupils)
    suppressed: bool = False  # a period's pool under 5 pupils, left out for a district-level reader


@dataclass(frozen=True)
class SchoolGroup:
    """The classes of one grade band of a school, with their total."""

    label: str  # «1–4 классы»
    rows: tuple[ClassRow, ...]
    total: GroupTotal


@dataclass(frozen=True)
class SchoolSummary:
    school: School
    year: AcademicYear
    groups: tuple[SchoolGroup, ...]
    pupils_view: bool  # the reader sees every class (the school's head and deputy)
    hidden: int  # classes counted only inside a total

    @property
    def empty(self) -> bool:
        return not self.groups


def _band_key(method: MethodData) -> tuple[int, int]:
    return (method.grade_from, method.grade_to)


def _band_label(method: MethodData) -> str:
    return _("%(grades)s классы") % {"grades": method.grades_label}


def _total(method: MethodData, september: list[Score], may: list[Score], *, classes: int, hidden: int = 0,
           guard: bool, visible: tuple[Sequence[Score], Sequence[Score]] = ((), ())) -> GroupTotal:
    """A group's pooled September and May. With `guard` (a district-level reader) a period's
    pool is left out when it counts fewer than MONITORING_MIN_PUPILS pupils (it would be one
    small class), and when what it holds beyond the rows shown beside it (`visible`: the
    classes or schools the reader sees on their own) is 1 to MONITORING_MIN_PUPILS − 1 pupils —
    the total minus the rows would give those pupils away."""
    pooled = [pool(method, scores) if scores else None for scores in (september, may)]
    suppressed = False
    if guard:
        for index, score in enumerate(pooled):
            if score is None:
                continue
            beyond = score.counted - sum(shown.counted for shown in visible[index])
            if score.counted < access.MONITORING_MIN_PUPILS or 0 < beyond < access.MONITORING_MIN_PUPILS:
                pooled[index] = None
                suppressed = True
    return GroupTotal(
        method=method, dynamics=Dynamics(september=pooled[0], may=pooled[1]), classes=classes, hidden=hidden,
        suppressed=suppressed,
    )


def _period_scores(
    monitorings: Iterable[ClassMonitoring], figures: dict[int, Score]
) -> dict[int, dict[str, tuple[ClassMonitoring, Score]]]:
    """class_assignment_id → period → (monitoring, score), September and May only."""
    result: dict[int, dict[str, tuple[ClassMonitoring, Score]]] = defaultdict(dict)
    for monitoring in monitorings:
        if monitoring.period in PERIODS:
            result[monitoring.class_assignment_id][monitoring.period] = (monitoring, figures[monitoring.pk])
    return result


def school_summary(user, pk: int, *, year: AcademicYear | None = None) -> SchoolSummary:
    """A school's table by class, grouped by grade band, for the year's September and May."""
    school = access.get_visible_or_404(
        access.visible(user, "monitoring_school", School.objects.select_related("district")), pk
    )
    return school_table(school, _year(year), pupils_view=access.allows(user, "monitoring_school", school, "pupils"))


def school_table(school: School, year: AcademicYear, *, pupils_view: bool) -> SchoolSummary:
    """A school's table as `school_summary` builds it, for a reader who sees every class
    (`pupils_view`) or for the district level; no access check (the annual analysis, which goes
    to the district level, reads it with pupils_view=False)."""
    monitorings = list(
        ClassMonitoring.objects.filter(class_assignment__school=school, class_assignment__academic_year=year)
        .select_related("class_assignment__teacher")
        .order_by("class_assignment__grade", "class_assignment__letter", "period", "period_name")
    )
    figures = scores(monitorings)
    methods = {m.method_id: figures[m.pk].method for m in monitorings}
    by_class = _period_scores(monitorings, figures)
    named: dict[int, list[ClassMonitoring]] = defaultdict(list)
    classes: dict[int, ClassAssignment] = {}
    for monitoring in monitorings:
        classes.setdefault(monitoring.class_assignment_id, monitoring.class_assignment)
        if monitoring.period not in PERIODS:
            named[monitoring.class_assignment_id].append(monitoring)

    bands: dict[tuple[int, int], dict] = {}
    hidden_total = 0
    for class_id, assignment in classes.items():
        periods = by_class.get(class_id, {})
        method = next(iter(periods.values()))[1].method if periods else methods[named[class_id][0].method_id]
        band = bands.setdefault(_band_key(method), {"method": method, "rows": [], "sept": [], "may": [],
                                                     "visible_sept": [], "visible_may": [],
                                                     "classes": 0, "hidden": 0})
        september, may = periods.get(Period.SEPTEMBER), periods.get(Period.MAY)
        if september:
            band["sept"].append(september[1])
        if may:
            band["may"].append(may[1])
        if september or may:
            band["classes"] += 1
        # Each period on its own: a district-level reader gets a period's figures only from
        # MONITORING_MIN_PUPILS counted pupils, and the class's row only while a period is left.
        shown = {
            period: entry for period, entry in periods.items()
            if access.monitoring_shows_class(pupils=pupils_view, counted=entry[1].counted)
        }
        if shown:
            september, may = shown.get(Period.SEPTEMBER), shown.get(Period.MAY)
            for period, entry in shown.items():
                band["visible_" + ("sept" if period == Period.SEPTEMBER else "may")].append(entry[1])
            band["rows"].append(ClassRow(
                class_assignment=assignment,
                september=september[0] if september else None,
                may=may[0] if may else None,
                dynamics=Dynamics(
                    september=september[1].aggregate() if september else None,
                    may=may[1].aggregate() if may else None,
                ),
                others=tuple(named.get(class_id, ())) if pupils_view else (),
            ))
        if len(shown) < len(periods):
            band["hidden"] += 1
            hidden_total += 1
    groups = tuple(
        SchoolGroup(
            label=_band_label(band["method"]),
            rows=tuple(band["rows"]),
            total=_total(band["method"], band["sept"], band["may"], classes=band["classes"], hidden=band["hidden"],
                         guard=not pupils_view, visible=(band["visible_sept"], band["visible_may"])),
        )
        for _key, band in sorted(bands.items())
    )
    return SchoolSummary(school=school, year=year, groups=groups, pupils_view=pupils_view, hidden=hidden_total)


# --- a district ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DistrictRow:
    """A school's figures for one grade band."""

    school: School
    total: GroupTotal


@dataclass(frozen=True)
class DistrictBand:
    label: str
    rows: tuple[DistrictRow, ...]
    total: GroupTotal


@dataclass(frozen=True)
class DistrictSummary:
    district: District
    year: AcademicYear
    bands: tuple[DistrictBand, ...]
    schools_without: tuple[School, ...] = field(default=())  # no monitoring this year

    @property
    def empty(self) -> bool:
        return not self.bands


def district_summary(user, pk: int, *, year: AcademicYear | None = None) -> DistrictSummary:
    """The district's table by school and grade band: pooled figures only (a school's row is
    its pupils of the band, its small classes included)."""
    district = access.get_visible_or_404(access.visible(user, "monitoring_district", District.objects.all()), pk)
    return district_table(district, _year(year))


def district_table(district: District, year: AcademicYear) -> DistrictSummary:
    """The district's table as `district_summary` builds it; no access check."""
    schools = list(School.objects.filter(district=district).order_by("name"))
    query = ClassMonitoring.objects.filter(
        class_assignment__school__district=district, class_assignment__academic_year=year, period__in=PERIODS,
    )
    monitorings = list(query.select_related("class_assignment"))
    figures = aggregate_scores(monitorings, query)
    cells: dict[tuple[int, int], dict[int, dict]] = defaultdict(dict)
    methods: dict[tuple[int, int], MethodData] = {}
    for monitoring in monitorings:
        score = figures[monitoring.pk]
        key = _band_key(score.method)
        methods.setdefault(key, score.method)
        cell = cells[key].setdefault(monitoring.class_assignment.school_id, {"sept": [], "may": [], "classes": set()})
        cell["sept" if monitoring.period == Period.SEPTEMBER else "may"].append(score)
        cell["classes"].add(monitoring.class_assignment_id)
    with_data = {school_id for band in cells.values() for school_id in band}
    bands = []
    for key in sorted(cells):
        method = methods[key]
        rows = tuple(
            DistrictRow(
                school=school,
                total=_total(method, cells[key][school.pk]["sept"], cells[key][school.pk]["may"],
                             classes=len(cells[key][school.pk]["classes"]), guard=True),
            )
            for school in schools
            if school.pk in cells[key]
        )
        everything = cells[key].values()
        shown = (
            [row.total.dynamics.september for row in rows if row.total.dynamics.september],
            [row.total.dynamics.may for row in rows if row.total.dynamics.may],
        )
        bands.append(DistrictBand(
            label=_band_label(method),
            rows=rows,
            total=_total(method, [s for c in everything for s in c["sept"]], [s for c in everything for s in c["may"]],
                         classes=sum(len(c["classes"]) for c in everything), guard=True, visible=shown),
        ))
    return DistrictSummary(
        district=district, year=year, bands=tuple(bands),
        schools_without=tuple(school for school in schools if school.pk not in with_data),
    )


# --- the monitoring's home page --------------------------------------------------------------------


@dataclass(frozen=True)
class HomeClass:
    class_assignment: ClassAssignment
    monitorings: tuple[ClassMonitoring, ...]
    can_write: bool

    def period(self, period: str) -> ClassMonitoring | None:
        return next((m for m in self.monitorings if m.period == period), None)

    @property
    def september(self) -> ClassMonitoring | None:
        return self.period(Period.SEPTEMBER)

    @property
    def may(self) -> ClassMonitoring | None:
        return self.period(Period.MAY)

    @property
    def named(self) -> tuple[ClassMonitoring, ...]:
        return tuple(m for m in self.monitorings if m.period == Period.NAMED)


@dataclass(frozen=True)
class MonitoringHome:
    year: AcademicYear
    classes: tuple[HomeClass, ...]  # the classes whose pupils the user reads
    schools: tuple[School, ...]  # the schools' tables the user reads
    districts: tuple[District, ...]
    methods: tuple[Method, ...]


def monitoring_home(user, *, year: AcademicYear | None = None) -> MonitoringHome:
    """What the user reaches of the monitoring: their classes (per-pupil readers), the schools'
    and districts' tables (five queries)."""
    year = _year(year)
    class_queryset = ClassAssignment.objects.filter(academic_year=year).select_related("school", "teacher")
    assignments = list(
        access.visible(user, "monitored_class", class_queryset, action="pupils").order_by(
            "school__name", "grade", "letter"
        )
    )
    if not assignments and not access.reaches(user, "monitored_class"):
        raise Http404
    monitorings: dict[int, list[ClassMonitoring]] = defaultdict(list)
    for monitoring in ClassMonitoring.objects.filter(class_assignment__in=[a.pk for a in assignments]).order_by(
        "period", "period_name"
    ):
        monitorings[monitoring.class_assignment_id].append(monitoring)
    classes = tuple(
        HomeClass(
            class_assignment=assignment,
            monitorings=tuple(monitorings.get(assignment.pk, ())),
            can_write=access.allows(user, "monitored_class", assignment, "write"),
        )
        for assignment in assignments
    )
    # The schools whose every class the user reads (their МО head, deputy); the district level
    # reaches its schools' tables from the district's.
    schools = tuple(
        access.visible(user, "monitoring_school", School.objects.select_related("district"), action="pupils")
        .order_by("district__name", "name")
    )
    districts = tuple(access.visible(user, "monitoring_district", District.objects.all()).order_by("name"))
    methods = tuple(Method.objects.filter(is_current=True).order_by("grade_from", "name"))
    return MonitoringHome(year=year, classes=classes, schools=schools, districts=districts, methods=methods)
