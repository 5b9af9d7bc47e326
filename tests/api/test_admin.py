"""Admins register webhook endpoints and read the delivery history, which nobody edits."""

import pytest
from django.urls import reverse

from decisions.lifecycle import services as lifecycle_services
from isg.api.models import WebhookDelivery, WebhookEndpoint

pytestmark = pytest.mark.django_db


def test_an_admin_registers_an_endpoint_for_chosen_events(world, client_for):
    admin = client_for(world.users["admin"])
    response = admin.post(reverse("admin:api_webhookendpoint_add"), {
        "organisation": world.org.pk, "url": "https://mosaic.example/hooks",
        "events": ["decision.approved", "decision.rejected"], "description": "Mosaic",
        "active": "on",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["decision.approved", "decision.rejected"]
    assert endpoint.secret.startswith("whsec_")


def test_a_plain_http_endpoint_is_refused_with_a_reason(world, client_for):
    admin = client_for(world.users["admin"])
    response = admin.post(reverse("admin:api_webhookendpoint_add"), {
        "organisation": world.org.pk, "url": "http://mosaic.example/hooks", "active": "on",
    })
    assert response.status_code == 200
    assert "Use an https:// address" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_the_delivery_history_is_visible_to_admins_and_read_only(world, client_for):
    WebhookEndpoint.objects.create(organisation=world.org, url="https://mosaic.example/hooks")
    lifecycle_services.decision_verdict(
        decision=world.decision, approver=world.users["manager"], verdict="approved", reasons=""
    )
    delivery = WebhookDelivery.objects.get()
    admin = client_for(world.users["admin"])
    listing = admin.get(reverse("admin:api_webhookdelivery_changelist"))
    assert listing.status_code == 200
    assert "decision.approved" in listing.content.decode()
    page = admin.get(reverse("admin:api_webhookdelivery_change", args=[delivery.pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert admin.get(reverse("admin:api_webhookdelivery_add")).status_code == 403
