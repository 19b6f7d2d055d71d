"""The test world, set up as healthchecks' hc/test.py does with alice, bob and charlie:
two districts; in the first, two schools. Each role has one user; `other_*` objects belong to
the second school or the second district and must answer 404 to the first school's people.

`world` (tests/conftest.py) builds it for one test; `build_world()` is its body, for the fixtures
that build it once for a module (tests/once.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from associations.models import AcademicYear, Association, Person
from associations.services import academic_years_create
from reports.monitoring.services import methods_seed
from tests import factories as f


@dataclass
class World:
    year: AcademicYear
    district: object
    school: object
    other_school: object
    other_district: object
    rmo: Association
    mo: Association
    other_mo: Association
    other_district_rmo: Association
    other_district_mo: Association
    admin: object
    methodologist: object
    deputy: object
    head: object
    teacher: object
    other_deputy: object
    other_district_methodologist: object
    outsider: object  # a login with no person record
    teacher_person: Person
    head_person: Person


def _login(username, **person_kwargs):
    user = f.UserFactory(username=username)
    if person_kwargs:
        f.PersonFactory(user=user, **person_kwargs)
    return user


def seed() -> None:
    """The migrations' years and monitoring methods; a transactional test's flush removes them, so
    make sure they are there."""
    academic_years_create(until=AcademicYear.start_year_for(timezone.localdate()) + 1)
    methods_seed()


def build_world() -> World:
    """The rows of the `world` fixture, and the objects to reach them."""
    seed()
    year = AcademicYear.objects.current()
    district = f.DistrictFactory(name="Заречный район", slug="zarechny")
    school = f.SchoolFactory(district=district, short_name="МБОУ «СОШ № 1»")
    other_school = f.SchoolFactory(district=district, short_name="МБОУ «СОШ № 2»")
    other_district = f.DistrictFactory(name="Озёрный район", slug="ozerny")
    far_school = f.SchoolFactory(district=other_district, short_name="МБОУ «Озёрная СОШ»")

    rmo = f.DistrictAssociationFactory(district=district, name="РМО классных руководителей Заречного района")
    mo = f.AssociationFactory(school=school, name="МО классных руководителей СОШ № 1")
    other_mo = f.AssociationFactory(school=other_school, name="МО классных руководителей СОШ № 2")
    other_district_rmo = f.DistrictAssociationFactory(district=other_district, name="РМО Озёрного района")
    other_district_mo = f.AssociationFactory(school=far_school, name="МО Озёрной СОШ")

    admin = f.UserFactory(username="admin", is_staff=True, is_superuser=True)
    methodologist = _login(
        "metodist", last_name="Кузнецова", first_name="Татьяна", patronymic="Александровна",
        school=None, district=district, position=Person.Position.METHODIST,
    )
    deputy = _login("zavuch", last_name="Петрова", first_name="Елена", school=school,
                    position=Person.Position.DEPUTY_DIRECTOR)
    head = _login("head", last_name="Волкова", first_name="Анна", school=school,
                  position=Person.Position.ORGANIZER)
    teacher = _login("teacher", last_name="Соколова", first_name="Марина", school=school)
    other_deputy = _login("zavuch2", last_name="Никитина", school=other_school,
                          position=Person.Position.DEPUTY_DIRECTOR)
    other_district_methodologist = _login(
        "metodist2", last_name="Зайцева", school=None, district=other_district,
        position=Person.Position.METHODIST,
    )
    outsider = f.UserFactory(username="outsider")

    head_person = head.person
    teacher_person = teacher.person
    f.AppointmentFactory(association=mo, person=head_person, order_date=datetime.date(2024, 8, 26))
    for person in (head_person, teacher_person):
        f.MembershipFactory(association=mo, person=person, academic_year=year)
    f.ClassAssignmentFactory(teacher=teacher_person, academic_year=year, grade=6, letter="Б")
    f.MembershipFactory(association=other_mo, academic_year=year)

    return World(
        year=year, district=district, school=school, other_school=other_school,
        other_district=other_district, rmo=rmo, mo=mo, other_mo=other_mo,
        other_district_rmo=other_district_rmo, other_district_mo=other_district_mo,
        admin=admin, methodologist=methodologist, deputy=deputy, head=head, teacher=teacher,
        other_deputy=other_deputy, other_district_methodologist=other_district_methodologist,
        outsider=outsider, teacher_person=teacher_person, head_person=head_person,
    )


