"""Attestation in the admin: the same rules of the Порядок as on the site, the expiry computed."""

from __future__ import annotations

import datetime

from django.urls import reverse

from associations.models import AcademicYear
from associations.records.models import Attestation
from tests import factories as f

ADD = reverse("admin:associations_attestation_add")


def _post(client, person, category, granted_on: datetime.date):
    year = AcademicYear.objects.get_or_create(start_year=AcademicYear.start_year_for(granted_on))[0]
    return client.post(ADD, {
        "person": person.pk, "academic_year": year.pk, "category": category, "granted_on": granted_on.isoformat(),
        "order_number": "12", "order_date": granted_on.isoformat(), "order_issuer": "", "note": "",
    })


def test_the_admin_computes_the_expiry(world, client_for):
    client = client_for(world.admin)
    response = _post(client, world.teacher_person, "first", datetime.date(2021, 5, 14))
    assert response.status_code == 302
    assert Attestation.objects.get().expires_on == datetime.date(2026, 5, 13)


def test_the_admin_refuses_mentor_to_a_holder_of_first_quoting_point_45(world, client_for):
    client = client_for(world.admin)
    f.AttestationFactory(person=world.teacher_person, category="first", granted_on=datetime.date(2024, 1, 15),
                         order_date=datetime.date(2024, 1, 15),
                         academic_year=AcademicYear.objects.get_or_create(start_year=2023)[0])
    response = _post(client, world.teacher_person, "mentor", datetime.date(2025, 3, 1))
    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["category"]
    assert "(п. 45 Порядка" in message
    assert Attestation.objects.count() == 1
