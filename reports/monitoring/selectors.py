"""What the monitoring's pages and documents read, scoped to the user (`associations.access`):
a class's results, a school's table by class, a district's by school and grade band.

Per-pupil rows only reach the per-pupil readers (the class teacher, the school's МО head and
deputy director); everyone else gets `Score.aggregate()` and, below
`access.MONITORING_MIN_PUPILS` counted pupils, a class only inside its school's total.
"""

from __future__ import annotations

from dataclasses import dataclass

from associations.models import AcademicYear, ClassAssignment, District, School
from reports.monitoring.models import ClassMonitoring
from reports.monitoring.scoring import Dynamics, MethodData, Score


@dataclass(frozen=True)
class ClassResult:
    """One class's monitoring for one period, as the user may read it."""

    monitoring: ClassMonitoring
    class_assignment: ClassAssignment
    school: School
    year: AcademicYear
    period_label: str  # «сентябрь», «май», or the named period
    teacher_name: str  # the class teacher's short name («Соколова М.И.»)
    method: MethodData
    pupils_view: bool  # per-pupil rows (False: aggregates only)
    score: Score  # .pupils empty unless pupils_view
    dynamics: Dynamics | None  # September → May of the same class, where both exist
    can_write: bool
    filename_stem: str  # «Мониторинг_6Б_май_2025-2026»


@dataclass(frozen=True)
class ClassRow:
    """A class's row of a school's table."""

    class_assignment: ClassAssignment
    label: str  # «6 «Б»»
    teacher_name: str
    score: Score | None  # of the period shown (aggregate: never pupils); None when not entered
    dynamics: Dynamics  # September → May
    monitoring_id: int | None  # the class page of the period shown (None: none to link)


@dataclass(frozen=True)
class SchoolGroup:
    """A school's classes of one method (grade band 1–4 or 5–11) and their pooled total."""

    method: MethodData
    rows: list[ClassRow]  # the classes shown on their own
    hidden: int  # classes counted only inside the total (fewer than MONITORING_MIN_PUPILS pupils)
    total: Score | None  # pooled over every class of the group, hidden ones included
    total_dynamics: Dynamics


@dataclass(frozen=True)
class SchoolSummary:
    school: School
    year: AcademicYear
    period: str  # Period.SEPTEMBER or Period.MAY
    period_label: str
    pupils_view: bool  # the user reads per-pupil rows of this school (every class is shown)
    groups: list[SchoolGroup]
    filename_stem: str


@dataclass(frozen=True)
class DistrictRow:
    """A school × grade band row of a district's table (pooled: no class, no pupil)."""

    school: School
    method: MethodData
    classes: int  # classes with results in the period
    score: Score | None
    dynamics: Dynamics


@dataclass(frozen=True)
class DistrictSummary:
    district: District
    year: AcademicYear
    period: str
    period_label: str
    rows: list[DistrictRow]  # by school, then grade band
    totals: list[tuple[MethodData, Score | None, Dynamics]]  # the district per grade band
    filename_stem: str
