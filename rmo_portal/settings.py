"""Settings of Портал РМО, read from the environment.

Safe defaults for development; production sets DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS and
DATABASE_URL (see docs/deploy.md). DJANGO_DEBUG is off unless asked for (`make run` asks).
"""

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_tomselect
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    if not value.strip():
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envsecret(name: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (docker/k8s secrets)."""
    if os.environ.get(f"{name}_FILE"):
        return Path(os.environ[f"{name}_FILE"]).read_text().strip()
    return os.environ.get(name, "")


DEBUG = envbool("DJANGO_DEBUG", False)

# Management commands that only read the code and sign nothing that outlives them: they run on a
# fresh clone without a key (a key made for the one process, never the development one).
OFFLINE_COMMANDS = frozenset({"makemigrations", "makemessages", "compilemessages", "help", "version", "diffsettings"})

SECRET_KEY = envsecret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "django-insecure-dev-only-key-never-use-in-production"  # noqa: S105 (debug only)
    elif len(sys.argv) > 1 and Path(sys.argv[0]).name == "manage.py" and sys.argv[1] in OFFLINE_COMMANDS:
        SECRET_KEY = secrets.token_urlsafe(50)
    else:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY обязателен, когда DJANGO_DEBUG выключен.")

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = envlist("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",  # login throttling: failed attempts in the database (see AXES_* below)
    "associations",
    "meetings",
    "reports",
    "rmo_portal",  # the composition root: the demo and bench data sets and their commands
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "rmo_portal.middleware.MissingAcademicYearMiddleware",
    # Last, as axes asks: turns a login refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rmo_portal.urls"
WSGI_APPLICATION = "rmo_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "associations.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=envint("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes' backend comes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["rmo_portal.formats"]
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# django-tomselect is not an installed app (its placeholder model would bring its permissions into
# the admin): only its static files are used, the vendored Tom Select of the people pickers
# (rmo_portal.pickers, templates/base.html).
STATICFILES_DIRS = [BASE_DIR / "static", Path(django_tomselect.__file__).resolve().parent / "static"]
# The cache, shared by every gunicorn worker and every app server (docs/deploy.md, section 9):
# the draft protocol previews (meetings/documents.py) are rendered once per version for all of
# them. By default a table of the portal's own database (`manage.py createcachetable` after
# `migrate`), which needs no other service; RMO_CACHE_URL=redis://host:6379/0 puts it in Redis
# instead (Django's RedisCache; the `redis` package must be installed). A cache kept per process
# (LocMemCache) would render a preview again in each worker and never be cleared across servers.
def cache_setting() -> dict:
    url = os.environ.get("RMO_CACHE_URL", "").strip()
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url:
        raise ImproperlyConfigured("RMO_CACHE_URL: ожидается адрес redis://…, или пусто (кэш в базе).")
    return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "rmo_cache"}


CACHES = {"default": cache_setting()}

MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))


def default_storage_setting() -> dict:
    """Where uploaded files go (docs/deploy.md, «Файлы»): MEDIA_ROOT on this server, or an
    S3-compatible bucket through django-storages once RMO_S3_BUCKET is set. Private either way:
    the portal serves a file only through a view that checks access."""
    bucket = os.environ.get("RMO_S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
        "signature_version": "s3v4",
    }
    optional = {
        "endpoint_url": os.environ.get("RMO_S3_ENDPOINT_URL", "").strip(),
        "region_name": os.environ.get("RMO_S3_REGION", "").strip(),
        "location": os.environ.get("RMO_S3_PREFIX", "").strip().strip("/"),
        "addressing_style": os.environ.get("RMO_S3_ADDRESSING_STYLE", "").strip(),  # «path» for MinIO
        # Without keys boto3 finds its own (an instance role, ~/.aws/credentials).
        "access_key": envsecret("RMO_S3_ACCESS_KEY_ID"),
        "secret_key": envsecret("RMO_S3_SECRET_ACCESS_KEY"),
    }
    options.update({key: value for key, value in optional.items() if value})
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": default_storage_setting(),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Uploads (associations/files): the first handler keeps no more of a file than the file module
# takes (20 MB + 1 byte, refused then), whatever the request sends; up to 2.5 MB in memory, more
# in a temporary file. A request carries at most 30 files; files are created readable by the
# portal's user only.
FILE_UPLOAD_HANDLERS = [
    "associations.files.uploads.FileLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "associations.files.uploads.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 30
# The monitoring's grid posts a field per pupil × quality × rater: 40 × 12 × 3 and the rows' numbers
# and initials exceed Django's 1000.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2500
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: the console by default; SMTP once EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = envint("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Портал РМО <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The portal's own address, for links in e-mails sent outside a request (reminders by cron).
SITE_URL = os.environ.get("RMO_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ADMINS = [("Администратор", a) for a in envlist("DJANGO_ADMINS", [])]

# Content Security Policy: nothing inline, nothing from outside.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Security: secure cookies and HSTS whenever debug is off.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", True)

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Login throttling (django-axes), for the site's login and the admin's alike (docs/deploy.md,
# «Защита входа»). After AXES_FAILURE_LIMIT wrong passwords for one username from one address,
# that pair is refused for AXES_COOLOFF_TIME; every refused try starts the cool-off again, so
# the page's «через N минут» holds from the moment it is shown. A login resets the count.
# The attempts are rows of the database: every gunicorn worker and server sees the same count,
# and the admin («Попытки доступа») unlocks a user by deleting the row.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = envint("RMO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("RMO_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_HTTP_RESPONSE_CODE = 429
# The client's address. Without a proxy (RMO_PROXY_COUNT=0) it is the connection's, and no header
# is believed. Behind N reverse proxies (nginx of docs/deploy.md: 1) it is taken from the header
# they write, X-Forwarded-For unless RMO_CLIENT_IP_HEADER names another: the N-th entry from the
# right, since each proxy appends the address it saw and the last one's is the connection's.
# Entries further left are the client's own to write and are ignored (IPWARE_STRICT off: a forged
# prefix does not void the header). Only the header is read: a request that did not come through
# the proxies, or through fewer of them, has no address and shares one count per username.
_proxy_count = envint("RMO_PROXY_COUNT", 0)
if _proxy_count > 0:
    _client_ip_header = os.environ.get("RMO_CLIENT_IP_HEADER", "").strip() or "X-Forwarded-For"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_" + _client_ip_header.upper().replace("-", "_"),)
    AXES_IPWARE_PROXY_COUNT = _proxy_count - 1
    IPWARE_STRICT = False
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
    AXES_IPWARE_PROXY_COUNT = None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every step at INFO; its warnings (a refused URL) still get through.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # Axes warns of each failed login and lockout; its INFO (a banner at every start, every
        # successful login) would fill cron's mail and the journal.
        "axes": {"level": "WARNING"},
    },
}
