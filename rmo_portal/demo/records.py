"""The demo's records of methodical work: what a person clicking through `make run` sees of
contests, attestation, courses, visits, consultations, nominations and the acknowledgment of the
job instruction. The records' part of `manage.py load_demo`: `extend_demo`, which
`rmo_portal.demo.load_demo` calls in its transaction after the meetings.

- Contests: last year's «Самый классный классный» from the school stages (МБОУ «Заречная СОШ
  № 1», МБОУ «СОШ № 2») through the municipal stage, entered by the methodologist as one table
  for the district (a winner, two prize-winners, participants), to the regional stage (a
  laureate); this term's school stages, a district contest of class-hour designs with its
  absolute winner, a team of МБОУ «СОШ № 2» in the finals of the all-Russian «Воспитать
  человека» (its head's own entry waits for the methodologist: nobody confirms their own), and
  uchitel1's diploma of a paid online «international» contest (no official organiser), waiting
  for her МО head's confirmation.
- Attestation: every pedagogue with a category has the record it was granted by (the day the
  directory has), a pre-2023 category with its expiry beside the later ones without; a
  педагог-наставник and a педагог-методист on top of a высшая; in МБОУ «Заречная СОШ № 1» a
  category expiring within six months (Егорова Н.В.) and a teacher never attested (Смирнова
  Ю.Д.); in МБОУ «СОШ № 2» a СЗД over five years old (Шевченко О.В.). Applications: uchitel1's
  for высшая pending, Орлова Е.П.'s for первая granted (the record comes from the decision), one
  refused.
- Courses: every pedagogue has a course within the last three years but Захаров Д.О., whose last
  one is older (overdue), and the head of the education department has one of her own.
- Visits of the methodologist: to МБОУ «СОШ № 2»'s latest meeting held this year (linked to it
  on the meetings side), to uchitel1's open class hour, to the work of МБОУ «СОШ № 2»'s МО;
  last year to sekretar1's event and to МБОУ «Лицей № 3»; their recommendations done, open, and
  one open past its date.
- Consultations in the РМО's log and in the logs of МБОУ «Заречная СОШ № 1», МБОУ «СОШ № 2» and
  МАОУ «Гимназия № 4», individual and group, in person and remote (uchitel1 and sekretar1 among
  the consultants).
- Nominations from the school МО and the РМО, pending, granted and refused.
- The job instruction: the РМО head (metodist), rukovoditel1 and sekretar1 have acknowledged
  theirs; rukovoditel2 and the heads and secretaries without a demo login have not (only the
  appointed person acknowledges, in the portal).

Every write goes through the kind's service as the user who makes it (a teacher's own entry by
their login, a school's records by its МО head, the district's by the methodologist; a school
whose head has no login by the department's administrator), so the demo obeys the rules of the
pages. Dates: last year's records on fixed days of last year; this year's relative to today (so
many days ago), never in the future; the rules that need older dates (an expired СЗД, a pre-2023
category, an overdue course) count back from today. A record is found by its natural key (the
person and the contest, the school and the visit's purpose, …): one that exists is left alone, so
a second run writes nothing.
"""

from __future__ import annotations

import datetime
import importlib
from dataclasses import dataclass

from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone

from associations.models import (
    AcademicYear,
    Acknowledgment,
    Appointment,
    Association,
    Attestation,
    AttestationApplication,
    Category,
    Consultation,
    Contest,
    ContestEntry,
    Course,
    CourseProvider,
    District,
    Instruction,
    Level,
    Nomination,
    Person,
    Visit,
    VisitRecommendation,
)
from associations.records.attestation import services as attestation_services
from associations.records.consultations.services import consultation_save
from associations.records.contests import services as contest_services
from associations.records.courses.services import course_create
from associations.records.instructions.services import acknowledgment_create, current_version, instruction_for
from associations.records.nominations.services import nomination_save
from associations.records.visits import services as visit_services
from meetings.models import Meeting
from meetings.visits import services as meeting_visits
from rmo_portal.demo.organisation import ADMIN_LOGIN, DemoPart
from rmo_portal.editors import Row

SCHOOL1 = "МБОУ «Заречная СОШ № 1»"
SCHOOL2 = "МБОУ «СОШ № 2 им. А.С. Пушкина»"
LYCEUM = "МБОУ «Лицей № 3»"
GYMNASIUM = "МАОУ «Гимназия № 4»"
SOSNOVKA = "МБОУ «Сосновская СОШ»"
BEREZOVKA = "МБОУ «Берёзовская ООШ»"

REGION_MINISTRY = "Министерство образования области"

Result = ContestEntry.Result


def weekday_before(day: datetime.date) -> datetime.date:
    """The day itself, or the Friday before it when it falls on a weekend (never later: a
    record's day is never in the future)."""
    while day.weekday() >= 5:
        day -= datetime.timedelta(days=1)
    return day


# --- the data ---------------------------------------------------------------------------------

#: A contest of the reference list the migration has no row for: a paid online contest (no
#: official organiser), the kind reports can leave out.
PAID_CONTEST = (
    "Международный дистанционный конкурс «Педагогический олимп»",
    "Образовательная онлайн-платформа «Педагогический олимп» (платное участие)",
)
SKK = "Самый классный классный"
RAISE = "Воспитать человека"
TEACHER_OF_YEAR = "Учитель года"
CLASS_HOUR = "Лучшая методическая разработка классного часа"


@dataclass(frozen=True)
class Entry:
    """One participation (a team's: one entry per member). `when`: «ДД.ММ» of last academic year,
    or so many days ago. The one who enters it (`by`; by default the МО head of the person's
    school, or the administrator) confirms it at once when they may; an entry waiting for
    confirmation is confirmed by `confirm`, or left waiting."""

    person: str  # full name
    contest: str
    level: str
    result: str
    when: str | int
    place: int | None = None
    nomination: str = ""
    team: str = ""
    members: tuple[str, ...] = ()  # the team's other members
    note: str = ""
    by: str = ""
    confirm: str = ""


SOKOLOVA = "Соколова Марина Андреевна"  # uchitel1
BELYAKOVA = "Белякова Алёна Викторовна"  # sekretar1
VOLKOVA = "Волкова Анна Сергеевна"  # rukovoditel1
KRAVCHENKO = "Кравченко Дарья Романовна"  # rukovoditel2
KUZNETSOVA = "Кузнецова Татьяна Александровна"  # metodist

TEAM = "Команда МБОУ «СОШ № 2» «Вектор»"

ENTRIES: tuple[Entry, ...] = (
    # Last year: «Самый классный классный», the school stages (the municipal one is a table,
    # DISTRICT_TABLES), and the regional stage; «Учитель года», municipal.
    Entry("Новикова Татьяна Сергеевна", SKK, Level.SCHOOL, Result.WINNER, "11.12", place=1),
    Entry("Киселёва Валентина Ивановна", SKK, Level.SCHOOL, Result.PARTICIPANT, "11.12"),
    Entry("Макарова Елена Юрьевна", SKK, Level.SCHOOL, Result.WINNER, "12.12", place=1),
    Entry("Тихомирова Светлана Борисовна", SKK, Level.REGIONAL, Result.LAUREATE, "16.04", by="metodist",
          note="Лауреат регионального этапа, диплом министерства образования области"),
    Entry("Романов Сергей Викторович", TEACHER_OF_YEAR, Level.MUNICIPAL, Result.FINALIST, "30.01", by="metodist"),
    # This year: a school contest of class-hour designs (its district stage is a table).
    Entry(SOKOLOVA, CLASS_HOUR, Level.SCHOOL, Result.WINNER, 60, place=1, nomination="Классный час в 5–6 классах",
          by="uchitel1", confirm="rukovoditel1"),
    Entry("Фёдоров Алексей Михайлович", CLASS_HOUR, Level.SCHOOL, Result.PRIZE, 60, place=2,
          nomination="Классный час в 5–6 классах"),
    Entry("Зайцева Анастасия Игоревна", CLASS_HOUR, Level.SCHOOL, Result.PARTICIPANT, 20),
    Entry(BELYAKOVA, RAISE, Level.REGIONAL, Result.PARTICIPANT, 75, nomination="Классный руководитель",
          by="sekretar1", confirm="rukovoditel1"),
    # A team in the all-Russian finals, entered by the МО head, a member herself: nobody confirms
    # their own, so hers waits for the methodologist.
    Entry(KRAVCHENKO, RAISE, Level.FEDERAL, Result.FINALIST, 40, team=TEAM, by="rukovoditel2",
          members=("Медведева Ольга Сергеевна", "Романов Сергей Викторович"),
          nomination="Воспитательная практика", note="Финал конкурса, воспитательная практика «Вектор добра»"),
    # A paid online contest, entered by the teacher herself, waiting for the МО head.
    Entry(SOKOLOVA, PAID_CONTEST[0], Level.INTERNATIONAL, Result.DIPLOMA, 12, by="uchitel1",
          nomination="Методическая разработка внеклассного мероприятия", note="Диплом II степени"),
)

#: The district stages, each entered by the methodologist as one table for the district:
#: (contest, «ДД.ММ» of last year or days ago, rows of (person, result, place, note)).
DISTRICT_TABLES: tuple[tuple[str, str | int, tuple[tuple[str, str, int | None, str], ...]], ...] = (
    (SKK, "26.02", (
        ("Тихомирова Светлана Борисовна", Result.WINNER, 1, ""),
        ("Новикова Татьяна Сергеевна", Result.PRIZE, 2, ""),
        ("Гусева Ольга Павловна", Result.PRIZE, 3, ""),
        ("Макарова Елена Юрьевна", Result.PARTICIPANT, None, ""),
        ("Панова Светлана Николаевна", Result.PARTICIPANT, None, ""),
        ("Ефимова Ольга Викторовна", Result.PARTICIPANT, None, ""),
    )),
    (CLASS_HOUR, 25, (
        ("Васильева Надежда Геннадьевна", Result.ABSOLUTE, None, "Лучшая работа конкурса по оценкам жюри"),
        (SOKOLOVA, Result.WINNER, 1, "Номинация «Классный час в 5–6 классах»"),
        ("Борисов Андрей Николаевич", Result.PRIZE, 2, ""),
        ("Захаров Дмитрий Олегович", Result.PARTICIPANT, None, ""),
        ("Кузьмина Ирина Геннадьевна", Result.PARTICIPANT, None, ""),
    )),
)

# Attestation: the people whose record is not the directory's category.
EXPIRING = "Егорова Наталья Владимировна"  # a pre-2023 первая, its five years ending within six months
SZD_OVERDUE = "Шевченко Оксана Викторовна"  # her last СЗД is over five years old
RENEWED = "Киселёва Валентина Ивановна"  # a высшая of 14.05.2021 (to 13.05.2026), granted again since
RENEWED_FIRST_GRANT = datetime.date(2021, 5, 14)


@dataclass(frozen=True)
class Application:
    person: str
    category: str
    applied_days_ago: int
    outcome: str = AttestationApplication.Outcome.PENDING
    outcome_days_ago: int = 0
    by: str = ""
    note: str = ""


APPLICATIONS: tuple[Application, ...] = (
    Application(SOKOLOVA, Category.HIGHEST, 18, by="uchitel1", note="Заявление подано через Госуслуги"),
    Application("Орлова Екатерина Павловна", Category.FIRST, 70, AttestationApplication.Outcome.GRANTED, 9),
    Application("Лебедев Игорь Анатольевич", Category.HIGHEST, 120, AttestationApplication.Outcome.REFUSED, 50,
                note="Аттестационная комиссия: результаты ниже установленного уровня; повторно — не ранее чем "
                     "через год"),
)

# Courses.
COURSE_TITLES: tuple[tuple[str, int], ...] = (
    ("Классное руководство в условиях реализации федеральной рабочей программы воспитания", 36),
    ("«Разговоры о важном»: система работы классного руководителя (куратора)", 58),
    ("Профилактика деструктивного поведения обучающихся в образовательной организации", 36),
    ("Организация работы с обучающимися с ОВЗ в соответствии с ФГОС", 72),
    ("Профориентационная работа в школе: курс «Россия — мои горизонты»", 36),
    ("Оказание первой помощи в образовательной организации", 16),
    ("Медиация и восстановительные технологии в работе классного руководителя", 72),
    ("Взаимодействие школы и семьи: современные формы работы с родителями", 24),
)
COURSE_OVERDUE = "Захаров Дмитрий Олегович"
EDUCATION_HEAD_COURSE = ("Управление развитием муниципальной системы образования", 72)


@dataclass(frozen=True)
class Rec:
    """A recommendation of a visit: due so many days after it; done so many days after it
    (never after today), by the school's `marker` login (the administrator for a school without
    one), or left open."""

    text: str
    due_after: int
    done_after: int | None = None
    note: str = ""
    marker: str = ""


@dataclass(frozen=True)
class VisitSpec:
    school: str
    target: str
    purpose: str
    findings: str
    when: str | int | None  # «ДД.ММ» of last year, days ago; None: the school МО's latest meeting held this year
    recommendations: tuple[Rec, ...]
    visited_person: str = ""
    event_title: str = ""


VISITS: tuple[VisitSpec, ...] = (
    VisitSpec(
        SCHOOL2, Visit.Target.MEETING,
        "Изучение работы МО: проведение заседания, участие классных руководителей, ведение протокола",
        "Заседание проведено по плану МО, повестка выполнена полностью. Классные руководители активно "
        "участвовали в обсуждении; решения конкретны, со сроками и ответственными. Материалы к заседанию "
        "получены участниками только в день заседания.",
        None,
        (
            Rec("Заранее, не позднее чем за неделю, рассылать классным руководителям повестку и материалы "
                "заседания", 14, 6, "Повестка рассылается за неделю в чате МО", "rukovoditel2"),
            Rec("Включить в план МО взаимопосещение классных часов молодых специалистов", 45),
        ),
    ),
    VisitSpec(
        SCHOOL1, Visit.Target.EVENT,
        "Изучение опыта проведения классных часов профориентационной направленности",
        "Классный час проведён на высоком методическом уровне: чёткая структура, интерактивные формы, "
        "работа в группах, рефлексия. Обучающиеся активны, материал связан с предприятиями района.",
        30,
        (
            Rec("Представить сценарий классного часа в районный банк методических разработок", 14, 8,
                "Сценарий и презентация переданы в районный методический кабинет", "rukovoditel1"),
            Rec("Обобщить опыт проведения профориентационных классных часов на заседании МО", 60),
        ),
        visited_person=SOKOLOVA,
        event_title="Классный час «Россия — мои горизонты: профессии моего края» (6 «Б» класс)",
    ),
    VisitSpec(
        SCHOOL2, Visit.Target.ASSOCIATION,
        "Проверка документации МО: план работы, протоколы заседаний, отчёты классных руководителей",
        "План работы МО на учебный год возвращён заместителем директора на доработку; протоколы заседаний "
        "ведутся, но не все подписаны; отчёты классных руководителей за четверть сданы не всеми.",
        50,
        (
            Rec("Доработать план работы МО по замечаниям заместителя директора и представить его на "
                "утверждение", 20),
            Rec("Оформить протоколы заседаний в соответствии с положением о МО и подписать их", 30, 25,
                "Протоколы оформлены и подписаны", "zavuch2"),
            Rec("Провести консультацию для молодых классных руководителей по планированию воспитательной работы",
                90),
        ),
    ),
    VisitSpec(
        SCHOOL1, Visit.Target.EVENT,
        "Посещение открытого внеклассного мероприятия в рамках методической недели",
        "Мероприятие подготовлено вместе с родителями, роли распределены между всеми обучающимися класса; "
        "рекомендуется шире использовать приёмы рефлексии.",
        "18.04",
        (
            Rec("Использовать на классных часах приёмы рефлексии («Лестница успеха», «Незаконченное "
                "предложение»)", 30, 21, "Приёмы используются, обсуждены на заседании МО", "rukovoditel1"),
        ),
        visited_person=BELYAKOVA,
        event_title="Внеклассное мероприятие «Семейные традиции» (10 «А» класс)",
    ),
    VisitSpec(
        LYCEUM, Visit.Target.ASSOCIATION,
        "Изучение работы МО по наставничеству молодых классных руководителей",
        "Наставники закреплены приказом директора, планы наставничества составлены и выполняются.",
        "12.03",
        (
            Rec("Разместить планы наставничества на странице МО", 21, 10, "Размещены"),
            Rec("Провести открытое мероприятие молодого специалиста до конца учебного года", 60, 45,
                "Проведено 22.05"),
        ),
    ),
)


@dataclass(frozen=True)
class ConsultationSpec:
    log: str  # a school's short name; "" — the РМО's log
    kind: str
    topic: str
    consultant: str
    consulted: tuple[str, ...]  # full names; ("heads",) — the heads of the school МО
    days_ago: int
    form: str = Consultation.Form.IN_PERSON
    minutes: int = 45


INDIVIDUAL, GROUP = Consultation.Kind.INDIVIDUAL, Consultation.Kind.GROUP
REMOTE = Consultation.Form.REMOTE
HEADS = ("heads",)

CONSULTATIONS: tuple[ConsultationSpec, ...] = (
    ConsultationSpec("", GROUP, "Аттестация педагогических работников по Порядку, утверждённому приказом "
                     "Минпросвещения России от 24.03.2023 № 196: категории, сроки, «педагог-методист» и "
                     "«педагог-наставник»", KUZNETSOVA, HEADS, 16, minutes=60),
    ConsultationSpec("", INDIVIDUAL, "Доработка плана работы МО по замечаниям заместителя директора", KUZNETSOVA,
                     (KRAVCHENKO,), 70, REMOTE, 30),
    ConsultationSpec("", INDIVIDUAL, "Подготовка к муниципальному этапу конкурса «Самый классный классный»: "
                     "визитка и открытый классный час", KUZNETSOVA, ("Новикова Татьяна Сергеевна",), 8, REMOTE, 40),
    ConsultationSpec(SCHOOL1, INDIVIDUAL, "Ведение документации классного руководителя: план воспитательной "
                     "работы, социальный паспорт класса", VOLKOVA, ("Смирнова Юлия Дмитриевна",), 75, minutes=40),
    ConsultationSpec(SCHOOL1, GROUP, "Подготовка к аттестации: портфолио и открытое мероприятие для экспертов",
                     VOLKOVA, ("Смирнова Юлия Дмитриевна", "Захаров Дмитрий Олегович", "Орлова Екатерина Павловна"),
                     55),
    ConsultationSpec(SCHOOL1, INDIVIDUAL, "Подготовка открытого классного часа: сценарий, роли, рефлексия", SOKOLOVA,
                     ("Смирнова Юлия Дмитриевна",), 35, minutes=30),
    ConsultationSpec(SCHOOL1, INDIVIDUAL, "Оформление протокола родительского собрания", BELYAKOVA,
                     ("Захаров Дмитрий Олегович",), 22, REMOTE, 20),
    ConsultationSpec(SCHOOL2, INDIVIDUAL, "Планирование воспитательной работы с классом на учебный год", KRAVCHENKO,
                     ("Андреева Кристина Олеговна",), 80),
    ConsultationSpec(SCHOOL2, GROUP, "Профилактика буллинга: алгоритм действий классного руководителя", KRAVCHENKO,
                     ("Андреева Кристина Олеговна", "Зайцева Анастасия Игоревна", "Шевченко Оксана Викторовна"), 10,
                     REMOTE, 60),
    ConsultationSpec(GYMNASIUM, INDIVIDUAL, "Первое родительское собрание в классе: подготовка и проведение",
                     "Дмитриева Алина Олеговна", ("Баранова Елизавета Андреевна",), 85),
)


@dataclass(frozen=True)
class NominationSpec:
    person: str
    log: str  # the association that nominates: a school's short name, "" — the РМО
    reason: str
    award: str
    addressee: str
    days_ago: int
    outcome: str = Nomination.Outcome.PENDING
    outcome_after: int = 0  # days after the nomination
    outcome_note: str = ""


NOMINATIONS: tuple[NominationSpec, ...] = (
    NominationSpec("Новикова Татьяна Сергеевна", SCHOOL1, "За высокий методический уровень открытых классных часов "
                   "и призовое место в муниципальном этапе конкурса «Самый классный классный»",
                   "Почётная грамота директора школы", Nomination.Addressee.SCHOOL, 65, Nomination.Outcome.GRANTED, 12,
                   "Приказ директора о поощрении"),
    NominationSpec(BELYAKOVA, SCHOOL1, "За организацию работы секретаря МО и образцовое ведение документации",
                   "Благодарность директора школы", Nomination.Addressee.SCHOOL, 14),
    NominationSpec(SOKOLOVA, "", "За активное участие в районной «ленте» открытых классных часов и распространение "
                   "опыта работы", "Благодарственное письмо Отдела образования", Nomination.Addressee.DEPARTMENT, 6),
    NominationSpec("Морозова Ольга Николаевна", "", "За многолетний добросовестный труд и наставничество молодых "
                   "классных руководителей", "Почётная грамота министерства образования области",
                   Nomination.Addressee.REGION, 90, Nomination.Outcome.REFUSED, 30,
                   "Не истёк срок после предыдущего награждения"),
    NominationSpec("Медведева Ольга Сергеевна", SCHOOL2, "За выход в финал всероссийского конкурса «Воспитать "
                   "человека» в составе команды школы", "Почётная грамота директора школы",
                   Nomination.Addressee.SCHOOL, 30, Nomination.Outcome.GRANTED, 7),
    NominationSpec("Никитина Людмила Ивановна", "", "За значительный вклад в развитие воспитательной работы в районе",
                   "Нагрудный знак «Почётный работник сферы просвещения Российской Федерации»",
                   Nomination.Addressee.FEDERAL, 45),
)

#: The appointments whose person acknowledges the instruction (by login); the others have not.
ACKNOWLEDGING = ("metodist", "rukovoditel1", "sekretar1")


# --- the builder ------------------------------------------------------------------------------


class RecordsBuilder:
    def __init__(self, *, district: District, year: AcademicYear):
        self.district = district
        self.year = year
        self.today = timezone.localdate()
        self.written = 0
        people = list(Person.objects.filter(district=district).select_related("school", "user"))
        self.people = {p.full_name: p for p in people}
        self.district_people = people
        self.associations = {
            a.school.short_name if a.school_id else "": a
            for a in Association.objects.filter(district=district).select_related("school")
        }
        User = get_user_model()
        self.users = {u.username: u for u in User.objects.filter(person__district=district)}
        self.admin = User.objects.get(username=ADMIN_LOGIN)
        self.heads_by_school: dict[int, Person] = {
            a.association.school_id: a.person
            for a in Appointment.objects.in_office(self.today)
            .filter(association__district=district, association__kind=Association.Kind.SCHOOL,
                    role=Appointment.Role.HEAD)
            .select_related("association", "person", "person__user")
        }
        self.years: set[int] = set(AcademicYear.objects.values_list("start_year", flat=True))

    # -- dates --

    def ago(self, days: int) -> datetime.date:
        """So many days before today (the Friday before, on a weekend)."""
        return weekday_before(self.today - datetime.timedelta(days=days))

    def last_year(self, text: str) -> datetime.date:
        """«ДД.ММ» in last academic year (September–December of its first calendar year, January–
        August of its second)."""
        day, month = (int(part) for part in text.split("."))
        start = self.year.start_year - 1
        return weekday_before(datetime.date(start if month >= 9 else start + 1, month, day))

    def when(self, value: str | int) -> datetime.date:
        return self.ago(value) if isinstance(value, int) else self.last_year(value)

    def ensure_year(self, day: datetime.date) -> None:
        """The academic year of a record's day (an expired СЗД may be older than the years the
        migration made): the records' service refuses a day of a year not set up."""
        start = AcademicYear.start_year_for(day)
        if start not in self.years:
            AcademicYear.objects.get_or_create(start_year=start)
            self.years.add(start)
            self.written += 1

    # -- who --

    def person(self, name: str) -> Person:
        try:
            return self.people[name]
        except KeyError:
            raise ValueError(f"demo records: nobody named {name}") from None

    def writer_for(self, person: Person, login: str = ""):
        """The user who enters a record of the person: `login` when given, else the head of the
        person's school МО (with their login), else the methodologist for the district's own
        people, else the department's administrator."""
        if login:
            return self.users[login]
        head = self.heads_by_school.get(person.school_id) if person.school_id else None
        if head is not None and head.user_id and head.pk != person.pk:
            return head.user
        if person.school_id is None:
            return self.users["metodist"]
        return self.admin

    def log_writer(self, association: Association):
        """Who writes an association's records: the methodologist the РМО's, a school МО's head
        theirs (the department's administrator for a head without a login)."""
        if association.is_district:
            return self.users["metodist"]
        head = self.heads_by_school[association.school_id]
        return head.user if head.user_id else self.admin

    # -- build --

    def build(self) -> DemoPart:
        self.attestation()
        self.applications()
        self.courses()
        self.contests()
        self.visits()
        self.consultations()
        self.nominations()
        self.acknowledgments()
        return self.result()

    # -- attestation --

    def attest(self, person: Person, category: str, granted_on: datetime.date, user) -> Attestation:
        self.ensure_year(granted_on)
        seed = len(person.full_name) + granted_on.toordinal() % 97
        if category == Category.SZD:
            school = person.school.short_name if person.school_id else self.district.methodical_office
            number, issuer = f"{40 + seed % 60}-а", f"Директор {school}"
        else:
            number, issuer = f"{1200 + seed * 7 % 700}-р", REGION_MINISTRY
        record = attestation_services.attestation_create(
            person=person, category=category, granted_on=granted_on, order_number=number,
            order_date=granted_on, order_issuer=issuer, user=user,
        )
        self.written += 1
        return record

    def attestation(self) -> None:
        """A record for the category of each pedagogue who has one in the directory (a
        педагог-наставник or -методист first gets the высшая it stands on); the special cases
        count back from today."""
        attested = set(Attestation.objects.filter(person__district=self.district).values_list("person_id", flat=True))
        term = attestation_services.TERM_YEARS
        for person in self.district_people:
            if person.pk in attested or person.position == Person.Position.OTHER:
                continue  # the head of the education department is not attested as a pedagogue
            user = self.writer_for(person)
            if person.full_name == EXPIRING:
                granted = attestation_services.add_years(self.today, -term) + datetime.timedelta(days=120)
                # Only a category granted before 01.09.2023 expires; СЗД does in any year.
                first = granted < attestation_services.INDEFINITE_FROM
                self.attest(person, Category.FIRST if first else Category.SZD, granted, user)
                continue
            if person.full_name == SZD_OVERDUE:
                granted = attestation_services.add_years(self.today, -term) - datetime.timedelta(days=100)
                self.attest(person, Category.SZD, granted, user)
                continue
            # Read before the first record: the service brings the directory's category in step.
            category, granted = person.category, person.category_date
            if category == Person.Category.NONE or granted is None:
                continue  # never attested (the young specialists, and the one the warning shows)
            if category in (Person.Category.MENTOR, Person.Category.METHODIST):
                self.attest(person, Category.HIGHEST, attestation_services.add_years(granted, -2), user)
            if person.full_name == RENEWED and RENEWED_FIRST_GRANT < granted:
                self.attest(person, Category.HIGHEST, RENEWED_FIRST_GRANT, user)
            self.attest(person, category, granted, user)

    def applications(self) -> None:
        Outcome = AttestationApplication.Outcome
        existing = set(
            AttestationApplication.objects.filter(person__district=self.district).values_list("person_id", "category")
        )
        for spec in APPLICATIONS:
            person = self.person(spec.person)
            if (person.pk, spec.category) in existing:
                continue
            user = self.writer_for(person, spec.by)
            applied_on = self.ago(spec.applied_days_ago)
            application = attestation_services.application_create(
                person=person, category=spec.category, applied_on=applied_on, note=spec.note, user=user,
            )
            self.written += 1
            if spec.outcome == Outcome.PENDING:
                continue
            decider = self.writer_for(person)
            outcome_on = max(self.ago(spec.outcome_days_ago), applied_on)
            self.ensure_year(outcome_on)
            attestation_services.application_decide(
                application=application, outcome=spec.outcome, outcome_on=outcome_on, user=decider,
                order_number=f"{1500 + len(spec.person)}-р" if spec.outcome == Outcome.GRANTED else "",
                order_date=outcome_on if spec.outcome == Outcome.GRANTED else None,
                order_issuer=REGION_MINISTRY if spec.outcome == Outcome.GRANTED else "",
            )
            self.written += 1 + (spec.outcome == Outcome.GRANTED)

    # -- courses --

    def courses(self) -> None:
        providers = list(CourseProvider.objects.filter(is_active=True).order_by("name"))
        taken = set(Course.objects.filter(person__district=self.district).values_list("person_id", "title"))
        for n, person in enumerate(self.district_people):
            if person.position == Person.Position.OTHER:
                courses = [(EDUCATION_HEAD_COURSE, self.ago(140), "nachalnik")]
            elif person.full_name == COURSE_OVERDUE:
                courses = [(COURSE_TITLES[5], self.ago(3 * 365 + 75), "")]
            else:
                seed = len(person.full_name) * 31 + n * 17
                first = self.ago(15 + seed % 950)
                courses = [(COURSE_TITLES[seed % len(COURSE_TITLES)], first, "")]
                if n % 3 == 0:
                    courses.append((COURSE_TITLES[(seed + 3) % len(COURSE_TITLES)], self.ago(400 + seed % 600), ""))
            for (title, hours), ends_on, login in courses:
                if (person.pk, title) in taken:
                    continue
                if person.experience_since and ends_on < person.experience_since + datetime.timedelta(days=60):
                    # A young specialist: the course of their first months.
                    ends_on = min(person.experience_since + datetime.timedelta(days=60), self.ago(7))
                    if ends_on <= person.experience_since:
                        continue
                starts_on = weekday_before(ends_on - datetime.timedelta(days=max(2, hours // 5)))
                self.ensure_year(ends_on)
                course_create(
                    person=person, title=title, provider=providers[(n + hours) % len(providers)], hours=hours,
                    starts_on=starts_on, ends_on=ends_on,
                    document_number=f"{7800 + n % 90:04d} {(person.pk * 7919 + hours) % 1000000:06d}",
                    user=self.writer_for(person, login),
                )
                taken.add((person.pk, title))
                self.written += 1

    # -- contests --

    def contests(self) -> None:
        name, organiser = PAID_CONTEST
        paid = self.upsert_contest(name, organiser, official=False)
        contests = {c.name: c for c in Contest.objects.all()}
        contests[paid.name] = paid
        taken = set(
            ContestEntry.objects.filter(person__district=self.district).values_list("person_id", "contest_id", "level")
        )
        for spec in ENTRIES:
            person, contest = self.person(spec.person), contests[spec.contest]
            if (person.pk, contest.pk, spec.level) in taken:
                continue
            held_on = self.when(spec.when)
            self.ensure_year(held_on)
            entries = contest_services.contest_entry_create(
                user=self.writer_for(person, spec.by), person=person,
                team_members=[self.person(name) for name in spec.members],
                values={
                    "contest": contest, "level": spec.level, "held_on": held_on, "nomination": spec.nomination,
                    "team": spec.team, "result": spec.result, "place": spec.place, "result_note": spec.note,
                },
            )
            self.written += len(entries)
            if spec.confirm:
                for entry in entries:
                    if not entry.is_confirmed:
                        contest_services.contest_entry_confirm(entry=entry, user=self.users[spec.confirm])
                        self.written += 1
        for contest_name, when, rows in DISTRICT_TABLES:
            contest, held_on = contests[contest_name], self.when(when)
            if ContestEntry.objects.filter(
                person__district=self.district, contest=contest, level=contest_services.DISTRICT_LEVEL,
                academic_year__start_year=AcademicYear.start_year_for(held_on),
            ).exists():
                continue
            self.ensure_year(held_on)
            outcome = contest_services.contest_results_enter(
                user=self.users["metodist"], district=self.district, contest=contest, held_on=held_on,
                rows=[
                    contest_services.ResultRow(
                        number=number, person=self.person(person), result=result, place=place, result_note=note,
                    )
                    for number, (person, result, place, note) in enumerate(rows, start=1)
                ],
            )
            self.written += outcome.created + outcome.updated

    def upsert_contest(self, name: str, organiser: str, *, official: bool) -> Contest:
        """A contest of the reference list (the admin's, which has no service of its own)."""
        contest, created = Contest.objects.get_or_create(
            name=name, defaults={"organiser": organiser, "is_official": official}
        )
        self.written += created
        return contest

    # -- visits --

    def visits(self) -> None:
        """The methodologist's visits and their recommendations; the school marks some done;
        the visit to a meeting is linked to it on the meetings side."""
        existing = set(Visit.objects.filter(school__district=self.district).values_list("school_id", "purpose"))
        methodologist = self.users["metodist"]
        for spec in VISITS:
            association = self.associations[spec.school]
            if (association.school_id, spec.purpose) in existing:
                continue
            meeting = None
            if spec.when is None:
                meeting = self.latest_held_meeting(association)
                if meeting is None:
                    continue  # the first days of the year: no meeting of it held yet
                visited_on = timezone.localdate(meeting.starts_at)
            else:
                visited_on = self.when(spec.when)
            self.ensure_year(visited_on)
            visit = visit_services.visit_create(
                values={
                    "visited_on": visited_on, "school": association.school, "target": spec.target,
                    "visitor": methodologist.person, "purpose": spec.purpose, "findings": spec.findings,
                    "visited_person": self.person(spec.visited_person) if spec.visited_person else None,
                    "event_title": spec.event_title or (meeting.theme if meeting is not None else ""),
                },
                recommendations=[
                    Row(pk=None, values={
                        "position": n, "text": rec.text,
                        "due_on": visited_on + datetime.timedelta(days=rec.due_after),
                    })
                    for n, rec in enumerate(spec.recommendations, start=1)
                ],
                user=methodologist,
            )
            self.written += 1 + len(spec.recommendations)
            if meeting is not None:
                meeting_visits.visit_link(visit=visit, meeting=meeting, user=methodologist)
                self.written += 1
            rows = list(visit.recommendations.order_by("position"))
            for row, rec in zip(rows, spec.recommendations, strict=True):
                if rec.done_after is None:
                    continue
                visit_services.recommendation_mark(
                    recommendation=row, done_on=min(visited_on + datetime.timedelta(days=rec.done_after), self.today),
                    note=rec.note, user=self.users[rec.marker] if rec.marker else self.admin,
                )
                self.written += 1

    def latest_held_meeting(self, association: Association) -> Meeting | None:
        """The association's latest meeting held in this academic year (from 1 September: a
        visit's year is its day's, and the link must be to a meeting of the same year)."""
        return (
            Meeting.objects.filter(
                association=association, academic_year=self.year, status=Meeting.Status.HELD,
                starts_at__date__gte=self.year.starts_on,
            )
            .order_by("-starts_at")
            .first()
        )

    # -- consultations --

    def consultations(self) -> None:
        existing = set(
            Consultation.objects.filter(association__district=self.district).values_list("association_id", "topic")
        )
        heads = list(self.heads_by_school.values())
        for spec in CONSULTATIONS:
            association = self.associations[spec.log]
            if (association.pk, spec.topic) in existing:
                continue
            consultant = self.person(spec.consultant)
            consulted = heads if spec.consulted == HEADS else [self.person(name) for name in spec.consulted]
            held_on = self.ago(spec.days_ago)
            self.ensure_year(held_on)
            # The log's writer: its head (or the methodologist for the РМО's), with a login, or the admin.
            writer = self.log_writer(association)
            consultation_save(
                consultation=Consultation(),
                values={
                    "association": association, "kind": spec.kind, "topic": spec.topic, "consultant": consultant,
                    "held_on": held_on, "form": spec.form, "duration_minutes": spec.minutes,
                },
                consulted=consulted,
                user=writer,
            )
            self.written += 1

    # -- nominations --

    def nominations(self) -> None:
        existing = set(Nomination.objects.filter(person__district=self.district).values_list("person_id", "reason"))
        for spec in NOMINATIONS:
            person = self.person(spec.person)
            if (person.pk, spec.reason) in existing:
                continue
            association = self.associations[spec.log]
            writer = self.log_writer(association)
            nominated_on = self.ago(spec.days_ago)
            self.ensure_year(nominated_on)
            nomination = nomination_save(
                nomination=Nomination(),
                values={
                    "person": person, "association": association, "reason": spec.reason, "award": spec.award,
                    "addressee": spec.addressee, "nominated_on": nominated_on,
                },
                user=writer,
            )
            self.written += 1
            if spec.outcome == Nomination.Outcome.PENDING:
                continue
            outcome_on = min(nominated_on + datetime.timedelta(days=spec.outcome_after), self.today)
            nomination_save(
                nomination=nomination,
                values={"outcome": spec.outcome, "outcome_on": outcome_on, "outcome_note": spec.outcome_note},
                user=writer, version=nomination.version,
            )
            self.written += 1

    # -- acknowledgments --

    def acknowledgments(self) -> None:
        """The appointed person alone acknowledges, in the portal: the demo logins in
        ACKNOWLEDGING, a few days after their order (never after today)."""
        for login in ACKNOWLEDGING:
            user = self.users[login]
            for appointment in Appointment.objects.in_office(self.today).filter(person__user=user).select_related(
                "association", "person"
            ):
                instruction = instruction_for(appointment=appointment)
                version = current_version(instruction=instruction) if instruction is not None else None
                if version is None or appointment.acknowledgments.filter(version=version).exists():
                    continue
                acknowledged_on = min(appointment.order_date + datetime.timedelta(days=3), self.today)
                acknowledgment_create(appointment=appointment, acknowledged_on=acknowledged_on, user=user)
                self.written += 1

    # -- the summary --

    def result(self) -> DemoPart:
        """The rows written, and what the district holds, as the command reports it (every run)."""
        district = self.district
        entries = ContestEntry.objects.filter(person__district=district).aggregate(
            total=Count("pk"), confirmed=Count("pk", filter=Q(status=ContestEntry.Status.CONFIRMED))
        )
        recommendations = VisitRecommendation.objects.filter(visit__school__district=district).aggregate(
            total=Count("pk"), open=Count("pk", filter=Q(done_on__isnull=True))
        )
        appointments = Appointment.objects.in_office(self.today).filter(association__district=district)
        acknowledged = Acknowledgment.objects.filter(appointment__in=appointments).values("appointment").distinct()
        return DemoPart(
            written=self.written,
            summary=(
                f"Записи методической работы: участие в конкурсах — {entries['total']} "
                f"(подтверждено {entries['confirmed']}); аттестация — "
                f"{Attestation.objects.filter(person__district=district).count()}, заявлений — "
                f"{AttestationApplication.objects.filter(person__district=district).count()}; курсы — "
                f"{Course.objects.filter(person__district=district).count()}; посещения — "
                f"{Visit.objects.filter(school__district=district).count()} (рекомендаций "
                f"{recommendations['total']}, открытых {recommendations['open']}); консультации — "
                f"{Consultation.objects.filter(association__district=district).count()}; ходатайства — "
                f"{Nomination.objects.filter(person__district=district).count()}; ознакомились с инструкцией — "
                f"{acknowledged.count()} назначенных из {appointments.count()}."
            ),
        )


def ensure_reference_lists() -> None:
    """The records' reference lists and instructions as migration 0010 fills them, when they are
    missing (a test database flushed after a live-server test has lost them): the migration's own
    `fill`, which creates only what is absent."""
    if Contest.objects.exists() and CourseProvider.objects.exists() and Instruction.objects.exists():
        return
    migration = importlib.import_module("associations.migrations.0010_fill_records_reference_lists")
    migration.fill(django_apps, None)


def extend_demo(*, district: District, year: AcademicYear) -> DemoPart:
    """The records of the demo district: what `rmo_portal.demo.load_demo` calls, in its
    transaction, once the district, its plans and its meetings are built."""
    ensure_reference_lists()
    return RecordsBuilder(district=district, year=year).build()
