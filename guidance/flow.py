"""A framework's decision flow, found by asking the engine where each answer leads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from guidance import engine
from guidance.vocabulary import (
    RECOMMENDATION_TAGS,
    answer_key,
    answer_values,
    recommendation_label,
)

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
        for value in answer_values(kinds[q["fact"]]):
            label = q["answers"][answer_key(value)]
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
