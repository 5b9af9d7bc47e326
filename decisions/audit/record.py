"""Appending to the audit log. Every entry is written through `record` (or, for generated
data at volume, `build` and `seal` in bulk): one definition of what an entry holds."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from decisions.audit import tree
from decisions.audit.chain import GENESIS_HASH, AuditKey, audit_keys, normalise_snapshot, seal
from decisions.models import AuditEntry, Case, Decision
from isg.accounts.models import User

# Any constant will do, as long as nothing else in the database uses it: "ISG-AUDT" in ASCII.
ADVISORY_LOCK_KEY = 0x4953472D41554454
ACTOR_LABEL_MAX = AuditEntry._meta.get_field("actor_label").max_length


def lock_chain() -> None:
    """Serialise appends so that two writers never read the same last entry.

    PostgreSQL: a transaction-scoped advisory lock, released at commit or rollback.
    SQLite: nothing to do; the settings open every transaction with BEGIN IMMEDIATE, so
    the writer already holds the database's write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def build(
    *,
    sequence: int,
    prev_hash: str,
    key: AuditKey,
    action: str,
    created_at: datetime.datetime | None = None,
    actor: Any = None,
    actor_label: str = "",
    organisation: Any = None,
    obj: models.Model | None = None,
    obj_type: str = "",
    obj_id: str = "",
    case: Case | None = None,
    case_id: Any = None,
    outcome: str = "",
    snapshot: dict[str, Any] | None = None,
) -> AuditEntry:
    """An entry, sealed, ready to insert: what every entry holds, defined once.

    `record` calls it for one entry in a live transaction; generated data at volume calls it
    for many, carrying `sequence` and `prev_hash` along itself. `organisation` (an object
    or an id) defaults to the case's; the actor's label to the actor's username.
    """
    if action not in AuditEntry.Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if not actor_label and actor is not None:
        actor_label = actor.get_username()
    if organisation is None and case is not None:
        organisation = case.organisation_id
    entry = AuditEntry(
        sequence=sequence,
        created_at=created_at or timezone.now(),
        actor=actor,
        actor_label=actor_label[:ACTOR_LABEL_MAX],
        organisation_id=getattr(organisation, "pk", organisation),
        action=action,
        object_type=type(obj).__name__ if obj is not None else obj_type,
        object_id=str(obj.pk) if obj is not None else obj_id,
        case_id=case.pk if case is not None else case_id,
        outcome=outcome,
        snapshot=normalise_snapshot(snapshot or {}),
        prev_hash=prev_hash,
        key_id=key.key_id,
    )
    if case is not None:
        entry.case = case
    return seal(entry, key)


def last_link() -> tuple[int, str]:
    """The newest entry's sequence number and hash: where the next entry links on."""
    last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash").first()
    return last if last else (0, GENESIS_HASH)


def record(*, action: str, **fields: Any) -> AuditEntry:
    """Append one entry to the audit log, in the caller's transaction.

    Called inside a service's `transaction.atomic()`, the entry commits or rolls back
    with the change it records. `fields` are `build`'s: actor, organisation, obj, case,
    outcome, snapshot, actor_label.
    """
    if action not in AuditEntry.Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    key = audit_keys()[0]
    with transaction.atomic():
        lock_chain()
        sequence, prev_hash = last_link()
        entry = build(sequence=sequence + 1, prev_hash=prev_hash, key=key, action=action, **fields)
        entry.save()
        tree.append(entry.sequence, entry.entry_hash)
    return entry


def record_about_case(action: str, case: Case, user: User, snapshot: dict[str, Any]) -> AuditEntry:
    """The entry for something that happened to a case itself (created, changed, restricted,
    granted): the case is both the object and the case of the entry."""
    return record(action=action, actor=user, obj=case, case=case, snapshot=snapshot)


def record_about_decision(
    action: str, decision: Decision, user: User, snapshot: dict[str, Any]
) -> AuditEntry:
    """The entry for something that happened to a decision, naming it in the snapshot."""
    return record(
        action=action,
        actor=user,
        obj=decision,
        case=decision.case,
        outcome=decision.outcome,
        snapshot={"decision": str(decision.pk), **snapshot},
    )


def record_view(user: User, obj: models.Model, case: Case) -> AuditEntry:
    """Reading a decision record is itself recorded (the audit screens are not: see docs)."""
    return record(action=AuditEntry.Action.RECORD_VIEWED, actor=user, obj=obj, case=case)


def primary_organisation_id(user: User) -> int | None:
    """The organisation a sign-in or sign-out is filed under: the user's first membership."""
    return (
        user.memberships.order_by("organisation_id")
        .values_list("organisation_id", flat=True)
        .first()
    )


def record_export(
    user: Any, *, organisation_ids: list[int], chosen: int | None, what: str, filters: dict,
    **details: Any,
) -> AuditEntry:
    """The audit entry for an export of the filtered log, written before the export is made."""
    return record(
        action=AuditEntry.Action.EXPORTED,
        actor=user,
        organisation=chosen or organisation_ids[0],
        snapshot={
            "what": what,
            "filters": filters,
            "organisations": sorted(organisation_ids),
            **details,
        },
    )
