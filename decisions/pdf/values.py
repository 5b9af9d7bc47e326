"""Values as the PDFs print them, and audit entries as rows of a PDF table."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from decisions.audit.sealed import opened_snapshot
from decisions.models import AuditEntry, Decision
from decisions.pdf.redaction import Redactor
from isg.ui.formatting import DATE, date_time

OUTCOME_LABELS = dict(Decision.Outcome.choices)


def display(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return date_time(value)
    if isinstance(value, datetime.date):
        return value.strftime(DATE)
    if hasattr(value, "display_name"):
        return value.display_name
    return str(value)


def entry_rows(entries: Iterable[AuditEntry], redact: Redactor) -> list[dict[str, str | int]]:
    return [
        {
            "sequence": entry.sequence,
            "when": display(entry.created_at),
            "who": entry.actor.display_name if entry.actor else (entry.actor_label or "System"),
            "action": entry.get_action_display(),
            "outcome": OUTCOME_LABELS.get(entry.outcome, entry.outcome),
            "case": entry.case.reference if entry.case_id and entry.case else "",
            "object": f"{entry.object_type} {entry.object_id}".strip(),
            "snapshot": redact(
                json.dumps(opened_snapshot(entry), ensure_ascii=False, sort_keys=True)
                if entry.snapshot
                else ""
            ),
            "entry_hash": entry.entry_hash,
            "prev_hash": entry.prev_hash,
            "hmac": entry.hmac,
            "key_id": entry.key_id,
        }
        for entry in entries
    ]
