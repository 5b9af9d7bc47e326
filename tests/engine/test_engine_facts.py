"""validate_facts and FactError: names, types, None, canonical-but-unused facts."""

import pytest

from guidance import engine
from guidance.engine import FactError


@pytest.fixture
def uk(latest):
    return latest["uk-2024"]


def test_unknown_fact_is_named(uk):
    with pytest.raises(FactError) as err:
        engine.validate_facts(uk, {"foo": True})
    assert err.value.fact == "foo"
    assert str(err.value) == "unknown fact 'foo'"


@pytest.mark.parametrize(
    "value,shown",
    [
        (1, "1"),
        (0, "0"),
        ("yes", '"yes"'),
        ("true", '"true"'),
        ([True], "[true]"),
        ({"a": 1}, '{"a": 1}'),
        (1.0, "1.0"),
    ],
)
def test_bool_fact_must_be_a_real_bool(uk, value, shown):
    with pytest.raises(FactError) as err:
        engine.validate_facts(uk, {"identifiable": value})
    assert err.value.fact == "identifiable"
    assert str(err.value) == f"fact 'identifiable' must be true or false (got {shown})"


@pytest.mark.parametrize("value", ["yes", "Given", "", True, 1, ["given"], {"given": 1}])
def test_choice_fact_must_be_an_allowed_string(uk, value):
    with pytest.raises(FactError) as err:
        engine.validate_facts(uk, {"consent": value})
    assert err.value.fact == "consent"
    assert str(err.value).startswith("fact 'consent' must be one of given, refused, not_sought")


def test_none_means_unknown_and_is_dropped(uk):
    assert engine.validate_facts(uk, {"consent": None, "immediate_danger": False}) == {
        "immediate_danger": False
    }


def test_canonical_fact_the_framework_does_not_use_is_accepted_and_ignored(uk):
    # uk-2024 has no confidentiality step.
    assert engine.validate_facts(uk, {"confidential": True}) == {}
    told, untold = engine.evaluate(uk, {"confidential": True}), engine.evaluate(uk, {})
    assert told.ignored_facts == ("confidential",)
    assert untold.ignored_facts == ()
    assert told.as_dict() | {"ignored_facts": []} == untold.as_dict()


def test_canonical_unused_fact_still_needs_a_valid_value(uk):
    with pytest.raises(FactError):
        engine.validate_facts(uk, {"confidential": "yes"})


@pytest.mark.parametrize(
    "slug,foreign",
    [
        ("uk-2024", "ciss_excluded_information"),
        ("nz", "ciss_excluded_information"),
        ("vic-ciss", "nz_statutory_demand"),
        ("sa-isg", "nz_child_welfare_agencies"),
    ],
)
def test_another_frameworks_fact_is_unknown_here(latest, slug, foreign):
    with pytest.raises(FactError) as err:
        engine.validate_facts(latest[slug], {foreign: True})
    assert err.value.fact == foreign


def test_own_namespaced_fact_is_accepted(latest):
    nz = latest["nz"]
    assert engine.validate_facts(nz, {"nz_statutory_demand": True}) == {"nz_statutory_demand": True}
    with pytest.raises(FactError):
        engine.validate_facts(nz, {"nz_statutory_demand": "true"})


def test_facts_must_be_a_mapping(uk):
    with pytest.raises(FactError):
        engine.validate_facts(uk, [("consent", "given")])


def test_evaluate_validates_facts(uk):
    with pytest.raises(engine.EngineError):
        engine.evaluate(uk, {"risk_of_harm": "high"})


def test_known_facts_lists_canonical_and_own(latest):
    known = engine.known_facts(latest["vic-ciss"])
    assert set(engine.CANONICAL_FACTS) <= set(known)
    assert known["ciss_excluded_information"] is bool
    assert known["consent"] == ("given", "refused", "not_sought")
    assert "nz_statutory_demand" not in known


def test_canonical_vocabulary_is_exactly_the_design(latest):
    assert list(engine.CANONICAL_FACTS) == [
        "immediate_danger",
        "legitimate_purpose",
        "recipient_has_role",
        "identifiable",
        "confidential",
        "consent",
        "consent_not_sought_reason",
        "risk_of_harm",
        "informing_increases_risk",
        "subject_informed",
        "necessary_and_proportionate",
        "third_party_at_risk",
        "advice_sought",
    ]
    assert engine.CANONICAL_FACTS["consent_not_sought_reason"] == (
        "unsafe",
        "prejudice_investigation",
        "impracticable",
        "not_competent",
    )
    assert engine.CANONICAL_FACTS["risk_of_harm"] == ("none", "wellbeing", "significant")
