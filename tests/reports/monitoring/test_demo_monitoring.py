"""The demo's monitoring of upbringing (`rmo_portal.demo.monitoring`, loaded by `manage.py
load_demo`): both periods of this year for every class of the two schools whose deputy directors
have a demo login, written through the services, with realistic spreads (some classes improving,
some not), and a second load that changes nothing.

The demo is loaded once for the class (seconds), in a transaction rolled back after it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from associations.models import AcademicYear, ClassAssignment, District
from reports.monitoring import services
from reports.monitoring.models import INITIALS_RE, ClassMonitoring, Grade, MonitoredPupil, Period
from reports.monitoring.scoring import Dynamics, PupilGrades, method_data, score_class
from rmo_portal.demo import monitoring as demo_monitoring
from tests.helpers import load_demo as load

pytestmark = pytest.mark.django_db

SCHOOL1, SCHOOL2 = "МБОУ «Заречная СОШ № 1»", "МБОУ «СОШ № 2 им. А.С. Пушкина»"






def current_classes(short_name: str) -> list[ClassAssignment]:
    return list(ClassAssignment.objects.filter(
        school__short_name=short_name, school__district__slug="zarechny",
        academic_year=AcademicYear.objects.current(),
    ).select_related("teacher__user"))


def scores() -> dict[tuple[int, str], tuple[ClassMonitoring, object]]:
    """(class, period) → (its monitoring, its figures), computed by `scoring` from the method's data."""
    monitorings = ClassMonitoring.objects.select_related("class_assignment__school", "updated_by").prefetch_related(
        "pupils__grades", *(f"method__{name}" for name in services.METHOD_PREFETCH)
    )
    result = {}
    for monitoring in monitorings:
        method = method_data(monitoring.method)
        rows = [
            PupilGrades(pupil.number, pupil.initials, {(g.quality_id, g.rater): g.value for g in pupil.grades.all()})
            for pupil in monitoring.pupils.all()
        ]
        result[monitoring.class_assignment_id, monitoring.period] = (monitoring, score_class(method, rows))
    return result


def snapshot() -> dict:
    return {
        "monitorings": sorted(ClassMonitoring.objects.values_list(
            "pk", "class_assignment", "method", "period", "version", "updated_at", "updated_by",
        )),
        "pupils": sorted(MonitoredPupil.objects.values_list("pk", "monitoring", "number", "initials")),
        "grades": sorted(Grade.objects.values_list("pk", "pupil", "quality", "rater", "value")),
    }


@pytest.mark.usefixtures("demo_loaded_once")
class TestTheDemoMonitoring:
    def test_every_class_of_the_two_schools_has_both_periods_of_complete_grades(self):
        assert set(demo_monitoring.MONITORED_SCHOOLS) == {SCHOOL1, SCHOOL2}
        figures = scores()
        classes = [c for school in (SCHOOL1, SCHOOL2) for c in current_classes(school)]
        assert len(classes) >= 20
        for klass in classes:
            september, may = (figures[klass.pk, period] for period in (Period.SEPTEMBER, Period.MAY))
            for monitoring, score in (september, may):
                assert monitoring.method_id == services.current_method(klass.grade).pk
                assert 18 <= score.entered <= 28, klass
                assert [p.number for p in score.pupils] == list(range(1, score.entered + 1))
                assert score.counted == score.entered  # every quality graded: every pupil counted
                method = score.method
                for pupil in score.pupils:
                    assert set(pupil.grades) == {(q.id, r) for q in method.qualities for r in method.raters}
                    assert set(pupil.grades.values()) <= method.values
                    assert pupil.initials == "" or INITIALS_RE.match(pupil.initials), pupil.initials
                assert score.level is not None
            # The same pupils in May as in September.
            assert [(p.number, p.initials) for p in september[1].pupils] == [
                (p.number, p.initials) for p in may[1].pupils
            ]
        # Other schools' classes are not in the demo's monitoring.
        assert {m.class_assignment.school.short_name for m, _score in figures.values()} == {SCHOOL1, SCHOOL2}
        assert len(figures) == 2 * len(classes)

    def test_realistic_spreads_some_classes_improving_and_some_not(self):
        figures = scores()
        changes = {}
        for (klass, period), (monitoring, score) in figures.items():
            if period == Period.SEPTEMBER:
                changes[monitoring.class_assignment.label, monitoring.class_assignment.school.short_name] = Dynamics(
                    september=score, may=figures[klass, Period.MAY][1]
                ).change
        assert all(change is not None for change in changes.values())
        improving = [key for key, change in changes.items() if change >= Decimal("0.2")]
        worse = [key for key, change in changes.items() if change < 0]
        flat = [key for key, change in changes.items() if abs(change) <= Decimal("0.1")]
        assert len(improving) >= len(changes) // 2
        assert worse and flat
        assert all(abs(change) <= 1 for change in changes.values())  # a class moves, it does not jump
        # Different classes, different means and levels; initials in some classes, numbers only in others.
        means = {score.mean for _monitoring, score in figures.values()}
        levels = {score.level for _monitoring, score in figures.values()}
        assert len(means) >= 5 and len(levels) >= 2
        with_initials = {m.class_assignment_id for m, score in figures.values() if score.pupils[0].initials}
        assert 0 < len(with_initials) < len(changes)
        # Within a class pupils differ: every class has more than one level.
        assert all(sum(1 for share in score.distribution if share.count) >= 2 for _m, score in figures.values())

    def test_the_class_teacher_uchitel1_entered_both_periods_of_her_class(self):
        teacher = get_user_model().objects.get(username="uchitel1")
        mine = ClassMonitoring.objects.filter(class_assignment__teacher__user=teacher)
        assert set(mine.values_list("period", flat=True)) == {Period.SEPTEMBER, Period.MAY}
        assert set(mine.values_list("updated_by", flat=True)) == {teacher.pk}
        # Classes whose teacher has no login: entered by the school's МО head.
        heads = set(
            ClassMonitoring.objects.filter(class_assignment__teacher__user__isnull=True)
            .values_list("updated_by__username", flat=True)
        )
        assert heads == {"rukovoditel1", "rukovoditel2"}

    def test_the_command_reports_the_monitoring(self, demo_loaded_once):
        assert "Мониторинг уровня воспитанности: классов — " in demo_loaded_once

    def test_a_second_load_changes_nothing(self):
        before = snapshot()
        output = load()
        assert snapshot() == before
        assert "уже загружены, изменений нет" in output
        part = demo_monitoring.extend_demo(
            district=District.objects.get(slug="zarechny"), year=AcademicYear.objects.current()
        )
        assert part.written == 0 and snapshot() == before

    def test_a_period_already_started_is_left_alone_and_the_other_is_the_same_again(self):
        """A class whose September the teacher started on the grid page (not saved yet): the demo
        leaves it as it is and adds May, with the same grades as on the first load."""
        klass = ClassAssignment.objects.select_related("teacher__user").get(
            teacher__user__username="uchitel1", academic_year=AcademicYear.objects.current()
        )
        may_before = sorted(
            Grade.objects.filter(pupil__monitoring__class_assignment=klass, pupil__monitoring__period=Period.MAY)
            .values_list("pupil__number", "pupil__initials", "quality", "rater", "value")
        )
        ClassMonitoring.objects.filter(class_assignment=klass).delete()  # their pupils and grades with them
        started = services.monitoring_start(user=klass.teacher.user, class_assignment=klass, period=Period.SEPTEMBER)
        part = demo_monitoring.extend_demo(
            district=District.objects.get(slug="zarechny"), year=AcademicYear.objects.current()
        )
        assert part.written > 0
        started.refresh_from_db()
        assert started.version == 1 and not started.pupils.exists()
        may_after = sorted(
            Grade.objects.filter(pupil__monitoring__class_assignment=klass, pupil__monitoring__period=Period.MAY)
            .values_list("pupil__number", "pupil__initials", "quality", "rater", "value")
        )
        assert may_after == may_before

