"""The one settings module of Continuum, read from the environment.

Every value comes through the strict readers of continuum.core.env: a value that cannot be
parsed stops the start. `CONTINUUM_ENV` is `development` (the default: the demo, quick tests)
or `production`; `DATABASE_URL` selects PostgreSQL, and SQLite (WAL, busy timeout) under
`var/` is the zero-configuration default.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from continuum.core.env import env_bool, env_choice, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("CONTINUUM_VAR_DIR", str(BASE_DIR / "var")))

CONTINUUM_ENV = env_choice("CONTINUUM_ENV", "development", ("development", "production"))
PRODUCTION = CONTINUUM_ENV == "production"
# Demo mode: synthetic data only, served on 127.0.0.1, a banner on every page.
DEMO_MODE = env_bool("CONTINUUM_DEMO", False)
if PRODUCTION and DEMO_MODE:
    raise ImproperlyConfigured("CONTINUUM_DEMO cannot be set together with CONTINUUM_ENV=production.")

DEBUG = env_bool("DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG cannot be on with CONTINUUM_ENV=production.")


def _secret_key() -> str:
    if PRODUCTION:
        key = env_str("SECRET_KEY")
        if len(key) < 50:
            raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters in production.")
        return key
    key_from_env = env_str("SECRET_KEY", "")
    if key_from_env:
        return key_from_env
    # Development and demo: one random key kept under var/, never committed.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in production.")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "continuum.core",
    "continuum.audit",
    "continuum.org",
    "continuum.people",
    "continuum.journeys",
    "continuum.access",
    "continuum.cases",
    "continuum.coordination",
    "continuum.mdt",
    "continuum.screening",
    "continuum.justice",
    "continuum.care",
    "continuum.intake",
    "continuum.synth",
    "continuum.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, so that static files carry the same headers as pages.
    "continuum.core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: every page and API answer is no-store, static files keep their caching.
    "continuum.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "continuum.core.middleware.FetchMetadataMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "continuum.access.middleware.SessionLimitsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "continuum.urls"
WSGI_APPLICATION = "continuum.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "continuum.web.context.site",
            ],
            # Django's `date` and `time` filters, made safe for any stored datetime.
            "builtins": ["continuum.core.templatetags.moments"],
        },
    },
]


def _databases() -> dict[str, Any]:
    url = env_str("DATABASE_URL", "")
    if url:
        try:
            config: dict[str, Any] = dict(
                dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
            )
        except ValueError as exc:
            raise ImproperlyConfigured(f"DATABASE_URL cannot be parsed: {exc}") from exc
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://...).")
        return {"default": config}
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "continuum.sqlite3"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
# Axes first: it refuses a locked-out username before any password is checked (SECURITY.md 9).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:landing"

# Sessions: 15 minutes idle (every request renews the cookie).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 15 * 60, minimum=60, maximum=12 * 3600)
SESSION_SAVE_EVERY_REQUEST = True
# ... and 12 hours after sign-in whatever the activity (continuum.access.middleware).
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 3600, minimum=60, maximum=12 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A session cookie, gone when the browser closes: the public tip form needs a CSRF token, and an
# anonymous visitor must not carry a lasting cookie from this site (SECURITY.md 16).
CSRF_COOKIE_AGE = None

# Second factor (SECURITY.md 8): every staff page needs a session verified with TOTP
# (continuum.access.decorators.staff_required). Only the demo may go without.
OTP_REQUIRED = env_bool("CONTINUUM_OTP_REQUIRED", not DEMO_MODE)
if PRODUCTION and not OTP_REQUIRED:
    raise ImproperlyConfigured("CONTINUUM_OTP_REQUIRED cannot be turned off with CONTINUUM_ENV=production.")
OTP_TOTP_ISSUER = "Continuum"

# Lockout (SECURITY.md 9): 5 failures lock a username for 10 minutes; the answer is the same
# whether the username exists or not.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=10)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "continuum.access.auth_views.lockout_response"
# Attempts are counted quietly; the audit log records logins and failures.
AXES_VERBOSE = False
# axes.W006 asks for the IP address among the lockout parameters. The lockout is per username
# on purpose (SECURITY.md 9): staff of one agency share an address, so an address lockout would
# let one person lock out a whole office, and rotating addresses does not bypass a username lock.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "continuum" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages come from npm (package-lock.json) and are copied to var/vendor by
# `make assets`; the application serves them itself (WhiteNoise). No CDN, ever.
VENDOR_DIR = VAR_DIR / "vendor"
STATICFILES_DIRS = [("vendor", VENDOR_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Security headers (SECURITY.md 15).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 63072000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# The public tip form (continuum/intake, SECURITY.md 16). Counted in memory per worker process
# under a keyed hash of the client address with a salt that rotates (continuum/intake/ratelimit.py);
# no address is stored. TRUSTED_PROXY_COUNT: how many reverse proxies in front of the application
# append to X-Forwarded-For (0: use REMOTE_ADDR only, and ignore the header).
TIP_RATE_LIMIT: dict[str, int] = {
    "REQUESTS": env_int("TIP_RATE_LIMIT_REQUESTS", 10, minimum=1, maximum=10_000),
    "WINDOW_SECONDS": env_int("TIP_RATE_LIMIT_WINDOW_SECONDS", 60, minimum=1, maximum=3600),
    "SALT_ROTATION_SECONDS": 600,
    "TRUSTED_PROXY_COUNT": env_int("TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=10),
}
# Uploaded tip photos (metadata stripped) are kept here. There is no MEDIA_URL on purpose: they are
# never served to the public.
MEDIA_ROOT = VAR_DIR / "media"

# Where the public "quick exit" control sends a visitor (replacing the page in history).
QUICK_EXIT_URL = env_str("CONTINUUM_QUICK_EXIT_URL", "https://www.weather.gov/")

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines carry paths with ids only; no bodies or query values are logged.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# Background jobs (continuum/core/jobs.py, `continuum worker`): django-tasks with its database
# backend, so a job is a row of this database, claimed atomically by a worker; no broker.
TASKS: dict[str, Any] = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
# A job claimed this long ago and never finished is taken to belong to a dead worker and made
# ready again (continuum/core/worker.py); longer than any job runs. After JOB_MAX_ATTEMPTS claims
# it is marked failed instead.
JOB_STALE_SECONDS = env_int("CONTINUUM_JOB_STALE_SECONDS", 30 * 60, minimum=60, maximum=24 * 3600)
JOB_MAX_ATTEMPTS = 3

# The demo personas' shared password; when unset, `continuum synth` makes one up and prints it.
DEMO_PASSWORD = env_str("CONTINUUM_DEMO_PASSWORD", "")

# Field encryption keys (SECURITY.md 14): the key file in use; None = CONTINUUM_FIELD_KEYS (core/crypto.py).
FIELD_KEYS_FILE: Path | None = (
    Path(env_str("CONTINUUM_FIELD_KEYS_FILE"))
    if env_str("CONTINUUM_FIELD_KEYS_FILE", "")
    else None
    if PRODUCTION or env_str("CONTINUUM_FIELD_KEYS", "")
    else VAR_DIR / "field-keys"
)

# The audit chain (SECURITY.md 13, continuum/audit/keys.py). Its HMAC key is kept outside the
# database: AUDIT_KEY, or a file named by AUDIT_KEY_FILE; development and the demo make
# var/audit-key; production without either stops at start. AUDIT_KEY_FILE is the key file in use
# (None: the key is in AUDIT_KEY, or production has none). Signed checkpoints of the chain are
# appended to a file in AUDIT_CHECKPOINT_DIR, outside the database (keep it on other storage in
# production). A row still unsealed after AUDIT_SEAL_GRACE_SECONDS means the sequencer stalled.
AUDIT_KEY_FILE: Path | None = (
    Path(env_str("AUDIT_KEY_FILE"))
    if env_str("AUDIT_KEY_FILE", "")
    else None
    if PRODUCTION or os.environ.get("AUDIT_KEY", "")
    else VAR_DIR / "audit-key"
)
AUDIT_CHECKPOINT_DIR = Path(env_str("AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints")))
AUDIT_SEAL_GRACE_SECONDS = env_int("AUDIT_SEAL_GRACE_SECONDS", 3600, minimum=60, maximum=7 * 24 * 3600)
