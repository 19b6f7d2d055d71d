"""The members of an association, year by year, kept on its page by whoever writes its
documents: a school МО's head, the district methodologist for the РМО. The РМО's pickers and
its meetings' attendance sheets are built from this list."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from associations import services
from associations.models import AcademicYear, Membership
from tests import factories as f
from tests.helpers import messages_of


def detail(association, year=None) -> str:
    url = reverse("associations:detail", args=[association.pk])
    return f"{url}?year={year.pk}" if year is not None else url


def add_url(association) -> str:
    return reverse("associations:members_add", args=[association.pk])


def members(association, year) -> set[int]:
    rows = Membership.objects.filter(association=association, academic_year=year)
    return set(rows.values_list("person_id", flat=True))


def test_the_head_adds_teachers_of_the_school_for_the_year(world, client_for):
    newcomer, another = f.PersonFactory(school=world.school), f.PersonFactory(school=world.school)
    client = client_for(world.head)
    page = client.get(detail(world.mo)).content.decode()
    assert 'data-testid="members-edit"' in page and newcomer.short_name in page

    response = client.post(add_url(world.mo), {"year": world.year.pk, "people": [newcomer.pk, another.pk]}, follow=True)

    assert response.redirect_chain == [(detail(world.mo, world.year), 302)]
    assert f"В состав на {world.year} учебный год добавлено 2 человека." in messages_of(response)
    assert {newcomer.pk, another.pk} <= members(world.mo, world.year)
    rows = response.content.decode()
    assert newcomer.full_name in rows and another.full_name in rows


def test_the_methodologist_adds_people_of_any_school_of_the_district_to_the_rmo(world, client_for):
    teacher = f.PersonFactory(school=world.other_school, last_name="Районная")
    far = f.PersonFactory(school=world.other_district_mo.school, last_name="Дальняя")
    client = client_for(world.methodologist)
    page = client.get(detail(world.rmo)).content.decode()
    assert f"{teacher.short_name} — {world.other_school.short_name}" in page
    assert far.short_name not in page

    client.post(add_url(world.rmo), {"year": world.year.pk, "people": [teacher.pk]})
    assert members(world.rmo, world.year) == {teacher.pk}

    refused = client.post(add_url(world.rmo), {"year": world.year.pk, "people": [far.pk]})
    assert refused.status_code == 200
    assert refused.context["add_form"].errors["people"] == ["Выбран педагог не из этого объединения."]
    assert 'data-testid="people-error">Выбран педагог не из этого объединения.' in refused.content.decode()
    assert members(world.rmo, world.year) == {teacher.pk}


def test_nobody_chosen_is_an_error_next_to_the_field(world, client_for):
    response = client_for(world.head).post(add_url(world.mo), {"year": world.year.pk})
    assert response.status_code == 200
    assert response.context["add_form"].errors["people"] == ["Выберите хотя бы одного педагога."]


def test_adding_a_member_twice_adds_them_once(world, client_for):
    """Two heads at once, or a double submit: the second finds the member and adds nobody."""
    person = f.PersonFactory(school=world.school)
    client = client_for(world.head)
    client.post(add_url(world.mo), {"year": world.year.pk, "people": [person.pk]})
    added = services.membership_add(association=world.mo, academic_year=world.year, people=[person], user=world.head)
    assert added == 0
    assert Membership.objects.filter(association=world.mo, person=person).count() == 1


def test_a_member_is_taken_off_the_years_list(world, client_for):
    membership = Membership.objects.get(association=world.mo, person=world.teacher_person, academic_year=world.year)
    response = client_for(world.head).post(
        reverse("associations:member_remove", args=[membership.pk]), follow=True
    )
    assert response.redirect_chain == [(detail(world.mo, world.year), 302)]
    said = f"{world.teacher_person.short_name} больше не в составе на {world.year} учебный год."
    assert said in messages_of(response)
    assert world.teacher_person.pk not in members(world.mo, world.year)


def test_last_years_members_are_carried_over_except_those_who_left(world, client_for):
    last_year = AcademicYear.objects.get_or_create(start_year=world.year.start_year - 1)[0]
    stayed, left = f.PersonFactory(school=world.school), f.PersonFactory(school=world.school)
    for person in (stayed, left, world.teacher_person):
        f.MembershipFactory(association=world.mo, person=person, academic_year=last_year)
    left.school = world.other_school
    left.save()
    client = client_for(world.head)
    url = reverse("associations:members_copy", args=[world.mo.pk])

    response = client.post(url, {"year": world.year.pk}, follow=True)
    assert "Из состава прошлого года перенесён 1 человек." in messages_of(response)
    assert stayed.pk in members(world.mo, world.year) and left.pk not in members(world.mo, world.year)

    response = client.post(url, {"year": world.year.pk}, follow=True)
    assert any("Переносить некого" in m for m in messages_of(response))


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "association", "status"),
    [
        ("teacher", "mo", 403),  # sees their МО, does not keep its list
        ("deputy", "mo", 403),
        ("head", "rmo", 403),  # sees the РМО, it is the methodologist's
        ("methodologist", "mo", 403),  # sees the school МО, it is its head's
        ("head", "other_mo", 404),  # another school's МО
        ("other_deputy", "mo", 404),
        ("other_district_methodologist", "rmo", 404),  # another district's РМО
    ],
)
def test_only_the_writer_changes_the_list_and_others_get_403_or_404(world, client_for, who, association, status):
    target = getattr(world, association)
    person = f.PersonFactory(school=target.school, district=target.district)
    membership = Membership.objects.filter(association=target).first() or f.MembershipFactory(
        association=target, academic_year=world.year
    )
    before = Membership.objects.count()
    client = client_for(getattr(world, who))

    assert client.post(add_url(target), {"year": world.year.pk, "people": [person.pk]}).status_code == status
    assert client.post(
        reverse("associations:members_copy", args=[target.pk]), {"year": world.year.pk}
    ).status_code == status
    assert client.post(reverse("associations:member_remove", args=[membership.pk])).status_code == status
    assert Membership.objects.count() == before
    if status == 403:
        assert 'data-testid="members-edit"' not in client.get(detail(target)).content.decode()


def test_a_get_does_not_change_the_list(world, client_for):
    membership = Membership.objects.get(association=world.mo, person=world.teacher_person)
    client = client_for(world.head)
    assert client.get(reverse("associations:member_remove", args=[membership.pk])).status_code == 405
    assert client.get(add_url(world.mo)).status_code == 405


def test_the_writers_page_does_not_grow_with_members_or_candidates(world, client_for):
    client = client_for(world.head)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(detail(world.mo)).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(15):
        f.MembershipFactory(association=world.mo, person=f.PersonFactory(school=world.school), academic_year=world.year)
        f.PersonFactory(school=world.school)  # a candidate
    assert count() == few
