"""Every write that changes the organisation's state, each in a transaction.

The admin and every form go through these functions: the rules of the job instruction and
the regulation live here once.
"""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AbstractBaseUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from associations import access
from associations.files.services import file_store, files_atomic
from associations.models import SCAN_TYPES, AcademicYear, Appointment, Association, Membership, Person

RMO_HEAD_MIN_YEARS = 5

RMO_HEAD_RULE = gettext_lazy(
    "Руководитель РМО должен иметь высшее педагогическое образование, стаж работы в системе "
    "образования не менее 5 лет (должностная инструкция руководителя РМО, раздел 1, п. 2)."
)
SCHOOL_HEAD_RULE = gettext_lazy(
    "Методическое объединение возглавляет педагог-организатор (Положение о методическом "
    "объединении классных руководителей, п. 5.1)."
)


def years_phrase(n: int) -> str:
    """«1 год», «3 года», «5 лет»: Russian plural forms come from the catalogue."""
    return ngettext("%(count)d год", "%(count)d года", n) % {"count": n}


def appointment_default_issuer(*, association: Association) -> str:
    if association.is_district:
        return association.district.education_department
    school = association.school
    director = f" {school.director_name}" if school.director_name else ""
    return _("Директор %(school)s%(director)s") % {"school": school.short_name, "director": director}


def _holder_on(*, association: Association, role: str, day: datetime.date) -> Appointment | None:
    """The appointment a new one from `day` follows: the open one, or one whose last day (set in
    advance) is `day` or later — its term is then shortened to end the day before."""
    return (
        Appointment.objects.filter(association=association, role=role)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .select_related("person")
        .order_by("-starts_on")
        .first()
    )


def appointment_validate(
    *,
    association: Association,
    person: Person,
    role: str,
    order_date: datetime.date,
    starts_on: datetime.date,
    confirm_position: bool = False,
    confirm_earlier_order: bool = False,
) -> None:
    """Raise ValidationError (keyed by form field) when the appointment breaks a rule."""
    if person.district_id != association.district_id:
        raise ValidationError(
            {"person": _("Педагог работает в другом районе, чем это объединение.")}
        )
    if not association.is_district and person.school_id != association.school_id:
        raise ValidationError(
            {"person": _("Руководителя и секретаря школьного МО назначают из педагогов этой школы.")}
        )
    if starts_on < order_date:
        raise ValidationError(
            {"starts_on": _("Полномочия не могут начаться раньше даты приказа.")}
        )

    previous = _holder_on(association=association, role=role, day=starts_on)
    if previous is not None and previous.starts_on >= starts_on:
        raise ValidationError(
            {
                "starts_on": _("Текущее назначение (%(name)s) начинается %(date)s; новое должно начаться позже.")
                % {"name": previous.person.short_name, "date": previous.starts_on.strftime("%d.%m.%Y")}
            }
        )
    if previous is not None and order_date < previous.order_date and not confirm_earlier_order:
        raise ValidationError(
            {
                "confirm_earlier_order": ValidationError(
                    _(
                        "Приказ от %(date)s издан раньше приказа о текущем назначении (%(name)s, %(order)s). "
                        "Если это верно, подтвердите, отметив это поле."
                    )
                    % {
                        "date": order_date.strftime("%d.%m.%Y"), "name": previous.person.short_name,
                        "order": previous.order_label,
                    },
                    code="needs_confirmation",
                )
            }
        )

    if role != Appointment.Role.HEAD:
        return

    if association.is_district:
        if not person.education:
            raise ValidationError(
                {"person": _("Отказано: нет данных об образовании. %(rule)s") % {"rule": RMO_HEAD_RULE}}
            )
        if person.education != Person.Education.HIGHER_PEDAGOGICAL:
            raise ValidationError(
                {
                    "person": _("Отказано: образование — %(education)s. %(rule)s")
                    % {"education": person.get_education_display(), "rule": RMO_HEAD_RULE}
                }
            )
        years = person.experience_years(on=order_date)
        if years is None:
            raise ValidationError(
                {"person": _("Отказано: нет данных о педагогическом стаже. %(rule)s") % {"rule": RMO_HEAD_RULE}}
            )
        if years < RMO_HEAD_MIN_YEARS:
            raise ValidationError(
                {
                    "person": _("Отказано: стаж на дату приказа %(date)s — %(years)s. %(rule)s")
                    % {
                        "date": order_date.strftime("%d.%m.%Y"),
                        "years": years_phrase(years),
                        "rule": RMO_HEAD_RULE,
                    }
                }
            )
    elif person.position != Person.Position.ORGANIZER and not confirm_position:
        raise ValidationError(
            {
                "confirm_position": ValidationError(
                    _("%(rule)s %(name)s — %(position)s. Подтвердите назначение, отметив это поле.")
                    % {
                        "rule": SCHOOL_HEAD_RULE,
                        "name": person.short_name,
                        "position": person.get_position_display(),
                    },
                    code="needs_confirmation",
                )
            }
        )


@transaction.atomic
def appointment_create(
    *,
    association: Association,
    person: Person,
    role: str = Appointment.Role.HEAD,
    order_number: str,
    order_date: datetime.date,
    order_issuer: str = "",
    starts_on: datetime.date | None = None,
    confirm_position: bool = False,
    confirm_earlier_order: bool = False,
    created_by: AbstractBaseUser | None = None,
) -> Appointment:
    """Appoint a head or secretary by order; the current holder's term ends the day before the
    new one starts, and a new head becomes a member of the association for the year. Nothing is
    saved when a rule is broken."""
    starts_on = starts_on or order_date
    # Serialise appointments to one association so two admins cannot both "end" the same head.
    association = Association.objects.select_for_update(of=("self",)).select_related(
        "district", "school"
    ).get(pk=association.pk)
    appointment_validate(
        association=association,
        person=person,
        role=role,
        order_date=order_date,
        starts_on=starts_on,
        confirm_position=confirm_position,
        confirm_earlier_order=confirm_earlier_order,
    )
    previous = _holder_on(association=association, role=role, day=starts_on)
    if previous is not None:
        previous.ends_on = starts_on - datetime.timedelta(days=1)  # its last day in office
        previous.save(update_fields=["ends_on"])

    appointment = Appointment(
        association=association,
        person=person,
        role=role,
        order_number=order_number,
        order_date=order_date,
        order_issuer=order_issuer or appointment_default_issuer(association=association),
        starts_on=starts_on,
        position_rule_confirmed=bool(
            role == Appointment.Role.HEAD
            and not association.is_district
            and person.position != Person.Position.ORGANIZER
            and confirm_position
        ),
        created_by=created_by,
    )
    appointment.full_clean()
    appointment.save()
    if role == Appointment.Role.HEAD:
        year = AcademicYear.objects.filter(start_year=AcademicYear.start_year_for(starts_on)).first()
        if year is not None:  # the head is a member of the association they head
            Membership.objects.get_or_create(association=association, person=person, academic_year=year)
    return appointment


@transaction.atomic
def appointment_update(
    *,
    appointment: Appointment,
    order_number: str,
    order_issuer: str,
    ends_on: datetime.date | None,
    user: AbstractBaseUser | None = None,
) -> Appointment:
    """Correct an order's details or end an appointment. The rule fields (who, what, from when)
    never change: a different head is a new appointment."""
    appointment = Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)
    if ends_on is not None and ends_on < appointment.starts_on:
        raise ValidationError(
            {
                "ends_on": _("Полномочия не могут окончиться раньше их начала (%(date)s).")
                % {"date": appointment.starts_on.strftime("%d.%m.%Y")}
            }
        )
    if ends_on is None:
        current = (
            Appointment.objects.filter(
                association_id=appointment.association_id, role=appointment.role, ends_on__isnull=True
            )
            .exclude(pk=appointment.pk)
            .select_related("person")
            .first()
        )
        if current is not None:
            raise ValidationError(
                {
                    "ends_on": _(
                        "Сейчас действует назначение %(name)s с %(date)s; два текущих назначения на одну "
                        "роль невозможны."
                    )
                    % {"name": current.person.short_name, "date": current.starts_on.strftime("%d.%m.%Y")}
                }
            )
    appointment.order_number = order_number
    appointment.order_issuer = order_issuer or appointment_default_issuer(association=appointment.association)
    appointment.ends_on = ends_on
    appointment.full_clean()
    appointment.save()
    return appointment


def appointment_order_scan_attach(*, appointment: Appointment, upload, user: AbstractBaseUser) -> Appointment:
    """The scan of the appointment's order on paper (PDF, JPEG or PNG), uploaded in the admin by
    those who administer the association's district. A new scan replaces the current one; the
    appointment's history keeps the earlier (its stored file stays). A refused upload stores
    nothing (`files_atomic`)."""
    with files_atomic():
        mine = access.administered(user, Appointment.objects.all(), district_path="association__district")
        try:
            locked = mine.select_for_update(of=("self",)).get(pk=appointment.pk)
        except Appointment.DoesNotExist:
            raise PermissionDenied from None
        locked.order_scan = file_store(upload=upload, user=user, allowed=SCAN_TYPES)
        locked.save(update_fields=["order_scan"])
    return locked


# --- the members of an association, year by year ------------------------------------------------


def membership_pool(*, association: Association) -> QuerySet[Person]:
    """Who may be a member: the people of a school МО's school, of the РМО's district."""
    if association.is_district:
        return Person.objects.filter(district_id=association.district_id)
    return Person.objects.filter(school_id=association.school_id)


def _require_writer(user: User, association: Association) -> None:
    if not access.can_write_association(user, association):
        raise PermissionDenied


@transaction.atomic
def membership_add(*, association: Association, academic_year: AcademicYear, people: list[Person], user: User) -> int:
    """Make the people members of the association for the year; those who already are stay as
    they are (so a double submit, or two heads at once, adds each person once). Returns how
    many were added. Nobody is added when one of them is not the association's to take."""
    _require_writer(user, association)
    pool = membership_pool(association=association)
    allowed = set(pool.filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    strangers = [p for p in people if p.pk not in allowed]
    if strangers:
        raise ValidationError(
            {"people": _("Не из этого объединения: %(names)s.") % {"names": ", ".join(p.short_name for p in strangers)}}
        )
    added = 0
    for person in people:
        _membership, created = Membership.objects.get_or_create(
            association=association, person=person, academic_year=academic_year
        )
        added += created
    return added


@transaction.atomic
def membership_remove(*, membership: Membership, user: User) -> None:
    """Take a person off the association's list for that year. What they took part in stays
    recorded: a meeting's attendance keeps its marks, a protocol its names."""
    _require_writer(user, membership.association)
    Membership.objects.filter(pk=membership.pk).delete()


@transaction.atomic
def membership_copy_previous(*, association: Association, academic_year: AcademicYear, user: User) -> int:
    """Carry last year's members over to `academic_year`, except those who have left the
    school (or the district); returns how many were added."""
    _require_writer(user, association)
    previous = Membership.objects.filter(
        association=association, academic_year__start_year=academic_year.start_year - 1
    )
    people = list(membership_pool(association=association).filter(pk__in=previous.values("person_id")))
    return membership_add(association=association, academic_year=academic_year, people=people, user=user)


# --- academic years ------------------------------------------------------------------------------

FIRST_START_YEAR = 2020


@transaction.atomic
def academic_years_create(*, until: int, since: int = FIRST_START_YEAR) -> list[AcademicYear]:
    """Create the missing academic years whose first calendar year is in [since, until]."""
    existing = set(AcademicYear.objects.filter(start_year__gte=since).values_list("start_year", flat=True))
    missing = [AcademicYear(start_year=year) for year in range(since, until + 1) if year not in existing]
    for year in missing:
        year.full_clean()
    return AcademicYear.objects.bulk_create(missing)
