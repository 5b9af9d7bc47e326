"""Production settings come from the environment; checked in a fresh interpreter."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from isg.env import secret_key_problem

ROOT = Path(__file__).resolve().parent.parent
STRONG_KEY = "p7Kq2vX9mZ4rT8wY1nB6cF3hJ5dL0sG-aE_uI7oP2kR9tV4xQ8zM1bN6yH3jW5cD"


def clean_env(**env: str) -> dict[str, str]:
    """Only what a deployment would set: no test-run variables leak into the child."""
    base = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return {**base, "DJANGO_SETTINGS_MODULE": "isg.settings", **env}


def run(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean_env(**env), capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("", "not set"),
        ("short", "too short"),
        ("a" * 60, "too few"),
        ("django-insecure-" + "x1y2z3" * 10, "placeholder"),
    ],
)
def test_weak_keys_are_named(key, problem):
    assert problem in secret_key_problem(key)


def test_strong_key_passes():
    assert secret_key_problem(STRONG_KEY) is None


def test_missing_secret_key_stops_the_app_with_a_clear_message():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_weak_secret_key_also_stops_the_wsgi_app():
    result = run("import isg.wsgi", SECRET_KEY="short")
    assert result.returncode != 0
    assert "SECRET_KEY is too short" in result.stderr


def test_secure_defaults_apply_when_debug_is_off():
    result = run(
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS > 0, s.SESSION_ENGINE)",
        SECRET_KEY=STRONG_KEY,
    )
    assert result.stdout.split() == [
        "False",
        "True",
        "True",
        "True",
        "True",
        "django.contrib.sessions.backends.db",
    ]


def test_debug_is_only_on_when_asked():
    result = run("from django.conf import settings as s; print(s.DEBUG)", DEBUG="1")
    assert result.stdout.strip() == "True"


def test_check_deploy_is_clean_with_only_the_documented_variables():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_env(DEBUG="0", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="isg.example.org"),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.sqlite
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000


def test_the_test_settings_ignore_the_callers_environment_but_the_database():
    code = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECRET_KEY.startswith('tests-only'), s.TIME_ZONE, s.SITE_URL, "
        "s.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1])"
    )
    result = run(
        code,
        DJANGO_SETTINGS_MODULE="isg.settings_test",
        DEBUG="1",
        SECRET_KEY=STRONG_KEY,
        TIME_ZONE="Australia/Adelaide",
        SITE_URL="https://elsewhere.example",
        DATABASE_URL="sqlite:///var/elsewhere.sqlite3",
    )
    assert result.stdout.split() == [
        "False",
        "True",
        "Europe/London",
        "http://localhost:8000",
        "sqlite3",
    ], result.stderr
