"""The job instruction's rule for the РМО head, the regulation's п. 5.1 for a school МО, and
one head at a time — all enforced by `appointment_create`, which the admin and forms call."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from associations.models import Appointment, Person
from associations.services import appointment_create
from tests import factories as f

ORDER_DATE = datetime.date(2025, 8, 28)


@pytest.fixture
def rmo(db):
    return f.DistrictAssociationFactory()


def appoint(association, person, **kwargs):
    return appointment_create(
        association=association, person=person, order_number="112-о", order_date=ORDER_DATE, **kwargs
    )


def test_rmo_head_with_three_years_is_refused_with_the_rule_quoted(rmo):
    person = f.DistrictPersonFactory(district=rmo.district, experience_since=datetime.date(2022, 9, 1))

    with pytest.raises(ValidationError) as excinfo:
        appoint(rmo, person)

    message = " ".join(excinfo.value.message_dict["person"])
    assert "стаж на дату приказа 28.08.2025 — 2 года" in message
    assert "высшее педагогическое образование, стаж работы в системе образования не менее 5 лет" in message
    assert "должностная инструкция" in message
    assert not Appointment.objects.exists()


def test_rmo_head_with_exactly_five_years_on_the_order_date_is_appointed(rmo):
    person = f.DistrictPersonFactory(district=rmo.district, experience_since=datetime.date(2020, 8, 28))

    appointment = appoint(rmo, person)

    assert appointment.person == person
    assert appointment.ends_on is None
    assert appointment.order_issuer == rmo.district.education_department


def test_rmo_head_one_day_short_of_five_years_is_refused(rmo):
    person = f.DistrictPersonFactory(district=rmo.district, experience_since=datetime.date(2020, 8, 29))

    with pytest.raises(ValidationError, match="4 года"):
        appoint(rmo, person)


def test_rmo_head_without_education_data_is_refused(rmo):
    person = f.DistrictPersonFactory(district=rmo.district, education="")

    with pytest.raises(ValidationError) as excinfo:
        appoint(rmo, person)

    assert "нет данных об образовании" in excinfo.value.message_dict["person"][0]
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    "education", [Person.Education.HIGHER_OTHER, Person.Education.VOCATIONAL_PEDAGOGICAL]
)
def test_rmo_head_without_higher_pedagogical_education_is_refused(rmo, education):
    person = f.DistrictPersonFactory(district=rmo.district, education=education)

    with pytest.raises(ValidationError, match="высшее педагогическое"):
        appoint(rmo, person)


def test_rmo_head_without_experience_date_is_refused(rmo):
    person = f.DistrictPersonFactory(district=rmo.district, experience_since=None)

    with pytest.raises(ValidationError, match="нет данных о педагогическом стаже"):
        appoint(rmo, person)


def test_new_head_ends_the_previous_appointment_and_history_stays(rmo):
    first = f.DistrictPersonFactory(district=rmo.district, last_name="Орлова")
    second = f.DistrictPersonFactory(district=rmo.district, last_name="Белова")
    old = appoint(rmo, first)

    new = appointment_create(
        association=rmo, person=second, order_number="15-о",
        order_date=datetime.date(2026, 1, 10), starts_on=datetime.date(2026, 1, 12),
    )

    old.refresh_from_db()
    assert old.ends_on == datetime.date(2026, 1, 11)  # the last day of the old term: the day before
    assert new.ends_on is None
    assert list(rmo.appointments.order_by("starts_on")) == [old, new]


def test_new_head_cannot_start_before_the_current_one(rmo):
    appoint(rmo, f.DistrictPersonFactory(district=rmo.district))

    with pytest.raises(ValidationError) as excinfo:
        appointment_create(
            association=rmo, person=f.DistrictPersonFactory(district=rmo.district), order_number="1",
            order_date=datetime.date(2025, 8, 1),
        )
    assert "starts_on" in excinfo.value.message_dict
    assert rmo.appointments.get().ends_on is None


def test_secretary_does_not_end_the_head(rmo):
    head = appoint(rmo, f.DistrictPersonFactory(district=rmo.district))
    appointment_create(
        association=rmo, person=f.DistrictPersonFactory(district=rmo.district, education=""),
        role=Appointment.Role.SECRETARY, order_number="113-о", order_date=ORDER_DATE,
    )
    head.refresh_from_db()
    assert head.ends_on is None


@pytest.fixture
def school_mo(db):
    return f.AssociationFactory()


def test_school_mo_head_organizer_needs_no_confirmation(school_mo):
    person = f.PersonFactory(school=school_mo.school, position=Person.Position.ORGANIZER)

    appointment = appoint(school_mo, person)

    assert appointment.position_rule_confirmed is False
    assert "Директор" in appointment.order_issuer


def test_school_mo_head_teacher_asks_for_confirmation_quoting_the_clause(school_mo):
    person = f.PersonFactory(school=school_mo.school, position=Person.Position.TEACHER)

    with pytest.raises(ValidationError) as excinfo:
        appoint(school_mo, person)

    error = excinfo.value.error_dict["confirm_position"][0]
    assert error.code == "needs_confirmation"
    assert "п. 5.1" in error.messages[0]
    assert "педагог-организатор" in error.messages[0]
    assert not Appointment.objects.exists()


def test_school_mo_head_teacher_with_confirmation_is_recorded(school_mo):
    person = f.PersonFactory(school=school_mo.school, position=Person.Position.TEACHER)

    appointment = appoint(school_mo, person, confirm_position=True)

    assert appointment.position_rule_confirmed is True


def test_school_mo_head_must_work_at_that_school(school_mo):
    stranger = f.PersonFactory(
        school=f.SchoolFactory(district=school_mo.district), position=Person.Position.ORGANIZER
    )

    with pytest.raises(ValidationError, match="педагогов этой школы"):
        appoint(school_mo, stranger)


def test_head_from_another_district_is_refused(rmo):
    with pytest.raises(ValidationError, match="другом районе"):
        appoint(rmo, f.PersonFactory(school=None))


def test_appointment_history_is_recorded(rmo):
    appointment = appoint(rmo, f.DistrictPersonFactory(district=rmo.district))
    assert appointment.history.count() == 1
