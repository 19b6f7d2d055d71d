"""The bench data set's data bank (`rmo_portal.demo.bench._build_bank`): written in bulk, yet
valid as the card service would write it and indexed for the search; and the bank's pages and
the 20 MB upload in the bench's table (`manage.py bench`), the upload run here at a tiny size.

The small data set is built once for the module (seconds: bulk_create) in a transaction rolled
back after it.
"""

from __future__ import annotations

import hashlib
from collections import Counter

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from meetings.bank.models import Material, MaterialFile, MaterialGrade
from meetings.bank.search import material_search
from rmo_portal.demo import bench as benchdata
from rmo_portal.management.commands.bench import UPLOAD_NAME, Command

pytestmark = pytest.mark.django_db

BANK_PAGES = {"meetings:materials", "meetings:material"}




def test_the_materials_are_there_valid_and_indexed(data):
    materials = Material.objects.filter(district__in=data.districts)
    assert materials.count() == data.scale.materials
    assert not materials.filter(search_stems="").exists()  # every card indexed
    today = timezone.localdate()
    assert not materials.filter(held_on__gt=today).exists()
    for material in materials.select_related("academic_year", "owner").order_by("pk")[::25]:
        material.full_clean()  # the model's rules: the school of its district, the date in its year
        assert material.owner.school_id == material.school_id
    visibility = Counter(materials.values_list("visibility", flat=True))
    assert visibility[Material.Visibility.DISTRICT] > visibility[Material.Visibility.SCHOOL] > 0
    assert visibility[Material.Visibility.DRAFT] > 0
    assert materials.filter(school__isnull=True).exists()  # the methodologist's
    grades = MaterialGrade.objects.filter(material__in=materials)
    assert not grades.filter(grade__lt=1).exists() and not grades.filter(grade__gt=11).exists()
    assert grades.values("material").distinct().count() == materials.count()  # every card has its class
    owners = set(materials.values_list("pk", "owner"))
    assert owners <= set(Material.authors.through.objects.filter(material__in=materials)
                         .values_list("material", "person"))


def test_only_the_measured_cards_have_files_and_they_are_stored(data):
    files = MaterialFile.objects.filter(material__district__in=data.districts).select_related("file", "material")
    assert files.count() == 3 * len(data.districts)
    assert {row.material.title for row in files} == {benchdata.BANK_CARD_TITLE}
    for row in files:
        with default_storage.open(row.file.storage_name) as blob:
            assert hashlib.sha256(blob.read()).hexdigest() == row.file.sha256
    assert sorted(row.file.type for row in files.filter(material=data.bank.card)) == ["docx", "pdf", "png"]


def test_the_searched_words_find_cards(data):
    bank = data.bank
    teacher = data.teacher_user
    for params in (f"q={bank.word}", f"q={bank.phrase}", f"direction={bank.direction.pk}"):
        result = material_search(user=teacher, params=QueryDict(params))
        assert result.total > 20, params  # more than a page: the page is full in both data sets
    assert bank.card.owner.user == teacher


def test_the_bench_measures_the_bank_pages_and_compares_them(data, settings, monkeypatch):
    settings.ROOT_URLCONF = "rmo_portal.management.commands.bench"
    pages = [page for page in Command()._pages(data) if page.url]
    bank = [page for page in pages if resolve(page.url.split("?")[0]).view_name in BANK_PAGES]
    assert {resolve(page.url.split("?")[0]).view_name for page in bank} == BANK_PAGES
    assert len(bank) >= 5 and all(page.compare and page.key for page in bank)
    assert len({page.key for page in bank}) == len(bank)
    assert "bank-upload" in {page.key for page in Command()._pages(data)}
    client = Client()
    client.force_login(data.teacher_user)
    # The bench closes each response once more, as a WSGI server does: request_finished, whose
    # close_old_connections would close the connection that holds the module's transaction.
    monkeypatch.setattr(connection, "close_if_unusable_or_obsolete", lambda: None)
    for page in bank:
        queries, rows, detail = Command()._queries_and_rows(client, page)
        assert queries and rows, page.name
        if page.found_re:
            assert "found" in detail and "?" not in detail


def test_the_upload_is_measured_and_leaves_the_card_as_it_was(data):
    card = data.bank.card
    before = sorted(MaterialFile.objects.filter(material=card).values_list("pk", flat=True))
    client = Client()
    client.force_login(card.owner.user)
    size = 300 * 1024  # a tiny file: the same path as 20 MB
    row = Command()._measure_upload(client, data.bank, size=size, runs=1)
    assert row.key == "bank-upload" and row.queries and row.median_ms > 0
    traced_peak, _rss_growth, measured_size = row.memory
    assert measured_size == size and traced_peak > 0
    assert sorted(MaterialFile.objects.filter(material=card).values_list("pk", flat=True)) == before
    assert not MaterialFile.objects.filter(file__original_name=UPLOAD_NAME).exists()


def test_every_schools_year_has_an_open_events_card_whatever_the_banks_size(data):
    """The school МО's analysis counts the year's open events' cards of the school: one in twenty
    cards is one, and the first card of each school's year that is not a draft, so that the
    analysis' queries do not depend on the bank's size (issue 17: the region's bank is smaller)."""
    cards = Material.objects.filter(district__in=data.districts, school__isnull=False, is_open_event=True).exclude(
        visibility=Material.Visibility.DRAFT
    )
    opened = set(cards.values_list("school", "academic_year__start_year"))
    schools = data.scale.total_schools
    assert len(opened) == schools * data.scale.years
    assert cards.count() < Material.objects.filter(district__in=data.districts).count() / 5  # still a few
