"""The annual plan of an association: its sections and forms of work (reference lists), the plan
with its review workflow, its items with their execution marks, and the transitions' history.

Writes go through `associations.plans.services`, reads through `associations.plans.selectors`.
The models keep the `associations` app label and their tables.
"""

from __future__ import annotations

import calendar
import datetime
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from associations.files.models import StoredFile
from associations.models import AcademicYear, Association, Person, bounded_text

MONTHS_NOMINATIVE = [
    "", "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
]
ACADEMIC_MONTH_ORDER = [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8]
# The bounds of what reaches a plan's documents: an item's content and the items of a plan (a
# plan at both limits renders in a few seconds, docs/benchmarks.md).
ITEM_MAX_LENGTH = 500
PLAN_MAX_ITEMS = 100
TASK_MARKER = re.compile(r"^\s*(?:[-–—•*·]|\d+[.)])\s*")


class PlanSection(models.Model):
    """An editable reference list: the four functions of the regulation (разд. 3) and the
    usual sections of a plan (заседания, открытые мероприятия, консультации, …)."""

    class Group(models.TextChoices):
        FUNCTION = "function", _("функции МО (Положение, разд. 3)")
        SECTION = "section", _("разделы плана")

    name = models.CharField(_("название"), max_length=200, unique=True)
    group = models.CharField(_("группа"), max_length=10, choices=Group.choices, default=Group.SECTION)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    is_active = models.BooleanField(_("используется"), default=True)

    class Meta:
        verbose_name = _("раздел плана")
        verbose_name_plural = _("разделы плана")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class WorkForm(models.Model):
    """An editable reference list of forms of methodical work (заседание, семинар, …)."""

    name = models.CharField(_("название"), max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    is_active = models.BooleanField(_("используется"), default=True)

    class Meta:
        verbose_name = _("форма работы")
        verbose_name_plural = _("формы работы")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class AnnualPlan(models.Model):
    """The plan of one association for one academic year. Its content is written by the head
    (or the methodologist for the РМО) while a draft or returned; review and execution go
    through `associations.plans`."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("черновик")
        SUBMITTED = "submitted", _("на рассмотрении")
        RETURNED = "returned", _("возвращён на доработку")
        APPROVED = "approved", _("утверждён")

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="plans", verbose_name=_("объединение")
    )
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("учебный год")
    )
    theme = bounded_text(_("методическая тема"), blank=True, max_length=500)
    goal = bounded_text(_("цель"), blank=True, max_length=1000)
    tasks = bounded_text(
        _("задачи"), blank=True, help_text=_("Каждая задача — с новой строки."), max_length=3000
    )
    expected_results = bounded_text(_("ожидаемые результаты"), blank=True, max_length=2000)
    status = models.CharField(
        _("статус"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    considered_protocol_number = models.CharField(
        _("рассмотрен: протокол №"), max_length=20, blank=True
    )
    considered_on = models.DateField(_("рассмотрен: дата заседания"), null=True, blank=True)
    # As the document prints it when approved: a school МО's plan is agreed (СОГЛАСОВАНО) by the
    # deputy director who approves it here and approved (УТВЕРЖДАЮ) by the school's director by
    # order; the РМО's plan is approved by the district's official (`DistrictOfficial`).
    agreed_by_name = models.CharField(_("согласовал (И.О. Фамилия)"), max_length=200, blank=True)
    agreed_by_position = models.CharField(_("должность согласовавшего"), max_length=200, blank=True)
    approved_by_name = models.CharField(_("утвердил (И.О. Фамилия)"), max_length=200, blank=True)
    approved_by_position = models.CharField(_("должность утвердившего"), max_length=200, blank=True)
    approved_on = models.DateField(_("дата утверждения"), null=True, blank=True)
    approval_order_number = models.CharField(_("приказ об утверждении: №"), max_length=40, blank=True)
    approval_order_date = models.DateField(_("приказ об утверждении: дата"), null=True, blank=True)
    version = models.PositiveIntegerField(_("версия"), default=1)
    updated_at = models.DateTimeField(_("изменён"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("кто изменил"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("план работы")
        verbose_name_plural = _("планы работы")
        ordering = ["-academic_year__start_year", "association__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "academic_year"], name="one_plan_per_association_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.association} — {self.academic_year}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def task_list(self) -> list[str]:
        """One task a line, without the bullets or numbers people type themselves."""
        lines = (TASK_MARKER.sub("", line).strip() for line in self.tasks.splitlines())
        return [line for line in lines if line]


class PlanItem(models.Model):
    class Timing(models.TextChoices):
        MONTH = "month", _("месяц")
        THROUGHOUT = "year", _("в течение года")
        SCHEDULE = "schedule", _("по графику")
        DATES = "dates", _("даты")

    class Execution(models.TextChoices):
        PENDING = "pending", _("не отмечено")
        DONE = "done", _("выполнено")
        MOVED = "moved", _("перенесено")
        CANCELLED = "cancelled", _("отменено")

    plan = models.ForeignKey(
        AnnualPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("план")
    )
    position = models.PositiveIntegerField(_("№ п/п"), default=0)
    section = models.ForeignKey(
        PlanSection, on_delete=models.PROTECT, related_name="+", verbose_name=_("раздел")
    )
    content = bounded_text(_("содержание"), max_length=ITEM_MAX_LENGTH)
    form = models.ForeignKey(
        WorkForm, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("форма проведения"),
    )
    timing = models.CharField(_("сроки"), max_length=10, choices=Timing.choices, default=Timing.MONTH)
    month = models.PositiveSmallIntegerField(
        _("месяц"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    date_from = models.DateField(_("дата"), null=True, blank=True)
    date_to = models.DateField(_("по дату"), null=True, blank=True)
    responsible = models.ManyToManyField(
        Person, related_name="plan_items", verbose_name=_("ответственные")
    )
    execution = models.CharField(
        _("отметка о выполнении"), max_length=10, choices=Execution.choices, default=Execution.PENDING
    )
    executed_on = models.DateField(_("дата выполнения"), null=True, blank=True)
    execution_note = bounded_text(_("примечание"), blank=True, max_length=1000)
    moved_timing = models.CharField(_("перенесено на"), max_length=120, blank=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("кто отметил"),
    )

    history = HistoricalRecords(m2m_fields=[responsible])

    class Meta:
        verbose_name = _("пункт плана")
        verbose_name_plural = _("пункты плана")
        ordering = ["plan", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="plan_item_month_1_to_12",
            ),
            models.CheckConstraint(
                condition=Q(date_to__isnull=True) | Q(date_from__isnull=False, date_to__gte=models.F("date_from")),
                name="plan_item_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.content[:60]}"

    def clean(self):
        """The timing's rules: a month for «месяц», a first date (and a last one not before it)
        for «даты»; the other fields of the timing are cleared."""
        errors = {}
        if self.timing == self.Timing.MONTH:
            if not self.month:
                errors["month"] = _("Укажите месяц.")
        else:
            self.month = None
        if self.timing == self.Timing.DATES:
            if not self.date_from:
                errors["date_from"] = _("Укажите дату.")
            elif self.date_to and self.date_to < self.date_from:
                errors["date_to"] = _("Дата окончания раньше даты начала.")
        else:
            self.date_from = self.date_to = None
        if errors:
            raise ValidationError(errors)

    @property
    def timing_label(self) -> str:
        if self.timing == self.Timing.MONTH and self.month:
            return MONTHS_NOMINATIVE[self.month]
        if self.timing == self.Timing.DATES and self.date_from:
            if self.date_to and self.date_to != self.date_from:
                return f"{self.date_from:%d.%m.%Y} – {self.date_to:%d.%m.%Y}"
            return f"{self.date_from:%d.%m.%Y}"
        if self.timing in (self.Timing.THROUGHOUT, self.Timing.SCHEDULE):
            return str(self.get_timing_display())
        return ""

    def due_date(self, year: AcademicYear) -> datetime.date:
        """The last day the item may still be carried out in its year."""

        if self.timing == self.Timing.MONTH and self.month:
            calendar_year = year.start_year if self.month >= 9 else year.start_year + 1
            return datetime.date(calendar_year, self.month, calendar.monthrange(calendar_year, self.month)[1])
        if self.timing == self.Timing.DATES and self.date_from:
            return self.date_to or self.date_from
        return year.ends_on

    def is_overdue(self, year: AcademicYear, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.execution == self.Execution.PENDING and self.due_date(year) < today


#: How many result files one plan item keeps, and the length of a file's note.
ITEM_MAX_FILES = 10
FILE_NOTE_MAX_LENGTH = 300


class PlanItemFile(models.Model):
    """A result of a plan item of an approved plan («результат: методическая разработка»),
    attached by those who mark the plan's execution. Written only by
    `associations.plans.services.plan_item_file_add` / `plan_item_file_delete`."""

    plan_item = models.ForeignKey(
        PlanItem, on_delete=models.PROTECT, related_name="files", verbose_name=_("пункт плана")
    )
    file = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("файл"))
    note = models.CharField(_("что это"), max_length=FILE_NOTE_MAX_LENGTH, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("кто приложил"),
    )
    uploaded_at = models.DateTimeField(_("приложен"), auto_now_add=True)

    class Meta:
        verbose_name = _("файл пункта плана")
        verbose_name_plural = _("файлы пунктов плана")
        ordering = ["plan_item", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return str(self.file)


class PlanTransition(models.Model):
    """One step of the review workflow: who moved the plan, from what to what, with what comment."""

    plan = models.ForeignKey(
        AnnualPlan, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("план")
    )
    from_status = models.CharField(_("было"), max_length=10, choices=AnnualPlan.Status.choices)
    to_status = models.CharField(_("стало"), max_length=10, choices=AnnualPlan.Status.choices)
    comment = bounded_text(_("комментарий"), blank=True, max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
        verbose_name=_("кто"),
    )
    by_name = models.CharField(_("кто (Фамилия И.О.)"), max_length=200, blank=True)
    at = models.DateTimeField(_("когда"), default=timezone.now)
    # A return keeps the plan's items as they were (`plans.services.items_snapshot`), so that the
    # resubmitted plan can be compared with the returned one (`plans.selectors.plan_changes`).
    items_snapshot = models.JSONField(_("пункты плана при возврате"), default=list, blank=True)

    class Meta:
        verbose_name = _("переход плана")
        verbose_name_plural = _("история рассмотрения плана")
        ordering = ["plan", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan}: {self.from_status} → {self.to_status}"


#: The length of a reviewer's comment on one item.
ITEM_COMMENT_MAX_LENGTH = 1000


class PlanItemComment(models.Model):
    """A reviewer's comment on one item, written with the plan's return (`transition`). It keeps
    the item's number and content as they were, so the history still reads after the item is
    changed or removed."""

    transition = models.ForeignKey(
        PlanTransition, on_delete=models.CASCADE, related_name="item_comments", verbose_name=_("возврат плана")
    )
    item = models.ForeignKey(
        PlanItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="review_comments",
        verbose_name=_("пункт плана"),
    )
    position = models.PositiveIntegerField(_("№ п/п"), default=0)
    content = bounded_text(_("содержание пункта"), blank=True, max_length=ITEM_MAX_LENGTH)
    comment = bounded_text(_("замечание"), max_length=ITEM_COMMENT_MAX_LENGTH)

    class Meta:
        verbose_name = _("замечание к пункту плана")
        verbose_name_plural = _("замечания к пунктам плана")
        ordering = ["transition", "position", "pk"]

    def __str__(self) -> str:
        return f"{self.position}. {self.comment[:60]}"
