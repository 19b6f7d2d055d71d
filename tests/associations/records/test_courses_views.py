"""The pages of professional development courses: the list each role sees, the editor (create,
change with the version check, delete) with its Russian field errors, and the overview of
«курсы за последние 3 года» with the overdue; query counts flat in the rows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from associations.models import AcademicYear, Person
from associations.records.courses import services
from associations.records.models import Course
from tests import factories as f
from tests.helpers import count_queries, form_data, login, messages_of

LIST = reverse("associations:courses")
CREATE = reverse("associations:course_create")
OVERVIEW = reverse("associations:courses_overview")


def _course(person, title: str, ends_on: datetime.date | None = None, **kwargs) -> Course:
    ends_on = ends_on or timezone.localdate() - datetime.timedelta(days=30)
    return f.CourseFactory(
        person=person, title=title, ends_on=ends_on, starts_on=ends_on - datetime.timedelta(days=5),
        academic_year=AcademicYear.objects.get_or_create(start_year=AcademicYear.start_year_for(ends_on))[0],
        **kwargs,
    )


@pytest.fixture
def courses(world):
    """One course of each: the teacher, the МО head (school 1), a teacher of school 2, the
    methodologist (the methodical office), a teacher of the other district."""
    return {
        "teacher": _course(world.teacher_person, "Курсы учителя"),
        "head": _course(world.head_person, "Курсы руководителя МО"),
        "school2": _course(f.PersonFactory(school=world.other_school), "Курсы второй школы"),
        "methodologist": _course(world.methodologist.person, "Курсы методиста"),
        "far": _course(f.PersonFactory(school=f.SchoolFactory(district=world.other_district)), "Курсы другого района"),
    }


def _titles(response) -> set[str]:
    return {c.title for c in response.context["page"]}


ALL = {"teacher", "head", "school2", "methodologist", "far"}


@pytest.mark.parametrize(("user", "expected"), [
    ("teacher", {"teacher"}),
    ("head", {"teacher", "head"}),
    ("deputy", {"teacher", "head"}),
    ("other_deputy", {"school2"}),
    ("methodologist", {"teacher", "head", "school2", "methodologist"}),
    ("other_district_methodologist", {"far"}),
    ("admin", ALL),
])
def test_the_list_shows_each_role_the_courses_it_may_see(world, courses, user, expected):
    response = login(getattr(world, user)).get(LIST)
    assert response.status_code == 200
    assert _titles(response) == {courses[key].title for key in expected}
    hidden = ALL - expected
    text = response.content.decode()
    assert not any(courses[key].title in text for key in hidden)


def test_a_login_with_no_person_gets_404(world, courses):
    assert login(world.outsider).get(LIST).status_code == 404
    assert login(world.outsider).get(OVERVIEW).status_code == 404
    assert login(world.outsider).get(CREATE).status_code == 404


def test_the_deputy_reads_without_edit_links_the_head_edits(world, courses):
    edit = reverse("associations:course_edit", args=[courses["teacher"].pk])
    assert edit not in login(world.deputy).get(LIST).content.decode()
    assert edit in login(world.head).get(LIST).content.decode()
    assert reverse("associations:course_create") not in login(world.outsider).get(LIST).content.decode()


def test_the_list_filters_by_year_school_person_and_provider(world, courses):
    client = login(world.methodologist)
    last_year = AcademicYear.objects.get(start_year=world.year.start_year - 1)
    old = _course(world.teacher_person, "Прошлогодние курсы", ends_on=last_year.starts_on + datetime.timedelta(days=40),
                  provider=f.CourseProviderFactory(name="ЦНППМ"))
    assert _titles(client.get(LIST, {"year": last_year.pk})) == {old.title}
    assert _titles(client.get(LIST, {"school": world.other_school.pk})) == {courses["school2"].title}
    assert _titles(client.get(LIST, {"person": world.teacher_person.pk})) == {courses["teacher"].title, old.title}
    assert _titles(client.get(LIST, {"provider": old.provider_id})) == {old.title}


def test_the_filter_offers_only_what_the_user_sees(world, courses):
    response = login(world.teacher).get(LIST)
    form = response.context["filter"].form
    assert list(form.fields["person"].queryset) == [world.teacher_person]
    assert list(form.fields["school"].queryset) == [world.school]
    # Asking for another's records through the filter shows nothing of theirs.
    response = login(world.teacher).get(LIST, {"person": world.head_person.pk})
    assert courses["head"].title not in response.content.decode()


def _list_queries(client) -> int:
    return count_queries(client, LIST)


def test_the_list_query_count_is_flat(world):
    client = login(world.methodologist)
    _course(world.teacher_person, "Первые")
    # 1 session, 2 user, 3 person (roles), 4 appointments (roles), 5 count, 6 the page of courses
    # with person, school, provider and year, 7 «may enter any» (the «Внести курсы» button),
    # 8 years, 9 schools, 10 people, 11 providers (the filter's choices)
    assert _list_queries(client) == 11
    for i in range(6):
        school = f.SchoolFactory(district=world.district, short_name=f"МБОУ «СОШ № {10 + i}»")
        _course(f.PersonFactory(school=school), f"Курсы {i}", provider=f.CourseProviderFactory(name=f"Центр {i}"))
    assert _list_queries(client) == 11


# --- the editor ---------------------------------------------------------------------------------


def _post_values(world, **changes) -> dict:
    day = timezone.localdate() - datetime.timedelta(days=10)
    values = {
        "person": world.teacher_person.pk, "provider": f.CourseProviderFactory().pk,
        "title": "Реализация рабочей программы воспитания", "hours": "72",
        "starts_on": (day - datetime.timedelta(days=7)).isoformat(), "ends_on": day.isoformat(),
        "document_number": "772412345678",
    }
    values.update(changes)
    return values


def test_a_teacher_enters_their_own_course(world):
    response = login(world.teacher).post(CREATE, _post_values(world))
    assert response.status_code == 302
    course = Course.objects.get()
    assert (course.person, course.hours, course.entered_by) == (world.teacher_person, 72, world.teacher)
    assert course.academic_year == AcademicYear.objects.for_date(course.ends_on)


def test_the_create_page_preselects_the_user_or_the_asked_person(world):
    form = login(world.teacher).get(CREATE).context["form"]
    assert form.initial["person"] == world.teacher_person.pk
    form = login(world.head).get(CREATE, {"person": world.teacher_person.pk}).context["form"]
    assert form.initial["person"] == world.teacher_person.pk


@pytest.mark.parametrize(("user", "allowed"), [
    ("teacher", False), ("deputy", False), ("other_deputy", False), ("other_district_methodologist", False),
    ("head", True), ("methodologist", True), ("admin", True),
])
def test_who_enters_courses_of_the_teacher(world, user, allowed):
    values = _post_values(world, person=world.head_person.pk) if user == "teacher" else _post_values(world)
    response = login(getattr(world, user)).post(CREATE, values)
    if allowed:
        assert response.status_code == 302
        assert Course.objects.get().person == world.teacher_person
    else:
        assert response.status_code == 200
        assert "Выберите педагога из списка" in response.content.decode()
        assert not Course.objects.exists()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"starts_on": "2025-10-10", "ends_on": "2025-10-01"}, "ends_on",
     "Окончание курсов не может быть раньше их начала."),
    ({"hours": "0"}, "hours", "Убедитесь, что это значение больше либо равно 1."),
    ({"hours": "5000"}, "hours", "Убедитесь, что это значение меньше либо равно 2000."),
    ({"hours": "много"}, "hours", "Введите целое число."),
    ({"title": "К" * 301}, "title", "не более 300 символов"),
    ({"document_number": "7" * 61}, "document_number", "не более 60 символов"),
    ({"title": ""}, "title", "Укажите название программы."),
    ({"ends_on": "31.02.2025"}, "ends_on", "Введите правильную дату."),
    ({"ends_on": "2090-10-01", "starts_on": "2090-09-20"}, "ends_on", "2090/2091 учебный год не заведён"),
])
def test_bad_input_is_a_russian_error_next_to_its_field_and_keeps_the_input(world, changes, field, message):
    values = _post_values(world, **changes)
    response = login(world.teacher).post(CREATE, values)
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert not Course.objects.exists()
    kept = form_data(response, "course-form")
    for name in ("title", "hours", "document_number"):
        assert kept[name] == values[name]
    assert "Курсы не сохранены" in " ".join(messages_of(response))


def test_the_form_enforces_the_maximum_lengths_in_its_inputs(world):
    text = login(world.teacher).get(CREATE).content.decode()
    assert 'name="title" maxlength="300"' in text
    assert 'name="document_number" maxlength="60"' in text
    assert 'max="2000"' in text and 'min="1"' in text


def _edit_url(course) -> str:
    return reverse("associations:course_edit", args=[course.pk])


def test_an_edit_saves_and_bumps_the_version(world):
    course = _course(world.teacher_person, "Старое название")
    client = login(world.head)
    body = form_data(client.get(_edit_url(course)), "course-form")
    body["title"] = "Новое название"
    response = client.post(_edit_url(course), body)
    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.title, course.version) == ("Новое название", 2)


def test_a_version_conflict_keeps_the_input_and_shows_the_saved_record(world):
    course = _course(world.teacher_person, "Курсы", hours=36)
    head = login(world.head)
    body = form_data(head.get(_edit_url(course)), "course-form")
    # Meanwhile the teacher changes the hours.
    services.course_update(course=course, values={"hours": 48}, version=1, user=world.teacher)

    body.update(title="Курсы по воспитанию (исправлено)", hours="40")
    response = head.post(_edit_url(course), body)
    assert response.status_code == 200
    assert any("уже изменил другой пользователь" in m for m in messages_of(response))
    text = response.content.decode()
    assert 'data-testid="conflict"' in text
    assert response.context["current"].hours == 48  # the record as saved now, shown above the form
    kept = form_data(response, "course-form")
    assert (kept["title"], kept["hours"], kept["version"]) == ("Курсы по воспитанию (исправлено)", "40", "2")
    course.refresh_from_db()
    assert (course.hours, course.title, course.version) == (48, "Курсы", 2)

    # A second «Сохранить» overwrites on purpose.
    assert head.post(_edit_url(course), kept).status_code == 302
    course.refresh_from_db()
    assert (course.hours, course.title, course.version) == (40, "Курсы по воспитанию (исправлено)", 3)


def test_a_refused_edit_leaves_the_record_and_shows_the_error(world):
    course = _course(world.teacher_person, "Курсы")
    client = login(world.teacher)
    body = form_data(client.get(_edit_url(course)), "course-form")
    body.update(starts_on="2025-12-10", ends_on="2025-12-01")
    response = client.post(_edit_url(course), body)
    assert response.status_code == 200
    assert response.context["form"].errors["ends_on"] == ["Окончание курсов не может быть раньше их начала."]
    course.refresh_from_db()
    assert course.version == 1


@pytest.mark.parametrize(("user", "status"), [
    ("teacher", 200), ("head", 200), ("methodologist", 200), ("admin", 200),
    ("deputy", 403), ("other_deputy", 404), ("other_district_methodologist", 404), ("outsider", 404),
])
def test_who_opens_the_teachers_course_editor(world, user, status):
    course = _course(world.teacher_person, "Курсы")
    assert login(getattr(world, user)).get(_edit_url(course)).status_code == status


def test_delete(world):
    course = _course(world.teacher_person, "Курсы")
    url = reverse("associations:course_delete", args=[course.pk])
    assert login(world.deputy).post(url).status_code == 403
    assert login(world.teacher).get(url).status_code == 405
    assert Course.objects.filter(pk=course.pk).exists()
    response = login(world.head).post(url, {"next": OVERVIEW})
    assert response.status_code == 302 and response["Location"] == OVERVIEW
    assert not Course.objects.filter(pk=course.pk).exists()


def test_next_goes_nowhere_outside_the_site(world):
    response = login(world.teacher).post(CREATE, {**_post_values(world), "next": "https://evil.example.org/"})
    assert response["Location"] == LIST


# --- the overview of «курсы за последние 3 года» ---------------------------------------------------


def _rows(response) -> dict[str, object]:
    return {person.short_name: status for person, status, _writable in response.context["rows"]}


def test_the_overview_counts_the_last_three_years_and_marks_the_overdue(world):
    today = timezone.localdate()
    teacher, head = world.teacher_person, world.head_person
    _course(teacher, "Давние", ends_on=today - datetime.timedelta(days=5 * 365), hours=100)
    _course(teacher, "Недавние", ends_on=today - datetime.timedelta(days=400), hours=36)
    _course(teacher, "Последние", ends_on=today - datetime.timedelta(days=20), hours=72)
    _course(head, "Просроченные", ends_on=today - datetime.timedelta(days=4 * 365), hours=72)
    response = login(world.methodologist).get(OVERVIEW)
    rows = _rows(response)
    assert (rows[teacher.short_name].recent_count, rows[teacher.short_name].recent_hours) == (2, 108)
    assert rows[teacher.short_name].overdue is False
    assert rows[head.short_name].overdue is True
    text = response.content.decode()
    assert f'data-person="{head.pk}" class="table-warning" data-overdue' in text
    assert f'data-person="{teacher.pk}">' in text
    assert (today - datetime.timedelta(days=20)).strftime("%d.%m.%Y") in text  # the last one's end date
    # The methodical office has no school: not a teacher of the overview.
    assert world.methodologist.person.short_name not in rows


def test_only_the_overdue(world):
    today = timezone.localdate()
    _course(world.teacher_person, "Последние", ends_on=today - datetime.timedelta(days=20))
    response = login(world.head).get(OVERVIEW, {"overdue": "on"})
    rows = _rows(response)
    assert world.teacher_person.short_name not in rows
    assert world.head_person.short_name in rows
    assert all(status.overdue for status in rows.values())
    assert response.context["overdue_count"] == len(rows)


@pytest.mark.parametrize(("user", "expected"), [
    ("teacher", {"teacher"}),
    ("head", {"teacher", "head", "deputy"}),
    ("deputy", {"teacher", "head", "deputy"}),
    ("other_deputy", {"other_deputy"}),
    ("other_district_methodologist", set()),
])
def test_the_overview_shows_the_people_in_the_users_scope(world, user, expected):
    names = {
        "teacher": world.teacher_person, "head": world.head_person, "deputy": world.deputy.person,
        "other_deputy": world.other_deputy.person,
    }
    rows = _rows(login(getattr(world, user)).get(OVERVIEW))
    assert {key for key, person in names.items() if person.short_name in rows} == expected


def test_the_overview_filters_by_school_and_name(world):
    client = login(world.methodologist)
    rows = _rows(client.get(OVERVIEW, {"school": world.other_school.pk}))
    assert set(rows) == {p.short_name for p in Person.objects.filter(school=world.other_school)}
    assert world.other_deputy.person.short_name in rows
    rows = _rows(client.get(OVERVIEW, {"q": world.teacher_person.last_name}))
    assert set(rows) == {world.teacher_person.short_name}


def test_the_overview_offers_entering_courses_only_for_whom_the_user_writes(world):
    response = login(world.deputy).get(OVERVIEW)
    writable = {person.pk for person, _status, can in response.context["rows"] if can}
    assert writable == {world.deputy.person.pk}  # the deputy reads the school, enters their own


def test_the_overview_query_count_is_flat(world):
    client = login(world.methodologist)
    # 1 session, 2 user, 3 person (roles), 4 appointments (roles), 5 count, 6 the page of people
    # with their school, 7 their course status (course_status: one query), 8 whom the user may
    # enter courses for on the page, 9 how many are overdue, 10 schools (the filter)
    assert count_queries(client, OVERVIEW) == 10
    today = timezone.localdate()
    for i in range(6):
        person = f.PersonFactory(school=world.school)
        _course(person, f"Курсы {i}", ends_on=today - datetime.timedelta(days=100 + i))
        _course(person, f"Давние {i}", ends_on=today - datetime.timedelta(days=2000 + i))
    assert count_queries(client, OVERVIEW) == 10
