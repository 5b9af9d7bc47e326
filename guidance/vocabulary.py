"""The words the guidance pages, the wizard and the records use for the engine's codes.

Defined once: a recommendation, a record duty or an answer reads the same everywhere.
"""

from __future__ import annotations

from guidance import engine

RECOMMENDATION_LABELS: dict[str, str] = {
    "act_now": "Act now to protect them",
    "share": "Share",
    "share_without_consent": "Share without consent",
    "share_deidentified": "Share de-identified information",
    "do_not_share": "Do not share",
    "incomplete": "Not enough answers yet",
}

RECOMMENDATION_TAGS: dict[str, str] = {
    "act_now": "govuk-tag--red",
    "share": "govuk-tag--green",
    "share_without_consent": "govuk-tag--orange",
    "share_deidentified": "govuk-tag--turquoise",
    "do_not_share": "govuk-tag--grey",
    "incomplete": "govuk-tag--blue",
}

RECORD_LABELS: dict[str, str] = {
    "request": "the request that was received",
    "rationale": "the reasons for the decision",
    "items": "what was shared",
    "recipients": "who it was shared with",
    "method": "how it was shared (securely)",
    "lawful_basis": "the lawful basis for sharing",
    "consent": "whether consent was asked for, and the answer",
    "consent_reason": "why consent was not asked for",
    "informed": "that the child or family were told, and when",
    "not_informed_reason": "why the child or family were not told",
    "child_views": "the views of the child and family, or why they were not sought",
    "advice": "the advice sought and who gave it",
    "proportionality": "why what was shared is necessary and in proportion",
    "refusal_reasons": "the reasons for not sharing",
    "emergency_action": "what was done in the emergency, and when",
    "follow_up": "any follow-up actions",
}

# Plain words for the canonical facts: (true, false) for yes/no facts; for choice facts the
# subject and a phrase per value, read as "<subject> is <value>".
_BOOL_PHRASES: dict[str, tuple[str, str]] = {
    "immediate_danger": (
        "someone is at risk of serious harm right now",
        "no one is in immediate danger",
    ),
    "legitimate_purpose": (
        "there is a clear safeguarding or wellbeing purpose",
        "there is no clear safeguarding or wellbeing purpose",
    ),
    "recipient_has_role": (
        "the recipient has a role in safeguarding the child or supporting the family",
        "the recipient has no role in safeguarding the child or supporting the family",
    ),
    "identifiable": (
        "the information could identify a living person",
        "the information could not identify anyone",
    ),
    "confidential": ("the information is confidential", "the information is not confidential"),
    "informing_increases_risk": (
        "telling the child or carers would raise the risk",
        "telling the child or carers would not raise the risk",
    ),
    "subject_informed": (
        "the child or carers have been told",
        "the child or carers have not been told",
    ),
    "necessary_and_proportionate": (
        "only what is necessary and accurate will be shared",
        "what would be shared is not limited to what is necessary",
    ),
    "third_party_at_risk": (
        "someone named could be harmed if identified",
        "no one named could be harmed if identified",
    ),
    "advice_sought": ("advice has been sought", "advice has not been sought"),
}
_CHOICE_PHRASES: dict[str, tuple[str, dict[str, str]]] = {
    "consent": ("consent", {"given": "given", "refused": "refused", "not_sought": "not asked for"}),
    "consent_not_sought_reason": (
        "the reason consent was not asked for",
        {
            "unsafe": "that asking would be unsafe",
            "prejudice_investigation": "that asking could prejudice an inquiry",
            "impracticable": "that asking was not practicable",
            "not_competent": "that no one could give informed consent",
        },
    ),
    "risk_of_harm": (
        "the risk of harm",
        {"none": "none", "wellbeing": "a wellbeing need only", "significant": "significant"},
    ),
}

_OUTCOME_PHRASES: dict[str, str] = {
    "act_now": "to act now",
    "share": "to share",
    "share_without_consent": "to share without consent",
    "share_deidentified": "to share without identifying details",
    "do_not_share": "not to share",
}

# The compare form's questions, in our own words, and the labels of their answers.
COMPARE_QUESTIONS: dict[str, str] = {
    "immediate_danger": "Is a child, or anyone else, at risk of serious harm right now?",
    "legitimate_purpose": "Is there a clear safeguarding or wellbeing purpose for sharing?",
    "recipient_has_role": (
        "Does the recipient have a role in safeguarding the child or supporting the family?"
    ),
    "identifiable": "Could the information identify a living person?",
    "confidential": "Was the information given in confidence, or is it otherwise confidential?",
    "consent": "Have the child or family agreed to the sharing?",
    "consent_not_sought_reason": "If they have not been asked, why not?",
    "risk_of_harm": "What is the concern about the child?",
    "informing_increases_risk": "Would telling the child or carers raise the risk?",
    "subject_informed": "Have the child or carers been told about the sharing?",
    "necessary_and_proportionate": (
        "Is what you would share limited to what is necessary, and checked for accuracy?"
    ),
    "third_party_at_risk": "Could anyone named in the information be harmed if identified?",
    "advice_sought": "Have you talked the decision through with a manager or lead?",
}
CHOICE_LABELS: dict[str, dict[str, str]] = {
    "consent": {
        "given": "Yes, they have agreed",
        "refused": "No, they were asked and said no",
        "not_sought": "They have not been asked",
    },
    "consent_not_sought_reason": {
        "unsafe": "Asking would put someone at greater risk",
        "prejudice_investigation": "Asking could prejudice a police or child-protection inquiry",
        "impracticable": "It was not practicable to ask in time",
        "not_competent": "No one could give informed agreement",
    },
    "risk_of_harm": {
        "none": "No concern about safety or wellbeing",
        "wellbeing": "A wellbeing need only",
        "significant": "A risk of significant harm",
    },
}


def recommendation_label(recommendation: str, *, requires_approval: bool = False) -> str:
    label = RECOMMENDATION_LABELS.get(recommendation, recommendation.replace("_", " "))
    return f"{label} (approval needed)" if requires_approval else label


def answer_values(kind: engine.FactType) -> list[object]:
    """Every answer a fact of this kind can take, in the order questions offer them."""
    return list(kind) if isinstance(kind, tuple) else [True, False]  # else bool


def answer_key(value: object) -> str:
    """The form value for a fact's value: yes/no facts are stored as JSON true/false."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
