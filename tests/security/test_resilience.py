"""Concurrent writers lose nothing; a failed submit leaves nothing; a dead database is a 503."""

import threading
from unittest import mock

import pytest
from django.db import OperationalError, connections
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from decisions.audit import verify
from decisions.models import AuditEntry, Decision, DecisionDraft
from decisions.wizard import services as wizard_services
from tests import factories
from tests.decisions.wizard.driver import walk

THREADS = 6
COMPLETE = {
    "immediate_danger": False,
    "legitimate_purpose": True,
    "recipient_has_role": True,
    "risk_of_harm": "significant",
    "informing_increases_risk": True,
    "consent": "refused",
    "necessary_and_proportionate": True,
    "third_party_at_risk": True,
    "advice_sought": True,
}


def _complete_draft(client, case) -> DecisionDraft:
    share_request = factories.make_request(case)
    walk(client, share_request, COMPLETE)
    return DecisionDraft.objects.get(share_request=share_request)


@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_each_write_one_decision_and_one_entry(world, client_for):
    practitioner = world.users["practitioner"]
    client = client_for(practitioner)
    drafts = [_complete_draft(client, world.case) for _ in range(THREADS)]
    before = AuditEntry.objects.count()
    start = threading.Barrier(THREADS)
    errors = []

    def submit(draft):
        try:
            start.wait()
            wizard_services.decision_submit(draft=draft, user=practitioner)
        except Exception as exc:  # reported below: a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(d,)) for d in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    decisions = list(Decision.objects.filter(draft__in=drafts))
    assert len(decisions) == THREADS
    submitted = AuditEntry.objects.filter(
        action=AuditEntry.Action.DECISION_SUBMITTED,
        object_id__in=[str(decision.pk) for decision in decisions],
    )
    assert submitted.count() == THREADS
    assert AuditEntry.objects.count() - before == THREADS
    assert verify.verify_chain().intact


def test_a_failure_after_the_decision_insert_rolls_back_both(world, client_for):
    practitioner = world.users["practitioner"]
    draft = _complete_draft(client_for(practitioner), world.case)
    decisions, entries = Decision.objects.count(), AuditEntry.objects.count()
    with (
        mock.patch(
            "decisions.wizard.services.record_about_decision",
            side_effect=OperationalError("disk full"),
        ),
        pytest.raises(OperationalError),
    ):
        wizard_services.decision_submit(draft=draft, user=practitioner)
    assert Decision.objects.count() == decisions
    assert not Decision.objects.filter(draft=draft).exists()
    assert AuditEntry.objects.count() == entries
    draft.refresh_from_db()
    assert draft.share_request.status != "awaiting_approval"


def _database_down(sql_filter=lambda sql: True):
    real = CursorWrapper.execute

    def execute(self, sql, params=None):
        if sql_filter(sql):
            raise OperationalError("could not connect to server: Connection refused")
        return real(self, sql, params)

    return mock.patch.object(CursorWrapper, "execute", execute)


# transaction=True: as in production, no test-wide transaction for the failure to poison.
@pytest.mark.django_db(transaction=True)
def test_a_database_error_in_a_view_shows_the_503_page_and_keeps_the_draft(world, client_for):
    client = client_for(world.users["practitioner"])
    url = reverse("wizard_question", args=[world.draft.pk, "immediate_danger"])
    assert client.post(url, {"answer": "false"}).status_code == 302
    with _database_down(lambda sql: "UPDATE" in sql and "decisiondraft" in sql):
        response = client.post(url, {"answer": "true"})
    assert response.status_code == 503
    body = response.content.decode()
    assert "Sorry, the service is unavailable" in body
    assert "govuk-heading-l" in body and "Traceback" not in body
    assert response["Retry-After"] == "60"
    world.draft.refresh_from_db()
    assert world.draft.facts == {"immediate_danger": False}  # the saved answer survived
    # And once the database is back, the wizard carries on from it.
    assert client.get(url).status_code == 200


def test_a_database_that_is_down_before_the_view_also_shows_the_503_page(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["practitioner"])
    with _database_down():
        response = client.get(reverse("dashboard"))
    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.content.decode()


def test_other_errors_get_a_plain_500_page(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.users["practitioner"])
    with mock.patch(
        "decisions.dashboard.views.case_selectors.open_requests_for", side_effect=ValueError
    ):
        response = client.get(reverse("dashboard"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
