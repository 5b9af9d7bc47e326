"""Settings for benchmarks and load tests only — never for a real deployment.

Production settings (DEBUG off, secure defaults, Argon2, CSP, 2FA) with four changes for
plain http on loopback: no HTTPS redirect, cookies not marked Secure (a browser — or a
load-test client — does not send Secure cookies over http), hosts limited to loopback and
Django's test client, and static files from the plain storage (no collectstatic needed).
The URLconf adds one bench-only page, the "floor" (bench/urls.py), which the app's own
URLconf never serves.
"""

import os

os.environ.setdefault(
    "SECRET_KEY", "bench-only-secret-key-2b7e151628aed2a6abf7158809cf4f3c762e7160f38b4da56a"
)
os.environ.setdefault("AUDIT_KEY", "bench-2026:bench-only-audit-key-7c1d9e2b4f6a8c0e2d4f6b8a0c")

from isg.settings import *  # noqa: E402,F403
from isg.settings import STORAGES  # noqa: E402

DEBUG = False
ROOT_URLCONF = "bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
# Many simulated users sign in from one address in a load test.
AXES_ENABLED = False
