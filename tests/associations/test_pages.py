"""What each page shows, and that its SQL query count does not grow with its rows."""

import datetime

import pytest
from django.urls import reverse

from associations.models import Person
from associations.services import appointment_create
from tests import factories as f
from tests.helpers import get_counting_queries


@pytest.mark.parametrize("url_name", ["home", "associations:list"])
def test_association_tables_do_not_grow_with_rows(world, client_for, url_name):
    client = client_for(world.methodologist)
    for _ in range(2):
        f.school_with_mo(world.district, year=world.year)
    few, _ = get_counting_queries(client, reverse(url_name))
    for _ in range(8):
        f.school_with_mo(world.district, year=world.year)
    many, response = get_counting_queries(client, reverse(url_name))
    assert many == few
    assert response.content.decode().count('href="/associations/') >= 13


def test_association_list_query_count(world, client_for, django_assert_num_queries):
    client = client_for(world.methodologist)
    for _ in range(5):
        f.school_with_mo(world.district, year=world.year)
    # 1 session, 2 user, 3 academic year (current), 4 person (roles), 5 head appointments
    # (roles), 6 schools for the filter, 7-8 academic years for the filter (the select widget
    # and crispy each iterate the choices), 9 associations with member counts, 10 heads of the
    # year (prefetch)
    with django_assert_num_queries(10):
        client.get(reverse("associations:list"))


def test_association_list_shows_heads_orders_and_member_counts(world, client_for):
    content = client_for(world.methodologist).get(reverse("associations:list")).content.decode()
    assert world.head_person.short_name in content
    assert "приказ от 26.08.2024 №" in content


def test_association_list_filters_by_school_and_kind(world, client_for):
    client = client_for(world.methodologist)
    content = client.get(reverse("associations:list"), {"school": world.other_school.pk}).content.decode()
    assert world.other_mo.name in content
    assert world.mo.name not in content

    content = client.get(reverse("associations:list"), {"kind": "district"}).content.decode()
    assert world.rmo.name in content
    assert world.mo.name not in content


def test_association_detail_does_not_grow_with_members(world, client_for):
    client = client_for(world.methodologist)
    url = reverse("associations:detail", args=[world.mo.pk])
    f.add_members(world, 3, association=world.mo, school=world.school, classes=True)
    few, _ = get_counting_queries(client, url)
    f.add_members(world, 20, association=world.mo, school=world.school, classes=True)
    many, response = get_counting_queries(client, url)
    assert many == few
    assert response.content.decode().count("<tr>") >= 25


def test_association_detail_shows_head_order_history_members_and_classes(world, client_for):
    new_head = f.PersonFactory(school=world.school, position=Person.Position.ORGANIZER, last_name="Белова")
    appointment_create(
        association=world.mo, person=new_head, order_number="77-о",
        order_date=datetime.date(2025, 9, 10),
    )
    content = client_for(world.teacher).get(reverse("associations:detail", args=[world.mo.pk])).content.decode()
    assert "Белова" in content
    assert "приказ от 10.09.2025 № 77-о" in content
    assert world.head_person.short_name in content  # the previous head, in the history
    assert "10.09.2025" in content  # the previous appointment ended on the new start date
    assert world.teacher_person.full_name in content
    assert "6 «Б»" in content


def test_people_directory_does_not_grow_with_rows(world, client_for):
    client = client_for(world.methodologist)
    f.PersonFactory.create_batch(3, school=world.school)
    few, _ = get_counting_queries(client, reverse("associations:people"))
    f.PersonFactory.create_batch(30, school=world.other_school)
    many, response = get_counting_queries(client, reverse("associations:people"))
    assert many == few
    assert "педагогов" in response.content.decode() or "педагога" in response.content.decode()


def test_people_directory_searches_by_name(world, client_for):
    content = client_for(world.methodologist).get(
        reverse("associations:people"), {"q": "Соколова"}
    ).content.decode()
    assert world.teacher_person.full_name in content
    assert world.head_person.full_name not in content


def test_people_directory_pages_keep_the_filter(world, client_for):
    f.PersonFactory.create_batch(55, school=world.school)
    client = client_for(world.methodologist)
    first = client.get(reverse("associations:people"), {"school": world.school.pk}).content.decode()
    assert f'href="?school={world.school.pk}&amp;page=2"' in first
    assert "1 из 2" in first and "Назад" not in first
    second = client.get(reverse("associations:people"), {"school": world.school.pk, "page": 2}).content.decode()
    assert f'href="?school={world.school.pk}&amp;page=1"' in second
    assert "2 из 2" in second and "Дальше" not in second


def test_home_page_per_role(world, client_for):
    teacher_home = client_for(world.teacher).get(reverse("home")).content.decode()
    assert "6 «Б»" in teacher_home
    assert world.mo.name in teacher_home
    assert world.other_mo.name not in teacher_home

    methodologist_home = client_for(world.methodologist).get(reverse("home")).content.decode()
    assert "Методические объединения района" in methodologist_home
    assert world.other_mo.name in methodologist_home
    assert world.head_person.short_name in methodologist_home


def test_pages_are_russian_and_carry_a_csp_without_inline_script(world, client_for):
    response = client_for(world.methodologist).get(reverse("associations:list"))
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    content = response.content.decode()
    assert '<html lang="ru">' in content
    assert "<script>" not in content
    assert "cdn" not in content.lower()
