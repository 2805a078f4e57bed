"""Settings for the GMC portal, read from the environment.

It fails closed: unless ``DEBUG=1`` is set, it is a production site and refuses to
start without ``SECRET_KEY``, ``ALLOWED_HOSTS``, ``DATABASE_URL``, ``REDIS_URL`` and
an email server. With ``DEBUG=1`` (which ``make run``, ``make test`` and
``Procfile.dev`` set themselves) it is the embedded development site: SQLite in
``var/``, Celery on kombu's filesystem transport and emails written as files under
``var/mail/``. Every variable is listed in the README.
"""

from datetime import timedelta
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("GMC_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

# Production unless development is asked for: a forgotten variable must never open the
# development conveniences (the mail sink, fixed keys) to the world.
DEBUG = env.bool("DEBUG", default=False)
PRODUCTION = not DEBUG

if PRODUCTION:
    _missing = [
        name
        for name in ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "SITE_URL", "VISA_DATA_KEYS")
        if not env.str(name, default="")
    ]
    if _missing:
        raise ImproperlyConfigured(
            "Production settings (DEBUG=0) need these environment variables: "
            + ", ".join(_missing)
        )
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    # Development only: a fixed key is harmless where DEBUG is on and nothing is public.
    SECRET_KEY = env.str(
        "SECRET_KEY", default="development-only-key-not-for-production-use-0123456789"
    )
    ALLOWED_HOSTS = env.list(
        "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"]
    )

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The public address every absolute link is made from (gmc/links.py): emails, calendar
# files, QR codes, the sitemap. `make run` sets it from PORT; production names it.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
if PRODUCTION and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        "Production settings (DEBUG=0) need SITE_URL to be the portal's https address, "
        f"e.g. https://gmc.example.org (got {SITE_URL!r})."
    )
# The right-hand side of every calendar event's UID (session-3@gmc-portal): a name of
# the portal's own, not its address, so that an event keeps its UID whichever address
# served the file (a new domain, a second host name, a staging copy), and a calendar
# app updates it instead of adding a second one.
CALENDAR_UID_DOMAIN = env.str("CALENDAR_UID_DOMAIN", default="gmc-portal")

# --- Applications -------------------------------------------------------------------
INSTALLED_APPS = [
    # Before the admin, whose forms it extends with one field per language.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # Django's own widget templates, for the form renderer below.
    "django.forms",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    # Records each sign-in's session, so that deleting an account ends them all (and
    # people can see and end their own sessions).
    "allauth.usersessions",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "gmc",
    "registration",
    "agenda",
    "declarations",
    "mailings",
    "documents",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so static files carry the two policies too (see their block below).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A plain GET of a public page kept in the cache is answered here, as the rest of
    # the stack answered it before (gmc/page_cache.py): the middleware below would only
    # find an anonymous visitor without a session.
    "gmc.page_cache.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the account is known: a signed-in person's profile language, else the
    # cookie, else Accept-Language, for addresses without a language prefix.
    "gmc.languages.PreferredLanguageMiddleware",
    "gmc.privacy.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A view that meets a busy database (a lock or statement timeout, a lost connection)
    # answers 503 "please try again" instead of a server error.
    "gmc.database.BusyMiddleware",
]

# Widgets are rendered through the templates above, so that templates/ can override
# one of Django's (the admin's date and time inputs, each with a label of its own).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

ROOT_URLCONF = "gmc.urls"
# The sections of sitemap.xml: each app's own SITEMAPS (name -> Sitemap class), in this
# order. gmc/urls.py reads them by name, so the base imports no app.
SITEMAP_SECTIONS = ["gmc.sitemaps.SITEMAPS", "agenda.sitemaps.SITEMAPS"]
WSGI_APPLICATION = "gmc.wsgi.application"
ASGI_APPLICATION = "gmc.asgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gmc.context_processors.site",
            ],
        },
    },
    {
        # Plain-text email parts and subjects: the same templates, without HTML escaping.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# --- Data ---------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'gmc.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# How long PostgreSQL lets each kind of process wait for a row lock and run one
# statement, in seconds (0: no limit). A web request gives up within seconds and shows
# "busy, please try again" (gmc/database.py); workers and manage.py wait longer.
DATABASE_TIMEOUTS = {
    "web": {
        "lock_timeout": env.float("DB_LOCK_TIMEOUT", default=3),
        "statement_timeout": env.float("DB_STATEMENT_TIMEOUT", default=10),
    },
    "worker": {
        "lock_timeout": env.float("DB_WORKER_LOCK_TIMEOUT", default=30),
        "statement_timeout": env.float("DB_WORKER_STATEMENT_TIMEOUT", default=120),
    },
    "command": {
        "lock_timeout": env.float("DB_COMMAND_LOCK_TIMEOUT", default=30),
        "statement_timeout": env.float("DB_COMMAND_STATEMENT_TIMEOUT", default=0),
    },
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The web limits on every connection from its first statement (libpq's startup
    # options, in milliseconds); a worker or a command replaces them with its own when it
    # connects (gmc.database.apply_timeouts).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = " ".join(
        [
            _options.get("options", ""),
            *(
                f"-c {name}={max(round(seconds * 1000), 0)}"
                for name, seconds in DATABASE_TIMEOUTS["web"].items()
            ),
        ]
    ).strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # A demo with a worker and a web process writing at once: wait for the lock
    # instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# Redis answers within a millisecond: one that has not answered (or connected) within
# REDIS_TIMEOUT seconds counts as down, for the cache and for publishing to the broker.
# After a failure each process goes without it for REDIS_RETRY_AFTER seconds (then one
# call tries again), so a page or an action pays the timeout once (gmc/circuit.py).
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=1.0)
REDIS_RETRY_AFTER = env.float("REDIS_RETRY_AFTER", default=5.0)
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, read as empty while Redis is down (gmc/cache.py):
            # pages render uncached; rate limits count in each process's memory.
            "BACKEND": "gmc.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="gmc"),
            "TIMEOUT": 300,
            "OPTIONS": {
                "socket_timeout": REDIS_TIMEOUT,
                "socket_connect_timeout": REDIS_TIMEOUT,
                "RETRY_AFTER": REDIS_RETRY_AFTER,
                # allauth's rate limits: never unlimited, even while Redis is down.
                "LOCAL_FALLBACK_PREFIXES": ["allauth:rl:"],
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts -----------------------------------------------------------------------
AUTH_USER_MODEL = "gmc.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# A known address costs the same work as a new one (registration/accounts/signup.py).
ACCOUNT_FORMS = {"signup": "registration.accounts.signup.SignupForm"}
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# allauth's built-in rate limits stay on; they count in the cache (Redis in production),
# and in each web process's memory while Redis is down (gmc/cache.py): never unlimited.
# Behind the TLS proxy every request comes from the proxy's address: the client's is read
# from X-Forwarded-For, trusting as many proxies in front of gunicorn as
# TRUSTED_PROXY_COUNT says, or from the one header TRUSTED_CLIENT_IP_HEADER names (e.g.
# X-Real-IP). Failed sign-ins are then limited per address, and per account *and*
# address (registration/accounts/adapters.py), so nobody can lock an owner out from
# elsewhere.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env.str("TRUSTED_CLIENT_IP_HEADER", default="") or None
ACCOUNT_RATE_LIMITS = {
    # 10 a minute from one address, 5 in 5 minutes for one account from one address.
    "login_failed": "10/m/ip,5/300s/key",
}
# The portal's own limits, counted as allauth counts its own (gmc/rate_limits.py).
# Feedback on sessions, per person: an attendee rates a day's sessions in a few minutes;
# a script posting in a loop is stopped at 10 a minute and 60 an hour.
SESSION_FEEDBACK_RATE_LIMIT = env.str("SESSION_FEEDBACK_RATE_LIMIT", default="10/m/user,60/h/user")
LOGIN_URL = "account_login"
# Every allauth email is queued in the outbox (registration/accounts/adapters.py), never
# sent in the request.
ACCOUNT_ADAPTER = "registration.accounts.adapters.AccountAdapter"
# A sign-in code by email, for people who would rather not type a password.
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# One address per account, changed by verifying the new one before it replaces the old.
ACCOUNT_CHANGE_EMAIL = True
# Security notices (password changed, address changed) to the account's address.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Changing the email address asks for the password again (then not for five minutes), so
# an unattended session cannot take the account over.
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# Confirmation links are confirmed by a POST from the page they open, so a mail scanner
# following links cannot verify an address.
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Confirming the address in the browser that signed up signs the person in and takes
# them where they were going (the next= of the sign-up, e.g. /register/); a link opened
# elsewhere still asks for the password.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
# A password reset link works for a day (Django's default is three); an email that could
# not go out by then is never sent and its link is erased from the outbox.
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# Links in account emails are built from the request; behind the proxy they are https.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"

# --- Internationalisation and time ---------------------------------------------------
LANGUAGE_CODE = "en"
# English, the six UN languages but English, and Vietnamese (the 2026 host's). The
# switcher names each in its own language (Django's name_local); these names are the
# translated ones the admin shows. Right-to-left languages (Arabic) get dir="rtl" and
# the mirrored Bootstrap from the base layout (LANGUAGE_BIDI).
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("fr", _("French")),
    ("zh-hans", _("Simplified Chinese")),
    ("ru", _("Russian")),
    ("ar", _("Arabic")),
    ("vi", _("Vietnamese")),
]
# Our catalogues (locale/<code>/LC_MESSAGES/django.po, re-extracted by `make messages`);
# the .mo files are built from them by `make run`, `make test` and the release step,
# never committed.
# Organisers' texts (edition, programme, news, declaration call) are written per
# language in the admin: <app>/translation.py names the fields. The original column
# keeps the English text; a missing translation reads as the English one.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# Slugs are made from the English title, whatever the organiser's admin language.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "en"
# Code (factories, demo loaders, services) that creates a row with `title=...` fills
# the English column too, so the English read never finds it empty.
MODELTRANSLATION_AUTO_POPULATE = "default"
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# How each language writes dates and times, everywhere: gmc/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["gmc.formats"]
TIME_ZONE = "UTC"
USE_TZ = True

# --- Static and uploaded files -------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Installed from the npm registry by `make setup`; never copied into the repository.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
# Public verification of issued documents (/verify/<code>/): requests per client address,
# in allauth's rate syntax (gmc/rate_limits.py).
DOCUMENT_VERIFY_RATE_LIMIT = env.str("DOCUMENT_VERIFY_RATE_LIMIT", default="30/10m/ip")
# The fonts PDF documents embed (gmc/pdf.py), installed from the npm registry by
# `npm ci` (package.json) and read from disk: never among the static files.
PDF_FONT_DIR = env.str(
    "PDF_FONT_DIR", default=str(BASE_DIR / "node_modules" / "@expo-google-fonts")
)
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Uploads are private: outside STATIC_ROOT, served only through permission-checked views.
        "OPTIONS": {
            "location": env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")),
            "base_url": "/private/",
        },
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}
WHITENOISE_MAX_AGE = 31536000 if PRODUCTION else 0
# Files browsers ask for at the site's root, whatever the page links to: /favicon.ico,
# /apple-touch-icon.png, the web manifest and its icons (drawn by `manage.py draw_icons`).
WHITENOISE_ROOT = BASE_DIR / "public"
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}
ROOT_FILES_MAX_AGE = 86400 if PRODUCTION else 0


def _root_files_kept_a_day(headers, path: str, url: str) -> None:
    """Root files keep their names when the mark changes (unlike the hashed static
    files): browsers keep them a day, not a year."""
    if not url.startswith(STATIC_URL):
        headers["Cache-Control"] = f"max-age={ROOT_FILES_MAX_AGE}, public"


WHITENOISE_ADD_HEADERS_FUNCTION = _root_files_kept_a_day

# Declaration input attachments: limits per file and per submission, in megabytes, and
# the number of files one submission may hold. With
# DECLARATION_X_ACCEL_PREFIX set (e.g. "/_private/"), downloads are handed to nginx by an
# X-Accel-Redirect to that internal location instead of being streamed by Django.
DECLARATION_MAX_FILE_MB = env.int("DECLARATION_MAX_FILE_MB", default=20)
DECLARATION_MAX_SUBMISSION_MB = env.int("DECLARATION_MAX_SUBMISSION_MB", default=100)
DECLARATION_MAX_FILES = env.int("DECLARATION_MAX_FILES", default=10)
DECLARATION_X_ACCEL_PREFIX = env.str("DECLARATION_X_ACCEL_PREFIX", default="")
# Session materials organisers upload (slides): the limit of one file, in megabytes.
# They are private uploads too, sent through the same X-Accel-Redirect when it is set.
AGENDA_MATERIAL_MAX_FILE_MB = env.int("AGENDA_MATERIAL_MAX_FILE_MB", default=50)

# Visa letter requests: the passport details are encrypted at rest (Fernet, from the
# cryptography package) with keys of their own, never derived from SECRET_KEY, so that
# neither a database dump nor the code's settings alone reveal them. Comma-separated:
# the first key encrypts, every key decrypts; to rotate, put a new key first, run
# `manage.py rotate_visa_keys`, then remove the old one. Required in production; the
# fixed key below exists only for development (DEBUG=1).
VISA_DATA_KEYS = env.list("VISA_DATA_KEYS", default=[])
if not VISA_DATA_KEYS and not PRODUCTION:
    VISA_DATA_KEYS = ["Z21jLWRldmVsb3BtZW50LW9ubHktdmlzYS1rZXktMDA="]
for _position, _key in enumerate(VISA_DATA_KEYS, 1):
    try:
        Fernet(_key)
    except ValueError:
        # The key itself is never printed.
        raise ImproperlyConfigured(
            f"VISA_DATA_KEYS: key number {_position} is not a Fernet key (32 bytes in "
            "URL-safe base64, e.g. from cryptography's Fernet.generate_key())."
        ) from None
# The passport details are erased this many days after the edition's last day (and at
# once when the registration is cancelled); the request's number and status remain.
VISA_DATA_RETENTION_DAYS = env.int("VISA_DATA_RETENTION_DAYS", default=30)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Email --------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="GMC secretariat <noreply@gmc.localhost>"
)
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_FILE_PATH = VAR_DIR / "mail"
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
elif env.str("EMAIL_HOST", default=""):
    EMAIL_BACKEND = "gmc.smtp.EmailBackend"
    EMAIL_HOST = env.str("EMAIL_HOST")
    EMAIL_PORT = env.int("EMAIL_PORT", default=587)
    EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
    EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
elif PRODUCTION:
    raise ImproperlyConfigured("Production settings (DEBUG=0) need EMAIL_URL or EMAIL_HOST.")
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend":
    # The same, able to commit an outbox row as sent before the server takes the message
    # (gmc/smtp.py), so that a worker killed meanwhile never makes it go out twice.
    EMAIL_BACKEND = "gmc.smtp.EmailBackend"
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)

# The outbox: every message is a row; see gmc/outbox.py.
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=30)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=3600)
# A pending row older than this with no worker on it is re-enqueued by the sweep.
OUTBOX_SWEEP_AFTER_SECONDS = env.int("OUTBOX_SWEEP_AFTER_SECONDS", default=60)
# A reminder is sent from its moment until this many minutes later (a scheduler that
# was down catches up within it); after that it is skipped, never sent late.
REMINDER_GRACE_MINUTES = env.int("REMINDER_GRACE_MINUTES", default=60)
# An organisers' message whose recipients stopped being queued for this long (its task
# died with a worker, or never reached the broker) is handed to a worker again; the job
# looks that often.
MESSAGES_RESUME_EVERY_SECONDS = env.int("MESSAGES_RESUME_EVERY_SECONDS", default=60)
# People who starred a session that moves are told this long after the first change, in
# one email for every change made meanwhile.
AGENDA_MOVE_NOTICE_DELAY_SECONDS = env.int("AGENDA_MOVE_NOTICE_DELAY_SECONDS", default=900)

# --- Celery -------------------------------------------------------------------------
# Redis hands a task that no worker acknowledged within this many seconds to another
# worker (tasks are acknowledged when they end). Longer than the longest retry countdown,
# so that a task waiting for its retry is not handed out early; a task handed out twice
# still acts once (docs/architecture.md, "Email, once").
_visibility_timeout = env.int("CELERY_VISIBILITY_TIMEOUT", default=OUTBOX_RETRY_MAX_SECONDS + 600)
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": _visibility_timeout,
        # Workers look for such tasks every 10 seconds (more often under a shorter timeout).
        "unacked_restore_interval": max(1, min(10, _visibility_timeout // 2)),
        "unacked_restore_throttle": 1,
        # A publish from a request waits at most this long for an unanswering broker.
        "socket_connect_timeout": REDIS_TIMEOUT,
        "socket_timeout": REDIS_TIMEOUT,
    }
elif PRODUCTION:
    raise ImproperlyConfigured(
        "Production settings (DEBUG=0) need REDIS_URL for Celery and the cache."
    )
else:
    # Embedded: a real worker and beat exchange messages through files under var/celery/.
    _queue_dir = VAR_DIR / "celery" / "queue"
    for _folder in (_queue_dir, VAR_DIR / "celery" / "control", VAR_DIR / "mail"):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://localhost//"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="gmc")
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Publishing happens inside web requests (on commit): fail fast when the broker is down,
# the outbox sweep sends what could not be enqueued. One attempt, bounded by REDIS_TIMEOUT
# (each retry would wait that long again: with two, a paused Redis held a publish for
# 4 s); redis-py itself reconnects once when a pooled connection was closed by a
# restarted Redis. The policy also becomes the connection's reconnection policy in
# kombu, so a later publish does not sleep between connection attempts either.
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 0,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celery" / "beat-schedule")
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": "gmc.outbox.sweep",
        "schedule": timedelta(seconds=env.int("OUTBOX_SWEEP_EVERY_SECONDS", default=60)),
    },
    # mailings.tasks.send_due_reminders, under the name it has always had.
    "reminders-send-due": {
        "task": "gmc.reminders.send_due",
        "schedule": timedelta(seconds=env.int("REMINDERS_EVERY_SECONDS", default=60)),
    },
    # Organisers' messages whose queueing stopped (a worker died, the broker was down).
    "messages-resume-queueing": {
        "task": "gmc.messaging.resume_queueing",
        "schedule": timedelta(seconds=MESSAGES_RESUME_EVERY_SECONDS),
    },
    "agenda-send-move-notices": {
        "task": "agenda.send_due_move_notices",
        "schedule": timedelta(minutes=1),
    },
    # Documents issued whose PDF was never made (their task lost with the broker).
    "documents-make-missing": {
        "task": "documents.make_missing",
        "schedule": timedelta(minutes=5),
    },
    # Badge print runs still waiting for a worker (their task lost with the broker).
    "documents-badges-resume": {
        "task": "documents.badges.resume",
        "schedule": timedelta(minutes=2),
    },
    # Visa letter requests' passport details, erased once the edition is long enough past.
    "documents-erase-visa-data": {
        "task": "documents.erase_expired_visa_data",
        "schedule": timedelta(hours=1),
    },
    "sessions-purge-expired": {
        "task": "gmc.sessions.purge_expired",
        "schedule": timedelta(days=1),
    },
}

# --- Security -----------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # Django's default; forms work without JavaScript reading it
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Content-Security-Policy and Permissions-Policy ------------------------------------
# django-csp and django-permissions-policy set both headers on every response, the admin
# and static files included (their middleware sits right after SecurityMiddleware).
# Scripts, styles, fonts, frames and connections come only from this site: no inline
# <script>, no style="" or on*= attribute, no eval, no plug-ins, no <base>, never framed,
# forms posted only here. Page templates keep to that (tests/gmc/test_security_headers.py
# reads them); email templates are not pages and keep their inline styles: organisers see
# them in a sandboxed frame with a policy of its own (gmc/views/email_frame.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap's CSS draws the icons of form controls as data: SVG images.
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# Powerful browser features are off for this site and anything it embeds. The check-in
# page turns the camera on for the site itself to read tickets' QR codes
# (registration.views.checkin).
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# --- Logging: one JSON object a line on stdout in production, readable lines in development.
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "filters": {"redact": {"()": "gmc.privacy.RedactingFilter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
            # No address or secret path ever reaches a log line.
            "filters": ["redact"],
        },
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Subsetting fonts for a PDF logs every table it touches at INFO.
        "fontTools": {"level": "WARNING"},
    },
}
