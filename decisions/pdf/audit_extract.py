"""The lead's filtered audit log as a PDF extract (written by extract_writer.py, not WeasyPrint)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from decisions.models import AuditEntry
from decisions.pdf import AUDIT_EXTRACT_LIMIT
from decisions.pdf.extract_writer import write_audit_extract
from decisions.pdf.redaction import Redactor
from decisions.pdf.values import display, entry_rows
from isg.accounts.models import User


def audit_extract_context(
    entries: QuerySet[AuditEntry],
    *,
    user: User,
    filters: list[tuple[str, str]],
    copy_entry: AuditEntry | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """The lead's filtered entries, newest first, at most `limit` (AUDIT_EXTRACT_LIMIT)."""
    limit = limit or AUDIT_EXTRACT_LIMIT
    rows = list(
        entries.select_related("actor", "organisation", "case").order_by("-sequence")[: limit + 1]
    )
    return {
        "title": "Audit log extract",
        "generated_at": display(timezone.now()),
        "generated_by": user.display_name,
        "generated_by_username": user.get_username(),
        "copy_entry": copy_entry,
        "filters": filters,
        "entries": entry_rows(rows[:limit], Redactor(active=False)),
        "truncated": len(rows) > limit,
        "limit": limit,
    }


def render_audit_extract(entries: QuerySet[AuditEntry], **kwargs: Any) -> bytes:
    return write_audit_extract(audit_extract_context(entries, **kwargs))
