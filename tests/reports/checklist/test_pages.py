"""The documentation checklist's pages (`reports.checklist.views`): who reads an association's
checklist and who uploads to it, the upload through the file module (a good file stored, a refused
one storing nothing and keeping the title), the download and the removal, the district's table,
the link on the association's page, and query counts that do not grow with the records."""

from __future__ import annotations

import pytest
from django.urls import reverse

from associations.models import Appointment
from reports.checklist.models import ChecklistDocument, ChecklistItem
from tests import factories as f
from tests.helpers import body, login, messages_of, stored
from tests.reports.checklist.data import fulfil_all, held_meeting

Item = ChecklistItem
HTML_AS_PDF = b"<!doctype html><html><script>alert(1)</script></html>"


def _page(world, association=None, year=None) -> str:
    return reverse("reports:checklist", args=[(association or world.mo).pk, (year or world.year).start_year])


def _upload_url(world, association=None) -> str:
    return reverse("reports:checklist_upload", args=[(association or world.mo).pk, world.year.start_year])


def _upload(client, world, *, item="order", content=f.TINY_PDF, name="Приказ.pdf", title="Приказ № 112",
            scope="year"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(_upload_url(world), {
        "item": item, f"{item}-title": title, f"{item}-scope": scope,
        f"{item}-file": SimpleUploadedFile(name, content),
    })


def _document(world, *, item=Item.REGULATION, by=None, year=None) -> ChecklistDocument:
    return ChecklistDocument.objects.create(
        association=world.mo, item=item, title="Положение о МО классных руководителей", academic_year=year,
        file=f.StoredFileFactory(original_name="Положение.pdf"), uploaded_by=by,
    )


# --- who reads, who uploads -------------------------------------------------------------------------


def test_the_checklist_is_read_by_its_keepers_and_checkers_not_by_its_class_teachers(world):
    expected = {
        world.head: 200, world.deputy: 200, world.methodologist: 200, world.admin: 200,
        world.teacher: 404, world.other_deputy: 404, world.other_district_methodologist: 404, world.outsider: 404,
    }
    for user, status in expected.items():
        assert login(user).get(_page(world)).status_code == status, user
    secretary = f.UserFactory(username="sekretar")
    f.AppointmentFactory(association=world.mo, role=Appointment.Role.SECRETARY,
                         person=f.PersonFactory(user=secretary, school=world.school))
    assert login(secretary).get(_page(world)).status_code == 200
    assert login(world.head).get(reverse("reports:checklist", args=[world.mo.pk, 1999])).status_code == 404


def test_the_page_shows_n_of_8_what_fulfils_each_item_and_what_to_do(world):
    response = login(world.head).get(_page(world))
    page = response.content.decode()
    assert 'data-testid="checklist-total"' in page and "0 из 8" in page
    assert "Загрузите скан приказа об открытии МО и назначении руководителя." in page
    assert "Составьте план работы на учебный год" in page
    # the head uploads to the order, the regulation and the instructions only
    assert {form for form in ("order", "regulation", "instructions", "plan", "bank")
            if f'id="upload-{form}"' in page} == {"order", "regulation", "instructions"}

    fulfil_all(world)
    page = login(world.head).get(_page(world)).content.decode()
    assert "8 из 8" in page
    assert "План утверждён" in page
    assert reverse("associations:plan", args=[world.mo.plans.get().pk]) in page
    assert "Подписано протоколов: 1 из 1 проведённого заседания" in page


def test_the_deputy_reads_without_upload_forms_and_the_methodologist_sees_the_districts_link(world):
    page = login(world.deputy).get(_page(world)).content.decode()
    assert 'id="upload-order"' not in page
    assert 'data-testid="district-link"' not in page
    page = login(world.methodologist).get(_page(world)).content.decode()
    assert 'id="upload-order"' not in page
    assert reverse("reports:checklist_district", args=[world.district.pk, world.year.start_year]) in page


def test_the_association_page_links_the_checklist_to_its_readers(world):
    url = reverse("associations:detail", args=[world.mo.pk])
    assert 'data-testid="checklist-link"' in login(world.head).get(url).content.decode()
    assert 'data-testid="checklist-link"' not in login(world.teacher).get(url).content.decode()


# --- uploads ---------------------------------------------------------------------------------------


def test_the_head_uploads_the_orders_scan_and_the_item_is_done(world):
    client = login(world.head)
    before = stored()
    response = _upload(client, world)
    assert response.status_code == 302
    assert response.url == _page(world) + "#item-order"
    document = ChecklistDocument.objects.get()
    assert (document.association, document.item, document.academic_year, document.title) == (
        world.mo, "order", world.year, "Приказ № 112")
    assert document.uploaded_by == world.head and document.file.type == "pdf"
    assert stored() == (before[0] + 1, before[1] + 1)
    page = client.get(_page(world))
    assert "Документ «Приказ № 112» загружен: пункт «Приказ об открытии МО и назначении руководителя»." in (
        messages_of(page))
    assert 'data-testid="item-order" data-done="1"' in page.content.decode()


def test_a_document_for_every_year(world):
    _upload(login(world.head), world, item="regulation", title="Положение о МО", scope="all")
    document = ChecklistDocument.objects.get()
    assert document.academic_year is None
    last_year = f.AcademicYearFactory(start_year=world.year.start_year - 1)
    assert "1 из 8" in login(world.head).get(_page(world, year=last_year)).content.decode()


def test_a_refused_file_stores_nothing_and_keeps_the_title(world):
    client = login(world.head)
    before = stored()
    response = _upload(client, world, content=HTML_AS_PDF, title="Приказ № 112 от 28.08.2025")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="file-error"' in page
    assert 'value="Приказ № 112 от 28.08.2025"' in page
    assert "Документ не загружен: исправьте ошибки, отмеченные красным." in messages_of(response)
    assert ChecklistDocument.objects.count() == 0
    assert stored() == before


def test_a_title_over_its_bound_is_refused_next_to_its_field(world):
    before = stored()
    response = _upload(login(world.head), world, title="Т" * 301)
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert stored() == before and not ChecklistDocument.objects.exists()


def test_an_item_that_takes_no_document_is_a_message(world):
    before = stored()
    response = _upload(login(world.head), world, item="plan")
    assert response.status_code == 302
    assert stored() == before and not ChecklistDocument.objects.exists()
    response = login(world.head).post(_upload_url(world), {"item": "nonsense"})
    assert response.status_code == 302


def test_the_readers_who_do_not_keep_it_may_not_upload(world):
    before = stored()
    assert _upload(login(world.deputy), world).status_code == 403
    assert _upload(login(world.methodologist), world).status_code == 403
    assert _upload(login(world.teacher), world).status_code == 404
    assert stored() == before and not ChecklistDocument.objects.exists()


def test_the_methodologist_uploads_to_the_rmo(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("reports:checklist_upload", args=[world.rmo.pk, world.year.start_year])
    response = login(world.methodologist).post(url, {
        "item": "regulation", "regulation-title": "Положение о РМО", "regulation-scope": "all",
        "regulation-file": SimpleUploadedFile("Положение.pdf", f.TINY_PDF),
    })
    assert response.status_code == 302
    assert ChecklistDocument.objects.get().association == world.rmo


def test_an_item_keeps_at_most_ten_documents(world):
    for _ in range(10):
        _document(world, item=Item.ORDER, year=world.year)
    before = stored()
    response = _upload(login(world.head), world)
    assert response.status_code == 302
    assert stored() == before
    assert ChecklistDocument.objects.count() == 10


# --- the file and its removal -------------------------------------------------------------------


def test_the_file_is_downloaded_by_whoever_reads_the_checklist(world):
    document = _document(world)
    url = reverse("reports:checklist_file", args=[document.pk])
    for user in (world.head, world.deputy, world.methodologist, world.admin):
        response = login(user).get(url)
        assert response.status_code == 200, user
        assert body(response) == f.TINY_PDF
    for user in (world.teacher, world.other_deputy, world.outsider):
        assert login(user).get(url).status_code == 404, user


def test_the_head_removes_a_document_and_its_file(world, django_capture_on_commit_callbacks):
    document = _document(world, by=world.head)
    before = stored()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.head).post(reverse("reports:checklist_file_remove", args=[document.pk]),
                                          {"year": str(world.year.start_year)})
    assert response.status_code == 302
    assert response.url == _page(world) + "#item-regulation"
    assert not ChecklistDocument.objects.exists()
    assert stored() == (before[0] - 1, before[1] - 1)


def test_the_removal_asks_to_confirm_in_the_page_without_a_script(world):
    """The CSP allows no inline script: the confirmation is a <details> around the form."""
    document = _document(world, by=world.head)
    page = login(world.head).get(_page(world)).content.decode()
    action = f'action="{reverse("reports:checklist_file_remove", args=[document.pk])}"'
    before = page.split(action)[0]
    assert before.rfind("<details") > before.rfind("</details>")  # the form is inside a <details>
    assert "Удалить документ «Положение о МО классных руководителей»?" in page
    assert "onsubmit" not in page and "onclick" not in page


def test_the_checkers_may_not_remove_a_document(world):
    document = _document(world)
    url = reverse("reports:checklist_file_remove", args=[document.pk])
    assert login(world.deputy).post(url).status_code == 403
    assert login(world.methodologist).post(url).status_code == 403
    assert login(world.teacher).post(url).status_code == 404
    assert login(world.head).get(url).status_code == 405
    assert ChecklistDocument.objects.filter(pk=document.pk).exists()


# --- the district's table -------------------------------------------------------------------------


def _district(world) -> str:
    return reverse("reports:checklist_district", args=[world.district.pk, world.year.start_year])


def test_the_district_table_to_the_district_level_only(world):
    official = f.district_official(world.district)
    for user, status in {world.methodologist: 200, world.admin: 200, official.person.user: 200,
                         world.deputy: 404, world.head: 404, world.teacher: 404,
                         world.other_district_methodologist: 404, world.outsider: 404}.items():
        assert login(user).get(_district(world)).status_code == status, user


def test_the_district_table_shows_each_association_its_marks_and_the_totals(world):
    fulfil_all(world)
    response = login(world.methodologist).get(_district(world))
    page = response.content.decode()
    assert f'data-testid="done-{world.mo.pk}">8 из 8' in page
    assert f'data-testid="done-{world.other_mo.pk}">0 из 8' in page
    assert "Документация полная: 1 из 3 объединений" in page
    assert "1 из 2 школ" in page
    assert _page(world) in page
    assert world.other_district_mo.name not in page


# --- query counts -----------------------------------------------------------------------------------

# Who asks (4: the session, the user, their person, their appointments); the association with
# its school and district, the year; the checklist (9: the documents, the heads, their
# acknowledgments, the plans, the held meetings, the analyses, the monitoring, the visits, the bank).
WHO, CHECKLIST = 4, 9


def _more(world, n: int) -> None:
    for days in range(n):
        held_meeting(world, days=days * 7 + 5)
        _document(world, item=Item.ORDER, year=world.year)
        _document(world, item=Item.REGULATION)
        f.VisitFactory(school=world.school)
        f.MaterialFactory(owner=world.teacher_person, visibility="school")


@pytest.mark.parametrize("who", ["head", "deputy"])
def test_the_page_takes_as_many_queries_with_more_records(world, django_assert_num_queries, who):
    fulfil_all(world)
    client = login(getattr(world, who))
    for n in (1, 4):
        _more(world, n)
        with django_assert_num_queries(WHO + 2 + CHECKLIST):
            assert client.get(_page(world)).status_code == 200


def test_the_district_table_takes_as_many_queries_with_more_schools(world, django_assert_num_queries):
    fulfil_all(world)
    client = login(world.methodologist)
    # who asks, the district, the year, the associations of the district, the checklists
    for n in (1, 4):
        for _ in range(n):
            mo = f.school_with_mo(world.district, year=world.year)
            fulfil_all(world, mo)
        with django_assert_num_queries(WHO + 3 + CHECKLIST):
            assert client.get(_district(world)).status_code == 200


def test_the_download_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    document = _document(world)
    client = login(world.head)
    with django_assert_num_queries(WHO + 1):  # the document with its file and association
        assert client.get(reverse("reports:checklist_file", args=[document.pk])).status_code == 200
