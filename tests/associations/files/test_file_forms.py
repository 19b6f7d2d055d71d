"""The upload fields (associations/files/forms.py): the file module's Russian reason next to the
field, and the rest of the form kept; through a real request, the settings' upload handlers."""

import json

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import JsonResponse
from django.urls import path

from associations.files import services
from associations.files.forms import UploadField, UploadsField
from associations.files.services import Type
from tests.associations.files import samples


class MaterialForm(forms.Form):
    title = forms.CharField(max_length=200)
    file = UploadField(allowed=services.DOCUMENT_TYPES)


class PhotosForm(forms.Form):
    photos = UploadsField(allowed=services.IMAGE_TYPES, budget=10_000_000)


def upload_view(request):
    form = MaterialForm(request.POST, request.FILES)
    return JsonResponse({"valid": form.is_valid(), "errors": form.errors, "title": form.data.get("title")})


urlpatterns = [path("upload/", upload_view)]


def test_a_refused_file_is_an_error_of_its_field_and_the_rest_is_kept(db):
    form = MaterialForm({"title": "Классный час о Родине"}, {"file": samples.upload("x.pdf", samples.EXE)})
    assert not form.is_valid()
    assert list(form.errors) == ["file"]
    assert form.errors["file"][0].startswith("Файл «x.pdf» — не PDF, а исполняемый файл Windows (EXE)")
    assert form.cleaned_data["title"] == "Классный час о Родине"


def test_a_good_file_passes(db):
    form = MaterialForm({"title": "Т"}, {"file": samples.upload("x.docx", samples.ooxml_bytes("docx"))})
    assert form.is_valid(), form.errors


def test_the_field_tells_what_it_takes():
    field = MaterialForm().fields["file"]
    assert field.help_text == "PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, не больше 20 МБ."
    assert ".pdf" in field.widget.attrs["accept"] and ".jpg" not in field.widget.attrs["accept"]


def test_an_image_is_refused_where_documents_are_asked_for(db):
    form = MaterialForm({"title": "Т"}, {"file": samples.upload("фото.jpg", samples.image_bytes("JPEG"))})
    assert form.errors["file"] == ["Файл «фото.jpg» — JPEG, а здесь принимаются только PDF, DOCX, XLSX, PPTX, ODT, "
                                   "ODS, ODP."]


def test_several_files_each_checked_and_together_within_the_budget(db):
    from django.utils.datastructures import MultiValueDict

    png = samples.image_bytes("PNG")
    files = MultiValueDict({"photos": [
        SimpleUploadedFile("a.png", png), SimpleUploadedFile("b.pdf", samples.EXE), SimpleUploadedFile("c.jpg", png),
    ]})
    form = PhotosForm({}, files)
    assert not form.is_valid()
    assert len(form.errors["photos"]) == 1 and "«b.pdf»" in form.errors["photos"][0]

    form = PhotosForm({}, MultiValueDict({"photos": [SimpleUploadedFile("a.png", png)] * 2}))
    form.fields["photos"].budget = len(png) + 10
    assert not form.is_valid()
    assert "не помещается" in form.errors["photos"][0]

    both = [SimpleUploadedFile("a.png", png), SimpleUploadedFile("c.png", png)]
    form = PhotosForm({}, MultiValueDict({"photos": both}))
    assert form.is_valid() and len(form.cleaned_data["photos"]) == 2


@pytest.mark.urls(__name__)
def test_through_a_request_the_reason_is_shown_and_nothing_stored(client, nothing_stored):
    response = client.post("/upload/", {"title": "Классный час", "file": samples.upload("отчёт.pdf", samples.HTML)})
    body = json.loads(response.content)
    assert body["valid"] is False and body["title"] == "Классный час"
    assert body["errors"]["file"][0].startswith("Файл «отчёт.pdf» — не PDF, а похоже на HTML-страницу")


@pytest.mark.urls(__name__)
def test_through_a_request_a_good_file_passes(client, db):
    response = client.post("/upload/", {"title": "Т", "file": samples.upload("x.odt", samples.odf_bytes("odt"))})
    assert json.loads(response.content)["valid"] is True


def test_types_of_the_api():
    assert services.ALL_TYPES == services.DOCUMENT_TYPES | services.IMAGE_TYPES == set(Type.values)
    assert services.FILE_MAX_BYTES == 20 * 1024 * 1024 and services.CARD_MAX_BYTES == 100 * 1024 * 1024
