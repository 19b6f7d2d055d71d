"""A plan item's result files («результат: методическая разработка»): attached to an item of the
approved plan by those who mark its execution, shown beside the item on the plan's page,
downloaded by the plan's readers, removed (after a confirmation) by the plan's writers and by
whoever attached them; a refused file stores nothing and says why, next to the field."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from associations.models import AnnualPlan, Appointment, PlanItemFile, StoredFile
from associations.plans import services as plan_services
from associations.plans.models import ITEM_MAX_FILES
from tests import factories as f
from tests.helpers import body, count_queries, login, messages_of, stored

Status = AnnualPlan.Status
HTML_AS_PDF = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def url(name, *args):
    return reverse(f"associations:{name}", args=args)


def upload(name: str = "Разработка классного часа.pdf", content: bytes = f.TINY_PDF):
    return SimpleUploadedFile(name, content)


def post_file(client, item, *, file=None, note="методическая разработка", **kwargs):
    prefix = f"file-{item.pk}"
    return client.post(
        url("plan_item_file_add", item.pk), {f"{prefix}-file": file or upload(), f"{prefix}-note": note}, **kwargs
    )


@pytest.fixture
def approved(world):
    return f.plan_with_items(world.mo, world.year, n_items=3, status=Status.APPROVED)


@pytest.fixture
def item(approved):
    return approved.items.order_by("position").first()


# --- attaching ---------------------------------------------------------------------------------


def test_the_head_attaches_a_result_and_the_plans_readers_download_it(world, approved, item):
    client = login(world.head)

    response = post_file(client, item, follow=True)

    assert messages_of(response) == [f"Файл приложен к пункту {item.position}: «Разработка классного часа.pdf»."]
    item_file = PlanItemFile.objects.get(plan_item=item)
    assert (item_file.note, item_file.uploaded_by, item_file.file.type) == (
        "методическая разработка", world.head, StoredFile.Type.PDF,
    )
    html = response.content.decode()
    assert f'href="{url("plan_item_file", item_file.pk)}"' in html
    assert "Разработка классного часа.pdf" in html
    assert html.count('data-testid="item-file"') == 1

    for user in (world.teacher, world.deputy, world.methodologist, world.admin):
        download = login(user).get(url("plan_item_file", item_file.pk))
        assert download.status_code == 200
        assert body(download) == f.TINY_PDF
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Content-Disposition"].startswith("attachment")
    for user in (world.other_deputy, world.other_district_methodologist, world.outsider):
        assert login(user).get(url("plan_item_file", item_file.pk)).status_code == 404


def test_several_files_an_item_each_beside_its_own_item(world, approved, item):
    other = approved.items.order_by("position")[1]
    client = login(world.head)
    post_file(client, item, file=upload("Альфа.pdf"))
    post_file(client, item, file=upload("Бета.png", f.TINY_PNG), note="фото")
    post_file(client, other, file=upload("Гамма.pdf"))
    client.get(url("plan", approved.pk))  # the messages of the three uploads
    page = client.get(url("plan", approved.pk)).content.decode()
    row_of = page.index(f'id="item-{item.pk}"'), page.index(f'id="item-{other.pk}"')
    assert row_of[0] < page.index("Альфа.pdf") < page.index("Бета.png") < row_of[1] < page.index("Гамма.pdf")


@pytest.mark.parametrize("user", ["teacher", "deputy", "methodologist"])
def test_the_plans_other_readers_may_not_attach(world, approved, item, user):
    before = stored()
    response = post_file(login(getattr(world, user)), item, follow=True)
    assert messages_of(response) == ["Это действие вам недоступно."]
    assert not PlanItemFile.objects.exists()
    assert stored() == before


def test_outsiders_get_404(world, approved, item):
    before = stored()
    assert post_file(login(world.other_deputy), item).status_code == 404
    assert stored() == before


def test_a_plan_not_approved_takes_no_files(world):
    draft = f.plan_with_items(world.mo, world.year, n_items=1)
    before = stored()
    response = post_file(login(world.head), draft.items.get(), follow=True)
    assert messages_of(response) == ["Файлы результатов прикладывают к пунктам утверждённого плана."]
    assert stored() == before


# --- refused files store nothing ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("Разработка.pdf", HTML_AS_PDF, "HTML"),
        ("Разработка.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64, "EXE"),
        ("Разработка.pdf", b"", "пуст"),
    ],
    ids=["html-called-pdf", "exe-called-pdf", "empty"],
)
def test_a_refused_file_stores_nothing_says_why_and_keeps_the_note(world, approved, item, name, content, reason):
    before = stored()
    response = post_file(login(world.head), item, file=upload(name, content), note="сценарий праздника")
    assert response.status_code == 200
    assert messages_of(response) == ["Файл не приложен: исправьте ошибки, отмеченные красным."]
    html = response.content.decode()
    form = html[html.index(f'action="{url("plan_item_file_add", item.pk)}"'):]
    form = form[:form.index("</form>")]
    assert reason in form  # next to the field
    assert 'value="сценарий праздника"' in form  # what was typed stays
    assert f'id="mark-{item.pk}"' in html and "plan-mark-row show" in html  # the item's row is open
    assert not PlanItemFile.objects.exists()
    assert stored() == before


def test_a_note_too_long_is_refused_before_anything_is_stored(world, approved, item):
    before = stored()
    response = post_file(login(world.head), item, note="я" * 301)
    assert response.status_code == 200
    assert "300" in response.content.decode()
    assert stored() == before


def test_an_item_keeps_at_most_its_files(world, approved, item):
    for _ in range(ITEM_MAX_FILES):
        PlanItemFile.objects.create(plan_item=item, file=f.StoredFileFactory(), uploaded_by=world.head)
    before = stored()
    response = post_file(login(world.head), item, follow=True)
    assert messages_of(response) == [
        f"К пункту плана уже приложено {ITEM_MAX_FILES} файлов — больше нельзя. Удалите ненужный."
    ]
    assert stored() == before


# --- removing ----------------------------------------------------------------------------------------


def _attached(world, item, user=None) -> PlanItemFile:
    return plan_services.plan_item_file_add(item=item, upload=upload(), user=user or world.head, note="")


def test_the_head_removes_a_file_and_its_blob_goes_on_commit(world, approved, item, django_capture_on_commit_callbacks):
    item_file = _attached(world, item)
    name = item_file.file.storage_name
    page = login(world.head).get(url("plan", approved.pk)).content.decode()
    assert f'action="{url("plan_item_file_delete", item_file.pk)}"' in page
    assert "<details" in page  # the confirmation

    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.head).post(url("plan_item_file_delete", item_file.pk), follow=True)

    assert messages_of(response) == ["Файл «Разработка классного часа.pdf» удалён."]
    assert not PlanItemFile.objects.exists()
    assert not StoredFile.objects.filter(pk=item_file.file_id).exists()
    assert not default_storage.exists(name)


@pytest.mark.parametrize("user", ["teacher", "deputy", "methodologist"])
def test_the_plans_readers_may_not_remove_it(world, approved, item, user):
    item_file = _attached(world, item)
    client = login(getattr(world, user))
    assert f'action="{url("plan_item_file_delete", item_file.pk)}"' not in client.get(
        url("plan", approved.pk)
    ).content.decode()
    response = client.post(url("plan_item_file_delete", item_file.pk), follow=True)
    assert messages_of(response) == ["Это действие вам недоступно."]
    assert PlanItemFile.objects.filter(pk=item_file.pk).exists()


def test_whoever_attached_it_removes_it_after_leaving_the_office(world, approved, item):
    """The head's term ended: she writes the plan no more, and still removes what she attached."""
    item_file = _attached(world, item)
    other = _attached(world, item, user=world.admin)
    Appointment.objects.filter(person=world.head_person).update(ends_on=timezone.localdate() - timezone.timedelta(1))
    client = login(world.head)
    assert client.post(url("plan_item_file_delete", other.pk)).status_code == 302
    assert PlanItemFile.objects.filter(pk=other.pk).exists()  # not hers, not her plan any more
    client.post(url("plan_item_file_delete", item_file.pk))
    assert not PlanItemFile.objects.filter(pk=item_file.pk).exists()


def test_outsiders_get_404_on_removal(world, approved, item):
    item_file = _attached(world, item)
    assert login(world.other_deputy).post(url("plan_item_file_delete", item_file.pk)).status_code == 404
    assert PlanItemFile.objects.filter(pk=item_file.pk).exists()


# --- the page's queries ----------------------------------------------------------------------------


def test_the_plan_page_does_not_grow_with_the_files(world, approved):
    client = login(world.head)
    client.get(url("plan", approved.pk))
    none = count_queries(client, url("plan", approved.pk))
    for item in approved.items.all():
        for _ in range(4):
            PlanItemFile.objects.create(plan_item=item, file=f.StoredFileFactory(), uploaded_by=world.head)
    assert count_queries(client, url("plan", approved.pk)) == none
    assert client.get(url("plan", approved.pk)).content.decode().count('data-testid="item-file"') == 12


def test_a_plan_not_approved_reads_no_files(world):
    """The files query is for an approved plan only (no other plan has files)."""
    draft = f.plan_with_items(world.mo, world.year, n_items=3)
    approved = f.plan_with_items(world.mo, f.AcademicYearFactory(start_year=world.year.start_year - 1), n_items=3,
                                 status=Status.APPROVED)
    client = login(world.head)
    client.get(url("plan", draft.pk))
    assert count_queries(client, url("plan", draft.pk)) + 1 == count_queries(client, url("plan", approved.pk))
