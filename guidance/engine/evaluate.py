"""Walking a framework's questions and rules over the facts known so far."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from guidance.engine.conditions import (
    Compiled,
    Context,
    compile_condition,
    condition_facts,
    condition_uses_outcome,
)
from guidance.engine.facts import known_facts, split_facts
from guidance.engine.vocabulary import RECOMMENDATIONS, EngineError, FactType


@dataclass(frozen=True)
class Result:
    """What the engine says about a set of facts.

    ``rule`` is the id of the rule that decided (``None`` while incomplete); ``ignored_facts``
    names, sorted, the facts given that this version set aside: canonical facts it never asks
    about, and answers to questions its path skips (so the same facts give the same result
    whether they arrive one question at a time or all at once).
    """

    recommendation: str
    requires_approval: bool
    must_record: list[str]
    missing: list[str]
    warnings: list[str]
    next_question: str | None
    framework: str
    version: str
    rule: str | None = None
    ignored_facts: tuple[str, ...] = ()
    # For the wizard, not part of the contract: the questions on the path (answered and
    # open, in order) and how many more may still join it.
    path: tuple[str, ...] = field(default=(), compare=False)
    pending: int = field(default=0, compare=False)

    def as_dict(self) -> dict[str, Any]:
        """The contract keys (DESIGN §4), JSON-serialisable (used by the API and ``decide``)."""
        return {
            "recommendation": self.recommendation,
            "requires_approval": self.requires_approval,
            "must_record": list(self.must_record),
            "missing": list(self.missing),
            "warnings": list(self.warnings),
            "next_question": self.next_question,
            "framework": self.framework,
            "version": self.version,
            "ignored_facts": list(self.ignored_facts),
            "rule": self.rule,
        }


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


@dataclass(frozen=True)
class _Prepared:
    """What evaluate needs from a definition besides the facts, worked out once."""

    definition: Mapping[str, Any]
    questions: list[Any]
    rules: list[Any]
    kinds: dict[str, FactType]
    asked: frozenset[str]
    dependent: frozenset[str]
    by_id: dict[str, Mapping[str, Any]]
    ask_if: dict[str, Compiled]  # question id -> its ask_if
    rule_tests: list[tuple[Mapping[str, Any], Compiled]]
    warning_tests: list[tuple[str, Compiled]]
    record_tests: dict[str, list[tuple[str, Compiled]]]
    before: list[tuple[str, str, Compiled]]  # (id, fact, ask_if) placed before the rules
    after: list[tuple[str, str, Compiled]]  # the outcome-dependent ones, placed after
    order: list[str]


_PREPARED: dict[int, _Prepared] = {}
_PREPARED_MAX = 128


def _prepared(definition: Mapping[str, Any]) -> _Prepared:
    # Definitions are read-only once loaded; the entry keeps the dict alive, so its id cannot
    # be reused, and the identity checks catch a definition whose lists were replaced.
    entry = _PREPARED.get(id(definition))
    if (
        entry is not None
        and entry.definition is definition
        and entry.questions is definition["questions"]
        and entry.rules is definition["rules"]
    ):
        return entry
    questions = definition["questions"]
    conditions = definition.get("conditions", {})

    def compiled(condition: Mapping[str, Any] | None) -> Compiled:
        return compile_condition(condition, conditions)

    record_tests = {
        outcome: [
            (item, compiled(None))
            if isinstance(item, str)
            else (item["field"], compiled(item["when"]))
            for item in items
        ]
        for outcome, items in definition["record"].items()
    }
    dependent = outcome_dependent_questions(definition)
    steps = [(q["id"], q["fact"], compiled(q.get("ask_if"))) for q in questions]
    entry = _Prepared(
        definition=definition,
        questions=questions,
        rules=definition["rules"],
        kinds=known_facts(definition),
        asked=frozenset(q["fact"] for q in questions),
        dependent=frozenset(dependent),
        by_id={q["id"]: q for q in questions},
        ask_if={q["id"]: compiled(q.get("ask_if")) for q in questions},
        rule_tests=[(r, compiled(r.get("when"))) for r in definition["rules"]],
        warning_tests=[(w["code"], compiled(w["when"])) for w in definition["warnings"]],
        record_tests=record_tests,
        before=[step for step in steps if step[0] not in dependent],
        after=[step for step in steps if step[0] in dependent],
        order=[q["id"] for q in questions],
    )
    if len(_PREPARED) >= _PREPARED_MAX:
        _PREPARED.pop(next(iter(_PREPARED)))
    _PREPARED[id(definition)] = entry
    return entry


@dataclass
class _Walk:
    status: dict[str, str]  # question id -> answered | open | skipped | pending
    rule: Mapping[str, Any] | None
    outcome: str | None  # None while incomplete
    context: Context
    set_aside: list[str]  # given facts whose question the path skips


def _walk(prep: _Prepared, facts: Mapping[str, object]) -> _Walk:
    """Place every question on the path (or off it), then try the rules.

    A skipped question's fact is set aside even if the caller gave it, and counts as "not
    applicable", which no ``is``/``in`` test matches: the result depends only on the answers
    the path asks for, exactly as in the wizard.
    """
    context = Context(dict(facts), prep.definition.get("conditions", {}), set())
    known = context.facts
    status: dict[str, str] = {}
    set_aside: list[str] = []

    def place(steps: list[tuple[str, str, Compiled]]) -> None:
        for qid, fact, ask_if in steps:
            asked = ask_if(context)
            if asked is False:
                status[qid] = "skipped"
                if fact in known:
                    del known[fact]
                    set_aside.append(fact)
                context.not_applicable.add(fact)
            elif asked is None:
                status[qid] = "pending"
            else:
                status[qid] = "answered" if fact in known else "open"

    place(prep.before)
    rule = None
    for candidate, test in prep.rule_tests:
        fired = test(context)
        if fired is None:
            break
        if fired:
            rule = candidate
            break
    context.outcome = rule["recommendation"] if rule else None
    if prep.after:
        place(prep.after)
        status = {qid: status[qid] for qid in prep.order}
    return _Walk(status, rule, context.outcome, context, set_aside)


def _start(definition: Mapping[str, Any], facts: Mapping[str, object]) -> tuple[_Walk, list[str]]:
    prep = _prepared(definition)
    used, unused = split_facts(prep.kinds, prep.asked, facts)
    return _walk(prep, used), unused


def evaluate(definition: Mapping[str, Any], facts: Mapping[str, object]) -> Result:
    """Evaluate the framework's rules on the facts known so far.

    Rules are tried in order and the first whose condition is definitely true decides. If a
    rule cannot be decided yet the result is ``incomplete``. ``missing`` lists the facts of the
    questions that apply and are still unanswered, in question order, and ``next_question`` is
    the first of them; so ``next_question is None`` exactly when ``missing`` is empty. Questions
    keep coming after a decision (after ``act_now`` in particular), because the record needs
    them; the recommendation does not change once decided.
    """
    walk, unused = _start(definition, facts)
    prep = _prepared(definition)
    open_ids = [qid for qid, state in walk.status.items() if state == "open"]
    must_record = _record_fields(prep, walk, walk.outcome) if walk.outcome else []
    warnings: list[str] = []
    for code, test in prep.warning_tests:
        if test(walk.context) is True and code not in warnings:
            warnings.append(code)
    return Result(
        recommendation=walk.outcome or "incomplete",
        requires_approval=walk.outcome is not None and walk.outcome in definition["approval"],
        must_record=must_record,
        missing=[prep.by_id[qid]["fact"] for qid in open_ids],
        warnings=warnings,
        next_question=open_ids[0] if open_ids else None,
        framework=definition["slug"],
        version=definition["version"],
        rule=walk.rule["id"] if walk.rule else None,
        ignored_facts=tuple(sorted(unused + walk.set_aside)),
        path=tuple(qid for qid, state in walk.status.items() if state in ("answered", "open")),
        pending=sum(1 for state in walk.status.values() if state == "pending"),
    )


def _record_fields(prep: _Prepared, walk: _Walk, recommendation: str) -> list[str]:
    context = Context(
        walk.context.facts, walk.context.conditions, walk.context.not_applicable, recommendation
    )
    fields: list[str] = []
    for name, test in prep.record_tests.get(recommendation, []):
        if test(context) is True and name not in fields:
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
    walk, _ = _start(definition, facts)
    return _record_fields(_prepared(definition), walk, recommendation)


def questions_on_path(definition: Mapping[str, Any], facts: Mapping[str, object]) -> list[str]:
    """Ids of the questions that apply given the facts: answered and still open, in order.

    Questions that cannot be placed yet (their ``ask_if`` waits on an unanswered question) are
    not included; ``progress`` counts them into its estimate.
    """
    walk, _ = _start(definition, facts)
    return [qid for qid, state in walk.status.items() if state in ("answered", "open")]


def progress(definition: Mapping[str, Any], facts: Mapping[str, object]) -> tuple[int, int]:
    """``(n, total)`` for "Question n of about total".

    ``n`` is the position of the next question on the path (1-based); ``total`` counts the
    questions on the path plus those that may still join it. When nothing is left to answer
    the result is ``(answered, answered)``.
    """
    walk, _ = _start(definition, facts)
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
