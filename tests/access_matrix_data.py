"""The data of tests/test_access_matrix.py and tests/test_get_writes_nothing.py: the users, the
objects each URL is asked about (the `Scene`), a checksum of the database, and the walk of the
URL resolver.

The expected answers themselves (the MATRIX) are in tests/test_access_matrix.py, next to the
tests that read them.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from associations.models import (
    AcademicYear,
    AnnualPlan,
    Appointment,
    Membership,
    Person,
    PlanItem,
    PlanItemFile,
    PlanSection,
    StaffDistrict,
    WorkForm,
)
from meetings import services as meeting_services
from meetings.models import (
    AgendaItem,
    CalendarToken,
    Decision,
    DecisionFile,
    Meeting,
    Protocol,
    ProtocolItem,
    ProtocolScan,
)
from tests import factories as f
from tests.factories import TINY_PNG
from tests.helpers import form_data

# --- the users --------------------------------------------------------------------------------

#: Every user the matrix asks about, in the order of its columns.
USERS = (
    "anonymous",  # no login
    "teacher",  # a class teacher of the school, member of its МО
    "secretary",  # the МО's secretary (an Appointment with role SECRETARY)
    "head",  # the МО's head
    "deputy",  # the school's deputy director
    "other_deputy",  # the deputy director of another school of the district
    "methodologist",  # the district's methodologist
    "other_methodologist",  # the methodologist of another district
    "staff",  # the education department: is_staff, no person, the associations' and meetings' permissions
    "superuser",
    "nobody",  # a login with no person and no staff flag
    "other_staff",  # a staff user like "staff", of the other district (StaffDistrict)
)
#: A row of the matrix may leave out the last column: another district's staff user is then
#: answered as another district's methodologist is (404 for this district's objects).
DERIVED = {"other_staff": "other_methodologist"}
PASSWORD = "pass12345"  # tests/factories.py's UserFactory
UNKNOWN_TOKEN = "no-such-calendar-token"


# --- the objects each URL is asked about --------------------------------------------------------


@dataclass
class Records:
    """The records of methodical work concerning the world's class teacher (and its school), one of
    each kind, as the teacher (or the methodologist) entered them."""

    contest_entry: object  # the teacher's, municipal stage, not yet confirmed
    contest: object  # the reference list's contest of the entry
    attestation: object  # the teacher's первая, granted this year
    application: object  # the teacher's application for высшая, pending
    course: object  # the teacher's course, this year
    nomination: object  # the МО's nomination of the teacher, pending
    visit: object  # the methodologist's visit to the teacher's open event at the school
    recommendation: object  # of the visit, open
    consultation: object  # in the school МО's log: the head consulted the teacher
    head_appointment: object  # the school МО head's appointment: its acknowledgment of the regulation


def build_records(world, *, previous_year) -> Records:
    """One record of each kind, written with the ORM (the services' rules are their tests')."""
    teacher, head, methodologist = world.teacher_person, world.head_person, world.methodologist.person
    # A date of this year already past (the pages refuse marks dated in the future).
    october = min(datetime.date(world.year.start_year, 10, 7), timezone.localdate())
    contest = f.ContestFactory(name="Самый классный классный")
    entry = f.ContestEntryFactory(person=teacher, contest=contest, entered_by=world.teacher, held_on=october)
    attestation = f.AttestationFactory(person=teacher, category="first", granted_on=october, entered_by=world.head)
    application = f.AttestationApplicationFactory(person=teacher, category="highest", applied_on=october)
    course = f.CourseFactory(person=teacher, ends_on=october)
    nomination = f.NominationFactory(person=teacher, association=world.mo, nominated_on=october)
    visit = f.VisitFactory(school=world.school, visitor=methodologist, visited_person=teacher, visited_on=october)
    recommendation = f.VisitRecommendationFactory(visit=visit, position=1)
    consultation = f.ConsultationFactory(
        association=world.mo, consultant=head, held_on=october, consulted=[teacher]
    )
    head_appointment = Appointment.objects.get(association=world.mo, person=head, role=Appointment.Role.HEAD)
    return Records(
        contest_entry=entry, contest=contest, attestation=attestation, application=application, course=course,
        nomination=nomination, visit=visit, recommendation=recommendation, consultation=consultation,
        head_appointment=head_appointment,
    )


@dataclass
class Bank:
    """The data bank's cards the pages act on: the world's class teacher's, one of each visibility,
    each with a file, and a card of the other school of the district (the school's own)."""

    draft: object  # the teacher's draft
    school_card: object  # the teacher's, «моя школа»: the school МО head publishes it
    district_card: object  # the teacher's, «весь район»
    other_school_card: object  # a teacher of the other school's, «моя школа»
    draft_file: object  # MaterialFile of the draft (a PDF)
    school_file: object  # MaterialFile of the school card (a PNG photo: the thumbnail)
    district_file: object  # MaterialFile of the district card (a PDF)


def build_bank(world) -> Bank:
    teacher = world.teacher_person
    draft = f.MaterialFactory(owner=teacher, visibility="draft", title="Черновик классного часа")
    school_card = f.MaterialFactory(owner=teacher, visibility="school", title="Классный час «Моя Родина»")
    district_card = f.MaterialFactory(owner=teacher, visibility="district", title="Акция «Чистый двор»")
    other = f.PersonFactory(school=world.other_school, last_name="Соседова")
    other_school_card = f.MaterialFactory(owner=other, visibility="school", title="Викторина «Знатоки»")
    return Bank(
        draft=draft, school_card=school_card, district_card=district_card, other_school_card=other_school_card,
        draft_file=f.MaterialFileFactory(material=draft),
        school_file=f.MaterialFileFactory(
            material=school_card, kind="photo",
            file=f.StoredFileFactory(original_name="Фото.png", type="png", content=TINY_PNG),
        ),
        district_file=f.MaterialFileFactory(material=district_card),
    )


class Upload:
    """A file a matrix POST attaches: whole at every read (the matrix posts one body for every
    user, and the test client reads a file without rewinding it)."""

    def __init__(self, name: str, content: bytes):
        self.name = name
        self.content = content

    def read(self, *args) -> bytes:
        return self.content


@dataclass
class Scans:
    """Files elsewhere: a signed protocol with its scan (`scene.protocol_signed` has none: the
    attach), a result file of the approved plan's item and of the teacher's decision, and the
    school МО head's appointment with its order's scan."""

    protocol_scanned: Protocol  # the school МО's, signed, with the scan of its paper
    plan_item_file: object  # of scene.approved_item, attached by the head
    decision_file: object  # of scene.decision, attached by the teacher (the decision is hers)
    order_scanned: Appointment  # the school МО head's appointment (records.head_appointment), its order scanned


@dataclass
class Monitoring:
    """The monitoring the pages act on: the world's class teacher's class (6 «Б») in September
    (6 pupils) and May, a small class of the school (3 pupils: its figures only in the school's
    total to the district level), a class of the other school of the district."""

    class_assignment: object  # 6 «Б», the teacher's
    september: object  # ClassMonitoring, 6 pupils
    may: object  # ClassMonitoring, 6 pupils
    small: object  # ClassMonitoring of 2 «А» (3 pupils), another teacher's class of the school
    other_school: object  # ClassMonitoring of a class of the other school
    unstarted: object  # a ClassAssignment of the teacher (7 «Б») with no monitoring: «start»
    method: object  # the current method of the 6 «Б» (5–11)


def build_monitoring(world) -> Monitoring:
    from associations.models import ClassAssignment

    mine = ClassAssignment.objects.get(teacher=world.teacher_person, academic_year=world.year, grade=6, letter="Б")
    small_class = f.ClassAssignmentFactory(
        teacher=f.PersonFactory(school=world.school, last_name="Малышева"), academic_year=world.year,
        grade=2, letter="А",
    )
    other_class = f.ClassAssignmentFactory(
        teacher=f.PersonFactory(school=world.other_school, last_name="Дальняя"), academic_year=world.year,
        grade=6, letter="А",
    )
    unstarted = f.ClassAssignmentFactory(teacher=world.teacher_person, academic_year=world.year, grade=7, letter="Б")
    september = f.class_monitoring(mine, period="september", pupils=6)
    return Monitoring(
        class_assignment=mine, september=september,
        may=f.class_monitoring(mine, period="may", pupils=6, values=lambda n, q, r: 5 if n % 2 else 4),
        small=f.class_monitoring(small_class, period="september", pupils=3),
        other_school=f.class_monitoring(other_class, period="september", pupils=6),
        unstarted=unstarted, method=september.method,
    )


def build_scans(world, *, item: PlanItem, decision: Decision) -> Scans:
    head = world.head
    # Earlier than the scene's meetings: their protocols' numbers stay as the matrix expects them
    # (a protocol of a meeting before a signed one asks to confirm its number: confirmed here).
    scanned_meeting = meeting_services.meeting_create(
        association=world.mo, user=head, starts_at=_ago(5), theme="Обобщение опыта", academic_year=world.year,
    )
    try:
        protocol = meeting_services.protocol_create(meeting=scanned_meeting, user=head)
    except meeting_services.ProtocolNumberToConfirm as question:
        protocol = meeting_services.protocol_create(
            meeting=scanned_meeting, user=head, number_confirmed=question.number
        )
    pdf = b"%PDF-1.4\n% access matrix, scanned\n%%EOF\n"
    name = default_storage.save(f"protocols/test-{protocol.pk}.pdf", ContentFile(pdf))
    Protocol.objects.filter(pk=protocol.pk).update(
        status=Protocol.Status.SIGNED, signed_at=timezone.now(), signed_by=head, pdf=name,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    ProtocolScan.objects.create(
        protocol_id=protocol.pk, file=f.StoredFileFactory(original_name="Скан протокола.pdf"), uploaded_by=head
    )
    plan_item_file = PlanItemFile.objects.create(
        plan_item=item, file=f.StoredFileFactory(original_name="Разработка.pdf"), note="методическая разработка",
        uploaded_by=head,
    )
    decision_file = DecisionFile.objects.create(
        decision=decision, file=f.StoredFileFactory(original_name="Отчёт.pdf"), uploaded_by=world.teacher,
    )
    appointment = Appointment.objects.get(association=world.mo, person=world.head_person, role=Appointment.Role.HEAD)
    Appointment.objects.filter(pk=appointment.pk).update(order_scan=f.StoredFileFactory(original_name="Приказ.pdf"))
    return Scans(
        protocol_scanned=Protocol.objects.get(pk=protocol.pk), plan_item_file=plan_item_file,
        decision_file=decision_file, order_scanned=appointment,
    )


@dataclass
class Analyses:
    """The annual analyses of the world's school МО (reports.analysis): this year's draft (its
    editor and «submit»), last year's submitted one («accept», «return»), the accepted one of two
    years ago (its stored PDF); and the year after this, which has none yet («start»)."""

    draft: object
    submitted: object
    accepted: object
    unstarted_year: AcademicYear


def build_analyses(world, *, previous_year: AcademicYear, next_year: AcademicYear) -> Analyses:
    from reports.analysis.figures import figures_for

    two_years_ago = AcademicYear.objects.get(start_year=world.year.start_year - 2)

    def frozen(year):
        return figures_for(world.mo, year).to_data()

    return Analyses(
        draft=f.analysis_of(world.mo, world.year, by=world.head),
        submitted=f.analysis_of(world.mo, previous_year, status="submitted", by=world.head,
                                figures=frozen(previous_year)),
        accepted=f.analysis_of(world.mo, two_years_ago, status="accepted", by=world.head,
                               figures=frozen(two_years_ago), accepted_by=world.deputy),
        unstarted_year=next_year,
    )


@dataclass
class Board:
    """The methodologist's board of the world's district (reports.analysis.rollup): the year's
    deadline passed yesterday; a school МО late with its head's e-mail known (reminded: «done»),
    and one whose analysis is submitted (not late: refused). The world's МО is late too (this
    year's draft), its head without an e-mail (refused)."""

    late: object  # a school МО of the district, not started
    on_time: object  # a school МО of the district, submitted
    deadline: object  # reports.AnalysisDeadline


def build_board(world) -> Board:
    from reports.analysis.figures import figures_for
    from reports.analysis.models import AnalysisDeadline

    late = f.school_with_mo(world.district, year=world.year, members=1)
    Person.objects.filter(appointments__association=late).update(email="head-late@school.example")
    on_time = f.school_with_mo(world.district, year=world.year, members=1)
    f.analysis_of(on_time, world.year, status="submitted", by=world.head,
                  figures=figures_for(on_time, world.year).to_data())
    deadline = AnalysisDeadline.objects.create(
        district=world.district, academic_year=world.year, due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    return Board(late=late, on_time=on_time, deadline=deadline)


@dataclass
class Checklist:
    """The documentation checklist (reports.checklist): a document uploaded for the school МО's
    regulation, for every year, by its head (its file's download and its removal)."""

    document: object  # reports.ChecklistDocument


def build_checklist(world) -> Checklist:
    from reports.checklist.models import ChecklistDocument

    return Checklist(document=ChecklistDocument.objects.create(
        association=world.mo, item="regulation", title="Положение о МО классных руководителей",
        file=f.StoredFileFactory(original_name="Положение.pdf"), uploaded_by=world.head,
    ))


def build_extract_item(world):
    """A question of a signed protocol of the other school's МО (a meeting a week ago) with a
    decision the world's class teacher answers for (she worked there): she does not read that
    protocol, its extract is hers."""
    decision = f.decision_of(world.other_mo, responsible=world.teacher_person, due_on=f.in_days(20),
                             text="Подготовить отчёт о классных часах", theme="Итоги полугодия")
    return decision.protocol_item


@dataclass
class Scene:
    """The `world` fixture's school МО with everything its pages act on, and one logged-in
    client per user (anonymous: a client without a session)."""

    world: object
    users: dict[str, object]
    clients: dict[str, Client]
    secretary_person: Person
    previous_year: AcademicYear
    next_year: AcademicYear
    plan_draft: AnnualPlan  # two years ago, with items: the editor and «submit»
    plan_submitted: AnnualPlan  # this year: «approve» and «return»
    plan_approved: AnnualPlan  # last year: execution marks, PDF and XLSX
    rmo_plan_submitted: AnnualPlan  # the district РМО's, this year: reviewed by the district's official only
    approved_item: PlanItem
    membership: Membership  # the teacher in the МО this year
    candidate: Person  # a person of the school not in the МО: «add members»
    meeting: Meeting  # began two hours ago, still «planned», no protocol, one agenda question
    protocol_draft: Protocol
    protocol_signed: Protocol
    decision: Decision  # of the signed protocol, the teacher's, open
    records: Records | None = None  # the records of methodical work the pages act on
    bank: Bank | None = None  # the data bank's cards
    scans: Scans | None = None  # files elsewhere: scans and result files
    monitoring: Monitoring | None = None  # monitoring of upbringing (reports.monitoring)
    analyses: Analyses | None = None  # the annual analyses (reports.analysis)
    board: Board | None = None  # the methodologist's board of the analyses
    checklist: Checklist | None = None  # the documentation checklist's uploaded document
    # a question of a signed protocol of the other school's МО with a decision of the world's class
    # teacher: its extract goes to her too, who does not read that protocol
    extract_item: object = None
    tokens: dict[str, str] = field(default_factory=dict)  # user -> calendar feed token
    _forms: dict[str, dict] | None = None

    def token(self, key: str) -> str:
        return self.tokens.get(key, UNKNOWN_TOKEN)

    def form(self, editor: str) -> dict:
        """What a browser posts back from an editor ("meeting", "attendance", "protocol",
        "plan") opened by the head, with one change; read on first use."""
        if self._forms is None:
            self._forms = editor_bodies(self)
        return dict(self._forms[editor])


def _ago(hours: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(hours=hours)


def _plan(association, year, status, *, responsible: Person, items: int = 2):
    plan = AnnualPlan.objects.create(
        association=association, academic_year=year, status=status,
        theme="Воспитание гражданина и патриота", goal="Создание условий для роста мастерства",
        tasks="Обновить формы работы\nОбобщить опыт",
        considered_protocol_number="1", considered_on=datetime.date(year.start_year, 8, 28),
    )
    section = PlanSection.objects.filter(is_active=True).first() or PlanSection.objects.create(name="Заседания МО")
    form = WorkForm.objects.filter(is_active=True).first()
    for position in range(1, items + 1):
        item = PlanItem.objects.create(
            plan=plan, position=position, section=section, form=form, content=f"Заседание № {position}",
            timing=PlanItem.Timing.MONTH, month=[9, 11, 1, 3][(position - 1) % 4],
        )
        item.responsible.set([responsible])
    return plan


def _year(start_year: int) -> AcademicYear:
    return f.AcademicYearFactory(start_year=start_year)


def build_users(world) -> dict[str, object]:
    """The `world`'s users under the matrix's keys, and the three it lacks: the МО's secretary,
    the department's staff user and its rights, and (the world's admin) the superuser."""
    secretary = f.UserFactory(username="sekretar")
    person = f.PersonFactory(user=secretary, school=world.school, last_name="Морозова", first_name="Ольга")
    f.AppointmentFactory(
        association=world.mo, person=person, role=Appointment.Role.SECRETARY,
        order_date=world.year.starts_on, starts_on=world.year.starts_on,
    )
    f.MembershipFactory(association=world.mo, person=person, academic_year=world.year)
    permissions = Permission.objects.filter(content_type__app_label__in=["associations", "meetings"])
    staff = f.UserFactory(username="otdel", is_staff=True)
    staff.user_permissions.set(permissions)
    StaffDistrict.objects.create(user=staff, district=world.district)
    other_staff = f.UserFactory(username="otdel2", is_staff=True)
    other_staff.user_permissions.set(permissions)
    StaffDistrict.objects.create(user=other_staff, district=world.other_district)
    return {
        "anonymous": None,
        "teacher": world.teacher,
        "secretary": secretary,
        "head": world.head,
        "deputy": world.deputy,
        "other_deputy": world.other_deputy,
        "methodologist": world.methodologist,
        "other_methodologist": world.other_district_methodologist,
        "staff": staff,
        "superuser": world.admin,
        "nobody": world.outsider,
        "other_staff": other_staff,
    }


def clients_for(users: dict[str, object]) -> dict[str, Client]:
    clients = {}
    for key, user in users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        clients[key] = client
    return clients


def build_scene(world) -> Scene:
    """Everything the matrix's URLs are asked about, in the world's school МО."""
    mo = world.mo
    users = build_users(world)
    head = world.head
    secretary_person = users["secretary"].person
    previous_year = _year(world.year.start_year - 1)
    next_year = _year(world.year.start_year + 1)

    head_person = world.head_person
    plan_draft = _plan(mo, _year(world.year.start_year - 2), AnnualPlan.Status.DRAFT, responsible=head_person)
    plan_submitted = _plan(mo, world.year, AnnualPlan.Status.SUBMITTED, responsible=head_person)
    plan_approved = _plan(mo, previous_year, AnnualPlan.Status.APPROVED, responsible=head_person)
    approved_item = plan_approved.items.order_by("position").first()
    rmo_plan_submitted = _plan(
        world.rmo, world.year, AnnualPlan.Status.SUBMITTED, responsible=world.methodologist.person
    )

    membership = Membership.objects.get(association=mo, person=world.teacher_person, academic_year=world.year)
    candidate = f.PersonFactory(school=world.school, last_name="Новикова")
    former = f.PersonFactory(school=world.school, last_name="Прежняя")  # last year's member: «copy members»
    f.MembershipFactory(association=mo, person=former, academic_year=previous_year)
    members = [world.head_person, world.teacher_person, secretary_person]

    def meeting(hours_ago: int, theme: str) -> Meeting:
        created = meeting_services.meeting_create(
            association=mo, user=head, starts_at=_ago(hours_ago), theme=theme, academic_year=world.year,
            place="каб. 21",
        )
        AgendaItem.objects.create(meeting=created, position=1, title="О плане воспитательной работы")
        return created

    open_meeting = meeting(2, "Профилактика буллинга")

    drafted = meeting(3, "Организация летнего отдыха")
    meeting_services.attendance_save(
        meeting=drafted, user=head, rows=[{"person": p, "present": True, "absence_reason": ""} for p in members]
    )
    protocol_draft = meeting_services.protocol_create(meeting=drafted, user=head)
    Protocol.objects.filter(pk=protocol_draft.pk).update(chair=world.head_person, secretary=secretary_person)
    ProtocolItem.objects.filter(protocol=protocol_draft).update(
        heard="Доклад руководителя МО", decided="Принять план к исполнению"
    )

    signed_meeting = meeting(4, "Итоги четверти")
    protocol_signed = meeting_services.protocol_create(meeting=signed_meeting, user=head)
    item = protocol_signed.items.get()
    ProtocolItem.objects.filter(pk=item.pk).update(heard="Доклад", decided="Провести классные часы")
    decision = Decision.objects.create(
        protocol_item=item, text="Провести классные часы о безопасности", responsible=world.teacher_person,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    # Signed the way the database sees a signed protocol, without rendering its PDF (slow).
    pdf = b"%PDF-1.4\n% access matrix\n%%EOF\n"
    name = default_storage.save(f"protocols/test-{protocol_signed.pk}.pdf", ContentFile(pdf))
    Protocol.objects.filter(pk=protocol_signed.pk).update(
        status=Protocol.Status.SIGNED, signed_at=timezone.now(), signed_by=head, pdf=name,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
    )
    Meeting.objects.filter(pk=signed_meeting.pk).update(status=Meeting.Status.HELD)

    tokens = {
        key: CalendarToken.objects.create(user=user).token for key, user in users.items() if user is not None
    }
    return Scene(
        world=world, users=users, clients=clients_for(users), secretary_person=secretary_person,
        previous_year=previous_year, next_year=next_year, plan_draft=plan_draft, plan_submitted=plan_submitted,
        plan_approved=plan_approved, approved_item=approved_item, rmo_plan_submitted=rmo_plan_submitted,
        membership=membership, candidate=candidate,
        meeting=open_meeting, protocol_draft=Protocol.objects.get(pk=protocol_draft.pk),
        protocol_signed=Protocol.objects.get(pk=protocol_signed.pk), decision=decision, tokens=tokens,
        records=build_records(world, previous_year=previous_year), bank=build_bank(world),
        scans=build_scans(world, item=approved_item, decision=decision),
        monitoring=build_monitoring(world),
        analyses=build_analyses(world, previous_year=previous_year, next_year=next_year),
        board=build_board(world),
        checklist=build_checklist(world),
        extract_item=build_extract_item(world),
    )


# --- what a browser posts back ------------------------------------------------------------------


def form_body(response, form_id: str) -> dict:
    assert response.status_code == 200, (response.request["PATH_INFO"], response.status_code)
    return form_data(response, form_id)


def editor_bodies(scene: Scene) -> dict[str, dict]:
    """The editors as the head opens them, each with one change a save would write."""
    client = scene.clients["head"]
    meeting = form_body(client.get(reverse("meetings:meeting_edit", args=[scene.meeting.pk])), "meeting-form")
    meeting["theme"] = "Профилактика буллинга и кибербуллинга"
    attendance = form_body(client.get(reverse("meetings:attendance", args=[scene.meeting.pk])), "attendance-form")
    protocol = form_body(
        client.get(reverse("meetings:protocol_edit", args=[scene.protocol_draft.pk])), "protocol-editor"
    )
    heard = next(name for name in protocol if name.endswith("-heard"))
    protocol[heard] = "Доклад руководителя МО о плане на четверть"
    plan = form_body(client.get(reverse("associations:plan_edit", args=[scene.plan_draft.pk])), "plan-editor")
    plan["theme"] = "Воспитание гражданина: новая редакция"
    plan["after"] = "close"
    return {"meeting": meeting, "attendance": attendance, "protocol": protocol, "plan": plan}


# --- the database's checksum --------------------------------------------------------------------


@functools.cache
def tracked_models() -> list[type[models.Model]]:
    """The tables a refused request must leave alone: every model of associations and meetings
    (their histories and many-to-many tables included), the users and their rights, the admin's log."""
    tracked = []
    for label in ("associations", "meetings", "auth"):
        tracked += apps.get_app_config(label).get_models(include_auto_created=True)
    tracked.append(LogEntry)
    # The monitoring's entries (reports.monitoring): a class's monitorings, pupils and grades.
    tracked += [apps.get_model("reports", name) for name in ("ClassMonitoring", "MonitoredPupil", "Grade")]
    # The annual analyses (reports.analysis), their history and transitions.
    tracked += [apps.get_model("reports", name) for name in ("Analysis", "HistoricalAnalysis", "AnalysisTransition")]
    # The board's deadlines and reminders (reports.analysis.rollup).
    tracked += [model for model in (apps.get_model("reports", name) for name in ("AnalysisDeadline",
                                                                                 "AnalysisReminder"))
                if model not in tracked]
    # The documentation checklist's uploaded documents (their files are associations' StoredFile).
    tracked.append(apps.get_model("reports", "ChecklistDocument"))
    # The analysis' deadlines (set in the admin) and the board's reminders.
    tracked += [model for model in (apps.get_model("reports", name) for name in ("AnalysisDeadline",
                                                                                 "AnalysisReminder"))
                if model not in tracked]
    assert get_user_model() in tracked
    return tracked


def snapshot() -> dict[str, tuple[int, str]]:
    """{model label: (row count, a digest of its rows ordered by pk)}, read with plain SQL (a
    tenth of the ORM's time: the matrix takes some 3,000 of them). PostgreSQL digests every table
    itself, in one statement (md5 of the rows' text); SQLite's rows are hashed here (SHA-256)."""
    quote = connection.ops.quote_name
    tables = [(m._meta.label, quote(m._meta.db_table), quote(m._meta.pk.column)) for m in tracked_models()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT %s, count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.{pk}), '')) FROM {table} t"  # noqa: S608
                    for _label, table, pk in tables
                ),
                [label for label, _table, _pk in tables],
            )
            return {label: (count, digest) for label, count, digest in cursor.fetchall()}
        result = {}
        for label, table, pk in tables:
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")  # noqa: S608 (the models' own tables)
            rows = cursor.fetchall()
            result[label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return result


def snapshot_diff(before: dict, after: dict) -> list[str]:
    """The tables that changed, with their row counts before → after."""
    return [
        f"{label} ({before[label][0]} → {after[label][0]} rows)"
        for label in before
        if before[label] != after.get(label)
    ]


# --- the URL resolver ---------------------------------------------------------------------------

#: Namespaces declared as a group (Django's admin: its sample is tested in test_access_matrix.py).
GROUP_NAMESPACES = ("admin",)


def walk_patterns(resolver=None, namespace: tuple[str, ...] = (), prefix: str = ""):
    """(namespaced name or None, route) of every pattern of the resolver, recursively."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = (*namespace, pattern.namespace) if pattern.namespace else namespace
            yield from walk_patterns(pattern, inner, route)
        elif isinstance(pattern, URLPattern):
            name = ":".join((*namespace, pattern.name)) if pattern.name else None
            yield (name, route, namespace)


def undeclared_patterns(declared, resolver=None) -> list[str]:
    """Every pattern the `declared` names do not cover: a named one by its name, an unnamed one
    by its route; every pattern of a GROUP_NAMESPACES namespace is covered by the group."""
    missing = []
    for name, route, namespace in walk_patterns(resolver):
        if namespace and namespace[0] in GROUP_NAMESPACES:
            continue
        if name is None:
            missing.append(f"<unnamed> {route}")
        elif name not in declared:
            missing.append(name)
    return sorted(set(missing))
