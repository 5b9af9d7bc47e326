"""The safeguarding lead's review of the audit log: list, entry, CSV export, verify now."""

import csv
import json
from collections.abc import Iterator

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from decisions.audit import checkpoints, exports, live, review, selectors
from decisions.audit.sealed import opened_snapshot
from decisions.audit.verify import last_verification
from decisions.cases import selectors as case_selectors
from decisions.models import AuditCheckpoint, AuditEntry, AuditVerifyRun
from isg.accounts.roles import user_of
from isg.accounts.security import recent_auth_required
from isg.ui.formatting import file_stamp


class _Echo:
    def write(self, value: str) -> str:
        return value


def _position(request: HttpRequest, name: str) -> int | None:
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        return None
    return value if value > 0 else None


def audit_list(request: HttpRequest) -> HttpResponse:
    """Newest first, keyset-paginated on sequence: no OFFSET and no COUNT(*)."""
    entries, form = review.reviewable(user_of(request), request.GET)
    before, after = _position(request, "before"), _position(request, "after")
    rows = entries.values_list(*review.LIST_COLUMNS, named=True)  # no model per row
    if after and not before:
        page = list(rows.filter(sequence__gt=after).order_by("sequence")[: review.PAGE_SIZE + 1])
        has_newer = len(page) > review.PAGE_SIZE
        page = page[:review.PAGE_SIZE][::-1]
        has_older = bool(page) and entries.filter(sequence__lt=page[-1].sequence).exists()
    else:
        if before:
            rows = rows.filter(sequence__lt=before)
        page = list(rows.order_by("-sequence")[: review.PAGE_SIZE + 1])
        has_older = len(page) > review.PAGE_SIZE
        page = page[:review.PAGE_SIZE]
        has_newer = bool(before) and entries.filter(sequence__gte=before).exists()

    kept = request.GET.copy()
    for name in ("before", "after"):
        kept.pop(name, None)
    filters = kept.urlencode()
    return render(
        request,
        "decisions/audit/list.html",
        {
            "form": form,
            "entries": page,
            "filters": filters,
            "filtered": bool(form.describe()),
            "older": page[-1].sequence if has_older else None,
            "newer": page[0].sequence if has_newer and page else None,
            "verification": last_verification(),
            "public_key": checkpoints.verifiers()[0],
            "checkpoint": AuditCheckpoint.objects.order_by("-tree_size").first(),
        },
    )


def _may_verify(request: HttpRequest) -> None:
    """Whoever may review an organisation's log may check the whole log: it is one chain."""
    if not selectors.audit_organisations_for(user_of(request)):
        raise Http404("No audit log here")


def audit_verify_start(request: HttpRequest) -> HttpResponse:
    """Verify now: start a check of the whole log, chain and checkpoints, in bounded steps."""
    _may_verify(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = user_of(request)
    run = live.start_on_queue(user, selectors.audit_organisations_for(user)[0])
    return redirect("audit_verify_run", run_id=run.pk)


def audit_verify_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """A run's progress, as the worker advances it; the page refreshes itself (an HTTP
    Refresh header, no script) until the run is finished."""
    _may_verify(request)
    run = AuditVerifyRun.objects.filter(pk=run_id, started_by=user_of(request)).first()
    if run is None:
        raise Http404("No such check")  # a run is its starter's: it names them
    job = live.job_of(run)
    failed = job is not None and job.status == job.Status.FAILED
    response = render(
        request, "decisions/audit/verify_run.html", {"run": run, "job": job, "failed": failed}
    )
    if run.finished_at is None and not failed:
        response["Refresh"] = "2"
    return response


def audit_detail(request: HttpRequest, sequence: int) -> HttpResponse:
    try:
        entry = (
            selectors.audit_entries_for(user_of(request))
            .select_related("actor", "organisation", "case")
            .get(sequence=sequence)
        )
    except AuditEntry.DoesNotExist as exc:
        raise Http404("No such audit entry") from exc
    verification = last_verification()
    case_visible = bool(
        entry.case_id
        and case_selectors.cases_for(user_of(request)).filter(pk=entry.case_id).exists()
    )
    return render(
        request,
        "decisions/audit/detail.html",
        {
            "entry": entry,
            "snapshot": json.dumps(
                opened_snapshot(entry), indent=2, sort_keys=True, ensure_ascii=False
            ),
            "verification": verification,
            "chain_status": review.chain_status(entry, verification),
            "case_visible": case_visible,
        },
    )


@recent_auth_required  # exporting the log needs a password typed in the last 15 minutes
def audit_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered entries as CSV, streamed; the export itself is recorded first. A large
    selection is queued instead (decisions/audit/exports.py) and the lead watches its job.

    Only entries older than the export's own entry are included, so the file is a
    consistent cut of the log however long it takes to download.
    """
    entries, form = review.reviewable(user_of(request), request.GET)
    if form.is_bound and not form.is_valid():
        return audit_list(request)  # show what is wrong; export nothing
    if exports.is_large(entries, exports.CSV_INSTANT_ROWS):
        job = exports.queue_export(
            user_of(request), form, request.GET, kind="audit-csv", what="audit log CSV",
            extension="csv",
        )
        return redirect("job_detail", job_id=job.pk)
    exported = review.record_filtered_export(user_of(request), form, "audit log CSV")
    rows = (
        entries.filter(sequence__lt=exported.sequence)
        .order_by("-sequence")
        .values_list(*[name for name, _ in review.CSV_COLUMNS])
        .iterator(chunk_size=review.CSV_CHUNK_SIZE)
    )
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield writer.writerow([label for _, label in review.CSV_COLUMNS])
        for row in rows:
            yield writer.writerow([review.neutralise(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{file_stamp()}.csv"'
    return response
