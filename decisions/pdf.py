"""Printable records: the decision record and the audit extract, rendered to PDF by WeasyPrint.

Three rules hold for every PDF made here:

- **Only the app's own static files are ever fetched.** WeasyPrint would otherwise follow any
  URL in the document (``http(s)://``, ``file://``, ``data:``). `StaticFilesFetcher` serves
  ``isg-static:<path>`` (and ``/static/<path>``) from Django's static-file finders and refuses
  everything else, so no text typed into a record can make the server fetch or embed a file.
  The templates autoescape free text as well, so markup in it is printed, never parsed.
- **Protected identities stay protected.** People marked ``protect_identity`` on the case
  appear only as their role: every free-text value goes through a `Redactor`, which replaces
  their names with ``[protected: <role>]``. Only a safeguarding lead may ask for an unredacted
  copy, and the download's audit entry says which kind of copy it was.
- **Each copy is traceable.** The view records the download before rendering; the PDF prints
  the number of that audit entry, the time and who generated it, on every page.

The templates are in ``templates/pdf/``, the print stylesheet in ``static/pdf/print.css``.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from decisions import wizard
from decisions.models import AuditEntry, Decision, Person
from guidance import catalogue, engine

STATIC_SCHEME = "isg-static:"
STYLESHEET = f"{STATIC_SCHEME}pdf/print.css"
# Types WeasyPrint may load from the static files: stylesheets, images and fonts. Never HTML.
ALLOWED_TYPES = {
    ".css": "text/css",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
}
AUDIT_EXTRACT_LIMIT = 5000  # rows in one audit-extract PDF; the CSV export has no cap
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
OUTCOME_LABELS = dict(Decision.Outcome.choices)


# --- Fetching: the app's own static files and nothing else --------------------------------


class FetchRefused(ValueError):
    """WeasyPrint asked for something that is not one of the app's static files."""


def static_file_for(url: str) -> Path:
    """The static file an ``isg-static:`` or ``/static/`` URL names; FetchRefused otherwise."""
    if url.startswith(STATIC_SCHEME):
        name = url[len(STATIC_SCHEME) :]
    elif url.startswith(settings.STATIC_URL) and settings.STATIC_URL.startswith("/"):
        name = url[len(settings.STATIC_URL) :]
    else:
        raise FetchRefused(f"only the app's static files may be loaded, not {url[:80]!r}")
    name = name.split("?", 1)[0].split("#", 1)[0]
    parts = name.split("/")
    if (
        not name
        or name.startswith("/")
        or any(part in ("", ".", "..") for part in parts)
        or any(char in name for char in ("\\", "%", ":", "\0"))
    ):
        raise FetchRefused(f"not a static file name: {name[:80]!r}")
    if Path(name).suffix.lower() not in ALLOWED_TYPES:
        raise FetchRefused(f"not a stylesheet, image or font: {name[:80]!r}")
    found = finders.find(name)
    if not found:
        raise FetchRefused(f"no such static file: {name[:80]!r}")
    return Path(found)


class StaticFilesFetcher(URLFetcher):
    """WeasyPrint's URL fetcher, narrowed to the app's static files (see the module docstring).

    Refusals are raised as exceptions, which WeasyPrint logs and skips: the resource is left
    out and rendering goes on.
    """

    def __init__(self):
        super().__init__(allowed_protocols=(), allow_redirects=False, fail_on_errors=False)

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        path = static_file_for(url)
        content_type = ALLOWED_TYPES[path.suffix.lower()]
        if content_type == "text/css":
            content_type = "text/css; charset=utf-8"
        return URLFetcherResponse(
            url=f"{STATIC_SCHEME}{path.name}",
            body=path.read_bytes(),
            headers={"Content-Type": content_type},
        )


def render_html(html: str) -> bytes:
    """PDF bytes for a complete HTML document; only static files are fetched."""
    return HTML(string=html, base_url=None, url_fetcher=StaticFilesFetcher()).write_pdf()


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    return render_html(render_to_string(template_name, {"stylesheet": STYLESHEET, **context}))


# --- Redaction ----------------------------------------------------------------------------


class Redactor:
    """Replaces protected people's names in free text with ``[protected: <role>]``.

    The full name is matched in any letter case and with any spacing between its words; each
    word of the name of two or more letters is matched too, as a whole word in its own
    capitalisation, so "Nell said" is caught as well as "Neighbour Nell". That can redact
    a word that only looks like the name: in this record, too much hidden beats too little.
    """

    def __init__(self, people: Iterable[Person] = (), *, active: bool = True):
        self.active = active
        replacements: dict[str, str] = {}
        full_names, parts = [], []
        self.protected = 0
        for person in people:
            name = " ".join(person.name.split())
            if not name:
                continue
            label = f"[protected: {person.role_label}]"
            self.protected += 1
            replacements.setdefault(name.casefold(), label)
            full_names.append(r"\s+".join(re.escape(word) for word in name.split()))
            for word in name.split():
                if len(word) >= 2 and word not in parts:
                    replacements.setdefault(word, label)
                    parts.append(word)
        self._labels = replacements
        self._pattern = None
        if full_names:
            full = "|".join(sorted(full_names, key=len, reverse=True))
            words = "|".join(re.escape(word) for word in sorted(parts, key=len, reverse=True))
            self._pattern = re.compile(
                rf"(?i:{full})|(?<!\w)(?:{words})(?!\w)" if words else rf"(?i:{full})"
            )

    @classmethod
    def for_case(cls, case, *, active: bool = True) -> Redactor:
        return cls(case.people.filter(protect_identity=True), active=active)

    def _label(self, match: re.Match) -> str:
        found = match.group(0)
        return self._labels.get(" ".join(found.split()).casefold()) or self._labels[found]

    def __call__(self, value: Any) -> str:
        text = "" if value is None else str(value)
        if not self.active or self._pattern is None or not text:
            return text
        return self._pattern.sub(self._label, text)


# --- The decision record ------------------------------------------------------------------


def _display(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%-d %B %Y, %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%-d %B %Y")
    if hasattr(value, "display_name"):
        return value.display_name
    return str(value)


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
        rows.append((label, redact(_display(value))))
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


def decision_audit_entries(decision: Decision, *, related_ids: Iterable[str] = (), before=None):
    """The audit entries about this decision: its own, and its case's entries that name it."""
    ids = [str(decision.pk), *related_ids]
    entries = AuditEntry.objects.filter(
        Q(object_type="Decision", object_id=str(decision.pk))
        | Q(case_id=decision.case_id, object_id__in=ids)
        | Q(case_id=decision.case_id, snapshot__decision=str(decision.pk))
    )
    if before is not None:
        entries = entries.filter(sequence__lt=before)
    return entries.select_related("actor", "case").order_by("sequence")


def _entry_rows(entries: Iterable[AuditEntry], redact: Redactor) -> list[dict[str, str]]:
    return [
        {
            "sequence": entry.sequence,
            "when": _display(entry.created_at),
            "who": entry.actor.display_name if entry.actor else (entry.actor_label or "System"),
            "action": entry.get_action_display(),
            "outcome": OUTCOME_LABELS.get(entry.outcome, entry.outcome),
            "case": entry.case.reference if entry.case_id and entry.case else "",
            "object": f"{entry.object_type} {entry.object_id}".strip(),
            "snapshot": redact(
                json.dumps(entry.snapshot, ensure_ascii=False, sort_keys=True)
                if entry.snapshot
                else ""
            ),
            "entry_hash": entry.entry_hash,
            "prev_hash": entry.prev_hash,
            "hmac": entry.hmac,
            "key_id": entry.key_id,
        }
        for entry in entries
    ]


def decision_record_context(
    decision: Decision,
    *,
    user,
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
    entries = list(
        decision_audit_entries(
            decision,
            related_ids=related_ids,
            before=copy_entry.sequence if copy_entry else None,
        )[: DECISION_AUDIT_LIMIT + 1]
    )

    sections = []
    for section in wizard.record_sections(definition, decision.answers):
        rows = [(label, redact(value)) for label, value in section["rows"]]
        if section["title"] == wizard.step_title("items") and decision.answers.get("items"):
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
        "generated_at": _display(generated_at or timezone.now()),
        "generated_by": user.display_name,
        "generated_by_username": user.get_username(),
        "copy_entry": copy_entry,
        "case_reference": decision.case.reference,
        "decided_at": _display(decision.decided_at),
        "organisation": decision.organisation.name,
        "summary": [
            ("Outcome", decision.get_outcome_display()),
            ("Guidance recommended", _recommendation(decision.recommendation)),
            ("Why the decision differs", redact(decision.override_reason)),
            ("Decided by", decision.decided_by.display_name),
            ("Decided on", _display(decision.decided_at)),
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
            ("Received on", _display(request.received_on)),
            ("Answer due by", _display(request.due_on) or "No date given"),
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
            (text, answer) for _, text, answer in wizard.facts_as_rows(definition, decision.facts)
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
                "decided_at": _display(item.decided_at),
                "outcome": item.get_outcome_display(),
                "decided_by": item.decided_by.display_name,
                "this": item.pk == decision.pk,
            }
            for item in _reconsideration_chain(decision)
        ],
        "entries": _entry_rows(entries[:DECISION_AUDIT_LIMIT], redact),
        "this_object": f"Decision {decision.pk}",
        "entries_truncated": len(entries) > DECISION_AUDIT_LIMIT,
        "entries_limit": DECISION_AUDIT_LIMIT,
    }


def _lawful_basis(definition: dict[str, Any], code: str) -> str:
    labels = {basis.get("code"): basis.get("label") for basis in definition.get("lawful_bases", [])}
    return labels.get(code) or code


def _nothing_recorded(decision: Decision, title: str) -> str:
    if title == LATER_RECORD_MODELS[0][1]:
        return "Not given yet." if decision.requires_approval else "Not needed for this decision."
    return "None recorded."


def _recommendation(code: str) -> str:
    from decisions.templatetags.isg import recommendation_label

    return recommendation_label(code)


def render_decision_record(decision: Decision, **kwargs) -> bytes:
    return render_pdf("pdf/decision_record.html", decision_record_context(decision, **kwargs))


# --- The audit extract --------------------------------------------------------------------


def audit_extract_context(
    entries,
    *,
    user,
    filters: list[tuple[str, str]],
    copy_entry: AuditEntry | None = None,
    limit: int | None = None,
) -> dict[str, Any]:
    """The lead's filtered entries, newest first, at most `limit` (AUDIT_EXTRACT_LIMIT)."""
    limit = limit or AUDIT_EXTRACT_LIMIT
    rows = list(
        entries.select_related("actor", "organisation", "case").order_by("-sequence")[: limit + 1]
    )
    return {
        "title": "Audit log extract",
        "generated_at": _display(timezone.now()),
        "generated_by": user.display_name,
        "generated_by_username": user.get_username(),
        "copy_entry": copy_entry,
        "filters": filters,
        "entries": _entry_rows(rows[:limit], Redactor(active=False)),
        "truncated": len(rows) > limit,
        "limit": limit,
    }


def render_audit_extract(entries, **kwargs) -> bytes:
    return render_pdf("pdf/audit_extract.html", audit_extract_context(entries, **kwargs))
