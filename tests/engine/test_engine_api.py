"""The public surface: Result, progress, question, questions_on_path, vocabularies, and the
guard that the engine and loader stay free of Django."""

import ast
import dataclasses
from pathlib import Path

import pytest

from guidance import engine

GUIDANCE = Path(engine.__file__).resolve().parents[1]


def test_recommendations_are_the_contract():
    assert engine.RECOMMENDATIONS == (
        "act_now",
        "share",
        "share_without_consent",
        "share_deidentified",
        "do_not_share",
        "incomplete",
    )


def test_record_fields_are_the_contract():
    assert engine.RECORD_FIELDS == (
        "request",
        "rationale",
        "items",
        "recipients",
        "method",
        "lawful_basis",
        "consent",
        "consent_reason",
        "informed",
        "not_informed_reason",
        "child_views",
        "advice",
        "proportionality",
        "refusal_reasons",
        "emergency_action",
        "follow_up",
    )


def test_every_warning_has_a_one_sentence_explanation():
    for code in (
        "reduce_to_necessary",
        "protect_identities",
        "inform_subject",
        "do_not_inform_subject",
        "seek_advice",
        "mandatory_notification",
        "give_written_reasons",
        "consider_views",
    ):
        assert code in engine.WARNINGS
    for text in engine.WARNINGS.values():
        assert text.endswith(".") and text.count(". ") == 0


def test_every_warning_code_is_used_by_some_framework(latest):
    used = {w["code"] for d in latest.values() for w in d["warnings"]}
    assert used == set(engine.WARNINGS)


def test_result_is_frozen_and_as_dict_says_which_rule_decided(latest):
    result = engine.evaluate(latest["uk-2024"], {"immediate_danger": True, "confidential": True})
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.recommendation = "share"  # type: ignore[misc]
    assert result.rule == "danger"
    assert result.as_dict() == {
        "recommendation": "act_now",
        "requires_approval": False,
        "must_record": ["emergency_action", "rationale", "follow_up"],
        "missing": [
            "risk_of_harm",
            "legitimate_purpose",
            "necessary_and_proportionate",
            "third_party_at_risk",
            "advice_sought",
        ],
        "warnings": [],
        "next_question": "risk_of_harm",
        "framework": "uk-2024",
        "version": "1.1.0",
        # uk-2024 has no confidentiality step: the fact is accepted, set aside and named.
        "ignored_facts": ["confidential"],
        "rule": "danger",
    }


def test_incomplete_result_needs_no_approval_and_records_nothing(decide):
    result = decide("sa-isg")
    assert result.recommendation == "incomplete"
    assert result.requires_approval is False
    assert result.must_record == []
    assert result.rule is None
    assert result.next_question == "immediate_danger"


def test_question_by_id(latest):
    q = engine.question(latest["nz"], "nz_statutory_demand")
    assert q["fact"] == "nz_statutory_demand"
    assert set(q["answers"]) == {"true", "false"}
    with pytest.raises(KeyError):
        engine.question(latest["nz"], "nope")


def test_progress_at_the_start_counts_questions_that_may_join(latest):
    n, total = engine.progress(latest["uk-2024"], {})
    assert n == 1
    assert total == len(latest["uk-2024"]["questions"])


def test_progress_after_refusal_for_no_purpose_is_short(latest):
    facts = {"immediate_danger": False, "risk_of_harm": "none", "legitimate_purpose": False}
    assert engine.progress(latest["uk-2024"], facts) == (4, 4)
    assert engine.questions_on_path(latest["uk-2024"], facts) == [
        "immediate_danger",
        "risk_of_harm",
        "legitimate_purpose",
        "advice_sought",
    ]


def test_progress_when_everything_is_answered(latest):
    facts = {
        "immediate_danger": False,
        "risk_of_harm": "none",
        "legitimate_purpose": False,
        "advice_sought": True,
    }
    assert engine.progress(latest["uk-2024"], facts) == (4, 4)
    assert engine.evaluate(latest["uk-2024"], facts).next_question is None


def test_questions_on_path_skip_the_reason_unless_consent_was_not_sought(latest):
    d = latest["sa-isg"]
    base = {
        "immediate_danger": False,
        "legitimate_purpose": True,
        "recipient_has_role": True,
        "risk_of_harm": "significant",
        "informing_increases_risk": True,
    }
    assert "consent_not_sought_reason" not in engine.questions_on_path(
        d, {**base, "consent": "refused"}
    )
    assert "consent_not_sought_reason" in engine.questions_on_path(
        d, {**base, "consent": "not_sought"}
    )


def test_questions_on_path_include_answers_given_out_of_order(latest):
    path = engine.questions_on_path(latest["uk-2024"], {"advice_sought": True})
    assert path == ["immediate_danger", "risk_of_harm", "legitimate_purpose", "advice_sought"]
    assert engine.progress(latest["uk-2024"], {"advice_sought": True})[0] == 1


MODULES = sorted(
    str(path.relative_to(GUIDANCE))
    for package in ("engine", "frameworks")
    for path in (GUIDANCE / package).glob("*.py")
)


def test_engine_and_loader_are_packages_of_small_modules():
    assert {"engine/__init__.py", "frameworks/__init__.py"} <= set(MODULES)
    for module in MODULES:
        assert len((GUIDANCE / module).read_text().splitlines()) <= 400, module


@pytest.mark.parametrize("module", MODULES)
def test_engine_and_loader_import_nothing_from_django(module):
    tree = ast.parse((GUIDANCE / module).read_text())
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module or "")
    assert not any(name == "django" or name.startswith("django.") for name in imported)
    allowed = {
        "__future__",
        "json",
        "re",
        "collections.abc",
        "dataclasses",
        "datetime",
        "pathlib",
        "typing",
        "itertools",
    }
    own = {name for name in imported if name.startswith(("guidance.engine", "guidance.frameworks"))}
    assert imported - own <= allowed


def test_record_fields_for_an_outcome_other_than_the_recommendation(latest):
    d = latest["uk-2018"]
    facts = {
        "immediate_danger": False,
        "legitimate_purpose": True,
        "recipient_has_role": True,
        "identifiable": True,
        "confidential": True,
        "consent": "refused",
        "risk_of_harm": "significant",
    }
    assert engine.evaluate(d, facts).must_record == engine.record_fields(
        d, facts, "share_without_consent"
    )
    assert engine.record_fields(d, facts, "share_deidentified") == [
        "rationale",
        "items",
        "recipients",
        "method",
    ]
    assert engine.record_fields(d, facts, "do_not_share") == [
        "rationale",
        "refusal_reasons",
        "consent",
    ]
    assert engine.record_fields(d, facts, "incomplete") == []
    with pytest.raises(engine.EngineError):
        engine.record_fields(d, facts, "maybe")


def test_sa_refusal_always_records_the_senior_persons_advice(latest):
    facts = {"immediate_danger": False, "legitimate_purpose": False}
    assert engine.record_fields(latest["sa-isg"], facts, "do_not_share") == [
        "request",
        "refusal_reasons",
        "rationale",
        "advice",
    ]
