"""The bench data set's monitoring of upbringing (`rmo_portal.demo.bench._build_monitoring`): both
periods of every class of the current year, written in bulk, yet as `grid_save` would write them
(pupils numbered 1..n, initials or none, every quality graded by every rater of the current
method for the class's grade, values of its scale), with spreads that differ from class to class.

The small data set is built once for the module (seconds: bulk_create) in a transaction rolled
back after it.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from associations.models import ClassAssignment
from reports.monitoring import services
from reports.monitoring.models import INITIALS_RE, ClassMonitoring, Grade, MonitoredPupil, Period
from reports.monitoring.scoring import Dynamics, PupilGrades, method_data, score_class

pytestmark = pytest.mark.django_db




def test_every_class_of_the_year_has_both_periods_with_pupils_and_complete_grades(data):
    classes = ClassAssignment.objects.filter(school__district__in=data.districts, academic_year=data.year)
    assert classes.count() == data.scale.districts * data.scale.schools * (data.scale.people - 2)
    monitorings = ClassMonitoring.objects.filter(class_assignment__in=classes)
    assert sorted(monitorings.values_list("class_assignment", "period")) == sorted(
        (pk, period) for pk in classes.values_list("pk", flat=True) for period in (Period.MAY, Period.SEPTEMBER)
    )
    # Last year's classes have none; nor has a named period.
    assert not ClassMonitoring.objects.filter(class_assignment__school__district__in=data.districts).exclude(
        class_assignment__academic_year=data.year
    ).exists()
    assert not monitorings.exclude(period_name="").exists()

    methods = {grade: services.current_method(grade) for grade in range(1, 12)}
    shapes = {method.pk: method_data(method) for method in methods.values()}
    for monitoring in monitorings.select_related("class_assignment"):
        assert monitoring.method_id == methods[monitoring.class_assignment.grade].pk
        assert monitoring.updated_by_id is not None
    grades: dict[int, dict] = defaultdict(dict)
    for pupil, quality, rater, value in Grade.objects.filter(pupil__monitoring__in=monitorings).values_list(
        "pupil", "quality", "rater", "value"
    ):
        assert (quality, rater) not in grades[pupil]
        grades[pupil][quality, rater] = value
    by_monitoring: dict[int, list[PupilGrades]] = defaultdict(list)
    for pk, monitoring, number, initials in MonitoredPupil.objects.filter(monitoring__in=monitorings).values_list(
        "pk", "monitoring", "number", "initials"
    ):
        assert initials == "" or INITIALS_RE.match(initials)
        by_monitoring[monitoring].append(PupilGrades(number, initials, grades[pk]))
    assert set(by_monitoring) == set(monitorings.values_list("pk", flat=True))  # pupils in every one

    scores = {}
    for monitoring in monitorings:
        method = shapes[monitoring.method_id]
        pupils = by_monitoring[monitoring.pk]
        assert 18 <= len(pupils) <= 28
        assert sorted(p.number for p in pupils) == list(range(1, len(pupils) + 1))
        for pupil in pupils:
            assert set(pupil.grades) == {(q.id, r) for q in method.qualities for r in method.raters}
            assert set(pupil.grades.values()) <= method.values
        score = score_class(method, pupils)
        assert score.counted == len(pupils) and score.level is not None
        scores[monitoring.class_assignment_id, monitoring.period] = score

    # Spreads: means differ from class to class, some improve by May, some do not.
    assert len({score.mean for score in scores.values()}) >= 10
    changes = [
        Dynamics(september=scores[klass, Period.SEPTEMBER], may=scores[klass, Period.MAY]).change
        for klass in classes.values_list("pk", flat=True)
    ]
    assert sum(change > 0 for change in changes) > len(changes) // 2
    assert any(change < 0 for change in changes)


def test_the_bench_knows_the_class_teachers_monitoring(data):
    monitoring = data.monitoring
    assert monitoring.september.class_assignment == monitoring.may.class_assignment
    assert monitoring.may.class_assignment.teacher.user == data.teacher_user
    assert monitoring.may.updated_by == data.teacher_user
    assert monitoring.school.district == data.district
    assert monitoring.may.pupils.count() >= 18
