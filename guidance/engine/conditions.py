"""Condition trees (``ask_if``, ``when``) and their three-valued evaluation.

A condition is True, False, or None (cannot tell yet: a fact that matters is still unknown)::

    {"fact": "consent", "is": "given"}
    {"fact": "risk_of_harm", "in": ["wellbeing", "significant"]}
    {"all": [...]}  {"any": [...]}  {"not": {...}}
    {"ref": "name"}                 a named condition from the definition's "conditions"
    {"outcome": ["share", ...]}     the recommendation; unknown while incomplete
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
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


Compiled = Callable[[Context], "bool | None"]


def _always(context: Context) -> bool:
    return True


def compile_condition(
    condition: Mapping[str, Any] | None, conditions: Mapping[str, Any]
) -> Compiled:
    """The condition as a function of a context, built once per definition: three-valued,
    True, False, or None while it cannot be told yet (a fact not answered, no outcome yet).

    The engine evaluates the same conditions many thousands of times (the wizard's flow, the
    enumeration tests), so it turns each tree into closures instead of walking it every time.
    """
    if condition is None:
        return _always
    if "fact" in condition:
        name = condition["fact"]
        expected = [condition["is"]] if "is" in condition else list(condition["in"])
        # Keyed by type too: True == 1 in Python, and a bool fact must only match a bool.
        pairs = frozenset((type(value), value) for value in expected)

        def test_fact(context: Context) -> bool | None:
            facts = context.facts
            if name in facts:
                value = facts[name]
                return (type(value), value) in pairs
            return False if name in context.not_applicable else None

        return test_fact
    if "all" in condition or "any" in condition:
        is_all = "all" in condition
        children = [compile_condition(c, conditions) for c in condition["all" if is_all else "any"]]
        stop = not is_all  # the value that settles the whole: False for all, True for any

        def test_many(context: Context) -> bool | None:
            undecided = False
            for child in children:
                result = child(context)
                if result is stop:
                    return stop
                if result is None:
                    undecided = True
            return None if undecided else not stop

        return test_many
    if "not" in condition:
        inner = compile_condition(condition["not"], conditions)

        def test_not(context: Context) -> bool | None:
            result = inner(context)
            return None if result is None else not result

        return test_not
    if "ref" in condition:
        return compile_condition(conditions[condition["ref"]], conditions)
    if "outcome" in condition:
        outcomes = frozenset(condition["outcome"])

        def test_outcome(context: Context) -> bool | None:
            return None if context.outcome is None else context.outcome in outcomes

        return test_outcome
    raise EngineError(f"malformed condition {show(condition)}")
