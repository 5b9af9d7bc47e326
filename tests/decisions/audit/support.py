"""Helpers for the audit-log tests: build a chain, and tamper with it behind the app's back."""

import importlib

from django.core.management import CommandError, call_command
from django.db import connection

from decisions.audit import record as audit_log
from decisions.audit.chain import AuditKey, entry_canonical_bytes, hmac_hex, sha256_hex
from decisions.models import AuditEntry

TRIGGERS = importlib.import_module("decisions.migrations.0003_append_only_triggers")


def build_chain(world, length: int = 8) -> list[AuditEntry]:
    """`length` entries in the world's organisation, as services would write them."""
    actions = [AuditEntry.Action.CASE_UPDATED, AuditEntry.Action.RECORD_VIEWED]
    return [
        audit_log.record(
            action=actions[n % 2],
            actor=world.users["practitioner"],
            obj=world.case,
            case=world.case,
            snapshot={"n": n, "note": f"entry {n}"},
        )
        for n in range(length)
    ]


def drop_triggers() -> None:
    """What a database owner can do; rolled back with the test's transaction."""
    statements = TRIGGERS.STATEMENTS[connection.vendor][1]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def sql(statement: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify(*args) -> tuple[int, str]:
    """Run verify_audit as the command line would: (exit code, what it said)."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_audit", *args, "--no-progress", stdout=out)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def rehash(sequence: int, key: AuditKey | None = None, **changes) -> None:
    """Rewrite entry `sequence` with `changes` and a correct SHA-256 (and HMAC if given a key)."""
    entry = AuditEntry.objects.get(sequence=sequence)
    for name, value in changes.items():
        setattr(entry, name, value)
    content = entry_canonical_bytes(entry)
    entry_hash = sha256_hex(content)
    mac = hmac_hex(content, key) if key else entry.hmac
    sql(
        "UPDATE decisions_auditentry SET outcome = %s, prev_hash = %s, key_id = %s, "
        "entry_hash = %s, hmac = %s WHERE sequence = %s",
        [entry.outcome, entry.prev_hash, entry.key_id, entry_hash, mac, sequence],
    )
