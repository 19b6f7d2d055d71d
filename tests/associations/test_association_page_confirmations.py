"""The association's page asks before a member is removed, saying what it means (static/js/
confirm.js reads `data-confirm`); its readers get no remove button at all."""

from __future__ import annotations

from django.urls import reverse

from associations.models import Membership
from tests.helpers import login


def test_removing_a_member_asks_first_naming_the_member(world):
    membership = Membership.objects.filter(association=world.mo, academic_year=world.year).select_related(
        "person"
    ).first()
    html = login(world.head).get(reverse("associations:detail", args=[world.mo.pk])).content.decode()
    form = html.split(f'action="{reverse("associations:member_remove", args=[membership.pk])}"')[1].split(">")[0]
    assert (
        f'data-confirm="{membership.person.full_name} будет исключён из объединения на {world.year} учебный год. '
        'Исключить?"'
    ) in form
    assert "js/confirm.js" in html


def test_readers_have_nothing_to_confirm(world):
    html = login(world.teacher).get(reverse("associations:detail", args=[world.mo.pk])).content.decode()
    assert "будет исключён из объединения" not in html
