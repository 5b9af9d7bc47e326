"""Property-based tests over all fact combinations, complete and partial, for every framework
version (published versions stay in use by the decisions made under them).

Chosen convention: ``next_question is None`` exactly when ``missing`` is empty, and
``missing[0]`` is always the fact of ``next_question``; ``incomplete`` always comes with a next
question (a definition can never strand the wizard).
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guidance import engine, frameworks

LATEST = {f"{d['slug']}@{d['version']}": d for d in frameworks.load_definitions()}
SLUGS = sorted(LATEST)
SHARING = {"share", "share_without_consent", "share_deidentified"}
SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def values(kind):
    return st.booleans() if kind is bool else st.sampled_from(kind)


@st.composite
def cases(draw, slug=None):
    """A framework and a partial set of facts: each fact absent, None, or a valid value."""
    slug = slug or draw(st.sampled_from(SLUGS))
    definition = LATEST[slug]
    facts = {}
    for name, kind in engine.known_facts(definition).items():
        choice = draw(st.integers(0, 3))
        if choice == 0:
            continue
        facts[name] = None if choice == 1 else draw(values(kind))
    return definition, facts


@SETTINGS
@given(cases())
def test_never_raises_and_recommends_something_valid(case):
    definition, facts = case
    result = engine.evaluate(definition, facts)
    assert result.recommendation in engine.RECOMMENDATIONS
    assert set(result.must_record) <= set(engine.RECORD_FIELDS)
    assert set(result.warnings) <= set(engine.WARNINGS)
    assert result.framework == definition["slug"]
    given = {k for k, v in facts.items() if v is not None}
    assert set(result.ignored_facts) <= given
    assert list(result.ignored_facts) == sorted(result.ignored_facts)
    assert result.version == definition["version"]


@SETTINGS
@given(cases())
def test_never_shares_without_a_purpose_and_a_recipient_with_a_role(case):
    definition, facts = case
    result = engine.evaluate(definition, facts)
    # NZ from 1.1.0 settles a section 66 demand first: the demanding agency's statutory
    # purpose replaces the practitioner's own, so those two questions are not asked.
    demand_first = any(
        q["fact"] == "nz_statutory_demand" and "ask_if" not in q for q in definition["questions"]
    )
    if demand_first and facts.get("nz_statutory_demand") is not False:
        return
    if facts.get("immediate_danger") is True:
        assert result.recommendation == "act_now"
    elif facts.get("legitimate_purpose") is False or facts.get("recipient_has_role") is False:
        assert result.recommendation not in SHARING
        # Rules are tried strictly in order: with the purpose still unknown, a recipient
        # without a role leaves the result incomplete rather than guessing.
        if facts.get("immediate_danger") is False and (
            facts.get("legitimate_purpose") is False or facts.get("legitimate_purpose") is True
        ):
            assert result.recommendation == "do_not_share"


@SETTINGS
@given(cases())
def test_danger_now_always_means_act_now_without_approval(case):
    definition, facts = case
    facts["immediate_danger"] = True
    result = engine.evaluate(definition, facts)
    assert result.recommendation == "act_now"
    assert result.requires_approval is False
    assert {"emergency_action", "rationale"} <= set(result.must_record)


@SETTINGS
@given(cases())
def test_sharing_without_consent_always_needs_approval(case):
    definition, facts = case
    result = engine.evaluate(definition, facts)
    if result.recommendation == "share_without_consent":
        assert result.requires_approval is True
    if result.recommendation in ("incomplete", "act_now"):
        assert result.requires_approval is False
    assert result.requires_approval is (result.recommendation in definition["approval"])


@SETTINGS
@given(cases())
def test_next_question_is_none_exactly_when_nothing_is_missing(case):
    definition, facts = case
    result = engine.evaluate(definition, facts)
    assert (result.next_question is None) is (result.missing == [])
    if result.next_question is not None:
        assert engine.question(definition, result.next_question)["fact"] == result.missing[0]
        assert result.next_question in engine.questions_on_path(definition, facts)
    if result.recommendation == "incomplete":
        assert result.next_question is not None
    known = {k for k, v in facts.items() if v is not None}
    assert not set(result.missing) & known


@SETTINGS
@given(cases())
def test_as_dict_has_exactly_the_contract_keys_and_is_json(case):
    definition, facts = case
    data = engine.evaluate(definition, facts).as_dict()
    assert set(data) == {
        "recommendation",
        "requires_approval",
        "must_record",
        "missing",
        "warnings",
        "next_question",
        "framework",
        "version",
        "ignored_facts",
        "rule",
    }
    assert data["ignored_facts"] == sorted(data["ignored_facts"])
    assert json.loads(json.dumps(data)) == data


@SETTINGS
@given(cases(), st.data())
def test_a_decision_never_changes_as_more_questions_are_answered(case, data):
    definition, facts = case
    before = engine.evaluate(definition, facts)
    if before.next_question is None:
        return
    q = engine.question(definition, before.next_question)
    kind = engine.known_facts(definition)[q["fact"]]
    after = engine.evaluate(definition, {**facts, q["fact"]: data.draw(values(kind))})
    if before.recommendation != "incomplete":
        assert after.recommendation == before.recommendation
        assert after.rule == before.rule


@pytest.mark.parametrize("slug", SLUGS)
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_answering_the_wizard_in_order_always_reaches_a_decision(slug, data):
    definition = LATEST[slug]
    kinds = engine.known_facts(definition)
    facts: dict = {}
    seen = []
    for _ in range(len(definition["questions"]) + 1):
        result = engine.evaluate(definition, facts)
        n, total = engine.progress(definition, facts)
        assert 1 <= n <= total or (n == total)
        if result.next_question is None:
            assert n == total == len(seen)
            break
        assert n == len(seen) + 1
        fact = engine.question(definition, result.next_question)["fact"]
        facts[fact] = data.draw(values(kinds[fact]))
        seen.append(result.next_question)
    else:
        pytest.fail("the wizard never finished")
    assert result.recommendation != "incomplete"
    assert engine.questions_on_path(definition, facts) == seen
    assert len(seen) == len(set(seen)) <= len(definition["questions"])


def all_paths(definition):
    """Every way through the wizard: (facts, result) at each end, answering in order."""
    kinds = engine.known_facts(definition)
    ends = []

    def walk(facts):
        result = engine.evaluate(definition, facts)
        if result.next_question is None:
            ends.append((facts, result))
            return
        fact = engine.question(definition, result.next_question)["fact"]
        for value in (True, False) if kinds[fact] is bool else kinds[fact]:
            walk({**facts, fact: value})

    walk({})
    return ends


@pytest.mark.parametrize("slug", SLUGS)
def test_every_path_through_the_wizard_ends_in_a_decision(slug):
    definition = LATEST[slug]
    ends = all_paths(definition)
    lengths = []
    for facts, result in ends:
        assert result.recommendation != "incomplete"
        assert result.missing == []
        if result.recommendation in ("share", "share_without_consent"):
            assert {"rationale", "items", "recipients"} <= set(result.must_record)
        if result.recommendation == "do_not_share":
            assert "rationale" in result.must_record or "refusal_reasons" in result.must_record
        if facts.get("immediate_danger") is False:
            lengths.append(len(engine.questions_on_path(definition, facts)))
    # Short paths end early (no purpose); the longest adds the optional sub-questions.
    assert max(lengths) <= 14
    assert sorted(lengths)[len(lengths) // 2] <= 12
