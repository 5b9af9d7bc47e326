"""Reconsidering a decision: a new, linked decision; the old one stays readable."""

import pytest
from django.urls import resolve, reverse

from decisions.lifecycle import services as lifecycle_services
from decisions.models import AuditEntry, Decision
from tests import factories
from tests.decisions.wizard.driver import walk
from tests.decisions.wizard.test_wizard import SHARE_WITHOUT_CONSENT, submit


@pytest.fixture
def practitioner(world, client_for):
    return client_for(world.users["practitioner"])


def submitted(client, share_request) -> Decision:
    check_url, _ = walk(client, share_request, SHARE_WITHOUT_CONSENT)
    submit(client, check_url)
    return Decision.objects.get(share_request=share_request, supersedes__isnull=True)


def test_reconsider_prefills_a_draft_and_the_new_decision_supersedes_the_old(world, practitioner):
    share_request = factories.make_request(world.case)
    old = submitted(practitioner, share_request)
    reconsider = reverse("decision_reconsider", args=[old.pk])
    page = practitioner.get(reverse("decision_detail", args=[old.pk])).content.decode()
    assert reconsider in page
    assert "Reconsider the decision" in practitioner.get(reconsider).content.decode()

    response = practitioner.post(reconsider)
    # Every answer is carried over, so the wizard opens at check your answers.
    assert resolve(response.url).url_name == "wizard_check"
    draft_id = resolve(response.url).kwargs["draft_id"]
    practitioner.post(reverse("wizard_submit", args=[draft_id]))

    new = Decision.objects.get(supersedes=old)
    assert new.facts == old.facts and new.draft_id != old.draft_id
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RECONSIDERED)
    assert entry.object_id == str(old.pk)
    assert entry.snapshot["superseded_by"] == str(new.pk)
    old_page = practitioner.get(reverse("decision_detail", args=[old.pk])).content.decode()
    assert "Superseded by" in old_page and reverse("decision_detail", args=[new.pk]) in old_page
    assert reconsider not in old_page  # only the latest decision can be reconsidered
    new_page = practitioner.get(reverse("decision_detail", args=[new.pk])).content.decode()
    assert "Reconsiders" in new_page


def test_a_decision_is_reconsidered_once(world, practitioner):
    old = world.decision
    factories.make_decision(old.share_request, world.users["practitioner"], supersedes=old)
    response = practitioner.post(reverse("decision_reconsider", args=[old.pk]), follow=True)
    assert "already been reconsidered" in response.content.decode()
    with pytest.raises(lifecycle_services.NotNow):
        lifecycle_services.reconsider_start(user=world.users["practitioner"], decision=old)


def test_two_reconsiderations_of_one_decision_cannot_both_be_submitted(world, client_for):
    share_request = factories.make_request(world.case)
    first = client_for(world.users["practitioner"])
    old = submitted(first, share_request)
    manager_draft = lifecycle_services.reconsider_start(user=world.users["manager"], decision=old)
    own_draft = lifecycle_services.reconsider_start(user=world.users["practitioner"], decision=old)
    first.post(reverse("wizard_submit", args=[own_draft.pk]))
    second = client_for(world.users["manager"])
    response = second.post(reverse("wizard_submit", args=[manager_draft.pk]), follow=True)
    assert "already been reconsidered by someone else" in response.content.decode()
    assert Decision.objects.filter(supersedes=old).count() == 1


def test_only_case_writers_reconsider(world, client_for):
    for name in ("unassigned", "lead", "other_practitioner"):
        client = client_for(world.users[name])
        response = client.post(reverse("decision_reconsider", args=[world.decision.pk]))
        assert response.status_code == 404, name
    assert not world.decision.reconsideration_drafts.exists()
