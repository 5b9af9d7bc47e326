"""The audit log's chain: keys, the canonical form of an entry, and its hashes.

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
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from decisions.models import AuditEntry
from isg.keyfiles import configured_keys

logger = logging.getLogger(__name__)

GENESIS_HASH = "0" * 64


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


def audit_keys() -> list[AuditKey]:
    """The configured keys, the signing key first. Never empty.

    `AUDIT_KEY`, or the embedded default: a key generated into var/audit_key on first use."""
    path = Path(settings.AUDIT_KEY_FILE)
    keys = configured_keys(
        getattr(settings, "AUDIT_KEYS", []),
        _parse_key,
        setting="AUDIT_KEY",
        path=path,
        generate=lambda: f"local-{secrets.token_hex(4)}:{secrets.token_urlsafe(48)}",
        warning=(
            f"AUDIT_KEY is not set: generated an audit log key in {path}. Keep a copy "
            "somewhere safe and out of the database's backups; without it the log "
            "cannot be verified. In production set AUDIT_KEY instead (docs/audit.md)."
        ),
    )
    if not keys:
        raise ImproperlyConfigured("No audit key: set AUDIT_KEY (docs/audit.md)")
    ids = [key.key_id for key in keys]
    if len(set(ids)) != len(ids):
        raise ImproperlyConfigured("AUDIT_KEY names the same key id twice")
    return keys


# --- Canonical form -----------------------------------------------------------


def normalise_snapshot(value: object) -> Any:
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
        normalised: dict[str, Any] = {}
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


def _sort_key(value: Any) -> str:
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


def seal(entry: AuditEntry, key: AuditKey) -> AuditEntry:
    """Set the entry's hash and HMAC from its content (its `prev_hash` and `key_id` included)."""
    content = entry_canonical_bytes(entry)
    entry.entry_hash = sha256_hex(content)
    entry.hmac = hmac_hex(content, key)
    return entry
