"""Where a person stands in attestation (`attestation_status`): the current category and its
expiry, what is due next, and the two warnings of the issue — a category expiring within six
months, and a teacher with no valid category whose last СЗД is over five years old or never done."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from associations.models import AcademicYear, Person
from associations.records.attestation.selectors import (
    EXPIRING,
    SZD_EXPIRING,
    SZD_OVERDUE,
    add_months,
    attestation_status,
    warning_from,
)
from associations.records.attestation.services import attestation_expiry
from tests import factories as f


def _record(person, category, granted_on):
    return f.AttestationFactory(
        person=person, category=category, granted_on=granted_on, order_date=granted_on,
        academic_year=_year(granted_on), expires_on=attestation_expiry(category=category, granted_on=granted_on),
    )


def _year(day):
    start = AcademicYear.start_year_for(day)
    return AcademicYear.objects.get_or_create(start_year=start)[0]


def _status(person, today):
    return attestation_status(people=[person], today=today)[person.pk]


def test_six_months_before_an_expiry():
    assert warning_from(datetime.date(2026, 5, 13)) == datetime.date(2025, 11, 13)
    assert warning_from(datetime.date(2026, 8, 31)) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2024, 8, 31), -6) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)


def test_a_category_of_14_05_2021_warns_from_13_11_2025(world):
    person = world.teacher_person
    _record(person, "first", datetime.date(2021, 5, 14))

    before = _status(person, datetime.date(2025, 11, 12))
    assert before.current.category == "first" and before.expires_on == datetime.date(2026, 5, 13)
    assert before.next_due == datetime.date(2026, 5, 13)
    assert before.warnings == [] and not before.overdue

    first_day = _status(person, datetime.date(2025, 11, 13))
    assert first_day.warnings == ["категория истекает 13.05.2026"]
    assert first_day.warning_kinds == {EXPIRING}
    last_day = _status(person, datetime.date(2026, 5, 13))
    assert last_day.warnings == ["категория истекает 13.05.2026"]

    # The day after: no valid category, never a СЗД.
    after = _status(person, datetime.date(2026, 5, 14))
    assert after.category is None and after.current is None
    assert after.warnings == ["СЗД просрочено"] and after.overdue


def test_a_category_of_10_10_2023_has_no_expiry_and_no_warning(world):
    person = world.teacher_person
    _record(person, "first", datetime.date(2023, 10, 10))
    for today in (datetime.date(2025, 11, 13), datetime.date(2035, 1, 1)):
        status = _status(person, today)
        assert status.current.category == "first" and status.expires_on is None
        assert status.is_indefinite and status.next_due is None and status.warnings == []
        assert status.due_label == "бессрочно"


def test_the_best_valid_category_is_the_current_one(world):
    person = world.teacher_person
    _record(person, "first", datetime.date(2021, 5, 14))  # expiring
    _record(person, "highest", datetime.date(2024, 2, 1))  # бессрочно
    _record(person, "szd", datetime.date(2016, 1, 1))
    status = _status(person, datetime.date(2025, 12, 1))
    assert status.current.category == "highest" and status.warnings == []
    assert status.last_szd.granted_on == datetime.date(2016, 1, 1)


def test_szd_is_due_every_five_years_for_a_teacher_without_a_category(world):
    person = world.teacher_person
    never = _status(person, datetime.date(2025, 10, 1))
    assert never.current is None and never.overdue and never.warnings == ["СЗД просрочено"]
    assert never.warning_kinds == {SZD_OVERDUE} and never.due_label == "СЗД — просрочено"

    _record(person, "szd", datetime.date(2021, 3, 10))  # valid to 09.03.2026
    valid = _status(person, datetime.date(2025, 9, 8))
    assert valid.current.category == "szd" and valid.next_due == datetime.date(2026, 3, 9)
    assert valid.warnings == [] and valid.due_label == "СЗД до 09.03.2026"
    soon = _status(person, datetime.date(2025, 9, 9))
    assert soon.warnings == ["срок СЗД истекает 09.03.2026"] and soon.warning_kinds == {SZD_EXPIRING}
    over = _status(person, datetime.date(2026, 3, 10))
    assert over.warnings == ["СЗД просрочено"] and over.last_szd is not None and over.current is None


def test_a_newcomer_is_not_due_for_szd_in_their_first_two_years(world):
    """п. 23 Порядка: СЗД is not held for those who have worked less than two years."""
    person = world.teacher_person
    person.experience_since = datetime.date(2025, 9, 1)
    person.save()
    first_years = _status(person, datetime.date(2027, 8, 31))
    assert first_years.warnings == [] and not first_years.overdue
    assert first_years.next_due == datetime.date(2027, 9, 1)
    assert _status(person, datetime.date(2027, 9, 1)).warnings == ["СЗД просрочено"]


def test_the_administration_has_no_szd_warning(world):
    deputy = world.deputy.person
    assert _status(deputy, datetime.date(2025, 10, 1)).warnings == []
    _record(deputy, "first", datetime.date(2021, 5, 14))
    assert _status(deputy, datetime.date(2025, 12, 1)).warnings == ["категория истекает 13.05.2026"]


def test_without_records_the_directory_category_counts(world):
    person = f.PersonFactory(school=world.school, category=Person.Category.FIRST,
                             category_date=datetime.date(2021, 5, 14))
    status = _status(person, datetime.date(2025, 12, 1))
    assert status.from_directory and status.current.category == "first"
    assert status.warnings == ["категория истекает 13.05.2026"]
    person.category = Person.Category.NONE
    assert _status(person, datetime.date(2025, 12, 1)).warnings == ["СЗД просрочено"]


def test_a_future_record_does_not_count_yet(world):
    person = world.teacher_person
    _record(person, "first", datetime.date(2025, 10, 1))
    assert _status(person, datetime.date(2025, 9, 30)).overdue


def test_one_query_for_any_number_of_people(world):
    def queries(people):
        with CaptureQueriesContext(connection) as captured:
            statuses = attestation_status(people=people, today=datetime.date(2025, 12, 1))
        assert set(statuses) == {p.pk for p in people}
        return len(captured.captured_queries)

    one = [world.teacher_person]
    _record(world.teacher_person, "first", datetime.date(2021, 5, 14))
    many = [f.PersonFactory(school=world.school) for _ in range(6)]
    for n, person in enumerate(many):
        _record(person, "szd", datetime.date(2019 + n % 3, 3, 1))
        _record(person, "first", datetime.date(2022, 1, 10))
    assert queries(one) == queries([*one, *many]) == 1  # the people's records
    assert queries([]) == 0
