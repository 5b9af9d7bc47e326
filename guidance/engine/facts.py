"""Checking the facts a caller gives against a framework's vocabulary."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guidance.engine.vocabulary import CANONICAL_FACTS, FactError, FactType, show


def known_facts(definition: Mapping[str, Any]) -> dict[str, FactType]:
    """Every fact name this framework accepts: the canonical ones plus its own."""
    facts: dict[str, FactType] = dict(CANONICAL_FACTS)
    for name, spec in definition.get("facts", {}).items():
        facts[name] = bool if spec["type"] == "bool" else tuple(spec["choices"])
    return facts


def asked_facts(definition: Mapping[str, Any]) -> list[str]:
    """The facts this framework's questions ask about, in question order."""
    return [q["fact"] for q in definition["questions"]]


def check_fact_value(name: str, kind: FactType, value: object) -> None:
    """Raise FactError unless ``value`` is a valid value for a fact of type ``kind``."""
    if not isinstance(kind, tuple):  # bool: a yes/no fact
        if not isinstance(value, bool):
            raise FactError(name, f"fact {name!r} must be true or false (got {show(value)})")
    elif not isinstance(value, str) or value not in kind:
        raise FactError(name, f"fact {name!r} must be one of {', '.join(kind)} (got {show(value)})")


def split_facts(
    kinds: Mapping[str, FactType], asked: set[str] | frozenset[str], facts: Mapping[str, object]
) -> tuple[dict[str, object], list[str]]:
    """``(used, unused)``: the valid facts this framework asks about, and the names of the
    given facts it never asks about. Raises FactError on an unknown name or a bad value."""
    if not isinstance(facts, Mapping):
        raise FactError(None, f"facts must be an object of name: value pairs (got {show(facts)})")
    used: dict[str, object] = {}
    unused: list[str] = []
    for name, value in facts.items():
        if name not in kinds:
            raise FactError(str(name), f"unknown fact {name!r}")
        if value is None:
            continue
        kind = kinds[name]
        # The common cases inline (evaluate is called very often); anything else is checked
        # properly, which also words the error.
        if not (
            value.__class__ is str and value in kind
            if isinstance(kind, tuple)
            else value.__class__ is bool
        ):
            check_fact_value(name, kind, value)
        if name in asked:
            used[name] = value
        else:
            unused.append(name)
    return used, unused


def validate_facts(definition: Mapping[str, Any], facts: Mapping[str, object]) -> dict[str, object]:
    """Check facts against this framework and return the ones it asks about.

    Unknown names (neither canonical nor this framework's own) and invalid values raise
    FactError. ``None`` means "unknown" and is dropped. Canonical facts the framework never
    asks about are checked for type (they are still the shared vocabulary) and then dropped,
    so the same answers can be run through several frameworks; ``evaluate`` reports them in
    ``ignored_facts``.
    """
    used, _ = split_facts(known_facts(definition), set(asked_facts(definition)), facts)
    return used
