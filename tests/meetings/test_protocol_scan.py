"""The scan of a signed protocol on paper, kept beside the PDF the portal issued: attached once by
those who record the association's protocols, downloaded by the protocol's readers, refused
(nothing stored) when the file is not a PDF/JPEG/PNG or the protocol is a draft, and, once
attached, part of the record: nothing replaces or removes it, and the protocol stays as signed."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib import admin
from django.db.models import ProtectedError
from django.urls import reverse

from associations.models import Appointment, StoredFile
from meetings import services
from meetings.models import (
    Decision,
    DecisionFile,
    Protocol,
    ProtocolItem,
    ProtocolScan,
    ScanAttachedError,
    SignedProtocolError,
)
from tests import factories as f
from tests.helpers import body, count_queries, login, messages_of, stored

HTML_AS_PDF = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def url(name: str, *args) -> str:
    return reverse(f"meetings:{name}", args=args)


def upload(name: str = "Скан протокола.pdf", content: bytes = f.TINY_PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def signed(world, theme: str = "Итоги четверти", *, decisions: int = 1) -> Protocol:
    """A protocol of the world's МО marked signed the way the database sees it (no PDF rendered)."""
    protocol = f.build_protocol(world, n_items=1, n_attendees=2, theme=theme)  # two decisions a question
    extra = list(Decision.objects.filter(protocol_item__protocol=protocol).order_by("pk").values_list("pk", flat=True))
    Decision.objects.filter(pk__in=extra[decisions:]).delete()
    f.mark_signed(protocol)
    return Protocol.objects.get(pk=protocol.pk)


@pytest.fixture
def secretary(world):
    """The school МО's secretary (an appointment with role SECRETARY): records its protocols."""
    user = f.UserFactory(username="sekretar")
    person = f.PersonFactory(user=user, school=world.school, last_name="Морозова")
    f.AppointmentFactory(
        association=world.mo, person=person, role=Appointment.Role.SECRETARY,
        order_date=world.year.starts_on, starts_on=world.year.starts_on,
    )
    return user


def _record(protocol: Protocol):
    """Everything of a signed protocol that must never change."""
    return (
        Protocol.objects.filter(pk=protocol.pk).values_list(
            "status", "number", "version", "chair_id", "secretary_id", "signed_at", "signed_by_id", "pdf",
            "pdf_sha256", "updated_at",
        ).get(),
        sorted(ProtocolItem.objects.filter(protocol=protocol).values_list("pk", "position", "heard", "decided")),
        sorted(Decision.objects.filter(protocol_item__protocol=protocol).values_list("pk", "text", "due_on")),
        protocol.history.count(),
    )


# --- attaching it ---------------------------------------------------------------------------------


def test_the_secretary_attaches_the_scan_and_the_signed_protocol_stays_as_issued(world, secretary):
    """Signed through the services (its PDF rendered and stored): the scan goes beside it, the
    page offers both downloads, and the protocol, its PDF's bytes and its rows are as they were."""
    protocol = f.sign_protocol(world, f.recorded_meeting(world))
    pdf_before = body(login(world.head).get(url("protocol_pdf", protocol.pk)))
    before = _record(protocol)
    client = login(secretary)

    response = client.post(url("protocol_scan_attach", protocol.pk), {"file": upload()}, follow=True)

    assert messages_of(response) == ["Скан подписанного протокола приложен."]
    scan = ProtocolScan.objects.get(protocol=protocol)
    assert scan.uploaded_by == secretary
    assert scan.file.type == StoredFile.Type.PDF
    assert scan.file.original_name == "Скан протокола.pdf"
    assert _record(protocol) == before
    pdf_after = body(login(world.head).get(url("protocol_pdf", protocol.pk)))
    assert pdf_after == pdf_before
    assert hashlib.sha256(pdf_after).hexdigest() == protocol.pdf_sha256

    html = response.content.decode()
    assert 'data-testid="protocol-pdf"' in html
    assert f'href="{url("protocol_scan", protocol.pk)}"' in html
    assert "Скан подписанного протокола" in html
    assert 'data-testid="scan-attach"' not in html  # attached: no second form

    download = login(world.teacher).get(url("protocol_scan", protocol.pk))
    assert download.status_code == 200
    assert body(download) == f.TINY_PDF
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment")


def test_a_jpeg_or_png_scan_is_taken_too(world):
    protocol = signed(world)
    client = login(world.head)
    client.post(url("protocol_scan_attach", protocol.pk), {"file": upload("скан.png", f.TINY_PNG)})
    assert ProtocolScan.objects.get(protocol=protocol).file.type == StoredFile.Type.PNG


def test_the_page_offers_the_form_to_its_recorders_only_once_signed(world, secretary):
    draft = f.build_protocol(world, n_items=1, n_attendees=2, theme="Черновик")
    protocol = signed(world)
    assert 'data-testid="scan-attach"' not in login(world.head).get(url("protocol", draft.pk)).content.decode()
    for user in (world.head, secretary):
        assert 'data-testid="scan-attach"' in login(user).get(url("protocol", protocol.pk)).content.decode()
    for user in (world.teacher, world.deputy, world.methodologist):
        html = login(user).get(url("protocol", protocol.pk)).content.decode()
        assert 'data-testid="scan-attach"' not in html
        assert f'href="{url("protocol_scan", protocol.pk)}"' not in html  # none attached yet


@pytest.mark.parametrize(
    ("user", "status"),
    [("teacher", 403), ("deputy", 403), ("methodologist", 403), ("other_deputy", 404),
     ("other_district_methodologist", 404)],
)
def test_only_its_recorders_attach_it(world, user, status):
    protocol = signed(world)
    before = stored()
    response = login(getattr(world, user)).post(url("protocol_scan_attach", protocol.pk), {"file": upload()})
    assert response.status_code == status
    assert not ProtocolScan.objects.exists()
    assert stored() == before


# --- refused files store nothing --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("Скан.pdf", HTML_AS_PDF, "HTML"),  # an HTML page called .pdf
        ("Скан.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64, "EXE"),
        ("Протокол.docx", None, "DOCX"),  # a document, but not a scan: PDF, JPEG or PNG only
        ("Скан.pdf", b"", "пуст"),
    ],
    ids=["html-called-pdf", "exe-called-pdf", "docx", "empty"],
)
def test_a_refused_file_stores_nothing_and_says_why(world, name, content, reason):
    if content is None:
        content = _docx()
    protocol = signed(world)
    before, record = stored(), _record(protocol)

    response = login(world.head).post(url("protocol_scan_attach", protocol.pk), {"file": upload(name, content)})

    assert response.status_code == 200  # the page again, the reason next to the field
    html = response.content.decode()
    assert "Скан не приложен" in " ".join(messages_of(response))
    assert 'class="invalid-feedback d-block"' in html
    assert reason in html
    assert not ProtocolScan.objects.exists()
    assert stored() == before
    assert _record(protocol) == record


def _docx() -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_a_draft_gets_no_scan(world):
    draft = f.build_protocol(world, n_items=1, n_attendees=2, theme="Черновик")
    before = stored()
    response = login(world.head).post(url("protocol_scan_attach", draft.pk), {"file": upload()}, follow=True)
    assert messages_of(response) == ["Скан прикладывают к подписанному протоколу: сначала подпишите протокол."]
    assert not ProtocolScan.objects.exists()
    assert stored() == before


# --- once attached, part of the record ------------------------------------------------------------


def test_a_second_scan_is_refused_and_the_first_stays(world):
    protocol = signed(world)
    client = login(world.head)
    client.post(url("protocol_scan_attach", protocol.pk), {"file": upload("первый.pdf")}, follow=True)
    first = ProtocolScan.objects.get(protocol=protocol)
    before = stored()

    response = client.post(url("protocol_scan_attach", protocol.pk), {"file": upload("второй.png", f.TINY_PNG)},
                           follow=True)

    assert messages_of(response) == ["Скан подписанного протокола уже приложен: заменить или удалить его нельзя."]
    assert list(ProtocolScan.objects.values_list("pk", "file_id")) == [(first.pk, first.file_id)]
    assert stored() == before
    with pytest.raises(ScanAttachedError):
        services.protocol_scan_attach(protocol=protocol, upload=upload(), user=world.head)
    assert stored() == before


def test_no_path_replaces_or_removes_an_attached_scan(world):
    protocol = signed(world)
    scan = services.protocol_scan_attach(protocol=protocol, upload=upload(), user=world.head)
    attached = scan.file_id
    other = f.StoredFileFactory(original_name="другой.pdf")

    scan.file = other
    with pytest.raises(ScanAttachedError):
        scan.save()
    with pytest.raises(ScanAttachedError):
        scan.delete()
    with pytest.raises(ScanAttachedError):
        ProtocolScan.objects.filter(pk=scan.pk).update(file=other)
    with pytest.raises(ScanAttachedError):
        ProtocolScan.objects.filter(pk=scan.pk).delete()
    with pytest.raises(ProtectedError):
        StoredFile.objects.filter(pk=attached).delete()  # the file under it: PROTECT
    with pytest.raises(SignedProtocolError):
        Protocol.objects.filter(pk=protocol.pk).delete()
    assert ProtocolScan.objects.filter(pk=scan.pk).values_list("file_id", flat=True).get() == attached
    # The message says so, in Russian.
    assert ScanAttachedError().messages == [
        "Скан подписанного протокола уже приложен: заменить или удалить его нельзя."
    ]


def test_the_admin_offers_no_way_to_change_it(world):
    """The scan has no admin of its own (nothing to add, change or delete there); the protocol's
    admin stays read-only once signed."""
    assert ProtocolScan not in admin.site._registry
    protocol = signed(world)
    services.protocol_scan_attach(protocol=protocol, upload=upload(), user=world.head)
    client = login(world.admin)
    response = client.post(reverse("admin:meetings_protocol_change", args=[protocol.pk]), {"decided_label": "РЕШИЛИ"})
    assert response.status_code == 403
    assert ProtocolScan.objects.filter(protocol=protocol).count() == 1


# --- downloading it ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "status"),
    [("teacher", 200), ("head", 200), ("deputy", 200), ("methodologist", 200), ("admin", 200),
     ("other_deputy", 404), ("other_district_methodologist", 404), ("outsider", 404)],
)
def test_the_protocols_readers_download_it(world, user, status):
    protocol = signed(world)
    services.protocol_scan_attach(protocol=protocol, upload=upload(), user=world.head)
    assert login(getattr(world, user)).get(url("protocol_scan", protocol.pk)).status_code == status


def test_no_scan_is_a_404(world):
    protocol = signed(world)
    assert login(world.head).get(url("protocol_scan", protocol.pk)).status_code == 404


# --- the page's queries --------------------------------------------------------------------------


def test_the_signed_protocols_page_with_its_scan_and_result_files_stays_flat(world, django_assert_num_queries):
    small = signed(world, "Малое", decisions=1)
    large = signed(world, "Большое", decisions=2)
    for protocol in (small, large):
        services.protocol_scan_attach(protocol=protocol, upload=upload(), user=world.head)
    for decision in Decision.objects.filter(protocol_item__protocol=large):
        for _ in range(3):
            DecisionFile.objects.create(decision=decision, file=f.StoredFileFactory(), uploaded_by=world.teacher)
    client = login(world.head)
    client.get(url("protocol", small.pk))
    assert count_queries(client, url("protocol", small.pk)) == count_queries(client, url("protocol", large.pk))
    # 1 session, 2 user, 3 person (roles), 4 appointments (roles), 5 the protocol with its meeting,
    # association, school, district, year, chair, secretary, signer and scan with its file (scoped
    # by a subquery), 6 attendance, 7 questions, 8 the speakers' classes, 9 the decisions with the
    # responsible, 10 their result files with the stored files, 11 guests, 12 agenda, 13 speakers
    with django_assert_num_queries(13):
        response = client.get(url("protocol", large.pk))
    html = response.content.decode()
    assert html.count('data-testid="decision-file"') == 6
    assert 'data-testid="protocol-scan"' in html
