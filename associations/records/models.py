"""The records of methodical work: contests of professional mastery, attestation and the
applications for it, professional development courses, visits with their recommendations,
consultations, nominations for encouragement, and the job instruction with each appointment's
acknowledgment of it.

Each record is data with a date, an academic year and a person (never free text alone): the
annual analysis counts them. Writes go through the services of each kind's subpackage
(`associations.records.<kind>.services`), reads through its selectors; who sees and enters what
is `associations.access` (the kinds «contest_entry», «attestation», …). A visit to a meeting
keeps its link on the meetings side (`meetings.models.MeetingVisit`), so this app imports
nothing of meetings.

The models keep the `associations` app label (imported by `associations.models`).
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from associations.models import AcademicYear, Appointment, Association, Person, School, bounded_text

TITLE_MAX_LENGTH = 300
NOTE_MAX_LENGTH = 500
FINDINGS_MAX_LENGTH = 4000
RECOMMENDATION_MAX_LENGTH = 500
VISIT_MAX_RECOMMENDATIONS = 20
INSTRUCTION_MAX_LENGTH = 60000
PLACE_MAX = 10


class Level(models.TextChoices):
    """The stage of a contest (and of an event): школьный → муниципальный → региональный →
    всероссийский → международный."""

    SCHOOL = "school", _("школьный")
    MUNICIPAL = "municipal", _("муниципальный")
    REGIONAL = "regional", _("региональный")
    FEDERAL = "federal", _("всероссийский")
    INTERNATIONAL = "international", _("международный")


def _in_year(record, day_field: str) -> None:
    """The record's date lies in its academic year (a ValidationError on the date otherwise)."""
    day = getattr(record, day_field)
    if day is None or record.academic_year_id is None:
        return
    year = record.academic_year
    if day not in year:
        raise ValidationError({
            day_field: _("Дата %(date)s не входит в %(year)s учебный год.")
            % {"date": day.strftime("%d.%m.%Y"), "year": year}
        })


class RecordBase(models.Model):
    """What every record keeps: its academic year, who entered it and when, and a version that
    the editors check (a second editor's save never silently overwrites the first's)."""

    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("учебный год")
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("кто внёс"),
    )
    created_at = models.DateTimeField(_("внесено"), auto_now_add=True)
    version = models.PositiveIntegerField(_("версия"), default=1)

    #: The date whose academic year is the record's (`records.services.record_save` sets it).
    date_field: ClassVar[str] = ""

    class Meta:
        abstract = True


# --- contests of professional mastery ------------------------------------------------------------


class Contest(models.Model):
    """An editable reference list of contests. «Официальный организатор»: run by the ministry, the
    region or the district, as opposed to a paid online «всероссийский конкурс»; reports can
    count the official ones only."""

    name = models.CharField(_("название"), max_length=TITLE_MAX_LENGTH, unique=True)
    organiser = models.CharField(_("организатор"), max_length=TITLE_MAX_LENGTH, blank=True)
    is_official = models.BooleanField(
        _("официальный организатор"), default=True,
        help_text=_("Снимите отметку для платных онлайн-конкурсов без официального организатора."),
    )
    is_active = models.BooleanField(_("используется"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("конкурс")
        verbose_name_plural = _("конкурсы (справочник)")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ContestEntry(RecordBase):
    """One person's participation in a stage of a contest, and its result. A team's members
    each have their entry, with the same `team` name."""

    date_field = "held_on"

    class Result(models.TextChoices):
        PARTICIPANT = "participant", _("участник")
        LAUREATE = "laureate", _("лауреат")
        DIPLOMA = "diploma", _("дипломант")
        FINALIST = "finalist", _("финалист")
        PRIZE = "prize", _("призёр")
        WINNER = "winner", _("победитель")
        ABSOLUTE = "absolute", _("абсолютный победитель")

    class Status(models.TextChoices):
        ENTERED = "entered", _("ждёт подтверждения")
        CONFIRMED = "confirmed", _("подтверждено")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="contest_entries", verbose_name=_("участник")
    )
    contest = models.ForeignKey(
        Contest, on_delete=models.PROTECT, related_name="entries", verbose_name=_("конкурс")
    )
    level = models.CharField(_("этап (уровень)"), max_length=16, choices=Level.choices)
    held_on = models.DateField(_("дата"))
    nomination = models.CharField(_("номинация"), max_length=200, blank=True)
    team = models.CharField(
        _("команда"), max_length=200, blank=True, help_text=_("Для командного участия: название команды.")
    )
    result = models.CharField(_("результат"), max_length=16, choices=Result.choices)
    place = models.PositiveSmallIntegerField(
        _("место"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(PLACE_MAX)]
    )
    result_note = models.CharField(
        _("формулировка результата"), max_length=NOTE_MAX_LENGTH, blank=True,
        help_text=_("Как написано в дипломе или протоколе жюри."),
    )
    status = models.CharField(_("статус"), max_length=10, choices=Status.choices, default=Status.ENTERED)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("кто подтвердил"),
    )
    confirmed_at = models.DateTimeField(_("подтверждено"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("участие в конкурсе")
        verbose_name_plural = _("участие в конкурсах")
        ordering = ["-held_on", "person__last_name", "pk"]
        indexes = [models.Index(fields=["academic_year", "level"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(place__isnull=True) | Q(place__gte=1, place__lte=PLACE_MAX), name="contest_place_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.contest} ({self.get_level_display()}, {self.get_result_display()})"

    @property
    def is_confirmed(self) -> bool:
        return self.status == self.Status.CONFIRMED

    @property
    def result_label(self) -> str:
        """«призёр (2 место)», «победитель»."""
        label = str(self.get_result_display())
        if self.place:
            label = _("%(result)s (%(place)d место)") % {"result": label, "place": self.place}
        return label

    def clean(self):
        _in_year(self, "held_on")
        if self.result == self.Result.PRIZE and not self.place:
            raise ValidationError({"place": _("Для призёра укажите место (обычно II или III).")})
        if self.result == self.Result.WINNER and self.place not in (None, 1):
            raise ValidationError({"place": _("Победитель занимает I место; другое место — это призёр.")})
        if self.place and self.result not in (self.Result.PRIZE, self.Result.WINNER):
            raise ValidationError({"place": _("Место указывается только для призёра и победителя.")})


# --- attestation -----------------------------------------------------------------------------------


class Category(models.TextChoices):
    """What an attestation grants (приказ Минпросвещения от 24.03.2023 № 196)."""

    SZD = "szd", _("соответствие занимаемой должности")
    FIRST = "first", _("первая")
    HIGHEST = "highest", _("высшая")
    METHODIST = "methodist", _("педагог-методист")
    MENTOR = "mentor", _("педагог-наставник")


class Attestation(RecordBase):
    """An attestation's result: the category (or СЗД) granted, the date, the order, and the
    expiry the service computes (`associations.records.attestation.services`): none for a
    category granted from 01.09.2023, five years for an earlier one and for every СЗД."""

    date_field = "granted_on"

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="attestations", verbose_name=_("педагог")
    )
    category = models.CharField(_("категория"), max_length=12, choices=Category.choices)
    granted_on = models.DateField(_("дата присвоения"))
    order_number = models.CharField(_("номер приказа"), max_length=40)
    order_date = models.DateField(_("дата приказа"))
    order_issuer = models.CharField(
        _("кем издан приказ"), max_length=TITLE_MAX_LENGTH, blank=True,
        help_text=_("Для СЗД — приказ по школе; для категорий — приказ органа исполнительной власти субъекта."),
    )
    expires_on = models.DateField(
        _("действует по"), null=True, blank=True, help_text=_("Пусто: бессрочно (категории с 01.09.2023).")
    )
    note = models.CharField(_("примечание"), max_length=NOTE_MAX_LENGTH, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("аттестация")
        verbose_name_plural = _("аттестация")
        ordering = ["-granted_on", "pk"]
        indexes = [models.Index(fields=["person", "-granted_on"])]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_category_display()} ({self.granted_on:%d.%m.%Y})"

    def clean(self):
        _in_year(self, "granted_on")
        if self.order_date and self.granted_on and self.order_date > self.granted_on + datetime.timedelta(days=366):
            raise ValidationError({"order_date": _("Приказ издан больше чем через год после аттестации.")})

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.granted_on <= day and (self.expires_on is None or day <= self.expires_on)


class AttestationApplication(RecordBase):
    """A teacher's application (заявление) for a category, with its date and outcome."""

    date_field = "applied_on"

    class Outcome(models.TextChoices):
        PENDING = "pending", _("на рассмотрении")
        GRANTED = "granted", _("категория установлена")
        REFUSED = "refused", _("в установлении отказано")
        WITHDRAWN = "withdrawn", _("заявление отозвано")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="attestation_applications", verbose_name=_("педагог")
    )
    category = models.CharField(_("заявленная категория"), max_length=12, choices=Category.choices)
    applied_on = models.DateField(_("дата заявления"))
    outcome = models.CharField(_("итог"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(_("дата итога"), null=True, blank=True)
    attestation = models.OneToOneField(
        Attestation, on_delete=models.SET_NULL, null=True, blank=True, related_name="application",
        verbose_name=_("аттестация по заявлению"),
    )
    note = models.CharField(_("примечание"), max_length=NOTE_MAX_LENGTH, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("заявление на аттестацию")
        verbose_name_plural = _("заявления на аттестацию")
        ordering = ["-applied_on", "pk"]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_category_display()} ({self.applied_on:%d.%m.%Y})"

    def clean(self):
        _in_year(self, "applied_on")
        if self.outcome == self.Outcome.PENDING and self.outcome_on:
            raise ValidationError({"outcome_on": _("Заявление ещё на рассмотрении: дату итога не указывают.")})
        if self.outcome != self.Outcome.PENDING and not self.outcome_on:
            raise ValidationError({"outcome_on": _("Укажите дату итога.")})
        if self.outcome_on and self.applied_on and self.outcome_on < self.applied_on:
            raise ValidationError({"outcome_on": _("Итог не может быть раньше заявления.")})


# --- professional development courses ------------------------------------------------------------


class CourseProvider(models.Model):
    """An editable reference list of the organisations that run courses (ИРО, ЦНППМ, …)."""

    name = models.CharField(_("название"), max_length=TITLE_MAX_LENGTH, unique=True)
    is_active = models.BooleanField(_("используется"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("организация курсов")
        verbose_name_plural = _("организации курсов (справочник)")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Course(RecordBase):
    """Курсы повышения квалификации: a pedagogue has the right to them at least once every three
    years (the year of a course is that of its end)."""

    date_field = "ends_on"

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="courses", verbose_name=_("педагог"))
    title = models.CharField(_("название программы"), max_length=TITLE_MAX_LENGTH)
    provider = models.ForeignKey(
        CourseProvider, on_delete=models.PROTECT, related_name="courses", verbose_name=_("организация")
    )
    hours = models.PositiveSmallIntegerField(
        _("объём, часов"), validators=[MinValueValidator(1), MaxValueValidator(2000)]
    )
    starts_on = models.DateField(_("начало"))
    ends_on = models.DateField(_("окончание"))
    document_number = models.CharField(_("номер удостоверения"), max_length=60, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("курсы повышения квалификации")
        verbose_name_plural = _("курсы повышения квалификации")
        ordering = ["-ends_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="course_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.title} ({self.hours} ч.)"

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Окончание курсов не может быть раньше их начала.")})
        _in_year(self, "ends_on")


# --- visits ----------------------------------------------------------------------------------------


class Visit(RecordBase):
    """A visit of the РМО head (or the methodical office) to a school's МО, a meeting or an event.
    A visit to a meeting keeps its link on the meetings side (`meetings.MeetingVisit`)."""

    date_field = "visited_on"

    class Target(models.TextChoices):
        ASSOCIATION = "association", _("работа МО (документация, планирование)")
        MEETING = "meeting", _("заседание МО")
        EVENT = "event", _("мероприятие (открытое, внеклассное)")

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="visits", verbose_name=_("школа"))
    target = models.CharField(_("что посещено"), max_length=12, choices=Target.choices)
    visited_on = models.DateField(_("дата посещения"))
    visitor = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="visits_made", verbose_name=_("кто посетил")
    )
    visited_person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="visits_received",
        verbose_name=_("чьё мероприятие"), help_text=_("Педагог, чьё мероприятие посещено (если есть)."),
    )
    event_title = models.CharField(_("мероприятие"), max_length=TITLE_MAX_LENGTH, blank=True)
    purpose = models.CharField(_("цель посещения"), max_length=NOTE_MAX_LENGTH)
    findings = bounded_text(_("выводы"), max_length=FINDINGS_MAX_LENGTH, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("посещение")
        verbose_name_plural = _("посещения")
        ordering = ["-visited_on", "pk"]

    def __str__(self) -> str:
        return f"{self.school} — {self.get_target_display()} ({self.visited_on:%d.%m.%Y})"

    def clean(self):
        _in_year(self, "visited_on")
        if self.visited_person_id and self.school_id and self.visited_person.school_id != self.school_id:
            raise ValidationError({"visited_person": _("Педагог работает в другой школе.")})


class VisitRecommendation(models.Model):
    """A recommendation of a visit, with its due date and the school's follow-up mark."""

    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("посещение")
    )
    position = models.PositiveSmallIntegerField(_("№"))
    text = models.CharField(_("рекомендация"), max_length=RECOMMENDATION_MAX_LENGTH)
    due_on = models.DateField(_("срок"), null=True, blank=True)
    done_on = models.DateField(_("выполнено"), null=True, blank=True)
    done_note = models.CharField(_("отметка школы"), max_length=NOTE_MAX_LENGTH, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("кто отметил"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("рекомендация по посещению")
        verbose_name_plural = _("рекомендации по посещениям")
        ordering = ["visit", "position"]
        constraints = [
            models.UniqueConstraint(fields=["visit", "position"], name="visit_recommendation_position_unique"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_open(self) -> bool:
        return self.done_on is None


# --- consultations ---------------------------------------------------------------------------------


class Consultation(RecordBase):
    """A consultation (individual or group) in the log of an association: the РМО head's log, or a
    school МО's."""

    date_field = "held_on"

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", _("индивидуальная")
        GROUP = "group", _("групповая")

    class Form(models.TextChoices):
        IN_PERSON = "in_person", _("очно")
        REMOTE = "remote", _("дистанционно")

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="consultations", verbose_name=_("журнал объединения")
    )
    kind = models.CharField(_("вид"), max_length=10, choices=Kind.choices)
    topic = models.CharField(_("тема"), max_length=TITLE_MAX_LENGTH)
    consultant = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="consultations_given", verbose_name=_("консультант")
    )
    consulted = models.ManyToManyField(
        Person, related_name="consultations_received", verbose_name=_("кого консультировали")
    )
    held_on = models.DateField(_("дата"))
    form = models.CharField(_("форма"), max_length=10, choices=Form.choices, default=Form.IN_PERSON)
    duration_minutes = models.PositiveSmallIntegerField(
        _("продолжительность, мин"), validators=[MinValueValidator(5), MaxValueValidator(480)]
    )

    history = HistoricalRecords(m2m_fields=[consulted])

    class Meta:
        verbose_name = _("консультация")
        verbose_name_plural = _("консультации")
        ordering = ["-held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.topic} ({self.held_on:%d.%m.%Y})"

    def clean(self):
        _in_year(self, "held_on")


# --- nominations for encouragement -----------------------------------------------------------------


class Nomination(RecordBase):
    """Ходатайство о поощрении: who, for what, to whom, when, and what came of it."""

    date_field = "nominated_on"

    class Addressee(models.TextChoices):
        SCHOOL = "school", _("администрация школы")
        DEPARTMENT = "department", _("отдел образования")
        REGION = "region", _("министерство образования региона")
        FEDERAL = "federal", _("Министерство просвещения РФ")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("на рассмотрении")
        GRANTED = "granted", _("поощрён")
        REFUSED = "refused", _("отклонено")

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("кого представляют")
    )
    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, null=True, blank=True, related_name="nominations",
        verbose_name=_("объединение, которое ходатайствует"),
    )
    reason = models.CharField(_("за что"), max_length=NOTE_MAX_LENGTH)
    award = models.CharField(
        _("вид поощрения"), max_length=200, blank=True, help_text=_("Грамота, благодарность, премия …")
    )
    addressee = models.CharField(_("куда направлено"), max_length=12, choices=Addressee.choices)
    nominated_on = models.DateField(_("дата ходатайства"))
    outcome = models.CharField(_("итог"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    outcome_on = models.DateField(_("дата итога"), null=True, blank=True)
    outcome_note = models.CharField(_("примечание к итогу"), max_length=NOTE_MAX_LENGTH, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ходатайство о поощрении")
        verbose_name_plural = _("ходатайства о поощрении")
        ordering = ["-nominated_on", "pk"]

    def __str__(self) -> str:
        return f"{self.person} — {self.reason}"

    def clean(self):
        _in_year(self, "nominated_on")
        if self.outcome == self.Outcome.PENDING and self.outcome_on:
            raise ValidationError({"outcome_on": _("Ходатайство ещё на рассмотрении: дату итога не указывают.")})
        if self.outcome != self.Outcome.PENDING and not self.outcome_on:
            raise ValidationError({"outcome_on": _("Укажите дату итога.")})
        if self.outcome_on and self.nominated_on and self.outcome_on < self.nominated_on:
            raise ValidationError({"outcome_on": _("Итог не может быть раньше ходатайства.")})


# --- the job instruction and its acknowledgment ----------------------------------------------------


class Instruction(models.Model):
    """A document each appointment's person acknowledges: the job instruction of the РМО head, the
    regulation of a school МО. Which appointments ask for it: of associations of `association_kind`,
    and of `role` (empty: every role)."""

    title = models.CharField(_("название"), max_length=TITLE_MAX_LENGTH, unique=True)
    association_kind = models.CharField(_("для объединений"), max_length=10, choices=Association.Kind.choices)
    role = models.CharField(
        _("для роли"), max_length=10, choices=Appointment.Role.choices, blank=True,
        help_text=_("Пусто: для руководителя и секретаря."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("инструкция")
        verbose_name_plural = _("инструкции и положения")
        ordering = ["association_kind", "title"]

    def __str__(self) -> str:
        return self.title


class InstructionVersion(models.Model):
    """One version of an instruction's text. A version once acknowledged never changes: a new
    text is a new version (`associations.records.instructions.services`)."""

    instruction = models.ForeignKey(
        Instruction, on_delete=models.PROTECT, related_name="versions", verbose_name=_("инструкция")
    )
    number = models.PositiveSmallIntegerField(_("редакция №"))
    text = bounded_text(_("текст"), max_length=INSTRUCTION_MAX_LENGTH)
    effective_from = models.DateField(_("действует с"))
    created_at = models.DateTimeField(_("внесено"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("редакция инструкции")
        verbose_name_plural = _("редакции инструкций")
        ordering = ["instruction", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["instruction", "number"], name="instruction_version_number_unique"),
        ]

    def __str__(self) -> str:
        return _("%(title)s, редакция № %(number)d") % {"title": self.instruction.title, "number": self.number}


class Acknowledgment(models.Model):
    """An appointment's person has read a version of the instruction, on a day not earlier than
    the order of the appointment."""

    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, related_name="acknowledgments", verbose_name=_("назначение")
    )
    version = models.ForeignKey(
        InstructionVersion, on_delete=models.PROTECT, related_name="acknowledgments", verbose_name=_("редакция")
    )
    acknowledged_on = models.DateField(_("дата ознакомления"))
    created_at = models.DateTimeField(_("внесено"), auto_now_add=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("кто внёс"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ознакомление с инструкцией")
        verbose_name_plural = _("ознакомление с инструкциями")
        ordering = ["-acknowledged_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["appointment", "version"], name="acknowledgment_once_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.appointment.person} — {self.version} ({self.acknowledged_on:%d.%m.%Y})"
