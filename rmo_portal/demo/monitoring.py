"""The demo's monitoring of pupils' upbringing level (`reports.monitoring`, методика Н.П.
Капустиной): what a person clicking through `make run` sees of the class teachers' grids, the
classes' results and their dynamics. The monitoring's part of `manage.py load_demo`:
`extend_demo`, which `rmo_portal.demo.load_demo` calls in its transaction after the data bank.

- Schools: the two whose deputy directors have a demo login (zavuch1: МБОУ «Заречная СОШ № 1»,
  zavuch2: МБОУ «СОШ № 2 им. А.С. Пушкина»); every class of theirs this academic year has both
  periods, September (входной) and May (итоговый), as their МО's plans have them.
- Pupils: 18–28 a class, numbered 1..n in the class list; in about half of the classes the
  teacher wrote initials too («А.П.»), never a name. The same pupils in both periods.
- Grades: from the method's scale, drawn with a `random.Random` seeded by the school and the
  class (the same demo on every load) around a mean of the class's own; every pupil has a level
  of their own and stronger and weaker qualities, and rates themselves a little higher than
  their class teacher does. From September to May a class moves by its `TRENDS` entry (by its
  place in its school's list): most improve by 0,2–0,5, some stay where they were, one class a
  school gets worse. uchitel1's 6 «Б» improves by half a point.
- Who: the class teacher when they have a login (uchitel1), otherwise the head of the school's
  МО (rukovoditel1, rukovoditel2), through `monitoring_start` and `grid_save` as the grid page
  does, so the demo obeys its rules (initials, the scale, who may write).

Idempotent: a class's period already started (by the demo or by somebody on the grid page) is
left alone, so a second run writes nothing.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from django.db.models import Count, Max, Min
from django.utils import timezone

from associations.models import AcademicYear, Appointment, Association, ClassAssignment, District, School
from reports.monitoring import services
from reports.monitoring.models import ClassMonitoring, Grade, MonitoredPupil, Period
from reports.monitoring.scoring import MethodData, PupilGrades, method_data
from rmo_portal.demo.organisation import SCHOOLS, DemoPart

#: The demo logins whose schools are monitored: the deputy directors, who read the results.
MONITORED_BY = ("zavuch1", "zavuch2")
MONITORED_SCHOOLS: tuple[str, ...] = tuple(
    spec.short_name for spec in SCHOOLS if any(person.login in MONITORED_BY for person in spec.people)
)
PERIODS = (Period.SEPTEMBER, Period.MAY)
PUPILS = (18, 28)  # pupils a class, both ends included
#: A class's change of its mean from September to May, by its place in its school's list (by
#: grade and letter), cycled: most improve, some stay, one gets worse.
TRENDS = (0.3, 0.0, 0.4, 0.2, 0.0, -0.3, 0.5, 0.3, 0.0, 0.2, 0.4)
INITIALS_SHARE = 0.5  # the share of classes whose teacher writes the pupils' initials
INITIAL_LETTERS = "АБВГДЕЗИКЛМНОПРСТФЭЮЯ"


# --- the spreads ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassSpread:
    """How a class's grades are drawn: its size, its mean in September, its change by May."""

    pupils: int
    mean: float
    change: float
    initials: bool


def class_spread(rng: random.Random, *, grade: int, change: float) -> ClassSpread:
    """A class of 18–28 pupils around a mean of its own (younger pupils rate themselves higher)."""
    return ClassSpread(
        pupils=rng.randint(*PUPILS),
        mean=rng.uniform(3.3, 4.1) + (0.2 if grade <= 4 else 0.0),
        change=change,
        initials=rng.random() < INITIALS_SHARE,
    )


def _initials(rng: random.Random) -> str:
    return f"{rng.choice(INITIAL_LETTERS)}.{rng.choice(INITIAL_LETTERS)}."


def _to_scale(values: list[int]):
    """x → the scale's value nearest to it (a half goes up): a clamp for a scale without gaps."""
    low, high = values[0], values[-1]
    if values == list(range(low, high + 1)):
        return lambda x: min(high, max(low, math.floor(x + 0.5)))
    return lambda x: min(values, key=lambda value: (abs(value - x), -value))


def class_rows(rng: random.Random, method: MethodData, spread: ClassSpread) -> dict[str, list[PupilGrades]]:
    """Both periods' rows of one class (Period value → rows): the same pupils, each with a level
    of their own around the class's mean and their own stronger and weaker qualities; in May
    every pupil has moved by the class's change, give or take. Every quality graded by every
    rater of the method, with values of its scale."""
    nearest = _to_scale(sorted(method.values))
    class_quality = [rng.gauss(0, 0.2) for _quality in method.qualities]
    pupils = []
    for number in range(1, spread.pupils + 1):
        pupils.append((
            number,
            _initials(rng) if spread.initials else "",
            rng.gauss(spread.mean, 0.45),  # the pupil's level
            [rng.gauss(offset, 0.3) for offset in class_quality],  # the pupil's qualities
            rng.gauss(0.15, 0.2),  # how much higher the pupil rates themselves
            rng.gauss(spread.change, 0.15),  # the pupil's change by May
        ))
    rows: dict[str, list[PupilGrades]] = {}
    for period in PERIODS:
        rows[period] = []
        for number, initials, level, qualities, self_bias, change in pupils:
            if period == Period.MAY:
                level += change
            grades = {}
            for quality, offset in zip(method.qualities, qualities, strict=True):
                for rater in method.raters:
                    bias = self_bias if rater == "pupil" else 0.0
                    grades[quality.id, rater] = nearest(level + offset + bias + rng.gauss(0, 0.45))
            rows[period].append(PupilGrades(number=number, initials=initials, grades=grades))
    return rows


def class_rng(school: School, class_assignment: ClassAssignment) -> random.Random:
    """The class's own draws: the same on every load."""
    return random.Random(f"monitoring-{school.short_name}-{class_assignment.label}")  # noqa: S311 - made-up data


# --- the builder ------------------------------------------------------------------------------


class MonitoringBuilder:
    def __init__(self, *, district: District, year: AcademicYear):
        self.district = district
        self.year = year
        self.written = 0
        self.methods: dict[int, MethodData] = {}
        self.heads: dict[int, object] = {}  # school → its МО head's login

    def writer(self, school: School, class_assignment: ClassAssignment):
        """Who enters the class's grades: its teacher when they have a login, else the school's МО head."""
        if class_assignment.teacher.user_id:
            return class_assignment.teacher.user
        if school.pk not in self.heads:
            head = (
                Appointment.objects.in_office(timezone.localdate())
                .filter(association__school=school, association__kind=Association.Kind.SCHOOL,
                        role=Appointment.Role.HEAD, person__user__isnull=False)
                .select_related("person__user")
                .first()
            )
            if head is None:
                raise ValueError(f"demo monitoring: {school.short_name} has no МО head with a login")
            self.heads[school.pk] = head.person.user
        return self.heads[school.pk]

    def build(self) -> DemoPart:
        services.methods_seed()
        schools = list(School.objects.filter(district=self.district, short_name__in=MONITORED_SCHOOLS))
        for school in sorted(schools, key=lambda s: MONITORED_SCHOOLS.index(s.short_name)):
            classes = list(
                ClassAssignment.objects.filter(school=school, academic_year=self.year)
                .select_related("school", "teacher__user")
                .order_by("grade", "letter")
            )
            started = set(
                ClassMonitoring.objects.filter(class_assignment__in=classes, period_name="")
                .values_list("class_assignment_id", "period")
            )
            for index, class_assignment in enumerate(classes):
                if all((class_assignment.pk, period) in started for period in PERIODS):
                    continue
                self.monitor(school, class_assignment, TRENDS[index % len(TRENDS)], started)
        return self.result()

    def monitor(self, school: School, class_assignment: ClassAssignment, change: float, started: set) -> None:
        user = self.writer(school, class_assignment)
        rng = class_rng(school, class_assignment)
        rows = None
        for period in PERIODS:
            if (class_assignment.pk, period) in started:
                continue
            monitoring = services.monitoring_start(user=user, class_assignment=class_assignment, period=period)
            if monitoring.method_id not in self.methods:
                self.methods[monitoring.method_id] = method_data(monitoring.method)
            if rows is None:  # the draws of both periods, so that either one alone is the same
                spread = class_spread(rng, grade=class_assignment.grade, change=change)
                rows = class_rows(rng, self.methods[monitoring.method_id], spread)
            services.grid_save(user=user, monitoring=monitoring, version=monitoring.version, pupils=rows[period])
            self.written += 1 + len(rows[period]) + sum(len(row.grades) for row in rows[period])

    def result(self) -> DemoPart:
        monitorings = ClassMonitoring.objects.filter(
            class_assignment__school__district=self.district, class_assignment__academic_year=self.year
        )
        classes = monitorings.values("class_assignment").distinct().count()
        sizes = (
            monitorings.annotate(n=Count("pupils")).aggregate(smallest=Min("n"), largest=Max("n"))
            if classes else {"smallest": 0, "largest": 0}
        )
        pupils = MonitoredPupil.objects.filter(monitoring__in=monitorings).count()
        grades = Grade.objects.filter(pupil__monitoring__in=monitorings).count()
        return DemoPart(
            written=self.written,
            summary=(
                f"Мониторинг уровня воспитанности: классов — {classes} (школы {', '.join(MONITORED_SCHOOLS)}), "
                f"сентябрь и май, учеников в классе — от {sizes['smallest']} до {sizes['largest']}, "
                f"строк учеников — {pupils}, оценок — {grades}."
            ),
        )


def extend_demo(*, district: District, year: AcademicYear) -> DemoPart:
    """The monitoring of the demo district's two schools: what `rmo_portal.demo.load_demo`
    calls, in its transaction, after the data bank."""
    return MonitoringBuilder(district=district, year=year).build()
