"""The figures of an association's year (`reports.analysis.figures`): what each counts, the
exact round trip through JSON data, the links to the counted records, and a fixed number of
queries whatever the number of members, meetings and records."""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from associations.models import (
    AnnualPlan,
    Attestation,
    ContestEntry,
    Level,
)
from reports.analysis.figures import SCHEMA, YearFigures, figures_for, percent, percent_text
from tests import factories as f
from tests.reports.analysis.data import CANCELLED, HELD, OPEN_EVENT  # noqa: F401
from tests.reports.analysis.data import day_of as _day
from tests.reports.analysis.data import meeting_of as _meeting
from tests.reports.analysis.data import year_of_records as _year_of_records


def _tally(tallies, key):
    return next(t for t in tallies if t.key == key)


# --- what each figure counts ---------------------------------------------------------------------


def test_staff_are_the_members_and_the_class_teachers_by_education_experience_and_category(world):
    _year_of_records(world)
    staff = figures_for(world.mo, world.year).staff
    # the head (a member, and now leading 6 «А»), the teacher (6 «Б»)
    assert (staff.total, staff.members, staff.class_teachers, staff.classes) == (2, 2, 2, 2)
    assert _tally(staff.by_education, "vocational_ped").count == 1
    assert _tally(staff.by_education, "higher_ped").count == 1
    assert _tally(staff.by_experience, "lt5").count == 1  # since 01.09.2024: 2 years on 31.08 of the year
    assert _tally(staff.by_experience, "20+").count == 1
    assert [(t.key, t.count) for t in staff.by_category if t.count] == [("first", 1), ("highest", 1)]
    teacher = next(p for p in staff.people if p.person_id == world.teacher_person.pk)
    assert (teacher.classes, teacher.member, teacher.category) == ("6 «Б»", True, "высшая")


def test_meetings_planned_in_the_plan_against_held_with_attendance(world):
    data = _year_of_records(world)
    meetings = figures_for(world.mo, world.year).meetings
    assert meetings.planned == 2  # the two items of «Заседания МО»
    assert (meetings.scheduled, meetings.held, meetings.held_in_plan, meetings.cancelled) == (4, 2, 1, 1)
    session = next(m for m in meetings.held_meetings if m.meeting_id == data["session"].pk)
    assert (session.present, session.marked, session.attendance_text) == (1, 2, "50,0\u00a0%")
    assert (meetings.present, meetings.marked, meetings.attendance) == (3, 4, Decimal("75.0"))
    assert [(t.key, t.count) for t in meetings.by_form] == [("session", 1), ("open_event", 1)]
    assert [(p.content, p.held_on) for p in meetings.planned_meetings] == [
        ("Пункт 1", _day(world, 9)), ("Пункт 2", None),
    ]
    assert [(m.theme, m.reason) for m in meetings.cancelled_meetings] == [("Заседание о буллинге", "карантин")]


def test_the_plan_execution_counts_the_approved_plan_with_the_reasons(world):
    data = _year_of_records(world)
    plan = figures_for(world.mo, world.year).plan
    assert (plan.total, plan.done, plan.moved, plan.cancelled, plan.pending, plan.percent) == (4, 1, 1, 1, 1, 25)
    assert [(i.content, i.moved_to, i.note) for i in plan.moved_items] == [("Пункт 3", "декабрь", "карантин")]
    assert [(i.content, i.note) for i in plan.cancelled_items] == [("Пункт 4", "нет помещения")]

    AnnualPlan.objects.filter(pk=data["plan"].pk).update(status=AnnualPlan.Status.SUBMITTED)
    figures = figures_for(world.mo, world.year)
    assert (figures.plan.status, figures.plan.total, figures.meetings.planned) == ("submitted", 0, 0)


def test_open_events_come_from_open_meetings_and_the_bank_each_once(world):
    _year_of_records(world)
    events = figures_for(world.mo, world.year).open_events
    assert [(e.title, e.teachers, e.classes, e.source) for e in events.events] == [
        ("Открытое мероприятие «Дружба»", world.teacher_person.short_name, "6 «Б»", "material"),
        ("Открытый классный час «Герои»", world.teacher_person.short_name, "6 «Б»", "meeting"),
    ]
    assert events.count == 2


def test_talks_are_the_staff_speakers_at_held_meetings_of_the_district(world):
    _year_of_records(world, extra=1)
    talks = figures_for(world.mo, world.year).talks
    assert (talks.count, talks.at_own, talks.at_district, talks.at_schools, talks.speakers) == (4, 2, 1, 1, 3)
    assert {(t.title, t.venue_kind) for t in talks.talks} >= {
        ("Об опыте работы с родителями", "district"), ("О профориентации", "school"),
    }
    assert "О чужом докладе" not in {t.title for t in talks.talks}

    rmo_talks = figures_for(world.rmo, world.year).talks
    assert {t.title for t in rmo_talks.talks} == {"Об опыте работы с родителями", "О чужом докладе"}


def test_courses_of_the_last_three_years_share_of_the_staff(world):
    _year_of_records(world)
    courses = figures_for(world.mo, world.year).courses
    assert (courses.people, courses.with_course, courses.hours, courses.share_text) == (2, 1, 72, "50,0\u00a0%")
    assert [p.person_id for p in courses.without] == [world.head_person.pk]
    assert (courses.in_year, courses.hours_in_year) == (1, 72)


def test_attestation_in_the_year_and_due_next_year(world):
    _year_of_records(world)
    attestation = figures_for(world.mo, world.year).attestation
    assert attestation.granted == 1
    assert _tally(attestation.by_category, "highest").count == 1
    assert attestation.applications == 1 and _tally(attestation.by_outcome, "pending").count == 1
    next_start = world.year.start_year + 1
    assert attestation.next_year == f"{next_start}/{next_start + 1}"
    # the teacher's category is indefinite; the head's ends on 06.10 of the next year
    assert [(d.person.person_id, d.due_on) for d in attestation.due_next_year] == [
        (world.head_person.pk, datetime.date(next_start, 10, 6)),
    ]


def test_contests_count_confirmed_entries_in_a_stage_by_result_table(world):
    _year_of_records(world)
    contests = figures_for(world.mo, world.year).contests
    assert contests.total == 2
    cells = {(row.level, cell.key): cell.count for row in contests.table for cell in row.cells}
    assert cells[("municipal", "winner")] == 1
    assert cells[("school", "participant")] == 1
    assert cells[("regional", "winner")] == 0  # not confirmed
    assert len(cells) == len(Level.values) * len(ContestEntry.Result.values)
    assert _tally(contests.results, "winner").count == 1
    assert [(e.person.person_id, e.result_label) for e in contests.entries] == [
        (world.head_person.pk, "участник"), (world.teacher_person.pk, "победитель (1 место)"),
    ]


def test_visits_recommendations_done_or_open_and_consultations_by_kind(world):
    _year_of_records(world)
    figures = figures_for(world.mo, world.year)
    assert (figures.visits.count, figures.visits.recommendations, figures.visits.done, figures.visits.open) == (
        1, 2, 1, 1,
    )
    consultations = figures.consultations
    assert (consultations.count, consultations.people) == (2, 2)
    assert [(t.key, t.count) for t in consultations.by_kind] == [("individual", 1), ("group", 1)]


def test_monitoring_september_to_may_by_class_a_small_class_only_in_the_total(world):
    data = _year_of_records(world)
    monitoring = figures_for(world.mo, world.year).monitoring
    (band,) = monitoring.bands
    assert band.label == "5–11 классы"
    assert band.classes == 2 and band.hidden == 1  # 6 «А» has 3 pupils
    (row,) = band.rows
    assert (row.label, row.note) == ("6 «Б»", world.teacher_person.short_name)
    assert (row.september.mean, row.may.mean, row.change_text) == (Decimal("1.0"), Decimal("4.0"), "+3,0")
    # September pools 6 «Б»'s 6 pupils and 6 «А»'s 3: shown beside the 6 «Б» row, the total would
    # give those 3 away, so the district level's tables (and the analysis) leave it out.
    assert band.september is None
    assert sum(level.percent for level in band.may.distribution) == 100
    assert row.link.url == f"/reports/monitoring/{data['six_b'].monitorings.get(period='may').pk}/"


def test_the_rmo_counts_the_district(world):
    _year_of_records(world)
    f.MembershipFactory(association=world.rmo, person=world.methodologist.person, academic_year=world.year)
    figures = figures_for(world.rmo, world.year)
    assert figures.is_district and figures.school_name == ""
    assert (figures.staff.members, figures.staff.class_teachers) == (1, 2)
    assert figures.contests.total == 3  # the other school's confirmed entry too
    assert figures.visits.count == 2
    assert figures.consultations.count == 1
    assert figures.meetings.held == 1
    (band,) = figures.monitoring.bands
    assert [row.label for row in band.rows] == [world.school.short_name]
    assert band.rows[0].link.url == f"/reports/monitoring/schools/{world.school.pk}/?year={world.year.start_year}"


# --- the data -------------------------------------------------------------------------------------


def test_the_figures_go_to_json_data_and_back_exactly(world):
    _year_of_records(world, extra=2)
    figures = figures_for(world.mo, world.year)
    data = json.loads(json.dumps(figures.to_data()))
    assert data["schema"] == SCHEMA
    assert YearFigures.from_data(data) == figures
    again = YearFigures.from_data(data)
    assert again.to_data() == data
    may = next(band.may for band in again.monitoring.bands if band.may is not None)
    assert isinstance(may.mean, Decimal) and isinstance(again.as_of, datetime.date)
    assert again.contests.link.url == figures.contests.link.url


def test_data_of_another_schema_or_shape_is_refused(world):
    data = figures_for(world.mo, world.year).to_data()
    with pytest.raises(ValueError, match="schema"):
        YearFigures.from_data({**data, "schema": SCHEMA + 1})
    broken = json.loads(json.dumps(data))
    del broken["staff"]["members"]
    with pytest.raises(ValueError):
        YearFigures.from_data(broken)


def test_the_figures_change_when_a_record_does(world):
    data = _year_of_records(world)
    before = figures_for(world.mo, world.year)
    assert figures_for(world.mo, world.year) == before
    Attestation.objects.filter(person=world.teacher_person).update(category="first")
    assert figures_for(world.mo, world.year) != before
    ContestEntry.objects.filter(pk=data["winner"].pk).update(status=ContestEntry.Status.ENTERED)
    assert figures_for(world.mo, world.year).contests.total == 1


def test_percent_rounds_half_up_with_a_comma():
    assert percent(1, 8) == Decimal("12.5") and percent(2, 3) == Decimal("66.7")
    assert percent(0, 0) is None and percent_text(None) == "—"
    assert percent_text(percent(7, 8)) == "87,5\u00a0%"


# --- queries --------------------------------------------------------------------------------------

#: The queries of a school МО's figures: the association; members; classes; meetings; the plan and
#: its items; attendance; the open meetings' speakers; the bank's cards, their authors, their
#: grades; the talks; courses (status, the year's); attestation (records, applications, status);
#: contests; visits; consultations (by kind, people); monitoring (the school's table: its classes,
#: the methods' five, the pupils and their grades).
QUERIES = 30


def test_the_number_of_queries_does_not_grow_with_the_records(world, django_assert_max_num_queries):
    _year_of_records(world)
    with CaptureQueriesContext(connection) as small:
        figures_for(world.mo, world.year)
    for _ in range(2):
        _year_of_records_more(world)
    with django_assert_max_num_queries(QUERIES), CaptureQueriesContext(connection) as large:
        figures = figures_for(world.mo, world.year)
    assert figures.staff.total >= 12 and figures.meetings.held >= 12
    assert len(large) == len(small)


def _year_of_records_more(world) -> None:
    """Five more members with everything `_year_of_records` gives each extra one."""
    people = f.add_members(world, 5, classes=True)
    visit = f.VisitFactory(school=world.school)
    for person in people:
        meeting = _meeting(world, theme=f"Заседание {person.last_name}", status=HELD, kind=OPEN_EVENT)
        f.AgendaItemFactory(meeting=meeting, title=f"О докладе {person.last_name}", speakers=[person])
        f.AttendanceFactory(meeting=meeting, person=person)
        f.ContestEntryFactory(person=person, status=ContestEntry.Status.CONFIRMED)
        f.AttestationFactory(person=person)
        f.CourseFactory(person=person)
        f.VisitRecommendationFactory(visit=visit)
        f.ConsultationFactory(association=world.mo, consultant=world.head_person, consulted=[person])
        f.MaterialFactory(owner=person, is_open_event=True)
        for assignment in person.class_assignments.all():
            f.class_monitoring(assignment, pupils=5)
            f.class_monitoring(assignment, period="may", pupils=5)


def test_the_rmo_figures_take_as_many_queries(world, django_assert_max_num_queries):
    _year_of_records(world, extra=3)
    with django_assert_max_num_queries(QUERIES):
        figures_for(world.rmo, world.year)


# --- the links ------------------------------------------------------------------------------------


def _entries(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'data-testid="contest-entry-(\d+)"', page)}


def test_the_links_resolve_and_the_pages_show_the_counted_rows(world, client_for):
    data = _year_of_records(world)
    figures = figures_for(world.mo, world.year)
    client = client_for(world.head)

    page = client.get(figures.contests.link.url).content.decode()
    assert _entries(page) == {e.entry_id for e in figures.contests.entries} and len(_entries(page)) == 2
    cell = _tally(next(r for r in figures.contests.table if r.level == "municipal").cells, "winner")
    assert _entries(client.get(cell.link.url).content.decode()) == {data["winner"].pk}

    page = client.get(figures.meetings.link.url).content.decode()
    assert all(m.theme in page for m in figures.meetings.held_meetings)

    page = client.get(figures.visits.open_link.url).content.decode()
    assert figures.visits.visits[0].title in page

    kind = _tally(figures.consultations.by_kind, "group")
    page = client.get(kind.link.url).content.decode()
    assert "Классный час по ФРП" in page and "Подготовка к аттестации" not in page

    for link in (figures.staff.link, figures.plan.link, figures.courses.link, figures.courses.year_link,
                 figures.attestation.link, figures.monitoring.link, figures.meetings.held_meetings[0].link):
        assert client.get(link.url).status_code == 200, link


def test_the_open_events_link_shows_the_banks_open_events_of_the_year(world, client_for):
    _year_of_records(world)
    figures = figures_for(world.mo, world.year)
    page = client_for(world.head).get(figures.open_events.link.url).content.decode()
    assert "Открытое мероприятие «Дружба»" in page
    assert "Черновик открытого" not in page and "Обычный классный час" not in page


def test_the_rmo_links_show_the_district_to_its_methodologist(world, client_for):
    _year_of_records(world)
    figures = figures_for(world.rmo, world.year)
    client = client_for(world.methodologist)
    page = client.get(figures.contests.link.url).content.decode()
    assert _entries(page) == {e.entry_id for e in figures.contests.entries} and len(_entries(page)) == 3
    for link in (figures.visits.link, figures.consultations.link, figures.monitoring.link, figures.meetings.link):
        assert client.get(link.url).status_code == 200, link
