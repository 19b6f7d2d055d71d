"""`manage.py send_reminders`: tomorrow's planned meetings reach their association's members,
decisions due within three days reach the responsible person; each reminder goes once, even
across runs and failures; --dry-run sends nothing."""

import datetime
import smtplib
from io import StringIO

import pytest
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from meetings.models import AgendaItem, Decision, Meeting, SentReminder
from tests import factories as f


def run(*args) -> str:
    out = StringIO()
    call_command("send_reminders", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://rmo.example.ru/"


@pytest.fixture
def people(world):
    """The МО's members get addresses (the head through her login); a third member has none."""
    world.teacher_person.email = "sokolova@example.ru"
    world.teacher_person.save()
    world.head.email = "Volkova@Example.ru"
    world.head.save()
    f.MembershipFactory(association=world.mo, academic_year=world.year, person__email="")
    return world


# --- meetings -------------------------------------------------------------------------------------


def test_tomorrows_meeting_reaches_the_members(people, mailoutbox, site):
    world = people
    meeting = f.MeetingFactory(
        association=world.mo, academic_year=world.year, starts_at=f.at(f.in_days(1), 15, 30), place="Кабинет № 12",
    )
    AgendaItem.objects.create(meeting=meeting, position=1, title="О плане работы")
    output = run()

    assert sorted(m.to[0] for m in mailoutbox) == ["sokolova@example.ru", "volkova@example.ru"]
    letter = next(m for m in mailoutbox if m.to == ["sokolova@example.ru"])
    assert letter.subject == f"Завтра, {f.in_days(1):%d.%m.%Y} в 15:30: заседание «Профилактика буллинга»"
    assert "Здравствуйте, Марина Петровна!" in letter.body
    assert f"{f.in_days(1):%d.%m.%Y}, в 15:30" in letter.body
    assert "Кабинет № 12" in letter.body and "1. О плане работы" in letter.body
    assert world.mo.name in letter.body
    assert f"https://rmo.example.ru/meetings/{meeting.pk}/" in letter.body
    assert "без адреса e-mail: 1" in output
    assert SentReminder.objects.filter(kind="meeting", object_id=meeting.pk).count() == 2


def test_a_late_evening_meeting_is_tomorrows_by_moscow_date(people, mailoutbox):
    """23:30 Moscow tomorrow is 20:30 UTC tomorrow; 00:30 the day after is still «tomorrow» in
    UTC (21:30) but not in Moscow."""
    world = people
    f.MeetingFactory(
        association=world.mo, academic_year=world.year, starts_at=f.at(f.in_days(1), 23, 30), theme="Поздно",
    )
    f.MeetingFactory(
        association=world.mo, academic_year=world.year, starts_at=f.at(f.in_days(2), 0, 30), theme="Послезавтра",
    )
    run()
    assert {m.subject.split("«")[1] for m in mailoutbox} == {"Поздно»"}


def test_a_district_event_reaches_the_rmo_members(people, mailoutbox):
    world = people
    f.MembershipFactory(association=world.rmo, academic_year=world.year, person__school=world.other_school,
                        person__email="rmo-member@example.ru")
    f.MeetingFactory(
        association=world.rmo, academic_year=world.year, starts_at=f.at(f.in_days(1), 10), kind=Meeting.Kind.SEMINAR,
        theme="Наставничество",
    )
    run()
    assert [m.to for m in mailoutbox] == [["rmo-member@example.ru"]]
    assert "семинар «Наставничество»" in mailoutbox[0].subject


def test_cancelled_held_and_other_days_meetings_are_skipped(people, mailoutbox):
    world = people
    f.MeetingFactory(
        association=world.mo, academic_year=world.year, starts_at=f.at(f.in_days(1)), status=Meeting.Status.CANCELLED,
        cancel_reason="Карантин",
    )
    f.MeetingFactory(association=world.mo, academic_year=world.year, starts_at=f.at(f.in_days(0), 23))
    f.MeetingFactory(association=world.mo, academic_year=world.year, starts_at=f.at(f.in_days(2), 9))
    f.MeetingFactory(
        association=world.mo, academic_year=world.year, starts_at=f.at(f.in_days(-1)), status=Meeting.Status.HELD,
    )
    run()
    assert mailoutbox == []


def test_members_of_another_year_are_not_reminded(people, mailoutbox):
    world = people
    from associations.models import AcademicYear

    next_year = AcademicYear.objects.get_or_create(start_year=world.year.start_year + 1)[0]
    f.MembershipFactory(association=world.mo, academic_year=next_year, person__school=world.school,
                        person__email="next-year@example.ru")
    f.MeetingFactory(association=world.mo, academic_year=world.year, starts_at=f.at(f.in_days(1)))
    run()
    assert "next-year@example.ru" not in [m.to[0] for m in mailoutbox]


# --- decisions ------------------------------------------------------------------------------------


def test_a_decision_due_within_three_days_reaches_the_responsible(people, mailoutbox, site):
    world = people
    in_three = f.decision_of(
        world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(3), text="Сдать отчёт",
    )
    f.decision_of(world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(4), text="Позже")
    f.decision_of(world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(-1), text="Просрочено")
    f.decision_of(
        world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(2), signed=False, text="Черновик",
    )
    done = f.decision_of(world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(1), text="Сделано")
    Decision.objects.filter(pk=done.pk).update(status="done", done_on=f.in_days(0))
    run()

    assert len(mailoutbox) == 1
    letter = mailoutbox[0]
    assert letter.to == ["sokolova@example.ru"]
    assert letter.subject == f"Срок поручения через 3 дня, {f.in_days(3):%d.%m.%Y}: Сдать отчёт"
    assert "Сдать отчёт" in letter.body and "Протокол № 1" in letter.body
    assert "https://rmo.example.ru/" in letter.body
    assert SentReminder.objects.get(kind="decision").object_id == in_three.pk


def test_a_decision_due_tomorrow_says_so(people, mailoutbox):
    f.decision_of(
        people.mo, people.year, responsible=people.head_person, due_on=f.in_days(1), text="Подготовить анализ",
    )
    run()
    assert [m.to for m in mailoutbox] == [["volkova@example.ru"]]
    assert mailoutbox[0].subject.startswith("Срок поручения завтра,")


# --- once, and only once ----------------------------------------------------------------------------


def test_a_second_run_sends_nothing_again(people, mailoutbox):
    world = people
    f.MeetingFactory(association=world.mo, academic_year=world.year, starts_at=f.at(f.in_days(1)))
    f.decision_of(world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(3))
    run()
    first = sorted((m.to[0], m.subject) for m in mailoutbox)
    assert len(first) == 3
    output = run()
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == first
    assert "Отправлено: 0; уже отправлялись раньше: 3" in output


def run_on(monkeypatch, day: datetime.date) -> str:
    """A run of the command as cron starts it on `day` (Moscow date)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
    return run()


def test_a_meeting_moved_to_another_day_is_reminded_again(people, mailoutbox, monkeypatch):
    """Reminded for tomorrow, then moved two days on: the day before its new date the members
    are reminded again, with the new date; a third run sends nothing."""
    world = people
    today = f.in_days(0)
    meeting = f.MeetingFactory(association=world.mo, academic_year=world.year, starts_at=f.at(f.in_days(1), 15))
    run_on(monkeypatch, today)
    assert len(mailoutbox) == 2

    new_day = today + datetime.timedelta(days=3)
    meeting.starts_at = f.at(new_day, 10)
    meeting.save()
    run_on(monkeypatch, new_day - datetime.timedelta(days=1))
    assert len(mailoutbox) == 4
    subject = f"Завтра, {new_day:%d.%m.%Y} в 10:00: заседание «Профилактика буллинга»"
    assert {m.subject for m in mailoutbox[2:]} == {subject}
    tomorrow = today + datetime.timedelta(days=1)
    assert sorted(SentReminder.objects.values_list("for_date", flat=True)) == [tomorrow] * 2 + [new_day] * 2

    output = run_on(monkeypatch, new_day - datetime.timedelta(days=1))
    assert len(mailoutbox) == 4
    assert "Отправлено: 0; уже отправлялись раньше: 2" in output


def test_a_meeting_moved_within_the_same_day_is_not_reminded_twice(people, mailoutbox):
    world = people
    meeting = f.MeetingFactory(association=world.mo, academic_year=world.year, starts_at=f.at(f.in_days(1), 15))
    run()
    meeting.starts_at = f.at(f.in_days(1), 17)
    meeting.save()
    output = run()
    assert len(mailoutbox) == 2
    assert "уже отправлялись раньше: 2" in output


def test_a_decision_given_a_new_term_is_reminded_of_it(people, mailoutbox):
    world = people
    decision = f.decision_of(
        world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(3), text="Сдать отчёт",
    )
    run()
    Decision.objects.filter(pk=decision.pk).update(due_on=f.in_days(1))
    run()
    run()
    assert [m.subject.split(":")[0] for m in mailoutbox] == [
        f"Срок поручения через 3 дня, {f.in_days(3):%d.%m.%Y}",
        f"Срок поручения завтра, {f.in_days(1):%d.%m.%Y}",
    ]


def test_a_failed_letter_is_retried_and_the_sent_ones_are_not(people, mailoutbox, monkeypatch):
    """The run fails on one recipient: the letters that went out are recorded, the failed one
    is not, and the next run sends exactly that one."""
    world = people
    f.MeetingFactory(association=world.mo, academic_year=world.year, starts_at=f.at(f.in_days(1)))
    real_send = EmailMessage.send

    def flaky(message, *args, **kwargs):
        if message.to == ["sokolova@example.ru"]:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", flaky)
    with pytest.raises(CommandError, match="Не удалось отправить напоминаний: 1"):
        run()
    assert [m.to for m in mailoutbox] == [["volkova@example.ru"]]
    assert list(SentReminder.objects.values_list("email", flat=True)) == ["volkova@example.ru"]

    monkeypatch.setattr(EmailMessage, "send", real_send)
    run()
    assert sorted(m.to[0] for m in mailoutbox) == ["sokolova@example.ru", "volkova@example.ru"]


def test_the_same_address_twice_gets_one_letter(people, mailoutbox):
    world = people
    f.MembershipFactory(association=world.mo, academic_year=world.year, person__school=world.school,
                        person__email="SOKOLOVA@example.ru")
    f.MeetingFactory(association=world.mo, academic_year=world.year, starts_at=f.at(f.in_days(1)))
    run()
    assert sorted(m.to[0] for m in mailoutbox) == ["sokolova@example.ru", "volkova@example.ru"]


def test_dry_run_sends_and_records_nothing(people, mailoutbox):
    world = people
    f.MeetingFactory(association=world.mo, academic_year=world.year, starts_at=f.at(f.in_days(1)))
    f.decision_of(world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(2))
    output = run("--dry-run")
    assert mailoutbox == []
    assert not SentReminder.objects.exists()
    assert "sokolova@example.ru" in output and "volkova@example.ru" in output
    assert "Было бы отправлено: 3" in output
    run()
    assert len(mailoutbox) == 3
    assert "Было бы отправлено: 0; уже отправлялись раньше: 3" in run("--dry-run")
