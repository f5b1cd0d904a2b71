"""Mikrogranty settings.

Every setting that differs between machines is read here, from the environment,
with a default that works on one machine out of the box (SQLite in var/, e-mail
to the console, the database task queue). Nothing else reads os.environ, except
config/gunicorn.conf.py (gunicorn's own process settings, read before Django).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("MIKROGRANTY_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

# The embedded key only exists so that `make run` works on a fresh clone. It is
# public (it is in the repository): anyone could sign sessions, password-reset
# links and e-mail confirmations with it, so without DEBUG the process refuses
# to start rather than warn.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key-mikrogranty-do-not-deploy"  # noqa: S105 (public by design, refused below without DEBUG)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY.strip() in {"", DEVELOPMENT_SECRET_KEY}:
    raise ImproperlyConfigured(
        "DJANGO_DEBUG=0 needs a secret key of its own: set DJANGO_SECRET_KEY to 50 or more "
        "random characters, the same on every machine (e.g. the output of "
        "`python3 -c 'import secrets; print(secrets.token_urlsafe(50))'`). "
        "The built-in development key is public and is refused."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    # Our apps, in pipeline order: each imports only from those above it.
    "core",
    "accounts",
    "grants",
    "applicants",
    "conversations",
    "reviews",
    "decisions",
    "projects",
    "demo",
]

MIDDLEWARE = [
    "core.middleware.RequestArrivalMiddleware",
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
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.roles",
                "reviews.context_processors.review_navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# SQLite by default, tuned so that concurrent writers wait for each other
# (IMMEDIATE transactions + busy timeout) instead of failing with
# "database is locked"; WAL lets readers proceed while one writer writes.
#
# Without DEBUG, connections are reused for a minute (opening one costs a round
# trip, and on SQLite the PRAGMAs below) and checked before each request that
# reuses them, so a database restart costs one reconnect, not an error page.
# With DEBUG (runserver, tests) each request opens its own.
DEFAULT_SQLITE_PATH = VAR_DIR / "mikrogranty.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DEFAULT_SQLITE_PATH}"),
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0" if DEBUG else "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too (not Django's shared in-memory database), so that
    # concurrent writers behave in tests as they do in production.
    DATABASES["default"]["TEST"] = {
        "NAME": str(VAR_DIR / f"test-mikrogranty-{os.getpid()}.sqlite3")
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: our pages run short queries whose cost estimates (correlated counts that stop
    # early) pass PostgreSQL's JIT thresholds; compiling them took seconds for milliseconds
    # of work (the coordinators' start page at 20,000 grants).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (login throttling) and sessions ----------------------------------------
# Whatever the cache, it is shared by every process on every machine, so the
# failed-login limits hold behind several web workers: the database cache by
# default, Redis when REDIS_URL is set (e.g. redis://127.0.0.1:6379/0).
# Sessions stay in the database; with Redis they are also cached there
# (cached_db), so a lost Redis logs nobody out.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "mikrogranty",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "mikrogranty_cache",
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# What can log someone in, and how long it lives (allauth's defaults, pinned here
# so that an upgrade cannot change them silently):
# - confirmation links are signed (HMAC), never stored, refused once the address
#   is verified, and expire after 3 days; confirming logs in only the browser that
#   signed up (allauth keeps the pending sign-up in that session);
# - password-reset links are Django tokens, never stored, dead once the password
#   changes (accounts.adapter drops the key allauth parks in the session);
# - no log-in or reset by e-mailed code;
# - the e-mails carrying these links keep their text only until sent (core.mail).
ACCOUNT_EMAIL_CONFIRMATION_HMAC = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 3  # seconds; Django's default, pinned
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# E-mail subjects start with the service's name from the programme profile (accounts.adapter).
# Behind a reverse proxy every request comes from the proxy's address, and those
# per-IP limits would count the whole site as one visitor: on deadline day the
# 31st applicant of the minute could not log in. DJANGO_TRUSTED_PROXY_COUNT is the
# number of our proxies appending to X-Forwarded-For (1 for nginx in front of
# gunicorn); 0, the default, ignores the header, which anyone can forge when no proxy
# of ours sets it.
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("DJANGO_TRUSTED_PROXY_COUNT", "0"))
# A class of about 30 signing up, confirming and logging in from one school's address within
# ten minutes fits (accounts/tests/test_rate_limits.py), while FAILED logins stay throttled
# per account (5 in 5 minutes) and per address (20 a minute). Logins per address (failed or
# not): 90 a minute. Sign-ups per address: "signup_address" (ours: grants.forms_workshop),
# which a sign-up through an open workshop's link skips, and "signup" (allauth's, counting
# every sign-up attempt), the ceiling that holds even then. allauth's other limits stay at
# its defaults.
ACCOUNT_RATE_LIMITS = {
    "login": "90/m/ip",
    "login_failed": "20/m/ip,5/5m/key",
    "signup": "300/h/ip",
    "signup_address": "40/10m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
ACCOUNT_FORMS = {"signup": "grants.forms_workshop.WorkshopSignupForm"}

# --- Two-factor sign-in (allauth.mfa) -------------------------------------------------
# An authenticator app (TOTP) with recovery codes, and security keys / passkeys (WebAuthn)
# as a second factor, for everyone who wants them (/accounts/2fa/).
MFA_ADAPTER = "accounts.adapter.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
# WebAuthn needs HTTPS, except on the development server (http://127.0.0.1).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
# Coordinators without a second factor are sent to set one up (accounts.middleware). On in the
# production profile (DJANGO_DEBUG=0), off with debug: the demo's accounts log in with passwords.
REQUIRE_STAFF_2FA = env_bool("MIKROGRANTY_REQUIRE_STAFF_2FA", not DEBUG)

# --- Internationalisation --------------------------------------------------------
LANGUAGE_CODE = "pl"
LANGUAGES = [("pl", _("Polish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Warsaw"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "staticfiles"))
# Uploaded files live outside the static root and are only served through views
# that check permissions (no MEDIA_URL route is exposed).
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media-not-served/"
# With MIKROGRANTY_S3_BUCKET set, uploads and letters go to S3-compatible object
# storage instead (django-storages). Objects stay private (no ACL, signed URLs
# only), names never overwrite each other, and the app still never links to a
# file: downloads go through the same permission-checked views, which open()
# the object. boto3 finds its credentials itself (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or an instance role).
S3_BUCKET = os.environ.get("MIKROGRANTY_S3_BUCKET", "")
# The largest file any form accepts (a signed agreement, 20 MB; projects.signing), and a little.
FILE_MEMORY_BYTES = 21 * 1024 * 1024
if S3_BUCKET:
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("MIKROGRANTY_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("MIKROGRANTY_S3_REGION") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            # A file read back (a download, an e-mail's attachment) is held in memory up to
            # this size; django-storages' default (0) wrote every one to a temporary file.
            "max_memory_size": FILE_MEMORY_BYTES,
        },
    }
    # Nothing on local disk on the way in either (`make test-scale-out` checks it): an upload
    # is held in memory up to the same size instead of going to a temporary file in /tmp
    # beyond Django's default of 2.5 MB.
    FILE_UPLOAD_MAX_MEMORY_SIZE = FILE_MEMORY_BYTES
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Forms -------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Tasks (the database queue; `manage.py worker` runs them) --------------------
# Tasks carry ids and flags only: whatever a task needs (an e-mail's text, a
# note) is stored in our own tables, where it can be erased, and the queue's
# rows stay harmless. The worker's housekeeping (core.tasks.housekeeping, hourly)
# deletes finished task rows after TASK_RESULT_RETENTION.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
TASK_RESULT_RETENTION = timedelta(
    days=int(os.environ.get("MIKROGRANTY_TASK_RESULT_RETENTION_DAYS", "14"))
)

# --- PDF rendering (core/pdf/) ---------------------------------------------------
# Each render runs in its own child process: it is stopped after this many
# seconds, and may take this much memory beyond what it inherits. A render that
# hits either limit fails cleanly (the coordinator sees it and can retry).
PDF_RENDER_TIMEOUT = float(os.environ.get("MIKROGRANTY_PDF_RENDER_TIMEOUT", "120"))
PDF_RENDER_MEMORY_MB = int(os.environ.get("MIKROGRANTY_PDF_RENDER_MEMORY_MB", "1024"))
# An uploaded electronically signed agreement is checked (pyHanko) in a child process bounded
# like this: a hostile PDF is refused instead of taking the web process down.
SIGNED_PDF_CHECK_TIMEOUT = float(os.environ.get("MIKROGRANTY_SIGNED_PDF_CHECK_TIMEOUT", "20"))
SIGNED_PDF_CHECK_MEMORY_MB = int(os.environ.get("MIKROGRANTY_SIGNED_PDF_CHECK_MEMORY_MB", "512"))
# The one render made in a web request (a letter template's preview) gets less time.
PDF_PREVIEW_TIMEOUT = float(os.environ.get("MIKROGRANTY_PDF_PREVIEW_TIMEOUT", "30"))

# --- Electronic signatures on grant agreements (projects.pades) ---------------------
# PEM files (comma-separated paths) of the certificate authorities whose chains count as
# trusted. Empty: signatures are checked, their chains reported as not checked.
SIGNATURE_TRUST_ROOTS = env_list("MIKROGRANTY_SIGNATURE_TRUST_ROOTS", "")
# Test authorities (e.g. the demo's, which `make run` sets: var/demo/signing-test-ca.pem): a
# chain reaching one is shown as a test certificate, never as trusted. Empty by default.
SIGNATURE_TEST_ROOTS = env_list("MIKROGRANTY_SIGNATURE_TEST_ROOTS", "")

# --- E-mail ----------------------------------------------------------------------
# DJANGO_EMAIL: "console" (default), "file" (one .log file per message in
# var/mail), or "smtp" (EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
# EMAIL_HOST_PASSWORD, EMAIL_USE_TLS).
EMAIL_MODE = os.environ.get("DJANGO_EMAIL", "console")
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}[EMAIL_MODE]
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DJANGO_DEFAULT_FROM_EMAIL", "Mikrogranty <noreply@mikrogranty.local>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A queued e-mail (core.models.OutgoingEmail) that could not be sent within this
# time is given up and its text erased: a password-reset or confirmation link
# must not wait in the database for days; the person can ask for a new one.
EMAIL_UNSENT_LIFETIME = timedelta(hours=int(os.environ.get("MIKROGRANTY_EMAIL_UNSENT_HOURS", "24")))

# --- Security -----------------------------------------------------------------------
# Nothing is loaded from another host: every asset is vendored into static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# A refused form gets the site's page with a way back (core.views.csrf_failure). The token
# cookie stays readable by our own script (Django's default), which puts a renewed token
# into a form brought back with Back (static/js/app.js).
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading asks browsers to hard-code HTTPS for the whole domain, for
    # months, beyond our control: a decision for the domain's owner, so opt-in.
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "preload is off": on purpose, see above
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)

# Everything goes to standard error once, through the root logger: Django's own
# console handler would print each of its records a second time with DEBUG.
# A 403 is one line (method, path, user id), never a traceback: refusing access
# is the permission checks working, not an error (core.log_filters).
# (Configuring "django" resets its child loggers, so runserver's access log,
# "django.server", is restated here as Django's default has it.)
LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "WARNING")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden_on_one_line": {"()": "core.log_filters.ForbiddenOnOneLine"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server"},
    },
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL},
        "django.request": {"filters": ["forbidden_on_one_line"]},
        "django.security.csrf": {"filters": ["forbidden_on_one_line"]},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # pyHanko logs a whole traceback as a warning for every signer whose certificate chain
        # reaches no configured trust root; projects.pades reports that on the page instead.
        "pyhanko.sign.validation": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
}

# Who runs the programme (letterheads, the privacy notice, e-mails' sender and signature,
# the site's header and footer) is not a setting: coordinators edit it in /manage/programme/
# (core.models.ProgrammeProfile).

# Where links in e-mails point (invitations, reminders).
SITE_URL = os.environ.get("MIKROGRANTY_SITE_URL", "http://127.0.0.1:8000")
# How many days an invitation to review stays valid (a coordinator can send it again).
REVIEWER_INVITATION_DAYS = int(os.environ.get("MIKROGRANTY_INVITATION_DAYS", "14"))

# The open data (360Giving Data Standard, projects.open_data): the prefix of every grant's
# identifier (register your own at 360Giving; the default marks data as this software's) and,
# when the operator has an org-id.guide identifier, the funder's (otherwise PL-KRS-<KRS> from
# the programme profile, or the prefix itself).
OPEN_DATA_PREFIX = os.environ.get("MIKROGRANTY_OPEN_DATA_PREFIX", "360G-mikrogranty")
OPEN_DATA_FUNDER_ID = os.environ.get("MIKROGRANTY_OPEN_DATA_FUNDER_ID", "")
