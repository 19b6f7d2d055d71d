"""The data set of `manage.py bench`: many districts, schools and people, written with
bulk_create in one transaction (seconds, not minutes).

Each district has its РМО led by the district methodologist (who has a login), and schools
whose МО has a head by order (with a predecessor whose appointment ended), a secretary,
members for the current and the previous academic year, and class assignments for both.
Every name is made up; the slugs start with «bench-» and carry the scale and the academic
year, so a data set is built once per year and never mixed with real districts.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

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

SLUG_PREFIX = "bench-"


@dataclass(frozen=True)
class Scale:
    districts: int
    schools: int  # per district
    people: int  # per school


SCALES = {
    "small": Scale(districts=2, schools=5, people=20),
    "large": Scale(districts=5, schools=25, people=40),
}

LAST_NAMES = [
    ("Смирнов", "Смирнова"), ("Кузнецов", "Кузнецова"), ("Попов", "Попова"),
    ("Васильев", "Васильева"), ("Петров", "Петрова"), ("Соколов", "Соколова"),
    ("Михайлов", "Михайлова"), ("Новиков", "Новикова"), ("Фёдоров", "Фёдорова"),
    ("Морозов", "Морозова"), ("Волков", "Волкова"), ("Алексеев", "Алексеева"),
    ("Лебедев", "Лебедева"), ("Семёнов", "Семёнова"), ("Егоров", "Егорова"),
    ("Павлов", "Павлова"), ("Козлов", "Козлова"), ("Степанов", "Степанова"),
    ("Николаев", "Николаева"), ("Орлов", "Орлова"), ("Андреев", "Андреева"),
    ("Макаров", "Макарова"), ("Никитин", "Никитина"), ("Захаров", "Захарова"),
    ("Зайцев", "Зайцева"), ("Соловьёв", "Соловьёва"), ("Борисов", "Борисова"),
    ("Яковлев", "Яковлева"), ("Григорьев", "Григорьева"), ("Романов", "Романова"),
    ("Воробьёв", "Воробьёва"), ("Сергеев", "Сергеева"), ("Кузьмин", "Кузьмина"),
    ("Фролов", "Фролова"), ("Александров", "Александрова"), ("Дмитриев", "Дмитриева"),
    ("Королёв", "Королёва"),
]
FIRST_NAMES = {
    "f": ["Анна", "Елена", "Марина", "Ольга", "Наталья", "Ирина", "Светлана", "Татьяна", "Юлия",
          "Екатерина", "Людмила"],
    "m": ["Алексей", "Дмитрий", "Сергей", "Игорь", "Павел", "Андрей", "Михаил"],
}
PATRONYMICS = {
    "f": ["Александровна", "Викторовна", "Николаевна", "Сергеевна", "Владимировна", "Игоревна",
          "Петровна"],
    "m": ["Андреевич", "Петрович", "Иванович", "Олегович", "Юрьевич"],
}
SCHOOL_KINDS = ["СОШ", "СОШ", "СОШ", "Гимназия", "Лицей", "ООШ"]
CATEGORIES = [
    Person.Category.HIGHEST, Person.Category.FIRST, Person.Category.FIRST,
    Person.Category.SZD, Person.Category.NONE,
]
EDUCATIONS = [Person.Education.HIGHER_PEDAGOGICAL] * 4 + [Person.Education.VOCATIONAL_PEDAGOGICAL]
CLASS_LETTERS = "АБВ"


@dataclass
class BenchData:
    scale_name: str
    scale: Scale
    year: AcademicYear
    districts: list[District]
    methodologist_user: object  # the first district's methodologist, with a login
    built: bool  # False when the data set was already there

    @property
    def district(self) -> District:
        return self.districts[0]


def slug_for(scale_name: str, year: AcademicYear, number: int) -> str:
    return f"{SLUG_PREFIX}{scale_name}-{year.start_year}-{number}"


def foreign_districts_exist() -> bool:
    """True when the database holds districts that are not bench data (a real database)."""
    return District.objects.exclude(slug__startswith=SLUG_PREFIX).exists()


def bench_data(scale_name: str) -> BenchData:
    """The data set of that scale for the current academic year, built if it is not there."""
    scale = SCALES[scale_name]
    year = AcademicYear.objects.current()
    slugs = [slug_for(scale_name, year, n) for n in range(1, scale.districts + 1)]
    built = False
    complete = (
        District.objects.filter(slug__in=slugs).count() == scale.districts
        and School.objects.filter(district__slug__in=slugs).count() == scale.districts * scale.schools
        and Person.objects.filter(district__slug__in=slugs, school__isnull=False).count()
        == scale.districts * scale.schools * scale.people
    )
    if not complete:
        _build(scale_name, scale, year)
        built = True
    districts = list(District.objects.filter(slug__in=slugs).order_by("slug"))
    methodologist = Person.objects.select_related("user").get(
        district=districts[0], school=None, position=Person.Position.METHODIST
    )
    return BenchData(
        scale_name=scale_name, scale=scale, year=year, districts=districts,
        methodologist_user=methodologist.user, built=built,
    )


def _person(n: int, **fields) -> Person:
    gender = "m" if n % 6 == 5 else "f"
    last = LAST_NAMES[n % len(LAST_NAMES)][0 if gender == "m" else 1]
    category = CATEGORIES[n % len(CATEGORIES)]
    defaults = dict(
        last_name=last,
        first_name=FIRST_NAMES[gender][(n // 3) % len(FIRST_NAMES[gender])],
        patronymic=PATRONYMICS[gender][(n // 7) % len(PATRONYMICS[gender])],
        gender=gender,
        position=Person.Position.TEACHER,
        education=EDUCATIONS[n % len(EDUCATIONS)],
        experience_since=datetime.date(1990 + n % 33, 9, 1),
        category=category,
        category_date=None if category == Person.Category.NONE else datetime.date(2019 + n % 6, 12, 20),
    )
    defaults.update(fields)
    return Person(**defaults)


@transaction.atomic
def _build(scale_name: str, scale: Scale, year: AcademicYear) -> None:
    """Write the whole data set (or nothing: one transaction)."""
    User = get_user_model()
    previous_year, _created = AcademicYear.objects.get_or_create(start_year=year.start_year - 1)
    years = (previous_year, year)
    # A data set of this scale and year that does not match SCALES (it was changed) goes first.
    _delete(scale_name, year)

    districts = District.objects.bulk_create(
        District(
            name=f"Бенч-район {n} ({scale_name})",
            slug=slug_for(scale_name, year, n),
            education_department=f"Отдел образования Администрации Бенч-района {n}",
            methodical_office=f"Районный методический кабинет Бенч-района {n}",
        )
        for n in range(1, scale.districts + 1)
    )
    schools = School.objects.bulk_create(
        School(
            district=district,
            short_name=f"МБОУ «{SCHOOL_KINDS[s % len(SCHOOL_KINDS)]} № {s + 1}»",
            name=(
                "Муниципальное бюджетное общеобразовательное учреждение "
                f"«{SCHOOL_KINDS[s % len(SCHOOL_KINDS)]} № {s + 1}»"
            ),
            director_name="Орлов П.С.",
        )
        for district in districts
        for s in range(scale.schools)
    )

    users = User.objects.bulk_create(
        User(username=f"{district.slug}-metodist", password=make_password(None))  # force_login only
        for district in districts
    )
    methodologists = Person.objects.bulk_create(
        _person(
            d, last_name="Кузнецова", first_name="Татьяна", patronymic="Александровна", gender="f",
            district=district, school=None, position=Person.Position.METHODIST,
            education=Person.Education.HIGHER_PEDAGOGICAL, experience_since=datetime.date(1998, 9, 1),
            user=user,
        )
        for d, (district, user) in enumerate(zip(districts, users, strict=True))
    )

    # Per school: the first person is the педагог-организатор (the МО's head), the second the
    # deputy director, the rest class teachers.
    people = Person.objects.bulk_create(
        _person(
            s * scale.people + p,
            district=school.district,
            school=school,
            position=(
                Person.Position.ORGANIZER if p == 0
                else Person.Position.DEPUTY_DIRECTOR if p == 1
                else Person.Position.TEACHER
            ),
            education=Person.Education.HIGHER_PEDAGOGICAL if p == 0 else EDUCATIONS[(s + p) % 5],
        )
        for s, school in enumerate(schools)
        for p in range(scale.people)
    )
    staff = {school.pk: people[s * scale.people:(s + 1) * scale.people] for s, school in enumerate(schools)}

    rmos = Association.objects.bulk_create(
        Association(
            kind=Association.Kind.DISTRICT, district=district, school=None,
            name=f"РМО классных руководителей Бенч-района {n}",
        )
        for n, district in enumerate(districts, start=1)
    )
    mos = Association.objects.bulk_create(
        Association(
            kind=Association.Kind.SCHOOL, district=school.district, school=school,
            name=f"МО классных руководителей {school.short_name}",
        )
        for school in schools
    )

    appointments: list[Appointment] = []
    for rmo, district, methodologist in zip(rmos, districts, methodologists, strict=True):
        appointments.append(Appointment(
            association=rmo, person=methodologist, role=Appointment.Role.HEAD,
            order_number=f"{100 + rmo.pk % 50}-од", order_date=datetime.date(previous_year.start_year, 8, 28),
            order_issuer=district.education_department,
            starts_on=datetime.date(previous_year.start_year, 8, 28),
        ))
    for s, mo in enumerate(mos):
        school_staff = staff[mo.school_id]
        issuer = f"Директор {mo.school.short_name} Орлов П.С."
        first_order = datetime.date(previous_year.start_year, 8, 29)
        second_order = datetime.date(year.start_year, 8, 29)
        appointments += [
            # Last year's head, replaced by this year's order: the history keeps both.
            Appointment(
                association=mo, person=school_staff[2], role=Appointment.Role.HEAD,
                order_number=f"{80 + s % 40}-о", order_date=first_order, order_issuer=issuer,
                starts_on=first_order, ends_on=second_order, position_rule_confirmed=True,
            ),
            Appointment(
                association=mo, person=school_staff[0], role=Appointment.Role.HEAD,
                order_number=f"{140 + s % 40}-о", order_date=second_order, order_issuer=issuer,
                starts_on=second_order,
            ),
            Appointment(
                association=mo, person=school_staff[3], role=Appointment.Role.SECRETARY,
                order_number=f"{140 + s % 40}-о", order_date=second_order, order_issuer=issuer,
                starts_on=second_order,
            ),
        ]
    Appointment.objects.bulk_create(appointments)

    # Members: this year every pedagogue but a few (the number varies from school to school, so
    # one МО is the largest); last year a slightly different group. The РМО: the methodologist
    # and every school's head.
    memberships: list[Membership] = []
    for s, mo in enumerate(mos):
        school_staff = staff[mo.school_id]
        this_year = school_staff[: len(school_staff) - s % 5]
        last_year = school_staff[1:]
        memberships += [Membership(association=mo, person=p, academic_year=year) for p in this_year]
        memberships += [Membership(association=mo, person=p, academic_year=previous_year) for p in last_year]
    for rmo, methodologist in zip(rmos, methodologists, strict=True):
        heads = [staff[school.pk][0] for school in schools if school.district_id == rmo.district_id]
        for academic_year in years:
            memberships += [
                Membership(association=rmo, person=p, academic_year=academic_year)
                for p in (methodologist, *heads)
            ]
    Membership.objects.bulk_create(memberships, batch_size=2000)

    # Class assignments: grades 1–11, letters А, Б, В, as far as the school's teachers reach;
    # last year each teacher had the class one grade lower.
    classes: list[ClassAssignment] = []
    labels = [(grade, letter) for letter in CLASS_LETTERS for grade in range(1, 12)]
    for school in schools:
        teachers = staff[school.pk][2:]
        for teacher, (grade, letter) in zip(teachers, labels, strict=False):
            classes.append(ClassAssignment(
                school=school, academic_year=year, grade=grade, letter=letter, teacher=teacher,
            ))
            if grade > 1:
                classes.append(ClassAssignment(
                    school=school, academic_year=previous_year, grade=grade - 1, letter=letter,
                    teacher=teacher,
                ))
    ClassAssignment.objects.bulk_create(classes, batch_size=2000)


def _delete(scale_name: str, year: AcademicYear) -> None:
    """Remove a partial data set of this scale and year, children first (the FKs protect)."""
    prefix = f"{SLUG_PREFIX}{scale_name}-{year.start_year}-"
    districts = District.objects.filter(slug__startswith=prefix)
    ClassAssignment.objects.filter(school__district__in=districts).delete()
    Appointment.objects.filter(association__district__in=districts).delete()
    Membership.objects.filter(association__district__in=districts).delete()
    Association.objects.filter(district__in=districts).delete()
    user_ids = list(Person.objects.filter(district__in=districts, user__isnull=False).values_list("user", flat=True))
    Person.objects.filter(district__in=districts).delete()
    get_user_model().objects.filter(pk__in=user_ids).delete()
    School.objects.filter(district__in=districts).delete()
    districts.delete()
