"""Decisions through the API: the record, its PDF, its FHIR bundle, follow-ups, the audit
log (keyset) and the proof of a decision's submission."""

import pytest
from fhir.resources.R4B.bundle import Bundle

from decisions.audit import checkpoints
from decisions.audit import record as audit_log
from decisions.lifecycle import services as lifecycle_services
from decisions.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def _approved_and_shared(world):
    decision = world.decision
    lifecycle_services.decision_verdict(
        decision=decision, approver=world.users["manager"], verdict="approved", reasons=""
    )
    lifecycle_services.share_record(
        decision=decision, user=world.users["practitioner"], shared=True,
        what_was_shared="Attendance, autumn term", shared_with="DC Example",
        shared_on=world.share_request.received_on, method="secure_email",
    )
    return decision


def _resources(bundle: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for entry in bundle["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def test_a_decision_shows_its_approval_and_what_was_shared(world, api):
    decision = _approved_and_shared(world)
    data = api.get(f"/api/v1/decisions/{decision.pk}/").json()
    assert data["approval"]["verdict"] == "approved"
    assert data["approval"]["approver"] == "manager"
    assert data["share_record"]["what_was_shared"] == "Attendance, autumn term"
    assert data["rationale"] == decision.rationale


def test_the_fhir_bundle_validates_as_r4_and_holds_each_resource(world, api):
    decision = _approved_and_shared(world)
    response = api.get(f"/api/v1/decisions/{decision.pk}/fhir/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    bundle = response.json()
    Bundle.model_validate(bundle)  # raises on anything FHIR R4(B) does not allow
    found = _resources(bundle)
    consent = found["Consent"][0]
    assert consent["provision"]["type"] == "permit"
    assert consent["status"] == "active"
    audit_event = found["AuditEvent"][0]
    assert audit_event["meta"]["profile"][0].endswith("IHE.BasicAudit.PrivacyDisclosure.Source")
    assert audit_event["subtype"][0]["code"] == "disclose"
    roles = {a["type"]["coding"][0]["code"]: a for a in audit_event["agent"]}
    assert set(roles) == {"110153", "110152", "humanuser"}  # source, destination, user
    assert roles["humanuser"]["requestor"] is True
    provenance = found["Provenance"][0]
    assert provenance["target"][0]["reference"] in {e["fullUrl"] for e in bundle["entry"]}
    assert provenance["activity"]["coding"][0]["code"] == "approved"
    questionnaire = found["Questionnaire"][0]
    response_items = found["QuestionnaireResponse"][0]["item"]
    link_ids = {item["linkId"] for item in questionnaire["item"]}
    assert {item["linkId"] for item in response_items} <= link_ids
    assert {"immediate_danger", "legitimate_purpose"} <= {i["linkId"] for i in response_items}
    assert found["Patient"][0]["identifier"][0]["value"] == "RIV-1"
    assert "name" not in found["Patient"][0]


def test_a_decision_not_to_share_is_a_denying_consent_with_its_lawful_basis(world, api):
    decision = factories.make_decision(
        factories.make_request(world.case), world.users["practitioner"],
        outcome="do_not_share", recommendation="do_not_share", requires_approval=False,
        lawful_basis="gdpr-6-1-e",
    )
    bundle = api.get(f"/api/v1/decisions/{decision.pk}/fhir/").json()
    Bundle.model_validate(bundle)
    found = _resources(bundle)
    consent = found["Consent"][0]
    assert consent["provision"]["type"] == "deny"
    assert consent["policyRule"]["coding"][0]["code"] == "gdpr-6-1-e"
    assert "Public task" in consent["policyRule"]["text"]
    assert "AuditEvent" not in found and "Provenance" not in found


def test_the_pdf_is_the_redacted_record_and_its_download_is_audited(world, api):
    response = api.get(f"/api/v1/decisions/{world.decision.pk}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.PDF_DOWNLOADED).get()
    assert entry.actor_id == api.client.account.pk
    assert entry.snapshot["redacted"] is True


def test_follow_ups_of_a_decision(world, api):
    lifecycle_services.follow_up_add(
        user=world.users["practitioner"], decision=world.decision, action="Call school",
        owner=world.users["practitioner"], due_on=world.share_request.received_on,
    )
    rows = api.get(f"/api/v1/decisions/{world.decision.pk}/follow-ups/").json()
    assert [row["action"] for row in rows] == ["Call school"]
    assert [r["action"] for r in api.get("/api/v1/follow-ups/").json()["results"]] == [
        "Call school"
    ]


def test_the_audit_log_pages_by_sequence_and_holds_only_the_organisations_entries(world, api):
    for _ in range(5):
        audit_log.record(action=AuditEntry.Action.CASE_UPDATED, case=world.case)
    audit_log.record(action=AuditEntry.Action.CASE_UPDATED, organisation=world.other_org)
    first = api.get("/api/v1/audit/", {"limit": 3}).json()
    assert len(first["entries"]) == 3
    rest = api.get("/api/v1/audit/", {"after": first["next_after"], "limit": 1000}).json()
    sequences = [e["sequence"] for e in first["entries"] + rest["entries"]]
    assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
    assert {e["organisation"] for e in first["entries"] + rest["entries"]} == {world.org.pk}
    assert rest["next_after"] is None
    # Following the log: its own read is the one new entry, and reading that adds none.
    tail = api.get("/api/v1/audit/", {"after": sequences[-1]}).json()["entries"]
    assert [e["snapshot"]["what"] for e in tail] == ["audit log via api"]
    assert api.get("/api/v1/audit/", {"after": tail[-1]["sequence"]}).json()["entries"] == []
    bad = api.get("/api/v1/audit/", {"after": "soon"})
    assert bad.status_code == 400 and "after" in bad.json()


def test_the_audit_proof_of_a_submitted_decision_is_for_lead_clients(world, api):
    audit_log.record_about_decision(
        AuditEntry.Action.DECISION_SUBMITTED, world.decision, world.users["practitioner"], {}
    )
    checkpoints.make_checkpoint()
    proof = api.get(f"/api/v1/decisions/{world.decision.pk}/audit-proof/").json()
    assert proof["entry_hash"] == AuditEntry.objects.get(
        action=AuditEntry.Action.DECISION_SUBMITTED
    ).entry_hash
    reader = factories.make_api_client(world.org, "decisions:read", name="Reader").client
    api.as_(reader)
    assert api.get(f"/api/v1/decisions/{world.decision.pk}/audit-proof/").status_code == 403
