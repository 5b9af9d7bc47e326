"""Downloads of the printable records (rendering is in decisions/pdf.py).

Each download is checked per object, recorded in the audit log before it is rendered, and
carries the number of that entry on every page:

- the decision record: whoever may read the decision (selectors.get_decision_for), 404 for
  anyone else. ``?unredacted=1`` (protected names printed) is for the organisation's
  safeguarding lead only; anyone else asking for it gets 404, as if there were no such copy.
- the audit extract: the lead's filtered audit view, with exactly the filters and scoping of
  the CSV export (audit_views._reviewable), newest first, capped at pdf.AUDIT_EXTRACT_LIMIT.
"""

import re

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone

from decisions import audit, audit_views, selectors
from decisions.models import AuditEntry
from isg.accounts.models import Role
from isg.accounts.roles import has_role
from isg.accounts.security import recent_auth_required


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:40] or "record"


def may_unredact(user, decision) -> bool:
    """Only the safeguarding lead of the decision's organisation may print protected names."""
    return user.is_authenticated and has_role(user, decision.organisation_id, (Role.LEAD,))


def decision_pdf(request: HttpRequest, decision_id) -> HttpResponse:
    from decisions import pdf  # WeasyPrint takes half a second to import: only when needed

    decision = selectors.get_decision_for(request.user, decision_id)
    unredacted = request.GET.get("unredacted") == "1"
    if unredacted and not may_unredact(request.user, decision):
        raise Http404("No such copy")
    entry = audit.record(
        action=AuditEntry.Action.PDF_DOWNLOADED,
        actor=request.user,
        organisation=decision.organisation,
        obj=decision,
        case=decision.case,
        snapshot={"what": "decision record PDF", "redacted": not unredacted},
    )
    content = pdf.render_decision_record(
        decision, user=request.user, redacted=not unredacted, copy_entry=entry
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    kind = "-UNREDACTED" if unredacted else ""
    return _pdf_response(
        content, f"decision-{_safe_name(decision.case.reference)}-{stamp}{kind}.pdf"
    )


def _filter_labels(form) -> list[tuple[str, str]]:
    """The filters in use, as the audit page labels them, for the extract's first page."""
    if not form.is_valid():
        return []
    labels = []
    for name, value in form.cleaned_data.items():
        if not value:
            continue
        field = form.fields[name]
        choices = {str(key): label for key, label in getattr(field, "choices", []) or []}
        shown = choices.get(str(value), value)
        if hasattr(value, "strftime"):
            shown = value.strftime("%-d %B %Y")
        labels.append((str(field.label or name.replace("_", " ")).capitalize(), str(shown)))
    return labels


@recent_auth_required  # as for the CSV export: a password typed in the last 15 minutes
def audit_export_pdf(request: HttpRequest) -> HttpResponse:
    """The filtered audit entries as PDF, the same selection the CSV export makes."""
    from decisions import pdf

    entries, form = audit_views._reviewable(request)
    if form.is_bound and not form.is_valid():
        return audit_views.audit_list(request)  # show what is wrong; export nothing
    exported = audit_views.record_export(
        request, form, "audit log PDF", row_limit=pdf.AUDIT_EXTRACT_LIMIT
    )
    content = pdf.render_audit_extract(
        entries.filter(sequence__lt=exported.sequence),
        user=request.user,
        filters=_filter_labels(form),
        copy_entry=exported,
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _pdf_response(content, f"audit-log-{stamp}.pdf")
