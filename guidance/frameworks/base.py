"""The pieces every part of the definition check uses: the error, the checker that names the
place of a problem, and the check of a condition tree."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from guidance.engine import (
    RECOMMENDATIONS,
    EngineError,
    check_fact_value,
    condition_uses_outcome,
    iter_condition,
)

DECIDED = tuple(r for r in RECOMMENDATIONS if r != "incomplete")
IDENT = re.compile(r"^[a-z][a-z0-9_]*$")


class DefinitionError(ValueError):
    """A framework definition is malformed, or a framework cannot be found."""


class Checker:
    """Collects the context (framework, location) for error messages."""

    def __init__(self, definition: Mapping[str, Any]) -> None:
        self.d = definition
        slug = definition.get("slug", "?") if isinstance(definition, Mapping) else "?"
        version = definition.get("version", "?") if isinstance(definition, Mapping) else "?"
        self.name = f"framework {slug!s} {version!s}"

    def fail(self, where: str, problem: str) -> NoReturn:
        raise DefinitionError(f"{self.name}: {where}: {problem}")

    def text(self, where: str, value: object, *, empty_ok: bool = False) -> None:
        if not isinstance(value, str) or (not empty_ok and not value.strip()):
            self.fail(where, "must be a non-empty string" if not empty_ok else "must be a string")

    def keys(
        self, where: str, value: object, required: Iterable[str], optional: Iterable[str] = ()
    ) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.fail(where, "must be an object")
        required = tuple(required)
        missing = [k for k in required if k not in value]
        if missing:
            self.fail(where, f"missing key(s) {', '.join(missing)}")
        extra = sorted(set(value) - set(required) - set(optional))
        if extra:
            self.fail(where, f"unexpected key(s) {', '.join(map(str, extra))}")
        return value

    def text_object(
        self, where: str, value: object, required: tuple[str, ...], optional: Iterable[str] = ()
    ) -> Mapping[str, Any]:
        """An object of exactly the `required` keys (and any `optional` ones), each required
        key a non-empty string."""
        found = self.keys(where, value, required, optional)
        for key in required:
            self.text(f"{where}.{key}", found[key])
        return found

    def identifier(self, where: str, value: object, kind: str, seen: set[str]) -> str:
        """An element's id: a lowercase identifier not used by an earlier one of its kind.
        Returns the place to name in later messages, `kind 'id'`."""
        if not isinstance(value, str) or not IDENT.match(value):
            self.fail(f"{where}.id", f"must be a lowercase identifier (got {value!r})")
        named = f"{kind} {value!r}"
        if value in seen:
            self.fail(named, f"duplicate {kind} id")
        seen.add(value)
        return named

    def listing(self, where: str, value: object, *, empty_ok: bool = False) -> list[Any]:
        if not isinstance(value, list) or (not empty_ok and not value):
            self.fail(where, "must be a non-empty list" if not empty_ok else "must be a list")
        return value


def check_condition(
    c: Checker,
    where: str,
    condition: object,
    kinds: Mapping[str, Any],
    conditions: Mapping[str, Any],
    *,
    outcome_ok: bool,
) -> None:
    forms = ("fact", "all", "any", "not", "ref", "outcome")
    if not isinstance(condition, Mapping):
        c.fail(where, "a condition must be an object")
    present = [k for k in forms if k in condition]
    if len(present) != 1:
        c.fail(where, f"a condition needs exactly one of {', '.join(forms)} (got {condition})")
    form = present[0]
    if form == "fact":
        c.keys(where, condition, ("fact",), ("is", "in"))
        name = condition["fact"]
        if name not in kinds:
            c.fail(where, f"unknown fact {name!r}")
        if ("is" in condition) == ("in" in condition):
            c.fail(where, f"a test of fact {name!r} needs exactly one of 'is' or 'in'")
        values = [condition["is"]] if "is" in condition else condition["in"]
        if "in" in condition and (not isinstance(values, list) or not values):
            c.fail(where, "'in' must be a non-empty list")
        for value in values:
            try:
                check_fact_value(name, kinds[name], value)
            except EngineError as exc:
                c.fail(where, str(exc))
    elif form in ("all", "any"):
        c.keys(where, condition, (form,))
        for i, child in enumerate(c.listing(f"{where}.{form}", condition[form])):
            check_condition(
                c, f"{where}.{form}[{i}]", child, kinds, conditions, outcome_ok=outcome_ok
            )
    elif form == "not":
        c.keys(where, condition, ("not",))
        check_condition(
            c, f"{where}.not", condition["not"], kinds, conditions, outcome_ok=outcome_ok
        )
    elif form == "ref":
        c.keys(where, condition, ("ref",))
        if condition["ref"] not in conditions:
            c.fail(where, f"unknown named condition {condition['ref']!r}")
        if not outcome_ok and condition_uses_outcome(condition, conditions):
            c.fail(
                where,
                f"named condition {condition['ref']!r} reads the outcome, "
                "which is not allowed here",
            )
    else:
        c.keys(where, condition, ("outcome",))
        if not outcome_ok:
            c.fail(where, "the outcome cannot be tested here")
        values = c.listing(f"{where}.outcome", condition["outcome"])
        for value in values:
            if value not in DECIDED:
                c.fail(where, f"unknown recommendation {value!r}")


def check_named_conditions(c: Checker, conditions: object, kinds: Mapping[str, Any]) -> None:
    if not isinstance(conditions, Mapping):
        c.fail("conditions", "must be an object of name: condition")
    for name, condition in conditions.items():
        check_condition(c, f"conditions.{name}", condition, kinds, conditions, outcome_ok=True)

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if name in trail:
            c.fail(f"conditions.{name}", f"refers to itself ({' -> '.join((*trail, name))})")
        for node in iter_condition(conditions[name]):
            if "ref" in node:
                visit(node["ref"], (*trail, name))

    for name in conditions:
        visit(name, ())
