"""«Методическая работа» in the navigation: every user with a person reaches the records' lists
(their own records at least); the overviews of others' records, the acknowledgments and the
district stage's table only those whose pages answer them; each menu link opens."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.helpers import login

OVERVIEWS = ("associations:attestation_overview", "associations:courses_overview")
LISTS = (
    "associations:contests", "associations:attestations", "associations:courses", "associations:visits",
    "associations:consultations", "associations:nominations",
)


def _menu(response) -> list[str]:
    text = response.content.decode()
    match = re.search(r'data-testid="records-menu">(.*?)</ul>', text, re.S)
    return re.findall(r'href="([^"]+)"', match.group(1)) if match else []


def test_a_teacher_gets_the_lists_and_their_own_page(world):
    client = login(world.teacher)
    home = client.get(reverse("home"))
    links = _menu(home)
    assert links == [reverse(name) for name in LISTS]
    assert reverse("associations:person", args=[world.teacher_person.pk]) in home.content.decode()
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_methodologist_gets_the_overviews_and_the_district_table(world):
    client = login(world.methodologist)
    links = _menu(client.get(reverse("home")))
    for name in (*LISTS, *OVERVIEWS, "associations:acknowledgments", "associations:contest_results"):
        assert reverse(name) in links, name
    for link in links:
        assert client.get(link).status_code == 200, link


def test_the_head_gets_the_overviews_but_not_the_acknowledgments(world):
    client = login(world.head)
    links = _menu(client.get(reverse("home")))
    assert all(reverse(name) in links for name in OVERVIEWS)
    assert reverse("associations:acknowledgments") not in links
    assert reverse("associations:contest_results") not in links
    for link in links:
        assert client.get(link).status_code == 200, link


def test_a_login_without_a_person_has_no_records_menu(world):
    assert _menu(login(world.outsider).get(reverse("home"))) == []
