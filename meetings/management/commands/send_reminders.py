"""`manage.py send_reminders`: the day's e-mail reminders, for cron (daily, e.g. at 07:00):

- to the members of the association (of the meeting's academic year) of every planned meeting
  that takes place tomorrow, Moscow date;
- to the person responsible for every open decision (of a signed protocol) due within three
  days.

Each reminder goes once per recipient and date. Its SentReminder row (unique kind, object,
e-mail and the date it is about) is created in the same transaction that sends the letter: a
second run, or a run at the same time, finds the row and sends nothing; a letter that failed to
go out rolls its row back and is tried again on the next run. A meeting moved to another day,
or a decision given a new term, is reminded again for its new date. People without an e-mail
address are skipped and counted.

Links in the letters start with settings.SITE_URL (the RMO_SITE_URL environment variable).
"""

from __future__ import annotations

import datetime
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from associations.models import Person
from meetings.models import SentReminder
from meetings.schedule import selectors as schedule

SUBJECT_THEME_LENGTH = 90


@dataclass
class Reminder:
    kind: str
    object_id: int
    for_date: datetime.date
    email: str
    person: Person
    subject: str
    body: str


@dataclass
class Tally:
    sent: int = 0
    already: int = 0
    no_email: int = 0
    failed: int = 0


def greeting_name(person: Person) -> str:
    """«Мария Петровна», as a letter addresses a colleague."""
    return " ".join(part for part in (person.first_name, person.patronymic) if part)


def _date(day: datetime.date) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _in_days(days: int) -> str:
    if days == 0:
        return _("сегодня")
    if days == 1:
        return _("завтра")
    return ngettext("через %(count)d день", "через %(count)d дней", days) % {"count": days}


class Command(BaseCommand):
    help = (
        "Рассылает напоминания по e-mail: членам объединения — о заседании, которое состоится завтра; "
        "ответственным — о сроке решения, до которого осталось 3 дня и меньше. Каждое напоминание "
        "уходит один раз, повторный запуск ничего не дублирует. Для cron: ежедневно, например в 07:00."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Только показать, что было бы отправлено; ничего не отправлять."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        self.verbosity = options.get("verbosity", 1)
        self.site_url = settings.SITE_URL.rstrip("/")
        today = timezone.localdate()
        tally = Tally()
        with translation.override("ru"):
            reminders = [
                *self.meeting_reminders(today + datetime.timedelta(days=1), tally),
                *self.decision_reminders(today, tally),
            ]
            if dry_run:
                self.preview(reminders, tally)
            else:
                self.send(reminders, tally)
        summary = (
            f"{'Было бы отправлено' if dry_run else 'Отправлено'}: {tally.sent}; "
            f"уже отправлялись раньше: {tally.already}; без адреса e-mail: {tally.no_email}; "
            f"ошибок отправки: {tally.failed}."
        )
        self.stdout.write(self.style.ERROR(summary) if tally.failed else summary)
        if tally.failed:
            raise CommandError(f"Не удалось отправить напоминаний: {tally.failed}; они уйдут при следующем запуске.")

    # --- what to send ---------------------------------------------------------------------------

    def _link(self, name: str, *args) -> str | None:
        try:
            return self.site_url + reverse(name, args=args)
        except NoReverseMatch:
            return None

    def _recipients(self, people, tally: Tally):
        seen: set[str] = set()
        for person in people:
            address = person.contact_email
            if not address:
                tally.no_email += 1
                continue
            if address not in seen:
                seen.add(address)
                yield person, address

    def meeting_reminders(self, day: datetime.date, tally: Tally):
        for meeting in schedule.meetings_for_reminders(day=day):
            starts = timezone.localtime(meeting.starts_at)
            context = {
                "meeting": meeting,
                "kind": meeting.get_kind_display(),
                "date": _date(starts.date()),
                "time": f"{starts:%H:%M}",
                "agenda": list(meeting.agenda.all()),
                "link": self._link("meetings:meeting", meeting.pk) or self._link("meetings:schedule"),
            }
            subject = _("Завтра, %(date)s в %(time)s: %(kind)s «%(theme)s»") % {
                "date": context["date"],
                "time": context["time"],
                "kind": context["kind"],
                "theme": Truncator(meeting.theme).chars(SUBJECT_THEME_LENGTH),
            }
            for person, address in self._recipients(schedule.meeting_members(meeting), tally):
                body = render_to_string(
                    "meetings/schedule/email/meeting_reminder.txt",
                    {**context, "person": person, "greeting_name": greeting_name(person)},
                )
                yield Reminder(SentReminder.Kind.MEETING, meeting.pk, starts.date(), address, person, subject, body)

    def decision_reminders(self, today: datetime.date, tally: Tally):
        for decision in schedule.decisions_for_reminders(today=today):
            protocol = decision.protocol_item.protocol
            for person, address in self._recipients([decision.responsible], tally):
                context = {
                    "decision": decision,
                    "person": person,
                    "greeting_name": greeting_name(person),
                    "protocol": protocol,
                    "association": protocol.association,
                    "meeting_date": _date(timezone.localtime(protocol.meeting.starts_at).date()),
                    "due": _date(decision.due_on),
                    "in_days": _in_days((decision.due_on - today).days),
                    "link": self._link("home"),
                }
                subject = _("Срок поручения %(in_days)s, %(date)s: %(text)s") % {
                    "in_days": context["in_days"],
                    "date": context["due"],
                    "text": Truncator(" ".join(decision.text.split())).chars(SUBJECT_THEME_LENGTH),
                }
                body = render_to_string("meetings/schedule/email/decision_reminder.txt", context)
                yield Reminder(
                    SentReminder.Kind.DECISION, decision.pk, decision.due_on, address, person, subject, body
                )

    # --- sending --------------------------------------------------------------------------------

    def _already_sent(self, reminder: Reminder) -> bool:
        return SentReminder.objects.filter(
            kind=reminder.kind, object_id=reminder.object_id, email=reminder.email, for_date=reminder.for_date
        ).exists()

    def preview(self, reminders: list[Reminder], tally: Tally) -> None:
        for reminder in reminders:
            if self._already_sent(reminder):
                tally.already += 1
                continue
            tally.sent += 1
            self.stdout.write(f"[не отправлено, --dry-run] {reminder.email} ({reminder.person}): {reminder.subject}")
            if self.verbosity > 1:
                self.stdout.write(reminder.body)

    def send(self, reminders: list[Reminder], tally: Tally) -> None:
        connection = get_connection()
        for reminder in reminders:
            try:
                # The row and the letter in one transaction: if the letter fails, the row goes
                # too and the next run retries; once committed, no run sends it again. A run at
                # the same moment blocks on the unique key and then finds the row.
                with transaction.atomic():
                    _row, created = SentReminder.objects.get_or_create(
                        kind=reminder.kind,
                        object_id=reminder.object_id,
                        email=reminder.email,
                        for_date=reminder.for_date,
                    )
                    if not created:
                        tally.already += 1
                        continue
                    EmailMessage(reminder.subject, reminder.body, to=[reminder.email], connection=connection).send()
            except (smtplib.SMTPException, OSError) as error:
                tally.failed += 1
                self.stderr.write(f"{reminder.email}: {reminder.subject} — не отправлено: {error}")
                continue
            tally.sent += 1
            if self.verbosity > 1:
                self.stdout.write(f"{reminder.email}: {reminder.subject}")
