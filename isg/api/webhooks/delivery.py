"""Sending webhook deliveries: signed per Standard Webhooks, retried with back-off.

Each delivery is a row (the outbox) written with the event's audit entry. Once that commits
the task queue makes one attempt (tasks.deliver_webhook); a failed attempt schedules the next
after BACKOFF_SECONDS[attempts] and, where the queue can defer, enqueues it for then.
`manage.py send_webhooks` sends whatever is due, so nothing waits forever on a lost task.
"""

import datetime
import json
import urllib.error
import urllib.request
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from standardwebhooks.webhooks import Webhook

from decisions.models import AuditEntry
from isg.api.models import WebhookDelivery, WebhookEndpoint
from isg.api.webhooks.events import payload_of

# Seconds to wait before attempt n+1 after n failures; then the delivery is given up.
BACKOFF_SECONDS = (5, 30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600)
TIMEOUT_SECONDS = 10
USER_AGENT = "ISG-Webhooks/1"


def queue(entry: AuditEntry, event: str) -> list[UUID]:
    """One pending delivery per endpoint of the entry's organisation that wants the event."""
    if entry.organisation_id is None:
        return []
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            organisation_id=entry.organisation_id, active=True
        )
        if endpoint.wants(event)
    ]
    payload = payload_of(entry, event)
    rows = [
        WebhookDelivery(
            endpoint=endpoint,
            # The same id on every attempt: receivers drop a message they have seen.
            message_id=f"msg_{entry.sequence}_{endpoint.pk.hex[:12]}",
            event=event,
            payload=payload,
        )
        for endpoint in endpoints
    ]
    WebhookDelivery.objects.bulk_create(rows)
    return [row.pk for row in rows]


def signed_request(row: WebhookDelivery) -> urllib.request.Request:
    body = json.dumps(row.payload, separators=(",", ":"), sort_keys=True)
    sent_at = timezone.now()
    signature = Webhook(row.endpoint.secret).sign(row.message_id, sent_at, body)
    return urllib.request.Request(
        row.endpoint.url,
        data=body.encode("utf-8"),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "webhook-id": row.message_id,
            "webhook-timestamp": str(int(sent_at.timestamp())),
            "webhook-signature": signature,
        },
    )


def post(request: urllib.request.Request) -> tuple[int | None, str]:
    """The receiver's status code, or None and why the attempt failed."""
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return None, str(getattr(exc, "reason", exc))[:300]


def attempt(
    delivery_id: UUID | str, *, due_by: datetime.datetime | None = None
) -> WebhookDelivery | None:
    """One attempt at a pending delivery; records the outcome. With `due_by`, only if its
    back-off is over by then (the sweep); the queue's task has already waited for it."""
    with transaction.atomic():
        row = (
            WebhookDelivery.objects.select_for_update()
            .select_related("endpoint")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if row is None or (due_by is not None and row.next_attempt_at > due_by):
            return row
        # Claim it: another worker that sees the row now waits for the next slot.
        claimed_until = timezone.now() + datetime.timedelta(seconds=TIMEOUT_SECONDS * 3)
        WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=claimed_until)
    code, error = post(signed_request(row))
    row.attempts += 1
    row.last_status_code = code
    row.last_error = error
    now = timezone.now()
    if code is not None and 200 <= code < 300:
        row.status, row.delivered_at, row.last_error = WebhookDelivery.Status.DELIVERED, now, ""
    elif row.attempts > len(BACKOFF_SECONDS):
        row.status = WebhookDelivery.Status.FAILED
    else:
        row.next_attempt_at = now + datetime.timedelta(seconds=BACKOFF_SECONDS[row.attempts - 1])
    row.save(update_fields=[
        "attempts", "last_status_code", "last_error", "status", "delivered_at", "next_attempt_at",
    ])
    return row


def send_due(*, now: datetime.datetime | None = None, limit: int = 500) -> dict[str, Any]:
    """Attempt every pending delivery that is due (manage.py send_webhooks)."""
    moment = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=moment
    ).order_by("next_attempt_at").values_list("pk", flat=True)[:limit]
    counts = {"attempted": 0, "delivered": 0}
    for pk in list(due):
        row = attempt(pk, due_by=moment)
        counts["attempted"] += 1
        if row is not None and row.status == WebhookDelivery.Status.DELIVERED:
            counts["delivered"] += 1
    return counts
