"""seed_volume: generated data at volume, with an intact audit chain, never on real data."""

import pytest
from django.core.management import CommandError, call_command

from decisions.audit import verify
from decisions.models import AuditEntry, Case, Decision, ShareRequest
from decisions.seeding import volume
from isg.accounts.models import Membership, Role, User
from tests import factories


def test_generates_cases_requests_decisions_and_a_chain_verify_audit_accepts(db):
    call_command("seed_volume", "--cases", "40", stdout=None)
    assert Case.objects.count() == 40
    assert ShareRequest.objects.count() >= 40
    assert Decision.objects.count() > 0
    assert AuditEntry.objects.count() >= 8 * 40
    result = verify.verify_chain()
    assert result.intact, result.message
    assert result.entries_checked == AuditEntry.objects.count()


def test_every_generated_organisation_has_users_of_every_role_with_the_known_password(db):
    volume.seed(8)
    for organisation in volume.generated_organisations():
        roles = set(
            Membership.objects.filter(organisation=organisation).values_list("role", flat=True)
        )
        assert roles == set(Role.values)
    user = User.objects.get(username=volume.username(0, Role.PRACTITIONER, 1))
    assert user.check_password(volume.PASSWORD)


def test_decisions_reference_their_own_case_request_and_organisation(db):
    volume.seed(12)
    for decision in Decision.objects.select_related("share_request", "case"):
        assert decision.share_request.case_id == decision.case_id
        assert decision.organisation_id == decision.case.organisation_id


def test_refuses_a_database_with_real_data(db):
    factories.make_organisation("Riverside Children's Services")
    with pytest.raises(CommandError, match="did not generate"):
        call_command("seed_volume", "--cases", "5")
    assert Case.objects.count() == 0


def test_refuses_to_run_twice_on_the_same_database(db):
    volume.seed(3)
    with pytest.raises(CommandError, match="already holds generated data"):
        call_command("seed_volume", "--cases", "3")
    assert Case.objects.count() == 3
