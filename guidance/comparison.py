"""One set of answers run through several frameworks, side by side."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from guidance import engine
from guidance.vocabulary import (
    CHOICE_LABELS,
    COMPARE_QUESTIONS,
    RECOMMENDATION_TAGS,
    RECORD_LABELS,
    recommendation_label,
)

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
        if isinstance(kind, tuple):
            labels = CHOICE_LABELS.get(name, {})
            choices = [(v, labels.get(v, v.replace("_", " "))) for v in kind]
        else:  # bool
            choices = [("true", "Yes"), ("false", "No")]
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
