"""Department staff are scoped to their district (issue 10, point 2). Before, `is_staff` made a
user see and change every district: a district-2 staff user with the staff-import permissions
opened district 1's draft protocols, plans and people. Only a superuser sees everything now; a
staff user belongs to a district (`StaffDistrict`), and another district's objects answer 404
on the site and in the admin (list, change, delete, history, autocomplete, the staff import)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from associations.models import Person, StaffDistrict
from tests import factories as f
from tests.helpers import login


def staff_of(district, username: str):
    user = f.UserFactory(username=username, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["associations", "meetings"]))
    StaffDistrict.objects.create(user=user, district=district)
    return user


@pytest.fixture
def papers(world):
    """District 1's draft protocol, draft plan and a person: what the district-2 staff user opened."""
    meeting = f.recorded_meeting(world)
    protocol = f.build_protocol(world, n_items=1, n_attendees=1, theme="О черновике")
    plan = f.plan_with_items(world.mo, world.year)
    return {"meeting": meeting, "protocol": protocol, "plan": plan, "person": world.teacher_person}


def test_another_districts_staff_gets_404_on_the_site(world, papers):
    stranger = login(staff_of(world.other_district, "otdel2"))
    assert stranger.get(reverse("meetings:protocol", args=[papers["protocol"].pk])).status_code == 404
    assert stranger.get(reverse("meetings:protocol_pdf", args=[papers["protocol"].pk])).status_code == 404
    assert stranger.get(reverse("associations:plan", args=[papers["plan"].pk])).status_code == 404
    assert stranger.get(reverse("associations:person", args=[papers["person"].pk])).status_code == 404
    assert stranger.get(reverse("associations:detail", args=[world.mo.pk])).status_code == 404
    people = stranger.get(reverse("associations:people")).content.decode()
    assert world.teacher_person.last_name not in people

    own = login(staff_of(world.district, "otdel1"))
    assert own.get(reverse("meetings:protocol", args=[papers["protocol"].pk])).status_code == 200
    assert own.get(reverse("associations:plan", args=[papers["plan"].pk])).status_code == 200


@pytest.mark.parametrize(
    ("model", "obj"),
    [
        ("associations/person", "person"), ("associations/association", "association"),
        ("associations/school", "school"), ("associations/district", "district"),
        ("associations/annualplan", "plan"), ("meetings/meeting", "meeting"), ("meetings/protocol", "protocol"),
    ],
)
def test_another_districts_staff_gets_404_in_the_admin(world, papers, model, obj):
    target = {
        "person": papers["person"], "association": world.mo, "school": world.school, "district": world.district,
        "plan": papers["plan"], "meeting": papers["meeting"], "protocol": papers["protocol"],
    }[obj]
    stranger = login(staff_of(world.other_district, "otdel2"))
    changelist = stranger.get(f"/admin/{model}/")
    assert changelist.status_code == 200
    assert f"/admin/{model}/{target.pk}/change/" not in changelist.content.decode()
    for page in ("change", "history"):
        assert stranger.get(f"/admin/{model}/{target.pk}/{page}/").status_code == 404, page
    # A model nobody may delete (plans, protocols) answers 403 for any id, so that says nothing.
    for response in (stranger.get(f"/admin/{model}/{target.pk}/delete/"),
                     stranger.post(f"/admin/{model}/{target.pk}/delete/", {"post": "yes"})):
        assert response.status_code in ((403, 404) if obj in ("plan", "protocol") else (404,))
    assert type(target).objects.filter(pk=target.pk).exists()

    own = login(staff_of(world.district, "otdel1"))
    assert f"/admin/{model}/{target.pk}/change/" in own.get(f"/admin/{model}/").content.decode()
    assert login(world.admin).get(f"/admin/{model}/{target.pk}/change/").status_code == 200


def test_autocomplete_and_choices_offer_only_the_own_district(world):
    stranger = login(staff_of(world.other_district, "otdel2"))
    response = stranger.get(
        "/admin/autocomplete/",
        {"app_label": "associations", "model_name": "membership", "field_name": "person", "term": ""},
    )
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert world.teacher_person.pk not in ids
    assert ids and ids <= set(Person.objects.filter(district=world.other_district).values_list("pk", flat=True))
    response = stranger.get(
        "/admin/autocomplete/",
        {"app_label": "meetings", "model_name": "meeting", "field_name": "association", "term": ""},
    )
    names = {r["text"] for r in response.json()["results"]}
    assert world.mo.name not in names and world.other_district_mo.name in names
    form = stranger.get("/admin/meetings/meeting/add/").content.decode()
    assert world.mo.name not in form  # the plan items' choices name their association


def test_the_staff_import_of_another_districts_school_is_a_404(world):
    stranger = login(staff_of(world.other_district, "otdel2"))
    url = reverse("admin:associations_school_import_staff", args=(world.school.pk,))
    assert stranger.get(url).status_code == 404


def test_a_staff_user_without_a_district_sees_nothing_and_cannot_grant_superuser(world, papers):
    clerk = f.UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["associations", "auth"]))
    client = login(clerk)
    assert client.get(reverse("associations:plan", args=[papers["plan"].pk])).status_code == 404
    assert world.teacher_person.last_name not in client.get("/admin/associations/person/").content.decode()
    # Not even for themselves: the flags are read-only to anyone but a superuser.
    client.post(f"/admin/auth/user/{clerk.pk}/change/", {"username": "clerk", "is_superuser": "on", "is_staff": "on"})
    clerk.refresh_from_db()
    assert not clerk.is_superuser
    assert client.get(f"/admin/auth/user/{world.teacher.pk}/change/").status_code == 404
    assert client.get("/admin/associations/staffdistrict/").status_code == 403


def test_another_districts_history_versions_are_a_404(world):
    person = world.teacher_person
    person.first_name = "Мария"
    person.save()
    version = person.history.first()
    stranger = login(staff_of(world.other_district, "otdel2"))
    url = f"/admin/associations/person/{person.pk}/history/{version.history_id}/"
    assert stranger.get(url).status_code == 404
    assert stranger.post(url, {"last_name": "Взлом"}).status_code == 404
    assert login(staff_of(world.district, "otdel1")).get(url).status_code == 200


def test_a_staff_user_cannot_reach_a_superusers_or_a_colleagues_login(world):
    f.PersonFactory(user=world.admin, district=world.district, school=None)  # a superuser with a person here
    colleague = staff_of(world.district, "otdel3")
    f.PersonFactory(user=colleague, district=world.district, school=None)
    clerk = staff_of(world.district, "otdel1")
    clerk.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth"))  # may manage logins
    client = login(clerk)
    assert client.get(f"/admin/auth/user/{world.teacher.pk}/change/").status_code == 200  # a teacher's: yes
    for target in (world.admin, colleague):
        assert client.get(f"/admin/auth/user/{target.pk}/password/").status_code == 404
        assert client.get(f"/admin/auth/user/{target.pk}/change/").status_code == 404
