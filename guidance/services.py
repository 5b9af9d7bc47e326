"""What the guidance pages show, worked out from the framework definitions.

Plain functions over definitions (dicts) and the engine: turning conditions into English,
laying out a framework's decision flow, and running one set of answers through every
framework. Nothing here decides anything the engine does not: the decision flow is found by
asking the engine, question by question, where each answer leads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from guidance import engine

RECOMMENDATION_LABELS: dict[str, str] = {
    "act_now": "Act now to protect them",
    "share": "Share",
    "share_without_consent": "Share without consent",
    "share_deidentified": "Share without identifying details",
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


# --------------------------------------------------------------------------------------------
# Conditions in plain English


_COMMON_FIRST_WORDS = {"a", "an", "it", "the", "there", "they", "this", "we", "you", "your"}


def _lower_first(text: str) -> str:
    """Lower-case the first letter for use mid-sentence, unless it starts a proper noun."""
    first = text.split(" ", 1)[0]
    if first.lower() in _COMMON_FIRST_WORDS:
        return text[:1].lower() + text[1:]
    return text


def _or_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def fact_phrase(definition: Mapping[str, Any], name: str, values: list[object]) -> str:
    """``risk_of_harm in [wellbeing, significant]`` -> "the risk of harm is a wellbeing need
    only or significant"."""
    own = definition.get("facts", {}).get(name)
    if name in _BOOL_PHRASES or (own and own["type"] == "bool"):
        if len(values) != 1:  # both true and false: always
            return f"{name.replace('_', ' ')} is answered"
        if name in _BOOL_PHRASES:
            return _BOOL_PHRASES[name][0 if values[0] is True else 1]
        label = _lower_first(own["label"].rstrip("."))
        return label if values[0] is True else f"it is not the case that {label}"
    if name in _CHOICE_PHRASES:
        subject, phrases = _CHOICE_PHRASES[name]
        return f"{subject} is {_or_list([phrases.get(str(v), str(v)) for v in values])}"
    subject = _lower_first(own["label"].rstrip(".")) if own else name.replace("_", " ")
    return f"{subject}: {_or_list([str(v).replace('_', ' ') for v in values])}"


def describe(condition: Mapping[str, Any] | None, definition: Mapping[str, Any]) -> str:
    """A condition tree as a plain-English clause (no capital, no full stop)."""
    if condition is None:
        return "always"
    return _describe(condition, definition, top=True)


def _describe(condition: Mapping[str, Any], definition: Mapping[str, Any], top: bool) -> str:
    if "fact" in condition:
        values = [condition["is"]] if "is" in condition else list(condition["in"])
        return fact_phrase(definition, condition["fact"], values)
    if "ref" in condition:
        return _describe(definition.get("conditions", {})[condition["ref"]], definition, top)
    if "not" in condition:
        return f"it is not the case that {_describe(condition['not'], definition, top=False)}"
    if "outcome" in condition:
        labels = [_OUTCOME_PHRASES.get(o, o) for o in condition["outcome"]]
        return f"the recommendation is {_or_list(labels)}"
    joiner = " and " if "all" in condition else " or "
    children = condition["all"] if "all" in condition else condition["any"]
    parts = [_describe(c, definition, top=False) for c in children]
    text = joiner.join(parts)
    if "any" in condition and len(parts) > 1:
        text = f"either {text}"
    return text if top or len(parts) == 1 else f"({text})"


# --------------------------------------------------------------------------------------------
# A framework page


def rules_as_text(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each rule as a sentence: "If … → outcome", in the order the engine tries them."""
    bases = {b["code"]: b["label"] for b in definition["lawful_bases"]}
    rows = []
    for rule in definition["rules"]:
        needs_approval = rule["recommendation"] in definition["approval"]
        outcome = recommendation_label(rule["recommendation"], requires_approval=needs_approval)
        condition = rule.get("when")
        clause = "Otherwise" if condition is None else f"If {describe(condition, definition)}"
        rows.append(
            {
                "id": rule["id"],
                "sentence": f"{clause} → {outcome[:1].lower()}{outcome[1:]}",
                "recommendation": rule["recommendation"],
                "tag": RECOMMENDATION_TAGS[rule["recommendation"]],
                "requires_approval": needs_approval,
                "explanation": rule["explanation"],
                "cite": rule["cite"],
                "lawful_bases": [bases[code] for code in rule.get("lawful_bases", [])],
            }
        )
    return rows


def _answer_values(kind: engine.FactType) -> list[object]:
    return [True, False] if kind is bool else list(kind)  # type: ignore[arg-type]


def _answer_key(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def questions_as_text(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for number, q in enumerate(definition["questions"], start=1):
        ask_if = q.get("ask_if")
        rows.append(
            {
                "number": number,
                "id": q["id"],
                "text": q["text"],
                "hint": q["hint"],
                "answers": list(q["answers"].values()),
                "guidance": q["guidance"],
                "asked_when": None if ask_if is None else describe(ask_if, definition),
            }
        )
    return rows


def record_duties(definition: Mapping[str, Any]) -> list[dict[str, Any]]:
    """For each outcome, what must be written down (and when a duty only sometimes applies)."""
    duties = []
    for recommendation, items in definition["record"].items():
        rows = []
        for item in items:
            name, when = (item, None) if isinstance(item, str) else (item["field"], item["when"])
            rows.append(
                {
                    "label": RECORD_LABELS.get(name, name.replace("_", " ")),
                    "when": None if when is None else describe(when, definition),
                }
            )
        duties.append(
            {
                "recommendation": recommendation,
                "label": RECOMMENDATION_LABELS[recommendation],
                "items": rows,
            }
        )
    return duties


def warnings_as_text(definition: Mapping[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "code": w["code"],
            "text": engine.WARNINGS[w["code"]],
            "when": describe(w["when"], definition),
        }
        for w in definition["warnings"]
    ]


# --------------------------------------------------------------------------------------------
# The decision flow, found by asking the engine where each answer leads


@dataclass(frozen=True)
class FlowOutcome:
    recommendation: str
    label: str
    tag: str
    explanation: str
    cite: str

    is_outcome = True


@dataclass(frozen=True)
class FlowBranch:
    answers: tuple[str, ...]
    outcome: FlowOutcome | None = None  # the branch ends here…
    path: tuple[Any, ...] = ()  # …or goes on through its own steps (nested)
    continues: bool = False  # …or goes on to the next step of the enclosing path
    next_number: int | None = None  # that next step's question number


@dataclass(frozen=True)
class FlowStep:
    number: int
    question_id: str
    text: str
    branches: tuple[FlowBranch, ...]  # empty: any answer goes on to the next step

    is_outcome = False


class FlowTooLarge(Exception):
    pass


MAX_FLOW_EVALUATIONS = 4000


def decision_flow(definition: Mapping[str, Any]) -> tuple[Any, ...]:
    """The framework's questions up to each outcome, as a tree of steps and branches.

    A path is a tuple of steps ending in an outcome or in a step whose answers lead different
    ways. Answers that lead to the same place are grouped; a question whose answer does not
    change what follows is shown once, as a step to go through. Questions asked only after
    the recommendation is known (for the record) are not part of the flow.
    """
    numbers = {q["id"]: n for n, q in enumerate(definition["questions"], start=1)}
    rules = {r["id"]: r for r in definition["rules"]}
    kinds = engine.known_facts(definition)
    budget = [MAX_FLOW_EVALUATIONS]

    def outcome_of(result: engine.Result) -> FlowOutcome:
        rule = rules[result.rule] if result.rule else {"explanation": "", "cite": ""}
        return FlowOutcome(
            recommendation=result.recommendation,
            label=recommendation_label(
                result.recommendation, requires_approval=result.requires_approval
            ),
            tag=RECOMMENDATION_TAGS[result.recommendation],
            explanation=rule["explanation"],
            cite=rule["cite"],
        )

    def explore(facts: dict[str, object]) -> tuple[Any, ...]:
        budget[0] -= 1
        if budget[0] < 0:
            raise FlowTooLarge
        result = engine.evaluate(definition, facts)
        if result.recommendation != "incomplete" or result.next_question is None:
            return (outcome_of(result),)
        q = engine.question(definition, result.next_question)
        groups: dict[tuple[Any, ...], list[str]] = {}
        for value in _answer_values(kinds[q["fact"]]):
            label = q["answers"][_answer_key(value)]
            groups.setdefault(explore({**facts, q["fact"]: value}), []).append(label)
        step = {"number": numbers[q["id"]], "question_id": q["id"], "text": q["text"]}
        if len(groups) == 1:
            (only,) = groups
            return (FlowStep(**step, branches=()), *only)
        continuing = [p for p in groups if not (len(p) == 1 and p[0].is_outcome)]
        branches = []
        for path, answers in groups.items():
            if len(path) == 1 and path[0].is_outcome:
                branches.append(FlowBranch(answers=tuple(answers), outcome=path[0]))
            elif len(continuing) == 1:
                branches.append(
                    FlowBranch(
                        answers=tuple(answers), continues=True, next_number=path[0].number
                    )
                )
            else:
                branches.append(FlowBranch(answers=tuple(answers), path=path))
        this = FlowStep(**step, branches=tuple(branches))
        if len(continuing) == 1:
            return (this, *continuing[0])
        return (this,)

    return explore({})


def decision_flow_or_none(definition: Mapping[str, Any]) -> tuple[Any, ...] | None:
    try:
        return decision_flow(definition)
    except FlowTooLarge:
        return None


def framework_page(definition: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the framework page shows, in display order."""
    return {
        "definition": definition,
        "flow": decision_flow_or_none(definition),
        "rules": rules_as_text(definition),
        "questions": questions_as_text(definition),
        "record": record_duties(definition),
        "warnings": warnings_as_text(definition),
        "approval": [RECOMMENDATION_LABELS[r] for r in definition["approval"]],
    }


# --------------------------------------------------------------------------------------------
# Comparing frameworks on one set of answers


def split_facts_for(
    definitions: Iterable[Mapping[str, Any]], facts: Mapping[str, object]
) -> dict[str, dict[str, object]]:
    """slug -> the facts that framework knows.

    Canonical facts go to every framework; a framework's own facts (``nz_…``, ``ciss_…``) only
    to the frameworks that define them. A fact no framework knows raises ``FactError``.
    """
    definitions = list(definitions)
    if not isinstance(facts, Mapping):
        raise engine.FactError(None, "facts must be an object of name: value pairs")
    kinds = {d["slug"]: engine.known_facts(d) for d in definitions}
    for name in facts:
        if not any(name in known for known in kinds.values()):
            raise engine.FactError(str(name), f"unknown fact {name!r}: no framework knows it")
    return {
        slug: {name: value for name, value in facts.items() if name in known}
        for slug, known in kinds.items()
    }


def compare(
    definitions: Iterable[Mapping[str, Any]], facts: Mapping[str, object]
) -> list[dict[str, Any]]:
    """One column per framework: what it recommends for these facts, in plain words.

    Raises ``engine.FactError`` if a fact is unknown to every framework or has a bad value.
    """
    definitions = list(definitions)
    per_framework = split_facts_for(definitions, facts)
    columns = []
    for definition in definitions:
        result = engine.evaluate(definition, per_framework[definition["slug"]])
        rule = next((r for r in definition["rules"] if r["id"] == result.rule), None)
        next_question = (
            engine.question(definition, result.next_question)["text"]
            if result.next_question
            else None
        )
        columns.append(
            {
                "definition": definition,
                "result": result,
                "label": recommendation_label(result.recommendation),
                "tag": RECOMMENDATION_TAGS[result.recommendation],
                "warnings": [engine.WARNINGS[code] for code in result.warnings],
                "must_record": [RECORD_LABELS.get(f, f) for f in result.must_record],
                "next_question": next_question,
                "explanation": rule["explanation"] if rule else None,
                "cite": rule["cite"] if rule else None,
            }
        )
    return columns


def compare_fields(definitions: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The questions of the compare form: every canonical fact, then the frameworks' own.

    Each is ``{"name", "question", "choices": [(value, label)], "frameworks"}``, where the
    values are the strings the form sends (``true``/``false`` for yes/no facts); "Not known"
    (the empty value) is added by the form.
    """
    fields = []
    for name, kind in engine.CANONICAL_FACTS.items():
        if kind is bool:
            choices = [("true", "Yes"), ("false", "No")]
        else:
            labels = CHOICE_LABELS.get(name, {})
            choices = [(v, labels.get(v, v.replace("_", " "))) for v in kind]
        fields.append(
            {"name": name, "question": COMPARE_QUESTIONS[name], "choices": choices,
             "frameworks": []}
        )
    own: dict[str, dict[str, Any]] = {}
    for definition in definitions:
        for name, spec in definition.get("facts", {}).items():
            entry = own.setdefault(
                name,
                {
                    "name": name,
                    "question": spec["label"],
                    "choices": [("true", "Yes"), ("false", "No")]
                    if spec["type"] == "bool"
                    else [(v, v.replace("_", " ").capitalize()) for v in spec["choices"]],
                    "frameworks": [],
                },
            )
            entry["frameworks"].append(definition["short_title"])
    return fields + list(own.values())
