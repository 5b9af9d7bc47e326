"""Personal text inside an audit snapshot, sealed under the case's data key.

The entry's hash, HMAC and Merkle leaf cover the ciphertext, so destroying the case's key at
erasure leaves the log verifiable and the text unreadable (docs/retention.md).
"""

from __future__ import annotations

import json
from typing import Any

from decisions.models import AuditEntry, Case
from decisions.models.sealing import ERASED_TEXT, case_scope, field_aad, is_sealed, seal, unseal

SNAPSHOT_AAD_FIELD = "snapshot"


def seal_snapshot_text(case: Case, value: Any) -> str:
    """`value` (any JSON) as one sealed string, for a snapshot."""
    scope = case_scope(case.pk)
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return seal(scope, text, field_aad(scope, "decisions.auditentry", SNAPSHOT_AAD_FIELD))


def opened_snapshot(entry: AuditEntry) -> dict[str, Any]:
    """The snapshot for display: sealed values opened, or marked erased."""
    if entry.case_id is None or not any(is_sealed(v) for v in entry.snapshot.values()):
        return entry.snapshot
    scope = case_scope(entry.case_id)
    aad = field_aad(scope, "decisions.auditentry", SNAPSHOT_AAD_FIELD)
    opened: dict[str, Any] = {}
    for name, value in entry.snapshot.items():
        if is_sealed(value):
            text = unseal(scope, value, aad)
            opened[name] = text if text == ERASED_TEXT else json.loads(text)
        else:
            opened[name] = value
    return opened
