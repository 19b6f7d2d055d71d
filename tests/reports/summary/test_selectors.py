"""The district summary's figures (`reports.summary.selectors`): every school МО's row equals
what `figures_for` gives for the same columns (the definitions cannot drift apart), frozen rows
come from the submitted analysis, the totals pool the percents from their parts, the averages
are per school, the sort is the query's, and the number of queries does not grow with the
schools."""

from __future__ import annotations

from decimal import Decimal

import pytest

from associations import access
from associations.models import Association
from reports.analysis.figures import figures_for
from reports.summary import selectors
from reports.summary.selectors import SchoolFigures, district_summary, live_figures, row_from_figures
from tests import factories as f


def _school_mos(world):
    return list(Association.objects.filter(district=world.district, kind="school").select_related("school"))


def test_every_row_equals_the_analysis_figures(world, district):
    mos = _school_mos(world)
    assert len(mos) == 4
    live = live_figures(mos, world.year)
    for mo in mos:
        assert live[mo.pk] == row_from_figures(figures_for(mo, world.year)), mo.name
    # The data is varied: the rows differ, and something of every column is counted somewhere.
    assert len({live[mo.pk] for mo in mos}) == 4
    totals = sum(live.values(), SchoolFigures())
    assert all(value > 0 for value in vars(totals).values()), totals
    assert live[district["empty"].pk] == SchoolFigures()


def test_the_row_of_a_school_counts_what_it_should(world, district):
    """The world's МО (i = 1): the figures spelt out, so that both definitions are checked
    against the records and not only against each other."""
    row = live_figures(_school_mos(world), world.year)[world.mo.pk]
    # Members: head, teacher and 3 new (each with a class); class teachers: the teacher's 6 «Б»,
    # the 3 new and one who is no member.
    assert (row.class_teachers, row.staff) == (5, 6)
    assert (row.meetings_held, row.meetings_planned) == (3, 0)  # 2 meetings and the open one; plan not approved
    assert (row.present, row.marked) == (6, 7)  # 2 of 3, 3 of 3 (the last one back), 1 of 1 at the open one
    assert (row.plan_done, row.plan_total) == (0, 0)
    assert row.open_events == 2  # the open meeting (its card counted with it) and one card
    assert row.talks == 2  # own meeting (two speakers, one talk) and the РМО's seminar; not another district's
    assert row.with_course == 1
    assert row.attested == 1
    assert (row.contest_entries, row.prize_places) == (3, 2)
    assert (row.visits, row.open_recommendations) == (2, 2)
    assert row.consultations == 2
    other = live_figures(_school_mos(world), world.year)[world.other_mo.pk]  # i = 2: approved plan of 6
    assert (other.plan_done, other.plan_total, other.meetings_planned) == (2, 6, 4)  # 3 «Заседания МО» + 1 carried
    assert other.plan_execution == Decimal("33.3")


def test_a_submitted_analysis_gives_its_frozen_figures(world, district):
    frozen = figures_for(world.mo, world.year)
    f.analysis_of(world.mo, world.year, status="submitted", by=world.head, figures=frozen.to_data())
    f.analysis_of(world.other_mo, world.year, status="returned", by=world.head)
    f.ConsultationFactory(association=world.mo, consultant=world.head_person)  # a record since
    f.ConsultationFactory(association=world.other_mo, consultant=world.head_person)

    summary = district_summary(user=world.methodologist, pk=world.district.pk, start_year=world.year.start_year)
    rows = {row.association.pk: row for row in summary.rows}
    assert rows[world.mo.pk].frozen and rows[world.mo.pk].figures == row_from_figures(frozen)
    assert rows[world.mo.pk].figures.consultations == 2  # as submitted, not the 3 of today
    assert rows[world.mo.pk].status_label == "на рассмотрении"
    returned = rows[world.other_mo.pk]
    assert not returned.frozen and returned.figures.consultations == 4  # live: 3 and the new one
    assert rows[district["empty"].pk].status_label == "не начат"
    assert summary.frozen_count == 1


def test_totals_pool_the_percents_and_averages_are_per_school(world, district):
    summary = district_summary(user=world.methodologist, pk=world.district.pk, start_year=world.year.start_year)
    rows = [row.figures for row in summary.rows]
    totals = summary.totals
    assert totals.meetings_held == sum(r.meetings_held for r in rows)
    assert totals.present == sum(r.present for r in rows) and totals.marked == sum(r.marked for r in rows)
    pooled = (Decimal(100 * totals.present) / totals.marked).quantize(Decimal("0.1"))
    assert totals.attendance == pooled
    means = [r.attendance for r in rows if r.attendance is not None]
    assert pooled != (sum(means) / len(means)).quantize(Decimal("0.1"))  # not a mean of percents
    assert totals.plan_execution == (Decimal(100 * totals.plan_done) / totals.plan_total).quantize(Decimal("0.1"))
    averages = summary.averages
    assert averages["consultations"] == (Decimal(totals.consultations) / 4).quantize(Decimal("0.1"))
    assert averages["attendance"] is None
    cells = {cell.key: cell.text for cell in summary.average_cells}
    assert cells["consultations"] == f"{averages['consultations']}".replace(".", ",")
    assert "," in cells["meetings_held"]  # one decimal, with a comma


@pytest.mark.parametrize(("params", "expected"), [
    ({}, ("school", "asc")),
    ({"sort": "talks", "order": "desc"}, ("talks", "desc")),
    ({"sort": "attendance"}, ("attendance", "asc")),
    ({"sort": "nonsense", "order": "sideways"}, ("school", "asc")),
    ({"sort": "__class__"}, ("school", "asc")),
])
def test_sort_of_the_query(params, expected):
    assert selectors.sort_of(params) == expected


def test_rows_sorted_by_a_column_with_no_percent_last(world, district):
    def names(params):
        summary = district_summary(user=world.methodologist, pk=world.district.pk,
                                   start_year=world.year.start_year, params=params)
        return [row.association.pk for row in summary.rows]

    mo, other, extra, empty = world.mo.pk, world.other_mo.pk, district["extra"].pk, district["empty"].pk
    assert names({}) == [empty, mo, other, extra]  # «ООШ № 9» < «СОШ № 1» < «СОШ № 2» < «СОШ № 3»
    assert names({"sort": "school", "order": "desc"}) == [extra, other, mo, empty]
    assert names({"sort": "consultations", "order": "desc"}) == [other, mo, extra, empty]  # 3, 2, 1, 0
    assert names({"sort": "consultations", "order": "asc"}) == [empty, extra, mo, other]
    # The empty МО has no attendance («—»): last whichever the order.
    assert names({"sort": "attendance", "order": "asc"})[-1] == empty
    assert names({"sort": "attendance", "order": "desc"})[-1] == empty


def test_another_districts_records_stay_out(world, district):
    summary = district_summary(user=world.methodologist, pk=world.district.pk, start_year=world.year.start_year)
    assert world.other_district_mo.pk not in {row.association.pk for row in summary.rows}
    other = district_summary(user=world.admin, pk=world.other_district.pk, start_year=world.year.start_year)
    assert [row.association.pk for row in other.rows] == [world.other_district_mo.pk]
    assert other.rows[0].figures == row_from_figures(figures_for(world.other_district_mo, world.year))


def test_the_number_of_queries_does_not_grow_with_the_schools(world, district, more_schools,
                                                              django_assert_num_queries):
    def run():
        summary = district_summary(user=world.admin, pk=world.district.pk, start_year=world.year.start_year)
        return len(summary.rows)

    access.roles_for(world.admin)  # once per request, as a page does before its selector
    # The district, the year, the years, the school МО, their
    # analyses; the live figures: memberships, class assignments, meetings, attendance, plan
    # items, cards, talks, courses, attestation, contests, visits, consultations.
    with django_assert_num_queries(17):
        assert run() == 4
    more_schools(4, start=3)
    with django_assert_num_queries(17):
        assert run() == 8
