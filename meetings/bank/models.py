"""The data bank of educational events: a material's card (a class hour, an open event, a
project …) with its files, found by what it is about.

A card is tagged with a form of event, a direction of upbringing and a module of the federal
programme of upbringing: three independent, editable reference lists (russian-documents.md §7,
§8). Its visibility is chosen per card: a draft only its owner sees, the school's, or the
district's; who sees and changes what is `associations.access` (the kind «material»). Its text is
kept searchable in two forms (`meetings.bank.search`): a stored `tsvector` in PostgreSQL's
`russian` configuration with a GIN index, and, for SQLite, the words' Snowball stems.

The models keep the `meetings` app label (imported by `meetings.models`).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from associations.models import AcademicYear, District, Level, Person, PlanItem, School, StoredFile, bounded_text

TITLE_MAX_LENGTH = 300
GOAL_MAX_LENGTH = 1000
TASKS_MAX_LENGTH = 2000
DESCRIPTION_MAX_LENGTH = 10000
MAX_FILES = 10  # files of one card
MAX_AUTHORS = 10
GRADES = range(1, 12)


class _ReferenceList(models.Model):
    name = models.CharField(_("название"), max_length=150, unique=True)
    order = models.PositiveSmallIntegerField(_("порядок"), default=0)
    is_active = models.BooleanField(_("используется"), default=True)

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class EventForm(_ReferenceList):
    """Forms of educational events: классный час, «Разговоры о важном», КТД, акция … (§8)."""

    class Meta(_ReferenceList.Meta):
        verbose_name = _("форма мероприятия")
        verbose_name_plural = _("формы мероприятий")


class UpbringingDirection(_ReferenceList):
    """The directions of upbringing of the federal programme (гражданское, патриотическое, …, §7)."""

    class Meta(_ReferenceList.Meta):
        verbose_name = _("направление воспитания")
        verbose_name_plural = _("направления воспитания")


class UpbringingModule(_ReferenceList):
    """The modules of a school's programme of upbringing (Классное руководство, Основные школьные
    дела, …, §7)."""

    class Meta(_ReferenceList.Meta):
        verbose_name = _("модуль программы воспитания")
        verbose_name_plural = _("модули программы воспитания")


class Material(models.Model):
    class Visibility(models.TextChoices):
        DRAFT = "draft", _("черновик: вижу только я")
        SCHOOL = "school", _("моя школа")
        DISTRICT = "district", _("весь район")

    title = models.CharField(_("название"), max_length=TITLE_MAX_LENGTH)
    form = models.ForeignKey(EventForm, on_delete=models.PROTECT, related_name="+", verbose_name=_("форма"))
    direction = models.ForeignKey(
        UpbringingDirection, on_delete=models.PROTECT, related_name="+", verbose_name=_("направление воспитания")
    )
    module = models.ForeignKey(
        UpbringingModule, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("модуль программы воспитания"),
    )
    held_on = models.DateField(_("дата проведения"), null=True, blank=True)
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("учебный год"),
    )
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", verbose_name=_("район"))
    school = models.ForeignKey(
        School, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("школа"),
        help_text=_("Пусто для мероприятия района."),
    )
    owner = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="owned_materials", verbose_name=_("кто добавил"),
    )
    authors = models.ManyToManyField(Person, related_name="materials", verbose_name=_("авторы"))
    level = models.CharField(_("уровень"), max_length=20, choices=Level.choices, default=Level.SCHOOL)
    is_open_event = models.BooleanField(_("открытое мероприятие"), default=False)
    goal = bounded_text(_("цель"), max_length=GOAL_MAX_LENGTH, blank=True)
    tasks = bounded_text(_("задачи"), max_length=TASKS_MAX_LENGTH, blank=True)
    description = bounded_text(_("описание"), max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="materials",
        verbose_name=_("заседание (открытое мероприятие)"),
    )
    plan_item = models.ForeignKey(
        PlanItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("пункт плана"),
    )
    visibility = models.CharField(
        _("кому видна"), max_length=10, choices=Visibility.choices, default=Visibility.SCHOOL
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("опубликовал для района"),
    )
    created_at = models.DateTimeField(_("добавлена"), auto_now_add=True)
    updated_at = models.DateTimeField(_("изменена"), auto_now=True)
    version = models.PositiveIntegerField(_("версия"), default=1)

    # The search index (meetings.bank.search keeps both current on every save).
    search_stems = models.TextField(_("основы слов для поиска"), blank=True, editable=False)
    search_vector = SearchVectorField(null=True, editable=False)  # PostgreSQL; GIN index: migration 0006

    history = HistoricalRecords(excluded_fields=["search_stems", "search_vector"])

    class Meta:
        verbose_name = _("материал банка данных")
        verbose_name_plural = _("банк данных воспитательных мероприятий")
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(fields=["district", "visibility"], name="material_district_visibility"),
            models.Index(fields=["school", "visibility"], name="material_school_visibility"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.school_id and self.district_id and self.school.district_id != self.district_id:
            raise ValidationError({"school": _("Школа другого района.")})
        if self.held_on and self.academic_year_id and self.held_on not in self.academic_year:
            raise ValidationError({
                "held_on": _("Дата %(date)s не входит в %(year)s учебный год.")
                % {"date": self.held_on.strftime("%d.%m.%Y"), "year": self.academic_year}
            })


class MaterialGrade(models.Model):
    """A class (parallel) the event is for: one row per grade 1–11, so that the search's facet
    counts them."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="grades", verbose_name=_("материал"))
    grade = models.PositiveSmallIntegerField(
        _("класс"), validators=[MinValueValidator(1), MaxValueValidator(11)]
    )

    class Meta:
        verbose_name = _("класс")
        verbose_name_plural = _("классы")
        ordering = ["grade"]
        constraints = [
            models.UniqueConstraint(fields=["material", "grade"], name="material_grade_unique"),
        ]
        indexes = [models.Index(fields=["grade", "material"], name="material_grade_facet")]

    def __str__(self) -> str:
        return str(self.grade)


class MaterialFile(models.Model):
    class Kind(models.TextChoices):
        SCENARIO = "scenario", _("сценарий")
        PRESENTATION = "presentation", _("презентация")
        PHOTO = "photo", _("фото")
        DEVELOPMENT = "development", _("методическая разработка")
        OTHER = "other", _("другое")

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="files", verbose_name=_("материал"))
    kind = models.CharField(_("что это"), max_length=20, choices=Kind.choices, default=Kind.SCENARIO)
    file = models.OneToOneField(StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("файл"))

    class Meta:
        verbose_name = _("файл материала")
        verbose_name_plural = _("файлы материала")
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.file)
