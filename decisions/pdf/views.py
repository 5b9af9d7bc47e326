"""Downloads of the printable records (rendering is in the rest of decisions/pdf/).

Each download is checked per object, recorded in the audit log before it is rendered, and
carries the number of that entry on every page:

- the decision record: whoever may read the decision (selectors.get_decision_for), 404 for
  anyone else. ``?unredacted=1`` (protected names printed) is for the organisation's
  safeguarding lead only; anyone else asking for it gets 404, as if there were no such copy.
- the inclusion proof of the decision's ``decision_submitted`` entry, as JSON
  (``audit_proof``'s document): for the organisation's safeguarding lead only, 404 otherwise.
- the audit extract: the lead's filtered audit view, with exactly the filters and scoping of
  the CSV export (decisions.audit.review), newest first, capped at AUDIT_EXTRACT_LIMIT.
"""

import json
import re
from uuid import UUID

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from decisions.audit import checkpoints, exports, review
from decisions.audit import views as audit_views
from decisions.audit.selectors import submission_entry
from decisions.lifecycle.selectors import get_decision_for, may_unredact
from decisions.pdf import AUDIT_EXTRACT_LIMIT
from decisions.pdf.copies import decision_record_copy, pdf_response
from decisions.pdf.jobs import QUEUED_LIMIT
from isg.accounts.roles import user_of
from isg.accounts.security import recent_auth_required
from isg.ui.formatting import file_stamp


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:40] or "record"


def decision_pdf(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = get_decision_for(user_of(request), decision_id)
    unredacted = request.GET.get("unredacted") == "1"
    if unredacted and not may_unredact(user_of(request), decision):
        raise Http404("No such copy")
    content = decision_record_copy(decision, user=user_of(request), redacted=not unredacted)
    kind = "-UNREDACTED" if unredacted else ""
    return pdf_response(
        content, f"decision-{_safe_name(decision.case.reference)}-{file_stamp()}{kind}.pdf"
    )


def decision_proof(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    """The proof that the decision's submission is in the signed log, for outsiders to check
    with verify_proof or by hand (docs/audit.md). The lead's, as an unredacted copy is."""
    decision = get_decision_for(user_of(request), decision_id)
    if not may_unredact(user_of(request), decision):
        raise Http404("No such proof")
    entry = submission_entry(decision)
    document = checkpoints.proof_for(entry) if entry is not None else None
    if entry is None or document is None:
        raise Http404("No proof yet")
    response = HttpResponse(
        json.dumps(document, indent=2, ensure_ascii=False), content_type="application/json"
    )
    name = f"audit-proof-{_safe_name(decision.case.reference)}-{entry.sequence}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@recent_auth_required  # as for the CSV export: a password typed in the last 15 minutes
def audit_export_pdf(request: HttpRequest) -> HttpResponse:
    """The filtered audit entries as PDF, the same selection the CSV export makes; a large
    selection is queued (decisions/audit/exports.py) and the lead watches its job."""
    from decisions.pdf.audit_extract import render_audit_extract

    entries, form = review.reviewable(user_of(request), request.GET)
    if form.is_bound and not form.is_valid():
        return audit_views.audit_list(request)  # show what is wrong; export nothing
    if exports.is_large(entries, exports.PDF_INSTANT_ROWS):
        job = exports.queue_export(
            user_of(request), form, request.GET, kind="audit-pdf", what="audit log PDF",
            extension="pdf", row_limit=QUEUED_LIMIT,
        )
        return redirect("job_detail", job_id=job.pk)
    exported = review.record_filtered_export(
        user_of(request), form, "audit log PDF", row_limit=AUDIT_EXTRACT_LIMIT
    )
    content = render_audit_extract(
        entries.filter(sequence__lt=exported.sequence),
        user=user_of(request),
        filters=form.labels(),
        copy_entry=exported,
        limit=AUDIT_EXTRACT_LIMIT,
    )
    return pdf_response(content, f"audit-log-{file_stamp()}.pdf")
