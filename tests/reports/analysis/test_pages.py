"""The annual analysis' pages (`reports.analysis.views`): who sees what, the figures with their
working links, the figures as submitted with the notice when the records change, the workflow
through the pages (start, write, submit, return with a comment, accept, the stored PDF), the
version-checked editor, and query counts that do not grow with the records."""

from __future__ import annotations

import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from associations.models import ContestEntry
from reports.analysis.models import Analysis
from tests import factories as f
from tests.helpers import flat, login, messages_of, pdf_text
from tests.reports.analysis.data import held_meeting as _held_meeting

Status = Analysis.Status
NARRATIVE = {
    "goals_assessment": "Цель достигнута: задачи года решены.",
    "achievements": "Призёры муниципального конкурса.",
    "problems": "Родители редко приходят на классные часы.",
    "next_year_tasks": "1. Обобщить опыт\n2. Провести открытые классные часы",
}


def _page(world, year=None) -> str:
    return reverse("reports:analysis", args=[world.mo.pk, (year or world.year).start_year])


def _confirmed_entry(person, **fields) -> ContestEntry:
    return f.ContestEntryFactory(person=person, status=ContestEntry.Status.CONFIRMED, **fields)


def _records(world, n: int = 1) -> None:
    """n members more, each with a held meeting, a confirmed contest entry, a course."""
    for person in f.add_members(world, n, classes=True):
        meeting = _held_meeting(world, theme=f"Заседание {person.last_name}")
        f.AttendanceFactory(meeting=meeting, person=person)
        _confirmed_entry(person)
        f.CourseFactory(person=person)


def _post(client, name: str, pk: int, data=None, **kwargs):
    return client.post(reverse(name, args=[pk]), data or {}, **kwargs)


# --- who sees what -------------------------------------------------------------------------------


def test_not_started_the_head_may_start_it_the_readers_see_the_live_figures(world):
    _held_meeting(world)
    page = login(world.head).get(_page(world)).content.decode()
    assert 'data-testid="analysis-start"' in page and "Начать анализ" in page
    assert 'data-testid="fig-meetings"' in page
    for reader in (world.deputy, world.methodologist):
        response = login(reader).get(_page(world))
        assert response.status_code == 200
        page = response.content.decode()
        assert "анализ ещё не начат" in page and 'data-testid="analysis-start"' not in page
        assert "Проведено заседаний: 1" in page
    # The class teacher reads the association but not its analysis; the other school's deputy
    # neither: 404, as for an unknown association or year.
    assert login(world.teacher).get(_page(world)).status_code == 404
    assert login(world.other_deputy).get(_page(world)).status_code == 404
    assert login(world.head).get(reverse("reports:analysis", args=[world.mo.pk, 1901])).status_code == 404


def test_each_role_on_a_submitted_analysis(world):
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    _post(login(world.head), "reports:analysis_submit", analysis.pk)
    head = login(world.head).get(_page(world)).content.decode()
    assert 'data-testid="review"' not in head and 'data-testid="analysis-edit"' not in head
    assert "на рассмотрении" in head
    deputy = login(world.deputy).get(_page(world)).content.decode()
    assert 'data-testid="review"' in deputy and "Принять" in deputy
    methodologist = login(world.methodologist).get(_page(world)).content.decode()
    assert 'data-testid="review"' not in methodologist and 'data-testid="narrative"' in methodologist
    # The editor: 403 to the other readers; the head is sent back (no longer editable).
    edit = reverse("reports:analysis_edit", args=[analysis.pk])
    assert login(world.deputy).get(edit).status_code == 403
    response = login(world.head).get(edit, follow=True)
    assert response.redirect_chain[0][1] == 302 and "нельзя изменять" in " ".join(messages_of(response))
    assert login(world.teacher).get(edit).status_code == 404


def test_the_rmo_analysis_goes_to_the_district_official(world):
    official = f.district_official(world.district).person.user
    rmo = f.analysis_of(world.rmo, world.year, by=world.methodologist)
    client = login(world.methodologist)
    assert _post(client, "reports:analysis_submit", rmo.pk).status_code == 302
    rmo.refresh_from_db()
    assert rmo.status == Status.SUBMITTED
    rmo_page = reverse("reports:analysis", args=[world.rmo.pk, world.year.start_year])
    client = login(official)
    page = client.get(rmo_page).content.decode()
    assert 'data-testid="review"' in page
    assert _post(client, "reports:analysis_accept", rmo.pk).status_code == 302
    rmo.refresh_from_db()
    assert rmo.status == Status.ACCEPTED and rmo.accepted_by == official
    # Nothing of the school МО's.
    assert client.get(_page(world)).status_code == 404


# --- the figures -------------------------------------------------------------------------------------


def test_the_page_shows_the_figures_with_working_links(world):
    meeting = _held_meeting(world, theme="Профилактика буллинга")
    entry = _confirmed_entry(world.teacher_person, result=ContestEntry.Result.WINNER)
    f.analysis_of(world.mo, world.year, by=world.head)
    client = login(world.deputy)  # who reads the school's directory and records, as the head does not
    page = client.get(_page(world)).content.decode()
    for section in ("staff", "meetings", "plan", "open-events", "talks", "courses", "attestation", "contests",
                    "visits", "consultations", "monitoring"):
        assert f'data-testid="fig-{section}"' in page, section
    assert "50,0\u00a0%" in page  # one of two present
    assert "Обобщить опыт" in page and "Цель достигнута" in page
    links = set(re.findall(r'href="([^"]+)"', page.split('data-testid="figures"', 1)[1]))
    assert reverse("meetings:meeting", args=[meeting.pk]) in links
    for url in sorted(links):
        assert client.get(url.replace("&amp;", "&")).status_code == 200, url
    contests = next(u for u in links if u.startswith(reverse("associations:contests")) and "result=winner" in u)
    assert f'data-testid="contest-entry-{entry.pk}"' in client.get(contests.replace("&amp;", "&")).content.decode()


def test_after_submission_a_changed_record_leaves_the_figures_as_submitted(world):
    _confirmed_entry(world.teacher_person)
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    _post(login(world.head), "reports:analysis_submit", analysis.pk)
    page = login(world.deputy).get(_page(world)).content.decode()
    assert "1 подтверждённое участие" in page and 'data-testid="figures-changed"' not in page
    _confirmed_entry(world.teacher_person, level="regional")
    _held_meeting(world)
    page = login(world.deputy).get(_page(world)).content.decode()
    assert "1 подтверждённое участие" in page and "Проведено заседаний: 0" in page
    assert "данные изменились после отправки" in page


# --- the workflow through the pages ------------------------------------------------------------------


def test_start_write_submit_return_submit_accept_and_the_pdf_as_issued(world):
    head, deputy = login(world.head), login(world.deputy)
    # A last year's analysis: its tasks beside this year's assessment.
    previous = f.AcademicYearFactory(start_year=world.year.start_year - 1)
    f.analysis_of(world.mo, previous, status="submitted", by=world.head, next_year_tasks="Вовлечь родителей")
    response = head.post(reverse("reports:analysis_start", args=[world.mo.pk, world.year.start_year]))
    analysis = Analysis.objects.get(association=world.mo, academic_year=world.year)
    assert response.status_code == 302 and response["Location"] == reverse("reports:analysis_edit", args=[analysis.pk])
    editor = head.get(response["Location"]).content.decode()
    assert "Вовлечь родителей" in editor

    # Incomplete: the submission is refused with a message, nothing changes.
    response = _post(head, "reports:analysis_submit", analysis.pk, follow=True)
    assert "не заполнено" in " ".join(messages_of(response))
    analysis.refresh_from_db()
    assert analysis.status == Status.DRAFT

    response = head.post(reverse("reports:analysis_edit", args=[analysis.pk]),
                         {"version": analysis.version, **NARRATIVE, "after": "close"})
    assert response.status_code == 302 and response["Location"] == _page(world)
    assert _post(head, "reports:analysis_submit", analysis.pk).status_code == 302

    # Returned without a comment: the page again with the error next to the field.
    response = deputy.post(reverse("reports:analysis_return", args=[analysis.pk]), {"comment": "  "})
    assert response.status_code == 200
    assert "Укажите, что нужно доработать." in response.content.decode()
    analysis.refresh_from_db()
    assert analysis.status == Status.SUBMITTED
    _post(deputy, "reports:analysis_return", analysis.pk, {"comment": "Дополните проблемы."})
    page = head.get(_page(world)).content.decode()
    assert 'data-testid="return-comment"' in page and "Дополните проблемы." in page

    analysis.refresh_from_db()
    head.post(reverse("reports:analysis_edit", args=[analysis.pk]),
              {"version": analysis.version, **NARRATIVE, "problems": "Нет помещения для встреч."})
    _post(head, "reports:analysis_submit", analysis.pk)
    response = _post(deputy, "reports:analysis_accept", analysis.pk, follow=True)
    assert "Анализ принят" in " ".join(messages_of(response))
    analysis.refresh_from_db()
    assert analysis.status == Status.ACCEPTED
    page = head.get(_page(world)).content.decode()
    assert page.split('data-testid="transitions"')[1].count("<tr><td>") == 4

    pdf = head.get(reverse("reports:analysis_pdf", args=[analysis.pk]))
    with default_storage.open(analysis.pdf.storage_name, "rb") as handle:
        stored = handle.read()
    assert pdf.status_code == 200 and pdf.content == stored and stored.startswith(b"%PDF")
    assert pdf["ETag"] == f'"{analysis.pdf_sha256}"'
    again = head.get(reverse("reports:analysis_pdf", args=[analysis.pk]), headers={"if-none-match": pdf["ETag"]})
    assert again.status_code == 304
    # A stored file that is no longer what was issued is not handed out.
    default_storage.delete(analysis.pdf.storage_name)
    default_storage.save(analysis.pdf.storage_name, ContentFile(b"%PDF-1.4 changed"))
    assert head.get(reverse("reports:analysis_pdf", args=[analysis.pk])).status_code == 404


def test_the_draft_pdf_is_rendered_and_marked(world):
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    response = login(world.deputy).get(reverse("reports:analysis_pdf", args=[analysis.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"
    assert "ЧЕРНОВИК" in flat(pdf_text(response.content))


def test_a_stale_save_shows_the_conflict_and_keeps_what_was_typed(world):
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    opened = analysis.version
    head = login(world.head)
    edit = reverse("reports:analysis_edit", args=[analysis.pk])
    head.post(edit, {"version": opened, **NARRATIVE, "problems": "Сохранено первым."})
    response = head.post(edit, {"version": opened, **NARRATIVE, "problems": "Набрано вторым."})
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="conflict"' in page
    assert "Набрано вторым." in page and "Сохранено первым." in page
    analysis.refresh_from_db()
    assert analysis.problems == "Сохранено первым."
    # The page carries the newer version: a second save overwrites on purpose.
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    head.post(edit, {"version": version, **NARRATIVE, "problems": "Набрано вторым."})
    analysis.refresh_from_db()
    assert analysis.problems == "Набрано вторым."


def test_a_section_over_its_bound_is_an_error_next_to_it_and_nothing_is_lost(world):
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    response = login(world.head).post(reverse("reports:analysis_edit", args=[analysis.pk]), {
        "version": analysis.version, **NARRATIVE, "achievements": "Д" * 5001,
    })
    page = response.content.decode()
    assert response.status_code == 200 and "invalid-feedback" in page and "Цель достигнута" in page
    analysis.refresh_from_db()
    assert analysis.version == 1 and analysis.achievements == "Призёры муниципального конкурса."


def test_the_association_page_links_to_the_analysis_for_its_readers(world):
    link = _page(world)
    detail = reverse("associations:detail", args=[world.mo.pk])
    assert f'href="{link}"' in login(world.head).get(detail).content.decode()
    assert f'href="{link}"' not in login(world.teacher).get(detail).content.decode()


# --- query counts ------------------------------------------------------------------------------------


# Who asks (4: the session, the user, their person, their appointments) and the year's figures
# computed from the records (19: the association with its school and district, the members, the
# classes, the meetings, the plan with its items, the attendance, the open events' speakers, the
# bank's open events, the talks, the courses (2), the attestation (3), the contests, the visits,
# the consultations (2), the monitoring) — whatever the number of members, meetings and records,
# and whether the year has open events or not.
WHO, FIGURES = 4, 19
QUERIES = {
    # the association, the year, the analysis; the figures (live while a draft, frozen and computed
    # once afresh to tell whether they changed once submitted); the transitions; last year's tasks.
    ("page", "draft"): WHO + 3 + FIGURES + 2,
    ("page", "submitted"): WHO + 3 + FIGURES + 2,
    # the analysis; the figures: live (a draft) or as frozen (no query)
    ("xlsx", "draft"): WHO + 1 + FIGURES,
    ("xlsx", "submitted"): WHO + 1,
    # the same, and for the signature line: a draft's head in office (no submitter yet), a
    # submitted one's submitter's login and person
    ("pdf", "draft"): WHO + 1 + FIGURES + 1,
    ("pdf", "submitted"): WHO + 1 + 2,
}


@pytest.mark.parametrize("status", ["draft", "submitted"])
@pytest.mark.parametrize("page", ["page", "xlsx", "pdf"])
def test_the_pages_and_documents_take_as_many_queries_with_more_records(world, django_assert_num_queries, page,
                                                                         status):
    _records(world, 1)
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    if status == "submitted":
        _post(login(world.head), "reports:analysis_submit", analysis.pk)
    client = login(world.deputy)
    url = _page(world) if page == "page" else reverse(f"reports:analysis_{page}", args=[analysis.pk])
    expected = QUERIES[(page, status)]
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    _records(world, 6)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def test_the_editor_takes_as_many_queries_with_more_records(world, django_assert_num_queries):
    _records(world, 1)
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    client = login(world.head)
    edit = reverse("reports:analysis_edit", args=[analysis.pk])
    # who asks, the analysis, last year's tasks: no figure is computed
    for more in (0, 6):
        _records(world, more)
        with django_assert_num_queries(WHO + 2):
            assert client.get(edit).status_code == 200


def test_the_accepted_pdf_takes_as_many_queries_with_more_records(world, django_assert_num_queries):
    _records(world, 1)
    analysis = f.analysis_of(world.mo, world.year, by=world.head)
    _post(login(world.head), "reports:analysis_submit", analysis.pk)
    _post(login(world.deputy), "reports:analysis_accept", analysis.pk)
    client = login(world.head)
    url = reverse("reports:analysis_pdf", args=[analysis.pk])
    for more in (0, 6):
        _records(world, more)
        with django_assert_num_queries(WHO + 2):  # the analysis, its stored file
            assert client.get(url).status_code == 200
