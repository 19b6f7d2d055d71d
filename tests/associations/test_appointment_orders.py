"""Appointments as orders are written (issue 10, point 15): a new order dated earlier than the
current holder's asks for an explicit confirmation; the previous term ends the day before the new
one starts; the new head becomes a member of the association for the year; a person's page lists
their appointments."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from associations.models import AcademicYear, Appointment, Membership
from associations.services import appointment_create
from tests import factories as f
from tests.helpers import login


@pytest.fixture
def rmo(world):
    return world.rmo


def head(association, person, *, order_date, starts_on=None, **kwargs):
    return appointment_create(
        association=association, person=person, order_number=f"{order_date:%m%d}-о", order_date=order_date,
        starts_on=starts_on, **kwargs,
    )


def test_an_earlier_order_than_the_current_holders_asks_for_a_confirmation(world, rmo):
    first = f.DistrictPersonFactory(district=rmo.district, last_name="Орлова")
    second = f.DistrictPersonFactory(district=rmo.district, last_name="Белова")
    current = head(rmo, first, order_date=datetime.date(2026, 9, 1), starts_on=datetime.date(2026, 9, 1))
    with pytest.raises(ValidationError) as refused:
        head(rmo, second, order_date=datetime.date(2026, 8, 20), starts_on=datetime.date(2026, 10, 1))
    assert "confirm_earlier_order" in refused.value.message_dict
    assert "издан раньше приказа о текущем назначении" in " ".join(refused.value.message_dict["confirm_earlier_order"])
    current.refresh_from_db()
    assert current.ends_on is None

    new = head(rmo, second, order_date=datetime.date(2026, 8, 20), starts_on=datetime.date(2026, 10, 1),
               confirm_earlier_order=True)
    current.refresh_from_db()
    assert current.ends_on == datetime.date(2026, 9, 30)  # the day before the new term
    assert new.ends_on is None


def test_on_the_day_of_the_change_only_the_new_head_is_in_office(world, rmo):
    first = f.DistrictPersonFactory(district=rmo.district, last_name="Орлова")
    second = f.DistrictPersonFactory(district=rmo.district, last_name="Белова")
    head(rmo, first, order_date=datetime.date(2026, 9, 1))
    head(rmo, second, order_date=datetime.date(2026, 11, 2), starts_on=datetime.date(2026, 11, 3))
    on_the_day = Appointment.objects.in_office(datetime.date(2026, 11, 3)).filter(association=rmo, role="head")
    assert [a.person for a in on_the_day] == [second]
    the_day_before = Appointment.objects.in_office(datetime.date(2026, 11, 2)).filter(association=rmo, role="head")
    assert [a.person for a in the_day_before] == [first]


def test_the_new_head_becomes_a_member_for_the_year(world):
    teacher = f.PersonFactory(school=world.school, district=world.district, position="organizer", last_name="Новикова")
    start = world.year.starts_on + datetime.timedelta(days=30)
    head(world.mo, teacher, order_date=start)
    year = AcademicYear.objects.get(start_year=AcademicYear.start_year_for(start))
    assert Membership.objects.filter(association=world.mo, person=teacher, academic_year=year).exists()
    # Appointed again later in the year: still one membership.
    head(world.mo, world.teacher_person, order_date=start + datetime.timedelta(days=10), confirm_position=True)
    head(world.mo, teacher, order_date=start + datetime.timedelta(days=20))
    assert Membership.objects.filter(association=world.mo, person=teacher, academic_year=year).count() == 1


def test_a_persons_page_lists_their_appointments(world, client_for):
    page = client_for(world.methodologist).get(reverse("associations:person", args=[world.head_person.pk]))
    html = page.content.decode()
    assert 'data-testid="appointments"' in html
    for appointment in Appointment.objects.filter(person=world.head_person):
        assert appointment.association.name in html and appointment.order_label in html


def test_the_admin_form_shows_the_confirmation_next_to_its_field(world, rmo):
    first = f.DistrictPersonFactory(district=rmo.district, last_name="Орлова")
    head(rmo, first, order_date=datetime.date(2026, 9, 1))
    second = f.DistrictPersonFactory(district=rmo.district, last_name="Белова")
    response = login(world.admin).post(reverse("admin:associations_appointment_add"), {
        "association": rmo.pk, "person": second.pk, "role": "head", "order_number": "7-о",
        "order_date": "20.08.2026", "starts_on": "01.10.2026", "order_issuer": "",
    })
    assert response.status_code == 200
    assert "издан раньше приказа о текущем назначении" in " ".join(
        response.context["adminform"].form.errors["confirm_earlier_order"]
    )
    assert not Appointment.objects.filter(person=second).exists()


def test_the_admin_counts_a_term_ended_in_advance_as_current_until_its_last_day(world, rmo):
    from django.utils import timezone

    first = f.DistrictPersonFactory(district=rmo.district, last_name="Орлова")
    appointment = head(rmo, first, order_date=timezone.localdate() - datetime.timedelta(days=30))
    Appointment.objects.filter(pk=appointment.pk).update(ends_on=timezone.localdate() + datetime.timedelta(days=5))
    client = login(world.admin)
    changelist = client.get(reverse("admin:associations_association_changelist")).content.decode()
    assert first.short_name in changelist  # still the head
    current = client.get(reverse("admin:associations_appointment_changelist"), {"current": "yes"}).content.decode()
    assert f"/admin/associations/appointment/{appointment.pk}/change/" in current
