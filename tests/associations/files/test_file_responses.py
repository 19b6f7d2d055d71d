"""Serving stored files (associations/files/responses.py): a download as an attachment with safe
headers, streamed; a bounded thumbnail of an image, cached in storage; a 404, never a 500."""

import io
from urllib.parse import unquote

import pytest
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.test import RequestFactory
from PIL import Image

from associations.files import responses, services
from tests.associations.files import samples


def _store(name: str, content: bytes, user=None):
    return services.file_store(upload=samples.upload(name, content), user=user)


def test_a_download_is_an_attachment_with_safe_headers(db):
    content = samples.pdf_bytes()
    stored = _store("Сценарий «Родина» 6 Б.pdf", content)

    response = responses.file_response(stored)

    assert isinstance(response, FileResponse) and response.streaming
    assert b"".join(response.streaming_content) == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Length"] == str(len(content))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private"
    assert response["Content-Security-Policy"].startswith("sandbox")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="Stsenariy_Rodina_6_B.pdf"; filename*=UTF-8\'\'')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "Сценарий «Родина» 6 Б.pdf"
    assert disposition.isascii() and "\n" not in disposition


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ('a"b\\c;d.pdf', "a_b_c_d.pdf"),
        ("Ёлка.pdf", "Elka.pdf"),
        ("…", "file"),
        ("日本.pdf", "pdf"),
    ],
)
def test_the_ascii_fallback_name_is_plain(name, fallback):
    assert responses.ascii_filename(name) == fallback


def test_the_content_type_is_the_detected_one(db):
    stored = _store("x.pdf", samples.image_bytes("PNG"))
    response = responses.file_response(stored)
    assert response["Content-Type"] == "image/png"
    assert 'filename="x.png"' in response["Content-Disposition"]


def test_a_missing_blob_is_a_404(db):
    stored = _store("x.pdf", samples.pdf_bytes())
    default_storage.delete(stored.storage_name)
    with pytest.raises(Http404):
        responses.file_response(stored)


@pytest.mark.parametrize(("format", "type"), [("PNG", "png"), ("JPEG", "jpeg")])
def test_a_thumbnail_is_bounded_and_cached(db, format, type):
    stored = _store(f"фото.{type}", samples.image_bytes(format, (1600, 900)))

    response = responses.thumbnail_response(stored)

    assert response.status_code == 200
    assert response["Content-Type"] == f"image/{type}"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"].startswith("private")
    with Image.open(io.BytesIO(response.content)) as thumb:
        assert thumb.format == format
        assert thumb.size == (320, 180)
    assert default_storage.exists(services.thumbnail_name(stored))
    assert responses.thumbnail_response(stored).content == response.content  # from the cache


def test_a_thumbnail_of_a_phone_photo_is_turned_upright(db):
    image = Image.new("RGB", (400, 200), "#3a7")
    exif = image.getexif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    stored = _store("фото.jpg", out.getvalue())
    with Image.open(io.BytesIO(responses.thumbnail_response(stored).content)) as thumb:
        assert thumb.size == (160, 320)


def test_a_repeated_thumbnail_is_not_modified(db):
    stored = _store("фото.png", samples.image_bytes("PNG"))
    etag = responses.thumbnail_response(stored)["ETag"]
    request = RequestFactory().get("/", headers={"If-None-Match": etag})
    assert responses.thumbnail_response(stored, request).status_code == 304


def test_no_thumbnail_for_a_document(db):
    stored = _store("x.pdf", samples.pdf_bytes())
    with pytest.raises(Http404):
        responses.thumbnail_response(stored)


def test_a_view_serves_the_thumbnail_made_at_the_upload_undecoded(db, monkeypatch):
    stored = _store("фото.png", samples.image_bytes("PNG", (1600, 900)))
    assert default_storage.exists(services.thumbnail_name(stored))
    monkeypatch.setattr(Image, "open", lambda *a, **k: pytest.fail("decoded at a view"))
    assert responses.thumbnail_response(stored).status_code == 200


def _older(stored):
    """The file as stored before thumbnails were made at the upload."""
    default_storage.delete(services.thumbnail_name(stored))
    return stored


def test_an_older_file_gets_its_thumbnail_once(db, monkeypatch):
    stored = _older(_store("фото.png", samples.image_bytes("PNG", (1600, 900))))
    response = responses.thumbnail_response(stored)
    with Image.open(io.BytesIO(response.content)) as thumb:
        assert thumb.size == (320, 180)
    assert default_storage.exists(services.thumbnail_name(stored))
    monkeypatch.setattr(services, "make_thumbnail", lambda *a: pytest.fail("made twice"))
    assert responses.thumbnail_response(stored).content == response.content


def test_a_bomb_gives_no_thumbnail_and_no_500_and_is_never_decoded_again(db, monkeypatch):
    stored = _older(_store("фото.png", samples.image_bytes("PNG", (1000, 1000))))
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)  # the limit lowered after the upload
    with pytest.raises(Http404):
        responses.thumbnail_response(stored)
    with default_storage.open(services.thumbnail_name(stored), "rb") as marker:
        assert marker.read() == b""  # the failure, kept
    monkeypatch.setattr(services, "make_thumbnail", lambda *a: pytest.fail("decoded twice"))
    with pytest.raises(Http404):
        responses.thumbnail_response(stored)


def test_a_damaged_image_gives_no_thumbnail_and_is_never_decoded_again(db, monkeypatch):
    stored = _older(_store("фото.png", samples.image_bytes("PNG")))
    default_storage.delete(stored.storage_name)
    default_storage.save(stored.storage_name, io.BytesIO(samples.png_truncated(2000, 2000)))
    with pytest.raises(Http404):
        responses.thumbnail_response(stored)
    decoded = []
    monkeypatch.setattr(services, "make_thumbnail", lambda *a: decoded.append(a) or b"x")
    with pytest.raises(Http404):
        responses.thumbnail_response(stored)
    assert decoded == []


def test_a_missing_image_blob_gives_no_thumbnail(db):
    stored = _older(_store("фото.png", samples.image_bytes("PNG")))
    default_storage.delete(stored.storage_name)
    with pytest.raises(Http404):
        responses.thumbnail_response(stored)
