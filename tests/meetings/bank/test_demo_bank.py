"""The demo's data bank (`rmo_portal.demo.bank`): sixty cards of the demo district with real files
stored as an upload stores them, found by the search on the database in use, and a second load
that changes nothing.

The demo is loaded once for the class (seconds), in a transaction rolled back after it.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from associations import access
from associations.files.services import checked_bytes
from associations.models import AcademicYear, District, Person, StoredFile
from meetings.bank.models import Material, MaterialFile, MaterialGrade, UpbringingDirection
from meetings.bank.search import material_search
from meetings.models import Meeting
from rmo_portal.demo import bank as demo_bank
from tests.helpers import load_demo as load

pytestmark = pytest.mark.django_db






@pytest.fixture
def district(demo_loaded_once) -> District:
    return District.objects.get(slug="zarechny")


def user(username: str):
    return get_user_model().objects.get(username=username)


def found(username: str, query: str) -> list[str]:
    """The titles the bank's search gives the user for the query string (every page)."""
    titles = []
    params = QueryDict(query, mutable=True)
    number = 1
    while True:
        params["page"] = str(number)
        result = material_search(user=user(username), params=params)
        titles += [m.title for m in result.materials]
        if not result.page.has_next():
            return titles
        number += 1


def bank_counts() -> dict[str, int]:
    return {
        "materials": Material.objects.count(),
        "history": Material.history.count(),
        "grades": MaterialGrade.objects.count(),
        "authors": Material.authors.through.objects.count(),
        "files": MaterialFile.objects.count(),
        "stored": StoredFile.objects.count(),
    }


class TestTheDemoBank:
    def test_sixty_cards_of_the_district_each_with_files(self, district):
        materials = Material.objects.filter(district=district).select_related("owner", "school", "academic_year")
        assert materials.count() == len(demo_bank.CARDS) == 60
        assert len({m.title for m in materials}) == 60
        today = timezone.localdate()
        for material in materials.prefetch_related("grades", "authors", "files"):
            material.full_clean()
            assert material.files.exists(), material.title
            assert material.grades.exists(), material.title
            assert material.owner in material.authors.all()
            assert material.held_on is None or material.held_on <= today
            assert material.search_stems.strip(), material.title  # indexed
            if material.school_id is None:
                assert material.owner.position == Person.Position.METHODIST
            else:
                assert material.owner.school_id == material.school_id
        schools = Counter(materials.values_list("school__short_name", flat=True))
        assert len([s for s in schools if s]) == 6 and schools[None] >= 3
        visibility = Counter(materials.values_list("visibility", flat=True))
        assert visibility[Material.Visibility.DISTRICT] > visibility[Material.Visibility.SCHOOL] > 0
        assert visibility[Material.Visibility.DRAFT] >= 3
        years = set(materials.values_list("academic_year__start_year", flat=True))
        start = AcademicYear.start_year_for(today)
        assert {start - 1} <= years <= {start - 1, start}  # last year's, and this year's once it has begun
        if today >= datetime.date(start, 9, 15):
            assert start in years
        # The demo logins own some, uchitel1 a draft among them.
        mine = materials.filter(owner__user__username="uchitel1")
        assert mine.count() >= 2 and mine.filter(visibility=Material.Visibility.DRAFT).exists()
        assert materials.filter(owner__user__username="sekretar1").exists()
        assert materials.filter(published_by__username="rukovoditel2", visibility=Material.Visibility.DISTRICT)

    def test_the_files_are_what_an_upload_stores(self, district):
        files = MaterialFile.objects.filter(material__district=district).select_related("file")
        types = Counter()
        blobs = set()
        for row in files:
            stored = row.file
            with default_storage.open(stored.storage_name) as blob:
                content = blob.read()
            assert len(content) == stored.size
            assert hashlib.sha256(content).hexdigest() == stored.sha256
            assert checked_bytes(content, name=stored.original_name).type == stored.type
            assert stored.original_name.endswith(f".{stored.type}")
            types[stored.type] += 1
            blobs.add(stored.storage_name)
            if stored.type == StoredFile.Type.PDF:
                assert content.startswith(b"%PDF")
            elif stored.type == StoredFile.Type.DOCX:
                with zipfile.ZipFile(io.BytesIO(content)) as archive:
                    assert row.material.title.encode() in archive.read("word/document.xml")
            else:
                assert Image.open(io.BytesIO(content)).size == (640, 400)
        assert len(blobs) == files.count()  # every file row its own blob
        assert types[StoredFile.Type.PDF] and types[StoredFile.Type.DOCX] and types[StoredFile.Type.PNG]
        kinds = set(files.values_list("kind", flat=True))
        assert {MaterialFile.Kind.SCENARIO, MaterialFile.Kind.DEVELOPMENT, MaterialFile.Kind.PHOTO} <= kinds

    def test_open_events_are_linked_to_their_held_meetings(self, district):
        linked = Material.objects.filter(district=district, meeting__isnull=False).select_related("meeting")
        assert linked.exists()  # at least МБОУ «СОШ № 2»'s October open class hour is held by December
        for material in linked:
            assert material.is_open_event
            assert material.meeting.kind == Meeting.Kind.OPEN_EVENT
            assert material.meeting.association.school_id == material.school_id
            if material.meeting.status == Meeting.Status.HELD:
                assert material.held_on == timezone.localdate(material.meeting.starts_at)
            else:
                assert material.held_on is None

    def test_the_search_finds_the_cards_by_another_word_form(self, district):
        # «Моя Родина — Россия», its description «Классный час о Родине…».
        assert "Моя Родина — Россия" in found("zavuch2", "q=родины")
        assert "Моя Родина — Россия" in found("zavuch2", "q=классные+часы+о+родине")
        # «Экологическая экскурсия в лесопарк…», another school's card for the whole district.
        assert "Осенний лес" in found("uchitel1", "q=экскурсии")
        assert "Осенний лес" in found("uchitel1", "q=ЭКСКУРСИЯ+лесопарк")
        # ё and е alike: «…о Ломоносове, Менделееве, Павлове, Королёве».
        assert "Что? Где? Когда? История российской науки" in found("uchitel1", "q=королеве")

    def test_the_direction_facet(self, district):
        patriotic = UpbringingDirection.objects.get(name=demo_bank.PATRIOTIC)
        titles = found("zavuch2", f"direction={patriotic.pk}")
        visible = access.visible(user("zavuch2"), "material", Material.objects.filter(direction=patriotic))
        assert sorted(titles) == sorted(visible.values_list("title", flat=True))
        assert "Моя Родина — Россия" in titles and "Осенний лес" not in titles

    def test_drafts_and_school_cards_stay_where_they_belong(self, district):
        draft = Material.objects.get(owner__user__username="uchitel1", visibility=Material.Visibility.DRAFT)
        school_card = Material.objects.filter(
            visibility=Material.Visibility.SCHOOL, school__short_name=demo_bank.SCHOOL1
        ).first()
        assert draft.title in found("uchitel1", "")
        assert draft.title not in found("rukovoditel1", "")  # her МО head does not see her draft
        assert school_card.title in found("uchitel1", "")
        assert school_card.title not in found("zavuch2", "")  # another school
        assert school_card.title in found("metodist", "")  # the district's methodologist

    def test_the_pages_answer(self, district, client):
        client.force_login(user("uchitel1"))
        response = client.get(reverse("meetings:materials"), {"q": "родине"})
        assert response.status_code == 200
        assert "Моя" in response.content.decode()
        material = Material.objects.get(title="Россия — мои горизонты: профессии моего края")
        response = client.get(reverse("meetings:material", args=[material.pk]))
        assert response.status_code == 200
        for row in material.files.all():
            response = client.get(reverse("meetings:material_file", args=[row.pk]))
            assert response.status_code == 200
            assert hashlib.sha256(b"".join(response.streaming_content)).hexdigest() == row.file.sha256

    def test_a_second_run_changes_nothing(self, district):
        before = bank_counts()
        versions = dict(Material.objects.values_list("pk", "version"))
        output = load()
        assert bank_counts() == before
        assert dict(Material.objects.values_list("pk", "version")) == versions
        assert "Банк данных воспитательных мероприятий: материалов — 60" in output
