"""One definition gives both: for every kind and action of `associations.access`, the in-memory
predicate (`allows`) agrees with the queryset (`visible`) for every object and every user, and
evaluates without a query once the object's related rows are loaded. Plus the Q evaluator's own
lookups, and the navigation's capabilities against the role conditions they replaced."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Q

from associations import access
from associations.models import (
    AnnualPlan,
    Appointment,
    Association,
    Attestation,
    AttestationApplication,
    ClassAssignment,
    Consultation,
    ContestEntry,
    Course,
    District,
    Nomination,
    Person,
    PlanItemFile,
    School,
    Visit,
    VisitRecommendation,
)
from meetings.models import Decision, DecisionFile, Material, MaterialFile, Meeting, Protocol
from reports.models import Analysis, ClassMonitoring, Method
from tests import factories as f
from tests.once import built_once, fresh_copy
from tests.reports.checklist import data as checklist_data
from tests.world import build_world

USERS = [
    "admin", "methodologist", "deputy", "head", "teacher", "other_deputy", "other_district_methodologist",
    "outsider", "secretary", "rmo_head",
]

# kind -> (its model's queryset, with the rows its rules read through loaded up front)
QUERYSETS = {
    "association": lambda: Association.objects.all(),
    "school": lambda: School.objects.all(),
    "person": lambda: Person.objects.all(),
    "plan": lambda: AnnualPlan.objects.select_related("association"),
    "meeting": lambda: Meeting.objects.select_related("association"),
    "protocol": lambda: Protocol.objects.select_related("association"),
    "decision": lambda: Decision.objects.select_related("protocol_item__protocol__association"),
    "contest_entry": lambda: ContestEntry.objects.select_related("person"),
    "attestation": lambda: Attestation.objects.select_related("person"),
    "attestation_application": lambda: AttestationApplication.objects.select_related("person"),
    "course": lambda: Course.objects.select_related("person"),
    "nomination": lambda: Nomination.objects.select_related("person"),
    "visit": lambda: Visit.objects.select_related("school"),
    "recommendation": lambda: VisitRecommendation.objects.select_related("visit__school"),
    "consultation": lambda: Consultation.objects.select_related("association"),
    "appointment": lambda: Appointment.objects.select_related("association"),
    "material": lambda: Material.objects.all(),
    "material_file": lambda: MaterialFile.objects.select_related("material"),
    "plan_item_file": lambda: PlanItemFile.objects.select_related("plan_item__plan__association"),
    "decision_file": lambda: DecisionFile.objects.select_related("decision__protocol_item__protocol__association"),
    "monitored_class": lambda: ClassAssignment.objects.select_related("school"),
    "monitoring": lambda: ClassMonitoring.objects.select_related("class_assignment__school"),
    "monitoring_school": lambda: School.objects.all(),
    "monitoring_district": lambda: District.objects.all(),
    "monitoring_method": lambda: Method.objects.all(),
    "analysis": lambda: Analysis.objects.select_related("association"),
    "analysis_board": lambda: District.objects.all(),
    "district_summary": lambda: District.objects.all(),
    "dashboard": lambda: District.objects.all(),
    "checklist": lambda: Association.objects.all(),
    # a document of every association, created on the first call (tests/reports/checklist/data.py)
    "checklist_document": checklist_data.documents_everywhere,
    "checklist_district": lambda: District.objects.all(),
}
PAIRS = [(kind, action) for kind, spec in access.KINDS.items() for action in spec.rules]


@pytest.fixture(scope="module")
def world_and_scene_once(django_db_setup, django_db_blocker, demo_cache):
    """The world and its scene, built once for the module's tests (tests/once.py)."""

    def build():
        world = build_world()
        return world, build_scene(world)

    with built_once(django_db_blocker, demo_cache, build) as built:
        yield built


@pytest.fixture
def world_and_scene(world_and_scene_once, db):
    return fresh_copy(world_and_scene_once)


@pytest.fixture
def world(world_and_scene):
    return world_and_scene[0]


@pytest.fixture
def scene(world_and_scene):
    return world_and_scene[1]


def build_scene(world) -> dict[str, object]:
    """The world's five associations, each with a plan of every status (one a year), a draft and a
    signed protocol with a decision each; a secretary of the school МО and a teacher heading the
    РМО (a methodologist through the appointment)."""
    users = {name: getattr(world, name) for name in USERS if hasattr(world, name)}
    secretary = f.UserFactory(username="secretary")
    f.AppointmentFactory(
        association=world.mo, role=Appointment.Role.SECRETARY, order_date=datetime.date(2024, 8, 26),
        person=f.PersonFactory(user=secretary, school=world.school, last_name="Секретарёва"),
    )
    rmo_head = f.UserFactory(username="rmo_head")
    f.AppointmentFactory(
        association=world.rmo, order_issuer="ОО", order_date=datetime.date(2024, 8, 26),
        person=f.PersonFactory(user=rmo_head, school=world.other_school, last_name="Главная"),
    )
    users.update(secretary=secretary, rmo_head=rmo_head)

    associations = [world.rmo, world.mo, world.other_mo, world.other_district_rmo, world.other_district_mo]
    years = [f.AcademicYearFactory(start_year=2020 + i) for i in range(len(AnnualPlan.Status))]
    for association in associations:
        for year, status in zip(years, AnnualPlan.Status, strict=True):
            f.AnnualPlanFactory(association=association, academic_year=year, status=status)
        for signed in (False, True):
            f.decision_of(association, responsible=world.teacher_person, due_on=f.in_days(5), signed=signed)
            f.decision_of(association, responsible=world.head_person, due_on=f.in_days(5), signed=signed)
    _records(world)
    _materials(world)
    _monitorings(world)
    _result_files(world)
    _analyses(associations, years)
    return users


def _records(world) -> None:
    """Records of every kind for a person of each school and district, entered and confirmed."""
    people = [
        world.teacher_person, world.head_person, world.deputy.person, world.other_deputy.person,
        world.methodologist.person, world.other_district_methodologist.person,
        f.PersonFactory(school=world.other_district_mo.school, last_name="Дальняя"),
    ]
    for person in people:
        for status in ContestEntry.Status:
            f.ContestEntryFactory(person=person, status=status)
        f.AttestationFactory(person=person)
        f.AttestationApplicationFactory(person=person)
        f.CourseFactory(person=person)
        f.NominationFactory(person=person)
    for association, consultant in ((world.mo, world.head_person), (world.other_mo, world.other_deputy.person),
                                    (world.rmo, world.methodologist.person),
                                    (world.other_district_rmo, world.other_district_methodologist.person)):
        f.ConsultationFactory(association=association, consultant=consultant, consulted=[world.teacher_person])
    for school, visited in ((world.school, world.teacher_person), (world.other_school, world.other_deputy.person),
                            (world.other_district_mo.school, None)):
        visit = f.VisitFactory(school=school, visitor=world.methodologist.person, visited_person=visited)
        f.VisitRecommendationFactory(visit=visit, position=1)


def _analyses(associations, years) -> None:
    """An analysis of every status (one a year) of each association."""
    for association in associations:
        for year, status in zip(years, Analysis.Status, strict=True):
            f.analysis_of(association, year, status=status)


def _result_files(world) -> None:
    """A result file on an item of every plan and on every decision, attached in turn by the
    world's class teacher and by the school МО's head (the uploader's own part of «remove»)."""
    uploaders = [world.teacher, world.head]
    for i, plan in enumerate(AnnualPlan.objects.order_by("pk")):
        item = f.PlanItemFactory(plan=plan)
        PlanItemFile.objects.create(plan_item=item, file=f.StoredFileFactory(), uploaded_by=uploaders[i % 2])
    for i, decision in enumerate(Decision.objects.order_by("pk")):
        DecisionFile.objects.create(decision=decision, file=f.StoredFileFactory(), uploaded_by=uploaders[i % 2])


def _monitorings(world) -> None:
    """A monitoring of the teacher's 6 «Б», of a class of the other school and of a school of the
    other district."""
    for teacher in (
        world.teacher_person, f.PersonFactory(school=world.other_school, last_name="Соседняя"),
        f.PersonFactory(school=world.other_district_mo.school, last_name="Озёрная"),
    ):
        assignment = ClassAssignment.objects.filter(teacher=teacher).first() or f.ClassAssignmentFactory(
            teacher=teacher, academic_year=world.year, grade=3, letter="А"
        )
        f.class_monitoring(assignment, pupils=2)


def _materials(world) -> None:
    """The data bank's cards of a teacher of each school and of each district's methodologist (no
    school), one of each visibility, each with a file."""
    owners = [
        world.teacher_person, world.head_person, world.other_deputy.person, world.methodologist.person,
        world.other_district_methodologist.person,
        f.PersonFactory(school=world.other_district_mo.school, last_name="Дальняя"),
    ]
    for owner in owners:
        for visibility in ("draft", "school", "district"):
            if visibility == "school" and owner.school_id is None:
                continue
            f.MaterialFileFactory(material=f.MaterialFactory(owner=owner, visibility=visibility))


@pytest.mark.parametrize(("kind", "action"), PAIRS)
def test_allows_agrees_with_visible(scene, kind, action, django_assert_num_queries):
    objects = list(QUERYSETS[kind]())
    someone_may = someone_may_not = False
    for name, user in scene.items():
        visible = set(access.visible(user, kind, QUERYSETS[kind](), action=action).values_list("pk", flat=True))
        with django_assert_num_queries(0):  # the roles are cached, the rows loaded
            allowed = {obj.pk for obj in objects if access.allows(user, kind, obj, action)}
        assert allowed == visible, f"{kind}/{action} as {name}"
        someone_may |= bool(allowed)
        someone_may_not |= len(allowed) < len(objects)
    # Each rule lets someone do something and stops someone somewhere: the test tells something.
    assert someone_may and someone_may_not, f"{kind}/{action} is the same for everyone"


def test_every_kind_is_tested():
    assert set(QUERYSETS) == set(access.KINDS)


def test_the_named_questions_are_the_rules(scene, world):
    """The old entry points answer from the same rules (a sample)."""
    for user in scene.values():
        for association in Association.objects.all():
            assert access.can_write_association(user, association) == access.allows(
                user, "association", association, "write"
            )
            assert access.can_record_meeting(user, association) == access.allows(
                user, "association", association, "record"
            )
            assert access.can_review_plan(user, association) == access.allows(
                user, "association", association, "review"
            )
        assert set(access.plans_visible_to(user)) == set(access.visible(user, "plan"))
        assert set(access.associations_visible_to(user)) == set(access.visible(user, "association"))


def test_a_draft_protocol_is_read_by_its_writers_and_overseers(scene, world):
    draft = Protocol.objects.select_related("association").filter(association=world.mo, status="draft").first()
    readers = {name for name, user in scene.items() if access.allows(user, "protocol", draft)}
    # rmo_head heads the РМО: a methodologist of the district.
    assert readers == {"admin", "methodologist", "rmo_head", "deputy", "head", "secretary"}
    signed = Protocol.objects.select_related("association").filter(association=world.mo, status="signed").first()
    readers = {name for name, user in scene.items() if access.allows(user, "protocol", signed)}
    assert readers == {"admin", "methodologist", "rmo_head", "deputy", "head", "secretary", "teacher"}


def test_capabilities_follow_the_roles(scene):
    """`can` (the navigation) is what the role conditions of base.html and the views said."""
    for name, user in scene.items():
        roles = access.roles_for(user)
        can = access.can(user)
        assert can.see_directory == (roles.is_admin or roles.is_methodologist or roles.is_deputy), name
        assert can.see_district_plans == (roles.is_admin or roles.is_methodologist), name
        assert can.see_decisions == bool(roles.person or roles.is_admin), name
        assert can.control_decisions == bool(
            roles.is_admin or roles.head_association_ids or roles.secretary_association_ids
            or roles.is_methodologist
        ), name
        assert can.use_admin == user.is_staff, name


# --- the Q evaluator -----------------------------------------------------------------------------


def _agrees(q: Q, queryset) -> None:
    """evaluate(q, obj) for each row is membership in queryset.filter(q)."""
    matching = set(queryset.filter(q).values_list("pk", flat=True))
    rows = list(queryset)
    assert {obj.pk for obj in rows if access.evaluate(q, obj)} == matching, q
    assert 0 < len(matching) < len(rows), f"{q}: a test that tells nothing"


QUERIES = {
    "exact": lambda w: Q(kind=Association.Kind.DISTRICT),
    "exact, spelt out": lambda w: Q(kind__exact=Association.Kind.SCHOOL),
    "exact None is IS NULL": lambda w: Q(school_id=None),
    "a foreign key by its id": lambda w: Q(school=w.school.pk),
    "isnull on the relation": lambda w: Q(school__isnull=True),
    "isnull on the column": lambda w: Q(school_id__isnull=False),
    "in": lambda w: Q(pk__in=[w.mo.pk, w.rmo.pk]),
    "NULL is in no list": lambda w: Q(school_id__in={w.school.pk, None}),
    "through a foreign key": lambda w: Q(district__slug="zarechny"),
    "through a null foreign key: no match": lambda w: Q(school__district__slug="zarechny"),
    "fk__pk": lambda w: Q(school__pk__in=[w.school.pk, w.other_school.pk]),
    "negation keeps the NULLs": lambda w: ~Q(school_id=w.school.pk),
    "negation through a null foreign key": lambda w: ~Q(school__district__slug="zarechny"),
    "or": lambda w: Q(kind=Association.Kind.DISTRICT) | Q(school__short_name="МБОУ «СОШ № 2»"),
    "and not": lambda w: Q(kind=Association.Kind.SCHOOL) & ~Q(district__slug="ozerny"),
    "nested": lambda w: Q(Q(kind="district") | Q(school_id__isnull=True), district__slug="ozerny"),
}


@pytest.mark.parametrize("case", QUERIES)
def test_evaluator_agrees_with_the_database(world, case):
    _agrees(QUERIES[case](world), Association.objects.select_related("school__district", "district"))


def test_evaluator_reads_the_column_of_fk_pk_without_a_query(world, django_assert_num_queries):
    protocol_item = f.decision_of(world.mo, responsible=world.teacher_person, due_on=f.in_days(3)).protocol_item
    decision = Decision.objects.get(protocol_item=protocol_item)  # nothing related loaded
    with django_assert_num_queries(0):
        assert access.evaluate(Q(protocol_item__pk=protocol_item.pk), decision)
        assert access.evaluate(Q(responsible_id__in={world.teacher_person.pk}), decision)
        assert access.evaluate(Q(responsible__id=world.teacher_person.pk), decision)
    with django_assert_num_queries(2):  # beyond the column, the rows are read, as Django reads them
        assert access.evaluate(Q(protocol_item__protocol__status="signed"), decision)


def test_evaluator_through_a_reverse_one_to_one(world):
    meetings = Meeting.objects.select_related("protocol")
    f.MeetingFactory(association=world.mo)
    f.decision_of(world.mo, responsible=world.teacher_person, due_on=f.in_days(3))
    _agrees(Q(protocol__isnull=True), meetings)
    _agrees(Q(protocol__status="signed"), meetings)


def test_evaluator_refuses_what_it_does_not_know(world):
    with pytest.raises(ValueError, match="multi-valued"):
        access.evaluate(Q(meetings__theme="x"), world.mo)
    with pytest.raises(ValueError, match="no field"):
        access.evaluate(Q(nonsense=1), world.mo)
    with pytest.raises(ValueError, match="ids"):
        access.evaluate(Q(school=world.school), world.mo)
    with pytest.raises(ValueError, match="unsupported lookup 'icontains'"):
        access.evaluate(Q(name__icontains="МО"), world.mo)


def test_everything_and_nothing(world):
    assert access.evaluate(access.EVERYTHING, world.mo)
    assert not access.evaluate(access.NOTHING, world.mo)
    assert access.either(access.NOTHING, access.NOTHING) == access.NOTHING
    assert access.either(Q(kind="school"), access.EVERYTHING) == access.EVERYTHING
    assert access.both(Q(kind="school"), access.EVERYTHING) == Q(kind="school")
    assert access.both(Q(kind="school"), access.NOTHING) == access.NOTHING
    assert access.under("association", Q(pk__in=[1], kind="school")) == Q(
        association__pk__in=[1], association__kind="school"
    )
    assert not access.reaches(world.teacher, "person")
    assert access.reaches(world.deputy, "person")
    assert not Association.objects.filter(access.NOTHING).exists()


def test_the_rules_of_a_person_read_only_columns(world, django_assert_num_queries):
    """A person fetched without their school answers the directory's rule on its columns."""
    person = Person.objects.get(pk=world.teacher_person.pk)
    access.roles_for(world.deputy), access.roles_for(world.other_deputy)
    with django_assert_num_queries(0):
        assert access.allows(world.deputy, "person", person)
        assert not access.allows(world.other_deputy, "person", person)
        assert access.evaluate(Q(school__pk=world.school.pk), person)
        assert not access.evaluate(Q(school__pk=world.other_school.pk) | Q(district_id=world.other_district.pk), person)
