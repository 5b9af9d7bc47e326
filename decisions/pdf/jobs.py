"""The audit extract of a large selection, rendered by a worker (decisions/audit/exports.py)."""

from __future__ import annotations

from decisions.audit.exports import selection
from decisions.models import AuditEntry
from decisions.pdf import AUDIT_EXTRACT_LIMIT
from isg.jobs.kinds import Outcome, Progress, job_kind
from isg.jobs.models import Job

QUEUED_LIMIT = AUDIT_EXTRACT_LIMIT
"""Rows in one queued audit extract, as before; the CSV of the same selection has no cap.
At ~28 ms an entry (docs/performance.md) 5 000 take two to two and a half minutes to render,
one step without a progress report: inside JOBS_STALE_AFTER_SECONDS (300 s), so a busy
worker is not taken for a dead one."""


@job_kind("audit-pdf", title="Audit log extract (PDF)")
def export_pdf(job: Job, progress: Progress) -> Outcome:
    # WeasyPrint takes half a second to import: loaded when a PDF is made, as in pdf/views.py.
    from decisions.pdf.audit_extract import audit_extract_context
    from decisions.pdf.fetcher import render_pdf

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
    content = render_pdf("pdf/audit_extract.html", context)
    return Outcome(
        summary=f"{len(context['entries'])} audit entries printed"
        + (f" (the newest {QUEUED_LIMIT}; the CSV has them all)." if context["truncated"] else "."),
        filename=job.parameters["filename"],
        content_type="application/pdf",
        content=content,
    )
