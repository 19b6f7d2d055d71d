"""A card's files are served only through its views, after the card's access rule: as an
attachment with nosniff and a safe name, a photo's thumbnail inline; an outsider gets 404 for
each file of a card they do not see, whatever the file's id."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from meetings.bank.models import Material
from tests import factories as f
from tests.factories import TINY_PDF, png_bytes
from tests.helpers import login


@pytest.fixture
def cards(world):
    teacher = world.teacher_person
    draft = f.MaterialFactory(owner=teacher, visibility=Material.Visibility.DRAFT)
    school = f.MaterialFactory(owner=teacher, visibility=Material.Visibility.SCHOOL)
    return {
        "draft": f.MaterialFileFactory(material=draft, file=f.StoredFileFactory(original_name="Черновик.pdf")),
        "scenario": f.MaterialFileFactory(material=school, file=f.StoredFileFactory(
            original_name='Сценарий "Родина"\u202e.pdf',
        )),
        "photo": f.MaterialFileFactory(material=school, kind="photo", file=f.StoredFileFactory(
            original_name="Фото.png", type="png", content=png_bytes(900, 600),
        )),
    }


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_a_file_is_downloaded_as_an_attachment(world, cards):
    response = login(world.deputy).get(reverse("meetings:material_file", args=[cards["scenario"].pk]))
    assert response.status_code == 200
    assert _body(response) == TINY_PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\u202e" not in disposition and '"Родина"' not in disposition


def test_a_photo_has_a_bounded_thumbnail(world, cards):
    response = login(world.teacher).get(reverse("meetings:material_thumbnail", args=[cards["photo"].pk]))
    assert response.status_code == 200
    with Image.open(io.BytesIO(response.content)) as image:
        assert image.format == "PNG" and max(image.size) < 900
    assert response["Content-Disposition"].startswith("inline;")
    assert login(world.teacher).get(
        reverse("meetings:material_thumbnail", args=[cards["scenario"].pk])
    ).status_code == 404  # not an image


@pytest.mark.parametrize("name", ["draft", "scenario", "photo"])
def test_outsiders_get_404_for_each_file(world, cards, name):
    """The draft's file is its owner's; the school card's files are the school's and the district
    methodologist's: the other school's deputy and another district's methodologist get 404."""
    row = cards[name]
    outsiders = [world.other_deputy, world.other_district_methodologist, world.outsider]
    if name == "draft":
        outsiders += [world.head, world.deputy, world.methodologist]
    for user in outsiders:
        client = login(user)
        for url_name in ("meetings:material_file", "meetings:material_thumbnail"):
            assert client.get(reverse(url_name, args=[row.pk])).status_code == 404, (user, url_name)
        assert client.post(reverse("meetings:material_file_delete", args=[row.pk])).status_code == 404
    assert login(world.teacher).get(reverse("meetings:material_file", args=[row.pk])).status_code == 200


def test_unknown_or_malformed_file_ids_are_404(world, cards):
    client = login(world.teacher)
    assert client.get(reverse("meetings:material_file", args=[999_999])).status_code == 404
    assert client.get("/meetings/bank/files/abc/").status_code == 404


def test_a_file_delete_is_a_post(world, cards):
    url = reverse("meetings:material_file_delete", args=[cards["scenario"].pk])
    assert login(world.teacher).get(url).status_code == 405
    assert Material.objects.get(pk=cards["scenario"].material_id).files.count() == 2
