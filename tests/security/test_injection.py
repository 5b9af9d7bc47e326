"""Every payload in every free-text field comes out inert: escaped in HTML, text in CSV."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from decisions.models import Case, DecisionDraft, Person, ShareRequest
from tests.decisions.wizard.driver import DEFAULT_STEPS, walk
from tests.security.payloads import FORMULA_STARTS, PAYLOADS
from tests.security.test_resilience import COMPLETE


def _inert(body: str, payload: str) -> None:
    if any(c in payload for c in "<>\"'&"):
        assert payload not in body, f"unescaped: {payload!r}"
    assert escape(payload) in body, f"not shown escaped: {payload!r}"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_every_case_person_and_request_field_is_escaped(world, client_for, payload):
    client = client_for(world.users["practitioner"])
    text = payload[:40]
    client.post(
        reverse("case_create"), {"reference": text, "summary": payload, "child_name": payload}
    )
    case = Case.objects.get(reference=text.strip())
    client.post(
        reverse("person_add", args=[case.pk]),
        {"name": payload, "relationship": "parent", "notes": payload},
    )
    assert Person.objects.filter(case=case, name=payload.strip()).exists()
    fields = [
        "counterpart_agency",
        "counterpart_contact",
        "counterpart_role",
        "purpose",
        "information_requested",
    ]
    client.post(
        reverse("request_open", args=[case.pk]),
        {
            **dict.fromkeys(fields, payload),
            "direction": "incoming",
            "urgency": "routine",
            "received_on_0": "1",
            "received_on_1": "3",
            "received_on_2": "2026",
        },
    )
    share_request = ShareRequest.objects.get(case=case)
    for url in (
        reverse("case_detail", args=[case.pk]),
        reverse("request_detail", args=[share_request.pk]),
    ):
        _inert(client.get(url).content.decode(), payload.strip())
    _inert(client.get(reverse("case_list")).content.decode(), text.strip())
    dashboard = client.get(reverse("dashboard")).content.decode()
    if "<" in payload:
        assert payload.strip() not in dashboard


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_in_every_wizard_text_field_is_escaped(world, client_for, payload):
    client = client_for(world.users["practitioner"])
    steps = {
        "consent": dict.fromkeys(DEFAULT_STEPS["consent"], payload),
        "items": {
            **DEFAULT_STEPS["items"],
            "items-0-description": payload,
            "items-0-justification": payload,
        },
        "recipients": {"recipients": payload, "method": "other", "method_detail": payload[:300]},
        "advice": {"advice_from": payload[:300], "advice_given": payload},
        "outcome": {"outcome": "__recommended__", "rationale": payload, "follow_up": payload},
    }
    check_url, _ = walk(client, world.share_request, COMPLETE, steps=steps)
    _inert(client.get(check_url).content.decode(), payload.strip())
    draft = DecisionDraft.objects.get(share_request=world.share_request)
    response = client.post(reverse("wizard_submit", args=[draft.pk]))
    assert response.status_code == 302
    decision = DecisionDraft.objects.get(pk=draft.pk).decision
    body = client.get(reverse("decision_detail", args=[decision.pk])).content.decode()
    _inert(body, payload.strip())


def test_audit_csv_export_neutralises_formulas(world, client, client_for):
    # Payloads reach the log through failed sign-ins (the name tried) and case references.
    for payload in PAYLOADS:
        client.post(
            reverse("login"),
            {"username": payload[:150], "password": "x"},
            REMOTE_ADDR=f"10.1.{PAYLOADS.index(payload)}.1",
        )
    lead_client = client_for(world.users["lead"])
    for payload in PAYLOADS:
        practitioner = client_for(world.users["practitioner"])
        practitioner.post(reverse("case_create"), {"reference": payload[:40]})
    lead_client = client_for(world.users["lead"])
    response = lead_client.get(reverse("audit_export"))
    content = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(content)))
    cells = [cell for row in rows[1:] for cell in row]
    dangerous = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert dangerous == []
    # And the payloads are there, as text.
    assert "'=cmd|' /C calc'!A0" in cells
    assert any(cell.startswith("'@SUM") for cell in cells)
