"""Validating a framework definition before the engine trusts it.

A definition is checked thoroughly when loaded, so that a broken data change fails loudly with
a message that names the framework, the place and the problem. The schema is described in
``docs/frameworks.md``. No Django import here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from guidance.engine import (
    CANONICAL_FACTS,
    RECOMMENDATIONS,
    RECORD_FIELDS,
    WARNINGS,
    FactType,
    condition_facts,
    known_facts,
    outcome_dependent_questions,
)
from guidance.frameworks.base import (
    DECIDED,
    IDENT,
    Checker,
    DefinitionError,
    check_condition,
    check_named_conditions,
)

REQUIRED_KEYS: tuple[str, ...] = (
    "slug",
    "title",
    "short_title",
    "jurisdiction",
    "version",
    "effective_date",
    "summary",
    "sources",
    "facts",
    "questions",
    "rules",
    "warnings",
    "record",
    "approval",
    "lawful_bases",
    "principles",
)
OPTIONAL_KEYS: tuple[str, ...] = ("fact_prefix", "conditions")

_SLUG = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SOURCE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_PREFIX = re.compile(r"^[a-z][a-z0-9]*_$")


def validate_definition(definition: dict[str, Any]) -> None:
    """Raise DefinitionError, naming the place and the problem, unless the definition is sound.

    Beyond the shape of each part, this checks the product's invariants that every framework
    must honour: the first question and the first rule handle immediate danger (``act_now``);
    sharing without consent always needs approval; ``act_now`` never waits for approval and
    records the emergency action and the rationale; rules read only facts asked before the
    decision, so the engine can always say which question comes next.
    """
    c = Checker(definition)
    if not isinstance(definition, Mapping):
        raise DefinitionError("framework definition must be a JSON object")
    c.keys("top level", definition, REQUIRED_KEYS, OPTIONAL_KEYS)

    slug = definition["slug"]
    if not isinstance(slug, str) or not _SLUG.match(slug):
        c.fail("slug", f"must be lowercase letters, digits and hyphens (got {slug!r})")
    version = definition["version"]
    if not isinstance(version, str) or not _VERSION.match(version):
        c.fail("version", f"must look like 1.0.0 (got {version!r})")
    effective = definition["effective_date"]
    if not isinstance(effective, str) or not _ISO_DATE.match(effective):
        c.fail("effective_date", f"must be an ISO date YYYY-MM-DD (got {effective!r})")
    try:
        date.fromisoformat(effective)
    except ValueError:
        c.fail("effective_date", f"is not a real date (got {effective!r})")
    for key in ("title", "short_title", "jurisdiction", "summary"):
        c.text(key, definition[key])

    _check_sources(c, definition["sources"])
    _check_facts(c, definition)
    kinds = known_facts(definition)
    conditions = definition.get("conditions", {})
    check_named_conditions(c, conditions, kinds)
    _check_lawful_bases(c, definition["lawful_bases"])
    _check_questions(c, definition, kinds, conditions)
    _check_rules(c, definition, kinds, conditions)
    _check_warnings(c, definition["warnings"], kinds, conditions)
    _check_record(c, definition, kinds, conditions)
    _check_approval(c, definition["approval"])
    _check_principles(c, definition["principles"])


def _check_sources(c: Checker, sources: object) -> None:
    for i, source in enumerate(c.listing("sources", sources)):
        where = f"sources[{i}]"
        c.text_object(where, source, ("title", "publisher", "date", "url"), ("note",))
        if not _SOURCE_DATE.match(source["date"]):
            c.fail(f"{where}.date", f"must be YYYY, YYYY-MM or YYYY-MM-DD (got {source['date']!r})")
        if not source["url"].startswith(("https://", "http://")):
            c.fail(f"{where}.url", f"must be an http(s) URL (got {source['url']!r})")


def _check_facts(c: Checker, definition: Mapping[str, Any]) -> None:
    facts = definition["facts"]
    if not isinstance(facts, Mapping):
        c.fail("facts", "must be an object of name: specification")
    prefix = definition.get("fact_prefix")
    if facts and prefix is None:
        c.fail("fact_prefix", "is required when the framework defines facts of its own")
    if prefix is not None:
        if not isinstance(prefix, str) or not _PREFIX.match(prefix):
            c.fail("fact_prefix", f"must look like 'abc_' (got {prefix!r})")
        clash = [name for name in CANONICAL_FACTS if name.startswith(prefix)]
        if clash:
            c.fail("fact_prefix", f"{prefix!r} could be confused with canonical fact {clash[0]!r}")
    for name, spec in facts.items():
        where = f"facts.{name}"
        if name in CANONICAL_FACTS:
            c.fail(where, "redefines a canonical fact")
        assert prefix is not None  # checked above: facts of its own need a prefix
        if not isinstance(name, str) or not IDENT.match(name) or not name.startswith(prefix):
            c.fail(where, f"name must start with the framework's prefix {prefix!r}")
        c.keys(where, spec, ("type", "label"), ("choices",))
        c.text(f"{where}.label", spec["label"])
        if spec["type"] == "bool":
            if "choices" in spec:
                c.fail(where, "a bool fact has no choices")
        elif spec["type"] == "choice":
            choices = spec.get("choices")
            if (
                not isinstance(choices, list)
                or not choices
                or not all(isinstance(x, str) and IDENT.match(x) for x in choices)
                or len(set(choices)) != len(choices)
            ):
                c.fail(f"{where}.choices", "must be a non-empty list of distinct identifiers")
        else:
            c.fail(f"{where}.type", f"must be 'bool' or 'choice' (got {spec['type']!r})")


def _answer_keys(kind: FactType) -> set[str]:
    return set(kind) if isinstance(kind, tuple) else {"true", "false"}  # else bool


def _check_questions(
    c: Checker,
    definition: Mapping[str, Any],
    kinds: Mapping[str, Any],
    conditions: Mapping[str, Any],
) -> None:
    questions = c.listing("questions", definition["questions"])
    seen_ids: set[str] = set()
    seen_facts: set[str] = set()
    for i, q in enumerate(questions):
        where = f"questions[{i}]"
        c.keys(where, q, ("id", "fact", "text", "hint", "answers", "guidance"), ("ask_if",))
        where = c.identifier(where, q["id"], "question", seen_ids)
        fact = q["fact"]
        if fact not in kinds:
            c.fail(where, f"asks about unknown fact {fact!r}")
        if fact in seen_facts:
            c.fail(where, f"fact {fact!r} is already asked by an earlier question")
        c.text(f"{where}.text", q["text"])
        c.text(f"{where}.hint", q["hint"], empty_ok=True)
        answers = q["answers"]
        if not isinstance(answers, Mapping) or set(answers) != _answer_keys(kinds[fact]):
            expected = ", ".join(sorted(_answer_keys(kinds[fact])))
            c.fail(f"{where}.answers", f"must label exactly the values {expected}")
        for value, label in answers.items():
            c.text(f"{where}.answers.{value}", label)
        for j, item in enumerate(c.listing(f"{where}.guidance", q["guidance"])):
            c.text_object(f"{where}.guidance[{j}]", item, ("text", "cite"))
        if "ask_if" in q:
            check_condition(c, f"{where}.ask_if", q["ask_if"], kinds, conditions, outcome_ok=True)
            later = condition_facts(q["ask_if"], conditions) - seen_facts
            if later:
                c.fail(
                    f"{where}.ask_if",
                    f"may only read facts asked earlier (reads {', '.join(sorted(later))})",
                )
        seen_facts.add(fact)
    first = questions[0]
    if first["fact"] != "immediate_danger" or "ask_if" in first:
        c.fail("questions[0]", "the first question must ask about immediate_danger, always")


def _check_rules(
    c: Checker,
    definition: Mapping[str, Any],
    kinds: Mapping[str, Any],
    conditions: Mapping[str, Any],
) -> None:
    rules = c.listing("rules", definition["rules"])
    bases = {b["code"] for b in definition["lawful_bases"]}
    dependent = outcome_dependent_questions(definition)
    before_decision = {q["fact"] for q in definition["questions"] if q["id"] not in dependent}
    seen: set[str] = set()
    for i, rule in enumerate(rules):
        where = f"rules[{i}]"
        c.keys(
            where, rule, ("id", "recommendation", "explanation", "cite"), ("when", "lawful_bases")
        )
        where = c.identifier(where, rule["id"], "rule", seen)
        if rule["recommendation"] not in DECIDED:
            c.fail(
                where,
                f"unknown recommendation {rule['recommendation']!r} "
                f"(expected one of {', '.join(DECIDED)})",
            )
        c.text(f"{where}.explanation", rule["explanation"])
        c.text(f"{where}.cite", rule["cite"])
        for code in rule.get("lawful_bases", []):
            if code not in bases:
                c.fail(f"{where}.lawful_bases", f"unknown lawful basis {code!r}")
        last = i == len(rules) - 1
        if last and "when" in rule:
            c.fail(where, "the last rule is the fallback and must have no 'when'")
        if not last and "when" not in rule:
            c.fail(where, "only the last rule may omit 'when'")
        if "when" in rule:
            check_condition(c, f"{where}.when", rule["when"], kinds, conditions, outcome_ok=False)
            late = condition_facts(rule["when"], conditions) - before_decision
            if late:
                c.fail(
                    f"{where}.when",
                    f"reads facts no question asks before the decision ({', '.join(sorted(late))})",
                )
    first = rules[0]
    if first.get("when") != {"fact": "immediate_danger", "is": True} or (
        first["recommendation"] != "act_now"
    ):
        c.fail("rules[0]", "the first rule must be immediate_danger is true -> act_now")


def _check_warnings(
    c: Checker, warnings: object, kinds: Mapping[str, Any], conditions: Mapping[str, Any]
) -> None:
    for i, warning in enumerate(c.listing("warnings", warnings, empty_ok=True)):
        where = f"warnings[{i}]"
        c.keys(where, warning, ("code", "when"))
        if warning["code"] not in WARNINGS:
            c.fail(where, f"unknown warning code {warning['code']!r}")
        check_condition(c, f"{where}.when", warning["when"], kinds, conditions, outcome_ok=True)


def _check_record(
    c: Checker,
    definition: Mapping[str, Any],
    kinds: Mapping[str, Any],
    conditions: Mapping[str, Any],
) -> None:
    record = definition["record"]
    if not isinstance(record, Mapping):
        c.fail("record", "must be an object of recommendation: fields")
    for recommendation, items in record.items():
        where = f"record.{recommendation}"
        if recommendation not in DECIDED:
            c.fail(where, f"unknown recommendation {recommendation!r}")
        names: list[str] = []
        for j, item in enumerate(c.listing(where, items)):
            if isinstance(item, str):
                name = item
            else:
                c.keys(f"{where}[{j}]", item, ("field", "when"))
                name = item["field"]
                check_condition(
                    c, f"{where}[{j}].when", item["when"], kinds, conditions, outcome_ok=True
                )
            if name not in RECORD_FIELDS:
                c.fail(where, f"unknown record field {name!r}")
            if name in names:
                c.fail(where, f"record field {name!r} listed twice")
            names.append(name)
    produced = {rule["recommendation"] for rule in definition["rules"]}
    for recommendation in sorted(produced - set(record)):
        c.fail("record", f"says nothing about {recommendation!r}, which a rule can recommend")
    act_now = record.get("act_now", [])
    for needed in ("emergency_action", "rationale"):
        if needed not in act_now:
            c.fail("record.act_now", f"must always include {needed!r}")


def _check_approval(c: Checker, approval: object) -> None:
    values = c.listing("approval", approval)
    for value in values:
        if value not in RECOMMENDATIONS:
            c.fail("approval", f"unknown recommendation {value!r}")
    if "share_without_consent" not in values:
        c.fail("approval", "sharing without consent must always need approval")
    for never in ("act_now", "incomplete"):
        if never in values:
            c.fail("approval", f"{never!r} must never wait for approval")


def _check_lawful_bases(c: Checker, bases: object) -> None:
    seen: set[str] = set()
    for i, basis in enumerate(c.listing("lawful_bases", bases)):
        where = f"lawful_bases[{i}]"
        c.text_object(where, basis, ("code", "label", "cite"))
        if basis["code"] in seen:
            c.fail(where, f"duplicate lawful basis code {basis['code']!r}")
        seen.add(basis["code"])


def _check_principles(c: Checker, principles: object) -> None:
    for i, principle in enumerate(c.listing("principles", principles)):
        c.text_object(f"principles[{i}]", principle, ("title", "text", "cite"))
