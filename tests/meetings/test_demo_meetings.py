"""The demo's meetings (meetings/demo.py, loaded by `manage.py load_demo`): every association has
its year of meetings; the past ones are held, with attendance, guests and a protocol; three
protocols are signed with their PDF stored as issued; decisions are done, open, overdue and due
in a few days; school 1's secretary has a draft to finish; a second run writes nothing; and all
of it holds whatever day the demo is loaded (checked with the plans and records, one load a day:
tests/associations/test_demo_data.py, test_the_demo_holds_on_any_day_of_the_year).

The tests of `TestTheDemoDay` share one load on a fixed day, Monday 30 November 2026, so that
what is past and what is overdue is known.
"""

from __future__ import annotations

import datetime
import hashlib
import sys

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from associations.access import roles_for
from associations.models import AcademicYear, Association, Membership, Person, PlanItem
from meetings import selectors as meetings_selectors
from meetings import services
from meetings.forms import agenda_title_ok
from meetings.models import AgendaItem, Attendance, Decision, Guest, Meeting, Protocol, ProtocolItem
from meetings.schedule import selectors as schedule
from meetings.schedule.selectors import decisions_for_reminders
from rmo_portal.demo import meetings as meetings_demo
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

SCHOOL1, SCHOOL2 = "МБОУ «Заречная СОШ № 1»", "МБОУ «СОШ № 2 им. А.С. Пушкина»"
DEMO_DAY = datetime.datetime(2026, 11, 30, 12, 0)
Status = Meeting.Status


def load() -> None:
    call_command("load_demo", quiet=True)


def freeze(monkeypatch, moment: datetime.datetime) -> datetime.datetime:
    aware = timezone.make_aware(moment)
    monkeypatch.setattr(timezone, "now", lambda: aware)
    return aware


@pytest.fixture(scope="class")
def demo_day(django_db_setup, django_db_blocker):
    """The demo loaded once for the tests of a class, on DEMO_DAY (a load takes seconds). It
    stays in a transaction that is rolled back after the class; each test runs in a savepoint
    of it, so what a test changes is undone before the next one."""
    with pytest.MonkeyPatch.context() as patch:
        freeze(patch, DEMO_DAY)
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            try:
                load()
            except BaseException:
                outer.__exit__(*sys.exc_info())
                raise
        yield
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def loaded(demo_day) -> AcademicYear:
    year = AcademicYear.objects.current()
    assert year.start_year == 2026
    return year


def user(username: str):
    return get_user_model().objects.get(username=username)


def mo(school: str) -> Association:
    return Association.objects.get(school__short_name=school)


def rmo() -> Association:
    return Association.objects.get(kind=Association.Kind.DISTRICT)


def local_day(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def pool(association: Association):
    """Whom the association's records may name (meetings.forms.association_people)."""
    if association.is_district:
        return Person.objects.filter(district_id=association.district_id)
    return Person.objects.filter(school_id=association.school_id)


MEETING_MODELS = (Meeting, AgendaItem, AgendaItem.speakers.through, Guest, Attendance, Protocol, ProtocolItem, Decision)


def snapshot() -> dict:
    rows = {model.__name__: model.objects.count() for model in MEETING_MODELS}
    for model in (Meeting, Protocol, Decision):
        rows[f"{model.__name__} history"] = model.history.count()
    rows["meetings"] = sorted(Meeting.objects.values_list("pk", "status", "version", "updated_at"))
    rows["protocols"] = sorted(Protocol.objects.values_list("pk", "status", "version", "pdf_sha256", "signed_at"))
    rows["decisions"] = sorted(Decision.objects.values_list("pk", "status", "done_on"))
    return rows


class TestTheDemoDay:
    """What a person sees who opens the demo on DEMO_DAY."""

    # --- the schedule ------------------------------------------------------------------------------

    def test_every_association_has_its_year_of_meetings(self, loaded):
        now = timezone.now()
        kinds = set()
        for association in Association.objects.all():
            meetings = list(association.meetings.filter(academic_year=loaded).annotate(n=Count("agenda")))
            assert 4 <= len(meetings) <= 6, association
            first = min(meetings, key=lambda m: m.starts_at)
            day = local_day(first.starts_at)
            assert first.kind == Meeting.Kind.SESSION and day.month == 8 and day.year == loaded.start_year
            assert first.status == Status.HELD  # the August meeting is always behind us
            for meeting in meetings:
                kinds.add(meeting.kind)
                assert 2 <= meeting.n <= 4, meeting
                assert meeting.place and meeting.theme and "{" not in meeting.theme
                assert local_day(meeting.starts_at).weekday() < 5
                if meeting.starts_at > now:
                    assert meeting.status == Status.PLANNED
                else:
                    assert meeting.status in (Status.HELD, Status.CANCELLED)
                if association.is_district:
                    assert meeting.place.startswith("МБОУ") or meeting.place.startswith("МАОУ")
            assert any(m.status == Status.PLANNED for m in meetings)
        assert set(Meeting.Kind.values) - kinds <= {Meeting.Kind.CONFERENCE}
        titles = AgendaItem.objects.values_list("title", flat=True)
        assert all(agenda_title_ok(t) for t in titles)
        assert not any("{" in t for t in titles)
        cancelled = Meeting.objects.get(status=Status.CANCELLED)
        assert cancelled.association == mo(SCHOOL1) and "Карантин" in cancelled.cancel_reason
        assert not hasattr(cancelled, "protocol") and not cancelled.attendance.exists()


    def test_held_meetings_have_attendance_guests_and_a_protocol(self, loaded):
        held = Meeting.objects.filter(status=Status.HELD).select_related("association", "protocol")
        assert held.count() >= 2 * Association.objects.count()
        for meeting in held:
            members = set(
                Membership.objects.filter(association=meeting.association, academic_year=loaded).values_list(
                    "person_id", flat=True
                )
            )
            marks = list(meeting.attendance.all())
            assert {a.person_id for a in marks} == members, meeting
            absent = [a for a in marks if not a.present]
            assert 1 <= len(absent) <= 2 and all(a.absence_reason for a in absent)
            assert 1 <= meeting.guests.count() <= 2
            protocol = meeting.protocol
            items = list(protocol.items.select_related("agenda_item", "heard_person").order_by("position"))
            agenda = list(meeting.agenda.order_by("position").values_list("pk", flat=True))
            assert [i.agenda_item_id for i in items] == agenda
            assert protocol.chair is not None and protocol.secretary is not None
            assert services.protocol_validate_votes(protocol=protocol, items=items) == {}
            for item in items:
                assert item.heard_person_id or item.heard_name
                assert item.heard
            people = set(pool(meeting.association).values_list("pk", flat=True))
            for decision in Decision.objects.filter(protocol_item__protocol=protocol):
                assert decision.responsible_id in people
                assert decision.due_on > local_day(meeting.starts_at)
        assert Attendance.objects.filter(meeting__status=Status.PLANNED).count() == 0
        assert Protocol.objects.filter(meeting__status=Status.PLANNED).count() == 0
        assert Guest.objects.filter(position__icontains="ПДН").exists()
        assert Guest.objects.filter(position__icontains="психолог").exists()
        assert ProtocolItem.objects.exclude(heard_name="").exists()  # a guest speaker
        votes = ProtocolItem.objects.filter(votes_for__isnull=False)
        assert votes.filter(votes_abstained__gt=0).exists() and votes.filter(votes_against__gt=0).exists()
        absences = set(Attendance.objects.filter(present=False).values_list("absence_reason", flat=True))
        assert {meetings_demo.ILLNESS, meetings_demo.COURSES} <= absences


    def test_protocols_are_numbered_without_gaps(self, loaded):
        for association in Association.objects.all():
            numbers = list(
                Protocol.objects.filter(association=association, academic_year=loaded)
                .order_by("meeting__starts_at")
                .values_list("number", flat=True)
            )
            assert numbers == list(range(1, len(numbers) + 1)), association
            assert len(numbers) >= 2


    def test_three_protocols_are_signed_with_their_pdf_as_issued(self, loaded):
        signed = Protocol.objects.filter(status=Protocol.Status.SIGNED).select_related("association", "meeting")
        assert {(p.association_id, p.number) for p in signed} == {
            (rmo().pk, 1), (mo(SCHOOL1).pk, 1), (mo(SCHOOL2).pk, 1),
        }
        for protocol in signed:
            with protocol.pdf.open("rb") as stored:
                content = stored.read()
            assert content.startswith(b"%PDF")
            assert hashlib.sha256(content).hexdigest() == protocol.pdf_sha256
            # Signed the next working day after the meeting, by the head.
            assert local_day(protocol.meeting.starts_at) < local_day(protocol.signed_at) <= timezone.localdate()
            assert protocol.signed_by == Person.objects.get(
                appointments__association=protocol.association, appointments__role="head", appointments__ends_on=None
            ).user


    def test_school1s_latest_protocol_is_a_draft_for_the_secretary_to_finish(self, loaded, client):
        school1 = mo(SCHOOL1)
        draft = Protocol.objects.filter(association=school1).order_by("-number").first()
        assert draft.status == Protocol.Status.DRAFT and draft.number == 2
        assert draft.secretary.user.username == "sekretar1"
        last = draft.items.order_by("position").last()
        assert last.heard and not last.decided  # the question she has not written up yet

        secretary = user("sekretar1")
        roles = roles_for(secretary)
        assert roles.secretary_association_ids == {school1.pk}
        assert not (roles.is_head or roles.is_deputy or roles.is_methodologist or roles.is_admin)
        assert roles.label == "секретарь МО"
        assert roles.person.full_name == "Белякова Алёна Викторовна" and roles.person.email
        assert user("uchitel1").person.email

        edit = reverse("meetings:protocol_edit", args=[draft.pk])
        client.force_login(secretary)
        page = client.get(edit)
        assert page.status_code == 200
        # What the demo wrote passes the editor's own validation: saved back unchanged, it is taken.
        assert client.post(edit, form_data(page, "protocol-editor")).status_code == 302
        client.force_login(user("uchitel1"))
        assert client.get(edit).status_code == 404  # a class teacher reads protocols once signed


    def test_a_draft_of_the_demo_can_be_signed_through_its_page(self, loaded, client):
        draft = Protocol.objects.get(association=mo(SCHOOL2), number=2)
        client.force_login(user("rukovoditel2"))
        response = client.post(reverse("meetings:protocol_sign", args=[draft.pk]), {"confirm": "on"})
        assert response.status_code == 302
        assert Protocol.objects.get(pk=draft.pk).status == Protocol.Status.SIGNED


    def test_decisions_are_done_open_overdue_and_due_soon(self, loaded, client):
        today = timezone.localdate()
        done = Decision.objects.filter(status=Decision.Status.DONE)
        assert done.count() >= 5
        assert all(d.done_note and d.done_on <= today for d in done)
        assert Decision.objects.filter(status=Decision.Status.OPEN).count() >= 10

        teacher = user("uchitel1")
        mine = meetings_selectors.my_decisions(user=teacher)
        assert [d.overdue for d in mine] == [True, False]
        overdue, soon = mine
        assert overdue.responsible.user == teacher and overdue.protocol_item.protocol.is_signed
        assert 0 <= (soon.due_on - today).days <= schedule.DECISION_REMINDER_DAYS
        assert soon in decisions_for_reminders(today=today)
        client.force_login(teacher)
        home = client.get("/").content.decode()
        assert "Мои поручения" in home and 'class="decision-row decision-overdue"' in home

        # The heads have overdue decisions of their own, and the district methodologist sees them.
        for username in ("rukovoditel2", "metodist"):
            control = meetings_selectors.decision_control(user=user(username), params={})
            assert control.overdue_count >= 1


    def test_meetings_carry_out_their_plan_items(self, loaded):
        school1 = mo(SCHOOL1)
        linked = Meeting.objects.filter(association=school1, plan_item__isnull=False).select_related(
            "plan_item__plan", "plan_item__section"
        )
        assert linked.count() == school1.meetings.count()
        for meeting in linked:
            item = meeting.plan_item
            assert item.plan.academic_year == loaded and item.plan.association == school1
            if meeting.status == Status.HELD:
                assert item.execution == PlanItem.Execution.DONE
                assert item.executed_on == local_day(meeting.starts_at)
                assert item.section.name == "Заседания МО"
            elif meeting.status == Status.CANCELLED:
                assert item.execution == PlanItem.Execution.CANCELLED
        # The РМО's plan waits for review: its meetings are linked, its items not marked.
        rmo_items = PlanItem.objects.filter(meetings__association=rmo())
        assert rmo_items.count() == rmo().meetings.count()
        assert set(rmo_items.values_list("execution", flat=True)) == {PlanItem.Execution.PENDING}
        # The schools without a plan have meetings without plan items.
        assert not Meeting.objects.filter(association__school__short_name=meetings_demo.SOSNOVKA,
                                          plan_item__isnull=False).exists()


    def test_a_second_run_writes_nothing(self, loaded):
        first = snapshot()
        load()
        assert snapshot() == first
