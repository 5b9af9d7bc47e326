"""Walking a framework the way the wizard does, and enumerating every way through it.

The wizard (``decisions`` wizard views) asks ``next_question`` one page at a time, saves the
answer, drops answers that no longer apply (``questions_on_path``) and shows
``evaluate(definition, answers so far)``. ``wizard_walk`` does the same with a dict of answers;
``paths`` enumerates the wizard's whole tree, depth first, so that every full set of facts is
reached exactly once as (the answers the path asks for) + (any values of the facts it skips).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any

from guidance import engine


def values(kind: engine.FactType) -> tuple[object, ...]:
    return (True, False) if kind is bool else tuple(kind)  # type: ignore[arg-type]


def wizard_walk(definition: Mapping[str, Any], facts: Mapping[str, object]) -> dict[str, object]:
    """The answers the wizard would hold after asking, in turn, every question its path asks.

    Stops at the first question ``facts`` has no answer for (the practitioner stops there too).
    """
    answers: dict[str, object] = {}
    while True:
        result = engine.evaluate(definition, answers)
        if result.next_question is None:
            return answers
        fact = engine.question(definition, result.next_question)["fact"]
        if fact not in facts:
            return answers
        answers[fact] = facts[fact]
        # What draft_answer keeps: only the answers still on the path.
        on_path = {
            engine.question(definition, qid)["fact"]
            for qid in engine.questions_on_path(definition, answers)
        }
        assert set(answers) <= on_path, (answers, on_path)


def paths(definition: Mapping[str, Any]) -> Iterator[tuple[dict[str, object], engine.Result]]:
    """Every complete way through the wizard: (answers, the wizard's final result)."""
    kinds = engine.known_facts(definition)

    def walk(answers: dict[str, object]) -> Iterator[tuple[dict[str, object], engine.Result]]:
        result = engine.evaluate(definition, answers)
        if result.next_question is None:
            yield answers, result
            return
        fact = engine.question(definition, result.next_question)["fact"]
        for value in values(kinds[fact]):
            yield from walk({**answers, fact: value})

    yield from walk({})


def completions(
    definition: Mapping[str, Any], answers: Mapping[str, object]
) -> Iterator[dict[str, object]]:
    """Every full set of the framework's asked facts that agrees with ``answers``."""
    kinds = engine.known_facts(definition)
    rest = [fact for fact in engine.asked_facts(definition) if fact not in answers]
    for combination in itertools.product(*(values(kinds[fact]) for fact in rest)):
        yield {**answers, **dict(zip(rest, combination, strict=True))}


def space_size(definition: Mapping[str, Any]) -> int:
    """How many full sets of asked facts there are (the product of every question's answers)."""
    kinds = engine.known_facts(definition)
    size = 1
    for fact in engine.asked_facts(definition):
        size *= len(values(kinds[fact]))
    return size
