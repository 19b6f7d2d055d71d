"""`manage.py load_demo`: a realistic district that obeys the rules and loads twice alike.

The tests of `TestTheLoadedDemo` share one load (a load takes seconds), made today as any other
test's; the last test loads the demo on other days of the year, each on its own.
"""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from associations import access
from associations.access import roles_for
from associations.models import (
    AcademicYear,
    Acknowledgment,
    AnnualPlan,
    Appointment,
    Association,
    Attestation,
    AttestationApplication,
    Category,
    ClassAssignment,
    Consultation,
    ContestEntry,
    Course,
    District,
    DistrictOfficial,
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
)
from associations.plans.selectors import plans_awaiting
from associations.records.attestation.selectors import EXPIRING, SZD_OVERDUE, attestation_status
from associations.records.courses.selectors import course_status
from associations.services import RMO_HEAD_MIN_YEARS
from meetings.bank.models import Material, MaterialFile, MaterialGrade
from meetings.models import AgendaItem, Attendance, Decision, Guest, Meeting, MeetingVisit, Protocol, ProtocolItem
from rmo_portal import demo
from rmo_portal.demo import meetings as demo_meetings
from rmo_portal.demo import plans as demo_plans
from tests.helpers import load_demo as load

pytestmark = pytest.mark.django_db

RECORD_MODELS = (
    ContestEntry, Attestation, AttestationApplication, Course, Visit, VisitRecommendation, Consultation, Nomination,
    Acknowledgment,
)
MODELS = (
    District, School, Person, Association, Membership, ClassAssignment, Appointment, AcademicYear,
    AnnualPlan, PlanItem, PlanTransition,
    Meeting, AgendaItem, Guest, Attendance, Protocol, ProtocolItem, Decision, MeetingVisit,
    *RECORD_MODELS,
    Material, MaterialGrade, MaterialFile,  # the data bank (rmo_portal/demo/bank.py), its files below
)
Status = AnnualPlan.Status
Execution = PlanItem.Execution
SCHOOL1, SCHOOL2 = "МБОУ «Заречная СОШ № 1»", "МБОУ «СОШ № 2 им. А.С. Пушкина»"
FEMALE_ONLY_ENDINGS = ("ова", "ева", "ёва", "ина", "ая")
MALE_ONLY_ENDINGS = ("ов", "ев", "ёв", "ин", "ий", "ой", "ый")

#: The kinds of records (`associations.access`) each demo login sees some of in the demo; the
#: others it sees none of. The head of the education department reads her own course only.
RECORD_KINDS = frozenset({
    "contest_entry", "attestation", "attestation_application", "course", "nomination", "visit", "recommendation",
    "consultation", "appointment",
})
LOGIN_KINDS = {
    "metodist": RECORD_KINDS,
    "nachalnik": frozenset({"course"}),
    "zavuch1": RECORD_KINDS,
    "rukovoditel1": RECORD_KINDS,
    "sekretar1": RECORD_KINDS - {"attestation_application"},
    "uchitel1": RECORD_KINDS - {"appointment"},
    "zavuch2": RECORD_KINDS,
    "rukovoditel2": RECORD_KINDS,
}
#: The records' list pages (URL names of `associations`) and the kind whose rows each shows.
LIST_PAGES = {
    "contests": "contest_entry", "attestations": "attestation", "attestation_overview": "attestation",
    "courses": "course", "courses_overview": "course", "visits": "visit", "consultations": "consultation",
    "nominations": "nomination", "acknowledgments": "appointment",
}


def shown_names(kind: str, rows) -> set[str]:
    """What a list page of `kind` shows of its rows: a person's or a school's name."""
    if kind == "visit":
        return {v.school.short_name for v in rows.select_related("school")}
    if kind == "consultation":
        return {c.consultant.last_name for c in rows.select_related("consultant")}
    return {r.person.last_name for r in rows.select_related("person")}




def counts() -> dict[str, int]:
    rows = {model.__name__: model.objects.count() for model in MODELS}
    rows["User"] = get_user_model().objects.count()
    for model in (Person, Association, Membership, ClassAssignment, Appointment, AnnualPlan, PlanItem, Meeting,
                  Protocol, Decision, MeetingVisit, *RECORD_MODELS):
        rows[f"{model.__name__} history"] = model.history.count()
    rows["PlanItem responsible"] = PlanItem.responsible.through.objects.count()
    rows["Consultation consulted"] = Consultation.consulted.through.objects.count()
    rows["Material history"] = Material.history.count()
    rows["Material authors"] = Material.authors.through.objects.count()
    rows["StoredFile"] = StoredFile.objects.count()
    rows["marked items"] = PlanItem.objects.exclude(execution=Execution.PENDING).count()
    return rows




@pytest.fixture
def loaded(demo_loaded_once) -> District:
    return District.objects.get(slug="zarechny")


def current_class_teachers():
    year = AcademicYear.objects.current()
    return Person.objects.filter(class_assignments__academic_year=year).distinct()


def plan_of(school: str, *, years_back: int = 0) -> AnnualPlan:
    year = AcademicYear.objects.current().start_year - years_back
    if not school:
        return AnnualPlan.objects.get(association__kind=Association.Kind.DISTRICT, academic_year__start_year=year)
    return AnnualPlan.objects.get(association__school__short_name=school, academic_year__start_year=year)


def user(username: str):
    return get_user_model().objects.get(username=username)


def steps(plan: AnnualPlan) -> list[tuple[str, str, str]]:
    return [
        (t.by.username, t.from_status, t.to_status) for t in plan.transitions.select_related("by").order_by("at", "pk")
    ]


def held_meeting_of(item: PlanItem) -> bool:
    return item.meetings.filter(status=Meeting.Status.HELD).exists()


def past_october(today: datetime.date) -> bool:
    """After 31 October of today's academic year: the October items are over."""
    return today > datetime.date(AcademicYear.start_year_for(today), 10, 31)


class TestTheLoadedDemo:
    """What a person sees who opens the demo loaded today."""

    def test_second_run_changes_nothing(self, loaded):
        first = counts()
        plans = {p.pk: (p.status, p.version, p.updated_at) for p in AnnualPlan.objects.all()}
        meetings = {m.pk: (m.status, m.version, m.updated_at) for m in Meeting.objects.all()}
        protocols = {p.pk: (p.status, p.version, p.pdf_sha256) for p in Protocol.objects.all()}
        assert first["Meeting"] and first["Protocol"] and first["Decision"]
        output = load()
        assert counts() == first  # no duplicates, and not even new history rows
        assert {p.pk: (p.status, p.version, p.updated_at) for p in AnnualPlan.objects.all()} == plans
        assert {m.pk: (m.status, m.version, m.updated_at) for m in Meeting.objects.all()} == meetings
        assert {p.pk: (p.status, p.version, p.pdf_sha256) for p in Protocol.objects.all()} == protocols
        assert "уже загружены, изменений нет" in output

    def test_output_lists_logins_and_url_and_quiet_prints_nothing(self, loaded):
        output = load()
        for username in demo.LOGINS:
            assert f"\n{username} " in output
        assert "http://127.0.0.1:8000/" in output
        assert "demo12345" in output
        assert "Заседаний за учебный год: " in output  # the line the demo's meetings add
        assert load("--quiet") == ""

    def test_district_and_schools(self, loaded):
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

    def test_class_teachers_are_realistic(self, loaded):
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

    def test_each_school_has_one_organizer_and_one_deputy(self, loaded):
        for school in School.objects.filter(district=loaded):
            positions = Counter(school.people.values_list("position", flat=True))
            assert positions[Person.Position.ORGANIZER] == 1
            assert positions[Person.Position.DEPUTY_DIRECTOR] == 1

    def test_every_association_has_exactly_one_current_head(self, loaded):
        associations = Association.objects.filter(district=loaded)
        assert associations.filter(kind=Association.Kind.DISTRICT).count() == 1
        assert associations.filter(kind=Association.Kind.SCHOOL).count() == School.objects.count()
        for association in associations:
            heads = association.appointments.filter(role=Appointment.Role.HEAD)
            assert heads.filter(ends_on__isnull=True).count() == 1, association
            assert [a.is_current for a in heads].count(True) == 1
            if not association.is_district:
                assert association.name == f"МО классных руководителей {association.school.short_name}"

    def test_rmo_head_satisfies_the_job_instruction(self, loaded):
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

    def test_school_heads_show_the_regulation_and_a_history(self, loaded):
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
        assert previous.ends_on == successor.starts_on - datetime.timedelta(days=1)  # its last day
        assert previous.order_date.year == successor.order_date.year - 1
        assert Appointment.objects.filter(role=Appointment.Role.SECRETARY, ends_on__isnull=True).count() >= 2

    def test_memberships_and_classes(self, loaded):
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

    def test_logins_resolve_to_their_roles(self, loaded):
        users = {u.username: u for u in get_user_model().objects.filter(username__in=demo.LOGINS)}
        school1 = School.objects.get(short_name="МБОУ «Заречная СОШ № 1»")
        year = AcademicYear.objects.current()

        admin = roles_for(users["admin"])
        assert admin.is_admin and admin.person is None and users["admin"].is_superuser

        metodist = roles_for(users["metodist"])
        assert metodist.is_methodologist and not metodist.is_admin
        assert metodist.methodologist_district_ids == {loaded.pk}
        assert not metodist.is_district_official  # she heads the РМО: its plan goes to the department

        nachalnik = roles_for(users["nachalnik"])
        assert nachalnik.is_district_official and nachalnik.official_district_ids == {loaded.pk}
        assert nachalnik.label == "начальник отдела образования"
        assert nachalnik.person.school_id is None and nachalnik.person.district_id == loaded.pk
        assert not (nachalnik.is_methodologist or nachalnik.is_head or nachalnik.is_deputy or nachalnik.is_admin)
        official = DistrictOfficial.objects.get(person=nachalnik.person)
        assert official.role == DistrictOfficial.Role.EDUCATION_HEAD and official.ends_on is None
        assert official.starts_on <= timezone.localdate()

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

        secretary = roles_for(users["sekretar1"])
        assert secretary.person.full_name == "Белякова Алёна Викторовна" and secretary.school_id == school1.pk
        assert secretary.secretary_association_ids == {Association.objects.get(school=school1).pk}
        assert not (secretary.is_head or secretary.is_deputy or secretary.is_methodologist or secretary.is_admin)
        assert secretary.label == "секретарь МО"
        for username in ("uchitel1", "sekretar1"):  # reminders have somewhere to go
            assert users[username].email == roles_for(users[username]).person.email != ""

    @pytest.mark.parametrize("username", demo.LOGINS)
    def test_each_demo_login_opens_the_home_page(self, loaded, client, username):
        assert client.login(username=username, password="demo12345")
        assert client.get("/").status_code == 200

    def test_a_changed_password_is_reset_on_the_next_run(self, loaded, client):
        user = get_user_model().objects.get(username="uchitel1")
        user.set_password("something-else")
        user.save()
        load("--quiet")
        assert client.login(username="uchitel1", password="demo12345")

    # --- the annual plans -------------------------------------------------------------------------

    def test_school1_current_plan_is_approved_and_marked_up_to_today(self, loaded):
        plan = plan_of(SCHOOL1)
        today = timezone.localdate()
        year = plan.academic_year
        assert plan.status == Status.APPROVED
        assert steps(plan) == [
            ("rukovoditel1", Status.DRAFT, Status.SUBMITTED),
            ("zavuch1", Status.SUBMITTED, Status.APPROVED),
        ]
        # Agreed by the deputy director who approved it here, approved by the director's order.
        assert (plan.agreed_by_name, plan.agreed_by_position) == ("С.И. Павлова", "заместитель директора по ВР")
        assert (plan.approved_by_name, plan.approved_by_position) == ("А.В. Громов", f"директор {SCHOOL1}")
        assert plan.approval_order_number == "231-од" and plan.approval_order_date == plan.approved_on
        assert plan.considered_protocol_number == "1"
        assert plan.considered_on.month == 8 and plan.considered_on.year == year.start_year
        assert plan.considered_on <= plan.approved_on <= today
        assert plan.theme and plan.goal and len(plan.task_list) >= 4 and plan.expected_results

        items = list(plan.items.prefetch_related("responsible").select_related("section", "form"))
        assert 30 <= len(items) <= 50
        assert [i.position for i in items] == list(range(1, len(items) + 1))
        timings = Counter(i.timing for i in items)
        assert all(timings[t] for t in PlanItem.Timing.values)  # months, «в течение года», «по графику», dates
        sections = {i.section.name for i in items}
        assert {"Заседания МО", "Открытые мероприятия", "Консультации", "Мониторинг уровня воспитанности"} <= sections
        assert sum(i.form is not None for i in items) >= len(items) - 5
        school = plan.association.school
        for item in items:
            people = list(item.responsible.all())
            assert 1 <= len(people) <= 2, item
            assert all(p.school_id == school.pk for p in people)
        text = " ".join(i.content for i in items)
        for words in ("установочное", "«Разговоры о важном»", "Профилактика и безопасность", "Круглый стол",
                      "«Семья и школа»", "итоговое", "«Самый классный классный»", "Капустиной", "Аттестация"):
            assert words in text

        # Marks: only on items whose time is over or whose meeting is held (meetings.services.
        # meeting_hold marks the item that day), never dated in the future, and the past items left
        # without a mark are the overdue ones.
        done = [i for i in items if i.execution == Execution.DONE]
        assert done  # at least the August meeting
        for item in items:
            if item.execution != Execution.PENDING:
                assert item.due_date(year) < today or held_meeting_of(item), item
                assert item.marked_by.username == "rukovoditel1"
            if item.execution == Execution.DONE:
                assert plan.considered_on <= item.executed_on <= today
            if item.execution in (Execution.MOVED, Execution.CANCELLED):
                assert item.execution_note and item.executed_on is None
            if item.execution == Execution.MOVED:
                assert item.moved_timing
        overdue = [i for i in items if i.is_overdue(year, today)]
        assert len(overdue) <= 2
        if past_october(today):
            assert overdue
            assert {Execution.MOVED, Execution.CANCELLED} <= {i.execution for i in items}

    def test_school1_last_year_plan_is_carried_out(self, loaded):
        plan = plan_of(SCHOOL1, years_back=1)
        assert plan.status == Status.APPROVED
        assert len(steps(plan)) == 2
        assert plan.approved_on < plan.academic_year.ends_on
        executions = Counter(plan.items.values_list("execution", flat=True))
        total = sum(executions.values())
        assert total >= 25 and executions[Execution.PENDING] == 0
        assert executions[Execution.DONE] >= 0.8 * total
        assert executions[Execution.MOVED] >= 1 and executions[Execution.CANCELLED] >= 1
        for item in plan.items.filter(execution=Execution.DONE):
            assert plan.academic_year.starts_on - datetime.timedelta(days=7) <= item.executed_on
            assert item.executed_on <= plan.academic_year.ends_on

    def test_rmo_plan_waits_for_the_head_of_the_education_department(self, loaded, client):
        plan = plan_of("")
        assert plan.status == Status.SUBMITTED
        assert steps(plan) == [("metodist", Status.DRAFT, Status.SUBMITTED)]
        assert plan.considered_on.month == 8
        items = list(plan.items.prefetch_related("responsible").select_related("section"))
        assert 25 <= len(items) <= 35
        assert all(i.execution == Execution.PENDING for i in items)
        functions = set(PlanSection.objects.filter(group=PlanSection.Group.FUNCTION).values_list("name", flat=True))
        assert {i.section.name for i in items} == functions
        text = " ".join(i.content for i in items)
        for words in ("августовское", "«лента» открытых классных часов", "Муниципальный этап", "на базе"):
            assert words in text
        contest = next(i for i in items if i.content.startswith("Муниципальный этап"))
        assert contest.date_from.month == 2 and contest.date_to.month == 3
        district = plan.association.district_id
        assert all(1 <= i.responsible.count() <= 2 for i in items)
        assert all(p.district_id == district for i in items for p in i.responsible.all())
        # Its head, the methodologist, wrote it: the head of the education department reviews it.
        assert plan in plans_awaiting(user=user("nachalnik"))
        assert plan not in plans_awaiting(user=user("metodist"))
        assert client.login(username="nachalnik", password=demo.DEMO_PASSWORD)
        assert 'data-testid="review"' in client.get(f"/plans/{plan.pk}/").content.decode()
        client.force_login(user("metodist"))
        assert 'data-testid="review"' not in client.get(f"/plans/{plan.pk}/").content.decode()

    def test_school2_plan_is_returned_with_the_comment(self, loaded, client):
        plan = plan_of(SCHOOL2)
        assert plan.status == Status.RETURNED
        assert steps(plan) == [
            ("rukovoditel2", Status.DRAFT, Status.SUBMITTED),
            ("zavuch2", Status.SUBMITTED, Status.RETURNED),
        ]
        assert plan.transitions.order_by("at", "pk").last().comment == demo_plans.RETURN_COMMENT
        assert "открытых классных часов" in demo_plans.RETURN_COMMENT
        assert plan in plans_awaiting(user=user("rukovoditel2"))
        assert client.login(username="rukovoditel2", password=demo.DEMO_PASSWORD)
        page = client.get("/").content.decode()
        assert f"/plans/{plan.pk}/" in page and "возвращён на доработку" in page
        detail = client.get(f"/plans/{plan.pk}/").content.decode()
        assert demo_plans.RETURN_COMMENT in detail

    def test_the_district_shows_every_status(self, loaded, client):
        year = AcademicYear.objects.current()
        statuses = Counter(AnnualPlan.objects.filter(academic_year=year).values_list("status", flat=True))
        assert statuses == {Status.APPROVED: 1, Status.SUBMITTED: 1, Status.RETURNED: 1, Status.DRAFT: 2}
        without = Association.objects.filter(district=loaded).exclude(plans__academic_year=year)
        assert without.count() == 2
        for draft in AnnualPlan.objects.filter(academic_year=year, status=Status.DRAFT):
            assert draft.items.exists() and not draft.transitions.exists()
        client.force_login(user("metodist"))
        page = client.get("/reports/plans/").content.decode()
        for label in ("утверждён", "на рассмотрении", "возвращён на доработку", "черновик", "нет плана"):
            assert label in page
        # Transitions are dated like a school would take them, never in the future.
        now = timezone.now()
        for transition in PlanTransition.objects.all():
            assert transition.at <= now
            assert timezone.localdate(transition.at) >= transition.plan.considered_on

    def test_plan_page_and_pdf_answer_their_school_and_nobody_else(self, loaded, client):
        plan = plan_of(SCHOOL1)
        for username in ("rukovoditel1", "zavuch1"):
            client.force_login(user(username))
            page = client.get(f"/plans/{plan.pk}/")
            assert page.status_code == 200
            assert 'data-testid="plan-item"' in page.content.decode()
        if past_october(timezone.localdate()):
            assert "plan-overdue" in page.content.decode()

        client.force_login(user("rukovoditel1"))
        response = client.get(f"/reports/plans/{plan.pk}/pdf/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")

        other_deputy = Person.objects.get(school__short_name=SCHOOL2, position=Person.Position.DEPUTY_DIRECTOR)
        assert other_deputy.user is not None
        client.force_login(other_deputy.user)
        assert client.get(f"/plans/{plan.pk}/").status_code == 404
        assert client.get(f"/reports/plans/{plan.pk}/pdf/").status_code == 404


    # --- the records of methodical work ----------------------------------------------------------

    def test_contests_at_every_level_with_every_result(self, loaded):
        entries = ContestEntry.objects.filter(person__district=loaded).select_related("contest", "entered_by")
        assert set(entries.values_list("level", flat=True)) == set(Level.values)
        assert set(entries.values_list("result", flat=True)) == set(ContestEntry.Result.values)
        assert entries.filter(result=ContestEntry.Result.PRIZE, place__in=[2, 3]).count() >= 2
        waiting = entries.filter(status=ContestEntry.Status.ENTERED)
        assert waiting.exists() and entries.filter(status=ContestEntry.Status.CONFIRMED).count() > waiting.count()
        for entry in entries.filter(status=ContestEntry.Status.CONFIRMED):
            assert entry.confirmed_by is not None and entry.confirmed_at is not None
            assert entry.confirmed_by != entry.person.user  # nobody confirms their own
        # uchitel1's own entry of a paid online contest waits for her МО head.
        paid = entries.get(contest__is_official=False)
        assert paid.person.user.username == "uchitel1" and paid.entered_by.username == "uchitel1"
        assert paid.status == ContestEntry.Status.ENTERED
        teams = Counter(entries.exclude(team="").values_list("team", flat=True))
        assert teams and min(teams.values()) >= 2
        # The methodologist's district table: one day, several schools, confirmed by her.
        table = entries.filter(
            entered_by__username="metodist", level=Level.MUNICIPAL, contest__name="Самый классный классный"
        )
        assert len({e.person.school_id for e in table}) >= 5 and len({e.held_on for e in table}) == 1
        assert all(e.confirmed_by.username == "metodist" for e in table)
        today = timezone.localdate()
        assert not entries.filter(held_on__gt=today).exists()
        assert entries.filter(academic_year=AcademicYear.objects.current()).exists() or today.month == 9

    def test_attestation_warnings_and_rules(self, loaded):
        today = timezone.localdate()
        records = Attestation.objects.filter(person__district=loaded)
        # Before 01.09.2023 with its five years, from then on without an expiry.
        assert records.filter(granted_on__lt=datetime.date(2023, 9, 1), expires_on__isnull=False,
                              category__in=[Category.FIRST, Category.HIGHEST]).exists()
        assert records.filter(granted_on__gte=datetime.date(2023, 9, 1), expires_on__isnull=True).exists()
        assert not records.filter(category=Category.SZD, expires_on__isnull=True).exists()
        for mentor in records.filter(category__in=[Category.MENTOR, Category.METHODIST]):
            assert records.filter(person=mentor.person, category=Category.HIGHEST, granted_on__lt=mentor.granted_on)
        assert records.filter(category=Category.MENTOR).exists()

        people = Person.objects.filter(district=loaded).exclude(position__in=[Person.Position.OTHER])
        statuses = attestation_status(people=people, today=today)
        expiring = [s for s in statuses.values() if EXPIRING in s.warning_kinds]
        assert [s.person.full_name for s in expiring] == ["Егорова Наталья Владимировна"]
        assert today < expiring[0].expires_on <= today + datetime.timedelta(days=184)
        overdue = {s.person.full_name: s for s in statuses.values() if SZD_OVERDUE in s.warning_kinds}
        szd = overdue["Шевченко Оксана Викторовна"].last_szd
        assert szd is not None and szd.expires_on < today  # a СЗД over five years old
        never = overdue["Смирнова Юлия Дмитриевна"]
        assert never.last_szd is None and not never.from_directory  # never attested
        # The directory's category follows the records (the attestation services keep it).
        for person in people.filter(attestations__isnull=False).distinct():
            current = statuses[person.pk].current
            assert person.category == (current.category if current else Person.Category.NONE), person

        applications = AttestationApplication.objects.filter(person__district=loaded)
        outcomes = Counter(applications.values_list("outcome", flat=True))
        Outcome = AttestationApplication.Outcome
        assert outcomes[Outcome.PENDING] >= 1 and outcomes[Outcome.GRANTED] >= 1 and outcomes[Outcome.REFUSED] >= 1
        granted = applications.get(outcome=AttestationApplication.Outcome.GRANTED)
        assert granted.attestation.category == granted.category and granted.attestation.granted_on == granted.outcome_on
        assert applications.get(outcome=AttestationApplication.Outcome.PENDING).person.user.username == "uchitel1"

    def test_courses_and_who_is_overdue(self, loaded):
        today = timezone.localdate()
        people = list(Person.objects.filter(district=loaded))
        statuses = course_status(people=people, today=today)
        zakharov = next(p for p in people if p.full_name == "Захаров Дмитрий Олегович")
        assert statuses[zakharov.pk].overdue and statuses[zakharov.pk].last is not None
        assert sum(s.overdue for s in statuses.values()) <= 3
        assert not Course.objects.filter(person__district=loaded, ends_on__gt=today).exists()
        for course in Course.objects.filter(person__district=loaded).select_related("person"):
            assert course.starts_on <= course.ends_on and course.ends_on > course.person.experience_since

    def test_visits_with_open_closed_and_overdue_recommendations(self, loaded):
        today = timezone.localdate()
        visits = Visit.objects.filter(school__district=loaded)
        assert visits.exists() and all(v.visitor.user.username == "metodist" for v in visits)
        recommendations = VisitRecommendation.objects.filter(visit__in=visits)
        assert recommendations.filter(done_on__isnull=False).exists()
        assert recommendations.filter(done_on__isnull=True, due_on__gte=today).exists()
        assert recommendations.filter(done_on__isnull=True, due_on__lt=today).exists()  # overdue
        for done in recommendations.filter(done_on__isnull=False).select_related("visit"):
            assert done.visit.visited_on <= done.done_on <= today
        assert visits.filter(visited_person__user__username="uchitel1").exists()
        school2 = Association.objects.get(school__short_name=SCHOOL2)
        held = Meeting.objects.filter(
            association=school2, status=Meeting.Status.HELD, academic_year=AcademicYear.objects.current(),
            starts_at__date__gte=AcademicYear.objects.current().starts_on,
        )
        if held.exists():  # from the first meeting of the year held on: linked on the meetings side
            link = MeetingVisit.objects.select_related("visit", "meeting").get(visit__in=visits)
            assert link.meeting == held.order_by("-starts_at").first()
            assert link.visit.visited_on == timezone.localdate(link.meeting.starts_at)

    def test_consultations_nominations_and_acknowledgments(self, loaded):
        consultations = Consultation.objects.filter(association__district=loaded)
        kinds = set(consultations.values_list("association__kind", "kind"))
        for association_kind in Association.Kind.values:
            for kind in Consultation.Kind.values:
                assert (association_kind, kind) in kinds
        assert set(consultations.values_list("form", flat=True)) == set(Consultation.Form.values)
        for consultation in consultations.prefetch_related("consulted"):
            count = consultation.consulted.count()
            assert count == 1 if consultation.kind == Consultation.Kind.INDIVIDUAL else count >= 2
        nominations = Nomination.objects.filter(person__district=loaded)
        assert set(nominations.values_list("outcome", flat=True)) == set(Nomination.Outcome.values)

        acknowledged = set(
            Acknowledgment.objects.filter(appointment__association__district=loaded)
            .values_list("appointment__person__user__username", flat=True)
        )
        assert {"metodist", "rukovoditel1", "sekretar1"} <= acknowledged
        assert "rukovoditel2" not in acknowledged
        rmo_head = Acknowledgment.objects.get(appointment__person__user__username="metodist")
        assert rmo_head.version.instruction.title.startswith("Должностная инструкция руководителя районного")
        assert rmo_head.acknowledged_on >= rmo_head.appointment.order_date
        appointments = Appointment.objects.in_office(timezone.localdate()).filter(association__district=loaded)
        assert appointments.exclude(acknowledgments__isnull=False).count() >= 3  # the methodologist's list

    @pytest.mark.parametrize(("username", "kinds"), LOGIN_KINDS.items())
    def test_each_login_sees_records_of_every_kind_its_role_can(self, loaded, client, username, kinds):
        who = user(username)
        for kind in kinds:
            assert access.visible(who, kind).exists(), kind
        for kind in RECORD_KINDS - set(kinds):
            assert not access.visible(who, kind).exists(), kind
        client.force_login(who)
        for name, kind in LIST_PAGES.items():
            response = client.get(reverse(f"associations:{name}"))
            assert response.status_code in (200, 404), name  # 404: a page the role does not have
            if response.status_code == 200 and kind in kinds:
                html = response.content.decode()
                assert any(text in html for text in shown_names(kind, access.visible(who, kind))), name
        me = roles_for(who).person
        page = client.get(reverse("associations:person", args=[me.pk]))
        assert page.status_code == 200
        if username == "uchitel1":  # her own records of several kinds
            for kind in ("contest_entry", "attestation", "attestation_application", "course", "nomination"):
                assert access.visible(who, kind).filter(person=me).exists(), kind
            assert access.visible(who, "visit").filter(visited_person=me).exists()


# The demo must be right whenever it is loaded: on the first day of the academic year (only the
# August meetings are past), just after October (the first overdue items), in spring, and on its
# last day (every meeting is past). One load a day for the plans, the records and the meetings
# (a load takes 5-10 s).
@pytest.mark.parametrize(
    "moment",
    [
        datetime.datetime(2025, 9, 1, 8, 0),
        datetime.datetime(2025, 11, 1, 12, 0),
        datetime.datetime(2027, 3, 14, 23, 30),
        datetime.datetime(2026, 8, 31, 18, 0),
    ],
    ids=["1-september", "1-november", "march", "31-august"],
)
def test_the_demo_holds_on_any_day_of_the_year(monkeypatch, moment):
    fake_now = timezone.make_aware(moment)
    monkeypatch.setattr(timezone, "now", lambda: fake_now)
    today = timezone.localdate()
    assert today == moment.date()
    load("--quiet")

    plan = plan_of(SCHOOL1)
    assert plan.academic_year.start_year == AcademicYear.start_year_for(today)
    assert plan.status == Status.APPROVED and plan.approved_on <= today
    assert plan_of(SCHOOL1, years_back=1).status == Status.APPROVED
    assert plan_of("").status == Status.SUBMITTED and plan_of(SCHOOL2).status == Status.RETURNED
    assert PlanItem.objects.filter(executed_on__gt=today).count() == 0
    assert PlanTransition.objects.filter(at__gt=fake_now).count() == 0
    items = list(plan.items.all())
    for item in items:
        if item.execution != Execution.PENDING:
            assert item.due_date(plan.academic_year) < today or held_meeting_of(item)
    assert any(i.execution == Execution.DONE for i in items)  # the August meeting
    assert any(i.is_overdue(plan.academic_year, today) for i in items) == past_october(today)

    # The records too: every kind there, none dated after the day, the warnings the same.
    for model in RECORD_MODELS:
        assert model.objects.exists(), model.__name__
    for model, field in ((ContestEntry, "held_on"), (Attestation, "granted_on"), (Course, "ends_on"),
                         (Visit, "visited_on"), (Consultation, "held_on"), (Nomination, "nominated_on"),
                         (VisitRecommendation, "done_on"), (Acknowledgment, "acknowledged_on")):
        assert not model.objects.filter(**{f"{field}__gt": today}).exists(), model.__name__
    assert set(ContestEntry.objects.values_list("level", flat=True)) == set(Level.values)
    assert set(ContestEntry.objects.values_list("result", flat=True)) == set(ContestEntry.Result.values)
    statuses = attestation_status(people=Person.objects.exclude(position=Person.Position.OTHER), today=today)
    warned = {s.person.full_name: s.warning_kinds for s in statuses.values() if s.warnings}
    assert EXPIRING in warned["Егорова Наталья Владимировна"]
    assert SZD_OVERDUE in warned["Шевченко Оксана Викторовна"] and SZD_OVERDUE in warned["Смирнова Юлия Дмитриевна"]
    assert VisitRecommendation.objects.filter(done_on__isnull=True, due_on__lt=today).exists()

    # The meetings: as many as the demo has; past ones held, with attendance and a protocol,
    # numbered without gaps; nothing signed, done or executed after the moment.
    year = AcademicYear.objects.current()
    meetings = Meeting.objects.filter(academic_year=year)
    assert meetings.count() == sum(len(spec.meetings) for spec in demo_meetings.ASSOCIATIONS)
    assert not meetings.filter(starts_at__gt=fake_now).exclude(status=Meeting.Status.PLANNED).exists()
    assert not meetings.filter(
        status=Meeting.Status.PLANNED, starts_at__lt=fake_now - datetime.timedelta(hours=4)
    ).exists()
    for meeting in meetings.filter(status=Meeting.Status.HELD):
        assert meeting.attendance.exists() and hasattr(meeting, "protocol")
    for association in Association.objects.all():
        numbers = list(Protocol.objects.filter(association=association, academic_year=year).order_by("number")
                       .values_list("number", flat=True))
        assert numbers == list(range(1, len(numbers) + 1))
    assert Protocol.objects.filter(status=Protocol.Status.SIGNED).count() == 3
    assert not Decision.objects.filter(done_on__gt=today).exists()
    assert not Protocol.objects.filter(signed_at__gt=fake_now).exists()
