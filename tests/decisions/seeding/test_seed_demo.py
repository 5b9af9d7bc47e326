import pytest
from django.core.management import CommandError, call_command

from decisions.models import Case
from decisions.seeding.demo import DEMO_PASSWORD
from isg.accounts.models import Membership, Role, User


def test_seed_demo_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo", "--without-history")


def test_seed_demo_creates_every_role_in_two_organisations_once(db, settings, capsys):
    settings.DEBUG = True
    call_command("seed_demo", "--without-history")
    call_command("seed_demo", "--without-history")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out
    assert "nothing new was created" in out
    roles = set(Membership.objects.values_list("organisation__name", "role"))
    for org in ("Riverside Children's Services", "Northgate Family Support"):
        for role in (Role.PRACTITIONER, Role.MANAGER, Role.LEAD):
            assert (org, role) in roles
    assert User.objects.get(username="pat").check_password(DEMO_PASSWORD)
    riverside = Case.objects.filter(organisation__name="Riverside Children's Services")
    assert riverside.filter(is_closed=False).count() == 3  # and two closed long ago: retention
    assert Case.objects.get(reference="RCS-2026-0142").people.filter(protect_identity=True)


def test_seed_demo_decides_through_the_wizard_services(db, settings):
    from decisions.models import AuditEntry, Decision, ShareRequest

    settings.DEBUG = True
    call_command("seed_demo", "--without-history")
    shared = Decision.objects.get(case__reference="RCS-2026-0157")
    refused = Decision.objects.get(case__reference="NFS-0091")
    assert (shared.outcome, shared.requires_approval) == ("share", False)
    assert (refused.framework, refused.outcome, refused.requires_approval) == (
        "sa-isg",
        "do_not_share",
        True,
    )
    assert refused.share_request.status == ShareRequest.Status.AWAITING_APPROVAL
    submitted = AuditEntry.objects.filter(
        action=AuditEntry.Action.DECISION_SUBMITTED, case__is_closed=False
    )
    answered = Decision.objects.get(case__reference="NFS-2026-0031")  # the demo exchange's
    assert set(submitted.values_list("object_id", flat=True)) == {
        str(shared.pk),
        str(refused.pk),
        str(answered.pk),
    }


def test_seed_demo_has_a_request_waiting_and_a_round_trip_delivered_and_acknowledged(db, settings):
    from decisions.models import Delivery, ExchangeRequest

    settings.DEBUG = True
    call_command("seed_demo", "--without-history")
    waiting = ExchangeRequest.objects.get(from_organisation__name="Northgate Family Support")
    assert waiting.taken_by is None and waiting.to_organisation.name.startswith("Riverside")
    delivery = Delivery.objects.get()
    assert delivery.to_case.reference == "RCS-2026-0142"
    assert delivery.decision.outcome == "share"
    assert delivery.receipt.acknowledged_by.username == "pat"


def test_demo_managers_get_a_known_authenticator_and_demo_code_prints_it(db, settings, capsys):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.DEBUG = True
    call_command("seed_demo", "--without-history")
    assert TOTPDevice.objects.filter(user__username="mark", confirmed=True).exists()
    assert not TOTPDevice.objects.filter(user__username="pat").exists()
    capsys.readouterr()
    call_command("demo_code", "mark")
    device = TOTPDevice.objects.get(user__username="mark")
    printed = capsys.readouterr().out.strip()
    assert device.verify_token(printed)


def test_demo_code_refuses_when_debug_is_off(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo_code", "mark")
