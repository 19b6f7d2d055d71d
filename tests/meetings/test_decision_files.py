"""A decision's result files («результат: методическая разработка»): attached to a decision of a
signed protocol by those who may mark it (the person responsible, the association's recorders),
before or after it is done — the decision keeps its text, the protocol stays as signed; shown on
the decisions list and on the protocol's page; downloaded by those who see the decision; removed
(after a confirmation) by those who may mark it and by whoever attached them."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from associations.models import StoredFile
from meetings import services
from meetings.models import DECISION_MAX_FILES, Decision, DecisionFile, Protocol
from tests import factories as f
from tests.helpers import body, count_queries, login, messages_of, stored

HTML_AS_PDF = b"<!doctype html><html><body><script>alert(1)</script></body></html>"
DECISIONS = reverse("meetings:decisions")


def url(name: str, *args) -> str:
    return reverse(f"meetings:{name}", args=args)


def upload(name: str = "Методическая разработка.pdf", content: bytes = f.TINY_PDF):
    return SimpleUploadedFile(name, content)


def post_file(client, decision, file=None, **kwargs):
    return client.post(url("decision_file_add", decision.pk), {"file": file or upload(), "next": DECISIONS}, **kwargs)


def _frozen(decision: Decision):
    """What the signed protocol says of the decision, and the protocol itself."""
    protocol = decision.protocol_item.protocol
    return (
        Decision.objects.filter(pk=decision.pk).values_list(
            "text", "responsible_id", "due_on", "protocol_item_id"
        ).get(),
        Protocol.objects.filter(pk=protocol.pk).values_list("status", "version", "pdf_sha256", "updated_at").get(),
    )


@pytest.fixture
def decision(world):
    """The teacher's decision of a signed protocol of the school МО."""
    return f.decision_of(world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(10),
                         text="Провести классные часы о безопасности")


# --- attaching ---------------------------------------------------------------------------------


def test_the_responsible_teacher_attaches_a_result_and_the_decision_keeps_its_text(world, decision):
    frozen = _frozen(decision)
    client = login(world.teacher)

    response = post_file(client, decision, follow=True)

    assert messages_of(response) == ["Файл «Методическая разработка.pdf» приложен к решению."]
    decision_file = DecisionFile.objects.get(decision=decision)
    assert decision_file.uploaded_by == world.teacher
    assert _frozen(decision) == frozen
    html = response.content.decode()  # the decisions list
    assert f'href="{url("decision_file", decision_file.pk)}"' in html
    assert html.count('data-testid="decision-file"') == 1

    download = client.get(url("decision_file", decision_file.pk))
    assert download.status_code == 200
    assert body(download) == f.TINY_PDF
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")


def test_before_and_after_it_is_marked_done(world, decision):
    post_file(login(world.head), decision, file=upload("до.pdf"))
    services.decision_mark_done(decision=decision, user=world.teacher, note="Проведены")
    post_file(login(world.teacher), decision, file=upload("после.png", f.TINY_PNG))
    assert sorted(DecisionFile.objects.values_list("file__original_name", flat=True)) == ["до.pdf", "после.png"]
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.DONE


def test_the_protocol_page_shows_each_decisions_results(world, decision):
    post_file(login(world.head), decision)
    protocol = decision.protocol_item.protocol
    html = login(world.head).get(url("protocol", protocol.pk)).content.decode()
    assert 'data-testid="protocol-decision-results"' in html
    assert html.count('data-testid="decision-file"') == 1
    assert 'data-testid="decision-file-form"' in html  # the head may attach more here
    # A class teacher of the school reads the signed protocol, but not others' decisions' results.
    other = f.PersonFactory(school=world.school)
    other.user = f.UserFactory(username="drugaya")
    other.save()
    html = login(other.user).get(url("protocol", protocol.pk)).content.decode()
    assert 'data-testid="decision-file"' not in html


@pytest.mark.parametrize(("user", "status"), [("methodologist", 403), ("deputy", 404), ("other_deputy", 404)])
def test_others_may_not_attach(world, decision, user, status):
    before = stored()
    assert post_file(login(getattr(world, user)), decision).status_code == status
    assert stored() == before


def test_a_draft_protocols_decision_takes_no_files(world):
    draft = f.decision_of(world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(5), signed=False)
    before = stored()
    assert post_file(login(world.head), draft).status_code == 403
    assert stored() == before


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [("Отчёт.pdf", HTML_AS_PDF, "HTML"), ("Отчёт.pdf", b"", "пуст")],
    ids=["html-called-pdf", "empty"],
)
def test_a_refused_file_stores_nothing_and_says_why(world, decision, name, content, reason):
    before = stored()
    response = post_file(login(world.teacher), decision, file=upload(name, content), follow=True)
    [message] = messages_of(response)
    assert message.startswith("Файл не приложен: ")
    assert reason in message
    assert not DecisionFile.objects.exists()
    assert stored() == before


def test_a_decision_keeps_at_most_its_files(world, decision):
    for _ in range(DECISION_MAX_FILES):
        DecisionFile.objects.create(decision=decision, file=f.StoredFileFactory(), uploaded_by=world.head)
    before = stored()
    response = post_file(login(world.teacher), decision, follow=True)
    assert messages_of(response) == [
        f"Файл не приложен: К решению уже приложено {DECISION_MAX_FILES} файлов — больше нельзя. Удалите ненужный."
    ]
    assert stored() == before


# --- downloading and removing -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "status"),
    [("teacher", 200), ("head", 200), ("methodologist", 200), ("admin", 200), ("deputy", 404),
     ("other_deputy", 404), ("other_district_methodologist", 404), ("outsider", 404)],
)
def test_those_who_see_the_decision_download_its_files(world, decision, user, status):
    decision_file = services.decision_file_add(decision=decision, upload=upload(), user=world.head)
    assert login(getattr(world, user)).get(url("decision_file", decision_file.pk)).status_code == status


def test_whoever_attached_it_removes_it_and_its_blob_goes_on_commit(world, decision,
                                                                    django_capture_on_commit_callbacks):
    decision_file = services.decision_file_add(decision=decision, upload=upload(), user=world.teacher)
    name = decision_file.file.storage_name
    client = login(world.teacher)
    assert f'action="{url("decision_file_delete", decision_file.pk)}"' in client.get(DECISIONS).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("decision_file_delete", decision_file.pk), {"next": DECISIONS}, follow=True)
    assert messages_of(response) == ["Файл «Методическая разработка.pdf» удалён."]
    assert not DecisionFile.objects.exists()
    assert not StoredFile.objects.filter(pk=decision_file.file_id).exists()
    assert not default_storage.exists(name)


def test_the_recorders_remove_the_teachers_file_the_methodologist_may_not(world, decision):
    decision_file = services.decision_file_add(decision=decision, upload=upload(), user=world.teacher)
    assert login(world.methodologist).post(url("decision_file_delete", decision_file.pk)).status_code == 403
    assert login(world.deputy).post(url("decision_file_delete", decision_file.pk)).status_code == 404
    assert DecisionFile.objects.filter(pk=decision_file.pk).exists()
    login(world.head).post(url("decision_file_delete", decision_file.pk))
    assert not DecisionFile.objects.filter(pk=decision_file.pk).exists()


# --- the pages' queries ----------------------------------------------------------------------------


def test_the_decisions_list_does_not_grow_with_the_files(world, decision):
    client = login(world.head)
    services.decision_file_add(decision=decision, upload=upload(), user=world.head)
    client.get(DECISIONS)
    one = count_queries(client, DECISIONS)
    for _ in range(5):
        more = f.decision_of(world.mo, world.year, responsible=world.teacher_person, due_on=f.in_days(3))
        for _ in range(3):
            DecisionFile.objects.create(decision=more, file=f.StoredFileFactory(), uploaded_by=world.head)
    assert count_queries(client, DECISIONS) == one
    assert client.get(DECISIONS).content.decode().count('data-testid="decision-file"') == 16


def test_the_home_page_reads_no_files(world, decision):
    """«Мои поручения» on the home page: the same decisions table, without the result files (and
    without their query)."""
    client = login(world.teacher)
    client.get(reverse("home"))
    before = count_queries(client, reverse("home"))
    services.decision_file_add(decision=decision, upload=upload(), user=world.teacher)
    assert count_queries(client, reverse("home")) == before
    assert 'data-testid="decision-file"' not in client.get(reverse("home")).content.decode()
