"""The engine's fixed vocabulary: canonical facts, recommendations, record fields, warnings.

These names are a contract shared with the wizard, the API, ``decide`` and other tools (DESIGN
§4): a framework version may add facts of its own, but never changes these.
"""

from __future__ import annotations

import json

FactType = type[bool] | tuple[str, ...]

CANONICAL_FACTS: dict[str, FactType] = {
    "immediate_danger": bool,
    "legitimate_purpose": bool,
    "recipient_has_role": bool,
    "identifiable": bool,
    "confidential": bool,
    "consent": ("given", "refused", "not_sought"),
    "consent_not_sought_reason": (
        "unsafe",
        "prejudice_investigation",
        "impracticable",
        "not_competent",
    ),
    "risk_of_harm": ("none", "wellbeing", "significant"),
    "informing_increases_risk": bool,
    "subject_informed": bool,
    "necessary_and_proportionate": bool,
    "third_party_at_risk": bool,
    "advice_sought": bool,
}

RECOMMENDATIONS: tuple[str, ...] = (
    "act_now",
    "share",
    "share_without_consent",
    "share_deidentified",
    "do_not_share",
    "incomplete",
)

RECORD_FIELDS: tuple[str, ...] = (
    "request",
    "rationale",
    "items",
    "recipients",
    "method",
    "lawful_basis",
    "consent",
    "consent_reason",
    "informed",
    "not_informed_reason",
    "child_views",
    "advice",
    "proportionality",
    "refusal_reasons",
    "emergency_action",
    "follow_up",
)

WARNINGS: dict[str, str] = {
    "reduce_to_necessary": (
        "Share only the items the recipient needs for the purpose, not the whole record."
    ),
    "protect_identities": (
        "Someone named in the information could be harmed if identified: remove or protect "
        "their details and ask the recipient to do the same."
    ),
    "inform_subject": (
        "Tell the child or family what you are sharing, with whom and why, as it is safe to do so."
    ),
    "do_not_inform_subject": (
        "Do not tell the child or carers about the sharing, because that could raise the risk; "
        "record why."
    ),
    "seek_advice": (
        "This is not a clear-cut case: talk it through with your manager or safeguarding lead, "
        "without naming the person where you can."
    ),
    "seek_consent": (
        "No risk of harm has been identified, so ask the child or family for their agreement "
        "before sharing."
    ),
    "follow_child_protection_procedures": (
        "A child may be at risk of significant harm: follow your local child-protection "
        "procedures without delay, alongside this decision."
    ),
    "mandatory_notification": (
        "This decision does not replace any duty to notify the child-protection line or the "
        "police when a child may be at risk of harm."
    ),
    "report_concern": (
        "Consider reporting the concern to the statutory child-protection agency or the police, "
        "whatever you decide about sharing."
    ),
    "statutory_demand": (
        "A formal statutory demand for information must be met unless a legal exception such "
        "as legal professional privilege applies; check the demand is genuine."
    ),
    "give_written_reasons": (
        "If you are refusing another agency's request, give them your reasons in writing and "
        "keep a copy."
    ),
    "consider_views": (
        "Seek the views of the child and relevant family members where it is safe, appropriate "
        "and reasonable, and take them into account."
    ),
    "reconsider_if_new_information": (
        "Be ready to explain the refusal and to look at it again if new information comes to light."
    ),
    "separate_fact_from_opinion": (
        "When you share, make clear which parts are facts and which are opinions or assessments."
    ),
    "objection_overridden": (
        "You are sharing over someone's objection: record why protecting the child outweighs it, "
        "and tell them if that is safe."
    ),
}

# Warnings about a child at risk. The facts they read must be asked on every path that could
# end in not sharing, before the outcome, so a refusal never hides them (issue 19).
SAFETY_WARNINGS: frozenset[str] = frozenset(
    {
        "follow_child_protection_procedures",
        "mandatory_notification",
        "report_concern",
        "statutory_demand",
    }
)


class EngineError(ValueError):
    """Base class for errors the engine reports to its callers."""


class FactError(EngineError):
    """A fact given to the engine is unknown or has an invalid value.

    ``fact`` names the offending fact (``None`` if the facts were not a mapping at all).
    """

    def __init__(self, fact: str | None, message: str) -> None:
        super().__init__(message)
        self.fact = fact


def show(value: object) -> str:
    """A value as it would appear in the JSON the caller sent."""
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
