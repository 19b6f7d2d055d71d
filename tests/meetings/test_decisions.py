"""Decisions under control: overdue ones computed and highlighted, the head's list scoped to
their association (the methodologist's to the district), «Мои поручения» on the home page, and
marking done — one's own, or as the association's head; anything else 404 (403 where the
decision is on the user's list but not theirs to mark)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import selectors as meetings_selectors
from meetings.models import Decision
from tests import factories as f

TODAY = timezone.localdate


@pytest.fixture
def decisions(world):
    other_person = world.other_deputy.person
    teacher, head = world.teacher_person, world.head_person
    return {
        "teacher_overdue": f.decision_of(world.mo, world.year, responsible=teacher, due_on=f.in_days(-3),
                                         text="Сдать отчёт"),
        "teacher_later": f.decision_of(world.mo, world.year, responsible=teacher, due_on=f.in_days(10),
                                       text="Провести час"),
        "teacher_draft": f.decision_of(world.mo, world.year, responsible=teacher, due_on=f.in_days(5), signed=False,
                                       text="Черновое поручение"),
        "head_own": f.decision_of(world.mo, world.year, responsible=head, due_on=f.in_days(2),
                                  text="Подготовить анализ"),
        "other_school": f.decision_of(world.other_mo, world.year, responsible=other_person, due_on=f.in_days(1),
                                      text="Чужое поручение"),
        "rmo": f.decision_of(world.rmo, world.year, responsible=head, due_on=f.in_days(4),
                             text="Поручение РМО"),
        "far": f.decision_of(world.other_district_rmo, world.year,
                             responsible=world.other_district_methodologist.person, due_on=f.in_days(4),
                             text="Поручение другого района"),
    }


def page(client, **params):
    response = client.get(reverse("meetings:decisions"), params)
    assert response.status_code == 200
    return response.content.decode()


# --- overdue --------------------------------------------------------------------------------------


def test_overdue_is_open_and_past_its_date(world):
    overdue = f.decision_of(world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(-1))
    today = f.decision_of(world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(0))
    done = f.decision_of(world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(-5))
    Decision.objects.filter(pk=done.pk).update(status="done", done_on=TODAY())
    done.refresh_from_db()
    assert overdue.is_overdue() and not today.is_overdue() and not done.is_overdue()
    mine = {d.pk: d for d in meetings_selectors.my_decisions(user=world.teacher)}
    assert set(mine) == {overdue.pk, today.pk}
    assert mine[overdue.pk].overdue and mine[overdue.pk].days_overdue == 1
    assert not mine[today.pk].overdue


# --- the control page ---------------------------------------------------------------------------


def test_the_heads_list_is_their_associations(world, client_for, decisions):
    content = page(client_for(world.head))
    # One name for the page, the navbar's: «Поручения»; the controller's scope is its subtitle.
    assert "<title>Поручения — " in content and '<h1 class="h3 mb-1">Поручения</h1>' in content
    assert "Решения на контроле" not in content and "на контроле: решения заседаний" in content
    for key in ("teacher_overdue", "teacher_later", "head_own", "rmo"):
        # the МО they head, and their own РМО task
        assert decisions[key].text in content, key
    # A draft protocol's decisions are on nobody's list, the head's as the responsible teacher's.
    assert decisions["teacher_draft"].text not in content
    assert "Чужое поручение" not in content and "Поручение другого района" not in content
    assert world.teacher_person.short_name in content  # the responsible column


def test_the_methodologist_controls_the_district(world, client_for, decisions):
    content = page(client_for(world.methodologist))
    for key in ("teacher_overdue", "head_own", "other_school", "rmo"):
        assert decisions[key].text in content, key
    assert "Поручение другого района" not in content


def test_a_teacher_sees_only_their_own_signed_decisions(world, client_for, decisions):
    content = page(client_for(world.teacher))
    assert "<title>Поручения — " in content and '<h1 class="h3 mb-1">Поручения</h1>' in content
    assert "ваши: решения заседаний, за исполнение которых отвечаете вы" in content
    assert "Сдать отчёт" in content and "Провести час" in content
    assert "Черновое поручение" not in content  # its protocol is not signed yet
    assert "Подготовить анализ" not in content and "Чужое поручение" not in content


def test_outsiders_get_404_and_anonymous_users_log_in(world, client, client_for, decisions):
    assert client_for(world.outsider).get(reverse("meetings:decisions")).status_code == 404
    client.logout()
    response = client.get(reverse("meetings:decisions"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_overdue_rows_are_highlighted_and_filterable(world, client_for, decisions):
    client = client_for(world.head)
    content = page(client)
    row = content[content.index(f'data-decision="{decisions["teacher_overdue"].pk}"') - 60:]
    assert "decision-overdue" in row[:80]
    assert "просрочено на 3" in content
    assert content.count('class="decision-row decision-overdue"') == 1

    overdue_only = page(client, state="overdue")
    assert "Сдать отчёт" in overdue_only and "Провести час" not in overdue_only


def test_done_ones_have_their_own_state(world, client_for, decisions):
    Decision.objects.filter(pk=decisions["teacher_later"].pk).update(
        status="done", done_on=TODAY(), done_note="Проведён"
    )
    client = client_for(world.head)
    assert "Провести час" not in page(client)  # the default: open ones
    done = page(client, state="done")
    assert "Провести час" in done and "Проведён" in done and "Сдать отчёт" not in done


@pytest.mark.parametrize("params", [{"state": "bogus"}, {"association": "x"}, {"association": "999999999999999999999"},
                                    {"page": "0"}, {"state": "overdue", "association": "-5"}])
def test_malformed_filters_never_500(world, client_for, decisions, params):
    page(client_for(world.head), **params)


def test_the_list_does_not_grow_with_decisions(world, client_for):
    client = client_for(world.methodologist)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            page(client)
        return len(ctx.captured_queries)

    for _ in range(3):
        f.decision_of(world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(-1))
    few = queries()
    school = f.SchoolFactory(district=world.district)
    mo = f.AssociationFactory(school=school)
    for i in range(20):
        f.decision_of(mo, world.year, responsible=f.PersonFactory(school=school), due_on=f.in_days(i - 5))
    assert queries() == few


# --- «Мои поручения» on the home page ----------------------------------------------------------


def test_my_decisions_are_on_the_home_page(world, client_for, decisions):
    content = client_for(world.teacher).get(reverse("home")).content.decode()
    assert "Мои поручения" in content
    assert "Сдать отчёт" in content and "Провести час" in content
    assert "Черновое поручение" not in content and "Подготовить анализ" not in content
    assert 'class="decision-row decision-overdue"' in content
    assert reverse("meetings:decision_done", args=[decisions["teacher_later"].pk]) in content


def test_nobody_elses_decisions_are_on_my_home_page(world, client_for, decisions):
    content = client_for(world.deputy).get(reverse("home")).content.decode()
    assert "Мои поручения" not in content


# --- marking done ------------------------------------------------------------------------------


def done_url(decision):
    return reverse("meetings:decision_done", args=[decision.pk])


def test_a_teacher_marks_their_own_done(world, client_for, decisions):
    client = client_for(world.teacher)
    decision = decisions["teacher_overdue"]
    yesterday = TODAY() - datetime.timedelta(days=1)
    response = client.post(done_url(decision), {"done_on": f"{yesterday:%Y-%m-%d}", "note": "Отчёт сдан",
                                                "next": reverse("home")})
    assert response.status_code == 302 and response.url == reverse("home")
    decision.refresh_from_db()
    assert (decision.status, decision.done_on, decision.done_note) == ("done", yesterday, "Отчёт сдан")
    home = client.get(response.url).content.decode()
    assert "Решение отмечено выполненным" in home
    assert f'data-decision="{decision.pk}"' not in home  # no longer among «Мои поручения»


def test_an_empty_date_means_today_and_dd_mm_yyyy_is_understood(world, client_for, decisions):
    client = client_for(world.teacher)
    client.post(done_url(decisions["teacher_overdue"]), {"done_on": "", "note": ""})
    client.post(done_url(decisions["teacher_later"]), {"done_on": f"{TODAY():%d.%m.%Y}"})
    assert set(Decision.objects.filter(status="done").values_list("done_on", flat=True)) == {TODAY()}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"done_on": "завтра"}, "Дата выполнения"),
        ({"done_on": "2099-01-01"}, "не может быть в будущем"),
    ],
)
def test_errors_are_shown_not_500(world, client_for, decisions, data, message):
    client = client_for(world.teacher)
    response = client.post(done_url(decisions["teacher_later"]), {**data, "next": reverse("meetings:decisions")})
    assert response.status_code == 302 and response.url == reverse("meetings:decisions")
    assert message in client.get(response.url).content.decode()
    assert Decision.objects.get(pk=decisions["teacher_later"].pk).status == "open"


def test_marking_twice_is_refused_politely(world, client_for, decisions):
    client = client_for(world.teacher)
    client.post(done_url(decisions["teacher_later"]), {})
    response = client.post(done_url(decisions["teacher_later"]), {})
    assert "уже отмечено выполненным" in client.get(response.url).content.decode()


def test_an_outside_next_is_not_followed(world, client_for, decisions):
    response = client_for(world.teacher).post(done_url(decisions["teacher_later"]), {"next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_the_head_marks_a_members_decision(world, client_for, decisions):
    client_for(world.head).post(done_url(decisions["teacher_later"]), {"note": "Проверено"})
    assert Decision.objects.get(pk=decisions["teacher_later"].pk).status == "done"


@pytest.mark.parametrize(
    ("role", "key", "status"),
    [
        ("teacher", "head_own", 404),  # a colleague's decision
        ("teacher", "rmo", 404),  # the РМО's decision of someone else
        ("teacher", "teacher_draft", 404),  # not theirs until the protocol is signed
        ("teacher", "other_school", 404),
        ("head", "other_school", 404),
        ("deputy", "teacher_later", 404),
        ("outsider", "teacher_later", 404),
        ("other_district_methodologist", "teacher_later", 404),
        ("methodologist", "teacher_later", 403),  # on the district's list, but the school МО's to mark
    ],
)
def test_marking_what_is_not_yours(world, client_for, decisions, role, key, status):
    response = client_for(getattr(world, role)).post(done_url(decisions[key]), {})
    assert response.status_code == status
    assert Decision.objects.get(pk=decisions[key].pk).status == "open"


def test_the_methodologist_marks_the_rmos_decision(world, client_for, decisions):
    client_for(world.methodologist).post(done_url(decisions["rmo"]), {})
    assert Decision.objects.get(pk=decisions["rmo"].pk).status == "done"


def test_marking_needs_post_and_a_login(world, client, client_for, decisions):
    assert client_for(world.teacher).get(done_url(decisions["teacher_later"])).status_code == 405
    client.logout()
    response = client.post(done_url(decisions["teacher_later"]), {})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client_for(world.teacher).post("/meetings/decisions/99999999999999999999/done/").status_code == 404
