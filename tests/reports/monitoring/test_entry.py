"""The class teacher's entry (reports.monitoring.views): the start of a period and the grid,
saved in one POST, its conflict, its errors next to their rows, its query counts and who may
enter."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from associations.models import ClassAssignment
from reports.monitoring import services
from reports.monitoring.models import ClassMonitoring, Grade, MonitoredPupil
from reports.monitoring.scoring import method_data
from tests import factories as f
from tests.helpers import form_data, login, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def six_b(world):
    return ClassAssignment.objects.get(teacher=world.teacher_person, grade=6, letter="Б")


@pytest.fixture
def may(world, six_b):
    return services.monitoring_start(user=world.teacher, class_assignment=six_b, period="may")


def _edit(monitoring) -> str:
    return reverse("reports:monitoring_edit", args=[monitoring.pk])


def _value(n: int, q: int, rater: str) -> int:
    """Pupil n's grade of the q-th quality (0-based) by `rater`: a spread over the scale."""
    return 5 - (n + q + (rater == "pupil")) % 3


def _grid_body(monitoring, pupils: int, *, value=_value, version=None, rows=None, initials=None) -> dict:
    data = method_data(monitoring.method)
    body = {"version": str(monitoring.version if version is None else version), "rows": str(rows or max(pupils, 25))}
    for index in range(pupils):
        n = index + 1
        body[f"r{index}-n"] = str(n)
        body[f"r{index}-i"] = (initials or {}).get(n, "")
        for q, quality in enumerate(data.qualities):
            for rater in data.raters:
                body[f"r{index}-q{quality.id}-{rater}"] = str(value(n, q, rater))
    return body


# --- start ------------------------------------------------------------------------------------------


def test_the_class_teacher_starts_may_and_lands_on_the_grid(world, six_b):
    client = login(world.teacher)
    url = reverse("reports:monitoring_start", args=[six_b.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Фамилии и имена детей не вносятся" in page.content.decode()
    response = client.post(url, {"period": "may", "period_name": ""})
    monitoring = ClassMonitoring.objects.get(class_assignment=six_b, period="may")
    assert response.status_code == 302 and response["Location"] == _edit(monitoring)
    assert monitoring.method.grade_from == 5


def test_a_period_started_twice_is_refused_next_to_the_field(world, six_b, may):
    client = login(world.head)
    response = client.post(reverse("reports:monitoring_start", args=[six_b.pk]), {"period": "may"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "period": ["Мониторинг класса за этот срок уже начат: откройте его в списке."]
    }
    assert ClassMonitoring.objects.filter(class_assignment=six_b).count() == 1
    assert "уже начат" in response.content.decode()


def test_a_named_period_needs_its_name_and_keeps_what_was_typed(world, six_b):
    client = login(world.teacher)
    url = reverse("reports:monitoring_start", args=[six_b.pk])
    response = client.post(url, {"period": "named", "period_name": "   "})
    assert response.status_code == 200
    assert "period_name" in response.context["form"].errors
    long_name = "д" * 61
    response = client.post(url, {"period": "named", "period_name": long_name})
    assert "period_name" in response.context["form"].errors
    assert long_name in response.content.decode()
    assert not ClassMonitoring.objects.exists()
    client.post(url, {"period": "named", "period_name": "декабрь (промежуточный)"})
    assert ClassMonitoring.objects.get().period_label == "декабрь (промежуточный)"


# --- the grid --------------------------------------------------------------------------------------


def test_a_fresh_grid_has_25_numbered_rows_and_the_method_columns(world, may):
    response = login(world.teacher).get(_edit(may))
    assert response.status_code == 200
    grid = response.context["grid"]
    assert grid.row_count == 25 and [row.number for row in grid.rows[:3]] == ["1", "2", "3"]
    assert len(grid.columns) == 10 * 2
    html = response.content.decode()
    first = grid.columns[0]
    cell = f'name="r0-q{first.quality.id}-{first.rater}"'
    assert cell in html
    assert 'inputmode="numeric" maxlength="1" pattern="[54321]" autocomplete="off"' in html
    assert f'title="{first.quality.name}"' in html  # the full name of the quality in the header
    assert "js/monitoring-grid.js" in html


def test_a_24_pupil_may_grid_is_saved_in_one_post_and_read_back(world, may):
    client = login(world.teacher)
    body = _grid_body(may, 24, initials={1: "А.П.", 2: "б. в."})
    response = client.post(_edit(may), body)
    assert response.status_code == 302 and response["Location"] == _edit(may)
    pupils = list(MonitoredPupil.objects.filter(monitoring=may).order_by("number"))
    assert [p.number for p in pupils] == list(range(1, 25))
    assert (pupils[0].initials, pupils[1].initials, pupils[2].initials) == ("А.П.", "Б.В.", "")
    data = method_data(may.method)
    grades = {(g.pupil.number, g.quality_id, g.rater): g.value
              for g in Grade.objects.filter(pupil__monitoring=may).select_related("pupil")}
    assert len(grades) == 24 * 20
    assert all(grades[(n, quality.id, rater)] == _value(n, q, rater)
               for n in range(1, 25) for q, quality in enumerate(data.qualities) for rater in data.raters)
    may.refresh_from_db()
    assert may.version == 2 and may.updated_by == world.teacher

    page = client.get(_edit(may))
    assert "Таблица сохранена: учеников — 24, учтено — 24." in messages_of(page)
    score = page.context["score"]
    assert (score.entered, score.counted) == (24, 24)
    # The class mean is scoring's: each pupil's quality grade is the mean of two raters' grades.
    assert score.mean == Decimal("4.0") and score.level == "хороший"
    html = page.content.decode()
    assert "Средний балл класса: <strong>4,0</strong>, уровень: <strong>хороший</strong>" in html
    rows = page.context["grid"].rows
    assert rows[0].mean_text and rows[0].level
    assert rows[24].number == "25" and rows[24].mean_text == ""  # a blank row after the pupils


def test_blank_rows_are_skipped_and_a_row_without_number_is_refused(world, may):
    client = login(world.teacher)
    body = _grid_body(may, 3)
    body["r1-n"] = ""  # grades but no number
    body["r5-n"] = "6"  # a blank row with the page's number only: skipped
    response = client.post(_edit(may), body)
    assert response.status_code == 200
    rows = response.context["grid"].rows
    assert rows[1].errors == ["Укажите № ученика по списку класса: без номера строку не сохранить."]
    assert rows[0].errors == [] and rows[5].errors == []
    assert not MonitoredPupil.objects.filter(monitoring=may).exists()
    body["r1-n"] = "2"
    assert client.post(_edit(may), body).status_code == 302
    assert MonitoredPupil.objects.filter(monitoring=may).count() == 3


def test_bad_values_are_named_next_to_their_rows_and_kept(world, may):
    client = login(world.teacher)
    body = _grid_body(may, 5)
    data = method_data(may.method)
    first, second = data.qualities[0].id, data.qualities[1].id
    body[f"r0-q{first}-teacher"] = "7"
    body[f"r1-q{second}-pupil"] = "ы"
    body["r2-i"] = "Иванов Петя"
    body["r3-n"] = "1"  # the number of row 1 again
    response = client.post(_edit(may), body)
    assert response.status_code == 200
    assert not MonitoredPupil.objects.filter(monitoring=may).exists()
    assert "Таблица не сохранена: исправьте строки, отмеченные красным." in messages_of(response)[0]
    rows = response.context["grid"].rows
    assert rows[0].errors == ["Оценки — только баллы шкалы методики: 5, 4, 3, 2, 1 (не 7).",
                              "№ 1 уже есть в другой строке: у каждого ученика свой номер."]
    assert rows[1].errors == ["Оценки — только цифры баллов шкалы (5, 4, 3, 2, 1), а не «ы»."]
    assert rows[2].errors == [
        "Только инициалы, например «А.П.»: полное имя ребёнка — его персональные данные, оно сюда не вносится."
    ]
    assert rows[2].initials_invalid and rows[3].number_invalid and rows[4].errors == []
    html = response.content.decode()
    # What was typed is on the page again, the bad cells marked.
    assert f'name="r0-q{first}-teacher" value="7"' in html
    assert f'name="r1-q{second}-pupil" value="ы"' in html
    assert 'name="r2-i" value="Иванов Петя"' in html
    assert html.count('data-testid="row-errors"') == 4
    assert 'id="r1-errors"' in html and 'aria-describedby="r1-errors"' in html


def test_a_conflict_keeps_the_typed_grid_and_a_second_save_overwrites(world, may):
    teacher, head = login(world.teacher), login(world.head)
    opened = may.version
    assert head.post(_edit(may), _grid_body(may, 10, value=lambda n, q, r: 2)).status_code == 302
    mine = _grid_body(may, 24, version=opened)
    response = teacher.post(_edit(may), mine)
    assert response.status_code == 200
    assert response.context["conflict"] is not None
    html = response.content.decode()
    assert "Таблицу уже сохранил другой пользователь (" in html
    assert 'data-testid="conflict"' in html
    assert MonitoredPupil.objects.filter(monitoring=may).count() == 10  # the head's grid stays
    grid = response.context["grid"]
    assert grid.row_count == 25 and grid.rows[23].number == "24"  # the teacher's rows, as typed
    assert f'name="version" value="{opened + 1}"' in html
    again = teacher.post(_edit(may), {**mine, "version": str(response.context["version"])})
    assert again.status_code == 302
    assert MonitoredPupil.objects.filter(monitoring=may).count() == 24


def test_the_grid_adds_no_more_than_40_rows(world, may):
    body = _grid_body(may, 40, rows=99)
    body["r40-n"] = "41"  # a row the page never had: ignored
    assert login(world.teacher).post(_edit(may), body).status_code == 302
    assert MonitoredPupil.objects.filter(monitoring=may).count() == 40
    page = login(world.teacher).get(_edit(may))
    assert page.context["grid"].row_count == 40


def test_the_page_posts_back_what_it_shows(world, may):
    """The rendered form's names are the ones the view reads: the page as a browser without
    JavaScript would post it, two rows typed."""
    client = login(world.teacher)
    body = form_data(client.get(_edit(may)), "monitoring-grid-form")
    data = method_data(may.method)
    for q, quality in enumerate(data.qualities):
        for rater in data.raters:
            body[f"r0-q{quality.id}-{rater}"] = "5"
            body[f"r1-q{quality.id}-{rater}"] = "" if (q, rater) == (0, "pupil") else "3"  # one rater is enough
    body["r1-i"] = "Е."
    assert client.post(_edit(may), body).status_code == 302
    page = client.get(_edit(may))
    rows = page.context["grid"].rows
    assert [(row.number, row.initials, row.mean_text, row.level) for row in rows[:2]] == [
        ("1", "", "5,0", "высокий"), ("2", "Е.", "3,0", "средний"),
    ]
    score = page.context["score"]
    assert (score.entered, score.counted, score.mean_text) == (2, 2, "4,0")


def test_blank_rows_are_numbered_on_then_the_gaps(world, six_b):
    monitoring = f.class_monitoring(six_b, period="may", pupils=0)
    body = _grid_body(monitoring, 6)
    for index, number in enumerate([1, 2, 3, 38, 39, 40]):
        body[f"r{index}-n"] = str(number)
    assert login(world.teacher).post(_edit(monitoring), body).status_code == 302
    rows = login(world.teacher).get(_edit(monitoring)).context["grid"].rows
    assert len(rows) == 25
    assert [row.number for row in rows[3:8]] == ["38", "39", "40", "4", "5"]


def test_the_settings_take_a_grid_of_40_pupils_by_three_raters():
    from django.conf import settings

    from reports.monitoring.models import MAX_PUPILS, MAX_QUALITIES

    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS >= MAX_PUPILS * (MAX_QUALITIES * 3 + 2) + 3


# --- query counts ----------------------------------------------------------------------------------

GET_QUERIES = 11
POST_QUERIES = 23


@pytest.mark.parametrize("pupils", [5, 25])
def test_the_grid_page_queries_do_not_grow_with_pupils(world, six_b, pupils, django_assert_num_queries):
    monitoring = f.class_monitoring(six_b, period="may", pupils=pupils)
    client = login(world.teacher)
    # session, user; the user's person and appointments (the roles); the monitoring with its
    # class, school, teacher and method; the method's qualities, raters, scale and bands; the
    # pupils; their grades; the rest of the page (messages, navigation).
    with django_assert_num_queries(GET_QUERIES):
        response = client.get(_edit(monitoring))
    assert response.status_code == 200 and response.context["score"].entered == pupils


@pytest.mark.parametrize("pupils", [5, 12, 25])
def test_the_grid_save_queries_do_not_grow_with_pupils(world, six_b, pupils, django_assert_num_queries):
    from django.db import connection

    monitoring = f.class_monitoring(six_b, period="may", pupils=3)
    client = login(world.teacher)
    body = _grid_body(monitoring, pupils)
    # 25 pupils' 500 grades: on SQLite (999 variables a statement) Django inserts them in batches
    # of 249 rows, two INSERTs more than 5 pupils' 100; on PostgreSQL one INSERT for any class.
    extra = 2 if connection.vendor == "sqlite" and pupils * 20 > 249 else 0
    # session, user; person, appointments (the roles); the monitoring with its class and method,
    # the method's qualities, raters, scale, bands; grid_save: the method again with its four
    # parts; a savepoint; the monitoring locked; the old pupils read, their grades and them
    # deleted; the pupils inserted, their grades inserted; the version saved; the release.
    with django_assert_num_queries(POST_QUERIES + extra):
        assert client.post(_edit(monitoring), body).status_code == 302
    assert MonitoredPupil.objects.filter(monitoring=monitoring).count() == pupils


# --- who -----------------------------------------------------------------------------------------------


@pytest.fixture
def secretary(world):
    """A class teacher of the school, of another class."""
    user = f.UserFactory(username="secretary")
    person = f.PersonFactory(user=user, school=world.school)
    f.ClassAssignmentFactory(teacher=person, academic_year=world.year, grade=2, letter="А")
    return user


@pytest.mark.parametrize("who, status", [
    ("teacher", 200), ("head", 200), ("deputy", 403), ("secretary", 404), ("methodologist", 404),
    ("other_deputy", 404), ("admin", 404),
])
def test_who_enters(world, six_b, may, secretary, who, status):
    user = secretary if who == "secretary" else getattr(world, who)
    client = login(user)
    assert client.get(_edit(may)).status_code == status
    assert client.get(reverse("reports:monitoring_start", args=[six_b.pk])).status_code == status
    response = client.post(_edit(may), _grid_body(may, 3))
    assert response.status_code == (302 if status == 200 else status)
    if status != 200:
        assert not MonitoredPupil.objects.filter(monitoring=may).exists()


def test_anonymous_goes_to_the_login_page(client, may):
    response = client.get(_edit(may))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
