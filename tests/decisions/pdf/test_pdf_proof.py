"""The decision record's proof of inclusion (PDF and JSON) and its own trail, leads only."""

import json

import pytest
from django.urls import reverse

from decisions.audit import checkpoints, proof
from decisions.audit import record as audit_log
from decisions.models import AuditEntry
from tests.decisions.pdf.test_pdf import download, pdf_text

pytestmark = pytest.mark.django_db


def submit_entry(world):
    return audit_log.record_about_decision(
        AuditEntry.Action.DECISION_SUBMITTED, world.decision, world.users["practitioner"], {}
    )


def test_the_pdf_prints_the_proof_of_the_submission_entry(world, client_for):
    entry = submit_entry(world)
    checkpoint = checkpoints.make_checkpoint().checkpoint
    text = pdf_text(download(client_for(world.users["practitioner"]), world.decision).content)
    assert "Proof that this decision is in the audit log" in text
    assert f"#{entry.sequence}" in text
    assert entry.entry_hash in text
    assert checkpoint.root_hash in text
    assert f"{checkpoint.tree_size} entries" in text
    assert checkpoints.verifiers()[0].to_string() in text
    assert "verify_proof" in text


def test_without_a_checkpoint_the_pdf_says_the_proof_is_not_ready(world, client_for):
    entry = submit_entry(world)
    text = pdf_text(download(client_for(world.users["practitioner"]), world.decision).content)
    assert f"Audit entry #{entry.sequence}" in text and "not yet in a signed checkpoint" in text


def test_the_lead_downloads_a_proof_that_verifies(world, client_for):
    entry = submit_entry(world)
    checkpoints.make_checkpoint()
    response = client_for(world.users["lead"]).get(
        reverse("decision_proof", args=[world.decision.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    document = json.loads(response.content)
    result = proof.verify(document, checkpoints.verifiers()[0])
    assert result.sequence == entry.sequence
    assert result.entry["action"] == "decision_submitted"
    page = client_for(world.users["lead"]).get(
        reverse("decision_detail", args=[world.decision.pk])
    )
    assert reverse("decision_proof", args=[world.decision.pk]) in page.content.decode()


def test_the_record_s_own_trail_is_printed_for_leads_only(world, client_for):
    viewed = audit_log.record_view(world.users["manager"], world.decision, world.case)
    for role in ("practitioner", "manager"):
        text = pdf_text(download(client_for(world.users[role]), world.decision).content)
        assert viewed.entry_hash not in text
        assert "printed for the organisation’s safeguarding leads only" in text
    text = pdf_text(download(client_for(world.users["lead"]), world.decision).content)
    assert viewed.entry_hash in text
    assert "safeguarding leads only" not in text
