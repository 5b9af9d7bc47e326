"""Issue 17's "done when", over HTTP against the live server: create a client with the
command, get a token, open a request on a case through the API, let a practitioner decide in
the browser, then read the decision, its PDF and its FHIR bundle through the API."""

import base64
import io
import json
import re
import urllib.request

from django.core.management import call_command
from fhir.resources.R4B.bundle import Bundle
from playwright.sync_api import expect

from decisions.models import ShareRequest
from tests.browser.test_wizard_in_browser import run_wizard, start
from tests.decisions.wizard.test_wizard import SHARE_WITHOUT_CONSENT


class Http:
    def __init__(self, base: str):
        self.base = base
        self.token = ""

    def call(self, method: str, path: str, body: dict | None = None, headers=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers, response.read()

    def json(self, method: str, path: str, body: dict | None = None):
        status, _, content = self.call(method, path, body)
        return status, json.loads(content)


def test_a_case_system_opens_a_request_and_reads_the_decision_made_in_the_browser(
    world, live_server, sign_in
):
    out = io.StringIO()
    call_command(
        "api_client", "create", "--organisation", "Riverside", "--name", "Mosaic",
        "--scopes", "cases:read cases:write requests:write decisions:read", stdout=out,
    )
    printed = dict(line.split(": ", 1) for line in out.getvalue().splitlines() if ": " in line)
    api = Http(live_server.url)

    # The token, by client credentials.
    basic = base64.b64encode(f"{printed['client_id']}:{printed['client_secret']}".encode())
    request = urllib.request.Request(
        f"{live_server.url}/o/token/", data=b"grant_type=client_credentials", method="POST",
        headers={"Authorization": f"Basic {basic.decode()}",
                 "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        api.token = json.loads(response.read())["access_token"]

    # A case and a request on it, from the case-management system.
    status, case = api.json(
        "POST", "/api/v1/cases/", {"reference": "MOS-2001", "assigned": ["practitioner"]}
    )
    assert status == 201
    status, opened = api.json("POST", f"/api/v1/cases/{case['id']}/requests/", {
        "direction": "incoming", "counterpart_agency": "Riverside Police PPU",
        "counterpart_contact": "DC Example, 0100 000 000", "counterpart_role": "Investigator",
        "purpose": "Assess risk to the child", "information_requested": "Attendance record",
        "urgency": "urgent", "due_on": "2030-01-01",
    })
    assert status == 201 and opened["status"] == "open"

    # The practitioner decides in the browser.
    page = sign_in("practitioner")
    start(page, live_server, ShareRequest.objects.get(pk=opened["id"]))
    run_wizard(page, SHARE_WITHOUT_CONSENT, "share_without_consent")
    page.get_by_role("button", name="Submit decision").click()
    expect(page.get_by_role("heading", name="Decision recorded")).to_be_visible()

    # The system reads the outcome back.
    _, status_now = api.json("GET", f"/api/v1/requests/{opened['id']}/")
    assert status_now["status"] == "awaiting_approval"
    decision_id = status_now["decision"]
    _, decision = api.json("GET", f"/api/v1/decisions/{decision_id}/")
    assert decision["outcome"] == "share_without_consent"
    assert decision["framework"] == "uk-2024" and re.fullmatch(r"\d+\.\d+\.\d+",
                                                               decision["framework_version"])
    assert decision["requires_approval"] is True and decision["approval"] is None
    status, headers, pdf = api.call("GET", f"/api/v1/decisions/{decision_id}/pdf/")
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert pdf.startswith(b"%PDF")
    status, headers, content = api.call("GET", f"/api/v1/decisions/{decision_id}/fhir/")
    assert headers["Content-Type"].startswith("application/fhir+json")
    bundle = json.loads(content)
    Bundle.model_validate(bundle)
    kinds = {entry["resource"]["resourceType"] for entry in bundle["entry"]}
    assert {"Consent", "Questionnaire", "QuestionnaireResponse"} <= kinds
    consent = next(e["resource"] for e in bundle["entry"]
                   if e["resource"]["resourceType"] == "Consent")
    assert consent["provision"]["type"] == "permit" and consent["status"] == "proposed"
