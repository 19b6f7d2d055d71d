"""The services of professional development courses: create (the signature the XLSX import
calls), a version-checked update, delete; the model's rules come back as Russian errors on their
fields."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from associations.models import AcademicYear
from associations.records.courses import services
from associations.records.models import Course
from rmo_portal.editors import VersionConflict
from tests import factories as f


def _values(world, **changes):
    day = datetime.date(world.year.start_year, 11, 20)
    values = {
        "person": world.teacher_person, "title": "Классное руководство в современной школе",
        "provider": f.CourseProviderFactory(), "hours": 72, "starts_on": day - datetime.timedelta(days=10),
        "ends_on": day, "document_number": "672400012345",
    }
    values.update(changes)
    return values


def test_create_sets_the_year_of_the_end_date_and_who_entered_it(world):
    last_year = AcademicYear.objects.get(start_year=world.year.start_year - 1)
    course = services.course_create(
        **_values(world, starts_on=datetime.date(last_year.start_year + 1, 8, 18),
                  ends_on=datetime.date(last_year.start_year + 1, 8, 29)),
        user=world.teacher,
    )
    course.refresh_from_db()
    assert course.academic_year == last_year  # 29 August: still the year that ends on 31 August
    assert course.entered_by == world.teacher
    assert course.version == 1
    assert course.document_number == "672400012345"


def test_create_without_a_document_number(world):
    values = _values(world)
    del values["document_number"]
    course = services.course_create(**values, user=world.teacher)
    assert course.document_number == ""


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"ends_on": datetime.date(2025, 10, 1), "starts_on": datetime.date(2025, 10, 2)}, "ends_on",
     "Окончание курсов не может быть раньше их начала."),
    ({"hours": 0}, "hours", "Убедитесь, что это значение больше либо равно 1."),
    ({"hours": 2001}, "hours", "Убедитесь, что это значение меньше либо равно 2000."),
    ({"title": "К" * 301}, "title", "не более 300 символов"),
    ({"document_number": "1" * 61}, "document_number", "не более 60 символов"),
    ({"title": ""}, "title", "Это поле не может быть пустым."),
])
def test_create_refuses_bad_values_by_field_in_russian(world, changes, field, message):
    with pytest.raises(ValidationError) as caught:
        services.course_create(**_values(world, **changes), user=world.teacher)
    assert field in caught.value.message_dict
    assert any(message in text for text in caught.value.message_dict[field]), caught.value.message_dict
    assert not Course.objects.exists()


def test_create_refuses_a_year_not_set_up(world):
    day = datetime.date(2090, 10, 1)
    with pytest.raises(ValidationError) as caught:
        services.course_create(**_values(world, starts_on=day, ends_on=day), user=world.teacher)
    assert "2090/2091 учебный год не заведён" in caught.value.message_dict["ends_on"][0]


def test_update_checks_the_version_and_moves_the_year_with_the_end_date(world):
    course = services.course_create(**_values(world), user=world.teacher)
    previous = AcademicYear.objects.get(start_year=world.year.start_year - 1)
    day = datetime.date(previous.start_year, 12, 1)
    services.course_update(
        course=course, values={"starts_on": day, "ends_on": day, "hours": 16}, version=1, user=world.head
    )
    course.refresh_from_db()
    assert (course.hours, course.academic_year, course.version) == (16, previous, 2)

    stale = Course.objects.get(pk=course.pk)
    stale.version = 1
    with pytest.raises(VersionConflict) as caught:
        services.course_update(course=stale, values={"hours": 99}, version=1, user=world.teacher)
    assert "уже изменил другой пользователь" in str(caught.value)
    assert caught.value.obj.version == 2
    course.refresh_from_db()
    assert course.hours == 16


def test_update_refuses_unknown_fields(world):
    course = services.course_create(**_values(world), user=world.teacher)
    with pytest.raises(ValueError):
        services.course_update(course=course, values={"version": 7}, version=1, user=world.teacher)


def test_delete_keeps_the_history(world):
    course = services.course_create(**_values(world), user=world.teacher)
    pk = course.pk
    services.course_delete(course=course, user=world.head)
    assert not Course.objects.filter(pk=pk).exists()
    last = Course.history.filter(id=pk).order_by("-history_date").first()
    assert last.history_type == "-"
    assert last.history_user == world.head
