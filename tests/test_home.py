"""The home page, composed at the project level (rmo_portal/views.py) from the organisation's
selectors and the meetings' ones: every role gets it, a teacher finds their classes, their
upcoming meetings and «Мои поручения» there; its query count does not grow; and `associations`
still imports nothing of `meetings` (reports → meetings → associations)."""

import ast
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse

from meetings.models import Meeting
from rmo_portal import views
from tests import factories as f

ROLES = ["admin", "methodologist", "deputy", "head", "teacher", "other_deputy", "other_district_methodologist",
         "outsider"]


def test_home_is_the_project_view():
    assert resolve(reverse("home")).func is views.home


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_the_home_page(world, client_for, role):
    response = client_for(getattr(world, role)).get(reverse("home"))
    assert response.status_code == 200
    assert "Ближайшие заседания и мероприятия" in response.content.decode()


def test_anonymous_users_log_in(world, client):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_teacher_sees_classes_meetings_and_tasks(world, client_for):
    f.MeetingFactory(
        association=world.mo, starts_at=f.at(f.in_days(2)), theme="Заседание нашего МО", place="Кабинет № 12",
    )
    f.MeetingFactory(
        association=world.rmo, starts_at=f.at(f.in_days(3)), theme="Семинар района", kind=Meeting.Kind.SEMINAR,
    )
    f.MeetingFactory(association=world.other_mo, starts_at=f.at(f.in_days(2)), theme="Заседание соседей")
    f.MeetingFactory(association=world.mo, starts_at=f.at(f.in_days(-2)), theme="Уже прошло")
    f.decision_of(world.mo, responsible=world.teacher_person, text="Подготовить классный час", due_on=f.in_days(-1))
    f.decision_of(world.mo, responsible=world.head_person, text="Поручение руководителю", due_on=f.in_days(5))

    content = client_for(world.teacher).get(reverse("home")).content.decode()
    assert "6 «Б»" in content and world.mo.name in content  # what the page always showed
    assert "Заседание нашего МО" in content and "Семинар района" in content and "Кабинет № 12" in content
    assert "Заседание соседей" not in content and "Уже прошло" not in content
    assert content.index("Заседание нашего МО") < content.index("Семинар района")
    assert "Мои поручения" in content and "Подготовить классный час" in content
    assert "decision-overdue" in content
    assert "Поручение руководителю" not in content


def test_the_methodologist_home_still_shows_the_district(world, client_for):
    content = client_for(world.methodologist).get(reverse("home")).content.decode()
    assert "Методические объединения района" in content
    assert world.other_mo.name in content
    assert "Мои поручения" not in content  # nothing assigned to her


def test_the_home_page_does_not_grow_with_meetings_and_decisions(world, client_for):
    client = client_for(world.teacher)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("home")).status_code == 200
        return len(ctx.captured_queries)

    f.MeetingFactory(association=world.mo, starts_at=f.at(f.in_days(1)), theme="Первое")
    f.decision_of(world.mo, responsible=world.teacher_person, text="Первое поручение", due_on=f.in_days(3))
    few = queries()
    for i in range(12):
        f.MeetingFactory(
            association=world.mo if i % 2 else world.rmo, starts_at=f.at(f.in_days(i + 1)), theme=f"Заседание {i}",
        )
        f.decision_of(world.mo, responsible=world.teacher_person, text=f"Поручение {i}", due_on=f.in_days(i - 4))
    assert queries() == few


def test_associations_never_import_meetings():
    """The organisation and its plan know nothing of meetings (DESIGN.md, «How the code is
    arranged»): no module of `associations` imports `meetings` or `reports`."""
    root = Path(__file__).resolve().parent.parent / "associations"
    offenders = []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in {"meetings", "reports"}]
    assert offenders == []
