"""Every change to retention: schedules, legal holds, and erasing a case (docs/retention.md).

Each runs in one transaction with its audit entry.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from decisions.audit.record import record
from decisions.models import (
    AuditEntry,
    Case,
    DataKey,
    DecisionDraft,
    Delivery,
    ExchangeRequest,
    FollowUp,
    LegalHold,
    Person,
    RetentionSchedule,
    ShareRequest,
)
from decisions.models.sealing import case_scope, delivery_scope, destroy, is_sealed
from decisions.retention.schedules import CaseRetention, Rule
from decisions.retention.selectors import may_hold, may_manage_retention
from isg.accounts.models import Organisation, User

ERASER_LABEL = "apply_retention"


class AlreadyHeld(Exception):
    pass


@transaction.atomic
def schedule_set(
    *, user: User, organisation: Organisation, record_kind: str, rule: Rule
) -> RetentionSchedule:
    if not may_manage_retention(user, organisation):
        raise PermissionDenied("Only the safeguarding lead sets the retention schedule.")
    schedule, _ = RetentionSchedule.objects.update_or_create(
        organisation=organisation,
        record_kind=record_kind,
        defaults={
            "basis": rule.basis,
            "years": rule.years,
            "changed_by": user,
            "changed_at": timezone.now(),
        },
    )
    record(
        action=AuditEntry.Action.RETENTION_CHANGED,
        actor=user,
        organisation=organisation,
        obj=schedule,
        snapshot={"record_kind": record_kind, "basis": rule.basis, "years": rule.years},
    )
    return schedule


@transaction.atomic
def hold_place(*, user: User, case: Case, reason: str) -> LegalHold:
    reason = (reason or "").strip()
    if not may_hold(user, case):
        raise PermissionDenied("Only the safeguarding lead places a legal hold.")
    if not reason:
        raise ValueError("a legal hold needs a reason")
    Case.objects.select_for_update().filter(pk=case.pk).first()
    if LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists():
        raise AlreadyHeld("This case is already on legal hold.")
    hold = LegalHold.objects.create(case=case, reason=reason, placed_by=user)
    # The reason is the lead's own words and may name proceedings: it stays in the row only.
    record(
        action=AuditEntry.Action.LEGAL_HOLD_PLACED, actor=user, obj=hold, case=case,
        snapshot={"hold": hold.pk},
    )  # fmt: skip
    return hold


@transaction.atomic
def hold_lift(*, user: User, case: Case) -> LegalHold | None:
    if not may_hold(user, case):
        raise PermissionDenied("Only the safeguarding lead lifts a legal hold.")
    hold = LegalHold.objects.select_for_update().filter(case=case, lifted_at__isnull=True).first()
    if hold is None:
        return None
    hold.lifted_by = user
    hold.lifted_at = timezone.now()
    hold.save(update_fields=["lifted_by", "lifted_at"])
    record(
        action=AuditEntry.Action.LEGAL_HOLD_LIFTED, actor=user, obj=hold, case=case,
        snapshot={"hold": hold.pk},
    )  # fmt: skip
    return hold


@dataclass
class Erasure:
    case: Case
    counts: dict[str, int] = field(default_factory=dict)
    legacy_audit_entries: list[int] = field(default_factory=list)


def _history_delete(model: Any, ids: list[Any]) -> int:
    deleted, _ = model.history.model.objects.filter(id__in=ids).delete()
    return deleted


def _legacy_audit_entries(case: Case) -> list[int]:
    """Emergency-action entries written before sealing, whose text stays (docs/retention.md)."""
    entries = AuditEntry.objects.filter(case=case, action=AuditEntry.Action.EMERGENCY_ACTION)
    return [
        entry.sequence
        for entry in entries.only("sequence", "snapshot")
        if entry.snapshot.get("recorded") and not is_sealed(entry.snapshot.get("recorded"))
    ]


@transaction.atomic
def erase_case(item: CaseRetention, *, as_of: datetime.date) -> Erasure:
    """Erase the case's personal data: blank and delete what can change, shred the rest.

    Only a case due on `as_of` and not on hold is erased (checked again under the row lock).
    """
    case = Case.objects.select_for_update().get(pk=item.case.pk)
    if case.erased_at is not None:
        raise ValueError(f"case {case.reference} is already erased")
    if LegalHold.objects.filter(case=case, lifted_at__isnull=True).exists():
        raise PermissionDenied(f"case {case.reference} is on legal hold")
    if item.due_on > as_of or not case.is_closed:
        raise ValueError(f"case {case.reference} is not due for erasure on {as_of}")
    erasure = Erasure(case=case)
    counts = erasure.counts

    people = list(Person.objects.filter(case=case).values_list("pk", flat=True))
    counts["people"] = Person.objects.filter(case=case).update(
        name="", date_of_birth=None, notes=""
    )
    requests = list(ShareRequest.objects.filter(case=case).values_list("pk", flat=True))
    counts["requests"] = ShareRequest.objects.filter(case=case).update(
        counterpart_contact="", counterpart_role="", purpose="", information_requested=""
    )
    follow_ups = list(FollowUp.objects.filter(case=case).values_list("pk", flat=True))
    counts["follow_ups"] = FollowUp.objects.filter(case=case).update(action="")
    exchanges = list(ExchangeRequest.objects.filter(from_case=case).values_list("pk", flat=True))
    counts["exchange_requests"] = ExchangeRequest.objects.filter(from_case=case).update(
        purpose="", information_requested=""
    )
    drafts = DecisionDraft.objects.filter(share_request__case=case)
    counts["drafts_deleted"], _ = drafts.filter(decision__isnull=True).delete()
    counts["drafts_emptied"] = drafts.update(answers={})
    LegalHold.objects.filter(case=case).update(reason="")

    counts["history_rows"] = (
        _history_delete(Person, people)
        + _history_delete(ShareRequest, requests)
        + _history_delete(FollowUp, follow_ups)
        + _history_delete(ExchangeRequest, exchanges)
        + _history_delete(Case, [case.pk])
    )

    # Deliveries: received into this case, or sent from it and never filed anywhere.
    received = Delivery.objects.filter(Q(to_case=case) | Q(filing__case=case))
    unfiled = Delivery.objects.filter(
        decision__case=case, to_case__isnull=True, filing__isnull=True
    )
    scopes = [case_scope(case.pk)] + [
        delivery_scope(pk)
        for pk in set(received.values_list("pk", flat=True))
        | set(unfiled.values_list("pk", flat=True))
    ]
    counts["keys_destroyed"] = sum(destroy(scope) for scope in scopes)

    Case.objects.filter(pk=case.pk).update(summary="", erased_at=timezone.now())
    _history_delete(Case, [case.pk])  # the update above wrote none, but be certain
    erasure.legacy_audit_entries = _legacy_audit_entries(case)
    record(
        action=AuditEntry.Action.CASE_ERASED,
        actor_label=ERASER_LABEL,
        obj=case,
        case=case,
        snapshot={
            "record_kind": case.record_kind,
            "rule": {"basis": item.rule.basis, "years": item.rule.years},
            "due_on": item.due_on,
            "as_of": as_of,
            "counts": counts,
            "legacy_audit_text": erasure.legacy_audit_entries,
        },
    )
    case.refresh_from_db()
    erasure.case = case
    return erasure


def reclaim_space() -> None:
    """Make erased content leave the disk, not only the tables (docs/retention.md).

    SQLite: secure_delete has zeroed what was freed; VACUUM rebuilds the file and the WAL is
    checkpointed and truncated. PostgreSQL: the data-key table is rewritten (its old tuples
    held the wrapped keys); the others are vacuumed so their dead tuples can be reused.
    Neither VACUUM runs inside a transaction: called inside one (a test, a caller's atomic
    block), it does nothing, and the space is reclaimed by the next run outside one.
    """
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            cursor.execute(f"VACUUM FULL {DataKey._meta.db_table}")
            tracked = (Person, Case, ShareRequest, FollowUp, ExchangeRequest)
            tables = [model._meta.db_table for model in (*tracked, DecisionDraft)]
            tables += [model.history.model._meta.db_table for model in tracked]
            for table in tables:
                cursor.execute(f"VACUUM {table}")
