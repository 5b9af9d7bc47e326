import pytest

from decisions.models import AuditEntry, Case, ShareRequest
from tests import factories

pytestmark = pytest.mark.django_db


def test_client_creates_a_case_assigned_to_a_practitioner_and_finds_it_by_reference(world, api):
    response = api.post(
        "/api/v1/cases/",
        {"reference": "MOS-77", "summary": "From Mosaic", "assigned": ["practitioner"]},
    )
    assert response.status_code == 201, response.json()
    case = Case.objects.get(reference="MOS-77")
    assert list(case.assigned.values_list("username", flat=True)) == ["practitioner"]
    found = api.get("/api/v1/cases/", {"reference": "mos-77"}).json()
    assert [row["id"] for row in found["results"]] == [str(case.pk)]


def test_creating_a_case_is_audited_with_the_client_as_actor(world, api):
    api.post("/api/v1/cases/", {"reference": "MOS-78"})
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CASE_CREATED)
    assert entry.actor_label == api.client.account.username
    assert entry.actor_label.startswith("api.riverside.mosaic")


def test_a_duplicate_reference_is_a_400_with_a_message(world, api):
    response = api.post("/api/v1/cases/", {"reference": "RIV-1"})
    assert response.status_code == 400
    assert "reference" in response.json()


def test_assigning_someone_not_a_practitioner_of_the_organisation_is_refused(world, api):
    response = api.post(
        "/api/v1/cases/", {"reference": "MOS-79", "assigned": ["other_practitioner"]}
    )
    assert response.status_code == 400
    assert "other_practitioner" in response.json()["assigned"][0]
    assert not Case.objects.filter(reference="MOS-79").exists()


def test_reading_a_case_is_audited_as_a_view_by_the_client(world, api):
    response = api.get(f"/api/v1/cases/{world.case.pk}/")
    assert response.status_code == 200
    assert response.json()["reference"] == "RIV-1"
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.RECORD_VIEWED).latest("sequence")
    assert entry.case_id == world.case.pk
    assert entry.snapshot["via"] == "api"
    assert entry.actor_id == api.client.account.pk


def test_protected_people_are_named_by_relationship_only_but_for_lead_clients(world, api):
    lead_view = api.get(f"/api/v1/cases/{world.case.pk}/people/").json()
    assert [p["name"] for p in lead_view] == ["Neighbour Nell"]  # audit:read: a lead client
    reader = factories.make_api_client(world.org, "cases:read", name="Reader").client
    api.as_(reader)
    people = api.get(f"/api/v1/cases/{world.case.pk}/people/").json()
    assert [p["name"] for p in people] == ["Parent or carer"]  # protected: the role only


def test_client_adds_a_person_and_bad_input_is_a_400(world, api):
    ok = api.post(
        f"/api/v1/cases/{world.case.pk}/people/", {"name": "Alex", "relationship": "sibling"}
    )
    assert ok.status_code == 201
    bad = api.post(f"/api/v1/cases/{world.case.pk}/people/", {"name": "Sam"})
    assert bad.status_code == 400 and "relationship" in bad.json()


def test_client_opens_a_request_and_reads_its_status(world, api):
    response = api.post(
        f"/api/v1/cases/{world.case.pk}/requests/",
        {
            "direction": "incoming",
            "counterpart_agency": "Police",
            "counterpart_contact": "DC Example",
            "counterpart_role": "Investigating officer",
            "purpose": "Assess risk",
            "information_requested": "School attendance",
            "urgency": "urgent",
            "due_on": "2030-01-01",
        },
    )
    assert response.status_code == 201, response.json()
    request_id = response.json()["id"]
    assert ShareRequest.objects.get(pk=request_id).opened_by == api.client.account
    status = api.get(f"/api/v1/requests/{request_id}/").json()
    assert status["status"] == "open" and status["decision"] is None


def test_a_decision_reads_with_framework_version_and_outcome(world, api):
    data = api.get(f"/api/v1/decisions/{world.decision.pk}/").json()
    assert data["framework"] == "uk-2024"
    assert data["framework_version"] == world.decision.framework_version
    assert data["outcome"] == "share_without_consent"
    assert data["approval"] is None


def test_decide_runs_the_engine_and_bad_facts_are_a_400(world, api):
    ok = api.post("/api/v1/frameworks/uk-2024/decide/", {"facts": {"immediate_danger": True}})
    assert ok.status_code == 200
    assert ok.json()["recommendation"] == "act_now"
    bad = api.post("/api/v1/frameworks/uk-2024/decide/", {"facts": {"consent": "maybe"}})
    assert bad.status_code == 400
    assert "consent" in bad.json()["facts"][0]
    unknown = api.post("/api/v1/frameworks/nope/decide/", {"facts": {}})
    assert unknown.status_code == 404


def test_a_huge_offset_or_limit_is_an_empty_or_bounded_page_not_an_error(world, api):
    response = api.get("/api/v1/decisions/", {"offset": 10**30, "limit": 10**30})
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert len(api.get("/api/v1/cases/", {"limit": 10**6}).json()["results"]) <= 200
