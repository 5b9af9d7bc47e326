"""The decision engine: facts in, recommendation out.

This module is the one place where a framework's rules are evaluated. It knows nothing about any
particular framework: everything framework-specific (questions, branches, outcomes, approval,
record duties, warnings) lives in the framework definition, a plain dict loaded from JSON by
``guidance.frameworks``. It imports nothing from Django so that the wizard, the API, the
``decide`` command and the tests can all call it the same way.

Conditions (``ask_if`` on questions, ``when`` on rules, warnings and record items) are small JSON
trees evaluated with three-valued logic: ``True``, ``False`` or ``None`` (cannot tell yet,
because a fact that matters is still unknown)::

    {"fact": "consent", "is": "given"}
    {"fact": "risk_of_harm", "in": ["wellbeing", "significant"]}
    {"all": [...]}  {"any": [...]}  {"not": {...}}
    {"ref": "name"}                 a named condition from the definition's "conditions"
    {"outcome": ["share", ...]}     the recommendation (questions asked after the decision,
                                    warnings, record items); unknown while incomplete

A question whose ``ask_if`` is definitely false is *skipped*; its fact, unless the caller gave
it anyway, counts as "not applicable", which no ``is``/``in`` test matches. That is what lets a
later question or rule say ``{"fact": "consent", "is": "not_sought"}`` without waiting for a
consent answer that will never be asked.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

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
        "Consider reporting the concern to the statutory child-protection agency or the police "
        "as well as sharing."
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
}


class EngineError(ValueError):
    """Base class for errors the engine reports to its callers."""


class FactError(EngineError):
    """A fact given to the engine is unknown or has an invalid value.

    ``fact`` names the offending fact (``None`` if the facts were not a mapping at all).
    """

    def __init__(self, fact: str | None, message: str) -> None:
        super().__init__(message)
        self.fact = fact


@dataclass(frozen=True)
class Result:
    """What the engine says about a set of facts.

    ``rule`` is the id of the rule that decided (``None`` while incomplete); it helps the wizard
    show the rule's explanation but is not part of the public contract of ``as_dict``.
    """

    recommendation: str
    requires_approval: bool
    must_record: list[str]
    missing: list[str]
    warnings: list[str]
    next_question: str | None
    framework: str
    version: str
    rule: str | None = field(default=None, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The eight contract keys, JSON-serialisable (used by the API and ``decide``)."""
        return {
            "recommendation": self.recommendation,
            "requires_approval": self.requires_approval,
            "must_record": list(self.must_record),
            "missing": list(self.missing),
            "warnings": list(self.warnings),
            "next_question": self.next_question,
            "framework": self.framework,
            "version": self.version,
        }


# --------------------------------------------------------------------------------------------
# Facts


def known_facts(definition: Mapping[str, Any]) -> dict[str, FactType]:
    """Every fact name this framework accepts: the canonical ones plus its own."""
    facts: dict[str, FactType] = dict(CANONICAL_FACTS)
    for name, spec in definition.get("facts", {}).items():
        facts[name] = bool if spec["type"] == "bool" else tuple(spec["choices"])
    return facts


def asked_facts(definition: Mapping[str, Any]) -> list[str]:
    """The facts this framework's questions ask about, in question order."""
    return [q["fact"] for q in definition["questions"]]


def _show(value: object) -> str:
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def check_fact_value(name: str, kind: FactType, value: object) -> None:
    """Raise FactError unless ``value`` is a valid value for a fact of type ``kind``."""
    if kind is bool:
        if not isinstance(value, bool):
            raise FactError(name, f"fact {name!r} must be true or false (got {_show(value)})")
    elif not isinstance(value, str) or value not in kind:
        raise FactError(
            name, f"fact {name!r} must be one of {', '.join(kind)} (got {_show(value)})"
        )


def validate_facts(definition: Mapping[str, Any], facts: Mapping[str, object]) -> dict[str, object]:
    """Check facts against this framework and return the ones it uses.

    Unknown names (neither canonical nor this framework's own) and invalid values raise
    FactError. ``None`` means "unknown" and is dropped. Canonical facts the framework never
    asks about are checked for type (they are still the shared vocabulary) and then dropped,
    so the same answers can be run through several frameworks.
    """
    if not isinstance(facts, Mapping):
        raise FactError(None, f"facts must be an object of name: value pairs (got {_show(facts)})")
    kinds = known_facts(definition)
    used = set(asked_facts(definition))
    cleaned: dict[str, object] = {}
    for name, value in facts.items():
        if name not in kinds:
            raise FactError(str(name), f"unknown fact {name!r}")
        if value is None:
            continue
        check_fact_value(name, kinds[name], value)
        if name in used:
            cleaned[name] = value
    return cleaned


# --------------------------------------------------------------------------------------------
# Conditions


def iter_condition(condition: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every node of a condition tree, depth first (named references are not followed)."""
    yield condition
    for key in ("all", "any"):
        for child in condition.get(key, ()):
            yield from iter_condition(child)
    if "not" in condition:
        yield from iter_condition(condition["not"])


def condition_facts(
    condition: Mapping[str, Any] | None, conditions: Mapping[str, Any] | None = None
) -> set[str]:
    """The fact names a condition reads, following named references."""
    found: set[str] = set()
    if condition is None:
        return found
    for node in iter_condition(condition):
        if "fact" in node:
            found.add(node["fact"])
        elif "ref" in node and conditions and node["ref"] in conditions:
            found |= condition_facts(conditions[node["ref"]], conditions)
    return found


def condition_uses_outcome(
    condition: Mapping[str, Any] | None, conditions: Mapping[str, Any] | None = None
) -> bool:
    """Whether a condition reads the recommendation (directly or through a named reference)."""
    if condition is None:
        return False
    for node in iter_condition(condition):
        if "outcome" in node:
            return True
        if "ref" in node and conditions and node["ref"] in conditions:
            if condition_uses_outcome(conditions[node["ref"]], conditions):
                return True
    return False


class _Context:
    def __init__(
        self,
        facts: Mapping[str, object],
        conditions: Mapping[str, Any],
        not_applicable: set[str],
        outcome: str | None = None,
    ) -> None:
        self.facts = facts
        self.conditions = conditions
        self.not_applicable = not_applicable
        self.outcome = outcome

    def test(self, condition: Mapping[str, Any] | None) -> bool | None:
        """Three-valued evaluation: True, False, or None when it cannot be told yet."""
        if condition is None:
            return True
        if "fact" in condition:
            name = condition["fact"]
            if name in self.facts:
                value = self.facts[name]
                if "is" in condition:
                    return _same(value, condition["is"])
                return any(_same(value, choice) for choice in condition["in"])
            if name in self.not_applicable:
                return False
            return None
        if "all" in condition:
            results = [self.test(c) for c in condition["all"]]
            if False in results:
                return False
            return True if all(r is True for r in results) else None
        if "any" in condition:
            results = [self.test(c) for c in condition["any"]]
            if True in results:
                return True
            return False if all(r is False for r in results) else None
        if "not" in condition:
            result = self.test(condition["not"])
            return None if result is None else not result
        if "ref" in condition:
            return self.test(self.conditions[condition["ref"]])
        if "outcome" in condition:
            if self.outcome is None:
                return None
            return self.outcome in condition["outcome"]
        raise EngineError(f"malformed condition {_show(condition)}")


def _same(value: object, expected: object) -> bool:
    # True == 1 in Python; a bool fact must only match a bool.
    return type(value) is type(expected) and value == expected


# --------------------------------------------------------------------------------------------
# Walking the questions and the rules


def outcome_dependent_questions(definition: Mapping[str, Any]) -> set[str]:
    """Ids of questions that are asked only once the recommendation is known.

    A question depends on the outcome if its ``ask_if`` reads the outcome, or reads the fact of
    a question that does. Rules never read such facts (the definition validator checks), so
    the outcome can be worked out before these questions are placed on the path.
    """
    conditions = definition.get("conditions", {})
    dependent: set[str] = set()
    dependent_facts: set[str] = set()
    for q in definition["questions"]:
        ask_if = q.get("ask_if")
        if condition_uses_outcome(ask_if, conditions) or (
            condition_facts(ask_if, conditions) & dependent_facts
        ):
            dependent.add(q["id"])
            dependent_facts.add(q["fact"])
    return dependent


@dataclass
class _Walk:
    status: dict[str, str]  # question id -> answered | open | skipped | pending
    rule: Mapping[str, Any] | None
    outcome: str | None  # None while incomplete
    context: _Context


def _walk(definition: Mapping[str, Any], facts: Mapping[str, object]) -> _Walk:
    conditions = definition.get("conditions", {})
    context = _Context(facts, conditions, set())
    status: dict[str, str] = {}
    dependent = outcome_dependent_questions(definition)

    def place(q: Mapping[str, Any]) -> None:
        asked = context.test(q.get("ask_if"))
        if asked is False:
            status[q["id"]] = "skipped"
            if q["fact"] not in facts:
                context.not_applicable.add(q["fact"])
        elif asked is None:
            status[q["id"]] = "pending"
        else:
            status[q["id"]] = "answered" if q["fact"] in facts else "open"

    for q in definition["questions"]:
        if q["id"] not in dependent:
            place(q)

    rule = None
    for candidate in definition["rules"]:
        fired = context.test(candidate.get("when"))
        if fired is None:
            break
        if fired:
            rule = candidate
            break
    context.outcome = rule["recommendation"] if rule else None

    for q in definition["questions"]:
        if q["id"] in dependent:
            place(q)
    # Keep the definition's order.
    ordered = {q["id"]: status[q["id"]] for q in definition["questions"]}
    return _Walk(ordered, rule, context.outcome, context)


def evaluate(definition: Mapping[str, Any], facts: Mapping[str, object]) -> Result:
    """Evaluate the framework's rules on the facts known so far.

    Rules are tried in order and the first whose condition is definitely true decides. If a
    rule cannot be decided yet the result is ``incomplete``. ``missing`` lists the facts of the
    questions that apply and are still unanswered, in question order, and ``next_question`` is
    the first of them; so ``next_question is None`` exactly when ``missing`` is empty. Questions
    keep coming after a decision (after ``act_now`` in particular), because the record needs
    them; the recommendation does not change once decided.
    """
    cleaned = validate_facts(definition, facts)
    walk = _walk(definition, cleaned)
    recommendation = walk.outcome or "incomplete"
    by_id = {q["id"]: q for q in definition["questions"]}
    open_ids = [qid for qid, state in walk.status.items() if state == "open"]

    must_record = _record_fields(definition, walk, walk.outcome) if walk.outcome is not None else []

    warnings: list[str] = []
    for warning in definition["warnings"]:
        if walk.context.test(warning["when"]) is True and warning["code"] not in warnings:
            warnings.append(warning["code"])

    return Result(
        recommendation=recommendation,
        requires_approval=walk.outcome is not None and walk.outcome in definition["approval"],
        must_record=must_record,
        missing=[by_id[qid]["fact"] for qid in open_ids],
        warnings=warnings,
        next_question=open_ids[0] if open_ids else None,
        framework=definition["slug"],
        version=definition["version"],
        rule=walk.rule["id"] if walk.rule else None,
    )


def _record_fields(definition: Mapping[str, Any], walk: _Walk, recommendation: str) -> list[str]:
    context = _Context(
        walk.context.facts, walk.context.conditions, walk.context.not_applicable, recommendation
    )
    fields: list[str] = []
    for item in definition["record"].get(recommendation, []):
        name, when = (item, None) if isinstance(item, str) else (item["field"], item["when"])
        if context.test(when) is True and name not in fields:
            fields.append(name)
    return fields


def record_fields(
    definition: Mapping[str, Any], facts: Mapping[str, object], recommendation: str
) -> list[str]:
    """The record fields required if the decision is ``recommendation``, given the facts.

    ``evaluate`` reports this for its own recommendation; the wizard asks again when the
    practitioner records a different outcome (for example sharing de-identified information
    instead), so the record duties follow what was actually decided. Conditional items whose
    facts are still unknown are not included. Unknown recommendations raise EngineError.
    """
    if recommendation not in RECOMMENDATIONS:
        raise EngineError(f"unknown recommendation {recommendation!r}")
    walk = _walk(definition, validate_facts(definition, facts))
    return _record_fields(definition, walk, recommendation)


def questions_on_path(definition: Mapping[str, Any], facts: Mapping[str, object]) -> list[str]:
    """Ids of the questions that apply given the facts: answered and still open, in order.

    Questions that cannot be placed yet (their ``ask_if`` waits on an unanswered question) are
    not included; ``progress`` counts them into its estimate.
    """
    walk = _walk(definition, validate_facts(definition, facts))
    return [qid for qid, state in walk.status.items() if state in ("answered", "open")]


def progress(definition: Mapping[str, Any], facts: Mapping[str, object]) -> tuple[int, int]:
    """``(n, total)`` for "Question n of about total".

    ``n`` is the position of the next question on the path (1-based); ``total`` counts the
    questions on the path plus those that may still join it. When nothing is left to answer
    the result is ``(answered, answered)``.
    """
    walk = _walk(definition, validate_facts(definition, facts))
    path = [qid for qid, state in walk.status.items() if state in ("answered", "open")]
    pending = sum(1 for state in walk.status.values() if state == "pending")
    open_ids = [qid for qid in path if walk.status[qid] == "open"]
    if not open_ids:
        return (len(path), len(path))
    return (path.index(open_ids[0]) + 1, len(path) + pending)


def question(definition: Mapping[str, Any], question_id: str) -> dict[str, Any]:
    """The question with this id (KeyError if there is none)."""
    for q in definition["questions"]:
        if q["id"] == question_id:
            return q
    raise KeyError(question_id)
