"""The audit log: append-only, hash-chained and keyed. Every write goes through `record`.

Each entry stores

- `entry_hash`: SHA-256 of the entry's canonical serialisation (below), which includes
  `prev_hash`, the previous entry's `entry_hash` (64 zeros for the first entry). Changing,
  deleting, inserting or reordering entries breaks the chain.
- `hmac`: HMAC-SHA-256 of the same canonical bytes under a key kept outside the database
  (`AUDIT_KEY`, or var/audit_key). Someone who can write to the table but does not hold the
  key cannot rewrite an entry and recompute the chain after it: the HMAC gives them away.
- `key_id`: which key signed it, so keys can be rotated (docs/audit.md).

Canonical serialisation (version 1) — the bytes both digests are computed over:

    JSON of an object with exactly these keys, sorted, no whitespace
    (separators "," and ":"), non-ASCII characters kept as UTF-8, encoded as UTF-8:

    sequence      integer
    created_at    "YYYY-MM-DDTHH:MM:SS.ffffff+00:00" (UTC, always with microseconds)
    actor         user id (integer) or null
    actor_label   string
    organisation  organisation id (integer) or null
    action        string (AuditEntry.Action)
    object_type   string
    object_id     string
    case          case id as a lowercase hyphenated UUID string, or null
    outcome       string
    snapshot      JSON object; its keys are sorted at every level like the rest
    prev_hash     64 lowercase hex characters
    key_id        string

Snapshots are normalised before they are stored (`normalise_snapshot`): dates, times,
UUIDs, Decimals and floats become strings, tuples and sets become lists, so what is
hashed is exactly what comes back from the database (PostgreSQL's jsonb reorders keys,
which the sorted serialisation makes irrelevant; it would also rewrite float spellings,
which is why floats are not stored as numbers).
"""

from __future__ import annotations

import datetime
import decimal
import enum
import hashlib
import hmac as hmac_lib
import json
import logging
import secrets
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models, transaction
from django.utils import timezone

from decisions.models import AuditEntry, AuditVerification, Case

logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64
# Any constant will do, as long as nothing else in the database uses it: "ISG-AUDT" in ASCII.
ADVISORY_LOCK_KEY = 0x4953472D41554454
ACTOR_LABEL_MAX = AuditEntry._meta.get_field("actor_label").max_length
VERIFY_CHUNK_SIZE = 5000

# The columns verify_chain reads, in the order `canonical_bytes` takes them.
_CHAIN_FIELDS = (
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


# --- Keys ---------------------------------------------------------------------


@dataclass(frozen=True)
class AuditKey:
    key_id: str
    secret: bytes


def _parse_key(text: str, origin: str) -> AuditKey:
    key_id, sep, secret = text.strip().partition(":")
    key_id = key_id.strip()
    if not sep or not key_id or len(secret) < 32 or len(key_id) > 40:
        raise ImproperlyConfigured(
            f"{origin}: an audit key is written keyid:secret, with a key id of at most "
            "40 characters and a secret of at least 32 characters"
        )
    return AuditKey(key_id, secret.encode())


def _key_file_keys(path: Path) -> list[AuditKey]:
    """The embedded default: a key generated into var/audit_key (mode 0600) on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key_text = f"local-{secrets.token_hex(4)}:{secrets.token_urlsafe(48)}"
        # O_EXCL: two processes starting at once must not write two different keys.
        try:
            fd = path.open("x", encoding="ascii")
        except FileExistsError:
            pass
        else:
            with fd:
                path.chmod(0o600)
                fd.write(key_text + "\n")
            message = (
                f"AUDIT_KEY is not set: generated an audit log key in {path}. Keep a copy "
                "somewhere safe and out of the database's backups; without it the log "
                "cannot be verified. In production set AUDIT_KEY instead (docs/audit.md)."
            )
            logger.warning(message)
            print(f"WARNING: {message}", file=sys.stderr)
    lines = [line for line in path.read_text(encoding="ascii").splitlines() if line.strip()]
    return [_parse_key(line, str(path)) for line in lines]


def audit_keys() -> list[AuditKey]:
    """The configured keys, the signing key first. Never empty."""
    configured = getattr(settings, "AUDIT_KEYS", [])
    if configured:
        keys = [_parse_key(text, "AUDIT_KEY") for text in configured]
    else:
        keys = _key_file_keys(Path(settings.AUDIT_KEY_FILE))
    if not keys:
        raise ImproperlyConfigured("No audit key: set AUDIT_KEY (docs/audit.md)")
    ids = [key.key_id for key in keys]
    if len(set(ids)) != len(ids):
        raise ImproperlyConfigured("AUDIT_KEY names the same key id twice")
    return keys


# --- Canonical form -----------------------------------------------------------


def normalise_snapshot(value):
    """A JSON value that survives a round trip through SQLite or PostgreSQL unchanged."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, enum.Enum):
        return normalise_snapshot(value.value)
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float | decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, dict):
        normalised = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"audit snapshot keys must be strings, not {key!r}")
            normalised[str.__str__(key)] = normalise_snapshot(item)
        return normalised
    if isinstance(value, list | tuple):
        return [normalise_snapshot(item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((normalise_snapshot(item) for item in value), key=_sort_key)
    raise TypeError(f"cannot store {type(value).__name__} in an audit snapshot")


def _sort_key(value) -> str:
    return json.dumps(value, sort_keys=True)


def _utc_iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def canonical_bytes(
    sequence: int,
    created_at: datetime.datetime,
    actor_id: int | None,
    actor_label: str,
    organisation_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    case_id: uuid.UUID | str | None,
    outcome: str,
    snapshot: dict,
    prev_hash: str,
    key_id: str,
) -> bytes:
    """The bytes an entry's SHA-256 and HMAC are computed over (see the module docstring)."""
    content = {
        "sequence": sequence,
        "created_at": _utc_iso(created_at),
        "actor": actor_id,
        "actor_label": actor_label,
        "organisation": organisation_id,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "case": None if case_id is None else str(case_id),
        "outcome": outcome,
        "snapshot": snapshot,
        "prev_hash": prev_hash,
        "key_id": key_id,
    }
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def entry_canonical_bytes(entry: AuditEntry) -> bytes:
    return canonical_bytes(
        entry.sequence,
        entry.created_at,
        entry.actor_id,
        entry.actor_label,
        entry.organisation_id,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.case_id,
        entry.outcome,
        entry.snapshot,
        entry.prev_hash,
        entry.key_id,
    )


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def hmac_hex(content: bytes, key: AuditKey) -> str:
    return hmac_lib.new(key.secret, content, hashlib.sha256).hexdigest()


# --- Writing ------------------------------------------------------------------


def _lock_chain() -> None:
    """Serialise appends so that two writers never read the same last entry.

    PostgreSQL: a transaction-scoped advisory lock, released at commit or rollback.
    SQLite: nothing to do; the settings open every transaction with BEGIN IMMEDIATE, so
    the writer already holds the database's write lock.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def record(
    *,
    action: str,
    actor=None,
    organisation=None,
    obj: models.Model | None = None,
    case: Case | None = None,
    outcome: str = "",
    snapshot: dict | None = None,
    actor_label: str = "",
) -> AuditEntry:
    """Append one entry to the audit log, in the caller's transaction.

    Called inside a service's `transaction.atomic()`, the entry commits or rolls back
    with the change it records. `organisation` defaults to the case's.
    """
    if action not in AuditEntry.Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if not actor_label and actor is not None:
        actor_label = actor.get_username()
    if organisation is None and case is not None:
        organisation = case.organisation_id
    snapshot = normalise_snapshot(snapshot or {})
    key = audit_keys()[0]
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash")
        previous = last.first()
        sequence, prev_hash = (previous[0] + 1, previous[1]) if previous else (1, GENESIS_HASH)
        entry = AuditEntry(
            sequence=sequence,
            created_at=timezone.now(),
            actor=actor,
            actor_label=actor_label[:ACTOR_LABEL_MAX],
            organisation_id=getattr(organisation, "pk", organisation),
            action=action,
            object_type=type(obj).__name__ if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            case=case,
            outcome=outcome,
            snapshot=snapshot,
            prev_hash=prev_hash,
            key_id=key.key_id,
        )
        content = entry_canonical_bytes(entry)
        entry.entry_hash = sha256_hex(content)
        entry.hmac = hmac_hex(content, key)
        entry.save()
    return entry


def record_view(user, obj: models.Model, case: Case) -> AuditEntry:
    """Reading a decision record is itself recorded (the audit screens are not: see docs)."""
    return record(action=AuditEntry.Action.RECORD_VIEWED, actor=user, obj=obj, case=case)


def primary_organisation_id(user) -> int | None:
    """The organisation a sign-in or sign-out is filed under: the user's first membership."""
    return (
        user.memberships.order_by("organisation_id")
        .values_list("organisation_id", flat=True)
        .first()
    )


# --- Verifying ----------------------------------------------------------------


@dataclass
class VerificationResult:
    intact: bool
    entries_checked: int
    since_sequence: int
    up_to_sequence: int | None
    failed_sequence: int | None = None
    reason: str = ""

    @property
    def message(self) -> str:
        if self.intact:
            return f"audit log intact: {self.entries_checked} entries"
        return f"audit log broken at entry {self.failed_sequence}: {self.reason}"


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
    rows = (
        AuditEntry.objects.filter(sequence__gte=start)
        .order_by("sequence")
        .values_list(*_CHAIN_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    for row in rows:
        problem = _check_row(row, expected_sequence, expected_prev, keys, macs)
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


def _check_row(row, expected_sequence, expected_prev, keys, macs) -> tuple[int, str] | None:
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
    checked_by=None,
    source: str = "verify_audit",
    progress: Callable[[int, int], None] | None = None,
) -> VerificationResult:
    """Run `verify_chain` and keep its outcome for the review screen."""
    result = verify_chain(since=since, progress=progress)
    AuditVerification.objects.create(
        checked_by=checked_by if getattr(checked_by, "is_authenticated", False) else None,
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
