import pytest
from django.core.files.storage import default_storage

from associations.files.models import StoredFile
from tests.associations.files import samples


@pytest.fixture
def nothing_stored(db):
    """Asserts, at the end of the test, that the storage and the StoredFile table are as they were."""
    before = (samples.storage_listing(), StoredFile.objects.count())
    yield
    assert (samples.storage_listing(), StoredFile.objects.count()) == before


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="uploader")


@pytest.fixture(scope="session")
def zip_bomb(tmp_path_factory):
    return samples.zip_bomb_docx(tmp_path_factory.mktemp("bomb") / "Сценарий.docx")


@pytest.fixture
def local_storage(settings, tmp_path):
    """The default storage on disk (FileSystemStorage in tmp_path) instead of InMemoryStorage."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    assert default_storage.location == str(tmp_path)
    return tmp_path
