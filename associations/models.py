"""The organisation and its year: districts, schools, people, associations, appointments.

Models hold fields, constraints and small invariants; every write that changes state goes
through `associations.services`, every read a page needs through `associations.selectors`.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def bounded_text(verbose_name, *, max_length: int, **options) -> models.TextField:
    """A TextField with a maximum length that model validation (the services' full_clean)
    enforces too: Django passes a TextField's max_length to its form field only."""
    return models.TextField(verbose_name, max_length=max_length, validators=[MaxLengthValidator(max_length)], **options)


class District(models.Model):
    name = models.CharField(_("название района"), max_length=200)
    slug = models.SlugField(_("код"), max_length=60, unique=True)
    education_department = models.CharField(
        _("отдел образования (официальное название)"),
        max_length=400,
        help_text=_("Например: Отдел образования и молодёжной политики Администрации …"),
    )
    methodical_office = models.CharField(
        _("методический кабинет (официальное название)"), max_length=400, blank=True
    )

    class Meta:
        verbose_name = _("район")
        verbose_name_plural = _("районы")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class School(models.Model):
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="schools", verbose_name=_("район")
    )
    name = models.CharField(_("полное наименование"), max_length=400)
    short_name = models.CharField(_("краткое наименование"), max_length=120)
    director_name = models.CharField(
        _("директор (Фамилия И.О.)"), max_length=200, blank=True
    )

    class Meta:
        verbose_name = _("школа")
        verbose_name_plural = _("школы")
        ordering = ["district__name", "short_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "short_name"], name="school_short_name_unique_in_district"
            )
        ]

    def __str__(self) -> str:
        return self.short_name


# The last days of August (from the 20th, the установочное заседание) already belong to the
# coming academic year.
LATE_AUGUST_DAY = 20


class AcademicYearQuerySet(models.QuerySet):
    """Reads of the years; they never write. Years are created by a migration (from 2020 to the
    year after the one it ran in), in the admin, or by `manage.py academic_years` (cron)."""

    def current(self) -> AcademicYear:
        return self.for_date(timezone.localdate())

    def for_date(self, day: datetime.date) -> AcademicYear:
        return self.get(start_year=AcademicYear.start_year_for(day))

    def proposed_for(self, day: datetime.date) -> AcademicYear:
        """The year a meeting on `day` belongs to (`AcademicYear.proposed_start_year_for`)."""
        return self.get(start_year=AcademicYear.proposed_start_year_for(day))


class AcademicYear(models.Model):
    """1 September – 31 August, written «2025/2026». Stored by its first calendar year."""

    start_year = models.PositiveSmallIntegerField(
        _("год начала"),
        unique=True,
        validators=[MinValueValidator(2000), MaxValueValidator(2100)],
    )

    objects = AcademicYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("учебный год")
        verbose_name_plural = _("учебные годы")
        ordering = ["-start_year"]

    def __str__(self) -> str:
        return f"{self.start_year}/{self.start_year + 1}"

    def __contains__(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on

    @staticmethod
    def start_year_for(day: datetime.date) -> int:
        return day.year if day.month >= 9 else day.year - 1

    @staticmethod
    def is_late_august(day: datetime.date) -> bool:
        return day.month == 8 and day.day >= LATE_AUGUST_DAY

    @staticmethod
    def proposed_start_year_for(day: datetime.date) -> int:
        """The calendar's year, except that the last days of August already belong to the
        coming year (a meeting then is the coming year's установочное заседание)."""
        return day.year if AcademicYear.is_late_august(day) else AcademicYear.start_year_for(day)

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.start_year, 9, 1)

    @property
    def ends_on(self) -> datetime.date:
        return datetime.date(self.start_year + 1, 8, 31)


class Person(models.Model):
    class Gender(models.TextChoices):
        MALE = "m", _("мужской")
        FEMALE = "f", _("женский")

    class Position(models.TextChoices):
        TEACHER = "teacher", _("учитель")
        ORGANIZER = "organizer", _("педагог-организатор")
        DEPUTY_DIRECTOR = "deputy", _("заместитель директора по воспитательной работе")
        DIRECTOR = "director", _("директор")
        ADVISOR = "advisor", _("советник директора по воспитанию")
        PSYCHOLOGIST = "psychologist", _("педагог-психолог")
        SOCIAL_PEDAGOGUE = "social", _("социальный педагог")
        METHODIST = "methodist", _("методист")
        OTHER = "other", _("другая должность")

    class Education(models.TextChoices):
        HIGHER_PEDAGOGICAL = "higher_ped", _("высшее педагогическое")
        HIGHER_OTHER = "higher", _("высшее непедагогическое")
        VOCATIONAL_PEDAGOGICAL = "vocational_ped", _("среднее профессиональное педагогическое")
        VOCATIONAL_OTHER = "vocational", _("среднее профессиональное непедагогическое")

    class Category(models.TextChoices):
        NONE = "none", _("без категории")
        SZD = "szd", _("соответствие занимаемой должности")
        FIRST = "first", _("первая")
        HIGHEST = "highest", _("высшая")
        METHODIST = "methodist", _("педагог-методист")
        MENTOR = "mentor", _("педагог-наставник")

    last_name = models.CharField(_("фамилия"), max_length=80)
    first_name = models.CharField(_("имя"), max_length=80)
    patronymic = models.CharField(_("отчество"), max_length=80, blank=True)
    gender = models.CharField(_("пол"), max_length=1, choices=Gender.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="people", verbose_name=_("район")
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="people",
        null=True,
        blank=True,
        verbose_name=_("школа"),
        help_text=_("Пусто для сотрудников районного методического кабинета."),
    )
    position = models.CharField(
        _("должность"), max_length=20, choices=Position.choices, default=Position.TEACHER
    )
    education = models.CharField(
        _("образование"), max_length=20, choices=Education.choices, blank=True
    )
    experience_since = models.DateField(
        _("начало педагогического стажа"), null=True, blank=True
    )
    category = models.CharField(
        _("квалификационная категория"),
        max_length=20,
        choices=Category.choices,
        default=Category.NONE,
    )
    category_date = models.DateField(_("дата присвоения категории"), null=True, blank=True)
    email = models.EmailField(_("электронная почта"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("учётная запись"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("педагог")
        verbose_name_plural = _("педагоги")
        ordering = ["last_name", "first_name", "patronymic"]
        indexes = [models.Index(fields=["district", "last_name"])]

    def __str__(self) -> str:
        return self.short_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.patronymic) if p)

    @property
    def initials(self) -> str:
        return "".join(f"{p[0]}." for p in (self.first_name, self.patronymic) if p)

    @property
    def contact_email(self) -> str:
        """Where to write to the person: their own address, else their login's ('' when neither
        is known). The login is read only when it was fetched or is asked for."""
        address = self.email or (self.user.email if self.user_id and self.user else "")
        return address.strip().lower()

    @property
    def short_name(self) -> str:
        """«Иванова М.П.», as lists write it."""
        return f"{self.last_name} {self.initials}"

    @property
    def signature_name(self) -> str:
        """«М.П. Иванова», as signature lines write it."""
        return f"{self.initials} {self.last_name}"

    def experience_years(self, on: datetime.date) -> int | None:
        """Full years of pedagogical experience on a date; None when not recorded."""
        if self.experience_since is None:
            return None
        start = self.experience_since
        years = on.year - start.year - ((on.month, on.day) < (start.month, start.day))
        return max(years, 0)


class Association(models.Model):
    class Kind(models.TextChoices):
        DISTRICT = "district", _("районное МО (РМО)")
        SCHOOL = "school", _("школьное МО")

    kind = models.CharField(_("вид"), max_length=10, choices=Kind.choices)
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="associations", verbose_name=_("район")
    )
    school = models.ForeignKey(
        School,
        on_delete=models.PROTECT,
        related_name="associations",
        null=True,
        blank=True,
        verbose_name=_("школа"),
    )
    name = models.CharField(_("название"), max_length=300)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("методическое объединение")
        verbose_name_plural = _("методические объединения")
        ordering = ["kind", "school__short_name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="district", school__isnull=True) | Q(kind="school", school__isnull=False)),
                name="association_school_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["district"],
                condition=Q(kind="district"),
                name="one_rmo_per_district",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_district(self) -> bool:
        return self.kind == self.Kind.DISTRICT


class Membership(models.Model):
    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="memberships",
        verbose_name=_("объединение"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("педагог")
    )
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("учебный год")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("членство")
        verbose_name_plural = _("члены объединений")
        constraints = [
            models.UniqueConstraint(
                fields=["association", "person", "academic_year"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.association} ({self.academic_year})"


class ClassAssignment(models.Model):
    """Классное руководство: class «5 «А»», its teacher, the year."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="class_assignments", verbose_name=_("школа")
    )
    academic_year = models.ForeignKey(
        AcademicYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("учебный год")
    )
    grade = models.PositiveSmallIntegerField(
        _("параллель"), validators=[MinValueValidator(1), MaxValueValidator(11)]
    )
    letter = models.CharField(_("литера"), max_length=3)
    teacher = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="class_assignments",
        verbose_name=_("классный руководитель"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("классное руководство")
        verbose_name_plural = _("классное руководство")
        ordering = ["grade", "letter"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "academic_year", "grade", "letter"],
                name="class_unique_in_school_year",
            ),
            models.CheckConstraint(
                condition=Q(grade__gte=1, grade__lte=11), name="class_grade_1_to_11"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.grade} «{self.letter}»"


class AppointmentQuerySet(models.QuerySet):
    def in_office(self, on: datetime.date) -> AppointmentQuerySet:
        """Appointments in force on the day `on`: begun by then, and `ends_on` (the last day in
        office) not before it."""
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)

    def in_office_during(self, first: datetime.date, last: datetime.date) -> AppointmentQuerySet:
        """Appointments in force on some day of [first, last] (an academic year, say)."""
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first), starts_on__lte=last)

    def with_order_scan(self) -> AppointmentQuerySet:
        """Appointments whose order's scan is attached (`Appointment.has_order_scan`, in SQL)."""
        return self.filter(order_scan__isnull=False)


class Appointment(models.Model):
    """A head or secretary of an association, appointed by order. Written only by
    `services.appointment_create`, which enforces the job instruction and the regulation."""

    class Role(models.TextChoices):
        HEAD = "head", _("руководитель")
        SECRETARY = "secretary", _("секретарь")

    association = models.ForeignKey(
        Association, on_delete=models.PROTECT, related_name="appointments",
        verbose_name=_("объединение"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("педагог")
    )
    role = models.CharField(_("роль"), max_length=10, choices=Role.choices, default=Role.HEAD)
    order_number = models.CharField(_("номер приказа"), max_length=40)
    order_date = models.DateField(_("дата приказа"))
    order_issuer = models.CharField(_("кем издан приказ"), max_length=400)
    starts_on = models.DateField(_("начало полномочий"))
    ends_on = models.DateField(
        _("окончание полномочий"), null=True, blank=True, help_text=_("Последний день полномочий.")
    )
    position_rule_confirmed = models.BooleanField(
        _("назначение не педагога-организатора подтверждено"),
        default=False,
        help_text=_("Положение о МО, п. 5.1: методическое объединение возглавляет педагог-организатор."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("кто внёс"),
    )
    created_at = models.DateTimeField(_("внесено"), auto_now_add=True)
    # The scan of the order on paper, uploaded in the admin (`services.appointment_order_scan_attach`);
    # a new scan replaces it, the history keeps the earlier one.
    order_scan = models.ForeignKey(
        "associations.StoredFile", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("скан приказа"),
    )

    history = HistoricalRecords()

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("назначение")
        verbose_name_plural = _("назначения")
        ordering = ["association", "role", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["association", "role"],
                condition=Q(ends_on__isnull=True),
                name="one_current_appointment_per_role",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="appointment_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.person} ({self.association})"

    @property
    def is_current(self) -> bool:
        """`ends_on` is the last day in office: a term ends the day before its successor's starts."""
        return self.ends_on is None or self.ends_on >= timezone.localdate()

    @property
    def has_order_scan(self) -> bool:
        """Whether the order's scan is attached (the documentation checklist counts it); no query."""
        return self.order_scan_id is not None

    @property
    def order_label(self) -> str:
        return _("приказ от %(date)s № %(number)s") % {
            "date": self.order_date.strftime("%d.%m.%Y"),
            "number": self.order_number,
        }


class StaffDistrict(models.Model):
    """The district whose data a department staff user administers. Only a superuser sees
    every district; a staff user sees and changes their own district's (on the site and in
    the admin) and nothing at all until a district is set here."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_district",
        verbose_name=_("сотрудник"),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="staff", verbose_name=_("район")
    )

    class Meta:
        verbose_name = _("район сотрудника отдела образования")
        verbose_name_plural = _("районы сотрудников отдела образования")

    def __str__(self) -> str:
        return f"{self.user} — {self.district}"


class DistrictOfficialQuerySet(models.QuerySet):
    def in_office(self, on: datetime.date) -> DistrictOfficialQuerySet:
        """Officials in office on the day `on`: begun by then, and `ends_on` (the last day in
        office, as an appointment's) not before it."""
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)


class DistrictOfficial(models.Model):
    """A district's official who approves (or returns) the plan of the district РМО: the head of
    the education department or of the district methodical office, assigned by the administrator.
    The РМО's own head never reviews its plan (`associations.access`: the plan's «review»)."""

    class Role(models.TextChoices):
        EDUCATION_HEAD = "education_head", _("начальник отдела образования")
        OFFICE_HEAD = "office_head", _("руководитель районного методического кабинета")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="officials", verbose_name=_("район")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="district_roles", verbose_name=_("сотрудник")
    )
    role = models.CharField(_("должность"), max_length=20, choices=Role.choices)
    starts_on = models.DateField(_("начало полномочий"))
    ends_on = models.DateField(
        _("окончание полномочий"), null=True, blank=True, help_text=_("Последний день полномочий.")
    )

    history = HistoricalRecords()

    objects = DistrictOfficialQuerySet.as_manager()

    class Meta:
        verbose_name = _("руководитель отдела образования или методического кабинета")
        verbose_name_plural = _("руководители отдела образования и методического кабинета")
        ordering = ["district__name", "role", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "role"],
                condition=Q(ends_on__isnull=True),
                name="one_current_district_official_per_role",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="district_official_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.person} ({self.district})"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.person_id and self.district_id and self.person.district_id != self.district_id:
            raise ValidationError({"person": _("Сотрудник работает в другом районе.")})


# The uploaded files' model lives in associations/files/models.py (imported for the app registry).
from associations.files.models import StoredFile  # noqa: E402

#: The scan of a paper document (a signed protocol, an appointment order): PDF, JPEG or PNG.
SCAN_TYPES = frozenset({StoredFile.Type.PDF, StoredFile.Type.JPEG, StoredFile.Type.PNG})

# The annual plan's models live in associations/plans/models.py; importing them here registers
# them with the app (Django looks for an app's models in its `models` module).
from associations.plans.models import (  # noqa: E402
    ACADEMIC_MONTH_ORDER,
    MONTHS_NOMINATIVE,
    TASK_MARKER,
    AnnualPlan,
    PlanItem,
    PlanItemFile,
    PlanSection,
    PlanTransition,
    WorkForm,
)

# The records of methodical work likewise (associations/records/models.py).
from associations.records.models import (  # noqa: E402
    Acknowledgment,
    Attestation,
    AttestationApplication,
    Category,
    Consultation,
    Contest,
    ContestEntry,
    Course,
    CourseProvider,
    Instruction,
    InstructionVersion,
    Level,
    Nomination,
    Visit,
    VisitRecommendation,
)

__all__ = [
    "ACADEMIC_MONTH_ORDER",
    "MONTHS_NOMINATIVE",
    "SCAN_TYPES",
    "TASK_MARKER",
    "AcademicYear",
    "Acknowledgment",
    "AnnualPlan",
    "Appointment",
    "Association",
    "Attestation",
    "AttestationApplication",
    "Category",
    "ClassAssignment",
    "Consultation",
    "Contest",
    "ContestEntry",
    "Course",
    "CourseProvider",
    "District",
    "DistrictOfficial",
    "Instruction",
    "InstructionVersion",
    "Level",
    "Membership",
    "Nomination",
    "Person",
    "PlanItem",
    "PlanItemFile",
    "PlanSection",
    "PlanTransition",
    "School",
    "StaffDistrict",
    "StoredFile",
    "Visit",
    "VisitRecommendation",
    "WorkForm",
]
