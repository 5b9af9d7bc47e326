"""A copy of the decision record, as a page or the API hands it out: the download is recorded
in the audit log first, and the copy prints that entry's number on every page."""

from typing import Any

from django.http import HttpResponse

from decisions.audit.record import record
from decisions.models import AuditEntry, Decision


def decision_record_copy(
    decision: Decision, *, user: Any, redacted: bool, via: str | None = None
) -> bytes:
    """The record's PDF for `user`, after its PDF_DOWNLOADED entry (`via`: "api" or none)."""
    # WeasyPrint takes half a second to import: only when a PDF is asked for.
    from decisions.pdf.decision_record import render_decision_record

    snapshot: dict[str, Any] = {"what": "decision record PDF", "redacted": redacted}
    if via:
        snapshot["via"] = via
    entry = record(
        action=AuditEntry.Action.PDF_DOWNLOADED,
        actor=user,
        organisation=decision.organisation,
        obj=decision,
        case=decision.case,
        snapshot=snapshot,
    )
    return render_decision_record(decision, user=user, redacted=redacted, copy_entry=entry)


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF as a download that no cache keeps."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
