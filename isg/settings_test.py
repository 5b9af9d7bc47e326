"""Settings for the test suite: production settings, minus HTTPS redirects and slow hashing.

Hermetic: whatever the caller exported (DEBUG=1 from the README's demo commands, a real
SECRET_KEY, an AUDIT_KEY…), the tests see the same settings. Only DATABASE_URL is read from
the environment, to choose the database.
"""

import os

# Every variable isg/settings.py reads, but DATABASE_URL: set to the tests' values or removed.
_FIXED = {
    "SECRET_KEY": "tests-only-key-8f1e6c0b9d2a4f7e3c5b1a9d8e7f6c5b4a3d2e1f0a9b8c7d",
    "AUDIT_KEY": "tests-2026:tests-only-audit-key-3b8e1f7a9c2d4e6f8a0b1c3d5e",
    "AUDIT_SIGNING_KEY": (
        "PRIVATE+KEY+isg.test/audit+85a65690+AXiBCmJd1AIb0Z86vOijtAAOCgd2GbvAQxT9btLEDEFT"
    ),
    "DATA_KEY_ENCRYPTION_KEY": "tests-2026:dGVzdHMtb25seS1kYXRhLWtleS0zMi1ieXRlcyEhISE=",
}
_IGNORED = (
    "DEBUG",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SQLITE_BUSY_TIMEOUT",
    "SESSION_IDLE_SECONDS",
    "SESSION_MAX_HOURS",
    "RECENT_AUTH_MINUTES",
    "LOGIN_FAILURE_LIMIT",
    "LOGIN_COOLOFF_MINUTES",
    "LOGIN_LOCKOUT_PARAMETERS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "BEHIND_PROXY",
    "TIME_ZONE",
    "SITE_URL",
    "API_RATE_LIMIT",
    "API_TOKEN_SECONDS",
    "AUDIT_LOG_ORIGIN",
    "AUDIT_WITNESS_DIR",
    "AUDIT_WITNESS_EMAILS",
    "AUDIT_WITNESS_URLS",
    "JOBS_STALE_AFTER_SECONDS",
    "JOBS_KEEP_RESULTS_DAYS",
    "TASKS_KEEP_DAYS",
)
os.environ.update(_FIXED)
for _name in _IGNORED:
    os.environ.pop(_name, None)

from isg.settings import *  # noqa: E402,F403
from isg.settings import DATABASES, STORAGES  # noqa: E402

SECURE_SSL_REDIRECT = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that threads (live server, concurrency tests) share it;
    # one per process, so that two test runs on one machine do not collide.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
else:
    # Likewise one test database per process on PostgreSQL.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405  (whitenoise warns otherwise)
