"""Django settings for the Ezhou policy platform.

Everything that differs between a laptop, CI and production comes from the environment:
DATABASE_URL (SQLite in var/ by default, PostgreSQL in CI and production), EZHOU_SECRET_KEY,
EZHOU_AUDIT_HMAC_KEY, EZHOU_DEBUG, EZHOU_ALLOWED_HOSTS.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

SRC_DIR = Path(__file__).resolve().parents[2]
# The project folder: holds gazette/ (the law as data) and var/ (the embedded database, keys).
PROJECT_DIR = Path(os.environ.get("EZHOU_PROJECT_DIR", SRC_DIR.parent)).resolve()
VAR_DIR = Path(os.environ.get("EZHOU_VAR_DIR", PROJECT_DIR / "var")).resolve()
GAZETTE_DIR = Path(os.environ.get("EZHOU_GAZETTE_DIR", PROJECT_DIR / "gazette")).resolve()


def _secret_from_file(name: str) -> str:
    """A per-installation secret kept outside the database (var/secrets/NAME), created on first use.

    The audit HMAC key must never live in the database it protects; in production it comes from the
    environment (a secrets manager), and this file is only the embedded default for `make run`.
    """
    folder = VAR_DIR / "secrets"
    path = folder / name
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        tmp.chmod(0o600)
        tmp.replace(path)
    return path.read_text(encoding="utf-8").strip()


DEBUG = os.environ.get("EZHOU_DEBUG", "0") == "1"
SECRET_KEY = os.environ.get("EZHOU_SECRET_KEY") or _secret_from_file("django_secret_key")
AUDIT_HMAC_KEY = os.environ.get("EZHOU_AUDIT_HMAC_KEY") or _secret_from_file("audit_hmac_key")
ALLOWED_HOSTS = os.environ.get("EZHOU_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",  # serves its Swagger UI assets locally (no CDN)
    "django_tasks",  # background jobs: the task API (backport of Django 6's django.tasks)
    "django_tasks_db",  # … and its database queue, worked by `ezhou jobs worker`
    "ezhou_platform.common",
    "ezhou_platform.common.audit",
    "ezhou_platform.registers",
    "ezhou_platform.jobs",
    "ezhou_platform.procedures",
    "ezhou_platform.gazette",
    "ezhou_platform.medical_assistance",
    "ezhou_platform.water_plan",
    "ezhou_platform.rental_housing",
    "ezhou_platform.licensing",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ezhou_platform.common.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "ezhou_platform.common.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ezhou_platform.common.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "ezhou_platform.config.urls"
WSGI_APPLICATION = "ezhou_platform.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "ezhou_platform" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ezhou_platform.common.context.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{VAR_DIR / 'ezhou.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=0)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and the one writer work at once; IMMEDIATE takes the write lock at BEGIN so two
        # writers queue (busy timeout) instead of failing half-way through a transaction. synchronous=FULL:
        # an acknowledged commit survives a power loss too (NORMAL may lose the newest ones in WAL mode);
        # secure_delete overwrites freed pages that held personal data.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and login ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "common.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "ezhou_platform.common.password_validation.RolePasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
# Every role lands on its own workspace (待办 across all systems), not the public home page.
LOGIN_REDIRECT_URL = "procedures:workspace"
LOGOUT_REDIRECT_URL = "home"

# Lockout: 5 consecutive failures lock the account (not the IP) for 30 minutes; keyed by username only,
# so X-Forwarded-For or any other header cannot move an attacker to a fresh counter.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ADMIN = True

# Sessions: idle timeout by role, enforced by IdleTimeoutMiddleware; server-side sessions so logout deletes.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600  # absolute lifetime; the idle timeout below is shorter
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
IDLE_TIMEOUT_STAFF_SECONDS = 15 * 60
IDLE_TIMEOUT_CITIZEN_SECONDS = 30 * 60
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if os.environ.get("EZHOU_HTTPS", "0") == "1":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000

# --- Language, time, formats ----------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["ezhou_platform.config.formats"]
USE_THOUSAND_SEPARATOR = True

# --- Static files (served by WhiteNoise; nothing from a CDN) --------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from finders; an empty root is fine
STATICFILES_DIRS = [SRC_DIR / "ezhou_platform" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Background jobs (docs/jobs.md) ----------------------------------------------------------------------
# The queue is a table in the platform's own database (django-tasks-db), so `make run` needs nothing else;
# the JobRun records and their files (uploads, errors, results) are the platform's.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["jobs"],
    }
}
JOBS_FILES_ROOT = Path(os.environ.get("EZHOU_JOBS_DIR", VAR_DIR / "jobs")).resolve()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("EZHOU_LOG_LEVEL", "WARNING")},
}

# axes.W006 warns that a username-only lockout lets an attacker rotate IPs; that is the point here: the
# account is locked whatever address the attempts come from (per-account lockout, 5 failures, 30 minutes).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
