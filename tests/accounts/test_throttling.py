"""Repeated wrong passwords lock sign-in for a while, per username and per address."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from decisions.models import AuditEntry
from tests.factories import PASSWORD


def _attempt(client, username, password="wrong password", address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_limits_are_five_failures_and_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_five_wrong_passwords_lock_the_account_even_for_the_right_one(world, client):
    for _ in range(4):
        assert _attempt(client, "practitioner").status_code == 200
    locked = _attempt(client, "practitioner")
    assert locked.status_code == 429
    right = _attempt(client, "practitioner", PASSWORD, address="10.9.9.9")  # another address
    assert right.status_code == 429
    body = right.content.decode()
    assert "Too many attempts to sign in" in body
    assert "Try again in 15 minutes" in body
    assert "govuk-heading-l" in body and "Traceback" not in body
    assert client.get(reverse("dashboard")).status_code == 302  # not signed in


def test_a_lockout_is_written_to_the_audit_log(world, client):
    for _ in range(5):
        _attempt(client, "practitioner")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.LOCKED_OUT)
    assert entry.actor_label == "practitioner"
    assert entry.snapshot["ip_address"] == "10.0.0.1"


def test_failures_from_one_address_lock_that_address(world, client):
    for n in range(5):
        _attempt(client, f"guess{n}", address="10.0.0.7")
    assert _attempt(client, "manager", PASSWORD, address="10.0.0.7").status_code == 429
    elsewhere = _attempt(client, "manager", PASSWORD, address="10.0.0.8")
    assert elsewhere.status_code == 302


def test_the_lock_lifts_after_the_cool_off(world, client):
    for _ in range(5):
        _attempt(client, "practitioner")
    assert _attempt(client, "practitioner", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    assert _attempt(client, "practitioner", PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(world, client):
    for _ in range(4):
        _attempt(client, "practitioner")
    assert _attempt(client, "practitioner", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert _attempt(client, "practitioner").status_code == 200
    assert _attempt(client, "practitioner", PASSWORD).status_code == 302
