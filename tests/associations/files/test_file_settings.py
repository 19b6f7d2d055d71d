"""Where the files go: local storage by default, an S3-compatible bucket once RMO_S3_BUCKET is
set (rmo_portal/settings.py, default_storage_setting; docs/deploy.md «Файлы»)."""

import os
import subprocess
import sys
from pathlib import Path

from rmo_portal.settings import BASE_DIR, default_storage_setting

S3_ENV = ("RMO_S3_BUCKET", "RMO_S3_ENDPOINT_URL", "RMO_S3_REGION", "RMO_S3_PREFIX", "RMO_S3_ADDRESSING_STYLE",
          "RMO_S3_ACCESS_KEY_ID", "RMO_S3_ACCESS_KEY_ID_FILE", "RMO_S3_SECRET_ACCESS_KEY",
          "RMO_S3_SECRET_ACCESS_KEY_FILE")


def _clear(monkeypatch):
    for name in S3_ENV:
        monkeypatch.delenv(name, raising=False)


def test_local_storage_by_default(monkeypatch):
    _clear(monkeypatch)
    assert default_storage_setting() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_s3_when_a_bucket_is_named(monkeypatch, tmp_path: Path):
    _clear(monkeypatch)
    secret = tmp_path / "s3_secret"
    secret.write_text("very-secret\n")
    monkeypatch.setenv("RMO_S3_BUCKET", "rmo-files")
    monkeypatch.setenv("RMO_S3_ENDPOINT_URL", "https://storage.example.org")
    monkeypatch.setenv("RMO_S3_REGION", "ru-central1")
    monkeypatch.setenv("RMO_S3_ACCESS_KEY_ID", "key-id")
    monkeypatch.setenv("RMO_S3_SECRET_ACCESS_KEY_FILE", str(secret))

    assert default_storage_setting() == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "rmo-files",
            "endpoint_url": "https://storage.example.org",
            "region_name": "ru-central1",
            "access_key": "key-id",
            "secret_key": "very-secret",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
            "signature_version": "s3v4",
        },
    }


def test_the_settings_module_takes_the_bucket_from_the_environment():
    env = {k: v for k, v in os.environ.items() if k not in S3_ENV and k != "DJANGO_SETTINGS_MODULE"}
    env |= {"RMO_S3_BUCKET": "rmo-files", "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_DEBUG": "0"}
    code = "import rmo_portal.settings as s; print(s.STORAGES['default']['BACKEND'], s.STORAGES['default']['OPTIONS'])"
    result = subprocess.run(  # noqa: S603 (our own interpreter, a fixed script)
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60, check=True,
    )
    backend, options = result.stdout.strip().split(" ", 1)
    assert backend == "storages.backends.s3.S3Storage"
    assert "'default_acl': 'private'" in options and "'bucket_name': 'rmo-files'" in options
