"""The audit extract of a large selection, rendered by a worker (decisions/audit/exports.py)."""

from __future__ import annotations

from decisions.audit.exports import selection
from decisions.models import AuditEntry
from decisions.pdf import AUDIT_EXTRACT_LIMIT
from isg.jobs.kinds import Outcome, Progress, job_kind
from isg.jobs.models import Job

QUEUED_LIMIT = AUDIT_EXTRACT_LIMIT
"""Rows in one queued audit extract, as before; the CSV of the same selection has no cap.
Written by extract_writer.py, 5 000 take a few seconds (docs/performance.md), one step without
a progress report: well inside JOBS_STALE_AFTER_SECONDS (300 s)."""


@job_kind("audit-pdf", title="Audit log extract (PDF)")
def export_pdf(job: Job, progress: Progress) -> Outcome:
    # fpdf2 takes a fifth of a second to import: loaded when a PDF is made, as WeasyPrint is.
    from decisions.pdf.audit_extract import audit_extract_context
    from decisions.pdf.extract_writer import write_audit_extract

    entries, form = selection(job)
    total = min(entries.count(), QUEUED_LIMIT)
    progress(0, total + 1)
    context = audit_extract_context(
        entries,
        user=job.started_by,
        filters=form.labels(),
        copy_entry=AuditEntry.objects.get(sequence=job.parameters["before"]),
        limit=QUEUED_LIMIT,
    )
    progress(total, total + 1)  # the rows are read; rendering is the long part
    content = write_audit_extract(context)
    return Outcome(
        summary=f"{len(context['entries'])} audit entries printed"
        + (f" (the newest {QUEUED_LIMIT}; the CSV has them all)." if context["truncated"] else "."),
        filename=job.parameters["filename"],
        content_type="application/pdf",
        content=content,
    )
