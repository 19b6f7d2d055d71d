"""The home page per role, with what is waiting (issue 16, point 2): the secretary's meetings
without a protocol and draft protocols, the МО head's plan status and overdue decisions, the deputy's
plans and analyses to review and the school's decisions, the class teacher's next week; a past
meeting still «запланировано» asks to be marked. Each block shows only the user's own school (the
rules of associations.access) and says what to do next when empty; the page's query count is fixed
per role and does not grow with the rows."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from associations.models import AnnualPlan, Appointment
from meetings.models import Meeting
from tests import factories as f

PAST = timezone.now() - datetime.timedelta(days=3)


def section(content: str, testid: str) -> str:
    """The HTML of the home block with this data-testid ("" when the page has none)."""
    match = re.search(rf'<section[^>]*data-testid="{testid}".*?</section>', content, re.S)
    return match.group(0) if match else ""


def home(client_for, user) -> str:
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def secretary(world):
    user = f.UserFactory(username="sekretar")
    person = f.PersonFactory(user=user, school=world.school, last_name="Орлова")
    f.AppointmentFactory(association=world.mo, person=person, role=Appointment.Role.SECRETARY)
    return user


def other_school_secretary(world):
    person = f.PersonFactory(school=world.other_school)
    f.AppointmentFactory(association=world.other_mo, person=person, role=Appointment.Role.SECRETARY)


# --- the secretary ---------------------------------------------------------------------------------


def test_a_secretary_sees_the_meeting_whose_protocol_is_missing(world, client_for, secretary):
    missing = f.MeetingFactory(association=world.mo, starts_at=PAST, status=Meeting.Status.HELD,
                               theme="Заседание без протокола")
    with_draft = f.MeetingFactory(association=world.mo, starts_at=PAST, status=Meeting.Status.HELD,
                                  theme="Заседание с черновиком")
    draft = f.ProtocolFactory(meeting=with_draft)
    signed_meeting = f.MeetingFactory(association=world.mo, starts_at=PAST, status=Meeting.Status.HELD,
                                      theme="Заседание с подписанным")
    f.mark_signed(f.ProtocolFactory(meeting=signed_meeting))
    f.MeetingFactory(association=world.other_mo, starts_at=PAST, status=Meeting.Status.HELD,
                     theme="Соседи без протокола")
    f.ProtocolFactory(meeting=f.MeetingFactory(association=world.other_mo, starts_at=PAST, status=Meeting.Status.HELD,
                                               theme="Соседский черновик"))

    content = home(client_for, secretary)
    without = section(content, "without-protocol")
    assert "Заседание без протокола" in without
    assert reverse("meetings:protocol_create", args=[missing.pk]) in without
    assert "Составить протокол" in without
    assert "Заседание с черновиком" not in without and "Заседание с подписанным" not in without
    assert "Соседи без протокола" not in content

    drafts = section(content, "draft-protocols")
    assert reverse("meetings:protocol_edit", args=[draft.pk]) in drafts and "Заседание с черновиком" in drafts
    assert "Заседание с подписанным" not in drafts and "Соседский черновик" not in content


def test_the_secretary_writes_the_missing_protocol_from_the_home_page(world, client_for, secretary):
    """The home page's button posts to the protocol's creation, which opens the editor."""
    from meetings.models import Protocol

    missing = f.MeetingFactory(association=world.mo, starts_at=PAST, status=Meeting.Status.HELD)
    client = client_for(secretary)
    assert reverse("meetings:protocol_create", args=[missing.pk]) in section(
        client.get(reverse("home")).content.decode(), "without-protocol"
    )
    response = client.post(reverse("meetings:protocol_create", args=[missing.pk]))
    protocol = Protocol.objects.get(meeting=missing)
    assert response.status_code == 302 and response.url == reverse("meetings:protocol_edit", args=[protocol.pk])
    content = client.get(reverse("home")).content.decode()
    assert "Протоколы всех проведённых заседаний составлены." in section(content, "without-protocol")
    assert reverse("meetings:protocol_edit", args=[protocol.pk]) in section(content, "draft-protocols")


def test_a_secretary_with_everything_done_is_told_so(world, client_for, secretary):
    f.MeetingFactory(association=world.mo, starts_at=f.at(f.in_days(3)), theme="Будущее заседание")
    content = home(client_for, secretary)
    assert "Протоколы всех проведённых заседаний составлены." in section(content, "without-protocol")
    assert "Черновиков нет" in section(content, "draft-protocols")
    assert section(content, "meetings-to-mark") == ""


def test_a_past_meeting_still_planned_asks_to_be_marked(world, client_for, secretary):
    stale = f.MeetingFactory(association=world.mo, starts_at=PAST, theme="Прошло, но не отмечено")
    f.MeetingFactory(association=world.mo, starts_at=f.at(f.in_days(2)), theme="Ещё впереди")
    f.MeetingFactory(association=world.mo, starts_at=PAST, status=Meeting.Status.CANCELLED, theme="Отменённое")
    f.MeetingFactory(association=world.other_mo, starts_at=PAST, theme="Соседи не отметили")

    for user in (secretary, world.head):
        block = section(home(client_for, user), "meetings-to-mark")
        assert "Отметьте: заседание проведено или отменено" in block
        assert "Прошло, но не отмечено" in block and reverse("meetings:meeting", args=[stale.pk]) in block
        assert "Ещё впереди" not in block and "Отменённое" not in block and "Соседи не отметили" not in block
    # Who may not mark it is not asked to: the class teacher, the deputy, the administrator.
    for user in (world.teacher, world.deputy, world.admin):
        assert section(home(client_for, user), "meetings-to-mark") == ""


# --- the МО head ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (None, "Плана ещё нет: создайте его"),
        (AnnualPlan.Status.DRAFT, "допишите план и отправьте его на рассмотрение"),
        (AnnualPlan.Status.SUBMITTED, "Отправлен на рассмотрение"),
        (AnnualPlan.Status.RETURNED, "посмотрите замечания"),
        (AnnualPlan.Status.APPROVED, "Утверждён: отмечайте выполнение"),
    ],
)
def test_the_head_sees_what_to_do_with_the_plan(world, client_for, status, says):
    if status is not None:
        plan = f.plan_with_items(world.mo, world.year, status=status)
    f.plan_with_items(world.other_mo, world.year, status=AnnualPlan.Status.RETURNED)
    content = home(client_for, world.head)
    block = section(content, "plan-statuses")
    assert world.mo.name in block and says in block
    assert world.other_mo.name not in block
    if status is None:
        assert reverse("associations:detail", args=[world.mo.pk]) in block
    else:
        assert reverse("associations:plan", args=[plan.pk]) in block
    # A returned plan is said once, in the plan's block, not again among the waiting ones.
    assert section(content, "awaiting") == ""


def test_the_head_sees_the_overdue_decisions_of_the_mo(world, client_for):
    f.decision_of(world.mo, responsible=world.teacher_person, text="Просроченное поручение", due_on=f.in_days(-5))
    f.decision_of(world.mo, responsible=world.teacher_person, text="Поручение в срок", due_on=f.in_days(5))
    f.decision_of(world.mo, responsible=world.teacher_person, text="Неподписанное", due_on=f.in_days(-5),
                  signed=False)
    f.decision_of(world.other_mo, responsible=f.PersonFactory(school=world.other_school),
                  text="Соседское просроченное", due_on=f.in_days(-5))

    block = section(home(client_for, world.head), "overdue-decisions")
    assert "Просроченное поручение" in block and "просрочено на 5 дней" in block
    assert "Поручение в срок" not in block and "Неподписанное" not in block and "Соседское" not in block


def test_the_head_with_nothing_overdue_is_told_so(world, client_for):
    content = home(client_for, world.head)
    assert "Просроченных поручений нет" in section(content, "overdue-decisions")
    assert "Невыполненных рекомендаций нет" in section(content, "open-recommendations")
    assert "Соколова М.П." in section(content, "attestation-warnings")  # the МО's attestation due, as before


# --- the deputy director ----------------------------------------------------------------------------


def test_the_deputy_sees_plans_and_analyses_to_review_of_the_school_only(world, client_for):
    plan = f.plan_with_items(world.mo, world.year, status=AnnualPlan.Status.SUBMITTED)
    f.plan_with_items(world.other_mo, world.year, status=AnnualPlan.Status.SUBMITTED)
    analysis = f.analysis_of(world.mo, world.year, status="submitted")
    f.analysis_of(world.other_mo, world.year, status="submitted")

    block = section(home(client_for, world.deputy), "awaiting")
    assert reverse("associations:plan", args=[plan.pk]) in block
    assert reverse("reports:analysis", args=[world.mo.pk, world.year.start_year]) in block
    assert f'data-analysis="{analysis.pk}"' in block
    assert world.other_mo.name not in block
    # The other school's deputy sees the other school's.
    other = section(home(client_for, world.other_deputy), "awaiting")
    assert world.other_mo.name in other and world.mo.name not in other


def test_the_deputy_with_nothing_to_review_is_told_so(world, client_for):
    f.plan_with_items(world.mo, world.year, status=AnnualPlan.Status.DRAFT)
    block = section(home(client_for, world.deputy), "awaiting")
    assert "Планов и анализов на рассмотрении нет" in block


def test_the_head_sees_a_returned_analysis(world, client_for):
    f.analysis_of(world.mo, world.year, status="returned")
    block = section(home(client_for, world.head), "awaiting")
    assert "возвращён на доработку — см. замечания" in block


def test_the_deputy_sees_the_schools_decisions_overdue_first(world, client_for):
    f.decision_of(world.mo, responsible=world.teacher_person, text="Позже", due_on=f.in_days(20))
    f.decision_of(world.mo, responsible=world.head_person, text="Давно просрочено", due_on=f.in_days(-10))
    f.decision_of(world.mo, responsible=world.teacher_person, text="Из черновика", due_on=f.in_days(-1), signed=False)
    f.decision_of(world.other_mo, responsible=f.PersonFactory(school=world.other_school), text="Соседское",
                  due_on=f.in_days(-3))

    block = section(home(client_for, world.deputy), "overseen-decisions")
    assert "Давно просрочено" in block and "Позже" in block
    assert block.index("Давно просрочено") < block.index("Позже")
    assert "1 просрочено" in block
    assert "Из черновика" not in block and "Соседское" not in block
    assert "Соседское" in section(home(client_for, world.other_deputy), "overseen-decisions")
    # Nobody else gets the deputy's block.
    for user in (world.head, world.teacher, world.methodologist, world.admin):
        assert section(home(client_for, user), "overseen-decisions") == ""


def test_the_deputy_with_no_open_decisions_is_told_so(world, client_for):
    assert "Открытых поручений нет" in section(home(client_for, world.deputy), "overseen-decisions")


# --- the class teacher -----------------------------------------------------------------------------


def test_the_teacher_sees_next_weeks_meetings(world, client_for):
    today = timezone.localdate()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    f.MeetingFactory(association=world.mo, starts_at=f.at(monday + datetime.timedelta(days=2)), theme="В среду")
    f.MeetingFactory(association=world.rmo, starts_at=f.at(monday, hour=10), theme="Семинар в понедельник",
                     kind=Meeting.Kind.SEMINAR)
    f.MeetingFactory(association=world.mo, starts_at=f.at(monday + datetime.timedelta(days=8)), theme="Через неделю")
    f.MeetingFactory(association=world.other_mo, starts_at=f.at(monday + datetime.timedelta(days=1)),
                     theme="У соседей")

    content = home(client_for, world.teacher)
    block = section(content, "next-week")
    assert "На следующей неделе" in block and monday.strftime("%d.%m.%Y") in block
    assert "В среду" in block and "Семинар в понедельник" in block
    assert block.index("Семинар в понедельник") < block.index("В среду")
    assert "Через неделю" not in block and "У соседей" not in content
    assert "6 «Б»" in content  # as before: the class
    # The teacher records nothing: no protocol blocks.
    assert section(content, "without-protocol") == "" and section(content, "plan-statuses") == ""


def test_an_empty_next_week_says_where_to_look(world, client_for):
    assert "На следующей неделе заседаний и мероприятий нет" in section(home(client_for, world.teacher), "next-week")


# --- the methodologist and the administrator --------------------------------------------------------


def test_the_methodologist_keeps_the_dashboard(world, client_for):
    content = home(client_for, world.methodologist)
    assert 'data-testid="dashboard' in content or "dashboard" in content
    assert section(content, "next-week") == "" and section(content, "overdue-decisions") == ""


def test_the_administrator_is_not_everyones_secretary(world, client_for):
    f.MeetingFactory(association=world.mo, starts_at=PAST, status=Meeting.Status.HELD, theme="Без протокола")
    content = home(client_for, world.admin)
    assert section(content, "without-protocol") == "" and "Без протокола" not in content
    assert section(content, "plan-statuses") == ""


# --- the query count -----------------------------------------------------------------------------

# Per role, measured: the session, the user and their roles, the navigation, then one query per
# block's rows (the methodologist's dashboard has its own fixed set). A block with more rows than it
# lists adds one count (MORE): the secretary's and head's three meeting blocks, the deputy's decisions
# (their total and the overdue ones).
QUERIES = {"secretary": 22, "head": 28, "deputy": 20, "teacher": 15, "methodologist": 38}


def _user(world, role, secretary):
    return secretary if role == "secretary" else getattr(world, role)


def _rows(world, n: int, *, start: int = 0) -> None:
    """`n` of every kind of row a home page lists, in the world's first school and the other."""
    today = timezone.localdate()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    for i in range(start, start + n):
        for mo in (world.mo, world.other_mo):
            f.MeetingFactory(association=mo, starts_at=PAST, status=Meeting.Status.HELD, theme=f"Без протокола {i}")
            f.ProtocolFactory(meeting=f.MeetingFactory(association=mo, starts_at=PAST, status=Meeting.Status.HELD))
            f.MeetingFactory(association=mo, starts_at=PAST, theme=f"Не отмечено {i}")
            f.MeetingFactory(association=mo, starts_at=f.at(monday + datetime.timedelta(days=i % 7)))
            responsible = world.teacher_person if mo == world.mo else f.PersonFactory(school=world.other_school)
            f.decision_of(mo, responsible=responsible, text=f"Поручение {i}", due_on=f.in_days(i - 5))
        f.MeetingFactory(association=world.rmo, starts_at=f.at(monday + datetime.timedelta(days=i % 7)))


@pytest.mark.parametrize("role", list(QUERIES))
def test_the_query_count_is_fixed_and_does_not_grow(world, client_for, secretary, django_assert_num_queries, role):
    f.plan_with_items(world.mo, world.year, status=AnnualPlan.Status.SUBMITTED)
    f.analysis_of(world.mo, world.year, status="submitted")
    _rows(world, 1)
    client = client_for(_user(world, role, secretary))
    client.get(reverse("home"))  # the session warmed
    with django_assert_num_queries(QUERIES[role]):
        assert client.get(reverse("home")).status_code == 200
    _rows(world, 14, start=1)  # more than every block lists
    with django_assert_num_queries(QUERIES[role] + MORE[role]):
        content = client.get(reverse("home")).content.decode()
    if role in ("secretary", "head"):
        assert "Всего 15 заседаний без протокола." in content
    _rows(world, 5, start=15)
    with django_assert_num_queries(QUERIES[role] + MORE[role]):
        client.get(reverse("home"))


# The counts a block adds once it has more rows than it lists (its total).
MORE = {"secretary": 3, "head": 3, "deputy": 2, "teacher": 0, "methodologist": 0}

