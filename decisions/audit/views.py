"""The safeguarding lead's review of the audit log: list, entry, CSV export."""

import csv
import json
from collections.abc import Iterator

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render

from decisions.audit import review, selectors
from decisions.audit.verify import last_verification
from decisions.cases import selectors as case_selectors
from decisions.models import AuditEntry
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
    rows = entries.select_related("actor", "organisation", "case")
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
        },
    )


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
            "snapshot": json.dumps(entry.snapshot, indent=2, sort_keys=True, ensure_ascii=False),
            "verification": verification,
            "chain_status": review.chain_status(entry, verification),
            "case_visible": case_visible,
        },
    )


@recent_auth_required  # exporting the log needs a password typed in the last 15 minutes
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered entries as CSV, streamed; the export itself is recorded first.

    Only entries older than the export's own entry are included, so the file is a
    consistent cut of the log however long it takes to download.
    """
    entries, form = review.reviewable(user_of(request), request.GET)
    if form.is_bound and not form.is_valid():
        return audit_list(request)  # show what is wrong; export nothing
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
