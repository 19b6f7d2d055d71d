"""The methodologist's dashboard on the home page (reports.dashboard): counts per status of a
varied district, each a link to the filtered list behind it; another district's rows never
counted; the charts with their text tables; the empty states; the district staff and the
superuser's choice of district; nobody else gets one; a fixed number of queries."""

from __future__ import annotations

import datetime
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from associations import access
from associations.models import AnnualPlan, Person, StaffDistrict
from associations.records.attestation import selectors as attestation_selectors
from meetings.models import Attendance, Decision, Meeting
from reports.analysis.models import AnalysisDeadline
from reports.dashboard import selectors
from tests import factories as f

HOME = reverse("home")
Status = AnnualPlan.Status


def board(world, status):
    return reverse("reports:analysis_board", args=[world.district.pk, world.year.start_year]) + f"?status={status}"


def plans_url(world, status):
    return reverse("reports:district_plans") + f"?year={world.year.pk}&status={status}"


def counts(items) -> dict[str, int]:
    return {c.key: c.count for c in items}


def held(association, year, day, *, present=0, absent=0, theme="Семинар РМО"):
    meeting = f.MeetingFactory(
        association=association, academic_year=year, starts_at=f.at(day), status=Meeting.Status.HELD, theme=theme,
    )
    school = association.school or f.SchoolFactory(district=association.district)
    for i in range(present + absent):
        Attendance.objects.create(
            meeting=meeting, person=f.PersonFactory(school=school), present=i < present,
            absence_reason="" if i < present else "больничный лист",
        )
    return meeting


@pytest.fixture
def varied(world):
    """The first district: six associations (the РМО, the world's two school МО and three new
    school МО) with plans and analyses of every status, overdue decisions at three of them,
    the РМО's held meetings; the second district: the same kinds of rows, never counted."""
    year, today = world.year, timezone.localdate()
    returned, drafted, silent = (f.school_with_mo(world.district, year=year) for _ in range(3))

    # Plans: none — the РМО and `silent`; one of each other status.
    f.plan_document(world.mo, year, items=8)  # approved: items in Oct, Nov, Dec, Feb, Mar, Apr; two without a month
    f.plan_with_items(world.other_mo, year, status=Status.SUBMITTED)
    f.plan_with_items(returned, year, status=Status.RETURNED)
    f.plan_with_items(drafted, year, status=Status.DRAFT)
    f.plan_document(world.other_district_mo, year, items=4)
    f.plan_with_items(world.other_district_rmo, year, status=Status.DRAFT)

    # Analyses of the school МО (the РМО's own is not on the board), the deadline passed yesterday.
    f.analysis_of(world.mo, year, status="accepted")
    f.analysis_of(world.other_mo, year, status="submitted")
    f.analysis_of(returned, year, status="returned")
    f.analysis_of(drafted, year, status="draft")
    f.analysis_of(world.rmo, year, status="draft")
    f.analysis_of(world.other_district_mo, year, status="draft")
    AnalysisDeadline.objects.create(district=world.district, academic_year=year, due_on=today - datetime.timedelta(1))
    AnalysisDeadline.objects.create(district=world.other_district, academic_year=year, due_on=today)

    # Decisions: overdue at the МО (two), the other МО (one), the РМО (one); not counted: not yet
    # due, done, of a protocol not signed, of the other district.
    late = today - datetime.timedelta(days=3)
    person = world.teacher_person
    f.decision_of(world.mo, responsible=person, due_on=late, text="Просрочено 1")
    f.decision_of(world.mo, responsible=person, due_on=late, text="Просрочено 2")
    f.decision_of(world.other_mo, responsible=person, due_on=late)
    f.decision_of(world.rmo, responsible=person, due_on=late)
    f.decision_of(world.mo, responsible=person, due_on=today + datetime.timedelta(days=3))
    done = f.decision_of(world.mo, responsible=person, due_on=late)
    Decision.objects.filter(pk=done.pk).update(status=Decision.Status.DONE, done_on=today)
    f.decision_of(world.mo, responsible=person, due_on=late, signed=False)
    f.decision_of(world.other_district_mo, responsible=person, due_on=late)

    # The РМО's held meetings of the year: 3 of 4 present, then one without marks. Not counted: a
    # planned one, the school МО's, the other district's.
    first = max(year.starts_on, today - datetime.timedelta(days=60))
    held(world.rmo, year, first, present=3, absent=1, theme="Семинар о буллинге")
    held(world.rmo, year, first + datetime.timedelta(days=1), theme="Семинар без явки")
    f.MeetingFactory(association=world.rmo, academic_year=year, starts_at=f.at(f.in_days(5)), theme="Впереди")
    held(world.mo, year, first, present=2, theme="Заседание школы")
    held(world.other_district_rmo, year, first, present=1, absent=1, theme="Семинар соседей")
    return {"returned": returned, "drafted": drafted, "silent": silent}


def dashboard_of(client, **params):
    response = client.get(HOME, params)
    assert response.status_code == 200
    return response.context["dashboard"], response.content.decode()


def test_plans_and_analyses_counted_per_status(world, varied, client_for):
    d, html = dashboard_of(client_for(world.methodologist))
    assert d.district == world.district
    assert counts(d.plans) == {"none": 2, "draft": 1, "submitted": 1, "returned": 1, "approved": 1}
    assert d.associations_total == 6
    assert counts(d.analyses) == {"none": 1, "draft": 1, "submitted": 1, "returned": 1, "accepted": 1}
    assert d.school_mos == 5
    assert d.late.count == 3  # not started, draft and returned, past the deadline
    assert d.deadline == timezone.localdate() - datetime.timedelta(days=1)
    assert 'data-testid="dashboard"' in html and "срок прошёл" in html


def test_every_count_links_to_its_filtered_list(world, varied, client_for):
    _d, html = dashboard_of(client_for(world.methodologist))
    for status in ("none", "draft", "submitted", "returned", "approved"):
        assert f'href="{plans_url(world, status)}" data-status="{status}"'.replace("&", "&amp;") in html
    for status in ("none", "draft", "submitted", "returned", "accepted", "late"):
        assert f'href="{board(world, status)}" data-status="{status}"' in html
    assert reverse("reports:district_summary", args=[world.district.pk, world.year.start_year]) in html


def test_plan_links_open_the_rows_counted(world, varied, client_for):
    """The district plans table opened by a count's link shows exactly that many rows."""
    client = client_for(world.methodologist)
    d, _html = dashboard_of(client)
    for c in d.plans:
        url = urlsplit(c.link.url)
        response = client.get(url.path, dict(parse_qsl(url.query)))
        assert len(response.context["table"].rows) == c.count, c.key


def test_overdue_decisions_by_school(world, varied, client_for):
    client = client_for(world.methodologist)
    d, html = dashboard_of(client)
    assert [(row.label, row.count) for row in d.overdue] == [
        (world.school.short_name, 2), ("РМО", 1), (world.other_school.short_name, 1),
    ]
    assert d.overdue_total == 4
    decisions = reverse("meetings:decisions")
    assert f'href="{decisions}?state=overdue&amp;association={world.mo.pk}"' in html
    assert f'href="{decisions}?state=overdue"' in html
    for row in d.overdue:  # the control page, so filtered, lists what was counted
        url = urlsplit(row.link.url)
        listed = client.get(url.path, dict(parse_qsl(url.query))).context["control"].decisions
        assert len(listed) == row.count


def test_another_district_is_never_counted(world, varied, client_for):
    d, html = dashboard_of(client_for(world.methodologist))
    assert world.other_district_mo.pk not in {row.association.pk for row in d.overdue}
    assert "Семинар соседей" not in html
    assert sum(m.planned for m in d.months) == 6  # the МО's plan only, not the other district's

    far, far_html = dashboard_of(client_for(world.other_district_methodologist))
    assert far.district == world.other_district
    assert counts(far.plans) == {"none": 0, "draft": 1, "submitted": 0, "returned": 0, "approved": 1}
    assert counts(far.analyses)["draft"] == 1 and far.school_mos == 1
    assert far.late.count == 0  # the deadline is today: not passed
    assert [(row.association, row.count) for row in far.overdue] == [(world.other_district_mo, 1)]
    assert [row.theme for row in far.attendance] == ["Семинар соседей"]
    assert "Семинар о буллинге" not in far_html and world.mo.name not in far_html


def test_charts_and_their_text_tables(world, varied, client_for):
    d, html = dashboard_of(client_for(world.methodologist))
    by_month = {row.month: (row.planned, row.done) for row in d.months}
    assert by_month[10] == (1, 1) and by_month[2] == (1, 1)
    assert by_month[11] == by_month[12] == by_month[3] == by_month[4] == (1, 0)
    assert by_month[9] == (0, 0) and d.unscheduled_items == 2
    assert [(row.theme, row.present, row.marked, row.attendance_text) for row in d.attendance] == [
        ("Семинар о буллинге", 3, 4, "75,0\u00a0%"), ("Семинар без явки", 0, 0, "—"),
    ]
    for testid in ("dashboard-months", "dashboard-plan-statuses", "dashboard-attendance"):
        section = html.split(f'data-testid="{testid}"')[1].split("</table>")[0]
        assert "<svg" in section and "<table" in section, testid
    assert "Выполнение планов по месяцам" in html and "Явка на заседания РМО, %" in html
    assert "75,0\u00a0% (3/4)" in html
    assert len(d.attendance_chart.bars) == 1  # no bar for a meeting without marks
    assert len(d.plans_chart.bars) == 5 and len(d.months_chart.bars) == 6 + 2
    assert "Ещё 2 пунктов" in html or "Ещё 2 пункта" in html


def test_attestation_due_this_year_and_next(world, varied, client_for):
    client = client_for(world.methodologist)
    before, _html = dashboard_of(client)
    year = world.year
    for due in (datetime.date(year.start_year + 1, 8, 31), datetime.date(year.start_year + 2, 8, 31)):
        f.AttestationFactory(
            person=f.PersonFactory(school=world.school), category="szd", granted_on=due.replace(year=due.year - 5),
            expires_on=due,
        )
    f.PersonFactory(school=world.other_district_mo.school)  # overdue, but of the other district
    f.PersonFactory(school=world.school, position=Person.Position.DEPUTY_DIRECTOR)  # not attested
    after, html = dashboard_of(client)
    a, b = after.attestation, before.attestation
    assert (a.people, a.this_year, a.next_year) == (b.people + 2, b.this_year + 1, b.next_year + 1)
    assert a.overdue == b.overdue

    # The counts are the overview's: its warnings' lists have as many rows.
    overview = attestation_selectors.attestation_overview(user=world.methodologist, params={"warning": "any"})
    assert a.warned == len(overview.rows)
    overdue = attestation_selectors.attestation_overview(user=world.methodologist, params={"warning": "szd_overdue"})
    assert a.overdue == len(overdue.rows) > 0
    overview_url = reverse("associations:attestation_overview")
    assert f'href="{overview_url}?warning=szd_overdue"' in html and f'href="{overview_url}?warning=any"' in html


def test_empty_states_say_what_to_do(world, client_for):
    d, html = dashboard_of(client_for(world.methodologist))
    assert counts(d.plans)["none"] == 3 and d.plans_started == 0
    assert "Планы ещё не начаты — напомните руководителям МО" in html
    assert "Анализы ещё не начаты" in html
    assert "Срок сдачи не установлен" in html
    assert "Просроченных поручений нет" in html
    assert "Утверждённых планов с пунктами по месяцам пока нет" in html
    assert "Заседаний РМО в этом учебном году ещё не проведено" in html
    assert "<svg" in html  # the statuses' chart: three associations without a plan


@pytest.mark.parametrize("role", ["teacher", "head", "deputy", "outsider"])
def test_other_roles_get_no_dashboard(world, varied, client_for, role):
    response = client_for(getattr(world, role)).get(HOME)
    assert response.status_code == 200
    assert response.context["dashboard"] is None
    assert 'data-testid="dashboard"' not in response.content.decode()


def test_no_dashboard_costs_no_query(world, django_assert_num_queries):
    for user in (world.teacher, world.head, world.deputy, world.outsider):
        access.roles_for(user)  # computed once per request, by the home page's first selector
        with django_assert_num_queries(0):
            assert selectors.dashboard(user=user, year=world.year) is None


def test_department_staff_see_their_district(world, varied, client_for):
    staff = f.UserFactory(username="staff", is_staff=True)
    StaffDistrict.objects.create(user=staff, district=world.other_district)
    d, _html = dashboard_of(client_for(staff))
    assert d.district == world.other_district and d.districts == [world.other_district]
    assert counts(d.plans)["approved"] == 1


def test_superuser_picks_a_district(world, varied, client_for):
    client = client_for(world.admin)
    d, html = dashboard_of(client)
    assert d.district == world.district  # the first by name: «Заречный» before «Озёрный»
    assert 'data-testid="dashboard-district-form"' in html
    far, _html = dashboard_of(client, district=world.other_district.pk)
    assert far.district == world.other_district and counts(far.plans)["approved"] == 1
    for bad in ("abc", "999999", "", "1; DROP TABLE"):
        assert dashboard_of(client, district=bad)[0].district == world.district


def _district_of(world, schools: int):
    """`schools` more school МО in the world's district, each with a plan (approved or a draft)
    of items, an analysis, two overdue decisions, a member attested; and a held РМО meeting a
    school."""
    year, today = world.year, timezone.localdate()
    for i in range(schools):
        mo = f.school_with_mo(world.district, year=year)
        plan = f.plan_document(mo, year, items=3, status=[Status.APPROVED, Status.DRAFT][i % 2])
        f.analysis_of(mo, year, status=["draft", "submitted", "accepted"][i % 3])
        for _ in range(2):
            f.decision_of(mo, responsible=plan.items.first().responsible.first(), due_on=today - datetime.timedelta(2))
        f.AttestationFactory(person=f.PersonFactory(school=mo.school), category="szd",
                             granted_on=datetime.date(year.start_year - 4, 10, 1),
                             expires_on=datetime.date(year.start_year + 1, 9, 30))
        held(world.rmo, year, max(year.starts_on, today - datetime.timedelta(days=30 + i)), present=2, absent=1)
    AnalysisDeadline.objects.get_or_create(district=world.district, academic_year=year,
                                           defaults={"due_on": today - datetime.timedelta(1)})


#: The methodologist's home page: the session, the user; the roles (the person, the appointments);
#: the home page's own reads as before (the year; the associations, their heads; her classes, her
#: memberships; the awaiting plans; «мои поручения»; the upcoming meetings; the attestation
#: records of her own status; the acknowledgment prompt's appointments; the bank's drafts) — 15;
#: then the dashboard's seven: the districts with the deadline, the associations with their plan's
#: and analysis' status, the plan items by month, the РМО's held meetings with their attendance,
#: the overdue decisions by association, the district's people and their attestation records;
#: then the completeness card's ten (reports.checklist.selectors.district_completeness: the
#: associations, the uploaded documents, the heads, their acknowledgments, the plans, the held
#: meetings, the analyses, the monitoring, the visits, the data bank).
#: And the home page's own blocks of the РМО she heads (tests/test_home_tasks.py): its plan (2), its
#: meetings without a protocol, its draft protocols, its past meetings still planned, the awaiting
#: analyses (one each).
HOME_QUERIES = 15 + 7 + 10 + 6
#: The head's home page, which has no dashboard: as before, and the home page's blocks of the МО
#: (tests/test_home_tasks.py): the plan (2), three of meetings and protocols, the overdue decisions,
#: the awaiting analyses, next week.
HEAD_HOME_QUERIES = 20 + 8


@pytest.mark.parametrize("schools", [2, 5])
def test_the_methodologist_home_page_has_a_fixed_number_of_queries(world, client_for, schools,
                                                                     django_assert_num_queries):
    _district_of(world, schools)
    client = client_for(world.methodologist)
    client.get(HOME)  # the session's first touch
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get(HOME)
    d = response.context["dashboard"]
    assert d.associations_total == 3 + schools and d.overdue_total == 2 * schools
    assert len(d.attendance) == schools


@pytest.mark.parametrize("schools", [2, 5])
def test_other_roles_home_pages_do_not_grow(world, client_for, schools, django_assert_num_queries):
    _district_of(world, schools)
    client = client_for(world.head)
    client.get(HOME)
    with django_assert_num_queries(HEAD_HOME_QUERIES):
        client.get(HOME)


def test_the_dashboard_template_names_no_url_by_hand():
    """Every link comes from a Link of the selector (or the {% url %} tag): no hard-coded path."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[3] / "reports/templates/reports/dashboard/_dashboard.html").read_text()
    assert not re.search(r'href="/', text)
