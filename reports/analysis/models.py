"""The annual analysis of an association (a school МО or the district РМО) for one academic year:
the narrative its head writes in the usual sections (russian-documents.md §3), the figures frozen
at submission (`reports.analysis.figures`), the review (draft → submitted → accepted, or returned
with a comment and editable again) with its transitions, and the accepted PDF as issued with its
SHA-256.

A submitted or accepted analysis never changes by any path that saves a model, as a signed
protocol never does (`meetings.models.Protocol`): `save()` and `delete()` refuse it, and so do
the queryset's `update()` and `delete()` (`AnalysisQuerySet`). The one change a submitted
analysis takes is its review — accepted or returned (`REVIEW_FIELDS`), through
`reports.analysis.services`, with everything it was submitted with unchanged; an accepted one
takes none. A returned analysis is editable again.

Writes go through `reports.analysis.services`; who sees, writes and reviews is
`associations.access` (the kind «analysis»). The models keep the `reports` app label (imported
by `reports.models`).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from associations.files.models import StoredFile
from associations.models import AcademicYear, Association, bounded_text
from associations.plans.models import TASK_MARKER

# The bounds of what reaches the analysis' document (a document at every limit renders in seconds).
SECTION_MAX_LENGTH = 5000
TASKS_MAX_LENGTH = 3000
COMMENT_MAX_LENGTH = 2000


class AnalysisFrozenError(ValidationError):
    """Raised by any attempt to change a submitted or accepted analysis other than its review."""

    def __init__(self):
        super().__init__(
            _("Анализ отправлен на рассмотрение или принят: изменить его нельзя."), code="analysis_frozen"
        )


class AnalysisQuerySet(models.QuerySet):
    """Bulk update() and delete() bypass save(); these refuse to touch a submitted or accepted
    analysis too (its review goes through save(), one row at a time)."""

    def _touches_frozen(self) -> bool:
        return self.filter(status__in=Analysis.FROZEN).exists()

    def update(self, **kwargs):
        if self._touches_frozen():
            raise AnalysisFrozenError()
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        # Refused before Django's own transaction opens (its update() would refuse inside it).
        objs = list(objs)
        if self.filter(pk__in=[obj.pk for obj in objs])._touches_frozen():
            raise AnalysisFrozenError()
        return super().bulk_update(objs, fields, batch_size=batch_size)

    def delete(self):
        if self._touches_frozen():
            raise AnalysisFrozenError()
        return super().delete()


class Analysis(models.Model):
    """The analysis of one association's work in one academic year («Анализ работы МО за
    учебный год»)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("черновик")
        SUBMITTED = "submitted", _("на рассмотрении")
        RETURNED = "returned", _("возвращён на доработку")
        ACCEPTED = "accepted", _("принят")

    #: The statuses nothing changes in (but a submitted analysis' review).
    FROZEN = (Status.SUBMITTED, Status.ACCEPTED)
    #: The narrative's sections, in the order of the document.
    NARRATIVE_FIELDS = ("goals_assessment", "achievements", "problems", "next_year_tasks")

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="analyses", verbose_name=_("объединение")
    )
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("учебный год")
    )
    status = models.CharField(_("статус"), max_length=10, choices=Status.choices, default=Status.DRAFT)

    goals_assessment = bounded_text(
        _("насколько решены цель и задачи"), blank=True, max_length=SECTION_MAX_LENGTH
    )
    achievements = bounded_text(_("достижения"), blank=True, max_length=SECTION_MAX_LENGTH)
    problems = bounded_text(_("проблемы"), blank=True, max_length=SECTION_MAX_LENGTH)
    next_year_tasks = bounded_text(
        _("задачи на следующий учебный год"), blank=True, max_length=TASKS_MAX_LENGTH,
        help_text=_("Каждая задача — с новой строки."),
    )

    # `YearFigures.to_data()` as at the last submission; null before the first.
    figures = models.JSONField(_("показатели на момент отправки"), null=True, blank=True, editable=False)

    # PROTECT: deleting a login would blank who submitted, accepted or returned it, without a trace.
    submitted_at = models.DateTimeField(_("отправлен"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("кто отправил"),
    )
    accepted_at = models.DateTimeField(_("принят"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("кто принял"),
    )
    returned_at = models.DateTimeField(_("возвращён"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("кто вернул"),
    )
    return_comment = bounded_text(_("что доработать"), blank=True, max_length=COMMENT_MAX_LENGTH)

    pdf = models.OneToOneField(
        StoredFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("PDF, как выдан"),
    )
    pdf_sha256 = models.CharField(_("SHA-256 PDF"), max_length=64, blank=True)

    version = models.PositiveIntegerField(_("версия"), default=1)
    updated_at = models.DateTimeField(_("изменён"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("кто изменил"),
    )

    objects = AnalysisQuerySet.as_manager()
    # The figures are frozen in the row itself; the history keeps the narrative's versions.
    history = HistoricalRecords(excluded_fields=["figures"])

    class Meta:
        verbose_name = _("анализ работы")
        verbose_name_plural = _("анализы работы")
        ordering = ["-academic_year__start_year", "association__name"]
        constraints = [
            models.UniqueConstraint(fields=["association", "academic_year"], name="one_analysis_per_association_year"),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "returned", "accepted"]), name="analysis_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "returned"])
                | (Q(figures__isnull=False) & Q(submitted_at__isnull=False)),
                name="submitted_analysis_has_figures",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted")
                | (Q(accepted_at__isnull=False) & Q(pdf__isnull=False) & ~Q(pdf_sha256="")),
                name="accepted_analysis_has_pdf",
            ),
            models.CheckConstraint(
                condition=~Q(status="returned") | (Q(returned_at__isnull=False) & ~Q(return_comment="")),
                name="returned_analysis_has_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.association} — {self.academic_year}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)

    @property
    def is_frozen(self) -> bool:
        return self.status in self.FROZEN

    @property
    def task_list(self) -> list[str]:
        """The tasks for next year, one a line, without the bullets or numbers people type."""
        lines = (TASK_MARKER.sub("", line).strip() for line in self.next_year_tasks.splitlines())
        return [line for line in lines if line]

    def file_name(self) -> str:
        """«analysis-7-2025-2026.pdf»: the association and the academic year."""
        start = self.academic_year.start_year
        return f"analysis-{self.association_id}-{start}-{start + 1}.pdf"

    # --- never changed once submitted ---------------------------------------------------------

    #: What the review of a submitted analysis writes; everything else stays as it was submitted.
    REVIEW_FIELDS = frozenset({
        "status", "accepted_at", "accepted_by", "returned_at", "returned_by", "return_comment", "pdf",
        "pdf_sha256", "version", "updated_at", "updated_by",
    })

    @classmethod
    def _kept_columns(cls) -> list[str]:
        return [f.attname for f in cls._meta.concrete_fields if f.name not in cls.REVIEW_FIELDS and not f.primary_key]

    def _guard_save(self) -> None:
        """A row accepted in the database is never saved again; a submitted one only as its
        review (accepted or returned), with all it was submitted with unchanged."""
        columns = self._kept_columns()
        stored = type(self)._base_manager.filter(pk=self.pk).values("status", *columns).first()
        if stored is None or stored["status"] not in self.FROZEN:
            return
        if stored["status"] == self.Status.ACCEPTED:
            raise AnalysisFrozenError()
        if self.status not in (self.Status.ACCEPTED, self.Status.RETURNED):
            raise AnalysisFrozenError()
        if any(getattr(self, column) != stored[column] for column in columns):
            raise AnalysisFrozenError()

    def save(self, *args, **kwargs):
        if self.pk is not None:
            self._guard_save()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.pk and type(self)._base_manager.filter(pk=self.pk, status__in=self.FROZEN).exists():
            raise AnalysisFrozenError()
        return super().delete(*args, **kwargs)


class AnalysisTransition(models.Model):
    """One step of the review: who moved the analysis, from what to what, with what comment."""

    analysis = models.ForeignKey(
        Analysis, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("анализ")
    )
    from_status = models.CharField(_("было"), max_length=10, choices=Analysis.Status.choices)
    to_status = models.CharField(_("стало"), max_length=10, choices=Analysis.Status.choices)
    comment = bounded_text(_("комментарий"), blank=True, max_length=COMMENT_MAX_LENGTH)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("кто")
    )
    by_name = models.CharField(_("кто (Фамилия И.О.)"), max_length=200, blank=True)
    at = models.DateTimeField(_("когда"), default=timezone.now)

    class Meta:
        verbose_name = _("переход анализа")
        verbose_name_plural = _("история рассмотрения анализа")
        ordering = ["analysis", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.analysis}: {self.from_status} → {self.to_status}"


class AnalysisDeadline(models.Model):
    """The date by which a district's school МО submit the analysis of a year («до 10 июня»),
    set by the district's methodologist. After it, a school МО whose analysis is not submitted or
    accepted is late on the methodologist's board."""

    district = models.ForeignKey(
        "associations.District", on_delete=models.CASCADE, related_name="analysis_deadlines",
        verbose_name=_("район"),
    )
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("учебный год")
    )
    due_on = models.DateField(_("срок сдачи"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("кто установил"),
    )
    updated_at = models.DateTimeField(_("изменён"), auto_now=True)

    class Meta:
        verbose_name = _("срок сдачи анализа")
        verbose_name_plural = _("сроки сдачи анализа")
        ordering = ["district", "-academic_year__start_year"]
        constraints = [
            models.UniqueConstraint(fields=["district", "academic_year"], name="one_analysis_deadline_a_year"),
        ]

    def __str__(self) -> str:
        return f"{self.district} — {self.academic_year}: {self.due_on:%d.%m.%Y}"

    @staticmethod
    def due_on_error(due_on: datetime.date, year: AcademicYear) -> ValidationError | None:
        """The rule of the deadline's day, for the model, the board's form and the admin alike: a
        day of its academic year (up to 31 August, the year's last day)."""
        if due_on in year:
            return None
        return ValidationError(
            _("Срок должен быть в пределах %(year)s учебного года: с %(first)s по %(last)s."),
            code="outside_year",
            params={"year": year, "first": year.starts_on.strftime("%d.%m.%Y"),
                    "last": year.ends_on.strftime("%d.%m.%Y")},
        )

    def clean(self):
        if self.due_on and self.academic_year_id:
            error = self.due_on_error(self.due_on, self.academic_year)
            if error is not None:
                raise ValidationError({"due_on": error})


class AnalysisReminder(models.Model):
    """A «напомнить» e-mail sent from the methodologist's board to a school МО late with its
    analysis: whom it went to and when (the board shows the last one)."""

    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="analysis_reminders", verbose_name=_("объединение")
    )
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("учебный год")
    )
    sent_at = models.DateTimeField(_("отправлено"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("кто отправил"),
    )
    recipients = models.CharField(_("кому"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("напоминание об анализе")
        verbose_name_plural = _("напоминания об анализе")
        ordering = ["association", "academic_year", "-sent_at"]
        indexes = [models.Index(fields=["academic_year", "association", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.association} — {self.academic_year}: {self.sent_at:%d.%m.%Y}"
