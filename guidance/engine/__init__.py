"""The decision engine: facts in, recommendation out.

This package is the one place where a framework's rules are evaluated. It knows nothing about
any particular framework: everything framework-specific (questions, branches, outcomes,
approval, record duties, warnings) lives in the framework definition, a plain dict loaded from
JSON by ``guidance.frameworks``. It imports nothing from Django so that the wizard, the API,
the ``decide`` command and the tests can all call it the same way.

Conditions (``ask_if`` on questions, ``when`` on rules, warnings and record items) are small
JSON trees evaluated with three-valued logic (``guidance.engine.conditions``).

A question whose ``ask_if`` is definitely false is *skipped*: its fact counts as "not
applicable", which no ``is``/``in`` test matches, and an answer the caller gave to it anyway
is set aside and reported in ``ignored_facts``. So the result depends only on the answers the
path asks for: the wizard, asking one question at a time, and a caller giving every fact at
once get the same recommendation, approval and warnings (issue 19).
"""

from guidance.engine.conditions import (
    Context,
    condition_facts,
    condition_uses_outcome,
    iter_condition,
)
from guidance.engine.evaluate import (
    Result,
    evaluate,
    outcome_dependent_questions,
    progress,
    question,
    questions_on_path,
    record_fields,
)
from guidance.engine.facts import (
    asked_facts,
    check_fact_value,
    known_facts,
    split_facts,
    validate_facts,
)
from guidance.engine.vocabulary import (
    CANONICAL_FACTS,
    RECOMMENDATIONS,
    RECORD_FIELDS,
    SAFETY_WARNINGS,
    WARNINGS,
    EngineError,
    FactError,
    FactType,
)

__all__ = [
    "CANONICAL_FACTS",
    "RECOMMENDATIONS",
    "RECORD_FIELDS",
    "SAFETY_WARNINGS",
    "WARNINGS",
    "Context",
    "EngineError",
    "FactError",
    "FactType",
    "Result",
    "asked_facts",
    "check_fact_value",
    "condition_facts",
    "condition_uses_outcome",
    "evaluate",
    "iter_condition",
    "known_facts",
    "outcome_dependent_questions",
    "progress",
    "question",
    "questions_on_path",
    "record_fields",
    "split_facts",
    "validate_facts",
]
