"""The data bank's card: added by a teacher with its classes, authors and files; edited by its
writers with the version check; published to the district by the school's МО head; deleted with
its files. Refused input is answered in Russian next to its field, with everything typed kept
and nothing stored. The card page reads a fixed number of queries whatever its files, authors
and classes. Who may open what is the access matrix's (tests/test_access_matrix.py); here, what
each page shows to whom."""

from __future__ import annotations

import re

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from associations.models import Appointment, StaffDistrict, StoredFile
from meetings.bank import services
from meetings.bank.models import MAX_AUTHORS, MAX_FILES, EventForm, Material, MaterialFile, UpbringingDirection
from tests import factories as f
from tests.factories import TINY_PDF, TINY_PNG
from tests.helpers import form_data, login, material_form, messages_of


def _blobs() -> set[str]:
    """Every name in the (in-memory) storage's files/ tree."""
    names: set[str] = set()

    def walk(path: str) -> None:
        if not default_storage.exists(path):
            return
        folders, files = default_storage.listdir(path)
        names.update(f"{path}/{name}" for name in files)
        for folder in folders:
            walk(f"{path}/{folder}")

    walk("files")
    return names


def _pdf(name: str = "Сценарий.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, TINY_PDF, content_type="application/pdf")


def _png(name: str = "Фото.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, TINY_PNG, content_type="image/png")


def _body(world, files=(), **values) -> dict:
    return material_form(world, files, **values)


@pytest.fixture
def references(db):
    """The reference lists the bodies name (the migration seeds them; a flush may not)."""
    EventForm.objects.get_or_create(name="Классный час")
    UpbringingDirection.objects.get_or_create(name="Патриотическое воспитание")


# --- adding a card ---------------------------------------------------------------------------------


def test_a_teacher_adds_a_card_with_files(world, references):
    client = login(world.teacher)
    assert client.get(reverse("meetings:material_create")).status_code == 200
    response = client.post(
        reverse("meetings:material_create"),
        _body(world, files=[("scenario", _pdf()), ("photo", _png())]),
    )
    material = Material.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:material", args=[material.pk])
    assert material.owner == world.teacher_person
    assert (material.school, material.district) == (world.school, world.district)
    assert material.academic_year == world.year
    assert material.version == 1 and material.published_by is None
    assert sorted(material.grades.values_list("grade", flat=True)) == [5, 6]
    assert list(material.authors.all()) == [world.teacher_person]  # none chosen: the owner
    kinds = {row.kind: row.file for row in material.files.select_related("file")}
    assert set(kinds) == {"scenario", "photo"}
    assert kinds["photo"].type == "png" and kinds["scenario"].original_name == "Сценарий.pdf"
    assert {row.file.storage_name for row in material.files.all()} <= _blobs()
    assert " родин " in material.search_stems  # the search index was refreshed on save

    page = client.get(response["Location"]).content.decode()
    assert "Классный час «Моя Родина — Россия»" in page
    assert reverse("meetings:material_thumbnail", args=[MaterialFile.objects.get(kind="photo").pk]) in page


def test_without_a_date_the_card_is_of_the_current_year(world, references):
    login(world.teacher).post(reverse("meetings:material_create"), _body(world, held_on=""))
    material = Material.objects.get()
    assert material.held_on is None
    assert material.academic_year == world.year


def test_authors_are_the_schools_people(world, references):
    colleague = f.PersonFactory(school=world.school, last_name="Коллегина")
    stranger = f.PersonFactory(school=world.other_school, last_name="Чужакова")
    client = login(world.teacher)
    response = client.post(reverse("meetings:material_create"), _body(world, authors=[stranger.pk]))
    assert response.status_code == 200
    assert "Авторы — педагоги школы карточки" in response.content.decode()
    assert not Material.objects.exists()

    client.post(reverse("meetings:material_create"), _body(world, authors=[world.teacher_person.pk, colleague.pk]))
    assert set(Material.objects.get().authors.all()) == {world.teacher_person, colleague}


def test_at_most_max_authors(world, references):
    people = [f.PersonFactory(school=world.school, last_name=f"Автор{i}") for i in range(MAX_AUTHORS + 1)]
    response = login(world.teacher).post(
        reverse("meetings:material_create"), _body(world, authors=[p.pk for p in people])
    )
    assert response.status_code == 200
    assert f"не больше {MAX_AUTHORS} авторов" in response.content.decode()
    assert not Material.objects.exists()


@pytest.mark.parametrize(("values", "message"), [
    ({"title": ""}, "Укажите название мероприятия."),
    ({"title": "Я" * 301}, "Название — не больше 300 знаков (сейчас 301)."),
    ({"grades": []}, "Отметьте хотя бы один класс."),
    ({"grades": ["12"]}, "Классы — с 1 по 11."),
    ({"held_on": "31.02.2025"}, "Укажите дату в виде ДД.ММ.ГГГГ."),
    ({"form": ""}, "Выберите форму мероприятия."),
    ({"direction": "999999"}, "Выберите направление воспитания из списка."),
    ({"goal": "ц" * 1001}, "Не больше 1000 знаков (сейчас 1001)."),
    ({"visibility": "everyone"}, "Выберите, кому видна карточка, из списка."),
])
def test_bad_input_is_answered_in_russian_and_kept(world, references, values, message):
    response = login(world.teacher).post(
        reverse("meetings:material_create"), _body(world, **{"description": "Мой подробный текст", **values}),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Мой подробный текст" in page  # what was typed is kept
    assert "Карточка не сохранена" in " ".join(messages_of(response))
    assert not Material.objects.exists()


def test_a_held_date_of_a_year_not_in_the_portal(world, references):
    response = login(world.teacher).post(reverse("meetings:material_create"), _body(world, held_on="1990-10-01"))
    assert response.status_code == 200
    assert "1990/1991 учебный год не заведён в портале" in response.content.decode()


def test_a_login_with_no_person_adds_no_card(world, references):
    """Staff and the superuser (no person) get 403; a login with no role at all 404."""
    staff = f.UserFactory(username="otdel", is_staff=True)
    StaffDistrict.objects.create(user=staff, district=world.district)
    assert login(staff).get(reverse("meetings:material_create")).status_code == 403
    assert login(world.admin).get(reverse("meetings:material_create")).status_code == 403
    assert login(world.outsider).get(reverse("meetings:material_create")).status_code == 404
    assert login(world.admin).post(reverse("meetings:material_create"), _body(world)).status_code == 403
    assert not Material.objects.exists()


def test_a_methodologists_card_has_no_school(world, references):
    """The district's methodologist (no school) adds a district card or a draft; «моя школа» is
    not offered, and refused when posted."""
    client = login(world.methodologist)
    page = client.get(reverse("meetings:material_create")).content.decode()
    assert re.findall(r'name="visibility" value="(\w+)"', page) == ["draft", "district"]
    response = client.post(reverse("meetings:material_create"), _body(world, visibility="school"))
    assert response.status_code == 200 and not Material.objects.exists()
    client.post(reverse("meetings:material_create"), _body(world, visibility="district"))
    material = Material.objects.get()
    assert material.school is None and material.district == world.district
    assert material.published_by == world.methodologist
    assert list(material.authors.all()) == [world.methodologist.person]


# --- files: limits, refusals --------------------------------------------------------------------------


def test_a_refused_file_stores_nothing_and_keeps_the_typed_fields(world, references):
    before = _blobs()
    exe = SimpleUploadedFile("Сценарий.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    response = login(world.teacher).post(
        reverse("meetings:material_create"),
        _body(world, title="Урок мужества", files=[("scenario", _pdf("Хороший.pdf")), ("development", exe)]),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'value="Урок мужества"' in page  # the title kept
    error = re.search(r'id="id_files-1-file_error"[^>]*>(.*?)</div>', page, re.S)
    assert error and "Файл «Сценарий.pdf» — не PDF" in error.group(1)  # next to its input
    assert "Выбранные файлы не сохранены: выберите их ещё раз." in messages_of(response)
    assert not Material.objects.exists()
    assert not StoredFile.objects.exists()
    assert _blobs() == before


def test_a_file_refused_after_another_was_stored_rolls_the_blob_back(world, references):
    """A «фото» that is a PDF passes the form (any type) and is refused by the service (images
    only) after the first file was stored: the first blob goes too."""
    before = _blobs()
    response = login(world.teacher).post(
        reverse("meetings:material_create"),
        _body(world, title="Урок мужества", files=[("scenario", _pdf()), ("photo", _pdf("Снимок.pdf"))]),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Снимок.pdf" in page and 'value="Урок мужества"' in page
    assert not Material.objects.exists()
    assert not StoredFile.objects.exists()
    assert _blobs() == before


def test_the_card_holds_at_most_100_mb(world, references):
    material = f.MaterialFactory(owner=world.teacher_person)
    f.MaterialFileFactory(material=material, file=f.StoredFileFactory(size=99 * 1024 * 1024))
    two_mb = SimpleUploadedFile(
        "Большой.pdf", TINY_PDF + b"0" * (2 * 1024 * 1024) + b"\n%%EOF\n", content_type="application/pdf"
    )
    client = login(world.teacher)
    body = form_data(client.get(reverse("meetings:material_edit", args=[material.pk])), "material-form")
    body.update({"title": "Изменённое название", "files-0-kind": "development", "files-0-file": two_mb})
    response = client.post(reverse("meetings:material_edit", args=[material.pk]), body)
    assert response.status_code == 200
    page = response.content.decode()
    assert "не больше 100 МБ вместе" in page
    assert 'value="Изменённое название"' in page
    material.refresh_from_db()
    assert material.title != "Изменённое название" and material.files.count() == 1
    assert StoredFile.objects.count() == 1


def test_the_card_holds_at_most_max_files(world, references):
    material = f.MaterialFactory(owner=world.teacher_person)
    for _ in range(MAX_FILES - 1):
        f.MaterialFileFactory(material=material)
    client = login(world.teacher)
    page = client.get(reverse("meetings:material_edit", args=[material.pk]))
    assert page.content.decode().count('data-testid="file-row"') == 1  # room for one more
    errors = services.material_files_errors(material=material, files=[("scenario", _pdf()), ("scenario", _pdf())])
    assert list(errors) == [1]
    assert f"не больше {MAX_FILES} файлов" in errors[1]


# --- editing: the version check ---------------------------------------------------------------------


def test_a_stale_save_shows_the_conflict_and_keeps_what_was_typed(world, references):
    material = f.MaterialFactory(owner=world.teacher_person, title="Классный час о Родине")
    teacher, head = login(world.teacher), login(world.head)
    url = reverse("meetings:material_edit", args=[material.pk])
    mine = form_data(teacher.get(url), "material-form")
    theirs = form_data(head.get(url), "material-form")

    mine["title"] = "Классный час о малой родине"
    assert teacher.post(url, mine).status_code == 302
    theirs["title"] = "Классный час «Наша Родина»"
    response = head.post(url, theirs)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="conflict"' in page
    assert "Карточку уже изменил другой пользователь" in page
    assert 'value="Классный час «Наша Родина»"' in page  # what the head typed
    material.refresh_from_db()
    assert material.title == "Классный час о малой родине" and material.version == 2

    again = form_data(response, "material-form")  # the page carries the new version
    assert head.post(url, again).status_code == 302
    material.refresh_from_db()
    assert material.title == "Классный час «Наша Родина»" and material.version == 3


def test_another_editor_may_not_make_the_card_a_draft(world, references):
    material = f.MaterialFactory(owner=world.teacher_person)
    url = reverse("meetings:material_edit", args=[material.pk])
    head = login(world.head)
    body = form_data(head.get(url), "material-form")
    assert 'value="draft"' not in head.get(url).content.decode()
    body["visibility"] = "draft"
    assert head.post(url, body).status_code == 200
    material.refresh_from_db()
    assert material.visibility == "school"
    with pytest.raises(services.ValidationError, match="только тот, кто её добавил"):
        services.material_save(
            material=material, user=world.head, version=material.version, values={"visibility": "draft"},
            grades=[5], authors=[], files=[],
        )


def test_links_to_a_meeting_and_a_plan_item_of_the_school(world, references):
    meeting = f.MeetingFactory(association=world.mo, academic_year=world.year, theme="Открытый классный час")
    foreign = f.MeetingFactory(association=world.other_mo, academic_year=world.year, theme="Соседское заседание")
    plan = f.plan_with_items(world.mo, world.year, n_items=2, status="approved", responsible=[world.head_person])
    item = plan.items.order_by("position").first()
    client = login(world.teacher)
    page = client.get(reverse("meetings:material_create")).content.decode()
    assert "Открытый классный час" in page and "Соседское заседание" not in page

    response = client.post(reverse("meetings:material_create"), _body(world, meeting=foreign.pk))
    assert response.status_code == 200 and "Выберите заседание из списка." in response.content.decode()
    response = client.post(reverse("meetings:material_create"), _body(world, meeting=meeting.pk, plan_item=item.pk))
    material = Material.objects.get()
    assert (material.meeting, material.plan_item) == (meeting, item)
    card = client.get(response["Location"]).content.decode()
    assert reverse("meetings:meeting", args=[meeting.pk]) in card
    assert reverse("associations:plan", args=[plan.pk]) in card


def test_a_district_card_names_a_school_meeting_and_plan_item_only_to_those_who_see_them(world, references):
    """A district card reaches every school: the school МО's meeting and plan it links to stay the
    school's (the other school's deputy reads the card, not the meeting's theme or the item)."""
    meeting = f.MeetingFactory(association=world.mo, academic_year=world.year, theme="Секретная тема МО")
    plan = f.plan_with_items(world.mo, world.year, n_items=1, status="draft", responsible=[world.head_person])
    item = plan.items.get()
    material = f.MaterialFactory(owner=world.teacher_person, visibility="district", meeting=meeting, plan_item=item)
    url = reverse("meetings:material", args=[material.pk])
    own = login(world.head).get(url).content.decode()
    assert "Секретная тема МО" in own and 'data-testid="plan-item"' in own
    other = login(world.other_deputy).get(url)
    assert other.status_code == 200
    page = other.content.decode()
    assert "Секретная тема МО" not in page and 'data-testid="meeting"' not in page
    assert 'data-testid="plan-item"' not in page and item.content[:40] not in page


def test_a_retired_form_stays_on_its_card_and_is_not_offered_to_new_ones(world, references):
    retired = EventForm.objects.create(name="Линейка (устарело)", is_active=False)
    material = f.MaterialFactory(owner=world.teacher_person, form=retired)
    client = login(world.teacher)
    assert "Линейка (устарело)" not in client.get(reverse("meetings:material_create")).content.decode()
    edit = client.get(reverse("meetings:material_edit", args=[material.pk]))
    assert "Линейка (устарело)" in edit.content.decode()
    saved = client.post(reverse("meetings:material_edit", args=[material.pk]), form_data(edit, "material-form"))
    assert saved.status_code == 302


# --- publishing ------------------------------------------------------------------------------------------


def test_the_school_mo_head_publishes_a_school_card(world, references):
    material = f.MaterialFactory(owner=world.teacher_person, visibility="school")
    url = reverse("meetings:material_publish", args=[material.pk])
    for user in (world.teacher, world.deputy):
        assert login(user).post(url).status_code == 403
    assert login(world.other_deputy).post(url).status_code == 404
    material.refresh_from_db()
    assert material.visibility == "school"

    response = login(world.head).post(url)
    assert response.status_code == 302
    material.refresh_from_db()
    assert material.visibility == "district" and material.published_by == world.head
    assert material.version == 2  # an editor open meanwhile meets a conflict
    assert login(world.other_deputy).get(reverse("meetings:material", args=[material.pk])).status_code == 200
    assert "Карточка уже видна всему району." in messages_of(login(world.head).post(url, follow=True))


def test_the_publish_button_is_the_publishers(world, references):
    material = f.MaterialFactory(owner=world.teacher_person, visibility="school")
    url = reverse("meetings:material", args=[material.pk])
    shown = {
        name: 'data-testid="material-publish"' in login(user).get(url).content.decode()
        for name, user in (("teacher", world.teacher), ("head", world.head), ("deputy", world.deputy),
                           ("methodologist", world.methodologist))
    }
    assert shown == {"teacher": False, "head": True, "deputy": False, "methodologist": True}


def test_a_head_of_another_schools_mo_does_not_publish(world, references):
    other_head = f.UserFactory(username="head2")
    person = f.PersonFactory(user=other_head, school=world.other_school)
    f.AppointmentFactory(association=world.other_mo, person=person, role=Appointment.Role.HEAD,
                         order_date=world.year.starts_on)
    material = f.MaterialFactory(owner=world.teacher_person, visibility="school")
    assert login(other_head).post(reverse("meetings:material_publish", args=[material.pk])).status_code == 404


# --- what the card page shows to whom -----------------------------------------------------------------


def test_the_card_page_shows_the_writers_buttons_to_the_writers_only(world, references):
    material = f.MaterialFactory(owner=world.teacher_person, visibility="school", goal="Цель для проверки")
    f.MaterialFileFactory(material=material)
    url = reverse("meetings:material", args=[material.pk])
    for user, writes in ((world.teacher, True), (world.head, True), (world.methodologist, True),
                         (world.deputy, False)):
        page = login(user).get(url).content.decode()
        assert "Цель для проверки" in page
        assert ('data-testid="file-delete"' in page) is writes, user
        assert (reverse("meetings:material_edit", args=[material.pk]) in page) is writes, user
    assert login(world.other_deputy).get(url).status_code == 404


def test_the_card_page_shows_each_file_with_its_kind_size_and_type(world, references):
    material = f.MaterialFactory(owner=world.teacher_person)
    f.MaterialFileFactory(material=material, kind="presentation", file=f.StoredFileFactory(
        original_name="Презентация.pptx", type="pptx", size=1_258_291,
    ))
    page = login(world.teacher).get(reverse("meetings:material", args=[material.pk])).content.decode()
    assert "Презентация.pptx" in page
    assert "Презентация · PPTX · 1,2\xa0МБ" in page


def test_the_card_page_reads_a_fixed_number_of_queries(world, references, django_assert_num_queries):
    small = f.MaterialFactory(owner=world.teacher_person, grades=[5])
    f.MaterialFileFactory(material=small)
    people = [f.PersonFactory(school=world.school, last_name=f"Автор{i}") for i in range(6)]
    big = f.MaterialFactory(owner=world.teacher_person, grades=list(range(1, 12)), authors=people)
    for _ in range(6):
        f.MaterialFileFactory(material=big, kind="photo", file=f.StoredFileFactory(type="png", content=TINY_PNG))
    client = login(world.teacher)
    client.get(reverse("meetings:material", args=[small.pk]))  # the session's first read
    # session, user; the roles (person, appointments); the card with its lists, school, owner and
    # links; its authors, classes, files (with the stored files)
    for material in (small, big):
        with django_assert_num_queries(8):
            response = client.get(reverse("meetings:material", args=[material.pk]))
        assert response.status_code == 200


# --- deleting ---------------------------------------------------------------------------------------------


def test_deleting_a_card_deletes_its_files(world, references, django_capture_on_commit_callbacks):
    before = _blobs()
    client = login(world.teacher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meetings:material_create"), _body(world, files=[("scenario", _pdf())]))
    material = Material.objects.get()
    url = reverse("meetings:material_delete", args=[material.pk])
    page = client.get(url).content.decode()
    assert "Удалить карточку?" in page and "1 файл" in page
    assert login(world.deputy).post(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response["Location"] == reverse("meetings:materials")
    assert not Material.objects.exists() and not MaterialFile.objects.exists() and not StoredFile.objects.exists()
    assert _blobs() == before


def test_deleting_one_file(world, references, django_capture_on_commit_callbacks):
    material = f.MaterialFactory(owner=world.teacher_person)
    kept, gone = f.MaterialFileFactory(material=material), f.MaterialFileFactory(material=material)
    blob = gone.file.storage_name
    url = reverse("meetings:material_file_delete", args=[gone.pk])
    assert login(world.deputy).post(url).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.head).post(url)
    assert response["Location"] == reverse("meetings:material", args=[material.pk])
    assert list(material.files.all()) == [kept]
    assert not StoredFile.objects.filter(pk=gone.file_id).exists()
    assert not default_storage.exists(blob)
    # An editor opened before the removal meets a conflict rather than missing it.
    assert Material.objects.get(pk=material.pk).version == material.version + 1


# --- the navigation and the home page ------------------------------------------------------------------


def test_the_bank_is_in_the_navigation_of_everyone_who_reaches_it(world, references):
    f.MaterialFactory(owner=world.teacher_person, visibility="draft")
    for user, shown in ((world.teacher, True), (world.other_district_methodologist, True), (world.admin, True),
                        (world.outsider, False)):
        page = login(user).get(reverse("home")).content.decode()
        assert ('data-testid="nav-bank"' in page) is shown, user
    assert 'data-testid="home-bank-drafts"' in login(world.teacher).get(reverse("home")).content.decode()
    assert 'data-testid="home-bank-drafts"' not in login(world.head).get(reverse("home")).content.decode()


@pytest.mark.parametrize(("name", "content", "message"), [
    ("Сценарий.pdf", b"<!DOCTYPE html><html><body>x</body></html>", "Файл «Сценарий.pdf»"),
    ("Большой.pdf", TINY_PDF + b"0" * (20 * 1024 * 1024 + 1), "20 МБ"),
])
def test_the_card_refuses_what_the_file_module_refuses(world, references, name, content, message):
    before = _blobs()
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")
    response = login(world.teacher).post(
        reverse("meetings:material_create"), _body(world, title="Урок мужества", files=[("scenario", upload)]),
    )
    assert response.status_code == 200
    error = re.search(r'id="id_files-0-file_error"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    assert error and message in error.group(1)
    assert 'value="Урок мужества"' in response.content.decode()
    assert not Material.objects.exists() and not StoredFile.objects.exists()
    assert _blobs() == before


def test_a_path_in_a_files_name_is_neutralised(world, references):
    login(world.teacher).post(
        reverse("meetings:material_create"), _body(world, files=[("scenario", _pdf("../../x.pdf"))]),
    )
    stored = Material.objects.get().files.get().file
    assert stored.original_name == "x.pdf"
    assert "x.pdf" not in stored.storage_name and ".." not in stored.storage_name
