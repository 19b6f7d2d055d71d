"""The district РМО's roll-up of its school МО's accepted analyses (`YearFigures.schools`): what
it adds up (accepted analyses only, as frozen; attendance pooled), the district's own events, the
exact round trip (old data without the roll-up still reads), the freeze with the РМО's analysis,
the page and the PDF, and a fixed number of queries whatever the number of schools."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations.models import ContestEntry, Level
from meetings.models import Meeting
from reports.analysis import services
from reports.analysis.figures import YearFigures, figures_for
from reports.analysis.models import Analysis
from tests import factories as f
from tests.helpers import flat, login, pdf_text

HELD = Meeting.Status.HELD


def _held(world, association, *, present: int, absent: int, kind=Meeting.Kind.SESSION, month=10) -> Meeting:
    meeting = f.MeetingFactory(
        association=association, academic_year=world.year, status=HELD, kind=kind,
        starts_at=f.at(datetime.date(world.year.start_year, month, 12)),
    )
    school = association.school
    for index in range(present + absent):
        person = f.PersonFactory(school=school, district=association.district)
        f.AttendanceFactory(meeting=meeting, person=person, present=index < present)
    return meeting


def _accepted(world, association) -> Analysis:
    """The association's analysis of the world's year, accepted with the figures of today."""
    return f.analysis_of(association, world.year, status="accepted", by=world.head,
                         figures=figures_for(association, world.year).to_data())


def _district(world) -> dict:
    """The world's district: СОШ № 1 (1 of 4 present, a municipal winner) and СОШ № 2 (3 of 3
    present) accepted; a third school's МО with a draft (its records not counted)."""
    _held(world, world.mo, present=1, absent=3)
    f.ContestEntryFactory(person=world.teacher_person, level=Level.MUNICIPAL, result="winner", place=1,
                          status=ContestEntry.Status.CONFIRMED)
    f.ConsultationFactory(association=world.mo, consultant=world.head_person, consulted=[world.teacher_person])
    _held(world, world.other_mo, present=3, absent=0)
    f.ContestEntryFactory(person=f.PersonFactory(school=world.other_school), level=Level.SCHOOL,
                          status=ContestEntry.Status.CONFIRMED)
    third = f.school_with_mo(world.district, year=world.year)
    _held(world, third, present=5, absent=5)
    f.analysis_of(third, world.year, by=world.head)  # a draft
    return {"mo": _accepted(world, world.mo), "other": _accepted(world, world.other_mo), "third": third}


# --- what it adds up --------------------------------------------------------------------------------


def test_the_rollup_adds_up_the_accepted_analyses_only(world):
    data = _district(world)
    rollup = figures_for(world.rmo, world.year).schools
    assert (rollup.schools, rollup.accepted) == (3, 2)
    mine = YearFigures.from_data(data["mo"].figures)
    other = YearFigures.from_data(data["other"].figures)
    totals = rollup.totals
    assert totals.staff == mine.staff.total + other.staff.total
    assert (totals.meetings_held, totals.present, totals.marked) == (2, 4, 7)
    # Pooled: 4 of 7 present (57,1 %), not the mean of 25 % and 100 % (62,5 %).
    assert totals.attendance == Decimal("57.1") and totals.attendance_text == "57,1\u00a0%"
    assert (totals.contests, totals.consultations) == (2, 1)
    municipal = next(row for row in rollup.contests if row.level == Level.MUNICIPAL)
    assert municipal.total == 1 and next(c for c in municipal.cells if c.key == "winner").count == 1
    assert sum(t.count for t in rollup.contest_results) == 2

    by_school = {row.association_id: row for row in rollup.rows}
    assert by_school[world.mo.pk].figures.attendance_text == "25,0\u00a0%"
    third = by_school[data["third"].pk]
    assert not third.counted and third.status == "draft" and third.status_label == "черновик"
    assert [row.association_id for row in rollup.not_counted] == [data["third"].pk]
    assert by_school[world.mo.pk].link.url == reverse("reports:analysis", args=[world.mo.pk, world.year.start_year])


def test_the_rollup_reads_the_figures_as_accepted_not_the_records(world):
    _district(world)
    before = figures_for(world.rmo, world.year).schools.totals
    f.ContestEntryFactory(person=world.teacher_person, status=ContestEntry.Status.CONFIRMED)
    _held(world, world.mo, present=2, absent=0, month=11)
    assert figures_for(world.rmo, world.year).schools.totals == before


def test_a_school_not_started_or_unreadable_is_listed_not_counted(world):
    f.analysis_of(world.mo, world.year, status="accepted", by=world.head)  # figures of another schema
    rollup = figures_for(world.rmo, world.year).schools
    rows = {row.association_id: row for row in rollup.rows}
    assert rollup.accepted == 0 and rollup.totals.staff == 0
    assert rows[world.mo.pk].note == "показатели не прочитаны" and rows[world.mo.pk].status == "accepted"
    assert (rows[world.other_mo.pk].status, rows[world.other_mo.pk].status_label) == ("", "не начат")
    assert rollup.totals.attendance_text == "—"


def test_the_districts_own_events_are_the_rmos_own(world):
    """Its meetings (the school МО's are not), the municipal stage of the district's people, the
    visits to the district's schools (not another district's), the РМО's own consultations log."""
    _district(world)
    _held(world, world.rmo, present=2, absent=0, kind=Meeting.Kind.SEMINAR)
    _held(world, world.rmo, present=1, absent=0, kind=Meeting.Kind.ROUND_TABLE)
    f.ContestEntryFactory(person=world.methodologist.person, level=Level.MUNICIPAL,
                          status=ContestEntry.Status.CONFIRMED)
    f.ContestEntryFactory(person=f.PersonFactory(school=world.other_district_mo.school), level=Level.MUNICIPAL,
                          status=ContestEntry.Status.CONFIRMED)
    visit = f.VisitFactory(school=world.school)
    f.VisitRecommendationFactory(visit=visit)
    f.VisitFactory(school=world.other_district_mo.school)
    f.ConsultationFactory(association=world.rmo, consultant=world.methodologist.person,
                          consulted=[world.head_person])
    own = figures_for(world.rmo, world.year).schools.own
    assert (own.meetings_held, own.seminars) == (2, 1)
    assert own.municipal_entries == 2  # the teacher's and the methodologist's; not the other district's
    assert (own.visits, own.recommendations_open, own.consultations) == (1, 1, 1)
    assert own.contests_link.url.endswith("level=municipal")


# --- the data -------------------------------------------------------------------------------------


def test_a_school_mo_has_no_rollup_and_its_data_has_no_key(world):
    figures = figures_for(world.mo, world.year)
    assert figures.schools is None and "schools" not in figures.to_data()


def test_the_rollup_goes_to_json_data_and_back_exactly(world):
    _district(world)
    figures = figures_for(world.rmo, world.year)
    data = json.loads(json.dumps(figures.to_data()))
    again = YearFigures.from_data(data)
    assert again == figures and again.to_data() == data
    assert again.schools.totals.attendance == Decimal("57.1")


def test_data_written_before_the_rollup_reads_without_it(world):
    data = json.loads(json.dumps(figures_for(world.rmo, world.year).to_data()))
    del data["schools"]
    assert YearFigures.from_data(data).schools is None


def test_the_rollup_is_frozen_with_the_rmos_analysis(world):
    _held(world, world.mo, present=1, absent=1)
    _accepted(world, world.mo)
    analysis = f.analysis_of(world.rmo, world.year, by=world.methodologist)
    submitted = services.analysis_submit(analysis=analysis, user=world.methodologist)
    assert submitted.figures["schools"]["accepted"] == 1
    assert not services.figures_changed(submitted)
    _accepted(world, world.other_mo)  # accepted after the РМО's submission
    assert services.year_figures(submitted).schools.accepted == 1
    assert figures_for(world.rmo, world.year).schools.accepted == 2
    assert services.figures_changed(submitted)


# --- the page and the PDF ----------------------------------------------------------------------------


def test_the_rmo_page_shows_the_rollup_and_links_to_the_board(world):
    data = _district(world)
    page = login(world.methodologist).get(reverse("reports:analysis", args=[world.rmo.pk, world.year.start_year]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="rollup-table"' in html and 'data-testid="rollup-totals"' in html
    assert reverse("reports:analysis", args=[data["third"].pk, world.year.start_year]) in html
    assert "не принят" in html and "57,1" in html
    board = reverse("reports:analysis_board", args=[world.district.pk, world.year.start_year])
    assert f'href="{board}"' in html
    # A school МО's page has neither.
    html = login(world.head).get(reverse("reports:analysis", args=[world.mo.pk, world.year.start_year])
                                 ).content.decode()
    assert 'data-testid="rollup' not in html and board not in html


def test_the_rmo_pdf_prints_the_rollup(world):
    data = _district(world)
    analysis = f.analysis_of(world.rmo, world.year, by=world.methodologist)
    text = pdf_text(services.analysis_pdf(analysis))
    assert flat("Анализы школьных МО: свод") in text
    assert flat("Принято 2 из 3") in text
    for school in (world.school, world.other_school, data["third"].school):
        assert flat(school.short_name) in text
    assert flat("Итого по принятым") in text and flat("57,1") in text
    assert flat("Мероприятия района (РМО)") in text


# --- queries --------------------------------------------------------------------------------------------


def test_the_rollup_takes_the_same_queries_for_two_schools_and_five(world, django_assert_num_queries):
    frozen = figures_for(world.mo, world.year).to_data()
    for association in (world.mo, world.other_mo):
        f.analysis_of(association, world.year, status="accepted", by=world.head, figures=frozen)
    with CaptureQueriesContext(connection) as two:
        small = figures_for(world.rmo, world.year)
    for _ in range(3):
        f.analysis_of(f.school_with_mo(world.district, year=world.year), world.year, status="accepted",
                      by=world.head, figures=frozen)
    with django_assert_num_queries(len(two)):
        large = figures_for(world.rmo, world.year)
    assert (small.schools.accepted, large.schools.accepted) == (2, 5)
    # The roll-up's own: the district's school МО, and their analyses of the year.
    rollup_queries = [q["sql"] for q in two.captured_queries if '"reports_analysis"' in q["sql"]]
    assert len(rollup_queries) == 1
