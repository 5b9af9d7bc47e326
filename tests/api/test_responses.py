from decisions.models import AuditEntry


def _last_read() -> AuditEntry:
    return AuditEntry.objects.filter(action=AuditEntry.Action.RECORD_VIEWED).latest("sequence")


def test_a_list_is_audited_with_how_many_rows_were_read_and_its_details(world, api):
    found = api.get("/api/v1/cases/", {"reference": "riv-1"}).json()
    assert [row["reference"] for row in found["results"]] == ["RIV-1"]
    snapshot = _last_read().snapshot
    assert (snapshot["what"], snapshot["count"], snapshot["reference"]) == ("case list", 1, "riv-1")


def test_a_page_of_a_list_counts_the_rows_of_that_page(world, api):
    response = api.get("/api/v1/decisions/", {"limit": 1})
    assert response.status_code == 200
    assert len(response.json()["results"]) == _last_read().snapshot["count"] <= 1
    assert _last_read().snapshot["what"] == "decision list"
