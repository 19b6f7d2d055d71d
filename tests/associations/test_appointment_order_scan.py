"""The scan of an appointment's order: uploaded in the admin (through the file module's
UploadField and `services.appointment_order_scan_attach`, never a raw FileField), replaced by a
newer scan with the earlier kept in the history, downloaded on the site by those who see the
appointment (access: «appointment», «see»), linked on the pages that show appointments, and asked
by `Appointment.has_order_scan` (the documentation checklist counts it)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from associations import services
from associations.models import Appointment, StaffDistrict, StoredFile
from tests import factories as f
from tests.helpers import body, count_queries, login, stored

HTML_AS_PDF = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def upload(name: str = "Приказ 45-о.pdf", content: bytes = f.TINY_PDF):
    return SimpleUploadedFile(name, content)


def scan_url(appointment) -> str:
    return reverse("associations:appointment_order_scan", args=[appointment.pk])


def change_url(appointment) -> str:
    return reverse("admin:associations_appointment_change", args=[appointment.pk])


def staff_of(district, username: str):
    user = f.UserFactory(username=username, is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["associations", "meetings"]))
    StaffDistrict.objects.create(user=user, district=district)
    return user


@pytest.fixture
def appointment(world):
    """The school МО head's appointment."""
    return Appointment.objects.get(association=world.mo, person=world.head_person, role=Appointment.Role.HEAD)


def _change(client, appointment, **extra):
    return client.post(change_url(appointment), {
        "order_number": appointment.order_number, "order_issuer": appointment.order_issuer, "ends_on": "", **extra,
    })


# --- uploading it in the admin ----------------------------------------------------------------------


def test_the_staff_user_attaches_the_scan_on_the_change_page(world, appointment):
    staff = staff_of(world.district, "otdel")
    client = login(staff)
    page = client.get(change_url(appointment)).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'name="order_scan_upload"' in page and "не приложен" in page

    response = _change(client, appointment, order_scan_upload=upload())

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.has_order_scan
    assert appointment.order_scan.original_name == "Приказ 45-о.pdf"
    assert appointment.order_scan.uploaded_by == staff
    assert appointment.history.first().order_scan_id == appointment.order_scan_id
    page = client.get(change_url(appointment)).content.decode()
    assert f'href="{scan_url(appointment)}"' in page


def test_a_new_appointment_comes_with_its_scan(world):
    candidate = f.PersonFactory(school=world.school, experience_since=datetime.date(2015, 9, 1))
    response = login(world.admin).post(reverse("admin:associations_appointment_add"), {
        "association": world.rmo.pk, "person": candidate.pk, "role": Appointment.Role.HEAD, "order_number": "45-о",
        "order_date": "01.09.2025", "order_issuer": "", "starts_on": "",
        "order_scan_upload": upload("скан.jpg", _jpeg()),
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    appointment = Appointment.objects.get(association=world.rmo)
    assert appointment.has_order_scan
    assert appointment.order_scan.type == StoredFile.Type.JPEG


def _jpeg() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "#345").save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_refused_add_stores_no_scan(world):
    """The appointment's own rule refuses (the RMO head's education): no appointment, no file."""
    candidate = f.PersonFactory(school=world.school, education="")
    before = stored()
    response = login(world.admin).post(reverse("admin:associations_appointment_add"), {
        "association": world.rmo.pk, "person": candidate.pk, "role": Appointment.Role.HEAD, "order_number": "45-о",
        "order_date": "01.09.2025", "order_issuer": "", "starts_on": "", "order_scan_upload": upload(),
    })
    assert response.status_code == 200
    assert not Appointment.objects.filter(association=world.rmo).exists()
    assert stored() == before


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [("Приказ.pdf", HTML_AS_PDF, "HTML"), ("Приказ.docx", b"PK\x03\x04 not really a document", "Приказ.docx")],
    ids=["html-called-pdf", "broken-docx"],
)
def test_a_refused_file_says_why_next_to_the_field_and_stores_nothing(world, appointment, name, content, reason):
    before = stored()
    response = _change(login(world.admin), appointment, order_number="77-о", order_scan_upload=upload(name, content))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["order_scan_upload"]
    assert reason in " ".join(errors)
    appointment.refresh_from_db()
    assert not appointment.has_order_scan
    assert appointment.order_number != "77-о"  # nothing of the form was saved
    assert stored() == before


def test_a_new_scan_replaces_it_and_the_history_keeps_the_earlier(world, appointment):
    client = login(world.admin)
    _change(client, appointment, order_scan_upload=upload("первый.pdf"))
    appointment.refresh_from_db()
    first = appointment.order_scan_id

    _change(client, appointment, order_scan_upload=upload("второй.png", f.TINY_PNG))

    appointment.refresh_from_db()
    assert appointment.order_scan.original_name == "второй.png"
    assert StoredFile.objects.filter(pk=first).exists()
    assert first in set(appointment.history.values_list("order_scan_id", flat=True))
    # Saving without a new file keeps the scan.
    _change(client, appointment, order_number="46-о")
    appointment.refresh_from_db()
    assert (appointment.order_number, appointment.order_scan.original_name) == ("46-о", "второй.png")


def test_another_districts_staff_user_may_not(world, appointment):
    other = staff_of(world.other_district, "otdel2")
    before = stored()
    assert _change(login(other), appointment, order_scan_upload=upload()).status_code == 404
    with pytest.raises(PermissionDenied):
        services.appointment_order_scan_attach(appointment=appointment, upload=upload(), user=other)
    with pytest.raises(PermissionDenied):
        services.appointment_order_scan_attach(appointment=appointment, upload=upload(), user=world.methodologist)
    appointment.refresh_from_db()
    assert not appointment.has_order_scan
    assert stored() == before


# --- downloading it on the site ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("user", "status"),
    [("head", 200), ("deputy", 200), ("methodologist", 200), ("admin", 200), ("teacher", 404),
     ("other_deputy", 404), ("other_district_methodologist", 404), ("outsider", 404)],
)
def test_those_who_see_the_appointment_download_it(world, appointment, user, status):
    services.appointment_order_scan_attach(appointment=appointment, upload=upload(), user=world.admin)
    response = login(getattr(world, user)).get(scan_url(appointment))
    assert response.status_code == status
    if status == 200:
        assert body(response) == f.TINY_PDF
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")


def test_the_checklist_asks_has_an_order_scan(world, appointment):
    assert not appointment.has_order_scan
    assert not Appointment.objects.with_order_scan().exists()
    services.appointment_order_scan_attach(appointment=appointment, upload=upload(), user=world.admin)
    appointment.refresh_from_db()
    assert appointment.has_order_scan
    assert list(Appointment.objects.with_order_scan()) == [appointment]


def test_no_scan_is_a_404(world, appointment):
    assert not appointment.has_order_scan
    assert login(world.admin).get(scan_url(appointment)).status_code == 404


# --- the pages that show appointments ----------------------------------------------------------------


def test_the_association_page_links_it_for_those_who_see_the_appointment(world, appointment):
    page = reverse("associations:detail", args=[world.mo.pk])
    client = login(world.methodologist)
    client.get(page)
    before = count_queries(client, page)
    services.appointment_order_scan_attach(appointment=appointment, upload=upload(), user=world.admin)
    assert count_queries(client, page) == before  # the link needs only the appointment's own column
    html = client.get(page).content.decode()
    assert html.count(f'href="{scan_url(appointment)}"') == 2  # the head's card, the history
    for user in (world.deputy, world.head):
        assert f'href="{scan_url(appointment)}"' in login(user).get(page).content.decode()
    # The class teacher reads the association's page, not the appointment.
    assert f'href="{scan_url(appointment)}"' not in login(world.teacher).get(page).content.decode()


def test_the_person_page_links_it(world, appointment):
    services.appointment_order_scan_attach(appointment=appointment, upload=upload(), user=world.admin)
    page = reverse("associations:person", args=[world.head_person.pk])
    assert f'href="{scan_url(appointment)}"' in login(world.head).get(page).content.decode()
    assert f'href="{scan_url(appointment)}"' in login(world.methodologist).get(page).content.decode()


def test_the_acknowledgment_pages_link_it(world, appointment):
    f.instruction_version("school")
    acknowledgments = reverse("associations:acknowledgments")
    client = login(world.methodologist)
    client.get(acknowledgments)
    before = count_queries(client, acknowledgments)
    services.appointment_order_scan_attach(appointment=appointment, upload=upload(), user=world.admin)
    assert count_queries(client, acknowledgments) == before
    assert f'href="{scan_url(appointment)}"' in client.get(acknowledgments).content.decode()
    acknowledge = reverse("associations:acknowledge", args=[appointment.pk])
    assert f'href="{scan_url(appointment)}"' in login(world.head).get(acknowledge).content.decode()
