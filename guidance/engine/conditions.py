"""Condition trees (``ask_if``, ``when``) and their three-valued evaluation.

A condition is True, False, or None (cannot tell yet: a fact that matters is still unknown)::

    {"fact": "consent", "is": "given"}
    {"fact": "risk_of_harm", "in": ["wellbeing", "significant"]}
    {"all": [...]}  {"any": [...]}  {"not": {...}}
    {"ref": "name"}                 a named condition from the definition's "conditions"
    {"outcome": ["share", ...]}     the recommendation; unknown while incomplete
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from guidance.engine.vocabulary import EngineError, show


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


def _same(value: object, expected: object) -> bool:
    # True == 1 in Python; a bool fact must only match a bool.
    return type(value) is type(expected) and value == expected


class Context:
    """The facts in play, the facts known not to apply, and (once decided) the outcome."""

    def __init__(
        self,
        facts: dict[str, object],
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
            undecided = False
            for child in condition["all"]:
                result = self.test(child)
                if result is False:
                    return False
                undecided = undecided or result is None
            return None if undecided else True
        if "any" in condition:
            undecided = False
            for child in condition["any"]:
                result = self.test(child)
                if result is True:
                    return True
                undecided = undecided or result is None
            return None if undecided else False
        if "not" in condition:
            result = self.test(condition["not"])
            return None if result is None else not result
        if "ref" in condition:
            return self.test(self.conditions[condition["ref"]])
        if "outcome" in condition:
            if self.outcome is None:
                return None
            return self.outcome in condition["outcome"]
        raise EngineError(f"malformed condition {show(condition)}")
