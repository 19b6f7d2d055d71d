"""The test data, in one place: factory_boy factories for the organisation (districts, schools,
years, people, associations and their members, classes and appointments), the plans (plan,
section, form of work, item) and the meetings (meeting, agenda, guests, attendance, protocol,
its items and decisions). Defaults build a valid, realistic row.

Below the factories, factory functions build what takes several steps: a plan with its items, a
meeting recorded and a protocol signed through `meetings.services` as the pages do, a decision of
a signed protocol. Those named after the test world take conftest's `world` for their defaults
(its year, its school МО, its head)."""

from __future__ import annotations

import datetime
import hashlib
import uuid

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from associations.models import (
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
    DistrictOfficial,
    InstructionVersion,
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
from meetings import services as meeting_services
from meetings.models import (
    AgendaItem,
    Attendance,
    CalendarToken,
    Decision,
    EventForm,
    Guest,
    Material,
    MaterialFile,
    MaterialGrade,
    Meeting,
    Protocol,
    ProtocolItem,
    SentReminder,
    UpbringingDirection,
)

# --- time ----------------------------------------------------------------------------------------


def at(day: datetime.date, hour: int = 15, minute: int = 0) -> datetime.datetime:
    """`day` at hour:minute in the project's time zone (Moscow)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def in_days(n: int) -> datetime.date:
    """Today (the local date) plus n days."""
    return timezone.localdate() + datetime.timedelta(days=n)


# --- the organisation ------------------------------------------------------------------------------


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


class DistrictPersonFactory(PersonFactory):
    """A person of the district's methodical office: no school."""

    school = None
    district = factory.SubFactory(DistrictFactory)
    position = Person.Position.METHODIST


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


class DistrictOfficialFactory(factory.django.DjangoModelFactory):
    """The head of a district's education department (a person of the district, no school), who
    approves the РМО's plan."""

    class Meta:
        model = DistrictOfficial

    person = factory.SubFactory(
        PersonFactory, school=None, district=factory.SelfAttribute("..district"), position=Person.Position.OTHER,
        last_name="Соболева", first_name="Ирина", patronymic="Викторовна",
    )
    district = factory.SubFactory(DistrictFactory)
    role = DistrictOfficial.Role.EDUCATION_HEAD
    starts_on = datetime.date(2023, 9, 1)


def district_official(district, *, username: str = "nachalnik", **fields) -> DistrictOfficial:
    """A login for the head of `district`'s education department, in office."""
    user = UserFactory(username=username)
    person = PersonFactory(
        user=user, school=None, district=district, position=Person.Position.OTHER,
        last_name="Соболева", first_name="Ирина", patronymic="Викторовна",
    )
    return DistrictOfficialFactory(district=district, person=person, **fields)


def add_members(world, n: int, *, association=None, year=None, school=None, classes: bool = False) -> list[Person]:
    """n new people made members of `association` (the world's МО) for `year` (the world's):
    people of `school` (the association's own by default), each leading a class if `classes`."""
    association = association or world.mo
    school = school or association.school
    people = []
    for _ in range(n):
        person = PersonFactory(school=school, district=school.district if school else association.district)
        MembershipFactory(association=association, person=person, academic_year=year or world.year)
        if classes:
            ClassAssignmentFactory(teacher=person, academic_year=year or world.year)
        people.append(person)
    return people


def school_with_mo(district, *, year, members: int = 2) -> Association:
    """A new school of `district` with its МО: a head (the organizer, appointed) and `members`
    more, all members for `year` and each leading a class."""
    school = SchoolFactory(district=district)
    mo = AssociationFactory(school=school)
    head = PersonFactory(school=school, position=Person.Position.ORGANIZER)
    AppointmentFactory(association=mo, person=head)
    for person in [head, *(PersonFactory(school=school) for _ in range(members))]:
        MembershipFactory(association=mo, person=person, academic_year=year)
        ClassAssignmentFactory(teacher=person, academic_year=year)
    return mo


# --- plans -----------------------------------------------------------------------------------------

# The reference lists are filled by migration 0003; these factories find a row by its name and
# create it only where the database was flushed (the browser tests' live server).


class PlanSectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanSection
        django_get_or_create = ("name",)

    name = "Заседания МО"


class WorkFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkForm
        django_get_or_create = ("name",)

    name = "заседание"


class AnnualPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualPlan

    association = factory.SubFactory(AssociationFactory)
    academic_year = factory.SubFactory(AcademicYearFactory)
    status = AnnualPlan.Status.DRAFT
    theme = "Воспитание гражданина"
    goal = "Создание условий для роста мастерства"
    tasks = "Обновить формы работы\nОбобщить опыт"
    # Considered at the August meeting (protocol № 1), as a plan that goes to review has been.
    considered_protocol_number = "1"
    considered_on = factory.LazyAttribute(lambda o: datetime.date(o.academic_year.start_year, 8, 28))


class PlanItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanItem
        skip_postgeneration_save = True

    plan = factory.SubFactory(AnnualPlanFactory)
    position = factory.Sequence(lambda n: n + 1)
    section = factory.SubFactory(PlanSectionFactory)
    form = factory.SubFactory(WorkFormFactory)
    content = factory.LazyAttribute(lambda o: f"Пункт {o.position}")
    timing = PlanItem.Timing.MONTH
    month = 9

    @factory.post_generation
    def responsible(self, create, extracted, **kwargs):
        if create and extracted:
            self.responsible.set(extracted)


class PlanTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanTransition

    plan = factory.SubFactory(AnnualPlanFactory)
    from_status = AnnualPlan.Status.DRAFT
    to_status = AnnualPlan.Status.SUBMITTED
    by_name = "Волкова А."


ACADEMIC_MONTHS = [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8]


def plan_with_items(association, year, *, n_items: int = 3, status=AnnualPlan.Status.DRAFT, responsible=(),
                    **fields) -> AnnualPlan:
    """A plan with `n_items` items «Пункт 1», … due month by month from September: the first
    half under «Заседания МО», the rest under «Открытые мероприятия»; `responsible` answer for
    every item."""
    plan = AnnualPlanFactory(association=association, academic_year=year, status=status, **fields)
    sections = [PlanSection.objects.get(name="Заседания МО"), PlanSection.objects.get(name="Открытые мероприятия")]
    form = WorkForm.objects.get(name="заседание")
    through = PlanItem.responsible.through
    items = PlanItem.objects.bulk_create(
        PlanItem(
            plan=plan, position=i, section=sections[0] if i <= n_items // 2 else sections[1], form=form,
            content=f"Пункт {i}", timing=PlanItem.Timing.MONTH, month=ACADEMIC_MONTHS[(i - 1) % 12],
        )
        for i in range(1, n_items + 1)
    )
    through.objects.bulk_create(
        through(planitem_id=item.pk, person_id=person.pk) for item in items for person in responsible
    )
    return plan


def add_plan_items(plan: AnnualPlan, n: int, people) -> None:
    """n more items across four sections and five forms of work, every third one done; two of
    `people` (in turn) answer for each."""
    start = plan.items.count()
    sections = list(PlanSection.objects.all()[:4])
    forms = list(WorkForm.objects.all()[:5])
    items = PlanItem.objects.bulk_create(
        PlanItem(
            plan=plan, position=start + i, section=sections[i % 4], form=forms[i % 5], content=f"Пункт {start + i}",
            timing=PlanItem.Timing.MONTH, month=ACADEMIC_MONTHS[i % 12],
            execution=PlanItem.Execution.DONE if i % 3 == 0 else PlanItem.Execution.PENDING,
            executed_on=timezone.localdate() if i % 3 == 0 else None,
        )
        for i in range(1, n + 1)
    )
    through = PlanItem.responsible.through
    through.objects.bulk_create(
        through(planitem_id=item.pk, person_id=person.pk)
        for k, item in enumerate(items)
        for person in people[k % 3:][:2]
    )


def marker(i: int) -> str:
    """A distinctive string per item of `plan_document`, which no hyphenation or layout can
    confuse with another."""
    return f"ПП{i:03d}"


def plan_document(
    association: Association,
    year: AcademicYear,
    *,
    items: int = 10,
    status: str = AnnualPlan.Status.APPROVED,
    content=None,
    **fields,
) -> AnnualPlan:
    """A plan as its documents print it: a full header, `items` items (each with its `marker`)
    across the first four sections (from migration 0003), forms of work, two responsible people
    and every kind of execution mark."""
    sections = list(PlanSection.objects.order_by("order", "name"))[:4]
    forms = list(WorkForm.objects.order_by("order", "name"))
    people = [
        PersonFactory(
            school=association.school, district=association.district,
            last_name="Лебедева", first_name="Наталья", patronymic="Петровна",
        ),
        PersonFactory(
            school=association.school, district=association.district,
            last_name="Орлов", first_name="Сергей", patronymic="",
        ),
    ]
    header = {
        "theme": "Формирование воспитательной среды класса как условие развития личности обучающегося",
        "goal": "Повышение профессиональной компетентности классных руководителей",
        "tasks": "Изучить нормативные документы\n- Обобщить опыт работы\nОрганизовать взаимопосещение",
        "expected_results": "Рост числа открытых мероприятий и участников конкурсов",
    }
    header.update(fields)
    plan = AnnualPlan.objects.create(association=association, academic_year=year, status=status, **header)
    rows = []
    for i in range(1, items + 1):
        kind = i % 4
        rows.append(
            PlanItem(
                plan=plan,
                position=i,
                section=sections[(i - 1) * len(sections) // items],
                content=content(i) if content else f"Мероприятие {marker(i)}: классный час «Разговоры о важном»",
                form=forms[i % len(forms)],
                timing=PlanItem.Timing.MONTH if kind else PlanItem.Timing.THROUGHOUT,
                month=[9, 10, 11, 12, 1, 2, 3, 4, 5][i % 9] if kind else None,
                execution=[
                    PlanItem.Execution.PENDING,
                    PlanItem.Execution.DONE,
                    PlanItem.Execution.MOVED,
                    PlanItem.Execution.CANCELLED,
                ][kind],
                executed_on=datetime.date(2025, 10, 15) if kind == 1 else None,
                moved_timing="на ноябрь" if kind == 2 else "",
                execution_note="по приказу" if kind == 3 else "",
            )
        )
    created = PlanItem.objects.bulk_create(rows)
    through = PlanItem.responsible.through
    through.objects.bulk_create(
        [through(planitem_id=item.pk, person_id=person.pk) for item in created for person in people]
    )
    return plan


def district_plans(world, count: int) -> None:
    """`count` school associations in the world's district, each with a plan that has items,
    responsible people and a transition (drafts and approved plans in turn)."""
    for i in range(count):
        association = AssociationFactory(school=SchoolFactory(district=world.district))
        plan = plan_document(
            association, world.year, items=2, status=[AnnualPlan.Status.DRAFT, AnnualPlan.Status.APPROVED][i % 2]
        )
        PlanTransitionFactory(plan=plan, by_name=f"Кто-то {i}")


# --- meetings --------------------------------------------------------------------------------------


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting row written directly, in ten days by default, in the academic year of its date;
    tests of the recording rules go through `recorded_meeting` (the service)."""

    class Meta:
        model = Meeting

    association = factory.SubFactory(AssociationFactory)
    starts_at = factory.LazyFunction(lambda: at(in_days(10)))
    academic_year = factory.LazyAttribute(
        lambda o: AcademicYear.objects.for_date(timezone.localtime(o.starts_at).date())
    )
    theme = "Профилактика буллинга"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem
        skip_postgeneration_save = True

    meeting = factory.SubFactory(MeetingFactory)
    position = 1
    title = factory.LazyAttribute(lambda o: f"О вопросе {o.position}")

    @factory.post_generation
    def speakers(self, create, extracted, **kwargs):
        if create and extracted:
            self.speakers.set(extracted)


class GuestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Guest

    meeting = factory.SubFactory(MeetingFactory)
    full_name = "Петрова Е.Н."


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory, school=factory.SelfAttribute("..meeting.association.school"))
    present = True


class ProtocolFactory(factory.django.DjangoModelFactory):
    """A draft protocol written directly, numbered next in its association and year; tests of
    the numbering and the signing go through `meetings.services`."""

    class Meta:
        model = Protocol

    meeting = factory.SubFactory(MeetingFactory)
    association = factory.SelfAttribute("meeting.association")
    academic_year = factory.SelfAttribute("meeting.academic_year")
    number = factory.LazyAttribute(
        lambda o: Protocol.objects.filter(association=o.association, academic_year=o.academic_year).count() + 1
    )


class ProtocolItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProtocolItem

    protocol = factory.SubFactory(ProtocolFactory)
    decided = "Принять к сведению"


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    protocol_item = factory.SubFactory(ProtocolItemFactory)
    text = "Провести классные часы"
    responsible = factory.SubFactory(PersonFactory)
    due_on = factory.LazyFunction(lambda: in_days(30))


def mark_signed(protocol: Protocol) -> None:
    """The protocol signed the way the database sees a signed one (no PDF is rendered): after
    this, its rows refuse every change."""
    Protocol.objects.filter(pk=protocol.pk).update(status="signed", signed_at=timezone.now(), pdf_sha256="0" * 64)


def decision_of(association, year=None, *, responsible, due_on: datetime.date, text: str = "Провести классные часы",
                signed: bool = True, **meeting_fields) -> Decision:
    """A decision of a new protocol of `association`, of a meeting a week ago (in `year`, else in
    the year of its date; `meeting_fields` for MeetingFactory); the protocol is marked signed
    unless `signed` is False."""
    meeting_fields.setdefault("starts_at", timezone.now() - datetime.timedelta(days=7))
    if year is not None:
        meeting_fields["academic_year"] = year
    meeting = MeetingFactory(association=association, **meeting_fields)
    item = ProtocolItemFactory(protocol=ProtocolFactory(meeting=meeting), decided=text)
    decision = DecisionFactory(protocol_item=item, text=text, responsible=responsible, due_on=due_on)
    if signed:
        mark_signed(item.protocol)
    return decision


def meeting_of_item(item: PlanItem, **fields) -> Meeting:
    """A meeting that carries out a plan item: of its plan's association and year, named after
    it, on 15 October at 15:00."""
    year = item.plan.academic_year
    return MeetingFactory(
        association=item.plan.association, academic_year=year, theme=item.content,
        starts_at=at(datetime.date(year.start_year, 10, 15)), plan_item=item, **fields,
    )


def meetings_over_district(world, n: int, *, first: datetime.date) -> None:
    """n meetings over the world's district, one a day from `first` (four weeks round), at
    9:00 to 17:00, of every kind: a new school's МО, the world's МО, the РМО, the other МО."""
    mo = AssociationFactory(school=SchoolFactory(district=world.district))
    associations = [world.mo, world.rmo, mo, world.other_mo]
    for i in range(n):
        MeetingFactory(
            association=associations[i % 4], starts_at=at(first + datetime.timedelta(days=i % 28), 9 + i % 9),
            theme=f"Заседание {i}", kind=Meeting.Kind.values[i % 7],
        )


# --- meetings through the services, as the pages record them ---------------------------------------


def recorded_meeting(world, *, association=None, day=None, hour=15, minute=0, user=None,
                     theme="Профилактика буллинга", **fields) -> Meeting:
    """A meeting recorded through `meetings.services.meeting_create`: of the world's МО by its
    head unless told, on `day` (40 days into the world's year) at hour:minute."""
    day = day or world.year.starts_on + datetime.timedelta(days=40)
    return meeting_services.meeting_create(
        association=association or world.mo, user=user or world.head, starts_at=at(day, hour, minute), theme=theme,
        **fields,
    )


def add_agenda(meeting: Meeting, n: int, speakers=()) -> list[AgendaItem]:
    """Questions «О вопросе 1» … «О вопросе n», each with `speakers`."""
    return [AgendaItemFactory(meeting=meeting, position=i, speakers=list(speakers)) for i in range(1, n + 1)]


def mark_attendance(world, meeting: Meeting, people, *, absent=()) -> None:
    """The attendance saved by the world's head: `people` present but for `absent` (on sick
    leave)."""
    meeting_services.attendance_save(
        meeting=meeting, user=world.head,
        rows=[
            {"person": p, "present": p not in absent, "absence_reason": "" if p not in absent else "больничный лист"}
            for p in people
        ],
    )


def mark_the_rest_present(meeting: Meeting) -> None:
    """Every member of the meeting's year not yet marked, marked present (signing needs all)."""
    marked = set(meeting.attendance.values_list("person_id", flat=True))
    members = Membership.objects.filter(
        association_id=meeting.association_id, academic_year_id=meeting.academic_year_id
    ).exclude(person_id__in=marked)
    Attendance.objects.bulk_create(Attendance(meeting=meeting, person_id=m.person_id, present=True) for m in members)


def sign_protocol(world, meeting: Meeting, *, decisions_per_item: int = 1) -> Protocol:
    """A protocol of the meeting, filled in and signed through the services: the head chairs,
    the teacher is the secretary and answers for every decision; members not marked yet are
    marked present."""
    mark_the_rest_present(meeting)
    protocol = meeting_services.protocol_create(meeting=meeting, user=world.head)
    Protocol.objects.filter(pk=protocol.pk).update(chair=world.head_person, secretary=world.teacher_person)
    items = list(protocol.items.all()) or [ProtocolItemFactory(protocol=protocol, position=1, decided="")]
    for item in items:
        ProtocolItem.objects.filter(pk=item.pk).update(heard="Доклад", decided="Принять к сведению")
        for i in range(decisions_per_item):
            DecisionFactory(
                protocol_item=item, text=f"Провести классный час {i + 1}", responsible=world.teacher_person,
                due_on=world.year.starts_on + datetime.timedelta(days=90),
            )
    return meeting_services.protocol_sign(protocol=Protocol.objects.get(pk=protocol.pk), user=world.head)


def build_meeting(world, *, n_agenda: int, n_attendees: int, theme: str) -> Meeting:
    """A recorded meeting with `n_agenda` questions (two speakers each), `n_attendees` new
    members marked (the first absent) and two guests."""
    meeting = recorded_meeting(world, theme=theme)
    people = add_members(world, n_attendees)
    add_agenda(meeting, n_agenda, people[:2])
    mark_attendance(world, meeting, people, absent=people[:1])
    Guest.objects.bulk_create(Guest(meeting=meeting, full_name=f"Гость {i}") for i in range(2))
    return meeting


def build_protocol(world, *, n_items: int, n_attendees: int, theme: str) -> Protocol:
    """A draft protocol of a `build_meeting`: every question heard, decided, voted, with two
    decisions."""
    meeting = build_meeting(world, n_agenda=n_items, n_attendees=n_attendees, theme=theme)
    protocol = meeting_services.protocol_create(meeting=meeting, user=world.head)
    Protocol.objects.filter(pk=protocol.pk).update(chair=world.head_person, secretary=world.teacher_person)
    for item in protocol.items.all():
        ProtocolItem.objects.filter(pk=item.pk).update(
            heard="Доклад", decided="Решение", votes_for=1, heard_person=world.teacher_person
        )
        for i in range(2):
            DecisionFactory(protocol_item=item, text=f"Решение {i}", responsible=world.teacher_person,
                            due_on=world.year.ends_on)
    return protocol


def sized_protocol(world, *, items: int, attendees: int) -> Protocol:
    """A draft protocol with every kind of row the document reads: people with classes, guests,
    agenda questions with speakers, items with a speaker, a decision and a vote."""
    meeting = recorded_meeting(world, theme=f"Тема на {items} вопросов")
    people = [
        PersonFactory(school=world.school, last_name=f"Участник{i:02d}", first_name="Инна", patronymic="Ивановна",
                      gender=Person.Gender.FEMALE)
        for i in range(attendees)
    ]
    for i, person in enumerate(people):
        ClassAssignmentFactory(teacher=person, academic_year=world.year)
        AttendanceFactory(meeting=meeting, person=person, present=i != 0, absence_reason="" if i else "отпуск")
    GuestFactory(meeting=meeting, full_name="Петрова Е.Н.", position="заместитель директора по ВР")
    for n in range(1, items + 1):
        AgendaItemFactory(meeting=meeting, position=n, speakers=[people[n]])
    protocol = meeting_services.protocol_create(meeting=meeting, user=world.head)
    Protocol.objects.filter(pk=protocol.pk).update(chair=people[1], secretary=people[2])
    for n, item in enumerate(protocol.items.order_by("position"), start=1):
        ProtocolItem.objects.filter(pk=item.pk).update(heard_person=people[n], heard=f"Доклад {n}",
                                                       decided=f"Решение {n}", votes_for=2)
        DecisionFactory(protocol_item=item, text=f"Сделать {n}", responsible=people[n],
                        due_on=datetime.date(2026, 3, n))
    return Protocol.objects.get(pk=protocol.pk)


def signed_meetings_with_feeds(world, n: int) -> None:
    """n `build_meeting`s, each with a signed protocol of two decisions per question, a calendar
    token of a new user and a reminder sent about it: a row of every model of the meetings admin."""
    for i in range(n):
        meeting = build_meeting(world, n_agenda=2, n_attendees=2, theme=f"Заседание {i}")
        sign_protocol(world, meeting, decisions_per_item=2)
        user = get_user_model().objects.create(username=f"calendar{len(CalendarToken.objects.all())}")
        CalendarToken.objects.create(user=user)
        SentReminder.objects.create(
            kind=SentReminder.Kind.MEETING, object_id=meeting.pk, email=f"t{i}@example.org",
            for_date=meeting.starts_at.date(),
        )


# --- the records of methodical work ---------------------------------------------------------------
# Each factory's date defaults to the first week of October of its academic year (the world's year
# by default: AcademicYear.objects.current()).


def _current_year():
    return AcademicYear.objects.current()


def _october(record) -> datetime.date:
    return datetime.date(record.academic_year.start_year, 10, 7)


class ContestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contest
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Конкурс профессионального мастерства № {n + 1}")
    organiser = "Отдел образования"
    is_official = True


class ContestEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContestEntry

    person = factory.SubFactory(PersonFactory)
    contest = factory.SubFactory(ContestFactory)
    level = Level.MUNICIPAL
    academic_year = factory.LazyFunction(_current_year)
    held_on = factory.LazyAttribute(_october)
    result = ContestEntry.Result.PARTICIPANT


class AttestationFactory(factory.django.DjangoModelFactory):
    """A category granted; `expires_on` as the service computes it is the test's to set."""

    class Meta:
        model = Attestation

    person = factory.SubFactory(PersonFactory)
    category = "first"
    academic_year = factory.LazyFunction(_current_year)
    granted_on = factory.LazyAttribute(_october)
    order_number = factory.Sequence(lambda n: f"{n + 100}-к")
    order_date = factory.LazyAttribute(lambda o: o.granted_on)


class AttestationApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AttestationApplication

    person = factory.SubFactory(PersonFactory)
    category = "highest"
    academic_year = factory.LazyFunction(_current_year)
    applied_on = factory.LazyAttribute(_october)


class CourseProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseProvider
        django_get_or_create = ("name",)

    name = "Институт развития образования (региональный)"


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    person = factory.SubFactory(PersonFactory)
    title = "Классное руководство в современной школе"
    provider = factory.SubFactory(CourseProviderFactory)
    hours = 36
    academic_year = factory.LazyFunction(_current_year)
    ends_on = factory.LazyAttribute(_october)
    starts_on = factory.LazyAttribute(lambda o: o.ends_on - datetime.timedelta(days=5))
    document_number = factory.Sequence(lambda n: f"6724{n:08d}")


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    school = factory.SubFactory(SchoolFactory)
    target = Visit.Target.EVENT
    visitor = factory.SubFactory(DistrictPersonFactory)
    academic_year = factory.LazyFunction(_current_year)
    visited_on = factory.LazyAttribute(_october)
    event_title = "Открытый классный час «Россия — наш общий дом»"
    purpose = "Изучение опыта проведения классных часов"
    findings = "Классный час проведён на высоком методическом уровне."


class VisitRecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitRecommendation

    visit = factory.SubFactory(VisitFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = "Обобщить опыт на заседании МО"
    due_on = factory.LazyAttribute(lambda o: o.visit.visited_on + datetime.timedelta(days=30))


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    association = factory.SubFactory(AssociationFactory)
    kind = Consultation.Kind.INDIVIDUAL
    topic = "Подготовка к аттестации"
    consultant = factory.SubFactory(PersonFactory)
    academic_year = factory.LazyFunction(_current_year)
    held_on = factory.LazyAttribute(_october)
    duration_minutes = 30

    @factory.post_generation
    def consulted(self, create, people, **kwargs):
        if create and people:
            self.consulted.set(people)


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    person = factory.SubFactory(PersonFactory)
    reason = "За высокие результаты в воспитательной работе"
    award = "Почётная грамота"
    addressee = Nomination.Addressee.SCHOOL
    academic_year = factory.LazyFunction(_current_year)
    nominated_on = factory.LazyAttribute(_october)


def instruction_version(kind: str = Association.Kind.DISTRICT) -> InstructionVersion:
    """The current version of the instruction for associations of `kind` (the migration's)."""
    return InstructionVersion.objects.filter(instruction__association_kind=kind).order_by("-number").first()


class AcknowledgmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Acknowledgment

    appointment = factory.SubFactory(AppointmentFactory)
    version = factory.LazyAttribute(lambda o: instruction_version(o.appointment.association.kind))
    acknowledged_on = factory.LazyAttribute(lambda o: o.appointment.order_date)



# --- files and the data bank ------------------------------------------------------------------------

#: The smallest PDF a test needs as a file's content (the type check reads its signature).
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(width: int = 40, height: int = 30, color: str = "#4a7") -> bytes:
    """A real PNG image (Pillow), for the thumbnails."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


TINY_PNG = png_bytes()


class StoredFileFactory(factory.django.DjangoModelFactory):
    """A stored file written straight to the default storage (the upload checks are the file
    module's tests)."""

    class Meta:
        model = StoredFile

    original_name = "Сценарий.pdf"
    type = StoredFile.Type.PDF
    content = TINY_PDF  # not a field: the bytes to store

    @classmethod
    def _create(cls, model_class, *args, content=TINY_PDF, **kwargs):
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        kwargs.setdefault("storage_name", default_storage.save(f"files/test/{uuid.uuid4().hex}", ContentFile(content)))
        kwargs.setdefault("size", len(content))
        kwargs.setdefault("sha256", hashlib.sha256(content).hexdigest())
        return super()._create(model_class, *args, **kwargs)


def _form():
    return EventForm.objects.get_or_create(name="Классный час")[0]


def _direction():
    return UpbringingDirection.objects.get_or_create(name="Патриотическое воспитание")[0]


class MaterialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Material
        skip_postgeneration_save = True

    title = "Классный час «Моя Родина — Россия»"
    form = factory.LazyFunction(_form)
    direction = factory.LazyFunction(_direction)
    owner = factory.SubFactory(PersonFactory)
    school = factory.LazyAttribute(lambda o: o.owner.school)
    district = factory.LazyAttribute(lambda o: o.owner.district)
    academic_year = factory.LazyFunction(_current_year)
    held_on = factory.LazyAttribute(_october)
    visibility = Material.Visibility.SCHOOL
    goal = "Воспитание любви к Родине"
    description = "Беседа о малой родине и о стране, презентация, викторина."

    @factory.post_generation
    def authors(self, create, people, **kwargs):
        if create:
            self.authors.set(people or [self.owner])

    @factory.post_generation
    def grades(self, create, grades, **kwargs):
        if create:
            for grade in grades or [5]:
                MaterialGrade.objects.create(material=self, grade=grade)


class MaterialFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaterialFile

    material = factory.SubFactory(MaterialFactory)
    kind = MaterialFile.Kind.SCENARIO
    file = factory.SubFactory(StoredFileFactory)


# --- monitoring of upbringing (reports.monitoring) ----------------------------------------------


def class_monitoring(class_assignment, *, period="september", period_name="", pupils=6, values=None, user=None):
    """A class's monitoring by the current method for its grade (seeded when a flush removed it),
    with `pupils` pupils numbered 1..n graded by every rater on every quality: `values(n, quality
    position, rater)` gives the grade (default: 4 for all). Saved through the service's rules but
    without its access check."""
    from reports.monitoring import services as monitoring_services
    from reports.monitoring.models import ClassMonitoring, Grade, MonitoredPupil

    monitoring_services.methods_seed()
    method = monitoring_services.current_method(class_assignment.grade)
    monitoring = ClassMonitoring.objects.create(
        class_assignment=class_assignment, method=method, period=period, period_name=period_name, updated_by=user,
    )
    qualities = list(method.qualities.all())
    raters = [r.rater for r in method.raters.all()]
    for n in range(1, pupils + 1):
        pupil = MonitoredPupil.objects.create(monitoring=monitoring, number=n, initials="")
        Grade.objects.bulk_create(
            Grade(pupil=pupil, quality=quality, rater=rater, value=values(n, quality.position, rater) if values else 4)
            for quality in qualities
            for rater in raters
        )
    return monitoring


# --- the annual analysis (reports.analysis) -----------------------------------------------------


def analysis_of(association, year=None, *, status="draft", by=None, **fields):
    """An association's analysis of `year` (the world's current one by default) in `status`,
    written straight to the database with what that status needs (a narrative; figures and the
    submission for a submitted or accepted one; a stored PDF for an accepted one; a comment for a
    returned one): the service's rules are their own tests'."""
    from reports.analysis.models import Analysis

    now = timezone.now()
    values = {
        "goals_assessment": "Цель достигнута, задачи в основном решены.",
        "achievements": "Призёры муниципального конкурса.",
        "problems": "Низкая посещаемость в мае.",
        "next_year_tasks": "Обобщить опыт\nПровести открытые классные часы",
        "updated_by": by,
    }
    if status in ("submitted", "accepted", "returned"):
        values.update(figures={"schema": 0}, submitted_at=now, submitted_by=by)
    if status == "accepted":
        stored = StoredFileFactory(original_name="analysis.pdf")
        values.update(accepted_at=now, accepted_by=by, pdf=stored, pdf_sha256=stored.sha256)
    if status == "returned":
        values.update(returned_at=now, returned_by=by, return_comment="Дополните раздел о проблемах.")
    values.update(fields)
    return Analysis.objects.create(
        association=association, academic_year=year or _current_year(), status=status, **values
    )
