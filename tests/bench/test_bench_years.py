"""The bench data set over more than two academic years and with districts of unequal size (issue
17: the region scale, 27 districts, 400 schools, 10,000 teachers, five years).

The region itself is never built in a test: a small scale of the same shape is (two districts of 6
and 5 schools, three academic years, the monitoring in the first district only), registered in
`SCALES` for this module, in a transaction rolled back after it.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from associations.models import AnnualPlan, Appointment, Association, ClassAssignment, Membership, Person
from meetings.models import Meeting, Protocol
from reports.analysis.models import Analysis, AnalysisDeadline
from reports.monitoring.models import ClassMonitoring
from rmo_portal.demo import bench as benchdata

pytestmark = pytest.mark.django_db

YEARS = benchdata.Scale(districts=2, schools=6, people=12, materials=40, years=3, schools_total=11,
                        monitored_districts=1)


def test_the_region_is_27_districts_400_schools_10000_teachers_over_5_years():
    region = benchdata.SCALES["region"]
    counts = region.district_schools
    assert len(counts) == region.districts == 27
    assert sum(counts) == region.total_schools == 400 and set(counts) == {14, 15}
    assert counts[0] == region.schools == 15  # the first district, which the bench opens, has the most
    assert region.total_schools * region.people == 10_000
    assert region.years == 5


def test_the_two_year_scales_keep_their_shape_and_their_seed():
    for name in ("small", "large"):
        scale = benchdata.SCALES[name]
        assert scale.years == 2 and scale.monitored_districts is None
        assert scale.district_schools == [scale.schools] * scale.districts
    # The builders' random draws are seeded with str(scale): as before the years were added.
    assert str(benchdata.SCALES["small"]) == "Scale(districts=2, schools=5, people=20, materials=2000)"


@pytest.fixture(scope="module")
def years_set(django_db_setup, django_db_blocker):
    benchdata.SCALES["years-test"] = YEARS
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
    try:
        with django_db_blocker.unblock():
            stages = []
            data = benchdata.bench_data("years-test", report=stages.append)
        yield data, stages
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
        del benchdata.SCALES["years-test"]


def test_the_build_tells_each_stage_and_is_found_complete_after(years_set):
    data, stages = years_set
    assert data.built
    assert any(line.strip().startswith("plans:") for line in stages)
    assert stages[-1].strip().startswith("in all:")
    again = benchdata.bench_data("years-test", build=False)
    assert again is not None and not again.built


def test_schools_are_spread_over_the_districts_each_with_its_own_logins(years_set):
    data, _stages = years_set
    schools = [d.schools.count() for d in data.districts]
    assert schools == [6, 5]
    assert Person.objects.filter(district__in=data.districts, school__isnull=False).count() == 11 * 12
    heads = get_user_model().objects.filter(username__startswith=data.districts[1].slug, username__endswith="-head")
    assert sorted(heads.values_list("username", flat=True)) == sorted(
        f"{data.districts[1].slug}-school-{n}-head" for n in range(1, 6)
    )


def test_every_year_has_its_plans_members_classes_meetings_and_deadline(years_set):
    data, _stages = years_set
    years = list(range(data.year.start_year - 2, data.year.start_year + 1))
    associations = Association.objects.filter(district__in=data.districts)
    assert associations.count() == 11 + 2
    for start_year in years:
        plans = AnnualPlan.objects.filter(association__in=associations, academic_year__start_year=start_year)
        assert plans.count() == 13
        if start_year < data.year.start_year:  # the years before: approved, carried out
            assert set(plans.values_list("status", flat=True)) == {AnnualPlan.Status.APPROVED}
        assert Membership.objects.filter(association__in=associations, academic_year__start_year=start_year).exists()
        assert ClassAssignment.objects.filter(school__district__in=data.districts,
                                              academic_year__start_year=start_year).exists()
        assert Meeting.objects.filter(association__in=associations, academic_year__start_year=start_year).exists()
        assert AnalysisDeadline.objects.filter(district__in=data.districts,
                                               academic_year__start_year=start_year).count() == 2
    # The oldest year's meetings are all over: held (with a protocol) or cancelled.
    oldest = Meeting.objects.filter(association__in=associations, academic_year__start_year=years[0])
    assert not oldest.filter(status=Meeting.Status.PLANNED).exists()
    assert Protocol.objects.filter(meeting__in=oldest).count() == oldest.filter(status=Meeting.Status.HELD).count()
    # A teacher's class two years ago is two grades lower; no class below the first.
    teacher = ClassAssignment.objects.filter(school__district__in=data.districts, academic_year=data.year,
                                             grade=5).first()
    before = ClassAssignment.objects.get(teacher=teacher.teacher, academic_year__start_year=years[0])
    assert before.grade == 3 and before.letter == teacher.letter
    # The earlier years' head served until this year's order.
    ended = Appointment.objects.filter(association__in=associations, ends_on__isnull=False)
    assert set(ended.values_list("starts_on__year", flat=True)) == {years[0]}


def test_the_years_before_are_accepted_but_last_years_rmo_analysis(years_set):
    data, _stages = years_set
    analyses = Analysis.objects.filter(association__district__in=data.districts)
    for start_year in range(data.year.start_year - 2, data.year.start_year):
        schools = analyses.filter(academic_year__start_year=start_year, association__kind=Association.Kind.SCHOOL)
        assert schools.count() == 11
        assert set(schools.values_list("status", flat=True)) == {Analysis.Status.ACCEPTED}
    rmo = analyses.filter(association__kind=Association.Kind.DISTRICT)
    assert rmo.get(association__district=data.district, academic_year__start_year=data.year.start_year - 1).status \
        == Analysis.Status.DRAFT
    assert rmo.get(association__district=data.district, academic_year__start_year=data.year.start_year - 2).status \
        == Analysis.Status.ACCEPTED
    assert not analyses.filter(academic_year=data.year).exclude(status=Analysis.Status.DRAFT).exists()
    for analysis in analyses.filter(status=Analysis.Status.ACCEPTED):
        assert analysis.figures["year_id"] == analysis.academic_year_id
        analysis.full_clean()
    # The pieces the bench opens are there, as in the two-year scales.
    assert data.analyses.accepted.status == Analysis.Status.ACCEPTED and data.analyses.schools == 6
    assert data.meetings.protocol_5.items.count() == 5


def test_the_monitoring_is_in_the_monitored_districts_only(years_set):
    data, _stages = years_set
    monitored = ClassMonitoring.objects.filter(class_assignment__school__district=data.districts[0])
    assert monitored.count() == 2 * ClassAssignment.objects.filter(
        school__district=data.districts[0], academic_year=data.year
    ).count()
    assert not ClassMonitoring.objects.filter(class_assignment__school__district=data.districts[1]).exists()
    assert data.monitoring.may.pupils.exists()
