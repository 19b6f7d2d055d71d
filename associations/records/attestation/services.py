"""Writes of attestation under the Порядок проведения аттестации педагогических работников
(приказ Минпросвещения России от 24.03.2023 № 196): the expiry a category or СЗД gets, the rules
that refuse a category (quoted with their point on refusal), the records of attestation and the
applications for a category with their outcome.

Every write of an attestation keeps `Person.category` / `category_date` (the directory's «current
category», also set by the staff import) in step with the person's best category valid today.
Who may write is `associations.access` (kinds «attestation», «attestation_application»), asked
by the views before they call here.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from associations.models import Person
from associations.records.models import Attestation, AttestationApplication, Category
from associations.records.services import record_delete, record_save

#: Categories granted from this day have no expiry (the Порядок of 2023 came into force).
INDEFINITE_FROM = datetime.date(2023, 9, 1)
#: A category granted earlier, and every СЗД, lasts this many years (less a day).
TERM_YEARS = 5

#: Which of a person's valid categories is «the current» one (highest rank wins).
CATEGORY_RANK: dict[str, int] = {
    Category.SZD: 1,
    Category.FIRST: 2,
    Category.HIGHEST: 3,
    Category.METHODIST: 4,
    Category.MENTOR: 4,
}
#: The categories that need a valid высшая (п. 45).
NEEDS_HIGHEST = frozenset({Category.METHODIST, Category.MENTOR})

ORDER_196 = gettext_lazy(
    "Порядка проведения аттестации педагогических работников организаций, осуществляющих образовательную "
    "деятельность, утв. приказом Минпросвещения России от 24.03.2023 № 196"
)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (29 February → 1 March of a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return datetime.date(day.year + years, 3, 1)


def term_end(start: datetime.date) -> datetime.date:
    """The last day of a five-year term that starts on `start` (14.05.2021 → 13.05.2026)."""
    return add_years(start, TERM_YEARS) - datetime.timedelta(days=1)


def attestation_expiry(*, category: str, granted_on: datetime.date) -> datetime.date | None:
    """The last day the category (or СЗД) is valid; None — бессрочно. A category granted from
    01.09.2023 has no expiry; an earlier one keeps its five years; СЗД is due every five years."""
    if category == Category.SZD or granted_on < INDEFINITE_FROM:
        return term_end(granted_on)
    return None


def _exclude_pk(exclude) -> int | None:
    if exclude is None:
        return None
    return getattr(exclude, "pk", exclude)


def _holds_highest(*, person: Person, on: datetime.date, exclude=None) -> bool:
    """Whether the person holds a высшая valid on the day: by the records of attestation, or — for
    a person with no records at all (the staff import's data only) — by the directory's category."""
    records = Attestation.objects.filter(person=person)
    excluded = _exclude_pk(exclude)
    if excluded is not None:
        records = records.exclude(pk=excluded)
    valid = records.filter(category=Category.HIGHEST, granted_on__lte=on).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=on)
    )
    if valid.exists():
        return True
    if person.category == Person.Category.HIGHEST and person.category_date and person.category_date <= on \
            and excluded is None and not records.exists():
        expiry = attestation_expiry(category=Category.HIGHEST, granted_on=person.category_date)
        return expiry is None or on <= expiry
    return False


def attestation_rule_error(*, person: Person, category: str, on: datetime.date, exclude=None) -> str | None:
    """Why the category cannot be granted to (or applied for by) the person on the day, quoting the
    rule of the Порядок with its point; None when nothing forbids it. `exclude`: the record being
    edited (an Attestation or its pk), not counted as the person's own."""
    if category == Category.METHODIST and person.position == Person.Position.METHODIST:
        return _(
            "Отказано: «педагогическим работникам, замещающим должности «методист», «старший методист», "
            "квалификационная категория «педагог-методист» не устанавливается» (п. 50 %(order)s). "
            "%(person)s занимает должность «методист»."
        ) % {"order": ORDER_196, "person": person.short_name}
    if category in NEEDS_HIGHEST and not _holds_highest(person=person, on=on, exclude=exclude):
        return _(
            "Отказано: «квалификационные категории «педагог-методист» и «педагог-наставник» устанавливаются "
            "педагогическим работникам, имеющим высшую квалификационную категорию» (п. 45 %(order)s). "
            "У %(person)s на %(date)s нет действующей высшей категории."
        ) % {"order": ORDER_196, "person": person.short_name, "date": on.strftime("%d.%m.%Y")}
    return None


def person_current_attestation(*, person: Person, on: datetime.date, exclude=None) -> Attestation | None:
    """The person's best category valid on the day (the most recent of equal rank), or None."""
    records = Attestation.objects.filter(person=person, granted_on__lte=on).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=on)
    )
    excluded = _exclude_pk(exclude)
    if excluded is not None:
        records = records.exclude(pk=excluded)
    best = None
    for record in records.order_by("-granted_on", "-pk"):
        if best is None or CATEGORY_RANK[record.category] > CATEGORY_RANK[best.category]:
            best = record
    return best


def person_category_sync(*, person: Person, today: datetime.date | None = None) -> None:
    """Set the directory's current category of the person from their records of attestation
    («без категории» when none is valid today). A person with no records keeps what the staff
    import set."""
    today = today or timezone.localdate()
    if not Attestation.objects.filter(person=person).exists():
        return
    current = person_current_attestation(person=person, on=today)
    category = current.category if current else Person.Category.NONE
    day = current.granted_on if current else None
    if (person.category, person.category_date) != (category, day):
        person.category, person.category_date = category, day
        person.save(update_fields=["category", "category_date"])


def _refuse(*, person: Person, category: str, on: datetime.date, exclude=None) -> None:
    error = attestation_rule_error(person=person, category=category, on=on, exclude=exclude)
    if error:
        raise ValidationError({"category": error})


@transaction.atomic
def attestation_create(*, person: Person, category: str, granted_on: datetime.date, order_number: str,
                       order_date: datetime.date, order_issuer: str = "", note: str = "", user) -> Attestation:
    """Record an attestation's result; refused (ValidationError on «category», quoting the rule)
    when the Порядок forbids the category. The expiry is computed, never typed."""
    _refuse(person=person, category=category, on=granted_on)
    record = record_save(
        record=Attestation(person=person),
        values={
            "category": category, "granted_on": granted_on, "order_number": order_number,
            "order_date": order_date, "order_issuer": order_issuer, "note": note,
            "expires_on": attestation_expiry(category=category, granted_on=granted_on),
        },
        user=user,
    )
    person_category_sync(person=person)
    return record


@transaction.atomic
def attestation_update(*, attestation: Attestation, values: Mapping[str, Any], user,
                       version: int | None = None) -> Attestation:
    """Change a record (version-checked: VersionConflict when someone saved in between); the
    rules and the expiry as on creation. `values` may hold category, granted_on, order_number,
    order_date, order_issuer, note (the person is never changed here)."""
    allowed = {"category", "granted_on", "order_number", "order_date", "order_issuer", "note"}
    values = {name: value for name, value in values.items() if name in allowed}
    category = values.get("category", attestation.category)
    granted_on = values.get("granted_on", attestation.granted_on)
    if category and granted_on:
        _refuse(person=attestation.person, category=category, on=granted_on, exclude=attestation)
        values["expires_on"] = attestation_expiry(category=category, granted_on=granted_on)
    record = record_save(record=attestation, values=values, user=user, version=version)
    person_category_sync(person=record.person)
    return record


@transaction.atomic
def attestation_delete(*, attestation: Attestation, user) -> None:
    """Delete a record (an application it came from goes back to having no linked attestation)."""
    person = attestation.person
    record_delete(record=attestation, user=user)
    person_category_sync(person=person)
    if not Attestation.objects.filter(person=person).exists():
        # The last record gone: the directory no longer has a source for the category.
        if person.category != Person.Category.NONE or person.category_date is not None:
            person.category, person.category_date = Person.Category.NONE, None
            person.save(update_fields=["category", "category_date"])


@transaction.atomic
def application_create(*, person: Person, category: str, applied_on: datetime.date, note: str = "",
                       user) -> AttestationApplication:
    """Record a teacher's application for a category; refused quoting the rule when the Порядок
    forbids the category (a holder of первая asking for «педагог-наставник»: п. 45), or while an
    application for the same category is still pending."""
    _refuse(person=person, category=category, on=applied_on)
    pending = AttestationApplication.objects.filter(
        person=person, category=category, outcome=AttestationApplication.Outcome.PENDING
    )
    if pending.exists():
        raise ValidationError({"category": _("Заявление на эту категорию уже на рассмотрении.")})
    return record_save(
        record=AttestationApplication(person=person),
        values={"category": category, "applied_on": applied_on, "note": note},
        user=user,
    )


@transaction.atomic
def application_decide(*, application: AttestationApplication, outcome: str, outcome_on: datetime.date, user,
                       order_number: str = "", order_date: datetime.date | None = None, order_issuer: str = "",
                       note: str | None = None, version: int | None = None,
                       attestation: Attestation | None = None) -> AttestationApplication:
    """Record the outcome of a pending application: «granted» creates the attestation (with the
    order) and links it — or links `attestation`, a record of the same person and category
    already entered (by the import, say) —, «refused» and «withdrawn» only close the application.
    Decided once."""
    Outcome = AttestationApplication.Outcome
    if application.outcome != Outcome.PENDING:
        raise ValidationError({"outcome": _("Решение по заявлению уже принято: %(outcome)s.")
                               % {"outcome": application.get_outcome_display()}})
    if outcome not in {Outcome.GRANTED, Outcome.REFUSED, Outcome.WITHDRAWN}:
        raise ValidationError({"outcome": _("Выберите итог рассмотрения заявления.")})
    if outcome_on is None:
        raise ValidationError({"outcome_on": _("Укажите дату итога.")})
    if outcome_on < application.applied_on:
        raise ValidationError({"outcome_on": _("Итог не может быть раньше заявления.")})
    values: dict[str, Any] = {"outcome": outcome, "outcome_on": outcome_on}
    if note is not None:
        values["note"] = note
    if outcome == Outcome.GRANTED and attestation is not None:
        if (attestation.person_id, attestation.category) != (application.person_id, application.category):
            raise ValidationError({"outcome": _("Аттестация по заявлению — другого педагога или другой категории.")})
        values["attestation"] = attestation
    elif outcome == Outcome.GRANTED:
        errors = {}
        if not order_number:
            errors["order_number"] = _("Укажите номер приказа об установлении категории.")
        if order_date is None:
            errors["order_date"] = _("Укажите дату приказа.")
        if errors:
            raise ValidationError(errors)
        try:
            values["attestation"] = attestation_create(
                person=application.person, category=application.category, granted_on=outcome_on,
                order_number=order_number, order_date=order_date, order_issuer=order_issuer, user=user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict") and "granted_on" in error.error_dict:
                error.error_dict["outcome_on"] = error.error_dict.pop("granted_on")
            raise
    return record_save(record=application, values=values, user=user, version=version)
