"""Which audit entries are events an organisation can hear of, and what an event says.

Every event the API announces is already an audit entry (written in the same transaction as
the change), so events are read off the log rather than called from each service: nothing
audited can be missed, and nothing unaudited announced. An event names objects by id; the
client then reads what it needs through the API, where the read is checked and audited.
"""

from typing import Any

from decisions.models import AuditEntry
from isg.api.models import WebhookEndpoint

Event = WebhookEndpoint.Event


def event_of(entry: AuditEntry) -> str | None:
    """The event an entry is, for the organisation it is filed under; None if none."""
    action, snapshot = entry.action, entry.snapshot or {}
    if action == AuditEntry.Action.REQUEST_OPENED and snapshot.get("direction") == "incoming":
        return Event.REQUEST_RECEIVED
    if action == AuditEntry.Action.EXCHANGE_SENT and snapshot.get("side") == "recipient":
        return Event.REQUEST_RECEIVED
    events: dict[str, str] = {
        AuditEntry.Action.DECISION_SUBMITTED: Event.DECISION_SUBMITTED,
        AuditEntry.Action.APPROVED: Event.DECISION_APPROVED,
        AuditEntry.Action.REJECTED: Event.DECISION_REJECTED,
        AuditEntry.Action.SHARED: Event.DECISION_SHARED,
        AuditEntry.Action.DELIVERED: Event.DELIVERY_DELIVERED,
    }
    return events.get(action)


def payload_of(entry: AuditEntry, event: str) -> dict[str, Any]:
    """The Standard Webhooks body: type, timestamp, data (ids and codes, no case content)."""
    data: dict[str, Any] = {
        "audit_sequence": entry.sequence,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "case": str(entry.case_id) if entry.case_id else None,
        "outcome": entry.outcome or None,
    }
    snapshot = entry.snapshot or {}
    for key in ("decision", "reference", "side"):
        if key in snapshot:
            data[key] = snapshot[key]
    return {"type": event, "timestamp": entry.created_at.isoformat(), "data": data}
