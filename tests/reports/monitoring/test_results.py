"""The results of the monitoring (reports.monitoring.selectors and the pages): a class's figures
and its pupils' rows to its per-pupil readers, only the class's figures to the district level,
a class of fewer than 5 pupils only inside its school's total; the school's table by class, the
district's by school and grade band; SVG charts with their text tables; query counts that do not
grow with classes and pupils."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from associations.models import ClassAssignment
from reports.monitoring import selectors
from tests import factories as f
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def six_b(world):
    return ClassAssignment.objects.get(teacher=world.teacher_person, grade=6, letter="Б")


def _spread(n: int, q: int, rater: str) -> int:
    """Pupils 1–3 «высокий» (5), 4–6 «средний» (3 and 4 → 3,5), 7– «хороший» (4)."""
    if n <= 3:
        return 5
    if n <= 6:
        return 3 if rater == "pupil" else 4
    return 4


@pytest.fixture
def september(six_b):
    # Initials a pupil's row carries: they must never reach the district level.
    monitoring = f.class_monitoring(six_b, period="september", pupils=8, values=_spread)
    monitoring.pupils.filter(number=1).update(initials="Ю.Щ.")
    return monitoring


@pytest.fixture
def may(six_b):
    return f.class_monitoring(six_b, period="may", pupils=8, values=lambda n, q, r: 5 if n <= 6 else 4)


@pytest.fixture
def small(world):
    """A class of the school with 3 pupils: its figures reach the district only in the total."""
    teacher = f.PersonFactory(school=world.school, last_name="Малышева")
    assignment = f.ClassAssignmentFactory(teacher=teacher, academic_year=world.year, grade=7, letter="В")
    return f.class_monitoring(assignment, period="september", pupils=3, values=lambda n, q, r: 2)


def _page(client, name, pk, **query):
    response = client.get(reverse(f"reports:{name}", args=[pk]), query)
    return response, response.content.decode()


def _cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html, re.S)]


# --- a class ------------------------------------------------------------------------------------------


def test_the_class_teacher_reads_the_class_mean_level_distribution_and_every_pupil(world, september):
    response, html = _page(login(world.teacher), "monitoring_result", september.pk)
    assert response.status_code == 200
    result = response.context["result"]
    # 3 × 5,0, 3 × 3,5, 2 × 4,0: mean 33,5 / 8 = 4,1875 → «4,2», хороший
    assert result.score.mean_text == "4,2" and result.score.level == "хороший"
    assert "Средний балл класса: <strong>4,2</strong>, уровень: <strong>хороший</strong>" in html
    shares = {share.name: (share.count, share.percent) for share in result.score.distribution}
    assert shares == {"высокий": (3, 38), "хороший": (2, 25), "средний": (3, 37), "низкий": (0, 0)}
    assert 'data-testid="pupils"' in html and "Ю.Щ." in html
    assert html.count("<svg") == 1 and "Распределение учеников по уровням воспитанности" in html
    # The chart's text table: a row per level with the count and the percentage.
    table = html.split('data-testid="distribution"')[1].split("</table>")[0]
    cells = [cell.replace("&nbsp;", " ") for cell in _cells(table)]
    start = cells.index("высокий")
    assert cells[start:start + 9] == ["высокий", "3", "38 %", "хороший", "2", "25 %", "средний", "3", "37 %"]


@pytest.mark.parametrize("who", ["head", "deputy"])
def test_the_school_s_head_and_deputy_read_the_pupils_rows(world, september, who):
    response, html = _page(login(getattr(world, who)), "monitoring_result", september.pk)
    assert response.status_code == 200 and response.context["result"].pupils_view
    assert "Ю.Щ." in html


@pytest.mark.parametrize("who", ["methodologist", "admin"])
def test_the_district_level_reads_the_class_figures_and_no_pupil_row(world, september, who):
    response, html = _page(login(getattr(world, who)), "monitoring_result", september.pk)
    assert response.status_code == 200
    result = response.context["result"]
    assert not result.pupils_view and result.score.pupils == ()
    assert response.context["pupil_rows"] == []
    assert "4,2" in html and "хороший" in html
    assert 'data-testid="pupils"' not in html and "Ю.Щ." not in html
    assert reverse("reports:monitoring_edit", args=[september.pk]) not in html


def test_a_class_of_fewer_than_5_pupils_is_a_404_to_the_district_level_and_open_to_its_school(world, small):
    assert _page(login(world.methodologist), "monitoring_result", small.pk)[0].status_code == 404
    assert _page(login(world.admin), "monitoring_result", small.pk)[0].status_code == 404
    assert _page(login(world.deputy), "monitoring_result", small.pk)[0].status_code == 200


def test_the_dynamics_compare_september_with_may(world, september, may):
    response, html = _page(login(world.teacher), "monitoring_result", may.pk)
    dynamics = response.context["result"].dynamics
    # May: 6 × 5,0 and 2 × 4,0 = 38 / 8 = 4,75 → «4,8»; September 4,2 → +0,6
    assert (dynamics.september.mean_text, dynamics.may.mean_text, dynamics.change_text) == ("4,2", "4,8", "+0,6")
    assert "сентябрь 4,2 → май 4,8 (+0,6)" in html
    table = response.context["distribution_chart"].table
    assert table.periods == ("сентябрь", "май") and table.counted == (8, 8)


def test_a_class_page_counts_its_queries_whatever_its_pupils(world, six_b, django_assert_max_num_queries):
    client = login(world.teacher)
    few = f.class_monitoring(six_b, period="september", pupils=3)
    with django_assert_max_num_queries(16) as few_queries:
        client.get(reverse("reports:monitoring_result", args=[few.pk]))
    many = f.class_monitoring(six_b, period="may", pupils=30)
    with django_assert_max_num_queries(len(few_queries)):
        assert client.get(reverse("reports:monitoring_result", args=[many.pk])).status_code == 200


# --- a school -------------------------------------------------------------------------------------------


def test_the_school_table_shows_the_deputy_every_class_and_the_district_only_classes_of_5(
    world, september, may, small
):
    _response, deputy_html = _page(login(world.deputy), "monitoring_school", world.school.pk)
    assert "6 «Б»" in deputy_html and "7 «В»" in deputy_html
    response, html = _page(login(world.methodologist), "monitoring_school", world.school.pk)
    assert response.status_code == 200
    assert "6 «Б»" in html and "7 «В»" not in html
    assert "Малышева" not in html
    assert 'data-testid="hidden-note"' in html
    summary = response.context["summary"]
    (group,) = summary.groups
    assert group.label == "5–11 классы" and group.total.classes == 2 and group.total.hidden == 1
    # September's total pools 6 «Б»'s 8 pupils and 7 «В»'s 3: the total minus the 6 «Б» row shown
    # beside it would be those 3 pupils, so it is left out for the district level.
    assert group.total.dynamics.september is None and group.total.suppressed
    assert group.total.dynamics.may.counted == 8  # May: 6 «Б» alone, shown in its row anyway
    assert "Ю.Щ." not in html
    # The deputy reads the total: 39,5 / 11 = 3,59 → «3,6».
    (deputy_group,) = selectors.school_summary(world.deputy, world.school.pk).groups
    assert deputy_group.total.dynamics.september.mean_text == "3,6"


def test_a_total_is_shown_to_the_district_when_what_it_holds_beyond_the_rows_is_5_pupils(world, september, small):
    other = f.ClassAssignmentFactory(teacher=f.PersonFactory(school=world.school), academic_year=world.year,
                                     grade=8, letter="Г")
    f.class_monitoring(other, period="september", pupils=3, values=lambda n, q, r: 3)
    (group,) = selectors.school_summary(world.methodologist, world.school.pk).groups
    assert [row.class_assignment.label for row in group.rows] == ["6 «Б»"] and group.total.hidden == 2
    # 8 + 3 + 3 pupils: the 6 beyond the row are two classes, not one child.
    assert group.total.dynamics.september.counted == 14 and not group.total.suppressed


def test_a_small_period_of_a_class_shown_is_left_out_of_its_row(world, six_b, september):
    f.class_monitoring(six_b, period="may", pupils=2, values=lambda n, q, r: 1)
    response, html = _page(login(world.methodologist), "monitoring_school", world.school.pk)
    (group,) = response.context["summary"].groups
    (row,) = group.rows
    assert row.dynamics.september.counted == 8 and row.dynamics.may is None and row.may is None
    assert row.dynamics.change_text == "—" and group.total.hidden == 1
    assert group.total.dynamics.may is None  # 2 pupils: no total either
    assert "низкий" not in _cells(html.split('data-testid="school-table"')[1].split("</table>")[0])
    xlsx = login(world.methodologist).get(reverse("reports:monitoring_school_xlsx", args=[world.school.pk]))
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    six = next(r for r in rows if r[0] == "6 «Б»")
    assert six[5:8] == (None, None, None)


def test_the_district_total_does_not_give_away_a_school_left_out(world, september):
    tiny = f.ClassAssignmentFactory(teacher=f.PersonFactory(school=world.other_school), academic_year=world.year,
                                    grade=9, letter="А")
    f.class_monitoring(tiny, period="september", pupils=2, values=lambda n, q, r: 1)
    summary = selectors.district_summary(world.methodologist, world.district.pk)
    (band,) = summary.bands
    schools = {row.school: row.total.dynamics.september for row in band.rows}
    assert schools[world.school].counted == 8 and schools[world.other_school] is None
    assert band.total.dynamics.september is None and band.total.suppressed


def test_a_school_s_total_of_fewer_than_5_pupils_is_left_out_for_the_district(world, small):
    response, html = _page(login(world.methodologist), "monitoring_school", world.school.pk)
    (group,) = response.context["summary"].groups
    assert group.rows == () and group.total.dynamics.september is None and group.total.suppressed
    assert "2,0" not in html


def test_the_school_table_of_another_school_is_a_404(world, september):
    assert _page(login(world.other_deputy), "monitoring_school", world.school.pk)[0].status_code == 404
    assert _page(login(world.other_district_methodologist), "monitoring_school", world.school.pk)[0].status_code == 404
    assert _page(login(world.teacher), "monitoring_school", world.school.pk)[0].status_code == 404


def test_the_school_table_counts_its_queries_whatever_its_classes(world, django_assert_max_num_queries):
    client = login(world.deputy)

    def add_classes(count, start):
        for index in range(count):
            assignment = f.ClassAssignmentFactory(
                teacher=f.PersonFactory(school=world.school), academic_year=world.year,
                grade=2 + (start + index) % 9, letter=chr(ord("А") + start + index),
            )
            f.class_monitoring(assignment, period="september", pupils=6)
            f.class_monitoring(assignment, period="may", pupils=6)

    add_classes(2, 0)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("reports:monitoring_school", args=[world.school.pk]))
    add_classes(8, 2)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("reports:monitoring_school", args=[world.school.pk]))
    assert sum(len(group.rows) for group in response.context["summary"].groups) == 10


# --- a district --------------------------------------------------------------------------------------------


def test_the_district_table_is_by_school_and_grade_band_with_no_class_row(world, september, may, small):
    other = f.ClassAssignmentFactory(teacher=f.PersonFactory(school=world.other_school), academic_year=world.year,
                                     grade=3, letter="А")
    f.class_monitoring(other, period="september", pupils=10, values=lambda n, q, r: 5)
    response, html = _page(login(world.methodologist), "monitoring_district", world.district.pk)
    assert response.status_code == 200
    summary = response.context["summary"]
    assert [band.label for band in summary.bands] == ["1–4 классы", "5–11 классы"]
    younger, older = summary.bands
    assert [row.school for row in younger.rows] == [world.other_school]
    assert younger.total.dynamics.september.mean_text == "5,0"
    (row,) = older.rows
    assert row.school == world.school and row.total.classes == 2
    assert row.total.dynamics.september.mean_text == "3,6"  # the small class inside its school's total
    assert "6 «Б»" not in html and "7 «В»" not in html and "Ю.Щ." not in html
    assert html.count("<svg") == 4


def test_the_district_table_is_the_district_level_s_alone(world, september):
    for who in ("deputy", "head", "teacher", "other_district_methodologist"):
        assert _page(login(getattr(world, who)), "monitoring_district", world.district.pk)[0].status_code == 404


def test_the_district_table_counts_its_queries_whatever_its_schools(world, django_assert_max_num_queries):
    client = login(world.methodologist)

    def add_schools(count):
        for _index in range(count):
            school = f.SchoolFactory(district=world.district)
            for grade in (3, 8):
                assignment = f.ClassAssignmentFactory(teacher=f.PersonFactory(school=school),
                                                      academic_year=world.year, grade=grade, letter="А")
                f.class_monitoring(assignment, period="september", pupils=6)

    add_schools(1)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("reports:monitoring_district", args=[world.district.pk]))
    add_schools(5)
    with django_assert_max_num_queries(len(few)):
        response = client.get(reverse("reports:monitoring_district", args=[world.district.pk]))
    assert sum(len(band.rows) for band in response.context["summary"].bands) == 12


# --- the home page -------------------------------------------------------------------------------------------


def test_the_home_page_offers_each_role_its_classes_and_tables(world, september, small):
    client = login(world.teacher)
    html = client.get(reverse("reports:monitoring")).content.decode()
    assert "6 «Б»" in html and "7 «В»" not in html
    assert reverse("reports:monitoring_start", args=[september.class_assignment_id]) in html
    assert reverse("reports:monitoring_school", args=[world.school.pk]) not in html
    deputy = login(world.deputy).get(reverse("reports:monitoring")).content.decode()
    assert "7 «В»" in deputy and reverse("reports:monitoring_school", args=[world.school.pk]) in deputy
    assert reverse("reports:monitoring_start", args=[september.class_assignment_id]) not in deputy
    methodologist = login(world.methodologist).get(reverse("reports:monitoring")).content.decode()
    assert reverse("reports:monitoring_district", args=[world.district.pk]) in methodologist
    assert "6 «Б»" not in methodologist
    assert 'data-testid="nav-monitoring"' in methodologist


def test_the_home_page_is_a_404_to_whoever_reaches_no_monitoring(world):
    assert login(world.outsider).get(reverse("reports:monitoring")).status_code == 404


def test_selectors_pool_the_same_pupils_as_the_pages(world, september, small):
    summary = selectors.school_summary(world.deputy, world.school.pk)
    assert summary.pupils_view and summary.hidden == 0
    assert [row.class_assignment.label for row in summary.groups[0].rows] == ["6 «Б»", "7 «В»"]


def test_the_district_s_sums_in_the_database_give_the_figures_of_the_pupils_rows(world, six_b):
    """`selectors.aggregate_scores` (the district's table: the means summed by the database) and
    `selectors.scores` (every grade read) agree: the counted pupils, the entered, the mean at a
    band's bound (4,45 → «4,5», высокий), a quality graded by one rater, a pupil left uncounted."""
    from reports.monitoring.models import Grade, MonitoredPupil

    def values(n, q, rater):
        if n == 1:  # 4,45: nine qualities at 4,5 (5 and 4) and one at 4,0
            return 4 if (rater == "teacher" or q == 9) else 5
        return (n + q) % 5 + 1

    monitoring = f.class_monitoring(six_b, period="may", pupils=7, values=values)
    # Pupil 2: a quality graded by the teacher alone; pupil 3: a quality with no grade (not counted).
    qualities = list(monitoring.method.qualities.all())
    Grade.objects.filter(pupil__monitoring=monitoring, pupil__number=2, quality=qualities[0], rater="pupil").delete()
    Grade.objects.filter(pupil__monitoring=monitoring, pupil__number=3, quality=qualities[1]).delete()
    MonitoredPupil.objects.create(monitoring=monitoring, number=8)  # on the list, no grade at all
    full = selectors.scores([monitoring])[monitoring.pk]
    summed = selectors.aggregate_scores([monitoring])[monitoring.pk]
    assert str(full.pupils[0].mean) == "4.5" and full.pupils[0].level == "высокий"
    assert (summed.counted, summed.entered) == (full.counted, full.entered) == (6, 8)
    assert summed.raw_means == full.raw_means
    assert (summed.mean, summed.level, summed.distribution) == (full.mean, full.level, full.distribution)


@pytest.mark.parametrize("asked", ["abc", "2031", "99999999999999999999"])
def test_a_year_the_portal_has_not_shows_the_current_one_and_says_so(world, september, asked):
    response, html = _page(login(world.deputy), "monitoring_school", world.school.pk, year=asked)
    assert response.status_code == 200 and response.context["summary"].year == world.year
    assert f"Учебного года «{asked[:20]}» в портале нет: показан текущий." in html
