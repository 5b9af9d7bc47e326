"""Sessions end after 30 idle minutes, 10 hours in all, on browser close and password change."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from isg.accounts import security
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_idle_expiry_settings():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.SESSION_MAX_HOURS == 10


def test_every_request_pushes_the_idle_expiry_back(world, client):
    client.force_login(world.users["practitioner"])
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() + datetime.timedelta(minutes=1)
    )
    client.get(reverse("dashboard"))
    left = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert left > datetime.timedelta(minutes=29)


def test_an_idle_session_is_over(world, client):
    client.force_login(world.users["practitioner"])
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_session_cookie_ends_with_the_browser_and_is_secure(world, client):
    response = client.post(reverse("login"), {"username": "practitioner", "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["expires"] == "" and cookie["max-age"] == ""  # a browser-session cookie
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"


def _set_signed_in_at(client, seconds_ago: float) -> None:
    session = client.session
    session[security.SIGNED_IN_AT] = time.time() - seconds_ago
    session.save()


def test_a_session_ends_ten_hours_after_sign_in_however_active(world, client):
    client.force_login(world.users["practitioner"])
    _set_signed_in_at(client, 10 * 3600 - 60)
    assert client.get(reverse("dashboard")).status_code == 200
    _set_signed_in_at(client, 10 * 3600 + 1)
    response = client.get(reverse("case_list"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=%2Fcases%2F"
    page = client.get(response.url).content.decode()
    assert "signed in for more than 10 hours" in page
    assert client.get(reverse("dashboard")).status_code == 302  # signed out for good


def test_sign_in_records_when_the_session_began(world, client):
    before = time.time()
    client.post(reverse("login"), {"username": "practitioner", "password": PASSWORD})
    assert client.session[security.SIGNED_IN_AT] >= before
    assert client.session[security.AUTH_TIME] >= before


def test_session_max_hours_comes_from_the_environment():
    env = {k: os.environ[k] for k in ("PATH", "HOME") if k in os.environ}
    env.update(
        # The production settings: the test settings ignore the caller's environment.
        DJANGO_SETTINGS_MODULE="isg.settings",
        SECRET_KEY="p7Kq2vX9mZ4rT8wY1nB6cF3hJ5dL0sG-aE_uI7oP2kR9tV4xQ8zM1bN6yH3jW5cD",
        SESSION_MAX_HOURS="4",
        PYTHONPATH=str(ROOT),
    )
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings as s; print(s.SESSION_MAX_HOURS)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.strip() == "4", result.stderr


def test_changing_the_password_ends_other_sessions(world, client):
    practitioner = world.users["practitioner"]
    client.force_login(practitioner)
    assert client.get(reverse("dashboard")).status_code == 200
    practitioner.set_password("a completely new passphrase")
    practitioner.save()
    assert client.get(reverse("dashboard")).status_code == 302
