"""The demo district behind `manage.py load_demo`: data and builder.

One district, «Заречный муниципальный район», with its РМО, six schools with their МО, about
sixty class teachers, appointments by order, the head of the education department (who approves
the РМО's plan: its head, the methodologist, never does), nine demo logins and annual plans in every state
of their workflow (`rmo_portal.demo.plans`). Its meetings, protocols and decisions are added
by `rmo_portal.demo.meetings`; `rmo_portal.demo.load_demo` composes the parts. The builder is idempotent:
every row is found by its natural key and only written when it is missing or differs, and an
appointment or a plan that already exists is skipped, so a second run changes nothing but the
demo passwords (reset to `DEMO_PASSWORD` on every run).

Dates are relative to the current academic year (`AcademicYear.objects.current()`): orders are
dated late August of the year's start, pedagogical experience is counted back from it. The demo
stays true whenever it is loaded: the РМО head has 20+ years, categories are in the past.
Appointments go through `services.appointment_create`, so the demo obeys the same rules as
the admin. A person's category is the directory's until the demo's records of attestation
(`rmo_portal.demo.records`) are written; from then on the records are its source (the
attestation services keep it in step), and a later run leaves it alone.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models

from associations import services
from associations.access import roles_for
from associations.models import (
    AcademicYear,
    Appointment,
    Association,
    Attestation,
    ClassAssignment,
    District,
    DistrictOfficial,
    Membership,
    Person,
    School,
)
from rmo_portal.demo import plans as demo_plans

DEMO_PASSWORD = "demo12345"  # noqa: S105 — a published demo password, reset on every run

M = TypeVar("M", bound=models.Model)

HP = Person.Education.HIGHER_PEDAGOGICAL
HO = Person.Education.HIGHER_OTHER
VP = Person.Education.VOCATIONAL_PEDAGOGICAL
NO_DATA = ""

NONE = Person.Category.NONE
SZD = Person.Category.SZD
FIRST = Person.Category.FIRST
HIGHEST = Person.Category.HIGHEST
MENTOR = Person.Category.MENTOR
METHODIST = Person.Category.METHODIST

TEACHER = Person.Position.TEACHER
ORGANIZER = Person.Position.ORGANIZER
DEPUTY = Person.Position.DEPUTY_DIRECTOR


# --- the data ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSpec:
    name: str  # «Фамилия Имя Отчество»
    years: int  # full years of pedagogical experience at the start of the current academic year
    education: str
    category: str = NONE
    category_age: int = 0  # years since the category was granted (≥ 1 when there is one)
    klass: str = ""  # the class this person leads this year: «6Б»
    position: str = TEACHER
    login: str = ""

    @property
    def parts(self) -> tuple[str, str, str]:
        last, first, patronymic = self.name.split(" ")
        return last, first, patronymic

    @property
    def gender(self) -> str:
        # Ивановна, Ильинична — female; Иванович, Ильич — male.
        return Person.Gender.FEMALE if self.parts[2].endswith("на") else Person.Gender.MALE


@dataclass(frozen=True)
class Order:
    number: str
    day: int  # of August
    years_back: int = 0  # 0: this academic year's August, 1: the year before


@dataclass(frozen=True)
class SchoolSpec:
    short_name: str
    name: str
    director_name: str
    mail: str  # e-mail subdomain
    people: tuple[PersonSpec, ...]
    head: str  # the current head of the school МО, by full name
    head_order: Order
    confirm_head: bool = False  # the head is not a педагог-организатор (Положение, п. 5.1)
    previous_head: str = ""
    previous_head_order: Order | None = None
    previous_confirm: bool = False
    secretary: str = ""

    @property
    def association_name(self) -> str:
        return f"МО классных руководителей {self.short_name}"


DISTRICT_SLUG = "zarechny"
DISTRICT_NAME = "Заречный муниципальный район"
EDUCATION_DEPARTMENT = (
    "Отдел образования и молодёжной политики Администрации муниципального образования "
    "«Заречный район»"
)
METHODICAL_OFFICE = (
    "Районный методический кабинет Отдела образования и молодёжной политики Администрации "
    "муниципального образования «Заречный район»"
)
RMO_NAME = "РМО классных руководителей Заречного муниципального района"
RMO_HEAD_ORDER = Order("112-о", 28)
RMO_SECRETARY = ("МБОУ «Лицей № 3»", "Мельникова Инна Сергеевна")

METHODOLOGIST = PersonSpec(
    "Кузнецова Татьяна Александровна", 27, HP, HIGHEST, 2, position=Person.Position.METHODIST,
    login="metodist",
)
METHODOLOGIST_MAIL = "rmk"

# The head of the education department: a DistrictOfficial, who approves (or returns) the
# РМО's plan that the methodologist, its head, writes and submits.
EDUCATION_HEAD = PersonSpec(
    "Соболева Ирина Викторовна", 30, HP, HIGHEST, 6, position=Person.Position.OTHER, login="nachalnik",
)
EDUCATION_HEAD_MAIL = "otdel"
EDUCATION_HEAD_SINCE = Order("", 1, years_back=3)  # in office since 1 September, three years ago

P = PersonSpec

SCHOOLS: tuple[SchoolSpec, ...] = (
    SchoolSpec(
        short_name="МБОУ «Заречная СОШ № 1»",
        name="Муниципальное бюджетное общеобразовательное учреждение "
        "«Заречная средняя общеобразовательная школа № 1»",
        director_name="Громов А.В.",
        mail="sosh1",
        people=(
            P("Павлова Светлана Игоревна", 22, HP, HIGHEST, 2, position=DEPUTY, login="zavuch1"),
            P("Волкова Анна Сергеевна", 9, HP, FIRST, 3, position=ORGANIZER, login="rukovoditel1"),
            P("Морозова Ольга Николаевна", 31, HP, MENTOR, 1, "1А"),
            P("Смирнова Юлия Дмитриевна", 2, HP, NONE, 0, "2А"),
            P("Егорова Наталья Владимировна", 18, VP, FIRST, 3, "3А"),
            P("Тарасова Людмила Петровна", 27, HP, HIGHEST, 4, "4А"),
            P("Фёдоров Алексей Михайлович", 11, HP, FIRST, 2, "5А"),
            P("Орлова Екатерина Павловна", 7, HP, SZD, 2, "6А"),
            P("Соколова Марина Андреевна", 14, HP, FIRST, 2, "6Б", login="uchitel1"),
            P("Киселёва Валентина Ивановна", 35, HP, HIGHEST, 3, "7А"),
            P("Захаров Дмитрий Олегович", 4, HO, SZD, 1, "8А"),
            P("Новикова Татьяна Сергеевна", 16, HP, HIGHEST, 2, "9А"),
            P("Белякова Алёна Викторовна", 9, HP, FIRST, 1, "10А", login="sekretar1"),
        ),
        head="Волкова Анна Сергеевна",
        head_order=Order("214-од", 29),
        secretary="Белякова Алёна Викторовна",
    ),
    SchoolSpec(
        short_name="МБОУ «СОШ № 2 им. А.С. Пушкина»",
        name="Муниципальное бюджетное общеобразовательное учреждение "
        "«Средняя общеобразовательная школа № 2 имени А.С. Пушкина»",
        director_name="Белова Н.Г.",
        mail="sosh2",
        people=(
            P("Григорьева Ирина Александровна", 19, HP, HIGHEST, 2, position=DEPUTY, login="zavuch2"),
            P("Кравченко Дарья Романовна", 6, HP, FIRST, 1, position=ORGANIZER, login="rukovoditel2"),
            P("Алексеева Галина Фёдоровна", 33, HP, HIGHEST, 4, "1А"),
            P("Полякова Вера Николаевна", 21, VP, FIRST, 3, "1Б"),
            P("Макарова Елена Юрьевна", 12, HP, FIRST, 2, "2А"),
            P("Шевченко Оксана Викторовна", 8, HP, SZD, 3, "3А"),
            P("Андреева Кристина Олеговна", 1, HP, NONE, 0, "4А"),
            P("Романов Сергей Викторович", 15, HP, HIGHEST, 1, "5А"),
            P("Васильева Надежда Геннадьевна", 25, HP, METHODIST, 1, "6А"),
            P("Зайцева Анастасия Игоревна", 3, HP, SZD, 1, "7А"),
            P("Лебедев Игорь Анатольевич", 20, HO, FIRST, 4, "8А"),
            P("Медведева Ольга Сергеевна", 10, HP, FIRST, 2, "9А"),
            P("Никитина Людмила Ивановна", 29, HP, HIGHEST, 3, "10А"),
        ),
        head="Кравченко Дарья Романовна",
        head_order=Order("87/1-о", 27),
        secretary="Шевченко Оксана Викторовна",
    ),
    SchoolSpec(
        short_name="МБОУ «Лицей № 3»",
        name="Муниципальное бюджетное общеобразовательное учреждение «Лицей № 3»",
        director_name="Ковалёв С.Н.",
        mail="licey3",
        people=(
            P("Соловьёва Маргарита Викторовна", 23, HP, HIGHEST, 1, position=DEPUTY),
            P("Исаева Виктория Андреевна", 5, HP, SZD, 2, position=ORGANIZER),
            P("Комарова Жанна Владимировна", 26, HP, HIGHEST, 2, "1А"),
            P("Гусева Ольга Павловна", 13, HP, FIRST, 3, "2Б"),
            P("Титова Ксения Алексеевна", 2, HP, NONE, 0, "3А"),
            P("Борисов Андрей Николаевич", 17, HP, HIGHEST, 3, "5Б"),
            P("Мельникова Инна Сергеевна", 11, HP, FIRST, 1, "6А"),
            P("Щербакова Алла Михайловна", 30, HP, MENTOR, 1, "7В"),
            P("Голубева Дарья Евгеньевна", 6, HP, SZD, 2, "8Б"),
            P("Виноградова Полина Артёмовна", 4, HO, SZD, 1, "9А"),
            P("Кудрявцев Михаил Юрьевич", 9, HP, FIRST, 2, "10А"),
            P("Беляева Татьяна Викторовна", 19, HP, HIGHEST, 4, "11А"),
        ),
        head="Исаева Виктория Андреевна",
        head_order=Order("156-о", 30),
    ),
    SchoolSpec(
        short_name="МАОУ «Гимназия № 4»",
        name="Муниципальное автономное общеобразовательное учреждение «Гимназия № 4»",
        director_name="Яковлева О.Ю.",
        mail="gimn4",
        people=(
            P("Сергеева Наталья Михайловна", 20, HP, HIGHEST, 3, position=DEPUTY),
            P("Дмитриева Алина Олеговна", 8, HP, FIRST, 2, position=ORGANIZER),
            P("Афанасьева Раиса Степановна", 34, HP, HIGHEST, 3, "1В"),
            P("Ершова Мария Константиновна", 5, VP, SZD, 2, "2А"),
            P("Козлова Евгения Петровна", 12, HP, FIRST, 1, "3Б"),
            P("Зуева Анна Валерьевна", 16, HP, FIRST, 4, "4А"),
            P("Филиппов Артём Сергеевич", 3, HP, NONE, 0, "5В"),
            P("Тихомирова Светлана Борисовна", 22, HP, HIGHEST, 2, "6Б"),
            P("Кузьмина Ирина Геннадьевна", 14, HO, FIRST, 3, "7А"),
            P("Баранова Елизавета Андреевна", 1, HP, NONE, 0, "8А"),
            P("Калинина Ольга Витальевна", 24, HP, HIGHEST, 1, "9Б"),
            P("Денисов Павел Александрович", 10, HP, FIRST, 2, "11А"),
        ),
        head="Дмитриева Алина Олеговна",
        head_order=Order("98-од", 26),
        secretary="Тихомирова Светлана Борисовна",
    ),
    SchoolSpec(
        short_name="МБОУ «Сосновская СОШ»",
        name="Муниципальное бюджетное общеобразовательное учреждение "
        "«Сосновская средняя общеобразовательная школа»",
        director_name="Фомин В.И.",
        mail="sosnovka",
        people=(
            P("Карпова Любовь Алексеевна", 28, HP, HIGHEST, 4, position=DEPUTY),
            P("Ковалёва Яна Игоревна", 2, HP, NONE, 0, position=ORGANIZER),
            P("Степанова Нина Васильевна", 32, VP, HIGHEST, 2, "1А"),
            P("Панова Светлана Николаевна", 15, HP, FIRST, 2, "2А"),
            P("Михайлова Ольга Владимировна", 9, HP, SZD, 3, "3А"),
            P("Жуков Николай Петрович", 26, HP, FIRST, 4, "5А"),
            P("Антонова Анастасия Сергеевна", 4, VP, SZD, 1, "6А"),
            P("Гаврилова Тамара Ивановна", 35, HP, HIGHEST, 3, "7А"),
            P("Ларионова Ирина Юрьевна", 7, NO_DATA, FIRST, 2, "8А"),
            P("Савельев Евгений Андреевич", 12, HO, SZD, 2, "9А"),
            P("Фролова Маргарита Олеговна", 18, HP, FIRST, 1, "11А"),
        ),
        # Last year the new педагог-организатор had just come; an experienced teacher led the
        # МО for a year, then the director handed it to the organizer: the history of heads.
        head="Ковалёва Яна Игоревна",
        head_order=Order("68-о", 30),
        previous_head="Степанова Нина Васильевна",
        previous_head_order=Order("71-о", 29, years_back=1),
        previous_confirm=True,
    ),
    SchoolSpec(
        short_name="МБОУ «Берёзовская ООШ»",
        name="Муниципальное бюджетное общеобразовательное учреждение "
        "«Берёзовская основная общеобразовательная школа»",
        director_name="Лапина Л.П.",
        mail="berezovka",
        people=(
            P("Воронина Елена Анатольевна", 25, HP, HIGHEST, 2, position=DEPUTY),
            P("Чернова Полина Дмитриевна", 1, HP, NONE, 0, position=ORGANIZER),
            P("Данилова Зоя Петровна", 29, VP, HIGHEST, 4, "1А"),
            P("Тимофеева Анна Николаевна", 6, HP, SZD, 1, "2А"),
            P("Сорокина Людмила Васильевна", 22, VP, FIRST, 3, "3А"),
            P("Рябова Галина Михайловна", 30, HP, MENTOR, 1, "4А"),
            P("Власов Геннадий Иванович", 35, HP, HIGHEST, 4, "5А"),
            P("Осипова Дарья Сергеевна", 2, NO_DATA, NONE, 0, "6А"),
            P("Крылова Марина Александровна", 10, HO, SZD, 2, "7А"),
            P("Ефимова Ольга Викторовна", 16, HP, FIRST, 1, "8А"),
            P("Мухин Роман Евгеньевич", 8, HP, FIRST, 3, "9А"),
        ),
        # The педагог-организатор is a young specialist in her first year: the director
        # appoints an experienced teacher and confirms it against the regulation, п. 5.1.
        head="Рябова Галина Михайловна",
        head_order=Order("41-о", 28),
        confirm_head=True,
    ),
)

# The demo logins, in the order the command prints them; all but `admin` are a PersonSpec.login.
# School 2's head and deputy director have one so that its plan can be returned through the
# workflow and its head can see it waiting on the home page; school 1's secretary has one so
# that the protocol left a draft (rmo_portal.demo.meetings) has somebody to finish it; the head
# of the education department has one to approve the РМО's plan waiting for her.
ADMIN_LOGIN = "admin"
LOGINS: tuple[str, ...] = (
    ADMIN_LOGIN, "metodist", "nachalnik", "zavuch1", "rukovoditel1", "sekretar1", "uchitel1", "zavuch2",
    "rukovoditel2",
)


# --- the builder ------------------------------------------------------------------------------


@dataclass
class LoginRow:
    username: str
    role: str
    who: str


@dataclass
class DemoResult:
    district: District
    year: AcademicYear
    schools: int = 0
    people: int = 0
    class_teachers: int = 0
    associations: int = 0
    plans: int = 0  # plans created by this run (0 on a repeated run)
    written: int = 0  # rows created or changed by this run (0 on a repeated run)
    logins: list[LoginRow] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)  # a line from each app that extends the demo


@dataclass
class DemoPart:
    """What a later part of the demo (its meetings) added: the rows it wrote (0 on a repeated run) and a line
    for the command's report."""

    written: int
    summary: str


_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch - y - e yu ya".split(" "),
        strict=True,
    )
)


def translit(text: str) -> str:
    return "".join(_TRANSLIT.get(ch, ch) for ch in text.lower()).replace("-", "")


def _email(spec: PersonSpec, mail: str) -> str:
    last, first, patronymic = spec.parts
    return f"{translit(last)}.{translit(first[0])}{translit(patronymic[0])}@{mail}.zarechny.example.org"


class _Builder:
    def __init__(self) -> None:
        self.written = 0
        self.year = AcademicYear.objects.current()
        self.start = self.year.start_year
        self.previous_year, created = AcademicYear.objects.get_or_create(start_year=self.start - 1)
        self.written += created

    # Every write goes through here: find by natural key, create if missing, save only the
    # fields that differ. A repeated run writes nothing (and adds no history rows).
    def upsert(self, model: type[M], lookup: dict, values: dict) -> M:
        obj = model._default_manager.filter(**lookup).first()
        if obj is None:
            obj = model._default_manager.create(**lookup, **values)
            self.written += 1
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save(update_fields=[model._meta.get_field(name).name for name in changed])
            self.written += 1
        return obj

    def get_or_create(self, model: type[models.Model], **lookup) -> models.Model:
        obj, created = model._default_manager.get_or_create(**lookup)
        self.written += created
        return obj

    def date_in_august(self, order: Order) -> datetime.date:
        return datetime.date(self.start - order.years_back, 8, order.day)

    def first_of_september(self, order: Order) -> datetime.date:
        return datetime.date(self.start - order.years_back, 9, 1)

    def person(self, spec: PersonSpec, district: District, school: School | None, mail: str) -> Person:
        last, first, patronymic = spec.parts
        seed = len(spec.name)  # deterministic variety in days and months
        if spec.category != NONE and spec.category_age < 1:
            raise ValueError(f"{spec.name}: a category needs its age in years")
        category_date = (
            datetime.date(self.start - spec.category_age, 10 + seed % 3, 1 + seed % 27)
            if spec.category != NONE
            else None
        )
        lookup = {"district": district, "school": school, "last_name": last, "first_name": first,
                  "patronymic": patronymic}
        values = {
            "gender": spec.gender,
            "position": spec.position,
            "education": spec.education,
            "experience_since": datetime.date(self.start - spec.years, 8, 15 + seed % 15),
            "category": spec.category,
            "category_date": category_date,
            "email": _email(spec, mail),
        }
        if Attestation.objects.filter(person__in=Person.objects.filter(**lookup)).exists():
            # From their first record of attestation on (`rmo_portal.demo.records`), the records
            # are the source of the current category: the attestation services keep it.
            del values["category"], values["category_date"]
        return self.upsert(Person, lookup, values)

    def appoint(
        self,
        association: Association,
        person: Person,
        order: Order,
        *,
        role: str = Appointment.Role.HEAD,
        confirm: bool = False,
    ) -> None:
        order_date = self.date_in_august(order)
        if Appointment.objects.filter(
            association=association, person=person, role=role,
            order_number=order.number, order_date=order_date,
        ).exists():
            return
        services.appointment_create(
            association=association,
            person=person,
            role=role,
            order_number=order.number,
            order_date=order_date,
            starts_on=self.first_of_september(order),
            confirm_position=confirm,
        )
        self.written += 1

    def build(self) -> DemoResult:
        district = self.upsert(
            District,
            {"slug": DISTRICT_SLUG},
            {"name": DISTRICT_NAME, "education_department": EDUCATION_DEPARTMENT,
             "methodical_office": METHODICAL_OFFICE},
        )
        result = DemoResult(district=district, year=self.year)
        rmo = self.upsert(
            Association, {"district": district, "kind": Association.Kind.DISTRICT}, {"name": RMO_NAME}
        )
        methodologist = self.person(METHODOLOGIST, district, None, METHODOLOGIST_MAIL)
        self.appoint(rmo, methodologist, RMO_HEAD_ORDER)
        rmo_members = [methodologist]
        education_head = self.person(EDUCATION_HEAD, district, None, EDUCATION_HEAD_MAIL)
        self.upsert(
            DistrictOfficial,
            {"district": district, "person": education_head, "role": DistrictOfficial.Role.EDUCATION_HEAD},
            {"starts_on": self.first_of_september(EDUCATION_HEAD_SINCE), "ends_on": None},
        )
        people_by_login = {METHODOLOGIST.login: methodologist, EDUCATION_HEAD.login: education_head}
        classes_by_person: dict[int, ClassAssignment] = {}
        people_by_school: dict[str, dict[str, Person]] = {}
        mos: dict[str, Association] = {}

        for school_spec in SCHOOLS:
            school = self.upsert(
                School,
                {"district": district, "short_name": school_spec.short_name},
                {"name": school_spec.name, "director_name": school_spec.director_name},
            )
            mo = self.upsert(
                Association,
                {"district": district, "school": school, "kind": Association.Kind.SCHOOL},
                {"name": school_spec.association_name},
            )
            mos[school_spec.short_name] = mo
            people = {}
            for spec in school_spec.people:
                person = self.person(spec, district, school, school_spec.mail)
                people[spec.name] = person
                if spec.login:
                    people_by_login[spec.login] = person
                if spec.position != DEPUTY:  # the deputy reviews the МО's work, not a member
                    for year in (self.previous_year, self.year):
                        self.get_or_create(Membership, association=mo, person=person, academic_year=year)
                if spec.klass:
                    grade, letter = int(spec.klass[:-1]), spec.klass[-1]
                    classes_by_person[person.pk] = self.upsert(
                        ClassAssignment,
                        {"school": school, "academic_year": self.year, "grade": grade, "letter": letter},
                        {"teacher_id": person.pk},
                    )
                    result.class_teachers += 1
            people_by_school[school_spec.short_name] = people

            if school_spec.previous_head:
                self.appoint(
                    mo, people[school_spec.previous_head], school_spec.previous_head_order,
                    confirm=school_spec.previous_confirm,
                )
            head = people[school_spec.head]
            self.appoint(mo, head, school_spec.head_order, confirm=school_spec.confirm_head)
            if school_spec.secretary:
                self.appoint(
                    mo, people[school_spec.secretary], school_spec.head_order,
                    role=Appointment.Role.SECRETARY,
                )
            rmo_members.append(head)
            result.schools += 1
            result.people += len(people)

        secretary_school, secretary_name = RMO_SECRETARY
        rmo_secretary = people_by_school[secretary_school][secretary_name]
        self.appoint(rmo, rmo_secretary, RMO_HEAD_ORDER, role=Appointment.Role.SECRETARY)
        rmo_members.append(rmo_secretary)
        for person in rmo_members:
            self.get_or_create(Membership, association=rmo, person=person, academic_year=self.year)

        result.people += 2  # the methodologist and the head of the education department
        result.associations = 1 + len(SCHOOLS)
        result.logins = self.logins(people_by_login, classes_by_person)
        # The plans last: their workflow is run by the demo logins.
        district_people = {p.full_name: p for group in people_by_school.values() for p in group.values()}
        district_people[methodologist.full_name] = methodologist
        result.plans = demo_plans.PlanBuilder(
            self, rmo=rmo, mos=mos, people={**people_by_school, "": district_people}
        ).build()
        result.written = self.written
        return result

    def logins(
        self, people_by_login: dict[str, Person], classes: dict[int, ClassAssignment]
    ) -> list[LoginRow]:
        User = get_user_model()
        # One hash for all five: a demo password, and one PBKDF2 round instead of five.
        password = make_password(DEMO_PASSWORD)
        rows = []
        for username in LOGINS:
            person = None if username == ADMIN_LOGIN else people_by_login[username]
            user, created = User.objects.get_or_create(username=username)
            self.written += created  # the password reset below is not counted as a change
            user.is_active = True
            user.is_staff = user.is_superuser = person is None
            if person is not None:
                user.first_name, user.last_name = person.first_name, person.last_name
                user.email = person.email
            else:
                user.email = "admin@example.org"
            user.password = password
            user.save()
            # A login belongs to one person: detach it from anybody else, attach it here.
            for other in Person.objects.filter(user=user).exclude(pk=getattr(person, "pk", None)):
                other.user = None
                other.save(update_fields=["user"])
                self.written += 1
            if person is not None and person.user_id != user.pk:
                person.user = user
                person.save(update_fields=["user"])
                self.written += 1
            rows.append(LoginRow(username, roles_for(user).label, self.describe(person, classes)))
        return rows

    @staticmethod
    def describe(person: Person | None, classes: dict[int, ClassAssignment]) -> str:
        if person is None:
            return "отдел образования, администрирование: /admin/"
        parts = [person.short_name]
        official = DistrictOfficial.objects.filter(person=person).first()
        if official is not None:
            parts.append(f"{official.get_role_display()}, утверждает план РМО")
        if person.position == Person.Position.METHODIST:
            parts.append("руководитель РМО")
        elif person.position == ORGANIZER:
            parts.append(person.get_position_display())
        if person.pk in classes:
            parts.append(f"класс {classes[person.pk].label}")
        if official is not None:
            parts.append("отдел образования")
        else:
            parts.append(person.school.short_name if person.school_id else "районный методический кабинет")
        return ", ".join(parts)


def build() -> DemoResult:
    """The district, its schools, people, associations, appointments, plans and logins (the
    caller holds the transaction: `rmo_portal.demo.load_demo`)."""
    return _Builder().build()
