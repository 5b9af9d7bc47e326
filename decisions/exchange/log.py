"""Both sides' audit logs: one event in an exchange is two entries, one per organisation.

Each organisation's entry is filed under it (and its own case, where it has one) and names
the other side only by organisation and the exchange's own reference, never its case.
"""

from typing import Any

from django.db import models

from decisions.audit.record import record
from decisions.models import AuditEntry, Case, Delivery, ExchangeRequest
from isg.accounts.models import Organisation, User


def record_half(
    action: str,
    *,
    user: User | None,
    obj: models.Model,
    organisation: Organisation,
    other: Organisation,
    side: str,
    reference: str,
    case: Case | None = None,
    **details: Any,
) -> AuditEntry:
    return record(
        action=action,
        actor=user,
        obj=obj,
        case=case,
        organisation=organisation,
        snapshot={
            "side": side,
            "reference": reference,
            "other_organisation": other.name,
            **details,
        },
    )


def record_both(
    action: str,
    *,
    user: User | None,
    obj: models.Model,
    sender: Organisation,
    recipient: Organisation,
    reference: str,
    sender_case: Case | None = None,
    recipient_case: Case | None = None,
    **details: Any,
) -> tuple[AuditEntry, AuditEntry]:
    """The sender's half and the recipient's half of one event, in the caller's transaction."""
    common = {"user": user, "obj": obj, "reference": reference, **details}
    return (
        record_half(
            action, organisation=sender, other=recipient, side="sender", case=sender_case,
            **common,
        ),
        record_half(
            action, organisation=recipient, other=sender, side="recipient",
            case=recipient_case, **common,
        ),
    )


def record_event(
    action: str, *, user: User | None, obj: ExchangeRequest | Delivery, **details: Any
) -> tuple[AuditEntry, AuditEntry]:
    """An event on a request or a delivery in both logs, each half under its side's case
    where that side has one yet."""
    if isinstance(obj, Delivery):
        sender_case, recipient_case = obj.decision.case, obj.recipient_case
    else:
        sender_case = obj.from_case
        recipient_case = obj.to_request.case if obj.to_request is not None else None
    return record_both(
        action,
        user=user,
        obj=obj,
        sender=obj.from_organisation,
        recipient=obj.to_organisation,
        reference=obj.reference,
        sender_case=sender_case,
        recipient_case=recipient_case,
        **details,
    )
