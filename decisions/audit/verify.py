"""Checking the audit log: every hash, every HMAC, every link, in sequence order."""

from __future__ import annotations

import datetime
import hashlib
import hmac as hmac_lib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import connections, router

from decisions.audit import checkpoints
from decisions.audit.chain import (
    GENESIS_HASH,
    AuditKey,
    audit_keys,
    canonical_bytes,
    canonical_bytes_fast,
)
from decisions.models import AuditEntry, AuditVerification
from isg.accounts.models import User

VERIFY_CHUNK_SIZE = 5000

# The columns verify_chain reads, in the order `canonical_bytes` takes them.
CHAIN_FIELDS = (
    "sequence",
    "created_at",
    "actor_id",
    "actor_label",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "outcome",
    "snapshot",
    "prev_hash",
    "key_id",
    "entry_hash",
    "hmac",
)


@dataclass
class VerificationResult:
    intact: bool
    entries_checked: int
    since_sequence: int
    up_to_sequence: int | None
    failed_sequence: int | None = None
    reason: str = ""
    checkpoints_checked: int = 0
    checkpoint_problems: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        if self.intact:
            said = f"audit log intact: {self.entries_checked} entries"
            if self.checkpoints_checked:
                said += f"; {self.checkpoints_checked} checkpoint(s) match the log"
            return said
        if self.failed_sequence is None:
            return "audit log contradicts its checkpoints: " + "; ".join(self.checkpoint_problems)
        said = f"audit log broken at entry {self.failed_sequence}: {self.reason}"
        if self.checkpoint_problems:
            said += "; and " + "; ".join(self.checkpoint_problems)
        return said


def verify_chain(
    *,
    since: int | None = None,
    chunk_size: int = VERIFY_CHUNK_SIZE,
    progress: Callable[[int, int], None] | None = None,
) -> VerificationResult:
    """Walk the log in sequence order and report the first entry that does not check out.

    With `since`, start at that entry and trust the stored hash of the one before it.
    `progress(done, total)` is called every chunk; total is an estimate from the sequence
    numbers, so no COUNT(*) is needed.
    """
    start = max(since or 1, 1)
    keys = {key.key_id: key for key in audit_keys()}
    # Keyed once per key; each entry then copies the prepared object instead of re-keying.
    macs = {
        key_id: hmac_lib.new(key.secret, digestmod=hashlib.sha256) for key_id, key in keys.items()
    }

    expected_prev: str | None
    if start == 1:
        expected_prev = GENESIS_HASH
    else:
        before = AuditEntry.objects.filter(sequence=start - 1)
        expected_prev = before.values_list("entry_hash", flat=True).first()
        if expected_prev is None:
            reason = f"entry {start - 1} (the one --since trusts) is missing: deleted entry"
            return VerificationResult(False, 0, start, None, start - 1, reason)
    last_sequence = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True)
    highest = last_sequence.first() or 0
    total = max(highest - start + 1, 0)

    expected_sequence = start
    checked = 0
    for row, content in chain_rows(start, chunk_size):
        problem = check_row(row, expected_sequence, expected_prev, keys, macs, content)
        if problem:
            failed, reason = problem
            return VerificationResult(False, checked, start, row[0], failed, reason)
        expected_prev = row[13]
        expected_sequence = row[0] + 1
        checked += 1
        if progress and checked % chunk_size == 0:
            progress(checked, total)
    if progress:
        progress(checked, checked)

    up_to = expected_sequence - 1 if checked else None
    seen = (
        AuditVerification.objects.filter(intact=True, up_to_sequence__isnull=False)
        .order_by("-up_to_sequence")
        .values_list("up_to_sequence", flat=True)
        .first()
    )
    if seen and seen > (up_to or start - 1):
        return VerificationResult(
            False,
            checked,
            start,
            up_to,
            (up_to or start - 1) + 1,
            f"the log ends at entry {up_to or start - 1} but an earlier verification saw "
            f"entries up to {seen}: entries deleted from the end",
        )
    return VerificationResult(True, checked, start, up_to)


_HEX_UUID = re.compile(r"[0-9a-f]{32}")


def chain_rows(start: int, chunk_size: int) -> Iterator[tuple[tuple[Any, ...], bytes]]:
    """Every entry from `start` in sequence order, as (its CHAIN_FIELDS row, its canonical
    bytes), read with one chunked (on PostgreSQL server-side) cursor, as the ORM's iterator()
    reads, but without the ORM's per-row converters: the three columns that need converting
    are converted here exactly as Django converts them (a naive SQLite datetime is UTC; a
    SQLite UUID is 32 hex digits; the snapshot is JSON text, kept as text if it is not JSON,
    as JSONField.from_db_value does), and anything else is read again through the ORM.
    tests/decisions/audit/test_canonical_fast.py holds the bytes to `canonical_bytes`."""
    using = router.db_for_read(AuditEntry)
    connection = connections[using]
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    column_of = dict(field.get_attname_column() for field in AuditEntry._meta.concrete_fields)
    columns = [connection.ops.quote_name(column_of[name]) for name in CHAIN_FIELDS]
    if connection.vendor == "sqlite":
        # The text as stored: sqlite3 would otherwise run Django's parse_datetime on each.
        columns[1] = f"CAST({columns[1]} AS TEXT)"
    elif connection.vendor == "postgresql":
        # Text, not psycopg's (Python) timestamptz loader: UTC, always six digits of
        # microseconds, which fromisoformat reads back into the same instant.
        columns[1] = f"to_char({columns[1]} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    sequence = connection.ops.quote_name("sequence")
    sql = f"SELECT {', '.join(columns)} FROM {table} WHERE {sequence} >= %s ORDER BY {sequence}"
    utc, from_iso = datetime.UTC, datetime.datetime.fromisoformat
    loads, decode_error = json.loads, json.JSONDecodeError
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [start])
        while batch := cursor.fetchmany(chunk_size):
            for raw in batch:
                created_at, case, snapshot = raw[1], raw[8], raw[10]
                if type(created_at) is str:
                    # What Django's parse_datetime tries first; anything else: the ORM.
                    try:
                        created_at = from_iso(created_at)
                    except ValueError:
                        pass
                usual = type(created_at) is datetime.datetime
                if usual and created_at.tzinfo is None:
                    created_at = created_at.replace(tzinfo=utc)  # both read UTC wall time
                if type(case) is str:
                    if _HEX_UUID.fullmatch(case):
                        case = f"{case[:8]}-{case[8:12]}-{case[12:16]}-{case[16:20]}-{case[20:]}"
                    else:
                        usual = False  # not how Django stores a UUID on SQLite
                elif case is not None:
                    case = str(case)  # psycopg's uuid.UUID
                if type(snapshot) is str:
                    try:
                        snapshot = loads(snapshot)
                    except decode_error:
                        pass
                if not usual:  # read this one through the ORM, as verification used to
                    row = (
                        AuditEntry.objects.using(using)
                        .filter(sequence=raw[0])
                        .values_list(*CHAIN_FIELDS)
                        .get()
                    )
                    yield row, canonical_bytes(*row[:13])
                    continue
                row = (raw[0], created_at, *raw[2:8], case, raw[9], snapshot, *raw[11:])
                yield row, canonical_bytes_fast(*row[:13])


def check_row(
    row: tuple[Any, ...],
    expected_sequence: int,
    expected_prev: str,
    keys: dict[str, AuditKey],
    macs: dict[str, hmac_lib.HMAC],
    content: bytes | None = None,
) -> tuple[int, str] | None:
    """The first problem with one row of CHAIN_FIELDS, as (sequence, why), or None.

    `content` is the row's canonical bytes if the caller has them (`chain_rows`)."""
    sequence = row[0]
    if sequence > expected_sequence:
        missing = (
            f"entry {expected_sequence} is missing"
            if sequence == expected_sequence + 1
            else f"entries {expected_sequence} to {sequence - 1} are missing"
        )
        return expected_sequence, f"{missing} (sequence jumps to {sequence}): deleted entry"
    if sequence < expected_sequence:
        return sequence, "sequence number used twice: inserted entry"
    if row[11] != expected_prev:
        return sequence, (
            f"broken link: its prev_hash is not the hash of entry {sequence - 1} "
            "(entries reordered, or an entry inserted or replaced before it)"
        )
    if content is None:
        content = canonical_bytes(*row[:13])
    if hashlib.sha256(content).hexdigest() != row[13]:
        return sequence, "content changed: its SHA-256 does not match what is stored"
    mac = macs.get(row[12])
    if mac is None:
        return sequence, f"signed with key {row[12]!r}, which is not configured (AUDIT_KEY)"
    mac = mac.copy()
    mac.update(content)
    if not hmac_lib.compare_digest(mac.hexdigest(), row[14]):
        return sequence, (
            "HMAC mismatch although the SHA-256 matches: the entry was forged, or edited and "
            "re-hashed by someone without the audit key"
        )
    return None


def verify_and_record(
    *,
    since: int | None = None,
    checked_by: User | AnonymousUser | None = None,
    source: str = "verify_audit",
    progress: Callable[[int, int], None] | None = None,
    witness_dirs: Sequence[str | Path] = (),
) -> VerificationResult:
    """Run `verify_chain`, then hold the log against every stored and witnessed checkpoint
    (`checkpoints.check_checkpoints`), and keep the outcome for the review screen."""
    result = verify_chain(since=since, progress=progress)
    check = checkpoints.check_checkpoints(witness_dirs)
    result.checkpoints_checked = check.checked
    result.checkpoint_problems = check.problems
    if not check.ok:
        result.intact = False
    AuditVerification.objects.create(
        checked_by=checked_by if checked_by is not None and checked_by.is_authenticated else None,
        source=source,
        since_sequence=result.since_sequence,
        up_to_sequence=result.up_to_sequence,
        entries_checked=result.entries_checked,
        intact=result.intact,
        failed_sequence=result.failed_sequence,
        message=result.message,
    )
    return result


def last_verification() -> AuditVerification | None:
    return AuditVerification.objects.order_by("-checked_at", "-pk").first()
