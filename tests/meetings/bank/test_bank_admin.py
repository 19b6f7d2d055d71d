"""The data bank in the admin: the reference lists are edited there; a card is corrected there
with its history, its version raised and its search index refreshed; a deletion there removes the
card's files too. A staff user sees their district's cards as the site shows them (no drafts)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from associations.models import StaffDistrict, StoredFile
from meetings.bank.models import EventForm, Material
from tests import factories as f
from tests.helpers import form_data, login


@pytest.fixture
def staff(world):
    user = f.UserFactory(username="otdel", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["associations", "meetings"]))
    StaffDistrict.objects.create(user=user, district=world.district)
    return user


def test_a_card_corrected_in_the_admin_is_reindexed(world, staff):
    material = f.MaterialFactory(owner=world.teacher_person, title="Классный час о дружбе", visibility="school")
    f.MaterialFileFactory(material=material)
    client = login(staff)
    url = reverse("admin:meetings_material_change", args=[material.pk])
    body = form_data(client.get(url), "material_form")
    body["title"] = "Викторина о космосе"
    response = client.post(url, body)
    assert response.status_code == 302, response.content.decode()[:2000]
    material.refresh_from_db()
    assert material.title == "Викторина о космосе"
    assert material.version == 2
    assert " космос " in material.search_stems and " дружб " not in material.search_stems
    assert material.history.first().history_user == staff
    assert material.files.count() == 1  # the files are read-only here


def test_deleting_a_card_in_the_admin_removes_its_files(world, staff, django_capture_on_commit_callbacks):
    material = f.MaterialFactory(owner=world.teacher_person, visibility="school")
    f.MaterialFileFactory(material=material)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(staff).post(reverse("admin:meetings_material_delete", args=[material.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Material.objects.exists() and not StoredFile.objects.exists()


def test_the_staff_sees_their_districts_cards_but_no_drafts(world, staff):
    school = f.MaterialFactory(owner=world.teacher_person, visibility="school", title="Школьная карточка")
    draft = f.MaterialFactory(owner=world.teacher_person, visibility="draft", title="Чей-то черновик")
    far = f.MaterialFactory(
        owner=f.PersonFactory(school=world.other_district_mo.school), visibility="district", title="Далёкая карточка",
    )
    client = login(staff)
    page = client.get(reverse("admin:meetings_material_changelist")).content.decode()
    assert "Школьная карточка" in page
    assert "Чей-то черновик" not in page and "Далёкая карточка" not in page
    for hidden in (draft, far):
        assert client.get(reverse("admin:meetings_material_change", args=[hidden.pk])).status_code == 404
    assert client.get(reverse("admin:meetings_material_change", args=[school.pk])).status_code == 200


def test_the_reference_lists_are_edited_in_the_admin(world, staff):
    client = login(staff)
    response = client.post(reverse("admin:meetings_eventform_add"), {"name": "Квест", "order": "5", "is_active": "on"})
    assert response.status_code == 302
    assert EventForm.objects.filter(name="Квест", is_active=True).exists()


def test_a_renamed_direction_is_searched_by_its_new_name(world, staff):
    """The cards' search index holds the names of their form, direction and module: renaming one
    in the admin reindexes the cards that carry it, and only those."""
    from meetings.bank.models import UpbringingDirection
    from meetings.bank.search import material_index

    direction = UpbringingDirection.objects.create(name="Экологическое просвещение")
    tagged = f.MaterialFactory(owner=world.teacher_person, direction=direction, title="Акция «Чистый двор»")
    other = f.MaterialFactory(owner=world.teacher_person, title="Викторина")
    material_index([tagged, other])
    other_stems = Material.objects.get(pk=other.pk).search_stems
    client = login(staff)
    url = reverse("admin:meetings_upbringingdirection_change", args=[direction.pk])
    response = client.post(url, {"name": "Воспитание бережливости", "order": "3", "is_active": "on"})
    assert response.status_code == 302
    tagged.refresh_from_db()
    assert " бережлив " in tagged.search_stems and " просвещен " not in tagged.search_stems
    assert Material.objects.get(pk=other.pk).search_stems == other_stems


def test_the_admin_corrects_texts_only_and_never_overwrites_a_newer_card(world, staff):
    """Owner, visibility, school, authors and links are the site's (its services check them): a
    POST naming them changes nothing of them; a card saved on the site meanwhile is not
    overwritten."""
    material = f.MaterialFactory(owner=world.teacher_person, title="Классный час о дружбе", visibility="school")
    client = login(staff)
    url = reverse("admin:meetings_material_change", args=[material.pk])
    body = form_data(client.get(url), "material_form")
    assert "owner" not in body and "visibility" not in body
    other = f.PersonFactory(school=world.other_school)
    response = client.post(url, {**body, "owner": other.pk, "visibility": "draft", "title": "Новое название"})
    assert response.status_code == 302
    material.refresh_from_db()
    assert (material.owner, material.visibility, material.title) == (world.teacher_person, "school", "Новое название")

    stale = form_data(client.get(url), "material_form")
    Material.objects.filter(pk=material.pk).update(version=material.version + 1, title="Правка на сайте")
    response = client.post(url, {**stale, "title": "Правка в админке"})
    assert response.status_code == 200
    assert "Карточку изменили, пока вы её правили" in response.content.decode()
    assert Material.objects.get(pk=material.pk).title == "Правка на сайте"
