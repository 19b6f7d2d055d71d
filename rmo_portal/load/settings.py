"""The settings of the load test's gunicorn instances: production's (DEBUG off, the shared
cache, database sessions, axes in the database), less what needs TLS in front, since locust
talks plain HTTP to 127.0.0.1 with no nginx between: no redirect to HTTPS, no Secure flag on
the cookies (a client would not send them back over HTTP), no HSTS. The static files are not
collected (the users do not fetch them: a browser keeps them for a year), so their storage is
the plain one, without the manifest that `collectstatic` writes."""

from rmo_portal.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
