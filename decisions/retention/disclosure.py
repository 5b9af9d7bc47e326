"""Everything shared or refused about a person: the decisions on their case, as a disclosure
log for a subject access request or "who did you tell?" (docs/retention.md)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch

from decisions.audit.record import record
from decisions.models import Approval, AuditEntry, Decision, Delivery, Person, ShareRecord
from decisions.models.sealing import ERASED_TEXT
from decisions.pdf.redaction import Redactor
from guidance import catalogue
from isg.accounts.models import User


@dataclass
class Disclosure:
    decided_at: datetime.datetime
    direction: str
    agency: str
    purpose: str
    outcome: str
    shares: bool
    lawful_basis: str
    consent: str
    decided_by: str
    verdict: str = ""
    verdict_by: str = ""
    verdict_at: datetime.datetime | None = None
    shared: bool | None = None
    shared_on: datetime.date | None = None
    shared_with: str = ""
    method: str = ""
    what_was_shared: str = ""
    items: list[str] = field(default_factory=list)
    not_shared_reasons: str = ""
    deliveries: list[tuple[str, datetime.datetime, str]] = field(default_factory=list)


@dataclass
class DisclosureLog:
    person: Person
    erased: bool
    entries: list[Disclosure]
    protected_others: int

    @property
    def case(self) -> object:
        return self.person.case


def _lawful_basis_label(decision: Decision) -> str:
    if not decision.lawful_basis:
        return ""
    try:
        definition = catalogue.definition(decision.framework, decision.framework_version)
    except LookupError:
        return decision.lawful_basis
    labels = {basis["code"]: basis["label"] for basis in definition.get("lawful_bases", [])}
    return labels.get(decision.lawful_basis, decision.lawful_basis)


def _display_name(user: User | None) -> str:
    return user.display_name if user is not None else ""


def disclosure_log(person: Person) -> DisclosureLog:
    """Every decision on the person's case, oldest first, with other protected people's names
    replaced by their role (never the person's own: it is their log)."""
    case = person.case
    redact = Redactor(case.people.filter(protect_identity=True).exclude(pk=person.pk))
    decisions = (
        Decision.objects.filter(case=case)
        .select_related("share_request", "decided_by", "case")
        .prefetch_related(
            Prefetch(
                "approvals",
                queryset=Approval.objects.filter(verdict__in=Approval.FINAL).select_related(
                    "approver"
                ),
            ),
            Prefetch("share_record", queryset=ShareRecord.objects.all()),
            Prefetch("deliveries", queryset=Delivery.objects.select_related("to_organisation")),
        )
        .order_by("decided_at")
    )
    entries = []
    for decision in decisions:
        request = decision.share_request
        entry = Disclosure(
            decided_at=decision.decided_at,
            direction=request.get_direction_display().split(":")[0],
            agency=request.counterpart_agency,
            purpose=redact(request.purpose),
            outcome=decision.get_outcome_display(),
            shares=decision.shares,
            lawful_basis=_lawful_basis_label(decision),
            consent=decision.consent.replace("_", " "),
            decided_by=_display_name(decision.decided_by),
        )
        final = next(iter(decision.approvals.all()), None)
        if final is not None:
            entry.verdict = final.get_verdict_display()
            entry.verdict_by = _display_name(final.approver)
            entry.verdict_at = final.created_at
        share = getattr(decision, "share_record", None)
        if share is not None:
            entry.shared = share.shared
            entry.shared_on = share.shared_on
            entry.shared_with = redact(share.shared_with)
            entry.method = dict(ShareRecord.METHODS).get(share.method, share.method)
            entry.what_was_shared = redact(share.what_was_shared)
            entry.not_shared_reasons = redact(share.not_shared_reasons)
        entry.items = [
            redact(item.get("description", ""))
            for item in (decision.answers.get("items") or [])
            if isinstance(item, dict)
        ]
        entry.deliveries = [
            (delivery.to_organisation.name, delivery.delivered_at, delivery.reference)
            for delivery in decision.deliveries.all()
        ]
        entries.append(entry)
    return DisclosureLog(
        person=person,
        erased=case.erased_at is not None,
        entries=entries,
        protected_others=redact.protected,
    )


def record_produced(user: User, log: DisclosureLog, *, what: str) -> AuditEntry:
    """Producing a disclosure log is audited: the person by id, never by name."""
    case = log.person.case
    return record(
        action=AuditEntry.Action.DISCLOSURE_LOG,
        actor=user,
        obj=log.person,
        case=case,
        snapshot={
            "person": str(log.person.pk),
            "relationship": log.person.relationship,
            "what": what,
            "decisions": len(log.entries),
            "erased": log.erased,
        },
    )


__all__ = ["ERASED_TEXT", "Disclosure", "DisclosureLog", "disclosure_log", "record_produced"]
