"""ISG settings, read from the environment.

Only four variables are needed: DATABASE_URL (absent: a SQLite file in var/),
SECRET_KEY, DEBUG ("1" turns it on; off by default) and ALLOWED_HOSTS
(comma-separated). With DEBUG off the secure defaults apply by themselves.
"""

import datetime
import secrets
import sys
import warnings
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from isg.api.scopes import SCOPES as API_SCOPES
from isg.env import envbool, envint, envlist, secret_key_problem

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

DEBUG = envbool("DEBUG", False)


def _secret_key() -> str:
    import os

    key = os.environ.get("SECRET_KEY", "")
    problem = secret_key_problem(key)
    if problem is None:
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            f"{problem}. ISG will not run without a strong secret key when DEBUG is off. "
            "Set SECRET_KEY to a random string of at least 50 characters, e.g. "
            "python -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )
    # Development only: keep a generated key in var/ so sessions survive restarts.
    VAR_DIR.mkdir(exist_ok=True)
    path = VAR_DIR / "dev_secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
        print(f"DEBUG is on and {problem}: using a generated key in {path}", file=sys.stderr)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "guardian",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "oauth2_provider",
    "django_tasks",
    "django_tasks_db",
    "isg.accounts",
    "isg.jobs",
    "guidance",
    "decisions",
    "isg.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Database down: a plain 503 page instead of a 500 (isg/accounts/middleware.py).
    "isg.accounts.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signed in for SESSION_MAX_HOURS at most; then 2FA before any page (isg/accounts).
    "isg.accounts.middleware.SessionLifetimeMiddleware",
    "isg.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "isg.urls"
WSGI_APPLICATION = "isg.wsgi.application"

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
                "isg.accounts.context_processors.membership",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "isg.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL", default=f"sqlite:///{SQLITE_PATH}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers carry on while one writer writes; IMMEDIATE takes the
        # write lock at BEGIN so two writers queue on the busy timeout instead of
        # failing with "database is locked" when a read transaction upgrades.
        # secure_delete: freed content is zeroed, so erased text leaves no trace in free
        # pages (docs/retention.md).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("SQLITE_BUSY_TIMEOUT", 20),
    }
else:
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and sessions ----------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out user or address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = envint("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Signed in for this long at most, however active (isg/accounts/middleware.py).
SESSION_MAX_HOURS = envint("SESSION_MAX_HOURS", 10)
# Approving and exporting ask for the password again after this long (recent_auth_required).
RECENT_AUTH_MINUTES = envint("RECENT_AUTH_MINUTES", 15)

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username, or from
# one address, sign-in is refused for the cool-off period; the lockout is audited.
AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=envint("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = envlist("LOGIN_LOCKOUT_PARAMETERS", "username,ip_address")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "isg.accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "isg.accounts.security.client_ip"
AXES_VERBOSE = False

# Two-factor authentication (django-otp): required for managers, leads and admins.
OTP_TOTP_ISSUER = "ISG"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1

# --- Security: the secure defaults apply whenever DEBUG is off ---------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): nothing inline, nothing from elsewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}
if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if envbool("BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Static files: GOV.UK Frontend from npm, our CSS compiled at set-up ------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
GOVUK_FRONTEND_DIR = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk"
STATICFILES_DIRS = [BASE_DIR / "static", ("govuk", GOVUK_FRONTEND_DIR)]
if not GOVUK_FRONTEND_DIR.exists():
    warnings.warn(
        "GOV.UK Frontend is not installed: run `npm ci` (make setup does this).", stacklevel=1
    )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = envlist("TIME_ZONE", "Europe/London")[0]
USE_I18N = True
USE_TZ = True

EMAIL_BACKEND = (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend"
)
DEFAULT_FROM_EMAIL = "ISG <isg@localhost>"
# Emails (approval waiting, verdict given, follow-up due) link back to the service here.
SITE_URL = (envlist("SITE_URL") or ["http://localhost:8000"])[0].rstrip("/")

SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Background tasks (docs/architecture.md, "The task queue") ---------------
# Django's tasks API (the django-tasks backport) with its database backend: the queue is a
# table in DATABASES["default"], worked by `manage.py run_worker` processes (any number, on
# any machine that reaches the database; PostgreSQL hands each task to one of them with
# SELECT … FOR UPDATE SKIP LOCKED).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# A job whose worker has not been heard from for this long is taken to have died and is
# run again by the next worker that looks (isg/jobs/recovery.py).
JOBS_STALE_AFTER_SECONDS = envint("JOBS_STALE_AFTER_SECONDS", 300)
# A job's file (an export) is removed this many days after it was made; the queue's rows of
# finished tasks are deleted after TASKS_KEEP_DAYS (isg/jobs/pruning.py).
JOBS_KEEP_RESULTS_DAYS = envint("JOBS_KEEP_RESULTS_DAYS", 7)
TASKS_KEEP_DAYS = envint("TASKS_KEEP_DAYS", 30)

# --- The API for other systems (docs/api.md) -----------------------------------
# OAuth 2.0 client credentials (django-oauth-toolkit): one client per connected system, of one
# organisation, with scopes (isg/api/scopes.py); secrets are stored hashed.
OAUTH2_PROVIDER = {
    "OAUTH2_VALIDATOR_CLASS": "isg.api.auth.ClientValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": envint("API_TOKEN_SECONDS", 3600),
    "SCOPES": API_SCOPES,
    # OAuth 2.0 Security BCP (RFC 9700) everywhere: tokens stored hashed, never taken from a
    # query string, no implicit or password grants, https redirects only (none are used).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
# isg/api/models.py points at the application model: its migration names it through this.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["isg.api.auth.ClientAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["isg.api.auth.HasScopes"],
    "DEFAULT_THROTTLE_CLASSES": ["isg.api.auth.ClientThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_client": envlist("API_RATE_LIMIT", "600/min")[0]},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "isg.api.pagination.BoundedLimitOffset",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "isg.api.errors.handle_exception",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ISG API",
    "DESCRIPTION": "Cases, share requests, decisions and their audit, for the systems "
    "practitioners already use. OAuth 2.0 client credentials at /o/token/ (docs/api.md).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {"WebhookEvent": "isg.api.models.WebhookEndpoint.Event"},
}

# --- Audit log: the HMAC key lives outside the database (docs/audit.md) ------
# AUDIT_KEY="keyid:secret[,keyid:secret…]": the first signs new entries, all verify.
# Unset: a key is generated into var/audit_key on first use, with a warning.
AUDIT_KEYS = envlist("AUDIT_KEY")
AUDIT_KEY_FILE = VAR_DIR / "audit_key"
# Checkpoints of the log's Merkle tree are signed with Ed25519, a key apart from AUDIT_KEY.
# AUDIT_SIGNING_KEY="PRIVATE+KEY+<origin>+<key id>+<base64>[,…]": the first signs, all verify.
# Unset: generated into var/audit_signing_key on first use, with a warning, named
# AUDIT_LOG_ORIGIN. Witnesses: directories, addresses, URLs (comma-separated).
AUDIT_SIGNING_KEYS = envlist("AUDIT_SIGNING_KEY")
AUDIT_SIGNING_KEY_FILE = VAR_DIR / "audit_signing_key"
AUDIT_LOG_ORIGIN = (envlist("AUDIT_LOG_ORIGIN") or ["isg.localhost/audit"])[0]
AUDIT_WITNESS_DIR = envlist("AUDIT_WITNESS_DIR")
AUDIT_WITNESS_EMAILS = envlist("AUDIT_WITNESS_EMAILS")
AUDIT_WITNESS_URLS = envlist("AUDIT_WITNESS_URLS")

# --- Crypto-shredding: the key that wraps each case's data key (docs/retention.md) ---
# DATA_KEY_ENCRYPTION_KEY="keyid:base64-of-32-bytes[,…]": the first wraps new keys, all unwrap.
# Unset: a key is generated into var/data_key on first use, with a warning.
DATA_KEY_ENCRYPTION_KEYS = envlist("DATA_KEY_ENCRYPTION_KEY")
DATA_KEY_ENCRYPTION_KEY_FILE = VAR_DIR / "data_key"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
