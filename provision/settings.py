"""Settings for the provision-mapping project, read from environment variables.

Every setting a deployment may change is an environment variable read through the small typed
helpers below; a malformed value stops start-up with ImproperlyConfigured rather than being guessed.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

# The secret key signs sessions, password-reset links and CSRF tokens. The public demo key is used only with
# DJANGO_DEBUG=true (the demo, development) or under the test runner; anything else refuses to start without a
# real key, so a production server can never quietly run on a key printed in this file.
DEMO_SECRET_KEY = "insecure-demo-key-set-DJANGO_SECRET_KEY-in-production"
RUNNING_TESTS = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")
# Build steps that sign nothing and serve nothing (CI's migration check, packaging static files) run without a
# key: they get a random one that dies with the process.
OFFLINE_COMMAND = len(sys.argv) > 1 and sys.argv[1] in {"makemigrations", "collectstatic", "compilemessages"}
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if SECRET_KEY == DEMO_SECRET_KEY or (SECRET_KEY and len(SECRET_KEY) < 32):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be a long random string (50 characters; see README)")
if not SECRET_KEY:
    if not (DEBUG or RUNNING_TESTS or OFFLINE_COMMAND) or env_bool("DJANGO_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set unless DJANGO_DEBUG=true (README, 'Deploying'): "
            'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    SECRET_KEY = secrets.token_urlsafe(50) if OFFLINE_COMMAND and not DEBUG else DEMO_SECRET_KEY

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    # Security and data protection (README, "Accounts and security"): the audit trail, sign-in lockout,
    # two-factor codes for staff, and the Content-Security-Policy header.
    "auditlog",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    # The RQ task queue's worker command (`manage.py rqworker`) and queue settings (RQ_QUEUES below).
    "django_rq",
    "provision",
    "pupils",
    "interventions",
    "reports",
    "family",
    # The demo trust (manage.py seed_demo): last, as it builds on every app above.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "provision.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions, before CommonMiddleware: picks the page language from the browser (see LANGUAGES).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Drops NUL and other control characters from query strings and form fields before any view sees them.
    "provision.middleware.ControlCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session typed a two-factor code.
    "django_otp.middleware.OTPMiddleware",
    # Who did it, and from which address, for every audit entry written during the request.
    "provision.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "provision.middleware.SchoolContextMiddleware",
    # Staff sessions end after STAFF_IDLE_MINUTES without a request, or when signed out everywhere.
    "provision.middleware.SessionSecurityMiddleware",
    # Staff with a two-factor device (or whose school requires one for their role) type a code first.
    "provision.middleware.TwoFactorMiddleware",
    # Cache-Control: no-store on every page and export served to a signed-in user.
    "provision.middleware.NoStoreMiddleware",
    # Last: turns a locked-out sign-in into the "too many attempts" page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "provision.urls"

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
                "provision.context_processors.school_frame",
                "pupils.context_processors.guardian",
            ],
        },
    },
]

WSGI_APPLICATION = "provision.wsgi.application"

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Allow the demo server and a management command to share the file without "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2id for new and changed passwords; older hashes still verify and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# django-axes first: it counts failed sign-ins (login page and the parents' invitation page) and refuses
# further attempts while a username or an address is locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "reports:home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True


def env_languages(name: str, default: list[str]) -> list[tuple[str, str]]:
    """``DJANGO_LANGUAGES=en-gb,pl,ur`` -> [("en-gb", "British English"), ("pl", "Polish"), ("ur", "Urdu")]."""
    from django.conf.locale import LANG_INFO

    codes = [code.lower() for code in env_list(name, default)]
    unknown = [code for code in codes if "name" not in LANG_INFO.get(code, {})]
    if unknown:
        raise ImproperlyConfigured(f"{name}: unknown language code(s) {', '.join(unknown)} (use Django's codes)")
    if LANGUAGE_CODE not in codes:
        raise ImproperlyConfigured(f"{name} must include {LANGUAGE_CODE}, the language the pages are written in")
    return [(code, LANG_INFO[code]["name"]) for code in codes]


# The languages pages may be shown in, chosen from each browser's preferred languages (LocaleMiddleware).
# British English only by default: Django ships its own translations of form errors and month names, so
# offering a language before the school has translated our words would give pages in two languages. A school
# adds one with `python manage.py makemessages -l pl`, translates locale/pl/LC_MESSAGES/django.po,
# runs `compilemessages`, then sets DJANGO_LANGUAGES=en-gb,pl (README, "Parents and carers").
LANGUAGES = env_languages("DJANGO_LANGUAGES", [LANGUAGE_CODE])
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Uploads: MIS exports of a large school are a few MB; refuse anything absurd early.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024)
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
# Limits that keep any accepted file within a worker's memory (under 500 MB, see bench "import_limits"): rows
# and columns read from a file, and for an .xlsx (a zip of XML) the size it unpacks to and how far it may be
# compressed, checked before anything is unpacked, so that a zip bomb is refused at once.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 100)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 2_000_000)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100)
# Files up to this size are read inside the upload request; larger ones by a background task with a progress
# bar (with no Redis, the "background" task runs in the request too).
IMPORT_INLINE_BYTES = env_int("IMPORT_INLINE_BYTES", 256 * 1024)

# --- HTTPS, cookies and headers ----------------------------------------------------------------------------
# Production sits behind a TLS-terminating proxy (nginx or Caddy, README "Deploying") and sets
# DJANGO_SECURE_COOKIES=true, DJANGO_SSL_REDIRECT=true, DJANGO_HSTS_SECONDS=31536000 and
# DJANGO_PROXY_SSL_HEADER=true; the demo runs on plain http with all of them off.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
# Trust the proxy's X-Forwarded-Proto only when told that a proxy sets it (otherwise a client could claim https).
if env_bool("DJANGO_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of the app append to X-Forwarded-For: the client address for lockouts and the audit
# log is read that many hops from the right. 0 (no proxy) uses the connection's address.
TRUSTED_PROXY_COUNT = env_int("DJANGO_TRUSTED_PROXY_COUNT", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, no inline script.
# Inline style *attributes* stay allowed because the server-drawn matplotlib charts (SVG embedded in the page)
# colour their shapes with them; they cannot run code. The one <style> element matplotlib writes into every SVG
# is allowed by its hash (provision.security.MATPLOTLIB_SVG_STYLE_HASH, checked by a test).
from csp.constants import NONE, SELF  # noqa: E402

from provision.security import MATPLOTLIB_SVG_STYLE_HASH  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-elem": [SELF, MATPLOTLIB_SVG_STYLE_HASH],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Browser features no page of the app uses, switched off for every page.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)

# --- Sessions, sign-in and two-factor -------------------------------------------------------------------------
# Staff sessions end after this many minutes without a request (parents' after SESSION_COOKIE_AGE).
STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 8 * 60)
if STAFF_IDLE_MINUTES < 5:
    raise ImproperlyConfigured("STAFF_IDLE_MINUTES must be at least 5")
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE_DAYS", 14) * 24 * 60 * 60

# Lockout (django-axes, database handler: shared by every app server and process without Redis). After
# AXES_FAILURE_LIMIT wrong passwords for one username, or from one address, further sign-ins for it are refused
# for AXES_COOLOFF_MINUTES. A school's staff often share one public address, so the limit is not too low.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 10)
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 15)
if AXES_FAILURE_LIMIT < 3 or AXES_COOLOFF_MINUTES < 1:
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT must be at least 3 and AXES_COOLOFF_MINUTES at least 1")
AXES_COOLOFF_TIME = dt.timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "provision.security.client_ip"
AXES_VERBOSE = False
# Usernames are matched as typed but without case, so "Senco" and "senco" share one count.
AXES_USERNAME_CALLABLE = "provision.security.axes_username"

# Two-factor codes (django-otp TOTP): the issuer name shown in authenticator apps.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Provision")

# --- Audit trail (django-auditlog) ---------------------------------------------------------------------------
# Every create, update and delete of these models is logged with who, when, from where and old -> new.
# Bulk writes (imports, the results grid, attendance) are logged by provision.audit. Timestamps are left out.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    {"model": "pupils.pupil", "exclude_fields": ["created_at", "updated_at"]},
    "pupils.guardian",
    "pupils.pupilguardian",
    {"model": "pupils.result", "exclude_fields": ["updated_at"]},
    {"model": "pupils.absence", "exclude_fields": ["updated_at"]},
    {
        "model": "interventions.supportplan",
        "exclude_fields": ["created_at", "updated_at"],
        "m2m_fields": {"interventions"},
    },
    "interventions.planreview",
    "interventions.reviewoutcomerating",
    {"model": "pupils.pupilpassport", "exclude_fields": ["updated_at"]},
    {"model": "interventions.intervention", "exclude_fields": ["created_at", "updated_at"]},
    "interventions.interventionstaff",
    {"model": "interventions.placement", "exclude_fields": ["created_at"]},
    {"model": "interventions.session", "exclude_fields": ["logged_at"]},
    "interventions.attendance",
    # Progress checks (interventions.progress): the group's check, each pupil's target, scores (written in bulk, so
    # logged by the service too) and the decisions acknowledged with what was changed.
    {"model": "interventions.progresscheck", "exclude_fields": ["created_at", "updated_at"]},
    {"model": "interventions.checkgoal", "exclude_fields": ["updated_at"]},
    {"model": "interventions.checkscore", "exclude_fields": ["recorded_at"]},
    {"model": "interventions.checkreview", "exclude_fields": ["recorded_at"]},
)
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_REMOTE_ADDR = False

# Outgoing mail (parents' invitations). With EMAIL_HOST set, mail goes out over SMTP; without it (the demo,
# development) each message is printed on the console. The test runner swaps in the in-memory backend.
EMAIL_HOST = env_str("EMAIL_HOST", "")
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set only one of EMAIL_USE_TLS (STARTTLS, port 587) and EMAIL_USE_SSL (port 465)")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "provision@localhost")

# The address links in emails start with, e.g. https://provision.example.sch.uk; without it, the address the
# page was requested on (behind a TLS-terminating proxy that may be http://, so production sets this).
SITE_URL = env_str("SITE_URL", "").rstrip("/")
if SITE_URL and not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured(f"SITE_URL must start with https://, not {SITE_URL!r}")

# How long a parent's invitation link works, in days.
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14)
if INVITATION_VALID_DAYS < 1:
    raise ImproperlyConfigured("INVITATION_VALID_DAYS must be at least 1")

# --- Shared cache, sessions and background tasks (issue 13) --------------------------------------------------
# One switch, REDIS_URL (e.g. redis://127.0.0.1:6379/0), turns a single server into several that behave as one:
# - CACHES: Django's Redis cache, shared by every worker and server, for the cached figures (dashboard, impact,
#   who needs support; see provision/figures.py) and the charts. Without it, each process keeps its own local
#   memory cache; the figures stay right because their version numbers live in the database.
# - SESSION_ENGINE: sessions are kept in the database; with Redis, read through the shared cache ("cached_db").
#   A per-process cache would let a signed-out session live on in another worker's memory, so without Redis the
#   plain database engine is used.
# - Background tasks (provision/tasks.py) go to an RQ queue in the same Redis, served by `manage.py rqworker`
#   (README, "Background tasks"); without Redis they run at once, inside the request that asked for them.
REDIS_URL = env_str("REDIS_URL", "").strip()
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"REDIS_URL must start with redis://, rediss:// or unix://, not {REDIS_URL!r}")
# Several deployments (or test runs) sharing one Redis keep apart by their key prefix.
CACHE_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "provision")
CACHE_TIMEOUT = env_int("CACHE_TIMEOUT", 24 * 60 * 60)
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's own Redis backend, made to treat an unreachable Redis as a cache miss (provision/cache.py).
            "BACKEND": "provision.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "TIMEOUT": CACHE_TIMEOUT,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "provision",
            "TIMEOUT": CACHE_TIMEOUT,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# TASKS_INLINE=true runs background tasks in the request even with Redis (a single small server); it is the
# default without Redis. RQ_QUEUES is django-rq's setting: one queue, "default", in the Redis of REDIS_URL.
TASKS_INLINE = env_bool("TASKS_INLINE", not REDIS_URL)
if not TASKS_INLINE and not REDIS_URL:
    raise ImproperlyConfigured("TASKS_INLINE=false needs REDIS_URL: background tasks are queued in Redis")
# A task running longer than this is stopped by the worker and its page offers to try again.
TASK_TIMEOUT_SECONDS = env_int("TASK_TIMEOUT_SECONDS", 30 * 60)
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": TASK_TIMEOUT_SECONDS}}
RQ_SHOW_ADMIN_LINK = False
# A trust's dashboard showing this many schools side by side is worked out by a background task when its figures
# are not cached yet (with a queue; inline, the request does it).
DASHBOARD_BACKGROUND_SCHOOLS = env_int("DASHBOARD_BACKGROUND_SCHOOLS", 4)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
    # Django's own "django" logger has a console handler of its own and also passes its records up to the root:
    # without this, every warning printed twice under runserver.
    "loggers": {"django": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO"), "propagate": False}},
}
