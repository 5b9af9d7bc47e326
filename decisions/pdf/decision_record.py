"""The decision record as a PDF: the record, what happened after it, and its audit trail."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from decisions.audit import checkpoints
from decisions.audit.selectors import submission_entry
from decisions.models import AuditEntry, Decision
from decisions.pdf.fetcher import render_pdf
from decisions.pdf.redaction import Redactor
from decisions.pdf.values import display, entry_rows
from decisions.wizard.state import step_title
from decisions.wizard.summary import facts_as_rows, record_sections
from guidance import catalogue, engine
from guidance.vocabulary import recommendation_label
from isg.accounts.models import Role, User
from isg.accounts.roles import has_role

DECISION_AUDIT_LIMIT = 500  # audit entries printed with one decision record
# What happens after a decision (approvals work, #5): model, section title, fields left out
# (bookkeeping, or the decision itself), labels in the record's words. See `later_records`.
LATER_RECORD_MODELS = [
    ("Approval", "Manager's approval", {"approver": "By", "created_at": "When"}),
    (
        "InfoResponse",
        "Answers to the manager's questions",
        {"answered_by": "By", "created_at": "On"},
    ),
    ("ShareRecord", "What was shared", {"recorded_by": "Recorded by", "recorded_at": "On"}),
    ("FollowUp", "Follow-ups", {"created_at": "Added on", "done_at": "Done on"}),
]
LATER_RECORD_SKIP = {"case", "reminded_on", "question"}


def _field_rows(
    obj: models.Model, skip: Iterable[str], labels: dict[str, str], redact: Redactor
) -> list[tuple[str, str]]:
    """(label, value) for each filled-in field of a record, choices shown by their labels."""
    rows = []
    for field in obj._meta.concrete_fields:
        if field.primary_key or field.name in skip or field.name in LATER_RECORD_SKIP:
            continue
        if field.choices:
            value = getattr(obj, f"get_{field.name}_display")()
        else:
            value = getattr(obj, field.name)
        if value in (None, "", [], {}):
            continue
        if isinstance(value, dict | list):
            value = json.dumps(value, ensure_ascii=False, sort_keys=True)
        label = labels.get(field.name) or str(field.verbose_name).capitalize()
        rows.append((label, redact(display(value))))
    return rows


def later_records(decision: Decision) -> list[dict[str, Any]]:
    """What happened after the decision: approval, what was shared, follow-ups.

    These models come with the approvals work (#5). Until a model exists it is left out; once
    it does, every row of it that points at this decision is printed field by field, so the
    record is complete without a change here. A tailored layout can replace this later.
    """
    found = []
    for model_name, title, labels in LATER_RECORD_MODELS:
        try:
            model = apps.get_model("decisions", model_name)
        except LookupError:
            continue
        links = [
            field
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model is Decision
        ]
        if not links:
            continue
        rows = model.objects.filter(
            Q.create([(link.name, decision) for link in links], connector=Q.OR)
        )
        ordering = [f.name for f in model._meta.concrete_fields if f.name == "created_at"]
        found.append(
            {
                "title": title,
                "labels": labels,
                "links": [link.name for link in links],
                "objects": list(rows.order_by(*ordering, "pk")),
            }
        )
    return found


def _reconsideration_chain(decision: Decision) -> list[Decision]:
    """Every decision this one reconsiders or is reconsidered by, oldest first."""
    chain = [decision]
    seen = {decision.pk}
    earlier = decision.supersedes
    while earlier is not None and earlier.pk not in seen:
        chain.insert(0, earlier)
        seen.add(earlier.pk)
        earlier = earlier.supersedes
    later = Decision.objects.filter(supersedes=decision).first()
    while later is not None and later.pk not in seen:
        chain.append(later)
        seen.add(later.pk)
        later = Decision.objects.filter(supersedes=later).first()
    return chain if len(chain) > 1 else []


# Who read or downloaded the record: its own trail, printed for the organisation's leads only.
TRAIL_ACTIONS = (AuditEntry.Action.RECORD_VIEWED, AuditEntry.Action.PDF_DOWNLOADED)


def decision_audit_entries(
    decision: Decision,
    *,
    related_ids: Iterable[str] = (),
    before: int | None = None,
    with_trail: bool = True,
) -> QuerySet[AuditEntry]:
    """The audit entries about this decision: its own, and its case's entries that name it.

    Without `with_trail`, not the record's own trail (who viewed or downloaded it).
    """
    ids = [str(decision.pk), *related_ids]
    entries = AuditEntry.objects.filter(
        Q(object_type="Decision", object_id=str(decision.pk))
        | Q(case_id=decision.case_id, object_id__in=ids)
        | Q(case_id=decision.case_id, snapshot__decision=str(decision.pk))
    )
    if before is not None:
        entries = entries.filter(sequence__lt=before)
    if not with_trail:
        entries = entries.exclude(action__in=TRAIL_ACTIONS)
    return entries.select_related("actor", "case").order_by("sequence")


def decision_record_context(
    decision: Decision,
    *,
    user: User,
    redacted: bool = True,
    copy_entry: AuditEntry | None = None,
    generated_at: datetime.datetime | None = None,
) -> dict[str, Any]:
    """Everything the decision-record PDF prints, as plain values, free text redacted."""
    redact = Redactor.for_case(decision.case, active=redacted)
    definition = catalogue.definition(decision.framework, decision.framework_version)
    request = decision.share_request

    later = later_records(decision)
    related_ids = [str(obj.pk) for group in later for obj in group["objects"]]
    reader_is_lead = has_role(user, decision.organisation_id, (Role.LEAD,))
    entries = list(
        decision_audit_entries(
            decision,
            related_ids=related_ids,
            before=copy_entry.sequence if copy_entry else None,
            with_trail=reader_is_lead,
        )[: DECISION_AUDIT_LIMIT + 1]
    )

    sections = []
    for section in record_sections(definition, decision.answers):
        rows = [(label, redact(value)) for label, value in section["rows"]]
        if section["title"] == step_title("items") and decision.answers.get("items"):
            rows = [
                (
                    f"Item {n}",
                    redact(f"{item['description']}\nWhy: {item['justification']}"),
                )
                for n, item in enumerate(decision.answers["items"], start=1)
            ]
        sections.append({"title": section["title"], "rows": rows})
    return {
        "title": f"Decision record — case {decision.case.reference}",
        "decision": decision,
        "redacted": redacted,
        "protected_count": redact.protected,
        "generated_at": display(generated_at or timezone.now()),
        "generated_by": user.display_name,
        "generated_by_username": user.get_username(),
        "copy_entry": copy_entry,
        "case_reference": decision.case.reference,
        "decided_at": display(decision.decided_at),
        "organisation": decision.organisation.name,
        "summary": [
            ("Outcome", decision.get_outcome_display()),
            ("Guidance recommended", recommendation_label(decision.recommendation)),
            ("Why the decision differs", redact(decision.override_reason)),
            ("Decided by", decision.decided_by.display_name),
            ("Decided on", display(decision.decided_at)),
            ("Manager's approval", "Needed" if decision.requires_approval else "Not needed"),
            ("Lawful basis", redact(_lawful_basis(definition, decision.lawful_basis))),
            ("Consent", redact(decision.consent.replace("_", " "))),
            ("Record id", str(decision.pk)),
        ],
        "rationale": redact(decision.rationale),
        "request": [
            ("Direction", request.get_direction_display()),
            ("Agency", redact(request.counterpart_agency)),
            ("Contact", redact(request.counterpart_contact)),
            ("Their role", redact(request.counterpart_role)),
            ("Purpose", redact(request.purpose)),
            ("Information asked for", redact(request.information_requested)),
            ("Urgency", request.get_urgency_display()),
            ("Received on", display(request.received_on)),
            ("Answer due by", display(request.due_on) or "No date given"),
            ("Status now", request.get_status_display()),
        ],
        "framework": {
            "title": definition.get("title", decision.framework),
            "slug": decision.framework,
            "version": decision.framework_version,
            "effective_date": definition.get("effective_date", ""),
            "sources": definition.get("sources", []),
        },
        "questions": [
            (text, answer) for _, text, answer in facts_as_rows(definition, decision.facts)
        ],
        "warnings": [
            engine.WARNINGS.get(code, code) for code in decision.engine_result.get("warnings", [])
        ],
        "sections": sections,
        "later": [
            {
                "title": group["title"],
                "empty": _nothing_recorded(decision, group["title"]),
                "items": [
                    _field_rows(obj, group["links"], group["labels"], redact)
                    for obj in group["objects"]
                ],
            }
            for group in later
        ],
        "chain": [
            {
                "id": str(item.pk),
                "decided_at": display(item.decided_at),
                "outcome": item.get_outcome_display(),
                "decided_by": item.decided_by.display_name,
                "this": item.pk == decision.pk,
            }
            for item in _reconsideration_chain(decision)
        ],
        "entries": entry_rows(entries[:DECISION_AUDIT_LIMIT], redact),
        "this_object": f"Decision {decision.pk}",
        "entries_truncated": len(entries) > DECISION_AUDIT_LIMIT,
        "entries_limit": DECISION_AUDIT_LIMIT,
        "trail_shown": reader_is_lead,
        "proof": submission_proof(decision),
    }


def submission_proof(decision: Decision) -> dict[str, Any] | None:
    """What the PDF prints of the inclusion proof of the decision's `decision_submitted` entry:
    the entry, the signed checkpoint that covers it and how to check it (docs/audit.md)."""
    entry = submission_entry(decision)
    if entry is None:
        return None
    key = checkpoints.verifiers()[0].to_string()
    document = checkpoints.proof_for(entry, make=False)
    if document is None:
        return {"sequence": entry.sequence, "entry_hash": entry.entry_hash, "public_key": key}
    return {
        "sequence": entry.sequence,
        "entry_hash": entry.entry_hash,
        "tree_size": document["tree_size"],
        "root_hash": document["root_hash"],
        "path_length": len(document["audit_path"]),
        "public_key": key,
    }


def _lawful_basis(definition: dict[str, Any], code: str) -> str:
    labels = {basis.get("code"): basis.get("label") for basis in definition.get("lawful_bases", [])}
    return labels.get(code) or code


def _nothing_recorded(decision: Decision, title: str) -> str:
    if title == LATER_RECORD_MODELS[0][1]:
        return "Not given yet." if decision.requires_approval else "Not needed for this decision."
    return "None recorded."


def render_decision_record(decision: Decision, **kwargs: Any) -> bytes:
    return render_pdf("pdf/decision_record.html", decision_record_context(decision, **kwargs))
