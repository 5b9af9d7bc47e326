"""The generated data's vocabulary: agencies, and answers that take each framework's wizard
to check your answers (decisions/seeding/volume.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from decisions.models import DecisionDraft
from decisions.wizard.forms import CHECKLIST
from decisions.wizard.services import decision_fields
from decisions.wizard.state import state_for
from decisions.wizard.steps import CHECK, DANGER
from guidance import catalogue, engine

AGENCIES = [
    ("Police Public Protection Unit", "Investigating officer, child protection"),
    ("GP Practice", "Named GP for safeguarding"),
    ("Primary School", "Designated safeguarding lead"),
    ("Housing Association", "Tenancy support officer"),
    ("Health Visiting Team", "Health visitor"),
    ("Youth Offending Service", "Case manager"),
    ("Children's Mental Health Service", "Clinical lead"),
]
RELATIONSHIPS = ["parent", "parent", "sibling", "relative", "partner", "neighbour", "referrer"]

# Answers that take a framework to the check-your-answers page: the facts, and the record
# steps as a practitioner types them (what `wizard.raw_answers` keeps).
SIGNIFICANT_RISK = {
    "immediate_danger": False,
    "legitimate_purpose": True,
    "recipient_has_role": True,
    "risk_of_harm": "significant",
    "informing_increases_risk": True,
    "consent": "refused",
    "necessary_and_proportionate": True,
    "third_party_at_risk": True,
    "advice_sought": True,
}
WELLBEING_WITH_CONSENT = {
    "immediate_danger": False,
    "legitimate_purpose": True,
    "recipient_has_role": True,
    "risk_of_harm": "wellbeing",
    "informing_increases_risk": False,
    "consent": "given",
    "necessary_and_proportionate": True,
    "third_party_at_risk": False,
    "advice_sought": True,
}
WELLBEING_CONSENT_REFUSED = {**WELLBEING_WITH_CONSENT, "consent": "refused"}
FACT_SETS = {
    "uk-2024": [SIGNIFICANT_RISK, WELLBEING_WITH_CONSENT, WELLBEING_CONSENT_REFUSED],
    "sa-isg": [WELLBEING_CONSENT_REFUSED, SIGNIFICANT_RISK],
}

# Answers to questions a fact set above leaves open.
FALLBACK_FACTS = {
    # Asked since framework versions 1.1.0.
    "uk_child_objects": False,
    "uk_adult_can_be_asked": False,
    "uk_perceived_risk": False,
    "nz_other_route": "neither",
    "subject_informed": True,
    "identifiable": True,
    "confidential": True,
    "necessary_and_proportionate": True,
    "third_party_at_risk": False,
    "advice_sought": True,
    "informing_increases_risk": False,
}

# The proportionality checklist with every point ticked.
EVERY_CHECK = [code for code, _ in CHECKLIST]

STEP_INPUT: dict[str, dict[str, str | list[str]]] = {
    "consent": {
        "consent_explanation": "Asking the carer would alert the alleged abuser.",
        "not_informed_reason": "Telling the carer could put the child at risk.",
        "child_views": "The child said she wants to feel safe at home.",
    },
    "items": {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "50",
        "items-0-description": "Attendance record for the autumn term",
        "items-0-justification": "Shows the pattern of absence after weekends",
    },
    "recipients": {
        "recipients": "Named contact at the requesting agency",
        "method": "secure_email",
    },
    "proportionality": {"checks": EVERY_CHECK},
    "lawful_basis": {"lawful_basis": "__first__"},
    "advice": {
        "advice_from": "The designated safeguarding lead",
        "advice_given": "Share only what the request needs.",
    },
    "outcome": {
        "outcome": "__recommended__",
        "rationale": "Weighed the risk and the request.",
        "refusal_reasons": "Wellbeing concern only, and consent was refused.",
        "follow_up": "Review at the next core group meeting.",
    },
}


@dataclass(frozen=True)
class DecisionTemplate:
    """A complete decision for one set of facts, worked out once by the wizard's own code."""

    raw_answers: dict[str, dict[str, list[str]]]
    fields: dict[str, Any]  # `wizard.services.decision_fields`: what the decision row holds

    @property
    def framework(self) -> str:
        return self.fields["framework"]

    @property
    def version(self) -> str:
        return self.fields["framework_version"]

    @property
    def facts(self) -> dict[str, Any]:
        return self.fields["facts"]


def typed_step(step: str, definition: dict, recommendation: str) -> dict[str, list[str]]:
    """What a practitioner types on a record step: STEP_INPUT, with the framework's first
    lawful basis and the recommended outcome put in."""
    data = dict(STEP_INPUT[step])
    if data.get("lawful_basis") == "__first__":
        data["lawful_basis"] = definition["lawful_bases"][0]["code"]
    if data.get("outcome") == "__recommended__":
        data["outcome"] = recommendation
    return {key: value if isinstance(value, list) else [value] for key, value in data.items()}


def decision_templates(framework: str) -> list[DecisionTemplate]:
    """Run each fact set through the wizard's state (in memory, no database)."""
    definition = catalogue.definition(framework)
    templates = []
    for facts in FACT_SETS[framework]:
        draft = DecisionDraft(
            framework=definition["slug"],
            framework_version=definition["version"],
            facts={},
            answers={},
        )
        state = state_for(draft)
        for _ in range(60):
            step = state.next_step()
            if step in (CHECK, DANGER):
                break
            if step.is_question:
                fact = engine.question(definition, step.slug)["fact"]
                value = facts.get(fact, FALLBACK_FACTS.get(fact))
                draft.facts = {**draft.facts, fact: value}
            else:
                raw = typed_step(step.slug, definition, state.result.recommendation)
                draft.answers = {**draft.answers, step.slug: raw}
            state = state_for(draft)
        if state.next_step() != CHECK:
            raise RuntimeError(
                f"{framework}: the fact set {facts} does not reach check your answers "
                f"(stops at {state.next_step()})"
            )
        templates.append(
            DecisionTemplate(
                raw_answers={step: dict(value) for step, value in draft.answers.items()},
                fields=decision_fields(state),
            )
        )
    return templates
