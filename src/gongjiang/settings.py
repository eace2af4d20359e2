"""Gongjiang settings: one module, configured from the environment.

With no environment at all it runs the embedded default: SQLite (WAL) in a local data folder,
with a secret key and field-encryption keys generated on first run and kept in that folder,
outside the repository. ``GONGJIANG_ENV=production`` turns on every deployment hardening and
refuses to start without explicit secrets. See docs/configuration.md for every variable.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from gongjiang.core.envconfig import (
    env_bool,
    env_int,
    env_list,
    env_str,
    load_or_create_field_keys,
    load_or_create_secret,
)

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
ENVIRONMENT = env_str("GONGJIANG_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise RuntimeError(
        f"GONGJIANG_ENV={ENVIRONMENT!r} is not valid; use development, test or production."
    )
IS_PRODUCTION = ENVIRONMENT == "production"

DATA_DIR = Path(
    env_str(
        "GONGJIANG_DATA_DIR",
        str(Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "gongjiang"),
    )
)

DEBUG = env_bool("DEBUG", False)

if IS_PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY", "")
    if not SECRET_KEY:
        raise RuntimeError("SECRET_KEY must be set when GONGJIANG_ENV=production.")
else:
    SECRET_KEY = env_str("SECRET_KEY", "") or load_or_create_secret(DATA_DIR / "secret_key")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if IS_PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "gongjiang.core",
    "gongjiang.catalog",
    "gongjiang.orgs",
    "gongjiang.people",
    "gongjiang.evaluation",
    "gongjiang.credentials",
    "gongjiang.competitions",
    "gongjiang.training",
    "gongjiang.international",
    "gongjiang.innovation",
    "gongjiang.targets",
    "gongjiang.reports",
    "gongjiang.imports",
    "gongjiang.web",
    "gongjiang.accounts",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gongjiang.core.middleware.RequestContextMiddleware",
    "gongjiang.core.middleware.SessionTimeoutMiddleware",
    "gongjiang.accounts.middleware.AccountGateMiddleware",
    "gongjiang.core.middleware.NoStoreForPersonalDataMiddleware",
    # Axes must be last: it turns lockouts into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongjiang.urls"
WSGI_APPLICATION = "gongjiang.wsgi.application"
AUTH_USER_MODEL = "core.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongjiang.web.context_processors.navigation",
            ],
        },
    }
]

# --- Database -------------------------------------------------------------------------------
_default_sqlite = f"sqlite:///{DATA_DIR / 'gongjiang.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_sqlite),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        # A health check costs a SELECT 1 per request, as much as a certificate lookup (see
        # bench/verify); off by default, on where connections may go stale (no PgBouncer).
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", False),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL lets readers and the one writer work at once; the pragmas run on every connection.
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
    if not str(DATABASES["default"]["NAME"]).startswith(":memory:") and not IS_PRODUCTION:
        DATA_DIR.mkdir(parents=True, exist_ok=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "gongjiang",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication and sessions (等保 2.0 三级 身份鉴别) --------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 10)
PASSWORD_MIN_CHARACTER_CLASSES = env_int("PASSWORD_MIN_CHARACTER_CLASSES", 3)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "gongjiang.core.passwords.CharacterClassValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CHARACTER_CLASSES},
    },
]
# Password expiry (等保: 定期更换): 0 = off (ASVS 6.2.10 advises against rotation); 90 for 等保.
PASSWORD_MAX_AGE_DAYS = env_int("PASSWORD_MAX_AGE_DAYS", 0)
# Roles that must enrol a TOTP second factor before doing anything else, e.g.
# REQUIRE_2FA_ROLES=platform_admin,security_admin,audit_admin. Users with a confirmed device
# always verify it after the password, whatever their role.
REQUIRE_2FA_ROLES = env_list("REQUIRE_2FA_ROLES", [])
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "工匠")
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Idle timeout: every request pushes the expiry forward; Django's two-week default is far too long.
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_ABSOLUTE_TIMEOUT_SECONDS = env_int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
# Lock the username wherever it is tried from, and the pair; never the bare IP, so one address
# cannot lock out everybody (ASVS 6.1.1).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False

# --- Security headers -----------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if IS_PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if env_bool("BEHIND_TLS_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)

# --- Personal data: field encryption and keyed hashes ---------------------------------------
# FIELD_CRYPTO_SUITE: "aes" (AES-256-GCM + HMAC-SHA256, default) or "sm" (SM4-GCM + HMAC-SM3).
FIELD_CRYPTO_SUITE = env_str("FIELD_CRYPTO_SUITE", "aes")
if FIELD_CRYPTO_SUITE not in {"aes", "sm"}:
    raise RuntimeError("FIELD_CRYPTO_SUITE must be 'aes' or 'sm'.")
_field_keys = load_or_create_field_keys(
    env_value=env_str("FIELD_ENCRYPTION_KEYS", ""),
    path=DATA_DIR / "field_keys.json",
    allow_create=not IS_PRODUCTION,
)
FIELD_ENCRYPTION_KEYS: dict[str, str] = _field_keys["encryption_keys"]
FIELD_ENCRYPTION_ACTIVE_KEY: str = env_str("FIELD_ENCRYPTION_ACTIVE_KEY", _field_keys["active"])
BLIND_INDEX_KEY: str = env_str("BLIND_INDEX_KEY", "") or _field_keys["blind_index_key"]
# Re-encryption functions run by `gongjiang rotate_keys` (each app that stores ciphertexts).
FIELD_KEY_ROTATORS: list[str] = [
    "gongjiang.people.services.rotate_person_keys",
    "gongjiang.accounts.services.rotate_totp_keys",
]

AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 365)
if AUDIT_RETENTION_DAYS < 183:
    raise RuntimeError("AUDIT_RETENTION_DAYS must be at least 183 (网络安全法: 不少于六个月).")
# The audit log's HMAC chain (core.auditchain). The key defaults to one derived (HKDF) from
# BLIND_INDEX_KEY; AUDIT_CHAIN_KEY (base64, 32 bytes) sets it apart, e.g. held by the auditor.
AUDIT_CHAIN_KEY: str = env_str("AUDIT_CHAIN_KEY", "")
# Seal new entries as soon as their transaction commits; `gongjiang seal_audit` seals the rest.
AUDIT_SEAL_ON_COMMIT = env_bool("AUDIT_SEAL_ON_COMMIT", True)
# How far before the last sealed entry the after-commit sealing looks for entries whose
# transaction committed late (a long import); older stragglers wait for `seal_audit`.
AUDIT_SEAL_LOOKBACK_MINUTES = env_int("AUDIT_SEAL_LOOKBACK_MINUTES", 60)

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if ENVIRONMENT != "test"
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = ENVIRONMENT == "test"

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "gongjiang.core.api_base.GongjiangAutoSchema",
    "EXCEPTION_HANDLER": "gongjiang.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gongjiang 工匠 API",
    "DESCRIPTION": "技能人才发展平台 REST API (v1)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that share a field name get their own names (add yours when spectacular warns).
    "ENUM_NAME_OVERRIDES": {
        "SkillLevelEnum": "gongjiang.catalog.levels.SkillLevel",
        "RegionLevelEnum": "gongjiang.catalog.models.Region.Level",
        "HonorLevelEnum": "gongjiang.people.models.Honor.Level",
        "OrganizationKindEnum": "gongjiang.orgs.models.Organization.Kind",
        "CertificateKindEnum": "gongjiang.people.models.Certificate.Kind",
        "HonorTitleEnum": "gongjiang.people.models.Honor.Title",
        "CompetitionLevelEnum": "gongjiang.competitions.models.Competition.Level",
        "CompetitionStatusEnum": "gongjiang.competitions.models.Competition.Status",
        "StageAdvancementEnum": "gongjiang.competitions.models.Stage.Advancement",
        "MedalEnum": "gongjiang.competitions.models.Medal",
        "MedalPolicyEnum": "gongjiang.competitions.models.CompetitionEvent.MedalPolicy",
        "JudgementMethodEnum": "gongjiang.competitions.models.CompetitionEvent.JudgementMethod",
        "AspectKindEnum": "gongjiang.competitions.models.Aspect.Kind",
        "DelegationKindEnum": "gongjiang.competitions.models.Delegation.Kind",
        "RoundStatusEnum": "gongjiang.competitions.models.EventRound.Status",
        "EntryStatusEnum": "gongjiang.competitions.models.Entry.Status",
        "ScoreSheetStatusEnum": "gongjiang.competitions.models.ScoreSheet.Status",
        "AppealStatusEnum": "gongjiang.competitions.models.Appeal.Status",
        "AppealDecisionEnum": "gongjiang.competitions.api.views.APPEAL_DECISIONS",
        "RewardPromotionEnum": "gongjiang.competitions.models.RewardRule.Promotion",
        "TrainingProgramStatusEnum": "gongjiang.training.models.TrainingProgram.Status",
        "ApprenticeshipKindEnum": "gongjiang.training.models.Apprenticeship.Kind",
        "SubsidyKindEnum": "gongjiang.training.models.SubsidyPolicy.Kind",
        "ExchangeEventKindEnum": "gongjiang.international.models.ExchangeEvent.Kind",
        "RecognitionCategoryEnum": "gongjiang.international.models.Recognition.Category",
        "EvaluationBatchStatusEnum": "gongjiang.evaluation.models.EvaluationBatch.Status",
        "TrainingProgramKindEnum": "gongjiang.training.models.TrainingProgram.Kind",
        "ApprenticeshipStatusEnum": "gongjiang.training.models.Apprenticeship.Status",
        "AgreementKindEnum": "gongjiang.international.models.Agreement.Kind",
        "AgreementStatusEnum": "gongjiang.international.models.Agreement.Status",
        "JointProjectStatusEnum": "gongjiang.international.models.JointProject.Status",
        "ImportJobStatusEnum": "gongjiang.imports.models.ImportJob.Status",
        "ImportJobModeEnum": "gongjiang.imports.models.ImportJob.Mode",
    },
}

# --- Logging: never log ID numbers; errors to stderr ------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# --- Background jobs (docs/adr/0001-background-jobs.md) ---------------------------------------
# django-tasks (the backport of Django 6.0's django.tasks) with its database backend: enqueued
# jobs are rows, `gongjiang worker` runs them. TASK_BACKEND=immediate runs a job inside the
# request that enqueues it (tests, `make run`); production defaults to the database queue.
TASK_BACKEND = env_str("TASK_BACKEND", "database" if IS_PRODUCTION else "immediate")
if TASK_BACKEND not in {"database", "immediate"}:
    raise RuntimeError("TASK_BACKEND must be 'database' or 'immediate'.")
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.DatabaseBackend"
            if TASK_BACKEND == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        ),
        "QUEUES": ["default", "imports"],
    }
}

# --- Bulk import (gongjiang.imports) -----------------------------------------------------------
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# Large CLI imports check and write side by side in two processes (imports/streaming.py).
IMPORT_STREAMING = env_bool("IMPORT_STREAMING", True)
# PostgreSQL: bulk imports check foreign keys set-wise instead of row by row, where the
# database role may (imports/bulkwrite.py, docs/configuration.md).
IMPORT_PG_FAST_FOREIGN_KEYS = env_bool("IMPORT_PG_FAST_FOREIGN_KEYS", True)
# PostgreSQL: bulk imports copy in the binary format where every column type allows.
IMPORT_PG_BINARY_COPY = env_bool("IMPORT_PG_BINARY_COPY", True)
IMPORT_SCRATCH_DIR = Path(env_str("IMPORT_SCRATCH_DIR", str(DATA_DIR / "imports")))

# --- Public certificate verification (gongjiang.credentials) ----------------------------------
# The address verification links and QR codes point to, and the per-client rate limit of the
# public /verify/ pages and API (a counter in the cache: set REDIS_URL in production so every
# process shares it).
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "http://127.0.0.1:8000")
VERIFY_RATE_LIMIT = env_int("VERIFY_RATE_LIMIT", 30)
VERIFY_RATE_WINDOW = env_int("VERIFY_RATE_WINDOW", 60)

# --- Demo -----------------------------------------------------------------------------------
# Demo logins are never created in production (等保: no default accounts).
DEMO_ALLOWED = not IS_PRODUCTION
