"""What happens on a date: meetings, their agenda and attendance, numbered protocols
(СЛУШАЛИ / ВЫСТУПИЛИ / РЕШИЛИ), decisions under control, calendar tokens, sent reminders.

Writes go through `meetings.services`; a signed protocol is immutable, and the models refuse a
change to it whatever path tries (form, view, admin, shell).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from associations.models import SCAN_TYPES, AcademicYear, Association, Person, PlanItem, StoredFile, Visit, bounded_text


class SignedProtocolError(ValidationError):
    """Raised by any attempt to change a signed protocol or what it contains."""

    def __init__(self):
        super().__init__(_("Протокол подписан и не может быть изменён."), code="signed")


# The bounds of what reaches a protocol, so that a protocol at every limit renders in a few
# seconds (docs/benchmarks.md): a paragraph of СЛУШАЛИ / ВЫСТУПИЛИ / РЕШИЛИ, a decision, a note;
# the questions of a protocol and the decisions of a question.
PARAGRAPH_MAX_LENGTH = 2000
DECISION_MAX_LENGTH = 500
NOTE_MAX_LENGTH = 1000
PROTOCOL_MAX_ITEMS = 15
ITEM_MAX_DECISIONS = 5

#: Above this many people present, the protocol gives the count and «список прилагается»
#: (guides say 10–15; S4 says 15): the page and the PDF alike.
PRESENT_LIST_LIMIT = 15


class Meeting(models.Model):
    class Kind(models.TextChoices):
        SESSION = "session", _("заседание")
        SEMINAR = "seminar", _("семинар")
        WORKSHOP = "workshop", _("семинар-практикум")
        ROUND_TABLE = "round_table", _("круглый стол")
        MASTER_CLASS = "master_class", _("мастер-класс")
        OPEN_EVENT = "open_event", _("открытое мероприятие")
        CONFERENCE = "conference", _("конференция")

    class Status(models.TextChoices):
        PLANNED = "planned", _("запланировано")
        HELD = "held", _("проведено")
        CANCELLED = "cancelled", _("отменено")

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="meetings", verbose_name=_("объединение")
    )
    academic_year = models.ForeignKey(
        AcademicYear,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("учебный год"),
        help_text=_("Заседание в конце августа относится к следующему учебному году."),
    )
    kind = models.CharField(_("вид"), max_length=20, choices=Kind.choices, default=Kind.SESSION)
    theme = models.CharField(_("тема"), max_length=500)
    starts_at = models.DateTimeField(_("дата и время начала"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("продолжительность, мин"), default=90, validators=[MinValueValidator(10)]
    )
    place = models.CharField(_("место проведения"), max_length=300, blank=True)
    status = models.CharField(_("статус"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    cancel_reason = models.CharField(_("причина отмены"), max_length=300, blank=True)
    plan_item = models.ForeignKey(
        PlanItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("пункт плана"),
    )
    version = models.PositiveIntegerField(_("версия"), default=1)
    # The attendance sheet's own optimistic lock: saving the sheet is no change of the meeting
    # (its version is the feed's SEQUENCE), but two secretaries must not overwrite each other.
    attendance_version = models.PositiveIntegerField(_("версия явки"), default=0)
    attendance_saved_at = models.DateTimeField(_("явка сохранена"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("изменено"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["attendance_version", "attendance_saved_at"])

    class Meta:
        verbose_name = _("заседание или мероприятие")
        verbose_name_plural = _("заседания и мероприятия")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["association", "starts_at"]), models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {timezone.localtime(self.starts_at):%d.%m.%Y}: {self.theme}"

    def clean(self):
        """The meeting's academic year: the date's, or the coming one for the last days of
        August; a meeting with a protocol stays in the protocol's year; its plan item is one of
        that year's plan."""
        if self.starts_at is None or self.academic_year_id is None:
            return
        day = timezone.localtime(self.starts_at).date()
        year = self.academic_year
        if year.start_year not in {AcademicYear.start_year_for(day), AcademicYear.proposed_start_year_for(day)}:
            raise ValidationError(
                {
                    "academic_year": _("Заседание %(date)s не относится к %(year)s учебному году.")
                    % {"date": day.strftime("%d.%m.%Y"), "year": year}
                }
            )
        errors = {}
        protocol = None
        if self.pk:
            protocol = Protocol.objects.filter(meeting_id=self.pk).select_related("academic_year").first()
        if protocol is not None and protocol.academic_year_id != year.pk:
            errors["academic_year"] = _(
                "У заседания есть протокол № %(number)s за %(year)s учебный год: перенести заседание "
                "в другой учебный год нельзя."
            ) % {"number": protocol.number, "year": protocol.academic_year}
        item = self.plan_item
        if item is not None and item.plan.academic_year_id != year.pk:
            errors["plan_item"] = _(
                "Это пункт плана на %(plan_year)s, а заседание относится к %(year)s учебному году."
            ) % {"plan_year": item.plan.academic_year, "year": year}
        if errors:
            raise ValidationError(errors)

    @property
    def ends_at(self):
        return self.starts_at + timezone.timedelta(minutes=self.duration_minutes)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("заседание"))
    position = models.PositiveSmallIntegerField(_("№"), default=1)
    title = models.CharField(_("вопрос повестки"), max_length=500, help_text=_("Начинается с «О …» / «Об …»."))
    speakers = models.ManyToManyField(Person, blank=True, related_name="+", verbose_name=_("докладчики"))
    guest_speakers = models.CharField(_("докладчики из приглашённых"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("вопрос повестки")
        verbose_name_plural = _("повестка дня")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Guest(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests", verbose_name=_("заседание"))
    full_name = models.CharField(_("Фамилия И.О."), max_length=200)
    position = models.CharField(_("должность"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("приглашённый")
        verbose_name_plural = _("приглашённые")
        ordering = ["meeting", "full_name"]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.position}" if self.position else self.full_name


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendance", verbose_name=_("заседание")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("педагог"))
    present = models.BooleanField(_("присутствовал(а)"), default=True)
    absence_reason = models.CharField(_("причина отсутствия"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("отметка о присутствии")
        verbose_name_plural = _("явка")
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="attendance_once_per_person")]

    def __str__(self) -> str:
        return f"{self.person}: {'+' if self.present else '-'}"

    def clean(self):
        if not self.present and not self.absence_reason.strip():
            raise ValidationError({"absence_reason": _("Укажите причину отсутствия.")})


class FrozenQuerySet(models.QuerySet):
    """Bulk update() and delete() bypass save(); these refuse to touch signed protocols too.
    `signed_lookup` is the path from the row to its protocol's status."""

    signed_lookup = "status"

    def _touches_signed(self) -> bool:
        return self.filter(**{self.signed_lookup: "signed"}).exists()

    def update(self, **kwargs):
        if self._touches_signed():
            raise SignedProtocolError()
        return super().update(**kwargs)

    def delete(self):
        if self._touches_signed():
            raise SignedProtocolError()
        return super().delete()


class ProtocolQuerySet(FrozenQuerySet):
    signed_lookup = "status"


class ProtocolItemQuerySet(FrozenQuerySet):
    signed_lookup = "protocol__status"


class Protocol(models.Model):
    """Numbered per association per academic year (№ 1, № 2, … with no gaps); written only
    through `meetings.services`; once signed, frozen with its PDF as issued."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("черновик")
        SIGNED = "signed", _("подписан")

    class DecidedLabel(models.TextChoices):
        DECIDED = "РЕШИЛИ", "РЕШИЛИ"
        RESOLVED = "ПОСТАНОВИЛИ", "ПОСТАНОВИЛИ"

    meeting = models.OneToOneField(
        Meeting, on_delete=models.PROTECT, related_name="protocol", verbose_name=_("заседание")
    )
    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="protocols", verbose_name=_("объединение")
    )
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("учебный год")
    )
    number = models.PositiveIntegerField(_("номер"))
    status = models.CharField(_("статус"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    chair = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("председатель")
    )
    secretary = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("секретарь")
    )
    decided_label = models.CharField(
        _("подпись раздела решений"), max_length=12, choices=DecidedLabel.choices, default=DecidedLabel.DECIDED
    )
    version = models.PositiveIntegerField(_("версия"), default=1)
    updated_at = models.DateTimeField(_("изменён"), auto_now=True)
    signed_at = models.DateTimeField(_("подписан"), null=True, blank=True)
    # PROTECT: deleting the login that signed would blank the signature without a trace.
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pdf = models.FileField(_("PDF, как выдан"), upload_to="protocols/%Y/", blank=True)
    pdf_sha256 = models.CharField(_("SHA-256 PDF"), max_length=64, blank=True)

    objects = ProtocolQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("протокол")
        verbose_name_plural = _("протоколы")
        ordering = ["association", "academic_year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["association", "academic_year", "number"], name="protocol_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="protocol_number_positive"),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(signed_at__isnull=False) & ~Q(pdf_sha256="")),
                name="signed_protocol_has_pdf",
            ),
        ]

    def __str__(self) -> str:
        return f"Протокол № {self.number} ({self.association}, {self.academic_year})"

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED

    def file_name(self, *, draft: bool = False) -> str:
        """«protocol-7-2025-2026-2.pdf»: association, academic year, number (as signing stores it)."""
        start = self.academic_year.start_year
        suffix = "-draft" if draft else ""
        return f"protocol-{self.association_id}-{start}-{start + 1}-{self.number}{suffix}.pdf"

    def save(self, *args, **kwargs):
        # The one way into "signed" is services.protocol_sign, which saves the row as a draft
        # in the database and flips it here; after that, nothing changes it.
        if self.pk and Protocol.objects.filter(pk=self.pk, status=self.Status.SIGNED).exists():
            raise SignedProtocolError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and Protocol.objects.filter(pk=self.pk, status=self.Status.SIGNED).exists():
            raise SignedProtocolError()
        return super().delete(*args, **kwargs)


class _FrozenWithProtocol(models.Model):
    """Rows that belong to a protocol refuse every change once it is signed."""

    class Meta:
        abstract = True

    def _protocol_id(self) -> int | None:
        raise NotImplementedError

    def _guard(self) -> None:
        pid = self._protocol_id()
        if pid and Protocol.objects.filter(pk=pid, status=Protocol.Status.SIGNED).exists():
            raise SignedProtocolError()

    def save(self, *args, **kwargs):
        self._guard()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._guard()
        return super().delete(*args, **kwargs)


class ProtocolItem(_FrozenWithProtocol):
    """One question of the agenda as the protocol records it."""

    protocol = models.ForeignKey(Protocol, on_delete=models.CASCADE, related_name="items", verbose_name=_("протокол"))
    position = models.PositiveSmallIntegerField(_("№"), default=1)
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("вопрос повестки"),
    )
    heard_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("СЛУШАЛИ: докладчик")
    )
    heard_name = models.CharField(
        _("СЛУШАЛИ: докладчик (как в протоколе)"),
        max_length=300,
        blank=True,
        help_text=_(
            "В винительном падеже: «Соколову М.Ю., классного руководителя 6 «Б» класса». "
            "Пусто — составится автоматически."
        ),
    )
    heard = bounded_text(_("СЛУШАЛИ: содержание"), blank=True, max_length=PARAGRAPH_MAX_LENGTH)
    spoke = bounded_text(_("ВЫСТУПИЛИ"), blank=True, max_length=PARAGRAPH_MAX_LENGTH)
    decided = bounded_text(_("РЕШИЛИ"), blank=True, max_length=PARAGRAPH_MAX_LENGTH)
    votes_for = models.PositiveSmallIntegerField(_("«за»"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("«против»"), null=True, blank=True)
    votes_abstained = models.PositiveSmallIntegerField(_("«воздержались»"), null=True, blank=True)

    objects = ProtocolItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("вопрос протокола")
        verbose_name_plural = _("вопросы протокола")
        ordering = ["protocol", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.decided[:60]}"

    def _protocol_id(self):
        return self.protocol_id

    @property
    def has_vote(self) -> bool:
        return any(v is not None for v in (self.votes_for, self.votes_against, self.votes_abstained))

    def votes_error(self, present: int) -> str | None:
        """Votes cannot add up to more than the people present: the message, or None."""
        total = sum(v or 0 for v in (self.votes_for, self.votes_against, self.votes_abstained))
        if total > present:
            return _("Голосов (%(total)d) больше, чем присутствовало (%(present)d).") % {
                "total": total, "present": present,
            }
        return None


class Decision(models.Model):
    """What was decided, who answers for it, by when. Under control after signing too: marking
    it done is the point; its text stays as the protocol has it."""

    class Status(models.TextChoices):
        OPEN = "open", _("на контроле")
        DONE = "done", _("выполнено")

    protocol_item = models.ForeignKey(
        ProtocolItem, on_delete=models.CASCADE, related_name="decisions", verbose_name=_("вопрос протокола")
    )
    text = bounded_text(_("решение"), max_length=DECISION_MAX_LENGTH)
    responsible = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("ответственный")
    )
    due_on = models.DateField(_("срок"))
    status = models.CharField(_("статус"), max_length=10, choices=Status.choices, default=Status.OPEN)
    done_on = models.DateField(_("выполнено"), null=True, blank=True)
    done_note = bounded_text(_("отметка о выполнении"), blank=True, max_length=NOTE_MAX_LENGTH)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("решение")
        verbose_name_plural = _("решения (контроль)")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["responsible", "status", "due_on"])]

    def __str__(self) -> str:
        return self.text[:80]

    FROZEN_FIELDS = ("text", "responsible_id", "due_on", "protocol_item_id")

    def save(self, *args, **kwargs):
        signed = ProtocolItem.objects.filter(pk=self.protocol_item_id, protocol__status="signed").exists()
        if signed:
            stored = Decision.objects.filter(pk=self.pk).values(*self.FROZEN_FIELDS).first() if self.pk else None
            if stored is None or any(stored[f] != getattr(self, f) for f in self.FROZEN_FIELDS):
                raise SignedProtocolError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if ProtocolItem.objects.filter(pk=self.protocol_item_id, protocol__status="signed").exists():
            raise SignedProtocolError()
        return super().delete(*args, **kwargs)

    def is_overdue(self, today=None) -> bool:
        return self.status == self.Status.OPEN and self.due_on < (today or timezone.localdate())


# --- files beside the protocol: the scan of the signed paper, a decision's results -----------------

#: How many result files one decision keeps (every list has a bound).
DECISION_MAX_FILES = 10


class ScanAttachedError(ValidationError):
    """Raised by any attempt to replace or remove a signed protocol's scan once attached."""

    def __init__(self):
        super().__init__(
            _("Скан подписанного протокола уже приложен: заменить или удалить его нельзя."), code="scan_attached"
        )


class ProtocolScanQuerySet(models.QuerySet):
    """Bulk update() and delete() bypass save(): a scan once attached refuses them too."""

    def update(self, **kwargs):
        if self.exists():
            raise ScanAttachedError()
        return super().update(**kwargs)

    def delete(self):
        if self.exists():
            raise ScanAttachedError()
        return super().delete()


class ProtocolScan(models.Model):
    """The scan of a signed protocol on paper (with its signatures), kept beside the PDF the
    portal issued. Attached only to a signed protocol, once: from then on it is part of the
    record, and like the signed protocol itself nothing replaces or removes it — whatever path
    tries (form, view, admin, shell). Written only by `services.protocol_scan_attach`."""

    protocol = models.OneToOneField(
        Protocol, on_delete=models.PROTECT, related_name="scan", verbose_name=_("протокол")
    )
    file = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("файл"))
    # PROTECT, as Protocol.signed_by: deleting the login would blank the record without a trace.
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("кто приложил")
    )
    uploaded_at = models.DateTimeField(_("приложен"), auto_now_add=True)

    objects = ProtocolScanQuerySet.as_manager()

    class Meta:
        verbose_name = _("скан подписанного протокола")
        verbose_name_plural = _("сканы подписанных протоколов")

    def __str__(self) -> str:
        return f"{self.protocol}: {self.file}"

    def clean(self):
        signed = Protocol.objects.filter(pk=self.protocol_id, status=Protocol.Status.SIGNED)
        if self.protocol_id and not signed.exists():
            raise ValidationError(_("Скан прикладывают к подписанному протоколу: сначала подпишите протокол."))
        if self.file_id and self.file.type not in SCAN_TYPES:
            raise ValidationError({"file": _("Скан протокола — файл PDF, JPEG или PNG.")})

    def save(self, *args, **kwargs):
        if self.pk and ProtocolScan.objects.filter(pk=self.pk).exists():
            raise ScanAttachedError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ScanAttachedError()


class DecisionFile(models.Model):
    """A result of a decision under control («результат: методическая разработка»): a file the
    responsible person or those who record the association's protocols attach. The decision of a
    signed protocol keeps its text; its execution and its results are not frozen. Written only
    by `services.decision_file_add` / `decision_file_delete`."""

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="files", verbose_name=_("решение")
    )
    file = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("файл"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("кто приложил"),
    )
    uploaded_at = models.DateTimeField(_("приложен"), auto_now_add=True)

    class Meta:
        verbose_name = _("файл результата решения")
        verbose_name_plural = _("файлы результатов решений")
        ordering = ["decision", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return str(self.file)


# The schedule's models live in meetings/schedule/models.py; importing them here registers them
# with the app. `new_calendar_token` is named by migration 0001.
class MeetingVisit(models.Model):
    """A visit of the РМО head to a meeting: the visit is a record of the associations app
    (`associations.Visit`); its link to the meeting lives here, on the meetings side, so that
    the dependency points one way."""

    visit = models.OneToOneField(
        Visit, on_delete=models.CASCADE, related_name="meeting_link", verbose_name=_("посещение")
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="visits", verbose_name=_("заседание")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("посещение заседания")
        verbose_name_plural = _("посещения заседаний")

    def __str__(self) -> str:
        return f"{self.visit} — {self.meeting}"

    def clean(self):
        if self.visit_id and self.meeting_id and self.meeting.association.school_id != self.visit.school_id:
            raise ValidationError({"meeting": _("Заседание другой школы: посещение было в %(school)s.")
                                   % {"school": self.visit.school}})


# The data bank's models live in meetings/bank/models.py; importing them here registers them.
from meetings.bank.models import (  # noqa: E402
    EventForm,
    Material,
    MaterialFile,
    MaterialGrade,
    UpbringingDirection,
    UpbringingModule,
)
from meetings.schedule.models import CalendarToken, SentReminder, new_calendar_token  # noqa: E402

__all__ = [
    "AgendaItem",
    "Attendance",
    "CalendarToken",
    "Decision",
    "DecisionFile",
    "EventForm",
    "Guest",
    "Material",
    "MaterialFile",
    "MaterialGrade",
    "Meeting",
    "Protocol",
    "ProtocolItem",
    "ProtocolScan",
    "ScanAttachedError",
    "SentReminder",
    "SignedProtocolError",
    "UpbringingDirection",
    "UpbringingModule",
    "new_calendar_token",
]

