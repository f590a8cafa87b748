"""The one settings module: every value that differs between machines comes from the environment."""

import ipaddress
import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from images.storage import media_origin, media_storage_from_env

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def database_from_url(url):
    """Turn DATABASE_URL (sqlite:///path or postgres://user:pass@host:port/name) into Django's dict."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path[1:] if parts.path.startswith("//") else parts.path.lstrip("/") or "")
        name = path if path.startswith("/") or path == ":memory:" else str(BASE_DIR / path)
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name, "OPTIONS": {"timeout": 20}}
    if parts.scheme in {"postgres", "postgresql", "pgsql"}:
        options = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
        # No JIT: it compiles any plan costed above jit_above_cost, which search's ranked query
        # reaches (about 50 ms of compiling for an 8 ms query); a site's short queries never gain.
        # A URL's own ?options=… replaces this (behind a pooler that refuses startup options, set
        # jit = off in postgresql.conf and pass ?options= empty).
        options.setdefault("options", "-c jit=off")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {parts.scheme!r} is not supported (use sqlite or postgres)."
    )


# The queries pages ask on every request (issues.prepared) run as statements prepared on each
# PostgreSQL connection: parsed and planned once per connection, not at every request. Off behind a
# pooler that shares server connections between transactions (PgBouncer in transaction mode), where a
# connection's prepared statements are not its own.
DATABASE_PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)

DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY") or ("dev-only-not-secret" if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set SECRET_KEY in the environment (or DEBUG=1 for local development)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Absolute links in letters and feeds; the request's host is used where there is a request.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "staff.admin_config.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Needed for the search vector's field type; harmless on SQLite (articles/search/).
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.forms",
    "taggit",
    "ckeditor",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    # The magazine's own domain (issues, sections, events, contacts): package issues/, app label "magazine".
    "issues",
    # Infrastructure, one job each (ARCHITECTURE.md): the page cache, revisions, the editors' desk,
    # backups, operations. richtext/, images/ and guards/ are plain packages (no models, no files).
    "sitecache",
    "revisions",
    "desk",
    "backups",
    "ops",
    "articles",
    "comments",
    "subscriptions",
    "outbox",
    # After articles: its admin adds the approval pages to the articles' admin.
    "approvals",
    # The task queue's table, its admin and `manage.py db_worker`.
    "django_tasks_db",
    "staff",
    "readers",
    # Codes printed in an issue: a reader redeems one for that issue's whole text (after readers).
    "issuecodes",
    # The print subscription list (its admin import needs import_export before it).
    "import_export",
    "printsubscribers",
    # Institutional access: an institution's networks and staff addresses read the whole text.
    "institutions",
    # Most read (counted without cookies) and the Telegram channel.
    "reach",
]

MIDDLEWARE = [
    # First: every response and every log line of the request carry its id (X-Request-ID).
    "ops.request_id.RequestIdMiddleware",
    # /healthz and /readyz for the load balancer: before the HTTPS redirect, host check and page cache.
    "ops.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages are compressed by the app (no proxy is required in front of it), with random bytes against
    # BREACH. Answers the page cache or sitecache keep come gzipped from their kept parts; the rest are
    # compressed here, at a cheaper level than Django's (sitecache/pages.py). Static files come
    # precompressed from WhiteNoise.
    "sitecache.GZipMiddleware",
    # Django's 304s, without hashing a page that holds a CSRF token (it could never match again).
    "sitecache.ConditionalGetMiddleware",
    # The request's memo of cache versions, opened with one round trip (sitecache.RequestMiddleware).
    "sitecache.RequestMiddleware",
    # Most read (reach/middleware.py): counts article reads and fills in the list, page-cache hits too.
    "reach.middleware.MostReadMiddleware",
    # request.institution: the institution whose network the client is in (its pages skip the page cache).
    "institutions.middleware.InstitutionMiddleware",
    # A page cache hit is answered here, before sessions, locale, authentication and the view.
    "sitecache.PageCacheMiddleware",
    "ops.headers.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the second factor of this session (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Staff sessions: idle expiry, tracking, and no staff rights before the second factor.
    "staff.middleware.StaffSessionMiddleware",
    # request.reader: a reader signed in by emailed link or code (readers/), apart from staff users.
    "readers.middleware.ReaderMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "ops.headers.AdminCSPMiddleware",
]

ROOT_URLCONF = "magazine.urls"
WSGI_APPLICATION = "magazine.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Backups keep times to the microsecond (backups/exact_json.py).
SERIALIZATION_MODULES = {"exactjson": "backups.exact_json"}

# Widget templates are looked up like any other template (templates/admin/articles/tag_input.html);
# the plain inputs, labels and error lists are written in Python (richtext/form_renderer.py).
FORM_RENDERER = "richtext.form_renderer.SiteFormRenderer"

DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL") or "sqlite:///db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if env_bool("CACHE_OFF", False):  # measurement only (make bench's *_cold rows): no cache at all
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
elif REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "sitecache.backends.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that stops answering fails requests (and /readyz) within seconds, not forever.
            "OPTIONS": {
                "socket_connect_timeout": env_int("REDIS_TIMEOUT", 5),
                "socket_timeout": env_int("REDIS_TIMEOUT", 5),
            },
        }
    }
else:
    # One SQLite file that every process of this machine shares (sitecache/backends.py): workers,
    # the task worker and management commands see one content version, one page cache, one count per
    # rate limit. Several machines share Redis instead (REDIS_URL).
    CACHES = {
        "default": {
            "BACKEND": "sitecache.backends.SQLiteCache",
            "LOCATION": os.environ.get("CACHE_PATH") or str(BASE_DIR / "var" / "cache.sqlite3"),
        }
    }

# Anonymous pages are kept until what they show changes (sitecache/), at most this long: an edit
# cools only the pages that show what it changed, so the long tail stays warm for a week. 0: off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 7 * 24 * 3600)
# /healthz and /readyz are answered above the page cache (ops/health.py); listed so they never are.
PAGE_CACHE_EXCLUDE = (
    "/admin/",
    "/media/",
    "/static/",
    "/language/",
    "/bench/",
    "/healthz",
    "/readyz",
    "/approval/",  # an interviewee's approval page: the text is theirs alone (approvals/views.py)
)
PAGE_CACHE_APPS = {"magazine", "articles", "taggit"}
# Pieces of pages shared by every reader ({% fragment %}: sidebar, article text, comments), kept
# like whole pages while what they show is unchanged; they serve readers the page cache cannot (a
# session, an editor). 0 turns them off.
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 7 * 24 * 3600)
# Each process keeps this many recently used pages, fragments and data in memory besides the shared
# cache (sitecache.LocalCopies); each is checked against its topics' versions, so never stale.
PAGE_CACHE_LOCAL_ENTRIES = 0 if env_bool("CACHE_OFF", False) else env_int("PAGE_CACHE_LOCAL_ENTRIES", 500)

# Admin sign-in: failures allowed per IP and per username before a lockout of LOGIN_LOCKOUT_SECONDS.
LOGIN_FAILURES_PER_IP = env_int("LOGIN_FAILURES_PER_IP", 20)
LOGIN_FAILURES_PER_USER = env_int("LOGIN_FAILURES_PER_USER", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 900)
# Where a sign-in lands when its `next` is missing or leads off the site (Django's default,
# /accounts/profile/, does not exist here): the admin is the only sign-in there is.
LOGIN_REDIRECT_URL = "admin:index"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Languages: Uzbek (Latin script) is the default; every public URL carries its language prefix.
LANGUAGE_CODE = "uz"
LANGUAGES = [("uz", _("Uzbek")), ("ru", _("Russian")), ("en", _("English"))]
# Our own strings, then the translations of Django's and taggit's strings that their uz and ru
# catalogues lack or get wrong ("Добавить статья"): kept by hand, see magazine/locale_django/.
LOCALE_PATHS = [BASE_DIR / "issues" / "locale", BASE_DIR / "magazine" / "locale_django"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Tashkent")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / os.environ.get("STATIC_ROOT", "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = BASE_DIR / os.environ.get("MEDIA_ROOT", "media")
# Media on an S3-compatible bucket with MEDIA_STORAGE_URL or AWS_STORAGE_BUCKET_NAME
# (images/storage.py), else on the local disk under MEDIA_ROOT.
MEDIA_STORAGE = media_storage_from_env(os.environ)
STORAGES = {
    "default": MEDIA_STORAGE or {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads: refuse huge request bodies before Python reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 12 * 1024 * 1024)
IMAGE_MAX_SIDE = env_int("IMAGE_MAX_SIDE", 8000)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
IMAGE_RENDITION_WIDTHS = (480, 960, 1600)
# Cropped renditions around an image's focal point: the social card and the admin's thumbnails.
IMAGE_CROPS = {"card": (1200, 630), "thumb": (160, 160)}
# While an editor types, the change form is kept as a revision this often (revisions/autosave.py).
AUTOSAVE_SECONDS = env_int("AUTOSAVE_SECONDS", 30)
# Interviews imported from Word (articles/word_import.py): the upload, and what it may unpack to.
WORD_IMPORT_MAX_BYTES = env_int("WORD_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
WORD_IMPORT_MAX_UNPACKED = env_int("WORD_IMPORT_MAX_UNPACKED", 60 * 1024 * 1024)
WORD_IMPORT_MAX_PARTS = env_int("WORD_IMPORT_MAX_PARTS", 1000)

# Email (Django 6.1 mailers). EMAIL_BACKEND names the backend (smtp, console, file, locmem, dummy, or a
# dotted path); each takes its options from the EMAIL_* variables below. SMTP when EMAIL_HOST is set and
# EMAIL_BACKEND is not, else the console. Letters are sent by the task worker (outbox/), never in a request.
EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def mailer_from_env():
    """MAILERS["default"] from the environment; a file backend without EMAIL_FILE_PATH stops start-up."""
    name = os.environ.get("EMAIL_BACKEND", "").strip() or (
        "smtp" if os.environ.get("EMAIL_HOST") else "console"
    )
    backend = EMAIL_BACKENDS.get(name, name)
    if backend == EMAIL_BACKENDS["smtp"]:
        options = {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS"),
            "use_ssl": env_bool("EMAIL_USE_SSL"),
            "timeout": env_int("EMAIL_TIMEOUT", 30),
            "ssl_certfile": os.environ.get("EMAIL_SSL_CERTFILE") or None,
            "ssl_keyfile": os.environ.get("EMAIL_SSL_KEYFILE") or None,
        }
    elif backend == EMAIL_BACKENDS["file"]:
        if not os.environ.get("EMAIL_FILE_PATH"):
            raise ImproperlyConfigured(
                "EMAIL_BACKEND=file needs EMAIL_FILE_PATH (a directory for the letters)."
            )
        options = {"file_path": str(BASE_DIR / os.environ["EMAIL_FILE_PATH"])}
    else:
        options = {}
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": mailer_from_env()}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Regional Security <editors@localhost>")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EDITORS_EMAILS = env_list("EDITORS_EMAILS")

# Security. Production (DEBUG off) is strict by default; each value can be overridden.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Sessions are read from the shared cache and written through to the database: a signed-in reader's
# or editor's page does not wait for a session query (a reader's page costs no query at all).
SESSION_ENGINE = "sitecache.sessions"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
SECURE_CSP = {
    "default-src": ["'self'"],
    # CSP.NONCE becomes 'nonce-…' on a page that uses {{ csp_nonce }} and is dropped elsewhere; a literal
    # "'nonce'" is an invalid source that browsers log as an error on every page.
    "script-src": ["'self'", CSP.NONCE],
    "style-src": ["'self'"],
    # Images from the bucket (or its CDN) when media are not served by this site.
    "img-src": ["'self'", "data:", *filter(None, [media_origin(MEDIA_STORAGE)])],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "object-src": ["'none'"],
}

SILENCED_SYSTEM_CHECKS = [
    # django-ckeditor bundles CKEditor 4.22.1, which is no longer supported upstream. It is used in
    # the admin only, its upload/browse views are not installed, and every rich-text field is
    # sanitized with nh3 on save: see README.md, section "Security", for the decision.
    "ckeditor.W001",
]

CKEDITOR_BASEPATH = "/static/ckeditor/ckeditor/"
CKEDITOR_CONFIGS = {
    "default": {
        "toolbar": "Magazine",
        "toolbar_Magazine": [
            ["Format", "Bold", "Italic", "Underline", "Strike", "Subscript", "Superscript"],
            ["NumberedList", "BulletedList", "Blockquote"],
            ["Link", "Unlink"],
            ["RemoveFormat", "Undo", "Redo"],
        ],
        "format_tags": "p;h2;h3;h4",
        "height": 180,
        "width": "100%",
        "removePlugins": "exportpdf",
        "entities": False,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line names its request (ops/request_id.py): the id the 500 page shows a reader.
    "filters": {"request_id": {"()": "ops.request_id.RequestIdLogFilter"}},
    "formatters": {
        "with_request_id": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "with_request_id",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
# /readyz logs a warning (and stays ready) when more tasks than this wait in the queue.
READYZ_TASK_QUEUE_WARN = env_int("READYZ_TASK_QUEUE_WARN", 1000)
# CKEditor 4 injects inline styles and builds its UI with inline handlers: the admin gets its own,
# looser policy (applied by ops.headers.AdminCSPMiddleware); public pages keep SECURE_CSP.
ADMIN_CSP = SECURE_CSP | {
    "script-src": ["'self'", "'unsafe-inline'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "frame-ancestors": ["'self'"],
}
# Media files on the local disk are served by Django only in development or when asked (a single-box install).
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)
BENCH_TRIVIAL_VIEW = env_bool("BENCH_TRIVIAL_VIEW")
# How many reverse proxies in front of the app append to X-Forwarded-For (0: trust REMOTE_ADDR only).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
# Where the trusted proxy connects from (e.g. 127.0.0.1,::1): X-Forwarded-For from any other address is
# not believed. Empty: any address (the proxy is the only way in). A bad network stops the start.
TRUSTED_PROXY_ADDRESSES = [
    str(ipaddress.ip_network(network, strict=False)) for network in env_list("TRUSTED_PROXY_ADDRESSES")
]

# --- Background tasks and letters (outbox/) -------------------------------------------------------------
# Tasks (letters, announcements, index rebuilds) wait in the database until `manage.py db_worker` runs
# them; without a worker the site still answers and the admin dashboard says that tasks are waiting.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 5)  # tries per letter before it is failed for good
OUTBOX_RETRY_SECONDS = env_int("OUTBOX_RETRY_SECONDS", 60)  # first retry delay; each next one is 4x longer
# A letter left "sending" this long (its worker was killed) is tried again: the at-least-once window.
OUTBOX_SENDING_TIMEOUT = env_int("OUTBOX_SENDING_TIMEOUT", 300)
# The dashboard warns when a task due this many seconds ago has not been taken by any worker.
OUTBOX_WORKER_ALERT_SECONDS = env_int("OUTBOX_WORKER_ALERT_SECONDS", 120)
# --- end of Background tasks ----------------------------------------------------------------------------

# --- Comments (comments/) ---------------------------------------------------------------------------
# Moderation policy lives in the admin (Discussion settings); these are the limits fixed per deploy.
COMMENTS_MAX_DEPTH = env_int("COMMENTS_MAX_DEPTH", 3)  # levels of a thread: 3 = comment, reply, reply
COMMENTS_MAX_LENGTH = env_int("COMMENTS_MAX_LENGTH", 5000)  # characters of comment text
COMMENTS_RATE_PER_IP = env_int("COMMENTS_RATE_PER_IP", 5)  # posts per window; 0 turns the limit off
COMMENTS_RATE_PER_EMAIL = env_int("COMMENTS_RATE_PER_EMAIL", 3)
COMMENTS_RATE_WINDOW = env_int("COMMENTS_RATE_WINDOW", 600)  # seconds
COMMENTS_REMEMBER_DAYS = env_int("COMMENTS_REMEMBER_DAYS", 365)  # life of the "remember me" cookie
COMMENTS_THREADS_PER_PAGE = env_int("COMMENTS_THREADS_PER_PAGE", 50)  # top-level comments per page
# --- end of Comments ---------------------------------------------------------------------------------

# --- subscriptions (subscriptions/) -------------------------------------------------------------------
# Confirmation links expire after this many seconds (7 days); unsubscribe links never do.
SUBSCRIPTIONS_CONFIRM_MAX_AGE = env_int("SUBSCRIPTIONS_CONFIRM_MAX_AGE", 7 * 24 * 3600)
# A pending address asking again gets at most one new confirmation letter per this many seconds.
SUBSCRIPTIONS_CONFIRM_RESEND_SECONDS = env_int("SUBSCRIPTIONS_CONFIRM_RESEND_SECONDS", 3600)
# Subscribe requests per client IP and window (seconds); over it the form answers 429.
SUBSCRIPTIONS_SUBSCRIBE_LIMIT = env_int("SUBSCRIPTIONS_SUBSCRIBE_LIMIT", 20)
SUBSCRIPTIONS_SUBSCRIBE_WINDOW = env_int("SUBSCRIPTIONS_SUBSCRIBE_WINDOW", 3600)
# Announcements: letters per second (0 = unthrottled), letters per SMTP session, tries per address.
SUBSCRIPTIONS_SEND_RATE = float(os.environ.get("SUBSCRIPTIONS_SEND_RATE") or 10)
SUBSCRIPTIONS_SEND_BATCH_SIZE = env_int("SUBSCRIPTIONS_SEND_BATCH_SIZE", 100)
SUBSCRIPTIONS_SEND_MAX_ATTEMPTS = env_int("SUBSCRIPTIONS_SEND_MAX_ATTEMPTS", 3)
# An announcement task sends for this many seconds, then queues its next part (other tasks run between).
SUBSCRIPTIONS_TASK_SECONDS = env_int("SUBSCRIPTIONS_TASK_SECONDS", 60)
# The mailto: of the List-Unsubscribe header ("" leaves it out); defaults to DEFAULT_FROM_EMAIL's address.
SUBSCRIPTIONS_UNSUBSCRIBE_MAILTO = os.environ.get(
    "SUBSCRIPTIONS_UNSUBSCRIBE_MAILTO", DEFAULT_FROM_EMAIL.rpartition("<")[2].rstrip(">").strip()
)
# --- end of subscriptions ------------------------------------------------------------------------------

# --- interviewee approval (approvals/) -------------------------------------------------------------------
# An approval link is valid for this many days unless the editor chooses fewer; no link lives longer.
APPROVALS_LINK_DAYS = env_int("APPROVALS_LINK_DAYS", 14)
APPROVALS_LINK_MAX_DAYS = env_int("APPROVALS_LINK_MAX_DAYS", 60)
# --- end of interviewee approval -------------------------------------------------------------------------

# --- staff accounts (staff/) ----------------------------------------------------------------------------
# Every staff account signs in with a second factor (a passkey, an authenticator app, a recovery code).
STAFF_2FA_REQUIRED = env_bool("STAFF_2FA_REQUIRED", True)
# A staff session ends after this many seconds without a request (8 hours).
STAFF_SESSION_IDLE_SECONDS = env_int("STAFF_SESSION_IDLE_SECONDS", 8 * 3600)
# Subscriber exports need a second factor given within this many seconds (else it is asked again).
STAFF_2FA_FRESH_SECONDS = env_int("STAFF_2FA_FRESH_SECONDS", 10 * 60)
OTP_TOTP_ISSUER = "Regional Security"
# One throttle for passwords and codes: the admin lockout (guards/lockout.py) counts wrong codes too,
# so django-otp's own per-device back-off is off (it would refuse a right code a second after a typo).
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Passkeys are a second factor only: a passkey never replaces the password (and its lockout).
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_RP_NAME = "Regional Security"
# WebAuthn refuses IP addresses: a local SITE_URL (127.0.0.1) becomes localhost.
_site = urlsplit(SITE_URL)
_site_host = "localhost" if _site.hostname in {"127.0.0.1", "::1", None} else _site.hostname
OTP_WEBAUTHN_RP_ID = os.environ.get("WEBAUTHN_RP_ID") or _site_host
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("WEBAUTHN_ORIGINS") or [
    f"{_site.scheme}://{_site_host}" + (f":{_site.port}" if _site.port else "")
]
# --- end of staff accounts ------------------------------------------------------------------------------
# --- readers (readers/) --------------------------------------------------------------------------------
# A sign-in letter's link and code work this many minutes, once; an address has at most this many live.
READERS_SIGN_IN_MINUTES = env_int("READERS_SIGN_IN_MINUTES", 15)
READERS_SIGN_IN_LIVE_LETTERS = env_int("READERS_SIGN_IN_LIVE_LETTERS", 5)
# Sign-in letters asked for per address and per client IP in READERS_SIGN_IN_WINDOW seconds (429 beyond).
READERS_SIGN_IN_PER_EMAIL = env_int("READERS_SIGN_IN_PER_EMAIL", 5)
READERS_SIGN_IN_PER_IP = env_int("READERS_SIGN_IN_PER_IP", 20)
READERS_SIGN_IN_WINDOW = env_int("READERS_SIGN_IN_WINDOW", 3600)
# Wrong codes for one address before its code sign-in is locked, and for how long (seconds); codes
# tried per client IP in that time.
READERS_CODE_FAILURES = env_int("READERS_CODE_FAILURES", 6)
READERS_CODE_LOCK_SECONDS = env_int("READERS_CODE_LOCK_SECONDS", 900)
READERS_CODE_PER_IP = env_int("READERS_CODE_PER_IP", 30)
# How long a reader stays signed in on one browser.
READERS_SESSION_DAYS = env_int("READERS_SESSION_DAYS", 60)
# Requests for personal feeds (/<lang>/feeds/reader/…) per client IP in READERS_FEED_WINDOW seconds (429
# beyond; 0 turns the limit off). A feed service that fetches for many readers from one address may
# need more.
READERS_FEED_PER_IP = env_int("READERS_FEED_PER_IP", 300)
READERS_FEED_WINDOW = env_int("READERS_FEED_WINDOW", 3600)
# --- end of readers -------------------------------------------------------------------------------------
# --- codes from the printed issue (issuecodes/) ----------------------------------------------------------
# Codes tried per client IP and per reader in ISSUECODES_TRIES_WINDOW seconds (429 beyond).
ISSUECODES_TRIES_PER_IP = env_int("ISSUECODES_TRIES_PER_IP", 30)
ISSUECODES_TRIES_PER_READER = env_int("ISSUECODES_TRIES_PER_READER", 10)
ISSUECODES_TRIES_WINDOW = env_int("ISSUECODES_TRIES_WINDOW", 3600)
# --- end of codes from the printed issue ------------------------------------------------------------------
# --- print subscribers (printsubscribers/) -----------------------------------------------------------------
# Where the renewal letters send a subscriber; empty: the site's contacts page in the reader's language.
PRINTSUBS_RENEW_URL = os.environ.get("PRINTSUBS_RENEW_URL", "")
# Wrong number/postal-code pairs on the activation page per reader and per client IP in the window (429).
PRINTSUBS_ACTIVATE_PER_READER = env_int("PRINTSUBS_ACTIVATE_PER_READER", 5)
PRINTSUBS_ACTIVATE_PER_IP = env_int("PRINTSUBS_ACTIVATE_PER_IP", 20)
PRINTSUBS_ACTIVATE_WINDOW = env_int("PRINTSUBS_ACTIVATE_WINDOW", 3600)
# The most rows one imported list may have.
PRINTSUBS_IMPORT_MAX_ROWS = env_int("PRINTSUBS_IMPORT_MAX_ROWS", 50_000)
# --- end of print subscribers -------------------------------------------------------------------------------
# --- reach (reach/): most read and the Telegram channel ---------------------------------------------------
# The Telegram channel is off unless both are set. TELEGRAM_CHANNEL is "@channel" (or a chat id) for every
# language, or one per language: "uz=@magazine_uz,ru=@magazine_ru" (a language left out is not posted).
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_CHANNEL = os.environ.get("TELEGRAM_CHANNEL", "")
TELEGRAM_API_URL = os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org")
TELEGRAM_TIMEOUT = env_int("TELEGRAM_TIMEOUT", 10)  # seconds per Bot API call
TELEGRAM_MAX_ATTEMPTS = env_int("TELEGRAM_MAX_ATTEMPTS", 5)
TELEGRAM_RETRY_SECONDS = env_int("TELEGRAM_RETRY_SECONDS", 60)  # first retry delay; each next one 4x longer
TELEGRAM_SENDING_TIMEOUT = env_int("TELEGRAM_SENDING_TIMEOUT", 300)
# Only articles published within this many hours are posted (turning the channel on posts nothing old).
TELEGRAM_LOOKBACK_HOURS = env_int("TELEGRAM_LOOKBACK_HOURS", 24)
# The sidebar's most read list: how many articles, over how many days (renewed by manage.py reach_tick).
MOSTREAD_COUNT = env_int("MOSTREAD_COUNT", 5)
MOSTREAD_DAYS = env_int("MOSTREAD_DAYS", 7)
# --- end of reach -------------------------------------------------------------------------------------------
