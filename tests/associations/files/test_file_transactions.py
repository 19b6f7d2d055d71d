"""files_atomic and file_discard: a blob lives exactly as long as the row that names it."""

import pytest
from django.core.files.storage import default_storage

from associations.files import responses, services
from associations.files.models import StoredFile
from tests.associations.files import samples


class Boom(Exception):
    pass


def _upload(name="x.pdf"):
    return samples.upload(name, samples.image_bytes("PNG") if name.endswith(".png") else b"%PDF-1.4\n%%EOF\n")


def test_a_failed_block_deletes_the_blobs_it_wrote(nothing_stored, user):
    with pytest.raises(Boom), services.files_atomic():
        first = services.file_store(upload=_upload(), user=user)
        services.file_store(upload=_upload("y.pdf"), user=user)
        assert default_storage.exists(first.storage_name)
        raise Boom


def test_a_refused_second_file_rolls_back_the_first(nothing_stored, user):
    with pytest.raises(services.FileRefused), services.files_atomic():
        services.file_store(upload=_upload(), user=user)
        services.file_store(upload=samples.upload("вирус.pdf", samples.EXE), user=user)


def test_an_outer_failure_deletes_what_an_inner_block_kept(nothing_stored, user):
    with pytest.raises(Boom), services.files_atomic():
        with services.files_atomic():
            services.file_store(upload=_upload(), user=user)
        raise Boom


def test_a_block_that_succeeds_keeps_its_files(db, user):
    with services.files_atomic():
        stored = services.file_store(upload=_upload(), user=user)
    assert default_storage.exists(stored.storage_name)
    assert StoredFile.objects.filter(pk=stored.pk).exists()


def test_a_row_that_cannot_be_written_leaves_no_blob(nothing_stored, user, monkeypatch):
    def fail(**kwargs):
        raise Boom

    monkeypatch.setattr(StoredFile.objects, "create", fail)
    with pytest.raises(Boom):
        services.file_store(upload=_upload(), user=user)


def test_discard_deletes_the_blob_and_its_thumbnail_on_commit(db, user, django_capture_on_commit_callbacks):
    stored = services.file_store(upload=_upload("фото.png"), user=user)
    responses.thumbnail_response(stored)
    names = [stored.storage_name, services.thumbnail_name(stored)]
    assert all(default_storage.exists(n) for n in names)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.file_discard(stored)
    assert not StoredFile.objects.filter(storage_name=names[0]).exists()
    assert all(default_storage.exists(n) for n in names)  # until the commit
    for callback in callbacks:
        callback()
    assert not any(default_storage.exists(n) for n in names)


def test_discard_rolled_back_keeps_the_blob(db, user, django_capture_on_commit_callbacks):
    stored = services.file_store(upload=_upload(), user=user)
    pk = stored.pk
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Boom), services.files_atomic():
        services.file_discard(stored)
        raise Boom
    assert StoredFile.objects.filter(pk=pk).exists()
    assert default_storage.exists(stored.storage_name)
