"""A framework in plain English: its conditions, rules, questions, duties and warnings.

Plain functions over definitions (dicts) and the engine; nothing here decides anything the
engine does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guidance import engine
from guidance.flow import decision_flow_or_none
from guidance.vocabulary import (
    _BOOL_PHRASES,
    _CHOICE_PHRASES,
    _OUTCOME_PHRASES,
    RECOMMENDATION_LABELS,
    RECOMMENDATION_TAGS,
    RECORD_LABELS,
    recommendation_label,
)

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
