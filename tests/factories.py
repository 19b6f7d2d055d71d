"""Small factory_boy factories for the organisation. Defaults build a valid, realistic row."""

from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model

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


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass12345")


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"Заречный район {n}")
    slug = factory.Sequence(lambda n: f"district-{n}")
    education_department = factory.LazyAttribute(
        lambda o: f"Отдел образования Администрации муниципального образования «{o.name}»"
    )
    methodical_office = "Районный методический кабинет"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    short_name = factory.Sequence(lambda n: f"МБОУ «СОШ № {n + 1}»")
    name = factory.LazyAttribute(lambda o: f"Муниципальное бюджетное общеобразовательное учреждение {o.short_name}")
    director_name = "Орлов П.С."


class AcademicYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AcademicYear
        django_get_or_create = ("start_year",)

    start_year = 2025


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    last_name = factory.Sequence(lambda n: f"Иванова{n}")
    first_name = "Мария"
    patronymic = "Петровна"
    gender = Person.Gender.FEMALE
    school = factory.SubFactory(SchoolFactory)
    district = factory.LazyAttribute(lambda o: o.school.district if o.school else DistrictFactory())
    position = Person.Position.TEACHER
    education = Person.Education.HIGHER_PEDAGOGICAL
    experience_since = datetime.date(2010, 9, 1)


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    kind = Association.Kind.SCHOOL
    school = factory.SubFactory(SchoolFactory)
    district = factory.LazyAttribute(lambda o: o.school.district if o.school else DistrictFactory())
    name = factory.LazyAttribute(
        lambda o: f"МО классных руководителей {o.school.short_name}" if o.school else "РМО классных руководителей"
    )


class DistrictAssociationFactory(AssociationFactory):
    kind = Association.Kind.DISTRICT
    school = None
    district = factory.SubFactory(DistrictFactory)
    name = factory.LazyAttribute(lambda o: f"РМО классных руководителей, {o.district.name}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    association = factory.SubFactory(AssociationFactory)
    person = factory.SubFactory(PersonFactory, school=factory.SelfAttribute("..association.school"))
    academic_year = factory.SubFactory(AcademicYearFactory)


class ClassAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClassAssignment

    teacher = factory.SubFactory(PersonFactory)
    school = factory.LazyAttribute(lambda o: o.teacher.school)
    academic_year = factory.SubFactory(AcademicYearFactory)
    grade = factory.Sequence(lambda n: n % 11 + 1)
    # Sequenced letters skip «А» and «Б», which tests use by hand; unique for 1100 classes.
    letter = factory.Sequence(lambda n: "ВГДЕЖЗИКЛМ"[(n // 11) % 10] + (str(n // 110) if n >= 110 else ""))


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A row written directly, for fixtures; tests of the rules call the service instead."""

    class Meta:
        model = Appointment

    association = factory.SubFactory(AssociationFactory)
    person = factory.SubFactory(PersonFactory, school=factory.SelfAttribute("..association.school"))
    role = Appointment.Role.HEAD
    order_number = factory.Sequence(lambda n: f"{n + 10}-о")
    order_date = datetime.date(2025, 8, 25)
    order_issuer = "Директор школы"
    starts_on = factory.LazyAttribute(lambda o: o.order_date)
