"""Blind spots closed (issue 15): two-factor changes are audited; failed sign-ins and lockouts
of an organisation's users reach its lead; new recovery codes need the password again."""

import base64
import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from decisions.models import AuditEntry
from tests.factories import PASSWORD
from tests.otp_support import give_totp_device

pytestmark = pytest.mark.django_db
Action = AuditEntry.Action
NEW_CODES = reverse("two_factor_new_codes")
SETUP = reverse("two_factor_setup")


def code_for_secret(page: str) -> str:
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    return str(totp(base64.b32decode(secret))).zfill(6)


def last_sequence() -> int:
    return AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()


def test_turning_two_factor_on_is_audited(world, client):
    client.force_login(world.users["practitioner"], verified=False)
    page = client.get(SETUP).content.decode()
    response = client.post(SETUP, {"token": code_for_secret(page)})
    assert response.status_code == 302
    actions = list(
        AuditEntry.objects.filter(actor=world.users["practitioner"])
        .order_by("sequence")
        .values_list("action", "organisation_id", "object_type")
    )
    assert (Action.TWO_FACTOR_ENABLED, world.org.pk, "User") in actions


def test_new_recovery_codes_need_the_password_and_are_audited(world, client_for):
    lead = world.users["lead"]
    client = client_for(lead)
    old = set(StaticToken.objects.filter(device__user=lead).values_list("token", flat=True))
    assert "Make new recovery codes" in client.get(reverse("account_security")).content.decode()
    before = last_sequence()

    wrong = client.post(NEW_CODES, {"password": "not it"})
    assert wrong.status_code == 200 and "The password is not right" in wrong.content.decode()
    assert not AuditEntry.objects.filter(action=Action.RECOVERY_CODES_GENERATED).exists()

    right = client.post(NEW_CODES, {"password": PASSWORD})
    assert right.status_code == 302
    assert right.url.startswith(reverse("two_factor_recovery_codes"))
    shown = client.get(right.url).content.decode()
    new = set(StaticToken.objects.filter(device__user=lead).values_list("token", flat=True))
    assert len(new) == 10 and not new & old
    assert all(code in shown for code in new)
    entry = AuditEntry.objects.get(action=Action.RECOVERY_CODES_GENERATED)
    assert entry.sequence > before
    assert (entry.actor, entry.organisation) == (lead, world.org)
    assert StaticDevice.objects.filter(user=lead).count() == 1


def test_resetting_two_factor_is_audited(world):
    manager = world.users["manager"]
    device = give_totp_device(manager)
    TOTPDevice.objects.filter(pk=device.pk).delete()  # what the admin's delete does
    entry = AuditEntry.objects.get(action=Action.TWO_FACTOR_RESET)
    assert entry.organisation == world.org
    assert (entry.object_type, entry.object_id) == ("User", str(manager.pk))
    assert entry.snapshot["user"] == "manager"


def test_failed_sign_ins_and_lockouts_reach_the_users_lead(world, client, client_for):
    for _ in range(5):
        client.post(reverse("login"), {"username": "practitioner", "password": "wrong"})
    client.post(
        reverse("login"),
        {"username": "nobody-at-all", "password": "wrong"},
        REMOTE_ADDR="10.9.9.9",  # another address: the first one is locked out by now
    )
    failed = AuditEntry.objects.filter(action=Action.SIGN_IN_FAILED)
    assert {e.organisation_id for e in failed if e.actor_label == "practitioner"} == {
        world.org.pk
    }
    assert failed.get(actor_label="nobody-at-all").organisation_id is None
    lockout = AuditEntry.objects.get(action=Action.LOCKED_OUT, actor_label="practitioner")
    assert lockout.organisation == world.org

    page = client_for(world.users["lead"]).get(
        reverse("audit_list"), {"action": "locked_out"}
    ).content.decode()
    assert reverse("audit_detail", args=[lockout.sequence]) in page
    other = client_for(world.users["other_lead"]).get(
        reverse("audit_list"), {"action": "locked_out"}
    ).content.decode()
    assert reverse("audit_detail", args=[lockout.sequence]) not in other
