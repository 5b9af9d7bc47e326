"""A client registers its organisation's webhook endpoints through the API."""

import pytest

from decisions.lifecycle import services as lifecycle_services
from isg.api.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def test_a_client_registers_an_endpoint_sees_its_secret_once_and_its_deliveries(world, api):
    created = api.post(
        "/api/v1/webhooks/",
        {"url": "https://mosaic.example/hooks", "events": ["decision.approved"]},
    )
    assert created.status_code == 201
    body = created.json()
    assert body["secret"].startswith("whsec_")
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.organisation == world.org and endpoint.secret == body["secret"]
    assert "secret" not in api.get(f"/api/v1/webhooks/{endpoint.pk}/").json()
    lifecycle_services.decision_verdict(
        decision=world.decision, approver=world.users["manager"], verdict="approved", reasons=""
    )
    deliveries = api.get(f"/api/v1/webhooks/{endpoint.pk}/deliveries/").json()
    assert [d["event"] for d in deliveries] == ["decision.approved"]
    assert deliveries[0]["status"] == WebhookDelivery.Status.PENDING


def test_plain_http_and_unknown_events_are_refused_with_reasons(world, api):
    response = api.post(
        "/api/v1/webhooks/", {"url": "http://10.0.0.1/hooks", "events": ["case.closed"]}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"url", "events"}
    assert not WebhookEndpoint.objects.exists()


def test_removing_an_endpoint_stops_its_deliveries_and_keeps_its_history(world, api):
    endpoint_id = api.post("/api/v1/webhooks/", {"url": "https://mosaic.example/h"}).json()["id"]
    assert api.http.delete(f"/api/v1/webhooks/{endpoint_id}/").status_code == 204
    lifecycle_services.decision_verdict(
        decision=world.decision, approver=world.users["manager"], verdict="approved", reasons=""
    )
    assert not WebhookDelivery.objects.exists()
    assert api.get("/api/v1/webhooks/").json() == []
    assert WebhookEndpoint.objects.filter(pk=endpoint_id, active=False).exists()
