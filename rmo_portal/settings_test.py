"""Test settings: fast hashing, in-memory e-mail and cache, plain static storage."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")

from rmo_portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ALLOWED_HOSTS = ["*"]


class ClientLoginAxesBackend:
    """axes.backends.AxesStandaloneBackend for Django's test `Client.login()`, which calls
    authenticate() without a request: axes refuses that (it keys the attempts on the request's
    address), so a blank HttpRequest stands in, as axes' documentation advises for tests. A login
    through the site's or the admin's form passes its request and is throttled exactly as in
    production (tests/test_login_throttle.py)."""

    def authenticate(self, request=None, **credentials):
        from axes.backends import AxesStandaloneBackend
        from django.http import HttpRequest

        return AxesStandaloneBackend().authenticate(HttpRequest() if request is None else request, **credentials)


AUTHENTICATION_BACKENDS = [
    "rmo_portal.settings_test.ClientLoginAxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
