"""Monitoring of pupils' upbringing level (методика Н.П. Капустиной, russian-documents.md §4).

The method is data: its qualities with their indicator statements, its scale, its raters, how a
pupil's level is computed and its level bands (half-open intervals). Two versions are seeded
(grades 1–4 and 5–11, migration 0002); a method that saved results use is never changed
again, by any path that saves a model: a new version of it is made instead
(`services.method_new_version`), and new monitorings take the current version for their grade.

A class teacher's monitoring of their class for a period (September, May or a named period)
holds its pupils by number or initials only — a child's personal data stays in the school — and
a grade per quality and rater. The figures (a pupil's mean, the class mean, levels, the
distribution) are computed in one place, `reports.monitoring.scoring`; who sees per-pupil rows
and who only aggregates is `associations.access` (the kinds «monitored_class», «monitoring»).

The models keep the `reports` app label (imported by `reports.models`).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from associations.models import ClassAssignment, bounded_text

MAX_PUPILS = 40  # rows of one class's grid
MAX_QUALITIES = 12
MAX_INDICATORS = 10  # statements of one quality
SCALE_MIN, SCALE_MAX = 0, 10  # the bounds any method's scale values stay within
NAME_MAX_LENGTH = 200
INDICATOR_MAX_LENGTH = 300
PERIOD_NAME_MAX_LENGTH = 60

# A pupil is written down as a number in the class list and, optionally, initials: one to three
# capital letters each followed by a dot («А.», «А.П.», «А.П.С.»), never a name.
INITIALS_RE = re.compile(r"^(?:[А-ЯЁA-Z]\.){1,3}$")
INITIALS_MAX_LENGTH = 6


def method_in_use_error() -> ValidationError:
    return ValidationError(
        _("По этой версии методики уже сохранены результаты: её нельзя изменить. Создайте новую версию.")
    )


class _PartOfMethod(models.Model):
    """A part of a method (a rater, a quality, an indicator, a scale value, a band): never saved
    or deleted once results use the method, by any path that saves a model (the admin, a shell)."""

    class Meta:
        abstract = True

    def _method(self):
        return self.method

    def save(self, *args, **kwargs):
        if self._method().in_use():
            raise method_in_use_error()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._method().in_use():
            raise method_in_use_error()
        return super().delete(*args, **kwargs)


class Rater(models.TextChoices):
    """Who grades a pupil's qualities."""

    PUPIL = "pupil", _("ученик (самооценка)")
    TEACHER = "teacher", _("классный руководитель")
    PARENT = "parent", _("родители")


class Method(models.Model):
    """A version of a monitoring method for a range of grades."""

    class LevelRule(models.TextChoices):
        # The итоговая оценка of a quality is the mean of its raters' grades; the pupil's level
        # is the mean of the quality grades (S22: «5 оценок складываются и делятся на 5»).
        MEAN = "mean", _("среднее оценок по качествам (оценка качества — среднее оценок оценивающих)")

    name = models.CharField(_("название"), max_length=NAME_MAX_LENGTH)
    author = models.CharField(_("автор"), max_length=120, blank=True)
    version = models.PositiveSmallIntegerField(_("версия"), default=1)
    grade_from = models.PositiveSmallIntegerField(
        _("с класса"), validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    grade_to = models.PositiveSmallIntegerField(
        _("по класс"), validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    level_rule = models.CharField(
        _("как вычисляется уровень"), max_length=20, choices=LevelRule.choices, default=LevelRule.MEAN
    )
    decimals = models.PositiveSmallIntegerField(
        _("знаков после запятой"),
        default=1,
        validators=[MaxValueValidator(2)],
        help_text=_("Средний балл округляется до этого числа знаков, затем определяется уровень."),
    )
    is_current = models.BooleanField(
        _("действующая версия"),
        default=True,
        help_text=_("Новые мониторинги классов этих параллелей ведутся по действующей версии."),
    )
    previous = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("предыдущая версия"),
    )
    note = bounded_text(_("примечание"), max_length=2000, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("методика мониторинга")
        verbose_name_plural = _("методики мониторинга")
        ordering = ["grade_from", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="monitoring_method_version_unique"),
            models.CheckConstraint(
                condition=Q(grade_from__gte=1, grade_to__lte=11, grade_from__lte=models.F("grade_to")),
                name="monitoring_method_grades",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {_('версия')} {self.version}"

    def clean(self):
        if self.grade_from and self.grade_to and self.grade_from > self.grade_to:
            raise ValidationError({"grade_to": _("Последний класс не может быть меньше первого.")})

    @property
    def grades_label(self) -> str:
        return f"{self.grade_from}–{self.grade_to}"

    def in_use(self) -> bool:
        """Saved results use it: it is never changed again (a new version is made instead)."""
        return self.pk is not None and self.monitorings.exists()

    # What results depend on: frozen once the method is in use (is_current and the note may change).
    FROZEN_FIELDS = ("name", "version", "grade_from", "grade_to", "level_rule", "decimals")

    def save(self, *args, **kwargs):
        if self.pk is not None and self.in_use():
            stored = Method.objects.filter(pk=self.pk).values(*self.FROZEN_FIELDS).first()
            if stored is not None and any(stored[name] != getattr(self, name) for name in self.FROZEN_FIELDS):
                raise method_in_use_error()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.in_use():
            raise method_in_use_error()
        return super().delete(*args, **kwargs)


class MethodRater(_PartOfMethod):
    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="raters", verbose_name=_("методика"))
    rater = models.CharField(_("кто оценивает"), max_length=10, choices=Rater.choices)
    position = models.PositiveSmallIntegerField(_("порядок"), default=0)

    class Meta:
        verbose_name = _("оценивающий")
        verbose_name_plural = _("оценивающие")
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["method", "rater"], name="monitoring_rater_unique")]

    def __str__(self) -> str:
        return self.get_rater_display()


class Quality(_PartOfMethod):
    method = models.ForeignKey(
        Method, on_delete=models.CASCADE, related_name="qualities", verbose_name=_("методика")
    )
    position = models.PositiveSmallIntegerField(_("порядок"), default=0)
    name = models.CharField(_("качество"), max_length=120)
    short_name = models.CharField(
        _("кратко"), max_length=12, help_text=_("Заголовок столбца в таблице ввода, например «Любозн.»")
    )

    class Meta:
        verbose_name = _("качество")
        verbose_name_plural = _("качества")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name


class Indicator(_PartOfMethod):
    """An indicator statement of a quality («Мне интересно учиться»)."""

    def _method(self):
        return self.quality.method

    quality = models.ForeignKey(
        Quality, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("качество")
    )
    position = models.PositiveSmallIntegerField(_("порядок"), default=0)
    text = models.CharField(_("показатель"), max_length=INDICATOR_MAX_LENGTH)

    class Meta:
        verbose_name = _("показатель")
        verbose_name_plural = _("показатели")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


class ScaleValue(_PartOfMethod):
    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="scale", verbose_name=_("методика"))
    value = models.PositiveSmallIntegerField(
        _("балл"), validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]
    )
    label = models.CharField(_("значение"), max_length=80)

    class Meta:
        verbose_name = _("значение шкалы")
        verbose_name_plural = _("шкала")
        ordering = ["-value"]
        constraints = [models.UniqueConstraint(fields=["method", "value"], name="monitoring_scale_value_unique")]

    def __str__(self) -> str:
        return f"{self.value} — {self.label}"


class LevelBand(_PartOfMethod):
    """A level as a half-open interval of the (rounded) mean: lower ≤ mean < upper; the top band
    includes the scale's maximum. The bands of a method cover its scale without gaps or overlaps
    (`scoring.bands_problems`)."""

    method = models.ForeignKey(Method, on_delete=models.CASCADE, related_name="bands", verbose_name=_("методика"))
    name = models.CharField(_("уровень"), max_length=40)
    lower = models.DecimalField(_("от (включительно)"), max_digits=4, decimal_places=2)
    upper = models.DecimalField(
        _("до (не включая)"), max_digits=4, decimal_places=2,
        help_text=_("У высшего уровня — максимальный балл шкалы: он входит в уровень."),
    )

    class Meta:
        verbose_name = _("уровень")
        verbose_name_plural = _("уровни")
        ordering = ["-lower"]
        constraints = [
            models.CheckConstraint(condition=Q(lower__lt=models.F("upper")), name="monitoring_band_lower_below_upper"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.lower is not None and self.upper is not None and self.lower >= self.upper:
            raise ValidationError({"upper": _("Верхняя граница должна быть больше нижней.")})


class Period(models.TextChoices):
    SEPTEMBER = "september", _("сентябрь")
    MAY = "may", _("май")
    NAMED = "named", _("другой срок")


class ClassMonitoring(models.Model):
    """One class's monitoring for one period, by one version of a method."""

    class_assignment = models.ForeignKey(
        ClassAssignment, on_delete=models.PROTECT, related_name="monitorings", verbose_name=_("класс")
    )
    method = models.ForeignKey(Method, on_delete=models.PROTECT, related_name="monitorings", verbose_name=_("методика"))
    period = models.CharField(_("срок"), max_length=10, choices=Period.choices, default=Period.SEPTEMBER)
    period_name = models.CharField(
        _("название срока"), max_length=PERIOD_NAME_MAX_LENGTH, blank=True,
        help_text=_("Только для другого срока, например «декабрь (промежуточный)»."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("кто сохранил"),
    )

    class Meta:
        verbose_name = _("мониторинг класса")
        verbose_name_plural = _("мониторинги классов")
        ordering = ["class_assignment__grade", "class_assignment__letter", "period", "period_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["class_assignment", "period", "period_name"], name="monitoring_class_period_unique"
            ),
            models.CheckConstraint(
                condition=Q(period="named", period_name__gt="") | (~Q(period="named") & Q(period_name="")),
                name="monitoring_period_name_only_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.class_assignment.label}, {self.period_label}"

    @property
    def period_label(self) -> str:
        return self.period_name if self.period == Period.NAMED else str(self.get_period_display())

    def clean(self):
        if self.period == Period.NAMED and not self.period_name.strip():
            raise ValidationError({"period_name": _("Назовите срок, например «декабрь (промежуточный)».")})
        if self.period != Period.NAMED:
            self.period_name = ""


initials_validator = RegexValidator(
    INITIALS_RE,
    _("Только инициалы, например «А.П.»: полное имя ребёнка — его персональные данные, оно сюда не вносится."),
)


class MonitoredPupil(models.Model):
    """A pupil of the class's list: a number and, optionally, initials. Never a name."""

    monitoring = models.ForeignKey(
        ClassMonitoring, on_delete=models.CASCADE, related_name="pupils", verbose_name=_("мониторинг")
    )
    number = models.PositiveSmallIntegerField(
        _("№ в списке"), validators=[MinValueValidator(1), MaxValueValidator(MAX_PUPILS)]
    )
    initials = models.CharField(
        _("инициалы"), max_length=INITIALS_MAX_LENGTH, blank=True, validators=[initials_validator]
    )

    class Meta:
        verbose_name = _("ученик")
        verbose_name_plural = _("ученики")
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["monitoring", "number"], name="monitoring_pupil_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.initials}".strip()


class Grade(models.Model):
    """One rater's grade of one quality of one pupil."""

    pupil = models.ForeignKey(MonitoredPupil, on_delete=models.CASCADE, related_name="grades", verbose_name=_("ученик"))
    quality = models.ForeignKey(Quality, on_delete=models.PROTECT, related_name="+", verbose_name=_("качество"))
    rater = models.CharField(_("кто оценил"), max_length=10, choices=Rater.choices)
    value = models.PositiveSmallIntegerField(
        _("балл"), validators=[MinValueValidator(SCALE_MIN), MaxValueValidator(SCALE_MAX)]
    )

    class Meta:
        verbose_name = _("оценка")
        verbose_name_plural = _("оценки")
        constraints = [
            models.UniqueConstraint(fields=["pupil", "quality", "rater"], name="monitoring_grade_unique"),
        ]

    def __str__(self) -> str:
        return str(self.value)
