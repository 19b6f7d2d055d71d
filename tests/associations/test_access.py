"""The access matrix: each role against its own and another school's or district's pages.
Outsiders get 404 (never a 403 that confirms the object exists); anonymous users go to login."""

import pytest
from django.urls import reverse

from associations import access

OK, NOT_FOUND = 200, 404

# role -> expected status per target; targets are resolved from the world fixture below.
TARGETS = [
    "home", "association_list", "people",
    "mo", "other_mo", "rmo", "other_district_rmo", "other_district_mo",
    "person_same_school", "person_other_school", "person_other_district",
]
MATRIX = {
    "admin":         [OK, OK, OK, OK, OK, OK, OK, OK, OK, OK, OK],
    "methodologist": [OK, OK, OK, OK, OK, OK, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND],
    "deputy":        [OK, OK, OK, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND],
    # The head of the school's МО: its teachers' pages (their records), not the directory.
    "head":          [OK, OK, NOT_FOUND, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND],
    # The teacher: their own page ("person_same_school" is the teacher), no directory.
    "teacher":       [OK, OK, NOT_FOUND, OK, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, NOT_FOUND],
    "other_deputy":  [OK, OK, OK, NOT_FOUND, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND],
    "other_district_methodologist":
                     [OK, OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, OK, NOT_FOUND, NOT_FOUND, OK],
    "outsider":      [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND,
                      NOT_FOUND, NOT_FOUND, NOT_FOUND],
}


def url_for(world, target):
    people = {
        "person_same_school": world.teacher_person,
        "person_other_school": world.other_deputy.person,
        "person_other_district": world.other_district_methodologist.person,
    }
    if target == "home":
        return reverse("home")
    if target == "association_list":
        return reverse("associations:list")
    if target == "people":
        return reverse("associations:people")
    if target in people:
        return reverse("associations:person", args=[people[target].pk])
    return reverse("associations:detail", args=[getattr(world, target).pk])


@pytest.mark.parametrize("role", MATRIX)
def test_access_matrix(world, client_for, role):
    client = client_for(getattr(world, role))
    got = {t: client.get(url_for(world, t)).status_code for t in TARGETS}
    assert got == dict(zip(TARGETS, MATRIX[role], strict=True))


@pytest.mark.parametrize("target", TARGETS)
def test_anonymous_is_sent_to_login(world, client, target):
    response = client.get(url_for(world, target))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("path", ["/associations/0/", "/associations/999999/", "/associations/abc/",
                                  "/associations/99999999999999999999999/", "/people/-1/",
                                  "/people/99999999999999999999999/"])
def test_unknown_or_malformed_ids_are_404(world, client_for, path):
    response = client_for(world.admin).get(path)
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_association_list_shows_the_district_to_the_methodologist(world, client_for):
    content = client_for(world.methodologist).get(reverse("associations:list")).content.decode()
    for association in (world.rmo, world.mo, world.other_mo):
        assert association.name in content
    assert world.other_district_mo.name not in content
    assert world.other_district_rmo.name not in content


def test_association_list_shows_a_deputy_their_school_and_the_rmo_only(world, client_for):
    content = client_for(world.deputy).get(reverse("associations:list")).content.decode()
    assert world.mo.name in content
    assert world.rmo.name in content
    assert world.other_mo.name not in content
    assert world.other_district_rmo.name not in content


def test_school_filter_cannot_reach_another_district(world, client_for):
    far_school = world.other_district_mo.school
    response = client_for(world.methodologist).get(reverse("associations:list"), {"school": far_school.pk})
    assert response.status_code == 200
    assert world.other_district_mo.name not in response.content.decode()


def test_malformed_filter_values_do_not_break_the_list(world, client_for):
    response = client_for(world.methodologist).get(
        reverse("associations:list"), {"school": "x", "kind": "nope", "year": "abc"}
    )
    assert response.status_code == 200


def test_people_directory_is_scoped(world, client_for):
    content = client_for(world.deputy).get(reverse("associations:people")).content.decode()
    assert world.teacher_person.full_name in content
    assert world.other_deputy.person.full_name not in content

    content = client_for(world.methodologist).get(reverse("associations:people")).content.decode()
    assert world.other_deputy.person.full_name in content
    assert world.other_district_methodologist.person.full_name not in content


def test_roles_follow_from_the_data(world):
    assert access.roles_for(world.methodologist).methodologist_district_ids == {world.district.pk}
    assert access.roles_for(world.deputy).deputy_school_ids == {world.school.pk}
    assert access.roles_for(world.head).head_association_ids == {world.mo.pk}
    teacher = access.roles_for(world.teacher)
    assert not (teacher.is_methodologist or teacher.is_deputy or teacher.is_head or teacher.is_admin)
    assert access.roles_for(world.outsider).person is None


def test_rmo_head_is_a_district_methodologist(world):
    from tests import factories as f

    f.AppointmentFactory(association=world.rmo, person=world.teacher_person, order_issuer="ОО")
    world.teacher._rmo_roles = None
    roles = access.roles_for(world.teacher)
    assert roles.is_methodologist
    assert roles.methodologist_district_ids == {world.district.pk}


def test_write_access(world):
    assert access.can_write_association(world.head, world.mo)
    assert not access.can_write_association(world.head, world.other_mo)
    assert not access.can_write_association(world.teacher, world.mo)
    assert not access.can_write_association(world.deputy, world.mo)
    assert access.can_write_association(world.methodologist, world.rmo)
    assert not access.can_write_association(world.methodologist, world.other_district_rmo)
