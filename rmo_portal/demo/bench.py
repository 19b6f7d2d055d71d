"""The data set of `manage.py bench`: many districts, schools and people, written with
bulk_create in one transaction (seconds, not minutes; the region, `SCALES["region"]`, in a few
minutes, each stage's time told as it goes).

The years: `Scale.years` academic years, the current one and the ones before it (two in the small
and the large data set, five in the region's). What is said below of last year holds for every
year before this one: its plans approved and carried out, its meetings held, its analyses
accepted (but last year's РМО analysis, a draft the bench opens).

Each district has its РМО led by the district methodologist (who has a login), and schools
whose МО has a head by order (with a predecessor whose appointment ended, and a login of
their own), a secretary, a class teacher with a login, members for the current and the
previous academic year, and class assignments for both. Every association has an annual plan
for both years: 30–60 items with their sections, forms of work and one or two responsible
people; last year's plans approved and carried out, this year's in every state of the review
(`PLAN_PATTERN`). Every association meets 4–6 times a year (the РМО 6 times): past meetings
held, with attendance, guests now and then, and a protocol whose decisions are done, open or
overdue; later ones planned; a school МО's meeting cancelled now and then
(`_build_meetings`). Every pedagogue has a few records of methodical work a year, every school
МО its consultations, nominations and the methodologist's visits (`_build_records`). The data
bank holds `Scale.materials` cards (50,000 in the large data set), indexed for the search, with
files on the one card per district the bench opens (`_build_bank`). Every class of the current
year has its monitoring of upbringing for September and May, 18–28 pupils with every quality
graded by every rater of the current method for its grade, the spreads of the demo's
(`rmo_portal.demo.monitoring`), written in bulk (`_build_monitoring`). Every
name is made up; the slugs start with «bench-» and carry the scale, the academic year and
`DATA_VERSION`, so a data set is built once per year and version and never mixed with real
districts.

Signed protocols: rendering a PDF takes about half a second, too long for a thousand of them.
Only the two protocols the bench opens (`BenchMeetings`) are signed through
`meetings.services.protocol_sign`, which renders their PDF and stores it with its SHA-256.
The other past protocols are written as signed in bulk with no file and `PDF_NOT_RENDERED`
where the SHA-256 would be, which their pages show as it is: opening their PDF fails.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import random
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from associations.files.services import thumbnail_name
from associations.models import (
    ACADEMIC_MONTH_ORDER,
    MONTHS_NOMINATIVE,
    AcademicYear,
    Acknowledgment,
    AnnualPlan,
    Appointment,
    Association,
    Attestation,
    AttestationApplication,
    ClassAssignment,
    Consultation,
    Contest,
    ContestEntry,
    Course,
    CourseProvider,
    District,
    Instruction,
    Level,
    Membership,
    Nomination,
    Person,
    PlanItem,
    PlanSection,
    PlanTransition,
    School,
    StoredFile,
    Visit,
    VisitRecommendation,
    WorkForm,
)
from meetings.bank.models import EventForm, Material, MaterialFile, MaterialGrade, UpbringingDirection, UpbringingModule
from meetings.models import (
    AgendaItem,
    Attendance,
    CalendarToken,
    Decision,
    Guest,
    Meeting,
    MeetingVisit,
    Protocol,
    ProtocolItem,
)
from reports.analysis.figures import figures_for
from reports.analysis.models import Analysis, AnalysisDeadline, AnalysisReminder, AnalysisTransition
from reports.checklist.models import ChecklistDocument
from reports.monitoring import services as monitoring_services
from reports.monitoring.models import ClassMonitoring, Grade, MonitoredPupil, Period
from reports.monitoring.scoring import method_data
from rmo_portal.demo import bank as bank_demo
from rmo_portal.demo import monitoring as monitoring_demo

SLUG_PREFIX = "bench-"
#: Part of every slug. Bump it when the data set changes: a database that holds an older
#: version of the same scale and year is then rebuilt (`_build` removes the old rows first).
#: 1: people, associations, memberships; 2: head logins and the annual plans; 3: class
#: teachers' logins, calendar tokens, meetings, attendance, protocols and decisions; 4: the
#: records of methodical work (contests, attestation, courses, visits, consultations,
#: nominations, acknowledgments of the instruction); 5: the data bank's materials (`_build_bank`);
#: 6: the monitoring of upbringing, both periods of every class this year (`_build_monitoring`);
#: 7: the annual analyses and the districts' deadlines (`_build_analyses`); 8: every school's year
#: has an open event's card in the bank (the analysis' queries then do not depend on the bank's size).
DATA_VERSION = 8


@dataclass(frozen=True)
class Scale:
    districts: int
    schools: int  # per district (the first district's, the most: see `schools_total`)
    people: int  # per school
    materials: int = 0  # the data bank's cards, in all its districts
    years: int = 2  # academic years: the current one and the ones before it
    #: The schools in all (None: `schools` in every district), spread over the districts as
    #: evenly as they go, the first districts one more (`district_schools`).
    schools_total: int | None = None
    #: The districts whose classes have their monitoring of upbringing, the first ones (None:
    #: every district): each class's is 750 grades or so, 7 million for the whole region.
    monitored_districts: int | None = None

    def __str__(self) -> str:
        """What seeds the builders' random draws: the two-year scales' as before the years were
        added, so that their data stays the same."""
        text = f"Scale(districts={self.districts}, schools={self.schools}, people={self.people}, "
        text += f"materials={self.materials}"
        if self.years != 2 or self.schools_total is not None or self.monitored_districts is not None:
            text += f", years={self.years}, schools_total={self.schools_total}"
            text += f", monitored_districts={self.monitored_districts}"
        return text + ")"

    @property
    def total_schools(self) -> int:
        return self.districts * self.schools if self.schools_total is None else self.schools_total

    @property
    def district_schools(self) -> list[int]:
        """The schools of each district, in the districts' order."""
        base, extra = divmod(self.total_schools, self.districts)
        return [base + (d < extra) for d in range(self.districts)]


SCALES = {
    "small": Scale(districts=2, schools=5, people=20, materials=2_000),
    "large": Scale(districts=5, schools=25, people=40, materials=50_000),
    # A region (issue 17): 27 districts, 400 schools (15 in 22 districts, 14 in 5), 10,000
    # teachers, five academic years; the data bank 500 cards a district; the monitoring in the
    # first 9 districts' classes (2.3 million grades, the large data set's order), so that the
    # region builds within its five minutes.
    "region": Scale(districts=27, schools=15, people=25, materials=13_500, years=5, schools_total=400,
                    monitored_districts=9),
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

# --- the annual plans -----------------------------------------------------------------------

Status = AnnualPlan.Status
#: This year's plan of the school with this index in its district: (status, items). Fixed for
#: the first five schools, which the bench opens in every scale (30 against 60 items, approved
#: and draft); the other schools follow PLAN_CYCLE with 30–60 items.
PLAN_PATTERN = {
    0: (Status.APPROVED, 60),
    1: (Status.APPROVED, 30),
    2: (Status.DRAFT, 60),
    3: (Status.DRAFT, 30),
    4: (Status.SUBMITTED, 45),
}
PLAN_CYCLE = [
    Status.APPROVED, Status.SUBMITTED, Status.APPROVED, Status.DRAFT,
    Status.APPROVED, Status.RETURNED, Status.APPROVED, Status.SUBMITTED,
]
#: The РМО's plan this year: a draft the district methodologist writes (the РМО's editor).
RMO_PLAN = (Status.DRAFT, 60)

THEMES = [
    "Совершенствование профессиональной компетентности классных руководителей как условие "
    "повышения качества воспитательного процесса",
    "Реализация рабочей программы воспитания: современные формы работы классного руководителя",
    "Взаимодействие школы и семьи в воспитании гражданина России",
    "Формирование духовно-нравственных ценностей обучающихся во внеурочной деятельности",
]
GOALS = [
    "Повышение методического уровня классных руководителей и качества воспитательной работы в классах.",
    "Создание условий для профессионального роста классных руководителей и обмена опытом.",
]
TASKS = (
    "1. Оказывать методическую помощь классным руководителям в организации воспитательной работы.\n"
    "2. Изучать и внедрять современные воспитательные технологии.\n"
    "- Обобщать и распространять опыт работы классных руководителей.\n"
    "- Совершенствовать формы работы с родителями обучающихся.\n"
    "Развивать ученическое самоуправление."
)
EXPECTED = (
    "Рост профессиональной компетентности классных руководителей; положительная динамика "
    "уровня воспитанности обучающихся; участие педагогов в конкурсах профессионального мастерства."
)
TOPICS = [
    "Формирование гражданской идентичности обучающихся",
    "Профилактика буллинга в детском коллективе",
    "Взаимодействие классного руководителя с семьёй",
    "Индивидуальная работа с детьми группы риска",
    "Развитие ученического самоуправления",
    "Цифровая безопасность школьников",
    "Профориентационная работа в 8–11 классах",
    "Патриотическое воспитание во внеурочной деятельности",
    "Здоровьесберегающие технологии в работе классного руководителя",
    "Организация летнего отдыха и занятости обучающихся",
    "Рабочая программа воспитания: изменения и практика",
]
EVENTS = [
    "День знаний", "День учителя", "День матери", "День героев Отечества", "Новогодний калейдоскоп",
    "Защитники Отечества", "Масленица", "Космос — это мы", "Памяти павших будьте достойны",
    "Последний звонок",
]
#: What a plan's items say, by section (the names the migration fills in); {topic}, {event},
#: {grade}, {n} are filled per item. A section without an entry uses GENERIC_ITEMS.
SECTION_ITEMS = {
    "Аналитико-прогностическая функция": [
        "Анализ работы МО классных руководителей за прошлый учебный год, постановка задач на новый",
        "Изучение запросов классных руководителей на методическую помощь",
        "Анализ результатов диагностики уровня воспитанности обучающихся {grade} классов",
        "Прогноз результатов воспитательной работы по итогам полугодия",
    ],
    "Организационно-координирующая функция": [
        "Согласование планов воспитательной работы классных руководителей",
        "Составление графика открытых классных часов и взаимопосещений",
        "Координация участия классов в районном мероприятии «{event}»",
    ],
    "Информационная функция": [
        "Обзор новинок методической литературы по воспитанию",
        "Пополнение страницы МО на сайте школы материалами заседаний",
        "Информирование о нормативных документах по классному руководству",
    ],
    "Методическая функция": [
        "Методическая помощь молодым классным руководителям: «{topic}»",
        "Разработка сценариев классных часов по теме «{topic}»",
        "Подготовка методических рекомендаций «{topic}»",
    ],
    "Заседания МО": [
        "Заседание № {n}. «{topic}»: доклад руководителя МО, обмен опытом работы классных "
        "руководителей {grade} классов, практикум, решение заседания",
    ],
    "Открытые мероприятия": [
        "Открытый классный час «{event}» в {grade} классе",
        "Внеклассное мероприятие «{event}»",
    ],
    "Консультации": [
        "Консультация «{topic}»",
        "Индивидуальные консультации по ведению документации классного руководителя",
    ],
    "Работа с документацией": [
        "Проверка планов воспитательной работы классных руководителей",
        "Проверка журналов инструктажей по технике безопасности",
        "Оформление социальных паспортов классов",
    ],
    "Конкурсы профессионального мастерства": [
        "Школьный этап конкурса «Самый классный классный»",
        "Участие в районном конкурсе методических разработок «{topic}»",
    ],
    "Аттестация и повышение квалификации": [
        "Курсы повышения квалификации «{topic}»",
        "Подготовка портфолио к аттестации классных руководителей",
    ],
    "Самообразование и обобщение опыта": [
        "Отчёты классных руководителей по темам самообразования",
        "Обобщение опыта работы: «{topic}»",
    ],
    "Мониторинг уровня воспитанности": [
        "Диагностика уровня воспитанности обучающихся {grade} классов",
        "Мониторинг занятости обучающихся во внеурочное время",
        "Анкетирование родителей «Удовлетворённость воспитательной работой школы»",
    ],
    "Взаимопосещение мероприятий": [
        "Взаимопосещение классных часов в {grade} классах",
        "Посещение родительских собраний с целью обмена опытом",
    ],
    "Контроль и анализ": [
        "Анализ проведения классных часов за полугодие",
        "Контроль работы классных руководителей с детьми группы риска",
        "Анализ работы МО за учебный год",
    ],
}
GENERIC_ITEMS = ["Работа по теме «{topic}»", "Мероприятие «{event}»"]
MOVE_REASONS = ["карантин в начальных классах", "совпадение с районным мероприятием", "болезнь докладчика"]
CANCEL_REASONS = ["мероприятие проведено районом", "изменение графика работы школы"]
RETURN_COMMENTS = [
    "Добавьте в план открытые мероприятия второго полугодия и укажите ответственных.",
    "Уточните сроки заседаний: в плане два заседания в одном месяце.",
]

# --- meetings and protocols -----------------------------------------------------------------

#: Per school: staff[0] heads the МО, [1] is the deputy director, [2] headed it last year, [3]
#: is its secretary, [4] a class teacher with a login (the bench's class teacher).
TEACHER_INDEX = 4
Kind = Meeting.Kind
#: The months of a year's meetings by their number (August: the установочное заседание at the
#: end of the month, which belongs to the coming academic year). October is always there: the
#: bench's month calendar shows it.
MEETING_MONTHS = {
    4: [8, 10, 1, 4],
    5: [8, 10, 12, 2, 4],
    6: [8, 10, 11, 1, 3, 5],
}
MO_KINDS = [Kind.SESSION, Kind.SESSION, Kind.WORKSHOP, Kind.SESSION, Kind.ROUND_TABLE, Kind.OPEN_EVENT]
RMO_KINDS = [Kind.SESSION, Kind.SEMINAR, Kind.WORKSHOP, Kind.MASTER_CLASS, Kind.ROUND_TABLE, Kind.CONFERENCE]
#: Questions on the agenda by the meeting's place in the year, shifted per association: the
#: first district's РМО has 5 at its first meeting and 2 at its fourth (the protocols the bench
#: opens, `BenchMeetings`).
AGENDA_SIZES = [5, 3, 4, 2, 3, 4]
OPENING_THEME = "Установочное заседание: задачи {body} на {year} учебный год"
OPENING_ITEM = "Об итогах работы {body} за {last} учебный год и задачах на {year} учебный год"
PLAN_ITEM = "Об утверждении плана работы {body} на {year} учебный год"
AGENDA_TITLES = [
    "Об опыте работы классных руководителей по теме «{topic}»",
    "О подготовке и проведении мероприятия «{event}»",
    "Об итогах диагностики уровня воспитанности обучающихся {grade} классов",
    "О работе классных руководителей с семьями обучающихся группы риска",
    "О профилактике детского дорожно-транспортного травматизма",
    "О ходе аттестации классных руководителей",
    "Об организации внеурочной занятости обучающихся",
    "О результатах взаимопосещения классных часов",
]
LAST_ITEM = "О выполнении решений предыдущего заседания"
HEARD_TEXTS = [
    "О формах и методах работы по вопросу, результатах за четверть и затруднениях классных руководителей",
    "О ходе подготовки, распределении поручений между классами и сроках проведения",
    "О результатах анкетирования обучающихся и родителей в сравнении с прошлым учебным годом",
    "О нормативных документах и методических рекомендациях по вопросу",
]
SPOKE_TEXT = "{a} — об опыте работы в своём классе; {b} — с предложением обсудить вопрос на родительских собраниях"
NOTED = "Информацию принять к сведению"
DECIDED_TEXTS = [
    "Опыт работы признать эффективным и рекомендовать классным руководителям к использованию",
    "Поручить классным руководителям организовать работу по вопросу в своих классах",
    "Провести мероприятия по вопросу в установленные сроки",
]
DECISION_TEXTS = [
    "Провести классные часы по теме «{topic}» в {grade} классах",
    "Подготовить методические рекомендации «{topic}» и разместить их на странице МО",
    "Представить отчёт о проведении мероприятия «{event}»",
    "Обновить социальные паспорта классов",
    "Провести родительские собрания по итогам диагностики",
    "Включить вопрос в план взаимопосещения классных часов",
]
DONE_NOTES = ["", "", "материалы размещены на сайте школы", "отчёт сдан заместителю директора по ВР"]
#: (name, accusative, position, position in the genitive): «СЛУШАЛИ: Гусеву О.А., педагога-психолога, — …».
GUESTS = [
    ("Белова Н.С.", "Белову Н.С.", "заместитель директора по ВР", "заместителя директора по ВР"),
    ("Гусева О.А.", "Гусеву О.А.", "педагог-психолог", "педагога-психолога"),
    ("Карпов Д.В.", "Карпова Д.В.", "инспектор ПДН ОМВД", "инспектора ПДН ОМВД"),
    ("Титова Е.Ю.", "Титову Е.Ю.", "социальный педагог", "социального педагога"),
    ("Ершова М.П.", "Ершову М.П.", "специалист отдела образования", "специалиста отдела образования"),
]
#: Guests of a meeting by its place in the year, shifted per association.
GUEST_COUNTS = [0, 1, 0, 2, 0, 1]
ABSENCE_REASONS = ["больничный лист", "курсы повышения квалификации", "командировка", "занятия по расписанию"]
MEETING_CANCEL_REASONS = ["карантин по гриппу и ОРВИ", "совпадение с районным мероприятием", "болезнь докладчика"]
#: Where the SHA-256 of a signed protocol's PDF would be when the bench signed it in bulk
#: without rendering it (see the module's docstring).
PDF_NOT_RENDERED = "bench: PDF not rendered"


@dataclass
class BenchPlans:
    """The first district's plans this year that the bench opens (PLAN_PATTERN, RMO_PLAN)."""

    approved_60: AnnualPlan
    approved_30: AnnualPlan
    draft_60: AnnualPlan
    draft_30: AnnualPlan
    rmo_draft_60: AnnualPlan

    @staticmethod
    def head_user(plan: AnnualPlan):
        """The login of the school МО's head, who writes the plan and marks its execution."""
        return Person.objects.select_related("user").get(
            school_id=plan.association.school_id, position=Person.Position.ORGANIZER
        ).user


@dataclass
class BenchMeetings:
    """What the bench opens of the first district's meetings: two protocols of its РМО from
    last year (every meeting of it is past, whatever today is), both signed through
    `protocol_sign` with their PDF stored; the class teacher's school МО; this year's October."""

    protocol_5: Protocol  # 5 questions; all the РМО's members marked (26 in the large data set)
    protocol_2: Protocol  # 2 questions, the same members
    school_mo: Association
    rmo: Association
    month: datetime.date

    @staticmethod
    def present(protocol: Protocol) -> int:
        return protocol.meeting.attendance.filter(present=True).count()


@dataclass
class BenchRecords:
    """What the bench opens of the first district's records of methodical work: the class
    teacher with a login (whose page gathers their records) and the head of their school's МО."""

    teacher: Person
    head_user: object


@dataclass
class BenchBank:
    """What the bench opens of the data bank: the class teacher's card with its three files (a
    scenario PDF, a DOCX, a photo), and what the search page is asked for (`BANK_*`)."""

    card: Material
    direction: UpbringingDirection  # the facet searched
    word: str
    phrase: str


@dataclass
class BenchMonitoring:
    """What the bench may open of the monitoring: the class teacher's class this year, its
    September and May (every pupil's row), and its school (the table by class); the district's
    table is the first district's (`BenchData.district`)."""

    september: ClassMonitoring
    may: ClassMonitoring
    school: School


@dataclass(frozen=True)
class BenchAnalyses:
    """What the bench opens of the annual analyses: the first school МО's draft of this year and
    its accepted analysis of last year (as its head), and the РМО's draft of last year, whose page
    adds up the district's accepted school analyses live (as the methodologist)."""

    draft: Analysis
    accepted: Analysis
    rmo_draft: Analysis
    head_user: object
    schools: int  # the school МО whose accepted analyses the РМО's roll-up adds up


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

    @property
    def teacher_user(self):
        """The login of a class teacher of the first district's first school: no appointment,
        so they see their school's associations and the district's РМО."""
        return get_user_model().objects.get(username=f"{self.district.slug}-school-1-teacher")

    @staticmethod
    def calendar_token(user) -> str:
        """The secret of the user's iCalendar feeds (written with the data set)."""
        return CalendarToken.objects.get(user=user).token

    @property
    def meetings(self) -> BenchMeetings:
        rmo = Association.objects.get(district=self.district, kind=Association.Kind.DISTRICT)
        stored = {
            p.n: p
            for p in Protocol.objects.filter(association=rmo, academic_year__start_year=self.year.start_year - 1)
            .exclude(pdf="")
            .select_related("meeting")
            .annotate(n=Count("items"))
        }
        school_mo = Association.objects.select_related("school").get(
            kind=Association.Kind.SCHOOL, school__people__user=self.teacher_user
        )
        return BenchMeetings(
            protocol_5=stored[5], protocol_2=stored[2], school_mo=school_mo, rmo=rmo,
            month=datetime.date(self.year.start_year, 10, 1),
        )

    @property
    def records(self) -> BenchRecords:
        teacher = Person.objects.select_related("school").get(user=self.teacher_user)
        head = Person.objects.select_related("user").get(school=teacher.school, position=Person.Position.ORGANIZER)
        return BenchRecords(teacher=teacher, head_user=head.user)

    @property
    def bank(self) -> BenchBank:
        card = Material.objects.select_related("owner__user").get(district=self.district, title=BANK_CARD_TITLE)
        return BenchBank(
            card=card, direction=UpbringingDirection.objects.get(name=BANK_DIRECTION), word=BANK_WORD,
            phrase=BANK_PHRASE,
        )

    @property
    def monitoring(self) -> BenchMonitoring:
        by_period = {
            m.period: m
            for m in ClassMonitoring.objects.select_related("class_assignment__school").filter(
                class_assignment__teacher__user=self.teacher_user, class_assignment__academic_year=self.year,
            )
        }
        may = by_period[Period.MAY]
        return BenchMonitoring(september=by_period[Period.SEPTEMBER], may=may, school=may.class_assignment.school)

    @property
    def analyses(self) -> BenchAnalyses:
        school_mo = self.meetings.school_mo
        previous = self.year.start_year - 1
        by_year = {
            a.academic_year.start_year: a
            for a in Analysis.objects.select_related("academic_year").filter(association=school_mo)
        }
        rmo = Analysis.objects.get(
            association__district=self.district, association__kind=Association.Kind.DISTRICT,
            academic_year__start_year=previous,
        )
        accepted = Analysis.objects.filter(
            association__district=self.district, academic_year__start_year=previous, status=Analysis.Status.ACCEPTED,
        ).count()
        return BenchAnalyses(
            draft=by_year[self.year.start_year], accepted=by_year[previous], rmo_draft=rmo,
            head_user=by_year[self.year.start_year].updated_by, schools=accepted,
        )

    @property
    def plans(self) -> BenchPlans:
        school_plans = list(
            AnnualPlan.objects.filter(
                association__district=self.district, association__kind=Association.Kind.SCHOOL,
                academic_year=self.year,
            )
            .select_related("association")
            .order_by("association__school_id")  # the schools' order of creation
        )
        rmo_plan = AnnualPlan.objects.select_related("association").get(
            association__district=self.district, association__kind=Association.Kind.DISTRICT,
            academic_year=self.year,
        )
        return BenchPlans(
            approved_60=school_plans[0], approved_30=school_plans[1], draft_60=school_plans[2],
            draft_30=school_plans[3], rmo_draft_60=rmo_plan,
        )


def slug_for(scale_name: str, year: AcademicYear, number: int) -> str:
    return f"{SLUG_PREFIX}{scale_name}-{year.start_year}-v{DATA_VERSION}-{number}"


def foreign_districts_exist() -> bool:
    """True when the database holds districts that are not bench data (a real database)."""
    return District.objects.exclude(slug__startswith=SLUG_PREFIX).exists()


def _complete(scale: Scale, slugs: list[str]) -> bool:
    return (
        District.objects.filter(slug__in=slugs).count() == scale.districts
        and School.objects.filter(district__slug__in=slugs).count() == scale.total_schools
        and Person.objects.filter(district__slug__in=slugs, school__isnull=False).count()
        == scale.total_schools * scale.people
        # Every year's plans of every МО and РМО; their items are written in the same transaction.
        and AnnualPlan.objects.filter(association__district__slug__in=slugs).count()
        == scale.years * (scale.total_schools + scale.districts)
        # The meetings and the records are written in the same transaction; the signed PDFs
        # live in the media storage, which may have been cleared since: then the data set is
        # built again.
        and ContestEntry.objects.filter(person__district__slug__in=slugs).exists()
        and _stored_pdfs_present(slugs)
        and Material.objects.filter(district__slug__in=slugs).count() == scale.materials
        and _bank_files_present(slugs)
        and ClassMonitoring.objects.filter(class_assignment__school__district__slug__in=slugs).exists()
        and _analysis_pdfs_present(slugs)
    )


def _stored_pdfs_present(slugs: list[str]) -> bool:
    names = list(
        Protocol.objects.filter(association__district__slug__in=slugs).exclude(pdf="").values_list("pdf", flat=True)
    )
    return len(names) == len(MEASURED_SIZES) and all(default_storage.exists(name) for name in names)


def _analysis_pdfs_present(slugs: list[str]) -> bool:
    names = list(
        Analysis.objects.filter(association__district__slug__in=slugs, pdf__isnull=False)
        .values_list("pdf__storage_name", flat=True)
    )
    return bool(names) and all(default_storage.exists(name) for name in names)


def bench_data(scale_name: str, *, build: bool = True, report: Callable[[str], None] | None = None) -> BenchData | None:
    """The data set of that scale for the current academic year, built if it is not there (or,
    with build=False, None). While it is built, `report` (if given) is told each stage's time."""
    scale = SCALES[scale_name]
    year = AcademicYear.objects.current()
    slugs = [slug_for(scale_name, year, n) for n in range(1, scale.districts + 1)]
    built = False
    if not _complete(scale, slugs):
        if not build:
            return None
        # DEBUG off while writing: with it on, Django keeps the text of every query, its values
        # quoted into it (on SQLite by a query of their own), hundreds of megabytes here.
        with _fast_writes() as fast, override_settings(DEBUG=False):
            _build(scale_name, scale, year, _Stages(report), unchecked=fast)
        built = True
    districts = list(District.objects.filter(slug__in=slugs).order_by("slug"))
    methodologist = Person.objects.select_related("user").get(
        district=districts[0], school=None, position=Person.Position.METHODIST
    )
    return BenchData(
        scale_name=scale_name, scale=scale, year=year, districts=districts,
        methodologist_user=methodologist.user, built=built,
    )


class _Stages:
    """Each stage's time of a build, told to `report` as it ends («  plans: 3.2 s»), and at the end
    the whole build's, with the CPU time of this process beside it (on a shared machine the wall
    clock also counts the others' work; on PostgreSQL the server's work is not in it)."""

    def __init__(self, report: Callable[[str], None] | None):
        self.report = report
        self.started = time.perf_counter()
        self.cpu = time.process_time()

    @contextmanager
    def __call__(self, name: str):
        start = time.perf_counter()
        yield
        if self.report is not None:
            self.report(f"  {name}: {time.perf_counter() - start:.1f} s")

    def total(self) -> None:
        if self.report is not None:
            self.report(f"  in all: {time.perf_counter() - self.started:.1f} s "
                        f"(this process's CPU: {time.process_time() - self.cpu:.1f} s)")


#: SQLite settings of the bench's own database while a data set is written (and put back
#: after): no fsync, the rollback journal in memory, a page cache large enough for the indexes
#: of the region's tables. A crash during the build may leave the file unusable: it is the
#: bench's, thrown away with `make clean`. Not used on a database with real districts (--force)
#: or inside a transaction (the tests'), where journal_mode cannot change. On PostgreSQL, under
#: the same conditions, the build's transaction does not check its foreign keys
#: (`session_replication_role = replica`, for a superuser only: `_build`): Django declares them
#: deferred, and the millions of checks queued for the COMMIT took longer than the writing.
SQLITE_BUILD_PRAGMAS = {"synchronous": "OFF", "journal_mode": "MEMORY", "cache_size": "-262144",
                        "temp_store": "MEMORY"}


@contextmanager
def _fast_writes():
    """Yields whether the build may also skip PostgreSQL's foreign key checks."""
    if connection.in_atomic_block or foreign_districts_exist():
        yield False
        return
    if connection.vendor != "sqlite":
        yield connection.vendor == "postgresql"
        return
    with connection.cursor() as cursor:
        saved = {}
        for name, value in SQLITE_BUILD_PRAGMAS.items():
            saved[name] = cursor.execute(f"PRAGMA {name}").fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {value}")
    try:
        yield False
    finally:
        with connection.cursor() as cursor:
            for name, value in saved.items():
                cursor.execute(f"PRAGMA {name} = {value}")


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
def _build(scale_name: str, scale: Scale, year: AcademicYear, stage: _Stages, *, unchecked: bool = False) -> None:
    """Write the whole data set (or nothing: one transaction); `unchecked`: without PostgreSQL's
    foreign key checks (`SQLITE_BUILD_PRAGMAS`), where the role may."""
    if unchecked:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('is_superuser')")
            if cursor.fetchone()[0] == "on":
                cursor.execute("SET LOCAL session_replication_role = replica")
    User = get_user_model()
    years = (
        *(AcademicYear.objects.get_or_create(start_year=year.start_year - back)[0]
          for back in range(scale.years - 1, 0, -1)),
        year,
    )
    first_year = years[0]
    # A data set of this scale and year that does not match SCALES (it was changed) goes first.
    with stage("the old data set removed"):
        _delete(scale_name, year)

    with stage("districts, schools, people, associations, members, classes"):
        districts = District.objects.bulk_create(
            District(
                name=f"Бенч-район {n} ({scale_name})",
                slug=slug_for(scale_name, year, n),
                education_department=f"Отдел образования Администрации Бенч-района {n}",
                methodical_office=f"Районный методический кабинет Бенч-района {n}",
            )
            for n in range(1, scale.districts + 1)
        )
        # Each school's district and its index there: the first schools of every district have
        # the fixed plans the bench opens (PLAN_PATTERN).
        places = [(d, s) for d, count in enumerate(scale.district_schools) for s in range(count)]
        schools = School.objects.bulk_create(
            School(
                district=districts[d],
                short_name=f"МБОУ «{SCHOOL_KINDS[s % len(SCHOOL_KINDS)]} № {s + 1}»",
                name=(
                    "Муниципальное бюджетное общеобразовательное учреждение "
                    f"«{SCHOOL_KINDS[s % len(SCHOOL_KINDS)]} № {s + 1}»"
                ),
                director_name="Орлов П.С.",
            )
            for d, s in places
        )
        index_of = {school.pk: s for school, (_d, s) in zip(schools, places, strict=True)}

        # Logins (force_login only: no usable password) for the methodologists and every school's
        # current head, who writes the МО's plan. One unusable hash for all of them.
        unusable = make_password(None)
        users = User.objects.bulk_create(
            User(username=f"{district.slug}-metodist", password=unusable) for district in districts
        )
        head_users = User.objects.bulk_create(
            (User(username=f"{school.district.slug}-school-{index_of[school.pk] + 1}-head", password=unusable)
             for school in schools),
            batch_size=2000,
        )
        teacher_users = User.objects.bulk_create(
            (User(username=f"{school.district.slug}-school-{index_of[school.pk] + 1}-teacher", password=unusable)
             for school in schools),
            batch_size=2000,
        )
        CalendarToken.objects.bulk_create(
            (CalendarToken(user=user) for user in [*users, *teacher_users]), batch_size=2000
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
            (
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
                    user=head_users[s] if p == 0 else teacher_users[s] if p == TEACHER_INDEX else None,
                )
                for s, school in enumerate(schools)
                for p in range(scale.people)
            ),
            batch_size=2000,
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
                order_number=f"{100 + rmo.pk % 50}-од", order_date=datetime.date(first_year.start_year, 8, 28),
                order_issuer=district.education_department,
                starts_on=datetime.date(first_year.start_year, 8, 28),
            ))
        for s, mo in enumerate(mos):
            school_staff = staff[mo.school_id]
            issuer = f"Директор {mo.school.short_name} Орлов П.С."
            first_order = datetime.date(first_year.start_year, 8, 29)
            second_order = datetime.date(year.start_year, 8, 29)
            appointments += [
                # The earlier years' head, replaced by this year's order: the history keeps both.
                Appointment(
                    association=mo, person=school_staff[2], role=Appointment.Role.HEAD,
                    order_number=f"{80 + s % 40}-о", order_date=first_order, order_issuer=issuer,
                    starts_on=first_order, ends_on=second_order - datetime.timedelta(days=1),  # its last day
                    position_rule_confirmed=True,
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
        Appointment.objects.bulk_create(appointments, batch_size=2000)

        # Members: this year every pedagogue but a few (the number varies from school to school, so
        # one МО is the largest); the years before a slightly different group each. The РМО: the
        # methodologist and every school's head.
        members: dict[tuple[int, int], list[Person]] = {}  # (association, year) -> its members
        for s, mo in enumerate(mos):
            school_staff = staff[mo.school_id]
            members[mo.pk, year.pk] = school_staff[: len(school_staff) - s % 5]
            for back, academic_year in enumerate(reversed(years[:-1]), start=1):
                members[mo.pk, academic_year.pk] = school_staff[1: len(school_staff) - (back - 1) % 3]
        heads_of: dict[int, list[Person]] = {}
        for school in schools:
            heads_of.setdefault(school.district_id, []).append(staff[school.pk][0])
        for rmo, methodologist in zip(rmos, methodologists, strict=True):
            for academic_year in years:
                members[rmo.pk, academic_year.pk] = [methodologist, *heads_of[rmo.district_id]]
        _insert_rows(
            Membership, ("association", "person", "academic_year"),
            (
                (association_id, person.pk, year_id)
                for (association_id, year_id), people in members.items()
                for person in people
            ),
        )

        # Class assignments: grades 1–11, letters А, Б, В, as far as the school's teachers reach;
        # each year before each teacher had the class one grade lower (none below the first).
        classes: list[ClassAssignment] = []
        labels = [(grade, letter) for letter in CLASS_LETTERS for grade in range(1, 12)]
        for school in schools:
            teachers = staff[school.pk][2:]
            for teacher, (grade, letter) in zip(teachers, labels, strict=False):
                classes.append(ClassAssignment(
                    school=school, academic_year=year, grade=grade, letter=letter, teacher=teacher,
                ))
                for back, academic_year in enumerate(reversed(years[:-1]), start=1):
                    if grade > back:
                        classes.append(ClassAssignment(
                            school=school, academic_year=academic_year, grade=grade - back, letter=letter,
                            teacher=teacher,
                        ))
        ClassAssignment.objects.bulk_create(classes, batch_size=2000)

    with stage("plans"):
        _build_plans(scale, years, districts, rmos, mos, methodologists, staff, index_of)
    with stage("meetings and protocols"):
        _build_meetings(scale, years, rmos, mos, methodologists, staff, members)
    with stage("records of methodical work"):
        _build_records(scale, years, rmos, mos, methodologists, staff)
    with stage("data bank"):
        _build_bank(scale, years, districts, methodologists, staff, stage)
    with stage("monitoring"):
        _build_monitoring(scale, years, staff, districts)
    with stage("annual analyses"):
        _build_analyses(scale, years, districts, rmos, mos, methodologists, staff)
    if connection.vendor == "postgresql":
        # The planner's statistics of the tables just filled: without them (autovacuum comes
        # later) it took the region's tables for empty, and the decisions page took 80 s, not 0.25.
        with stage("statistics (ANALYZE)"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    stage.total()


def _build_plans(scale, years, districts, rmos, mos, methodologists, staff, index_of) -> None:
    """Every association's plan for every year: the years before approved and carried out, this
    year's by PLAN_PATTERN / PLAN_CYCLE; their items, responsible people and review steps."""
    *past, year = years
    today = timezone.localdate()
    rng = random.Random(f"{scale}")  # noqa: S311 - made-up data, the same every time it is built
    sections = list(PlanSection.objects.filter(is_active=True).order_by("group", "order", "name"))
    work_forms = list(WorkForm.objects.filter(is_active=True).order_by("order", "name"))
    if not sections:
        raise RuntimeError("No plan sections: run the migrations (associations 0003) first.")
    district_index = {district.pk: d for d, district in enumerate(districts)}
    heads_of: dict[int, list[Person]] = {}
    for mo in mos:
        heads_of.setdefault(mo.district_id, []).append(staff[mo.school_id][0])

    # (association, year, status, items, writer, reviewer, responsible pool, writer's login);
    # the years before oldest first (`back` years before this one).
    specs = []
    for d, (rmo, methodologist) in enumerate(zip(rmos, methodologists, strict=True)):
        pool = [methodologist, *heads_of[rmo.district_id]]
        for back, academic_year in zip(range(len(past), 0, -1), past, strict=True):
            specs.append((rmo, academic_year, Status.APPROVED, 30 + (11 * d + 17 * back) % 31,
                          methodologist, methodologist, pool, methodologist.user))
        specs.append((rmo, year, *RMO_PLAN, methodologist, methodologist, pool, methodologist.user))
    for mo in mos:
        school_staff = staff[mo.school_id]
        index = index_of[mo.school_id]  # the school's index in its district
        d = district_index[mo.district_id]
        head, deputy, last_years_head = school_staff[0], school_staff[1], school_staff[2]
        status, count = PLAN_PATTERN.get(
            index, (PLAN_CYCLE[index % len(PLAN_CYCLE)], 30 + (7 * index + 11 * d) % 31)
        )
        for back, academic_year in zip(range(len(past), 0, -1), past, strict=True):
            specs.append((mo, academic_year, Status.APPROVED, 30 + (7 * index + 11 * d + 17 * back) % 31,
                          last_years_head, deputy, school_staff, None))
        specs.append((mo, year, status, count, head, deputy, school_staff, head.user))

    def at(academic_year: AcademicYear, month: int, day: int) -> datetime.datetime:
        when = timezone.make_aware(datetime.datetime(academic_year.start_year, month, day, 15, 30))
        return min(when, timezone.now())

    plans: list[AnnualPlan] = []
    transitions: list[list[PlanTransition]] = []
    for n, (association, academic_year, status, _count, writer, reviewer, _pool, login) in enumerate(specs):
        steps: list[PlanTransition] = []
        if status != Status.DRAFT:
            steps.append(PlanTransition(
                from_status=Status.DRAFT, to_status=Status.SUBMITTED, by=login,
                by_name=writer.short_name, at=at(academic_year, 9, 3),
            ))
        # Every third approved plan and every returned one went back once with a comment.
        if status == Status.RETURNED or (status == Status.APPROVED and n % 3 == 0):
            comment = RETURN_COMMENTS[n % len(RETURN_COMMENTS)]
            steps.append(PlanTransition(
                from_status=Status.SUBMITTED, to_status=Status.RETURNED, comment=comment,
                by=reviewer.user, by_name=reviewer.short_name, at=at(academic_year, 9, 6),
            ))
            if status == Status.APPROVED:
                steps.append(PlanTransition(
                    from_status=Status.RETURNED, to_status=Status.SUBMITTED, by=login,
                    by_name=writer.short_name, at=at(academic_year, 9, 9),
                ))
        if status == Status.APPROVED:
            steps.append(PlanTransition(
                from_status=Status.SUBMITTED, to_status=Status.APPROVED, by=reviewer.user,
                by_name=reviewer.short_name, at=at(academic_year, 9, 12),
            ))
        transitions.append(steps)
        considered = status != Status.DRAFT or n % 2 == 0
        plans.append(AnnualPlan(
            association=association,
            academic_year=academic_year,
            theme=THEMES[n % len(THEMES)],
            goal=GOALS[n % len(GOALS)],
            tasks=TASKS,
            expected_results=EXPECTED,
            status=status,
            considered_protocol_number="1" if considered else "",
            considered_on=min(datetime.date(academic_year.start_year, 8, 30), today) if considered else None,
            approved_by_name=reviewer.signature_name if status == Status.APPROVED else "",
            approved_by_position=str(reviewer.get_position_display()) if status == Status.APPROVED else "",
            approved_on=steps[-1].at.date() if status == Status.APPROVED else None,
            version=2 + len(steps),
        ))
    plans = AnnualPlan.objects.bulk_create(plans)
    for plan, steps in zip(plans, transitions, strict=True):
        for step in steps:
            step.plan = plan
    PlanTransition.objects.bulk_create([step for steps in transitions for step in steps], batch_size=2000)

    items: list[PlanItem] = []
    responsible: list[list[Person]] = []
    for plan, (_a, academic_year, status, count, writer, _r, pool, login) in zip(plans, specs, strict=True):
        for item, people in _plan_items(rng, plan, academic_year, status, count, sections, work_forms,
                                        writer, pool, login, today):
            items.append(item)
            responsible.append(people)
    items = PlanItem.objects.bulk_create(items, batch_size=2000)
    _insert_rows(
        PlanItem.responsible.through, ("planitem", "person"),
        ((item.pk, person.pk) for item, people in zip(items, responsible, strict=True) for person in people),
    )


#: The questions of the two protocols the bench opens, found by their size (`BenchMeetings`).
MEASURED_SIZES = (5, 2)


@dataclass
class _Record:
    """One held meeting's protocol, its items and their decisions, before they are written."""

    protocol: Protocol
    items: list[tuple[ProtocolItem, list[Decision]]]
    measured: bool


def _build_meetings(scale, years, rmos, mos, methodologists, staff, members) -> None:
    """Every association's meetings of every year (`MEETING_MONTHS`, `AGENDA_SIZES`) with their
    agenda, speakers and guests; for a past meeting the attendance of all its members (a few
    absent with a reason) and a protocol numbered in the year, most of them signed (not the
    recent ones), its decisions done, open or overdue by their due date. The two protocols the
    bench opens are signed last through `protocol_sign`, which renders and stores their PDF."""
    from meetings import services  # loads WeasyPrint (when signing) only when a data set is built

    previous_year, year = years[-2:]
    now = timezone.now()
    today = timezone.localdate()
    rng = random.Random(f"meetings-{scale}")  # noqa: S311 - made-up data, the same every time it is built

    # (association, index, is the РМО, meetings a year, chair and recorder's login per year,
    # secretary, place, the class teacher with a login)
    specs = []
    for d, (rmo, methodologist) in enumerate(zip(rmos, methodologists, strict=True)):
        heads = [staff[mo.school_id][0] for mo in mos if mo.district_id == rmo.district_id]
        chairs = {y.pk: (methodologist, methodologist.user) for y in years}
        specs.append((rmo, d, True, 6, chairs, heads[0], "Районный методический кабинет, зал заседаний", None))
    for s, mo in enumerate(mos):
        school_staff = staff[mo.school_id]
        # Last year's head had no login of their own: nobody is recorded as having signed.
        chairs = {y.pk: (school_staff[2], None) for y in years[:-1]}
        chairs[year.pk] = (school_staff[0], school_staff[0].user)
        place = f"{mo.school.short_name}, кабинет № {10 + s % 30}"
        specs.append((mo, len(rmos) + s, False, 4 + s % 3, chairs, school_staff[3], place,
                      school_staff[TEACHER_INDEX]))

    meetings: list[Meeting] = []
    agenda: list[AgendaItem] = []
    speakers: list[tuple[AgendaItem, Person]] = []
    guests: list[Guest] = []
    attendance: list[tuple[Meeting, int, bool, str]] = []  # written once the meetings have their ids
    records: list[_Record] = []
    for association, a, is_rmo, count, chairs, secretary, place, teacher in specs:
        body = "РМО" if is_rmo else "МО"
        for y, academic_year in enumerate(years):
            chair, login = chairs[academic_year.pk]
            people = members[association.pk, academic_year.pk]
            number = 0
            for k, month in enumerate(MEETING_MONTHS[count]):
                starts_at = _meeting_start(academic_year, month, a, k, district_event=is_rmo)
                duration = 120 if is_rmo else 90
                cancelled = not is_rmo and k > 0 and (a * 7 + k * 5 + y) % 23 == 4
                held = not cancelled and starts_at + datetime.timedelta(minutes=duration) <= now
                kinds = RMO_KINDS if is_rmo else MO_KINDS
                year_label = str(academic_year)
                meeting = Meeting(
                    association=association, academic_year=academic_year,
                    kind=kinds[(k + a) % len(kinds)] if k else Kind.SESSION,
                    theme=OPENING_THEME.format(body=body, year=year_label) if k == 0 else rng.choice(TOPICS),
                    starts_at=starts_at, duration_minutes=duration, place=place,
                    status=Meeting.Status.CANCELLED if cancelled
                    else Meeting.Status.HELD if held else Meeting.Status.PLANNED,
                    cancel_reason=rng.choice(MEETING_CANCEL_REASONS) if cancelled else "",
                    created_by=login,
                )
                meetings.append(meeting)

                invited = rng.sample(GUESTS, GUEST_COUNTS[(k + a) % len(GUEST_COUNTS)])
                guests += [Guest(meeting=meeting, full_name=g[0], position=g[2]) for g in invited]
                present = people
                if held:
                    marks = [
                        (p, p in (chair, secretary) or rng.random() >= 0.08) for p in people
                    ]
                    attendance += [
                        (meeting, p.pk, here, "" if here else rng.choice(ABSENCE_REASONS)) for p, here in marks
                    ]
                    present = [p for p, here in marks if here]
                others = [p for p in present if p != chair] or present

                size = AGENDA_SIZES[(k + a) % len(AGENDA_SIZES)]
                if k == 0:
                    last_year = f"{academic_year.start_year - 1}/{academic_year.start_year}"
                    titles = [
                        OPENING_ITEM.format(body=body, last=last_year, year=year_label),
                        PLAN_ITEM.format(body=body, year=year_label),
                    ]
                else:
                    titles = [LAST_ITEM] if size >= 3 else []
                fill = size - len(titles)
                middle = [
                    t.format(topic=rng.choice(TOPICS), event=rng.choice(EVENTS), grade=f"{5 + (a + i) % 7}-х")
                    for i, t in enumerate(rng.sample(AGENDA_TITLES, fill))
                ]
                titles = titles + middle if k == 0 else middle + titles

                questions = []
                for i, title in enumerate(titles, start=1):
                    guest = invited[0] if invited and i == 2 and rng.random() < 0.6 else None
                    item = AgendaItem(
                        meeting=meeting, position=i, title=title, guest_speakers=guest[0] if guest else ""
                    )
                    agenda.append(item)
                    if guest:
                        people_speaking = []
                    elif k == 0 and i <= 2:
                        people_speaking = [chair]
                    else:
                        people_speaking = [rng.choice(others)]
                        if rng.random() < 0.25:
                            second = rng.choice(others)
                            if second not in people_speaking:
                                people_speaking.append(second)
                    speakers += [(item, p) for p in people_speaking]
                    questions.append((item, people_speaking, guest))

                if not held:
                    continue
                number += 1
                measured = is_rmo and a == 0 and academic_year == previous_year and size in MEASURED_SIZES
                signed = not measured and starts_at < now - datetime.timedelta(days=14) and (a + k) % 7 != 3
                protocol = Protocol(
                    meeting=meeting, association=association, academic_year=academic_year, number=number,
                    chair=chair, secretary=secretary,
                    decided_label=Protocol.DecidedLabel.RESOLVED if a % 10 == 9 else Protocol.DecidedLabel.DECIDED,
                )
                if signed:
                    protocol.status = Protocol.Status.SIGNED
                    protocol.signed_at = starts_at + datetime.timedelta(days=3 + (a + k) % 5)
                    protocol.signed_by = login
                    protocol.pdf_sha256 = PDF_NOT_RENDERED
                items = [
                    _protocol_item(rng, protocol, i, item, people_speaking, guest, present, starts_at, today,
                                   final=signed or measured, teacher=teacher if teacher in present else None)
                    for i, (item, people_speaking, guest) in enumerate(questions, start=1)
                ]
                records.append(_Record(protocol=protocol, items=items, measured=measured))

    Meeting.objects.bulk_create(meetings, batch_size=2000)
    AgendaItem.objects.bulk_create(agenda, batch_size=2000)
    _insert_rows(AgendaItem.speakers.through, ("agendaitem", "person"),
                 ((item.pk, person.pk) for item, person in speakers))
    Guest.objects.bulk_create(guests, batch_size=2000)
    _insert_rows(Attendance, ("meeting", "person", "present", "absence_reason"),
                 ((meeting.pk, person, present, reason) for meeting, person, present, reason in attendance))
    Protocol.objects.bulk_create([r.protocol for r in records], batch_size=2000)
    ProtocolItem.objects.bulk_create([item for r in records for item, _decisions in r.items], batch_size=2000)
    Decision.objects.bulk_create(
        [decision for r in records for _item, decisions in r.items for decision in decisions], batch_size=2000
    )

    measured = [r.protocol for r in records if r.measured]
    if sorted(len(r.items) for r in records if r.measured) != sorted(MEASURED_SIZES):
        raise RuntimeError("The bench's protocols were not generated: check AGENDA_SIZES and MEETING_MONTHS.")
    for protocol in measured:
        services.protocol_sign(protocol=protocol, user=methodologists[0].user)


def _meeting_start(academic_year: AcademicYear, month: int, a: int, k: int, *, district_event: bool):
    """A weekday of the month in the academic year, in the afternoon (a РМО's events also in
    the morning); August means its last week, the установочное заседание."""
    calendar_year = academic_year.start_year + (month < 8)
    day = 25 + a % 5 if month == 8 else 10 + (a * 5 + k * 3) % 16
    date = datetime.date(calendar_year, month, day)
    while date.weekday() >= 5:  # a Saturday or a Sunday: the Friday before
        date -= datetime.timedelta(days=1)
    hour, minute = ((10, 0), (14, 0))[k % 2] if district_event else ((14, 30), (15, 0), (15, 30))[a % 3]
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour, minute)))


def _protocol_item(rng, protocol, position, agenda_item, people_speaking, guest, present, starts_at, today,
                   *, final: bool, teacher: Person | None) -> tuple[ProtocolItem, list[Decision]]:
    """СЛУШАЛИ / ВЫСТУПИЛИ / РЕШИЛИ of one question, a vote on some, and its decisions; those
    of a protocol still being written (`final` False) are all open. The class teacher with a
    login, when present, answers for a quarter of them: their own list is not empty."""
    title = agenda_item.title
    votes = {}
    decisions_count = 0
    if title.startswith("Об утверждении плана"):
        decided, vote = title.replace("Об утверждении плана", "Утвердить план", 1), True
    elif title.startswith(("Об итогах работы", LAST_ITEM)):
        decided, vote = NOTED, False
    else:
        decided = rng.choice(DECIDED_TEXTS)
        vote = (protocol.number + position) % 3 == 0
        decisions_count = 1 + (rng.random() < 0.4)
    if vote:
        abstained = int(len(present) > 10 and rng.random() < 0.3)
        votes = dict(votes_for=len(present) - abstained, votes_against=0, votes_abstained=abstained)
    spoke = ""
    if len(present) >= 3 and rng.random() < 0.6:
        first, second = rng.sample(present, 2)
        spoke = SPOKE_TEXT.format(a=first.short_name, b=second.short_name)
    item = ProtocolItem(
        protocol=protocol, position=position, agenda_item=agenda_item,
        heard_person=people_speaking[0] if people_speaking else None,
        heard_name=f"{guest[1]}, {guest[3]}," if guest else "",
        heard=rng.choice(HEARD_TEXTS), spoke=spoke, decided=decided, **votes,
    )
    meeting_day = timezone.localdate(starts_at)
    decisions = []
    for _ in range(decisions_count):
        due = meeting_day + datetime.timedelta(days=rng.choice([14, 21, 30, 45, 60]))
        decision = Decision(
            protocol_item=item,
            text=rng.choice(DECISION_TEXTS).format(
                topic=rng.choice(TOPICS), event=rng.choice(EVENTS), grade=f"{5 + position % 7}-х"
            ),
            responsible=teacher if teacher and rng.random() < 0.25 else rng.choice(present), due_on=due,
        )
        # Past their date most are done and some overdue; a few are done ahead of it.
        if final and rng.random() < (0.85 if due < today else 0.15):
            decision.status = Decision.Status.DONE
            days = max(0, (min(due, today) - meeting_day).days)
            decision.done_on = meeting_day + datetime.timedelta(days=rng.randint(min(days, 3), days))
            decision.done_note = rng.choice(DONE_NOTES)
        decisions.append(decision)
    return item, decisions


def _plan_items(rng, plan, academic_year, status, count, sections, work_forms, writer, pool, login, today):
    """The plan's `count` items, grouped by section in the sections' order, each with the
    people responsible for it; an approved plan's past items marked done, moved or cancelled."""
    chosen = sorted(rng.sample(sections, min(len(sections), 6 + count % 5)), key=sections.index)
    per_section = [count // len(chosen) + (i < count % len(chosen)) for i in range(len(chosen))]
    meeting = 0
    position = 0
    for section, size in zip(chosen, per_section, strict=True):
        texts = SECTION_ITEMS.get(section.name, GENERIC_ITEMS)
        for i in range(size):
            position += 1
            is_meeting = section.name == "Заседания МО"
            meeting += is_meeting
            content = texts[(i + position) % len(texts)].format(
                topic=rng.choice(TOPICS), event=rng.choice(EVENTS), grade=f"{1 + (i * 4 + position) % 11}-х",
                n=meeting,
            )
            month = ACADEMIC_MONTH_ORDER[(i * 9) // size]  # September to May
            timing, date_from, date_to = PlanItem.Timing.MONTH, None, None
            if not is_meeting and position % 9 == 4:
                timing, month = PlanItem.Timing.THROUGHOUT, None
            elif not is_meeting and position % 13 == 6:
                timing, month = PlanItem.Timing.SCHEDULE, None
            elif position % 11 == 3:
                calendar_year = academic_year.start_year + (month < 9)
                date_from = datetime.date(calendar_year, month, 5 + position % 20)
                date_to = date_from + datetime.timedelta(days=2) if position % 2 else None
                timing, month = PlanItem.Timing.DATES, None
            item = PlanItem(
                plan=plan, position=position, section=section, content=content,
                form=None if position % 8 == 7 else work_forms[(position * 5 + i) % len(work_forms)],
                timing=timing, month=month, date_from=date_from, date_to=date_to,
            )
            if status == Status.APPROVED:
                _mark(rng, item, academic_year, login, today)
            people = [writer] if is_meeting else [pool[rng.randrange(len(pool))]]
            if rng.random() < 0.4:
                other = pool[rng.randrange(len(pool))]
                if other not in people:
                    people.append(other)
            yield item, people


def _mark(rng, item: PlanItem, academic_year: AcademicYear, login, today: datetime.date) -> None:
    """Execution control on an approved plan: most items past their date done, some moved or
    cancelled with a reason, a few left unmarked (overdue)."""
    due = item.due_date(academic_year)
    if due >= today:
        return
    roll = rng.random()
    if roll < 0.78:
        item.execution = PlanItem.Execution.DONE
        item.executed_on = min(item.date_from or due - datetime.timedelta(days=rng.randrange(20)), today)
        item.execution_note = "протокол заседания № 2" if roll < 0.1 else ""
    elif roll < 0.88:
        item.execution = PlanItem.Execution.MOVED
        month = ACADEMIC_MONTH_ORDER[min(11, ACADEMIC_MONTH_ORDER.index(due.month) + 1)]
        item.moved_timing = f"на {MONTHS_NOMINATIVE[month]}"
        item.execution_note = rng.choice(MOVE_REASONS)
    elif roll < 0.94:
        item.execution = PlanItem.Execution.CANCELLED
        item.execution_note = rng.choice(CANCEL_REASONS)
    else:
        return
    item.marked_by = login


# --- the records of methodical work ---------------------------------------------------------

Result = ContestEntry.Result
#: (level, weight) and (result, place, weight) of the contest entries: most at the school stage,
#: most participants; a prize-winner is II or III, a winner I.
CONTEST_LEVELS = [(Level.SCHOOL, 8), (Level.MUNICIPAL, 6), (Level.REGIONAL, 3), (Level.FEDERAL, 2),
                  (Level.INTERNATIONAL, 1)]
CONTEST_RESULTS = [(Result.PARTICIPANT, None, 9), (Result.LAUREATE, None, 2), (Result.DIPLOMA, None, 2),
                   (Result.FINALIST, None, 1), (Result.PRIZE, 2, 2), (Result.PRIZE, 3, 1), (Result.WINNER, 1, 2),
                   (Result.ABSOLUTE, None, 1)]
COURSE_TITLES = [
    ("Классное руководство в условиях реализации федеральной рабочей программы воспитания", 36),
    ("«Разговоры о важном»: система работы классного руководителя", 58),
    ("Профилактика деструктивного поведения обучающихся", 36),
    ("Организация работы с обучающимися с ОВЗ", 72),
    ("Профориентационная работа в школе", 36),
    ("Оказание первой помощи", 16),
]
CONSULTATION_TOPICS = [
    "Ведение документации классного руководителя", "Подготовка к аттестации: портфолио",
    "Планирование воспитательной работы с классом", "Работа с родителями обучающихся группы риска",
    "Подготовка открытого классного часа", "Профилактика буллинга в классе",
]
VISIT_PURPOSES = [
    (Visit.Target.MEETING, "Изучение работы МО: проведение заседания, ведение протокола"),
    (Visit.Target.EVENT, "Посещение открытого классного часа"),
    (Visit.Target.ASSOCIATION, "Проверка документации МО: план работы, протоколы, отчёты"),
]
RECOMMENDATIONS = [
    "Рассылать повестку и материалы заседания заранее",
    "Включить в план МО взаимопосещение классных часов",
    "Обобщить опыт работы на заседании МО",
    "Доработать план работы МО по замечаниям",
    "Оформить протоколы заседаний по положению о МО",
]
NOMINATION_REASONS = [
    ("За высокий методический уровень открытых мероприятий", "Почётная грамота директора школы"),
    ("За результаты в конкурсах профессионального мастерства", "Благодарственное письмо Отдела образования"),
    ("За многолетний добросовестный труд", "Почётная грамота министерства образования области"),
]
#: Per school and year: contest entries of every other person, one team of three, consultations
#: in its МО's log, visits of the methodologist, nominations; the РМО's log and nominations.
MO_CONSULTATIONS = 8
RMO_CONSULTATIONS = 8
VISITS_PER_SCHOOL = 2
MO_NOMINATIONS = 2
RMO_NOMINATIONS = 3
#: What an application asks for: the next category (педагог-наставник on top of высшая).
NEXT_CATEGORY = {Person.Category.FIRST: Person.Category.HIGHEST, Person.Category.HIGHEST: Person.Category.MENTOR}


def _record_day(rng, academic_year: AcademicYear, today: datetime.date) -> datetime.date:
    """A weekday of the academic year's school months (September to May), never after today."""
    first = academic_year.starts_on
    last = min(datetime.date(academic_year.start_year + 1, 5, 31), today)
    day = first + datetime.timedelta(days=rng.randrange(max(0, (last - first).days) + 1))
    while day.weekday() >= 5 and day > first:
        day -= datetime.timedelta(days=1)
    return day


def _weighted(rng, choices):
    return rng.choices(choices, weights=[c[-1] for c in choices])[0]


def _build_records(scale, years, rmos, mos, methodologists, staff) -> None:
    """The records of methodical work of both years, in bulk, valid as the services would write
    them: every pedagogue has a few records a year — a contest entry (every other one; the bench's
    class teacher two, one of them waiting for confirmation), their attestation (the directory's
    category, re-attested where it expired; the directory is then brought in step, as the
    attestation services keep it), a course every other year, now and then an application; every
    school МО a team, consultations, nominations and two visits of the methodologist a year (with
    recommendations done, open and overdue; the first linked to a meeting held that day); the
    РМО its log and nominations; most current heads and secretaries have acknowledged their
    instruction. Nothing is dated after today."""
    from associations.records.attestation.services import CATEGORY_RANK, attestation_expiry
    from associations.records.instructions.selectors import current_version

    previous_year, year = years[-2:]
    today = timezone.localdate()
    rng = random.Random(f"records-{scale}")  # noqa: S311 - made-up data, the same every time it is built
    contests = list(Contest.objects.filter(is_active=True).order_by("pk"))
    providers = list(CourseProvider.objects.filter(is_active=True).order_by("pk"))
    if len(contests) < 2 or not providers:
        raise RuntimeError("No contests or course providers: run the migrations (associations 0010) first.")
    team_contest, contests = contests[0], contests[1:]
    years_by_start = {y.start_year: y for y in AcademicYear.objects.all()}

    def year_of(day: datetime.date) -> AcademicYear:
        start = AcademicYear.start_year_for(day)
        if start not in years_by_start:
            years_by_start[start], _created = AcademicYear.objects.get_or_create(start_year=start)
        return years_by_start[start]

    methodologist_of = {rmo.district_id: m for rmo, m in zip(rmos, methodologists, strict=True)}
    entries: list[ContestEntry] = []
    attestations: list[Attestation] = []
    applications: list[AttestationApplication] = []
    courses: list[Course] = []
    changed_people: list[Person] = []
    for s, mo in enumerate(mos):
        school_staff = staff[mo.school_id]
        head, methodologist = school_staff[0], methodologist_of[mo.district_id]
        for p, person in enumerate(school_staff):
            n = s * scale.people + p
            # Contests: every other person a year; the class teacher with a login two, one waiting.
            for y, academic_year in enumerate(years):
                count = 2 if p == TEACHER_INDEX else int((n + y) % 2 == 0)
                picked = rng.sample(contests, count)
                for k, contest in enumerate(picked):
                    level = _weighted(rng, CONTEST_LEVELS)[0]
                    result, place, _weight = _weighted(rng, CONTEST_RESULTS)
                    waiting = (p == TEACHER_INDEX and k == 1) or (p != TEACHER_INDEX and rng.random() < 0.15)
                    confirmer = methodologist.user if person.pk == head.pk else head.user
                    day = _record_day(rng, academic_year, today)
                    entries.append(ContestEntry(
                        person=person, contest=contest, level=level, held_on=day, academic_year=academic_year,
                        result=result, place=place, entered_by=person.user or head.user,
                        status=ContestEntry.Status.ENTERED if waiting else ContestEntry.Status.CONFIRMED,
                        confirmed_by=None if waiting else confirmer,
                        confirmed_at=None if waiting else timezone.make_aware(
                            datetime.datetime.combine(day, datetime.time(16, 0))
                        ),
                    ))
            # Attestation: the directory's category (СЗД for every other one without), re-attested
            # where its five years are over; the directory then names the best valid today.
            category, granted = person.category, person.category_date
            if category == Person.Category.NONE and n % 2 == 0 and person.position != Person.Position.DEPUTY_DIRECTOR:
                category, granted = Person.Category.SZD, datetime.date(year.start_year - 1 - n % 4, 3, 15)
            records: list[Attestation] = []
            if category != Person.Category.NONE and granted is not None and granted <= today:
                records.append(Attestation(person=person, category=category, granted_on=granted))
                expires = attestation_expiry(category=category, granted_on=granted)
                if expires is not None and expires < today and n % 3 != 0:
                    records.append(Attestation(
                        person=person, category=category, granted_on=expires - datetime.timedelta(days=20),
                    ))
            for record in records:
                issuer_school = person.school.short_name if person.school_id else ""
                record.expires_on = attestation_expiry(category=record.category, granted_on=record.granted_on)
                record.academic_year = year_of(record.granted_on)
                record.order_date = record.granted_on
                record.order_number = f"{100 + n % 800}-{'а' if record.category == Person.Category.SZD else 'р'}"
                record.order_issuer = (
                    f"Директор {issuer_school}" if record.category == Person.Category.SZD
                    else "Министерство образования области"
                )
                record.entered_by = head.user
            attestations += records
            valid = [r for r in records if r.granted_on <= today and (r.expires_on is None or today <= r.expires_on)]
            best = max(valid, key=lambda r: (CATEGORY_RANK[r.category], r.granted_on), default=None)
            if records:
                state = (best.category, best.granted_on) if best else (Person.Category.NONE, None)
                if (person.category, person.category_date) != state:
                    person.category, person.category_date = state
                    changed_people.append(person)
            # An application now and then: this year's pending, last year's decided (not granted:
            # a granted one is an attestation of its own).
            if n % 9 == 0 or p == TEACHER_INDEX:
                asked = NEXT_CATEGORY.get(person.category, Person.Category.FIRST)
                applications.append(AttestationApplication(
                    person=person, category=asked, applied_on=_record_day(rng, year, today), academic_year=year,
                    entered_by=person.user or head.user,
                ))
            elif n % 9 == 4:
                Outcome = AttestationApplication.Outcome
                applied = _record_day(rng, previous_year, today)
                applications.append(AttestationApplication(
                    person=person, category=Person.Category.FIRST, applied_on=applied, academic_year=previous_year,
                    outcome=rng.choice([Outcome.REFUSED, Outcome.WITHDRAWN]),
                    outcome_on=min(applied + datetime.timedelta(days=45), today), entered_by=head.user,
                ))
            # Courses: one every other year (the class teacher with a login every year).
            for y, academic_year in enumerate(years):
                if p != TEACHER_INDEX and (n + y) % 2:
                    continue
                title, hours = COURSE_TITLES[(n + y) % len(COURSE_TITLES)]
                ends_on = _record_day(rng, academic_year, today)
                courses.append(Course(
                    person=person, title=title, provider=providers[(n + y) % len(providers)], hours=hours,
                    starts_on=ends_on - datetime.timedelta(days=max(1, hours // 6)), ends_on=ends_on,
                    document_number=f"7827 {n * 7 + y:06d}", academic_year=academic_year,
                    entered_by=person.user or head.user,
                ))
        # A team of three a year, in the contest kept for teams.
        for academic_year in years:
            day = _record_day(rng, academic_year, today)
            for member in school_staff[5:8]:
                entries.append(ContestEntry(
                    person=member, contest=team_contest, level=Level.MUNICIPAL, held_on=day,
                    academic_year=academic_year, team=f"Команда {mo.school.short_name}", result=Result.FINALIST,
                    entered_by=head.user, status=ContestEntry.Status.CONFIRMED, confirmed_by=head.user,
                    confirmed_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(16, 0))),
                ))
    ContestEntry.objects.bulk_create(entries, batch_size=2000)
    Attestation.objects.bulk_create(attestations, batch_size=2000)
    AttestationApplication.objects.bulk_create(applications, batch_size=2000)
    Course.objects.bulk_create(courses, batch_size=2000)
    Person.objects.bulk_update(changed_people, ["category", "category_date"], batch_size=2000)

    _build_logs(rng, years, today, rmos, mos, methodologists, staff, methodologist_of)
    _build_visits(rng, years, today, mos, staff, methodologist_of)
    _build_acknowledgments(today, rmos, mos, methodologists, staff, current_version)


def _build_logs(rng, years, today, rmos, mos, methodologists, staff, methodologist_of) -> None:
    """The consultation logs (each school МО's by its head, the РМО's by the methodologist) and
    the nominations of both years."""
    consultations: list[tuple[Consultation, list[Person]]] = []
    nominations: list[Nomination] = []
    heads_of = {}
    for mo in mos:
        heads_of.setdefault(mo.district_id, []).append(staff[mo.school_id][0])
    # A school МО's log and nominations concern its members (not the deputy director, staff[1]).
    logs = [(mo, staff[mo.school_id][0], staff[mo.school_id][2:], MO_CONSULTATIONS) for mo in mos]
    logs += [
        (rmo, m, heads_of[rmo.district_id], RMO_CONSULTATIONS) for rmo, m in zip(rmos, methodologists, strict=True)
    ]
    for association, consultant, pool, count in logs:
        for academic_year in years:
            for k in range(count):
                group = k % 3 == 2 and len(pool) >= 2
                people = rng.sample(pool, min(len(pool), 2 + k % 4)) if group else [pool[(k * 7) % len(pool)]]
                consultations.append((Consultation(
                    association=association, academic_year=academic_year,
                    kind=Consultation.Kind.GROUP if group else Consultation.Kind.INDIVIDUAL,
                    topic=CONSULTATION_TOPICS[k % len(CONSULTATION_TOPICS)], consultant=consultant,
                    held_on=_record_day(rng, academic_year, today),
                    form=Consultation.Form.REMOTE if k % 4 == 3 else Consultation.Form.IN_PERSON,
                    duration_minutes=20 + 10 * (k % 7), entered_by=consultant.user,
                ), people))
    for association, writer, pool, count in (
        [(mo, staff[mo.school_id][0], staff[mo.school_id][2:], MO_NOMINATIONS) for mo in mos]
        + [(rmo, m, heads_of[rmo.district_id], RMO_NOMINATIONS) for rmo, m in zip(rmos, methodologists, strict=True)]
    ):
        for y, academic_year in enumerate(years):
            for k in range(count):
                reason, award = NOMINATION_REASONS[(k + y) % len(NOMINATION_REASONS)]
                nominated_on = _record_day(rng, academic_year, today)
                decided = y < len(years) - 1 or k == 0  # this year's first only
                outcome = (
                    rng.choice([Nomination.Outcome.GRANTED, Nomination.Outcome.GRANTED, Nomination.Outcome.REFUSED])
                    if decided else Nomination.Outcome.PENDING
                )
                nominations.append(Nomination(
                    person=pool[(k * 5 + y) % len(pool)], association=association, reason=reason, award=award,
                    addressee=(Nomination.Addressee.REGION if association.is_district
                               else Nomination.Addressee.SCHOOL if k % 2 == 0 else Nomination.Addressee.DEPARTMENT),
                    nominated_on=nominated_on, academic_year=academic_year, outcome=outcome,
                    outcome_on=min(nominated_on + datetime.timedelta(days=20), today) if decided else None,
                    entered_by=writer.user,
                ))
    Consultation.objects.bulk_create([c for c, _people in consultations], batch_size=2000)
    _insert_rows(Consultation.consulted.through, ("consultation", "person"),
                 ((c.pk, person.pk) for c, people in consultations for person in people))
    Nomination.objects.bulk_create(nominations, batch_size=2000)


def _build_visits(rng, years, today, mos, staff, methodologist_of) -> None:
    """Two visits of the methodologist to each school a year: the first to a meeting of its МО
    held that year (linked to it on the meetings side), the other to an event of a teacher (the
    class teacher with a login's, in the first school) or to the МО's work; two or three
    recommendations each, done, open and overdue by their dates."""
    held: dict[tuple[int, int], Meeting] = {}
    meetings = Meeting.objects.filter(association__in=mos, status=Meeting.Status.HELD).select_related("academic_year")
    for meeting in meetings.order_by("starts_at"):
        # A visit's year is its day's: a meeting of late August belongs to the coming year.
        if timezone.localdate(meeting.starts_at) >= meeting.academic_year.starts_on:
            held.setdefault((meeting.association_id, meeting.academic_year_id), meeting)
    visits: list[tuple[Visit, Meeting | None, list[VisitRecommendation]]] = []
    for s, mo in enumerate(mos):
        school_staff = staff[mo.school_id]
        methodologist = methodologist_of[mo.district_id]
        for academic_year in years:
            for k in range(VISITS_PER_SCHOOL):
                meeting = held.get((mo.pk, academic_year.pk)) if k == 0 else None
                if meeting is not None:
                    target, purpose = VISIT_PURPOSES[0]
                    visited_on = timezone.localdate(meeting.starts_at)
                else:
                    # The first school's second visit is to the class teacher's event.
                    target, purpose = VISIT_PURPOSES[1 + (s + k + 1) % 2]
                    visited_on = _record_day(rng, academic_year, today)
                visited_person = None
                if target == Visit.Target.EVENT:
                    visited_person = school_staff[TEACHER_INDEX if s == 0 else 5 + (s + k) % (len(school_staff) - 5)]
                visit = Visit(
                    school=mo.school, target=target, visited_on=visited_on, visitor=methodologist,
                    visited_person=visited_person, purpose=purpose, academic_year=academic_year,
                    event_title=meeting.theme if meeting is not None else (
                        "Открытый классный час" if target == Visit.Target.EVENT else ""),
                    findings="Работа ведётся по плану; замечания и рекомендации — ниже.",
                    entered_by=methodologist.user,
                )
                rows = []
                for position in range(1, 2 + (s + k) % 2 + 1):
                    due_on = visited_on + datetime.timedelta(days=14 * position + 7)
                    done = rng.random() < (0.7 if due_on < today else 0.2)
                    rows.append(VisitRecommendation(
                        position=position, text=RECOMMENDATIONS[(s + k + position) % len(RECOMMENDATIONS)],
                        due_on=due_on,
                        done_on=min(visited_on + datetime.timedelta(days=7 * position), today) if done else None,
                        done_note="Выполнено" if done else "", marked_by=school_staff[0].user if done else None,
                    ))
                visits.append((visit, meeting, rows))
    Visit.objects.bulk_create([v for v, _m, _rows in visits], batch_size=2000)
    for visit, _meeting, rows in visits:
        for row in rows:
            row.visit = visit
    VisitRecommendation.objects.bulk_create([row for _v, _m, rows in visits for row in rows], batch_size=2000)
    MeetingVisit.objects.bulk_create(
        [MeetingVisit(visit=v, meeting=m) for v, m, _rows in visits if m is not None], batch_size=2000
    )


def _build_acknowledgments(today, rmos, mos, methodologists, staff, current_version) -> None:
    """Seven in ten of the current heads and secretaries (the РМО's head too) have acknowledged
    the current version of their instruction, a few days after their order."""
    instructions = {i.association_kind: i for i in Instruction.objects.filter(role__in=["", Appointment.Role.HEAD])}
    versions = {kind: current_version(instruction=i) for kind, i in instructions.items()}
    appointments = Appointment.objects.in_office(today).filter(association__in=[*rmos, *mos]).select_related(
        "association", "person"
    ).order_by("pk")
    rows = []
    for n, appointment in enumerate(appointments):
        kind = appointment.association.kind
        version = versions.get(kind)
        if version is None or n % 10 >= 7:
            continue
        if kind == Association.Kind.DISTRICT and appointment.role != Appointment.Role.HEAD:
            continue  # the РМО's secretary has no instruction of the portal's
        rows.append(Acknowledgment(
            appointment=appointment, version=version, entered_by=appointment.person.user,
            acknowledged_on=min(appointment.order_date + datetime.timedelta(days=n % 9), today),
        ))
    Acknowledgment.objects.bulk_create(rows, batch_size=2000)


# --- the data bank ---------------------------------------------------------------------------

#: The card the bench opens (its page; the upload of a 20 MB file goes to its editor): the first
#: district's class teacher's, for the whole district, with a file of each type.
BANK_CARD_TITLE = "Моя Родина — Россия: классный час к Дню народного единства"
#: What the search page is asked: a word in another form than the cards have («Родина»), a
#: phrase (a word and a stop word among them), a facet.
BANK_WORD = "родине"
BANK_PHRASE = "классный час о Родине"
BANK_DIRECTION = bank_demo.PATRIOTIC
#: The mix of the cards' visibility, their owners: (value, weight).
BANK_VISIBILITY = [(Material.Visibility.DISTRICT, 70), (Material.Visibility.SCHOOL, 22),
                   (Material.Visibility.DRAFT, 8)]
BANK_DISTRICT_SHARE = 0.04  # the methodologist's cards of the district (no school)
BANK_BATCH = 5000


def _bank_files_present(slugs: list[str]) -> bool:
    names = list(
        MaterialFile.objects.filter(material__district__slug__in=slugs, material__title=BANK_CARD_TITLE)
        .values_list("file__storage_name", flat=True)
    )
    return len(names) == 3 * len(slugs) and all(default_storage.exists(name) for name in names)


def _build_bank(scale, years, districts, methodologists, staff, stage: _Stages) -> None:
    """The data bank: `scale.materials` cards over the districts, written in bulk. Their text is
    that of the demo's cards (`rmo_portal.demo.bank.CARDS`: realistic Russian, a vocabulary of a
    few hundred words), each with its form, direction and module; a class teacher of the school
    owns it (now and then with a colleague as co-author), for the district, the school or a draft;
    a few are the methodologist's for the district. Dated in either year, never after today; one
    or two classes. Only each district's measured card (`BANK_CARD_TITLE`) has files, stored
    through `file_store` as uploads are: a scenario PDF, a DOCX, a PNG. Indexed for the search
    at the end (`material_index` on the queryset)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from associations.files.services import file_store
    from meetings.bank.search import material_index

    if not scale.materials:
        return
    today = timezone.localdate()
    rng = random.Random(f"bank-{scale}")  # noqa: S311 - made-up data, the same every time it is built
    forms = {f.name: f for f in EventForm.objects.all()}
    directions = {d.name: d for d in UpbringingDirection.objects.all()}
    modules = {m.name: m for m in UpbringingModule.objects.all()}
    if not forms or not directions:
        raise RuntimeError("No forms of events: run the migrations (meetings 0007) first.")
    cards = bank_demo.CARDS
    tasks = {
        name: "\n".join(f"{n}. {task}." for n, task in enumerate(items, start=1))
        for name, items in bank_demo.TASKS.items()
    }
    visibility = [v for v, _weight in BANK_VISIBILITY]
    weights = [w for _v, w in BANK_VISIBILITY]
    per_district = scale.materials // len(districts)
    for d, (district, methodologist) in enumerate(zip(districts, methodologists, strict=True)):
        # The district's share, less its measured card (written last).
        count = per_district + (scale.materials - per_district * len(districts) if d == 0 else 0) - 1
        schools = [school for school in staff if staff[school][0].district_id == district.pk]
        materials: list[Material] = []
        co_authors: list[Person | None] = []
        grades: list[tuple[int, ...]] = []
        opened: set[tuple[int, int]] = set()  # (school, year) with an open event's card
        for n in range(count):
            card = cards[rng.randrange(len(cards))]
            # This year's or (less than half) a year before: last year's, or further back.
            draw = rng.random()
            academic_year = years[-1] if draw < 0.55 else years[-2 - int((draw - 0.55) / 0.45 * (len(years) - 1))]
            if n < count * BANK_DISTRICT_SHARE:
                owner, school, seen = methodologist, None, Material.Visibility.DISTRICT
                co_author = None
            else:
                school_staff = staff[schools[n % len(schools)]]
                owner = school_staff[2 + rng.randrange(len(school_staff) - 2)]
                school, seen = owner.school_id, rng.choices(visibility, weights)[0]
                co_author = rng.choice(school_staff[2:]) if rng.random() < 0.2 else None
            grade = 1 + rng.randrange(11)
            letter = CLASS_LETTERS[rng.randrange(len(CLASS_LETTERS))]
            # One in twenty is an open event's, and the first card of each school's year that is
            # not a draft: every school's analysis counts some, whatever the bank's size.
            open_event = rng.random() < 0.05
            if school is not None and seen != Material.Visibility.DRAFT and (school, academic_year.pk) not in opened:
                open_event = True
                opened.add((school, academic_year.pk))
            materials.append(Material(
                title=card.title if rng.random() < 0.5 else f"{card.title} ({grade} «{letter}» класс)",
                form=forms[card.form], direction=directions[card.direction], module=modules[card.module],
                held_on=_record_day(rng, academic_year, today), academic_year=academic_year, district=district,
                school_id=school, owner=owner, level=card.level, is_open_event=open_event,
                goal=card.goal, tasks=tasks[card.direction], description=card.description, visibility=seen,
            ))
            co_authors.append(co_author if co_author is not None and co_author.pk != owner.pk else None)
            grades.append((grade, grade + 1) if grade < 11 and rng.random() < 0.3 else (grade,))
        # The measured card: the class teacher of the first school, for the district.
        teacher = staff[schools[0]][TEACHER_INDEX]
        materials.append(Material(
            title=BANK_CARD_TITLE, form=forms[bank_demo.CLASS_HOUR], direction=directions[BANK_DIRECTION],
            module=modules[bank_demo.CLASS_GUIDANCE], held_on=_record_day(rng, years[-1], today),
            academic_year=years[-1], district=district, school_id=teacher.school_id, owner=teacher,
            level=Level.SCHOOL, goal=cards[9].goal, tasks=tasks[BANK_DIRECTION], description=cards[9].description,
            visibility=Material.Visibility.DISTRICT,
        ))
        co_authors.append(staff[schools[0]][TEACHER_INDEX + 1])
        grades.append((5, 6))
        Material.objects.bulk_create(materials, batch_size=BANK_BATCH)
        _insert_rows(MaterialGrade, ("material", "grade"),
                     ((m.pk, g) for m, gs in zip(materials, grades, strict=True) for g in gs))
        _insert_rows(
            Material.authors.through, ("material", "person"),
            (
                (m.pk, person.pk)
                for m, co_author in zip(materials, co_authors, strict=True)
                for person in (m.owner, co_author) if person is not None
            ),
        )
        card = materials[-1]
        user = teacher.user
        pdf = bank_demo.scenario_pdf(bank_demo.SCENARIOS["class_hour"], district.methodical_office)
        docx = bank_demo.DocxTemplate().render({
            "KIND": "Методическая разработка", "TITLE": card.title, "META": bank_demo.PATRIOTIC,
            "AUTHOR": teacher.full_name, "GOAL": card.goal, "TASK1": bank_demo.TASKS[BANK_DIRECTION][0],
            "TASK2": bank_demo.TASKS[BANK_DIRECTION][1], "TASK3": bank_demo.TASKS[BANK_DIRECTION][2],
            "DESCRIPTION": card.description, "FOOTER": district.name,
        })
        png = bank_demo.poster_png(title=card.title, caption=district.name, colour=bank_demo.COLOURS[BANK_DIRECTION])
        rows = []
        for kind, name, content, content_type in (
            (MaterialFile.Kind.SCENARIO, "Сценарий классного часа.pdf", pdf, "application/pdf"),
            (MaterialFile.Kind.DEVELOPMENT, "Методическая разработка.docx", docx,
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (MaterialFile.Kind.PHOTO, "Фото.png", png, "image/png"),
        ):
            stored = file_store(upload=SimpleUploadedFile(name, content, content_type=content_type), user=user)
            rows.append(MaterialFile(material=card, kind=kind, file=stored))
        MaterialFile.objects.bulk_create(rows)
    with stage("data bank: the search index"):
        material_index(Material.objects.filter(district__in=districts))


# --- the monitoring of upbringing -------------------------------------------------------------

MONITORING_BATCH = 5000


def _build_monitoring(scale, years, staff, districts) -> None:
    """Both periods (September, May) of every class of the current year, by the current method
    for its grade (`services.current_method`), written in bulk as `grid_save` would write them
    (saved once: version 2): 18–28 pupils numbered 1..n, initials in about half of the classes,
    every quality graded by every rater with values of the method's scale, drawn as the demo's
    (`rmo_portal.demo.monitoring.class_rows`) around a mean of the class's own; from September to
    May a class moves by its `TRENDS` entry (shifted per school). Entered by the class teacher
    when they have a login, otherwise by the school МО's head. The monitorings and pupils with
    bulk_create, the grades (3 million in the large data set) in plain INSERTs (`_insert_rows`).
    School by school, so that the large data set's rows never all sit in memory. Only the first
    `scale.monitored_districts` districts' schools (all when None)."""
    monitoring_services.methods_seed()
    year = years[-1]
    monitored = {district.pk for district in districts[: scale.monitored_districts]}
    staff = {school: people for school, people in staff.items() if people[0].district_id in monitored}
    methods = {grade: monitoring_services.current_method(grade) for grade in range(1, 12)}
    data = {method.pk: method_data(method) for method in methods.values()}
    rng = random.Random(f"monitoring-{scale}")  # noqa: S311 - made-up data, the same every time it is built
    people = {person.pk: person for school_staff in staff.values() for person in school_staff}
    classes: dict[int, list[ClassAssignment]] = {school: [] for school in staff}
    for klass in ClassAssignment.objects.filter(school_id__in=list(staff), academic_year=year).order_by(
        "school_id", "grade", "letter"
    ):
        classes[klass.school_id].append(klass)
    trends = monitoring_demo.TRENDS
    for s, (school, school_classes) in enumerate(classes.items()):
        head = staff[school][0].user
        monitorings: list[ClassMonitoring] = []
        drawn = []
        for index, klass in enumerate(school_classes):
            method = methods[klass.grade]
            teacher = people[klass.teacher_id]
            spread = monitoring_demo.class_spread(rng, grade=klass.grade, change=trends[(index + s) % len(trends)])
            rows = monitoring_demo.class_rows(rng, data[method.pk], spread)
            for period in monitoring_demo.PERIODS:
                monitorings.append(ClassMonitoring(
                    class_assignment=klass, method=method, period=period, version=2,
                    updated_by=teacher.user if teacher.user_id else head,
                ))
                drawn.append(rows[period])
        ClassMonitoring.objects.bulk_create(monitorings)
        pupils = MonitoredPupil.objects.bulk_create(
            (
                MonitoredPupil(monitoring_id=monitoring.pk, number=row.number, initials=row.initials)
                for monitoring, rows in zip(monitorings, drawn, strict=True)
                for row in rows
            ),
            batch_size=MONITORING_BATCH,
        )
        _insert_rows(
            Grade, ("pupil", "quality", "rater", "value"),
            (
                (pupil.pk, quality, rater, value)
                for pupil, row in zip(pupils, (row for rows in drawn for row in rows), strict=True)
                for (quality, rater), value in row.grades.items()
            ),
        )


# --- the annual analyses ------------------------------------------------------------------------

#: A stand-in for an accepted analysis' PDF as issued (the bench renders the draft's PDF itself).
ANALYSIS_PDF = b"%PDF-1.4\n% bench: an accepted analysis as issued\n%%EOF\n"
ANALYSIS_NARRATIVE = {
    "goals_assessment": "Поставленные задачи в основном решены: проведены все заседания, открытые мероприятия "
    "и мониторинг уровня воспитанности в сентябре и мае.",
    "achievements": "Призёры муниципального этапа конкурса «Самый классный классный»; обобщён опыт проведения КТД.",
    "problems": "Недостаточное участие родителей в совместных мероприятиях.",
    "next_year_tasks": "Продолжить работу по методической теме.\nПровести не менее четырёх открытых классных "
    "часов.\nОрганизовать наставничество для молодых классных руководителей.",
}


def _build_analyses(scale, years, districts, rmos, mos, methodologists, staff) -> None:
    """The years before: every school МО's analysis accepted (its figures frozen from its records,
    its PDF a stand-in stored as a file); last year's РМО analysis a draft (so its page adds up the
    accepted school analyses live), the РМО's of the years before that accepted too (frozen with
    the roll-up of their year); this year: every association's draft, the narrative written. The
    deadline of every year: 10 June. The figures are computed for the first district's schools
    (and РМО; the years before last year's, its first three schools) and reused, school by school,
    in the others (the same data pattern), so that the large set builds in seconds."""
    *past, year = years
    previous_year = past[-1]
    AnalysisDeadline.objects.bulk_create(
        AnalysisDeadline(district=district, academic_year=academic_year,
                         due_on=datetime.date(academic_year.start_year + 1, 6, 10), set_by=methodologist.user)
        for district, methodologist in zip(districts, methodologists, strict=True)
        for academic_year in years
    )
    first = [mo for mo in mos if mo.district_id == districts[0].pk]

    def accepted(associations, academic_year: AcademicYear, frozen: list[dict], writers) -> list[Analysis]:
        """The associations' analyses of that year, accepted on 9 June with a stand-in PDF."""
        files = []
        for association in associations:
            name = default_storage.save(f"analyses/bench-{association.pk}-{academic_year.start_year}.pdf",
                                        ContentFile(ANALYSIS_PDF))
            files.append(StoredFile(
                storage_name=name, original_name=f"analysis-{association.pk}.pdf", type=StoredFile.Type.PDF,
                size=len(ANALYSIS_PDF), sha256=hashlib.sha256(ANALYSIS_PDF).hexdigest(),
            ))
        files = StoredFile.objects.bulk_create(files, batch_size=2000)
        submitted = timezone.make_aware(datetime.datetime(academic_year.start_year + 1, 6, 5, 15))
        accepted_at = timezone.make_aware(datetime.datetime(academic_year.start_year + 1, 6, 9, 11))
        return [
            Analysis(
                association=association, academic_year=academic_year, status=Analysis.Status.ACCEPTED,
                figures=frozen[s % len(frozen)], submitted_at=submitted, submitted_by=writer.user,
                accepted_at=accepted_at, pdf=stored, pdf_sha256=stored.sha256, version=3, updated_by=writer.user,
                **ANALYSIS_NARRATIVE,
            )
            for s, (association, stored, writer) in enumerate(zip(associations, files, writers, strict=True))
        ]

    rows = []
    heads = [staff[mo.school_id][0] for mo in mos]
    for academic_year in past:
        # Last year's of every school of the first district (the РМО's roll-up and the district
        # summary the bench opens read them); the years before, the first three schools' reused.
        frozen = [figures_for(mo, academic_year).to_data() for mo in (first if academic_year == previous_year
                                                                      else first[:3])]
        rows += accepted(mos, academic_year, frozen, heads)
    rows += [Analysis(association=mo, academic_year=year, updated_by=head.user, **ANALYSIS_NARRATIVE)
             for mo, head in zip(mos, heads, strict=True)]
    rows += [
        Analysis(association=rmo, academic_year=academic_year, updated_by=methodologist.user, **ANALYSIS_NARRATIVE)
        for rmo, methodologist in zip(rmos, methodologists, strict=True)
        for academic_year in (previous_year, year)
    ]
    analyses = Analysis.objects.bulk_create(rows, batch_size=2000)
    # The РМО's roll-up of an older year counts the school analyses accepted above.
    older = []
    for academic_year in past[:-1]:
        older += accepted(rmos, academic_year, [figures_for(rmos[0], academic_year).to_data()], methodologists)
    analyses += Analysis.objects.bulk_create(older, batch_size=2000)
    AnalysisTransition.objects.bulk_create(
        (
            AnalysisTransition(analysis=analysis, from_status=from_status, to_status=to_status, at=at, by_name="—")
            for analysis in analyses if analysis.status == Analysis.Status.ACCEPTED
            for from_status, to_status, at in (("draft", "submitted", analysis.submitted_at),
                                               ("submitted", "accepted", analysis.accepted_at))
        ),
        batch_size=2000,
    )


def _insert_rows(model, fields: tuple[str, ...], rows: Iterable[tuple], *, batch: int = 2000) -> None:
    """INSERTs of plain column values (ids, small numbers, a choice's value, a short text): for
    the millions of grades of the large data set, and the rows nobody needs as model instances
    (memberships, attendance marks, the many-to-many rows), where bulk_create's per-row model and
    field preparation takes five times as long as the database (3 million rows: minutes, not seconds).
    No field's conversion is applied: the values must be what the columns store."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    rows = iter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # One statement prepared once, the rows bound in C: faster than multi-row VALUES here
            # (1.6 ×); psycopg2's executemany is a round trip per row, so not on PostgreSQL.
            # A list: with DEBUG on, Django's cursor wrapper takes the rows' len().
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES {row_sql}", list(rows))  # noqa: S608
            return
        while chunk := list(itertools.islice(rows, batch)):
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(chunk))}",  # noqa: S608 - names from _meta
                [value for row in chunk for value in row],
            )


def _delete(scale_name: str, year: AcademicYear) -> None:
    """Remove a data set of this scale and year, of any DATA_VERSION (an old or a partial one),
    children first (the FKs protect). Raw deletes: a cascade through the ORM would write a
    history record for each of the thousands of rows, and a bench's rows need none."""
    prefix = f"{SLUG_PREFIX}{scale_name}-{year.start_year}-"
    districts = District.objects.filter(slug__startswith=prefix)
    plans = AnnualPlan.objects.filter(association__district__in=districts)
    user_ids = list(Person.objects.filter(district__in=districts, user__isnull=False).values_list("user", flat=True))
    associations = Association.objects.filter(district__in=districts).values("pk")
    meetings = Meeting.objects.filter(association__in=associations)
    protocols = Protocol.objects.filter(association__in=associations)
    stored_pdfs = list(protocols.exclude(pdf="").values_list("pdf", flat=True))
    materials = Material.objects.filter(district__in=districts)
    material_files = MaterialFile.objects.filter(material__in=materials)
    stored_files = StoredFile.objects.filter(pk__in=list(material_files.values_list("file_id", flat=True)))
    blobs = [name for f in stored_files for name in (f.storage_name, thumbnail_name(f))]
    analyses = Analysis.objects.filter(association__in=associations)
    checklist = ChecklistDocument.objects.filter(association__in=associations)
    report_files = StoredFile.objects.filter(pk__in=[
        *analyses.exclude(pdf=None).values_list("pdf_id", flat=True), *checklist.values_list("file_id", flat=True),
    ])
    blobs += list(report_files.values_list("storage_name", flat=True))
    people = Person.objects.filter(district__in=districts)
    visits = Visit.objects.filter(school__district__in=districts)
    consultations = Consultation.objects.filter(association__in=associations)
    for queryset in (
        # The annual analyses and the checklist's documents: they point at the associations,
        # the years and (their PDFs, scans) the stored files.
        AnalysisTransition.objects.filter(analysis__in=analyses),
        Analysis.history.model.objects.filter(association_id__in=associations),
        analyses,
        AnalysisReminder.objects.filter(association__in=associations),
        AnalysisDeadline.objects.filter(district__in=districts),
        checklist,
        report_files,
        # The data bank: its cards point at the people, the schools and the meetings.
        material_files,
        stored_files,
        MaterialGrade.objects.filter(material__in=materials),
        Material.authors.through.objects.filter(material__in=materials),
        Material.history.model.objects.filter(district_id__in=districts),  # the bench's upload saves its card
        materials,
        # The records of methodical work: they point at the people, the appointments and
        # (the link of a visit) the meetings.
        Acknowledgment.objects.filter(appointment__association__in=associations),
        MeetingVisit.objects.filter(visit__in=visits),
        VisitRecommendation.objects.filter(visit__in=visits),
        visits,
        Consultation.consulted.through.objects.filter(consultation__in=consultations),
        consultations,
        Nomination.objects.filter(person__in=people),
        Course.objects.filter(person__in=people),
        AttestationApplication.objects.filter(person__in=people),
        Attestation.objects.filter(person__in=people),
        ContestEntry.objects.filter(person__in=people),
        Decision.objects.filter(protocol_item__protocol__in=protocols),
        ProtocolItem.objects.filter(protocol__in=protocols),
        # Signing through the service saved a history record of each stored protocol.
        Protocol.history.model.objects.filter(association_id__in=associations),
        protocols,
        Attendance.objects.filter(meeting__in=meetings),
        AgendaItem.speakers.through.objects.filter(agendaitem__meeting__in=meetings),
        AgendaItem.objects.filter(meeting__in=meetings),
        Guest.objects.filter(meeting__in=meetings),
        meetings,
        PlanItem.responsible.through.objects.filter(planitem__plan__in=plans),
        PlanItem.objects.filter(plan__in=plans),
        PlanTransition.objects.filter(plan__in=plans),
        plans,
        # The monitoring of upbringing: it points at the classes.
        Grade.objects.filter(pupil__monitoring__class_assignment__school__district__in=districts),
        MonitoredPupil.objects.filter(monitoring__class_assignment__school__district__in=districts),
        ClassMonitoring.objects.filter(class_assignment__school__district__in=districts),
        ClassAssignment.objects.filter(school__district__in=districts),
        Appointment.objects.filter(association__district__in=districts),
        Membership.objects.filter(association__district__in=districts),
        Association.objects.filter(district__in=districts),
        Person.objects.filter(district__in=districts),
        School.objects.filter(district__in=districts),
    ):
        queryset._raw_delete(queryset.db)
    get_user_model().objects.filter(pk__in=user_ids).delete()  # with their calendar tokens
    districts.delete()
    for name in stored_pdfs + blobs:
        default_storage.delete(name)
