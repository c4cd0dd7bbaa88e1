"""Django settings for the Ezhou policy platform.

Everything that differs between a laptop, CI and production comes from the environment:
DATABASE_URL (SQLite in var/ by default, PostgreSQL in CI and production), EZHOU_SECRET_KEY,
EZHOU_AUDIT_HMAC_KEY, EZHOU_FIELD_KEYS, EZHOU_DEBUG, EZHOU_ALLOWED_HOSTS, EZHOU_HTTPS, EZHOU_PRODUCTION,
EZHOU_DEMO, EZHOU_MFA, EZHOU_ADMIN_NETWORKS. docs/security.md says what each security setting does.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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
# A production installation says so (EZHOU_PRODUCTION=1): it refuses the demo setting, debug mode and a
# database holding demo data or default passwords (ezhou_platform.security.checks, SECURITY.md C06).
PRODUCTION = os.environ.get("EZHOU_PRODUCTION", "0") == "1"
# The demo (`make run` sets EZHOU_DEMO=1): demo accounts with a published password, values written by the
# demo loaders in force at once, no second factor for staff. Never in production.
DEMO_MODE = os.environ.get("EZHOU_DEMO", "0") == "1"
if PRODUCTION and (DEMO_MODE or DEBUG):
    raise ImproperlyConfigured(
        "生产环境（EZHOU_PRODUCTION=1）不能同时开启演示模式（EZHOU_DEMO）或调试模式（EZHOU_DEBUG）。"
    )
# Staff log in with a password and a TOTP code (C04); only the demo goes without.
MFA_REQUIRED = os.environ.get("EZHOU_MFA", "1") != "0"
if PRODUCTION and not MFA_REQUIRED:
    raise ImproperlyConfigured("生产环境必须对工作人员启用动态口令（EZHOU_MFA 不能为 0）。")
SECRET_KEY = os.environ.get("EZHOU_SECRET_KEY") or _secret_from_file("django_secret_key")
AUDIT_HMAC_KEY = os.environ.get("EZHOU_AUDIT_HMAC_KEY") or _secret_from_file("audit_hmac_key")
# The audit chain's head written outside the database after every commit (common.audit.anchor, C12): keep it
# on other storage than the database (or ship the `ezhou.audit` log lines); empty turns it off.
AUDIT_ANCHOR_FILE = os.environ.get("EZHOU_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchor.log"))
# ADR 0005: an audit record appended while the chain head is busy is chained by the sealer right after commit;
# `audit verify` reports one still pending after this many seconds (a crash between append and seal).
AUDIT_SEAL_GRACE_SECONDS = int(os.environ.get("EZHOU_AUDIT_SEAL_GRACE_SECONDS", "60"))
# False: every record is appended pending and chained after commit, even when the head is free (tests).
AUDIT_SEAL_INLINE = True
# Field encryption keys (C20, ezhou_platform.common.crypto): EZHOU_FIELD_KEYS ("index=… v1=…"), else the key
# file below (created on first use outside production). Never in the database or its backups.
FIELD_KEYS = os.environ.get("EZHOU_FIELD_KEYS", "")
FIELD_KEYS_FILE = Path(os.environ.get("EZHOU_FIELD_KEYS_FILE", VAR_DIR / "secrets" / "field_keys")).resolve()
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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # serves its Swagger UI assets locally (no CDN)
    "django_tasks",  # background jobs: the task API (backport of Django 6's django.tasks)
    "django_tasks_db",  # … and its database queue, worked by `ezhou jobs worker`
    "ezhou_platform.common",
    "ezhou_platform.common.audit",
    "ezhou_platform.security",
    "ezhou_platform.registers",
    "ezhou_platform.jobs",
    "ezhou_platform.procedures",
    "ezhou_platform.gazette",
    "ezhou_platform.medical_assistance",
    "ezhou_platform.water_plan",
    "ezhou_platform.unconventional_water",
    "ezhou_platform.rental_housing",
    "ezhou_platform.subsidies",
    "ezhou_platform.supervision",
    "ezhou_platform.licensing",
    "ezhou_platform.mydata",
]

MIDDLEWARE = [
    # First: every response, even an error, carries the request id the audit records of the request carry.
    "ezhou_platform.common.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ezhou_platform.common.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ezhou_platform.common.middleware.RequestContextMiddleware",
    "ezhou_platform.security.middleware.AdminAllowlistMiddleware",
    # The API's input bounds (64-bit integers, NUL/CR/LF, years 1900–2100): a Chinese 422, never a 500.
    "ezhou_platform.common.api_guard.ApiInputGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ezhou_platform.common.middleware.IdleTimeoutMiddleware",
    "ezhou_platform.security.middleware.SecurityGateMiddleware",
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
    # Staff: none of the last PASSWORD_HISTORY passwords; stamps password_changed_at (C01).
    {"NAME": "ezhou_platform.security.passwords.PasswordHistoryValidator"},
]
PASSWORD_MAX_AGE_DAYS = 90  # staff (MLPS 定期更换); citizens' passwords do not expire (ASVS 6.2.10)
PASSWORD_HISTORY = 5
ACCOUNT_IDLE_DAYS = 90  # accounts unused this long are disabled by the daily job (C06)
LOGIN_URL = "login"
# Every role lands on its own workspace (待办 across all systems), not the public home page.
LOGIN_REDIRECT_URL = "procedures:workspace"
LOGOUT_REDIRECT_URL = "home"

# Lockout (ezhou_platform.security.throttle): 5 consecutive failures lock a *staff* account for 30 minutes,
# keyed by username only, so X-Forwarded-For or any other header cannot move an attacker to a fresh counter.
# Citizen, enterprise and unknown names are never locked (anyone could lock them): after 3 failures their
# login needs a CAPTCHA. Per source address: a CAPTCHA after 10 failures in 30 minutes, refusal after 50.
AXES_FAILURE_LIMIT = "ezhou_platform.security.throttle.failure_limit"
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_CLIENT_IP_CALLABLE = "ezhou_platform.security.throttle.axes_client_ip"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # one row per failure: the throttle's and the alerts' counts
LOGIN_THROTTLE = {
    "window_minutes": 30,
    "staff_lock_after": 5,
    "account_challenge_after": 3,
    "ip_challenge_after": 10,
    "ip_block_after": 50,
}
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ADMIN = True

# Sessions: idle timeout by role, enforced by IdleTimeoutMiddleware; server-side sessions so logout deletes.
SESSION_ENGINE = "ezhou_platform.common.sessions"  # database sessions whose expiry is absolute (C03)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 12 * 3600
SESSION_ABSOLUTE_SECONDS = 12 * 3600  # from login, however busy the session (IdleTimeoutMiddleware)
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
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = os.environ.get("EZHOU_SSL_REDIRECT", "1") == "1"
    # __Host- cookies: Secure, path /, no Domain — a sibling host cannot set or read them (ASVS 3.3.1).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_PROXY_SSL_HEADER = (
        ("HTTP_X_FORWARDED_PROTO", "https") if os.environ.get("EZHOU_BEHIND_PROXY") else None
    )

# The admin (/admin/) answers only to these networks (C10); production lists the administrators' network.
ADMIN_ALLOWED_NETWORKS = [
    n.strip() for n in os.environ.get("EZHOU_ADMIN_NETWORKS", "127.0.0.0/8,::1/128").split(",") if n.strip()
]

# Alerts (C17): thresholds of the detectors in ezhou_platform.security.alerts.
ALERTS = {"mass_view_per_hour": 50, "login_failures_per_10_minutes": 100}

# TOTP (django-otp): 30-second step, one step of tolerance; the issuer shown in the phone app.
OTP_TOTP_ISSUER = "鄂州市政策平台"

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

# --- Uploads (ezhou_platform.security.uploads, C18) -------------------------------------------------------
# Outside the static root and never served by URL: a view streams each file as an attachment.
UPLOADS_ROOT = Path(os.environ.get("EZHOU_UPLOADS_DIR", VAR_DIR / "uploads")).resolve()
# Without ClamAV an upload is refused in production, accepted and marked 未查毒 elsewhere.
UPLOAD_REQUIRE_AV = PRODUCTION
CLAMAV_DATABASE_DIR = os.environ.get("EZHOU_CLAMAV_DB", "/var/lib/clamav")
# The manifest of the installed code (C19), written at deployment by `ezhou manifest write`.
CODE_MANIFEST = os.environ.get("EZHOU_CODE_MANIFEST", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("EZHOU_LOG_LEVEL", "WARNING")},
    # One line per audit anchor (the chain head after each commit, C12), to be shipped to a separate store.
    "loggers": {"ezhou.audit": {"level": os.environ.get("EZHOU_AUDIT_LOG_LEVEL", "INFO")}},
}

# axes.W006 warns that a username-only lockout lets an attacker rotate IPs; that is the point here: the
# account is locked whatever address the attempts come from (per-account lockout, 5 failures, 30 minutes).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
