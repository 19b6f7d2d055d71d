"""`manage.py load_demo`: a realistic district that obeys the rules and loads twice alike."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from associations import demo
from associations.access import roles_for
from associations.models import (
    AcademicYear,
    Appointment,
    Association,
    ClassAssignment,
    District,
    Membership,
    Person,
    School,
)
from associations.services import RMO_HEAD_MIN_YEARS

pytestmark = pytest.mark.django_db

MODELS = (District, School, Person, Association, Membership, ClassAssignment, Appointment, AcademicYear)
FEMALE_ONLY_ENDINGS = ("ова", "ева", "ёва", "ина", "ая")
MALE_ONLY_ENDINGS = ("ов", "ев", "ёв", "ин", "ий", "ой", "ый")


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    rows = {model.__name__: model.objects.count() for model in MODELS}
    rows["User"] = get_user_model().objects.count()
    for model in (Person, Association, Membership, ClassAssignment, Appointment):
        rows[f"{model.__name__} history"] = model.history.count()
    return rows


@pytest.fixture
def loaded():
    load("--quiet")
    return District.objects.get(slug="zarechny")


def current_class_teachers():
    year = AcademicYear.objects.current()
    return Person.objects.filter(class_assignments__academic_year=year).distinct()


def test_second_run_changes_nothing(loaded):
    first = counts()
    output = load()
    assert counts() == first  # no duplicates, and not even new history rows
    assert "уже загружены, изменений нет" in output


def test_output_lists_logins_and_url_and_quiet_prints_nothing(loaded):
    output = load()
    for username in demo.LOGINS:
        assert f"\n{username} " in output
    assert "http://127.0.0.1:8000/" in output
    assert "demo12345" in output
    assert load("--quiet") == ""


def test_district_and_schools(loaded):
    assert loaded.name == "Заречный муниципальный район"
    assert loaded.education_department.startswith("Отдел образования и молодёжной политики Администрации")
    assert loaded.methodical_office.startswith("Районный методический кабинет")
    schools = School.objects.filter(district=loaded)
    assert schools.count() >= 6
    names = " ".join(schools.values_list("short_name", flat=True))
    assert "ООШ" in names and "Лицей" in names and "Гимназия" in names
    for school in schools:
        assert school.name.startswith("Муниципальн")
        _last, initials = school.director_name.split(" ")
        assert len(initials) == 4 and initials[1] == initials[3] == "."


def test_class_teachers_are_realistic(loaded):
    teachers = current_class_teachers()
    assert 50 <= teachers.count() <= 70
    genders = Counter(teachers.values_list("gender", flat=True))
    assert genders[Person.Gender.FEMALE] > genders[Person.Gender.MALE] > 0
    for school in School.objects.filter(district=loaded):
        assert 8 <= teachers.filter(school=school).count() <= 12
    people = Person.objects.filter(district=loaded)
    for person in people:
        assert person.patronymic.endswith("вна" if person.gender == Person.Gender.FEMALE else "ич")
        endings = MALE_ONLY_ENDINGS if person.gender == Person.Gender.FEMALE else FEMALE_ONLY_ENDINGS
        assert not person.last_name.endswith(endings), person.full_name
        assert person.email.endswith(".example.org")
    assert any("ё" in p.full_name for p in people)
    assert len({p.email for p in people}) == people.count()
    education = Counter(people.values_list("education", flat=True))
    assert education.most_common(1)[0][0] == Person.Education.HIGHER_PEDAGOGICAL
    assert education[""] >= 1 and education[Person.Education.HIGHER_OTHER] >= 1
    assert education[Person.Education.VOCATIONAL_PEDAGOGICAL] >= 1
    categories = set(people.values_list("category", flat=True))
    assert set(Person.Category.values) <= categories
    for person in people:
        assert (person.category_date is None) == (person.category == Person.Category.NONE)
    today = AcademicYear.objects.current().starts_on
    years = [p.experience_years(today) for p in teachers]
    assert min(years) <= 2 and max(years) >= 30


def test_each_school_has_one_organizer_and_one_deputy(loaded):
    for school in School.objects.filter(district=loaded):
        positions = Counter(school.people.values_list("position", flat=True))
        assert positions[Person.Position.ORGANIZER] == 1
        assert positions[Person.Position.DEPUTY_DIRECTOR] == 1


def test_every_association_has_exactly_one_current_head(loaded):
    associations = Association.objects.filter(district=loaded)
    assert associations.filter(kind=Association.Kind.DISTRICT).count() == 1
    assert associations.filter(kind=Association.Kind.SCHOOL).count() == School.objects.count()
    for association in associations:
        heads = association.appointments.filter(role=Appointment.Role.HEAD)
        assert heads.filter(ends_on__isnull=True).count() == 1, association
        assert [a.is_current for a in heads].count(True) == 1
        if not association.is_district:
            assert association.name == f"МО классных руководителей {association.school.short_name}"


def test_rmo_head_satisfies_the_job_instruction(loaded):
    head = Appointment.objects.get(
        association__kind=Association.Kind.DISTRICT, role=Appointment.Role.HEAD, ends_on__isnull=True
    )
    person = head.person
    assert person.school is None and person.position == Person.Position.METHODIST
    assert person.education == Person.Education.HIGHER_PEDAGOGICAL
    assert person.experience_years(on=head.order_date) >= max(RMO_HEAD_MIN_YEARS, 20)
    assert head.order_number == "112-о"
    assert head.order_issuer == loaded.education_department
    assert head.order_date.month == 8
    assert head.order_date.year == AcademicYear.objects.current().start_year


def test_school_heads_show_the_regulation_and_a_history(loaded):
    current = Appointment.objects.filter(
        association__kind=Association.Kind.SCHOOL, role=Appointment.Role.HEAD, ends_on__isnull=True
    )
    organizers = current.filter(person__position=Person.Position.ORGANIZER)
    assert organizers.count() >= current.count() - 1 >= 5
    confirmed = current.exclude(person__position=Person.Position.ORGANIZER)
    assert [a.position_rule_confirmed for a in confirmed] == [True]
    for appointment in current:
        assert appointment.order_issuer.startswith(f"Директор {appointment.association.school.short_name}")
    ended = Appointment.objects.filter(role=Appointment.Role.HEAD, ends_on__isnull=False)
    assert ended.count() == 1
    previous = ended.get()
    successor = current.get(association=previous.association)
    assert previous.ends_on == successor.starts_on
    assert previous.order_date.year == successor.order_date.year - 1
    assert Appointment.objects.filter(role=Appointment.Role.SECRETARY, ends_on__isnull=True).count() >= 2


def test_memberships_and_classes(loaded):
    year = AcademicYear.objects.current()
    assert AcademicYear.objects.filter(start_year=year.start_year - 1).exists()
    rmo = Association.objects.get(district=loaded, kind=Association.Kind.DISTRICT)
    for teacher in current_class_teachers():
        assert Membership.objects.filter(
            person=teacher, academic_year=year, association__school=teacher.school
        ).exists()
        assert ClassAssignment.objects.filter(teacher=teacher, academic_year=year).count() == 1
    rmo_members = set(
        Membership.objects.filter(association=rmo, academic_year=year).values_list("person", flat=True)
    )
    school_heads = Appointment.objects.filter(
        association__kind=Association.Kind.SCHOOL, role=Appointment.Role.HEAD, ends_on__isnull=True
    ).values_list("person", flat=True)
    assert set(school_heads) <= rmo_members
    for assignment in ClassAssignment.objects.filter(academic_year=year):
        assert 1 <= assignment.grade <= 11 and assignment.letter in "АБВ"
        assert assignment.teacher.school_id == assignment.school_id


def test_logins_resolve_to_their_roles(loaded):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=demo.LOGINS)}
    school1 = School.objects.get(short_name="МБОУ «Заречная СОШ № 1»")
    year = AcademicYear.objects.current()

    admin = roles_for(users["admin"])
    assert admin.is_admin and admin.person is None and users["admin"].is_superuser

    metodist = roles_for(users["metodist"])
    assert metodist.is_methodologist and not metodist.is_admin
    assert metodist.methodologist_district_ids == {loaded.pk}

    zavuch = roles_for(users["zavuch1"])
    assert zavuch.is_deputy and zavuch.deputy_school_ids == {school1.pk}
    assert not (zavuch.is_head or zavuch.is_methodologist or zavuch.is_admin)

    head = roles_for(users["rukovoditel1"])
    assert head.is_head and head.school_id == school1.pk
    assert head.person.position == Person.Position.ORGANIZER
    assert not (head.is_deputy or head.is_methodologist or head.is_admin)

    teacher = roles_for(users["uchitel1"])
    assert teacher.person is not None and teacher.school_id == school1.pk
    assert not (teacher.is_head or teacher.is_deputy or teacher.is_methodologist or teacher.is_admin)
    assert teacher.label == "классный руководитель"
    assert ClassAssignment.objects.filter(teacher=teacher.person, academic_year=year).exists()


@pytest.mark.parametrize("username", demo.LOGINS)
def test_each_demo_login_opens_the_home_page(loaded, client, username):
    assert client.login(username=username, password="demo12345")
    assert client.get("/").status_code == 200


def test_a_changed_password_is_reset_on_the_next_run(loaded, client):
    user = get_user_model().objects.get(username="uchitel1")
    user.set_password("something-else")
    user.save()
    load("--quiet")
    assert client.login(username="uchitel1", password="demo12345")
