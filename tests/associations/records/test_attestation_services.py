"""The attestation services: the expiry the Порядок gives (приказ Минпросвещения от 24.03.2023
№ 196), the rules quoted on refusal (п. 45, п. 50), the directory's category kept in step, and the
applications with their outcome."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from associations.models import AcademicYear, Person
from associations.records.attestation import services
from associations.records.attestation.services import (
    application_create,
    application_decide,
    attestation_create,
    attestation_delete,
    attestation_expiry,
    attestation_rule_error,
    attestation_update,
)
from associations.records.models import Attestation, AttestationApplication
from associations.services import academic_years_create
from rmo_portal.editors import VersionConflict
from tests import factories as f

P45 = (
    "«квалификационные категории «педагог-методист» и «педагог-наставник» устанавливаются педагогическим "
    "работникам, имеющим высшую квалификационную категорию» (п. 45"
)
P50 = "квалификационная категория «педагог-методист» не устанавливается» (п. 50"
ORDER = "приказом Минпросвещения России от 24.03.2023 № 196"


@pytest.fixture
def years(db):
    """The academic years back to 2018/2019 (the world has only the recent ones)."""
    academic_years_create(until=AcademicYear.start_year_for(timezone.localdate()) + 1)
    for start in range(2018, 2026):
        AcademicYear.objects.get_or_create(start_year=start)


def _grant(person, category, granted_on, user=None, **kwargs):
    return attestation_create(
        person=person, category=category, granted_on=granted_on, order_number=kwargs.pop("order_number", "7-к"),
        order_date=kwargs.pop("order_date", granted_on), user=user, **kwargs,
    )


# --- the expiry ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("category", "granted_on", "expires_on"), [
    ("first", datetime.date(2023, 10, 10), None),  # from 01.09.2023: бессрочно
    ("highest", datetime.date(2023, 9, 1), None),
    ("mentor", datetime.date(2024, 3, 1), None),
    ("first", datetime.date(2021, 5, 14), datetime.date(2026, 5, 13)),  # earlier: five years less a day
    ("highest", datetime.date(2023, 8, 31), datetime.date(2028, 8, 30)),
    ("szd", datetime.date(2024, 2, 29), datetime.date(2029, 2, 28)),  # СЗД always five years
    ("szd", datetime.date(2023, 10, 10), datetime.date(2028, 10, 9)),
])
def test_the_expiry_follows_the_order_196(category, granted_on, expires_on):
    assert attestation_expiry(category=category, granted_on=granted_on) == expires_on


def test_a_record_gets_its_expiry_computed_and_the_directory_follows(world, years):
    person = world.teacher_person
    old = _grant(person, "first", datetime.date(2021, 5, 14), user=world.head)
    assert old.expires_on == datetime.date(2026, 5, 13)
    assert old.entered_by == world.head
    assert old.academic_year.start_year == 2020
    new = _grant(person, "highest", datetime.date(2023, 10, 10))
    assert new.expires_on is None
    person.refresh_from_db()
    assert (person.category, person.category_date) == (Person.Category.HIGHEST, datetime.date(2023, 10, 10))

    attestation_delete(attestation=new, user=world.head)
    person.refresh_from_db()
    today = timezone.localdate()
    expected = Person.Category.FIRST if today <= datetime.date(2026, 5, 13) else Person.Category.NONE
    assert person.category == expected
    attestation_delete(attestation=old, user=world.head)
    person.refresh_from_db()
    assert (person.category, person.category_date) == (Person.Category.NONE, None)


# --- п. 45 and п. 50 --------------------------------------------------------------------------


def test_a_holder_of_first_is_refused_mentor_quoting_point_45(world, years):
    person = world.teacher_person
    _grant(person, "first", datetime.date(2024, 1, 15))
    error = attestation_rule_error(person=person, category="mentor", on=datetime.date(2025, 3, 1))
    assert P45 in error and ORDER in error
    assert error.endswith("У Соколова М.П. на 01.03.2025 нет действующей высшей категории.")
    with pytest.raises(ValidationError) as refused:
        _grant(person, "mentor", datetime.date(2025, 3, 1))
    assert P45 in refused.value.message_dict["category"][0]
    assert not Attestation.objects.filter(person=person, category="mentor").exists()


def test_a_holder_of_highest_may_become_methodist_or_mentor(world, years):
    person = world.teacher_person
    _grant(person, "highest", datetime.date(2024, 1, 15))
    assert attestation_rule_error(person=person, category="mentor", on=datetime.date(2025, 3, 1)) is None
    assert attestation_rule_error(person=person, category="methodist", on=datetime.date(2025, 3, 1)) is None
    # Not before the высшая was granted, nor after an old высшая expired.
    assert P45 in attestation_rule_error(person=person, category="mentor", on=datetime.date(2024, 1, 14))
    other = f.PersonFactory(school=world.school)
    _grant(other, "highest", datetime.date(2019, 4, 1))  # expires 31.03.2024
    assert attestation_rule_error(person=other, category="mentor", on=datetime.date(2024, 3, 31)) is None
    assert P45 in attestation_rule_error(person=other, category="mentor", on=datetime.date(2024, 4, 1))
    record = _grant(person, "mentor", datetime.date(2025, 3, 1))
    person.refresh_from_db()
    assert record.expires_on is None and person.category == Person.Category.MENTOR


def test_the_directory_counts_for_a_person_without_records(world, years):
    """The staff import's «высшая» with its date, when the portal holds no record of the person."""
    person = f.PersonFactory(school=world.school, category=Person.Category.HIGHEST,
                             category_date=datetime.date(2024, 2, 1))
    assert attestation_rule_error(person=person, category="mentor", on=datetime.date(2025, 3, 1)) is None
    person.category = Person.Category.FIRST
    assert P45 in attestation_rule_error(person=person, category="mentor", on=datetime.date(2025, 3, 1))


def test_a_methodist_may_not_become_pedagogue_methodist_point_50(world, years):
    person = world.methodologist.person  # position «методист»
    _grant(person, "highest", datetime.date(2024, 1, 15))
    error = attestation_rule_error(person=person, category="methodist", on=datetime.date(2025, 3, 1))
    assert P50 in error and ORDER in error and "«методист»" in error
    assert attestation_rule_error(person=person, category="mentor", on=datetime.date(2025, 3, 1)) is None
    with pytest.raises(ValidationError) as refused:
        _grant(person, "methodist", datetime.date(2025, 3, 1))
    assert P50 in refused.value.message_dict["category"][0]


def test_an_edit_checks_the_rule_without_the_record_itself(world, years):
    person = world.teacher_person
    highest = _grant(person, "highest", datetime.date(2024, 1, 15))
    # Turning the only высшая into «педагог-наставник» leaves no высшая to hold it by.
    with pytest.raises(ValidationError) as refused:
        attestation_update(attestation=highest, values={"category": "mentor"}, user=world.head)
    assert P45 in refused.value.message_dict["category"][0]
    highest.refresh_from_db()
    assert highest.category == "highest" and highest.version == 1


def test_an_update_recomputes_the_expiry_and_checks_the_version(world, years):
    record = _grant(world.teacher_person, "first", datetime.date(2023, 10, 10))
    updated = attestation_update(
        attestation=record, values={"granted_on": datetime.date(2022, 12, 1), "order_date": datetime.date(2022, 12, 1)},
        user=world.head, version=1,
    )
    assert updated.expires_on == datetime.date(2027, 11, 30) and updated.version == 2
    assert updated.academic_year.start_year == 2022
    stale = Attestation.objects.get(pk=record.pk)
    stale.version = 1
    with pytest.raises(VersionConflict):
        attestation_update(attestation=stale, values={"order_number": "8-к"}, user=world.head, version=1)
    assert Attestation.objects.get(pk=record.pk).order_number == "7-к"


def test_the_model_rules_come_back_on_their_fields(world, years):
    with pytest.raises(ValidationError) as refused:
        _grant(world.teacher_person, "first", datetime.date(2023, 10, 10), order_date=datetime.date(2025, 1, 1))
    assert "order_date" in refused.value.message_dict


# --- applications ----------------------------------------------------------------------------


def test_an_application_for_mentor_by_a_holder_of_first_is_refused_quoting_the_rule(world, years):
    person = world.teacher_person
    _grant(person, "first", datetime.date(2024, 1, 15))
    with pytest.raises(ValidationError) as refused:
        application_create(person=person, category="mentor", applied_on=datetime.date(2025, 3, 1), user=world.teacher)
    message = refused.value.message_dict["category"][0]
    assert message.startswith("Отказано: «квалификационные категории")
    assert P45 in message and ORDER in message
    assert not AttestationApplication.objects.filter(person=person).exists()


def test_an_application_granted_creates_its_attestation(world, years):
    person = world.teacher_person
    application = application_create(
        person=person, category="highest", applied_on=datetime.date(2025, 1, 20), user=world.teacher
    )
    assert application.outcome == "pending" and application.entered_by == world.teacher
    with pytest.raises(ValidationError) as twice:
        application_create(person=person, category="highest", applied_on=datetime.date(2025, 1, 21), user=world.teacher)
    assert "уже на рассмотрении" in twice.value.message_dict["category"][0]
    with pytest.raises(ValidationError) as no_order:
        application_decide(application=application, outcome="granted", outcome_on=datetime.date(2025, 3, 27),
                           user=world.head)
    assert set(no_order.value.message_dict) == {"order_number", "order_date"}
    decided = application_decide(
        application=application, outcome="granted", outcome_on=datetime.date(2025, 3, 27), order_number="512",
        order_date=datetime.date(2025, 3, 31), order_issuer="министерство образования области", user=world.head,
    )
    assert decided.outcome == "granted" and decided.outcome_on == datetime.date(2025, 3, 27)
    record = decided.attestation
    assert (record.category, record.granted_on, record.expires_on, record.order_number) == (
        "highest", datetime.date(2025, 3, 27), None, "512"
    )
    with pytest.raises(ValidationError) as again:
        application_decide(application=decided, outcome="refused", outcome_on=datetime.date(2025, 4, 1),
                           user=world.head)
    assert "уже принято" in again.value.message_dict["outcome"][0]


def test_an_application_refused_or_withdrawn_only_closes(world, years):
    application = application_create(
        person=world.teacher_person, category="first", applied_on=datetime.date(2025, 1, 20), user=world.teacher
    )
    with pytest.raises(ValidationError) as early:
        application_decide(application=application, outcome="refused", outcome_on=datetime.date(2025, 1, 19),
                           user=world.head)
    assert "outcome_on" in early.value.message_dict
    decided = application_decide(application=application, outcome="withdrawn",
                                 outcome_on=datetime.date(2025, 2, 1), user=world.teacher)
    assert decided.outcome == "withdrawn" and decided.attestation is None
    assert not Attestation.objects.exists()


def test_a_granted_application_refused_by_the_rule_keeps_the_application_pending(world, years):
    person = world.teacher_person
    _grant(person, "highest", datetime.date(2019, 4, 1))  # expires 31.03.2024
    application = application_create(person=person, category="mentor", applied_on=datetime.date(2024, 2, 1),
                                     user=world.teacher)
    with pytest.raises(ValidationError) as refused:
        application_decide(application=application, outcome="granted", outcome_on=datetime.date(2024, 5, 1),
                           order_number="1", order_date=datetime.date(2024, 5, 2), user=world.head)
    assert P45 in refused.value.message_dict["category"][0]
    application.refresh_from_db()
    assert application.outcome == "pending"
    assert services.INDEFINITE_FROM == datetime.date(2023, 9, 1)


def test_an_application_granted_may_link_a_record_already_entered(world, years):
    person = world.teacher_person
    application = application_create(person=person, category="highest", applied_on=datetime.date(2025, 1, 20),
                                     user=world.teacher)
    first = _grant(person, "first", datetime.date(2025, 3, 27))
    with pytest.raises(ValidationError) as wrong:
        application_decide(application=application, outcome="granted", outcome_on=datetime.date(2025, 3, 27),
                           attestation=first, user=world.head)
    assert "другой категории" in wrong.value.message_dict["outcome"][0]
    highest = _grant(person, "highest", datetime.date(2025, 3, 27))
    decided = application_decide(application=application, outcome="granted", outcome_on=datetime.date(2025, 3, 27),
                                 attestation=highest, user=world.head)
    assert decided.attestation == highest and Attestation.objects.filter(person=person).count() == 2
