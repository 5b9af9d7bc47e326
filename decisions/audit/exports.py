"""The lead's exports of the audit log: instant for a small selection, queued for a large one.

A selection of at most `CSV_INSTANT_ROWS` entries (CSV) or `PDF_INSTANT_ROWS` (PDF) is made
in the request, as it always was: a second or two. A larger one would hold a request (and a
web worker) for minutes, so it becomes a job on the task queue (isg/jobs): the lead sees its
progress and downloads the file when it is ready, from a page that is theirs alone.

Either way the export is recorded before it is made, with the filters and the organisations,
and contains only entries older than its own entry: a consistent cut of the log, however long
the work takes. A queued export's entry says so (`"queued": true`), and the worker reads the
entries through the same selector as the page, as the lead who asked: a lead who lost the
role meanwhile gets nothing.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict

from decisions.audit import review
from decisions.models import AuditEntry
from isg.accounts.models import User
from isg.jobs.kinds import Outcome, Progress, job_kind
from isg.jobs.models import Job
from isg.jobs.services import start_job
from isg.ui.formatting import file_stamp

CSV_INSTANT_ROWS = 10_000
"""Up to this many entries, the CSV is streamed in the request: half a second's work (30 000
entries, 9.5 MB, took 1.5 s on the queue on the 2-core dev machine, SQLite). Beyond it a
log of a million entries would hold a web worker for nearly a minute. The queued file is
built in memory and kept in one row (`Job.result`): ~320 bytes an entry."""
PDF_INSTANT_ROWS = 200
"""Up to this many entries, the PDF is rendered in the request (WeasyPrint, ~28 ms an entry:
six seconds or so)."""
PROGRESS_EVERY_ROWS = 1000


def is_large(entries: QuerySet[AuditEntry], instant_rows: int) -> bool:
    """More than `instant_rows` entries? Counts no further than that."""
    return entries[: instant_rows + 1].count() > instant_rows


def queue_export(
    user: User, form: review.AuditFilterForm, query: QueryDict, *, kind: str, what: str,
    extension: str, **details: Any,
) -> Job:
    """Record the export and queue it, in one transaction."""
    with transaction.atomic():
        exported = review.record_filtered_export(user, form, what, queued=True, **details)
        return start_job(
            user=user,
            kind=kind,
            organisation=exported.organisation_id,
            parameters={
                "query": query.urlencode(),
                "before": exported.sequence,
                "filename": f"audit-log-{file_stamp()}.{extension}",
            },
        )


def selection(job: Job) -> tuple[QuerySet[AuditEntry], review.AuditFilterForm]:
    """The entries a queued export holds: as the page selected them, older than its entry."""
    entries, form = review.reviewable(job.started_by, QueryDict(job.parameters["query"]))
    return entries.filter(sequence__lt=job.parameters["before"]), form


@job_kind("audit-csv", title="Audit log export (CSV)")
def export_csv(job: Job, progress: Progress) -> Outcome:
    entries, _ = selection(job)
    total = entries.count()
    progress(0, total)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in review.CSV_COLUMNS])
    rows = (
        entries.order_by("-sequence")
        .values_list(*[name for name, _ in review.CSV_COLUMNS])
        .iterator(chunk_size=review.CSV_CHUNK_SIZE)
    )
    done = 0
    for row in rows:
        writer.writerow([review.neutralise(value) for value in row])
        done += 1
        if done % PROGRESS_EVERY_ROWS == 0:
            progress(done)
    progress(done, max(total, done))
    return Outcome(
        summary=f"{done} audit entries exported.",
        filename=job.parameters["filename"],
        content_type="text/csv; charset=utf-8",
        content=buffer.getvalue().encode(),
    )
