"""Issue 19: one answer for one situation, whoever asks.

For every current framework version and every full set of the facts its questions ask about,
the engine's output after walking the wizard question by question equals its output on the
same facts given all at once. The wizard's tree is enumerated depth first (``walks.paths``);
each full set of facts is reached exactly once, as the answers its path asks for plus any
values of the facts the path skips (about 313 000 sets over the five 1.1.0 versions; the
issue counted 86 000 for 1.0.0).

And the safety facts - those behind the child-protection, mandatory-notification,
report-the-concern and statutory-demand warnings - are asked before the outcome on every path
that could end in not sharing, so "do not share" never hides a child at risk.
"""

import pytest

from guidance import engine, frameworks
from tests.engine.walks import completions, paths, space_size, wizard_walk

LATEST = frameworks.load_latest()
SLUGS = sorted(LATEST)
F, T = False, True


def outcome(result: engine.Result) -> tuple:
    """Everything the pages show: recommendation, approval, warnings, record duties, rule."""
    return (
        result.recommendation,
        result.requires_approval,
        result.warnings,
        result.must_record,
        result.rule,
        result.next_question,
        result.missing,
    )


@pytest.mark.parametrize("slug", SLUGS)
def test_the_wizard_path_and_all_at_once_agree_for_every_set_of_facts(slug):
    definition = LATEST[slug]
    checked = 0
    for answers, walked in paths(definition):
        assert walked.recommendation != "incomplete"
        expected = outcome(walked)
        for facts in completions(definition, answers):
            at_once = engine.evaluate(definition, facts)
            if outcome(at_once) != expected:
                pytest.fail(f"{slug}: {facts} gives {at_once} at once, {walked} on the path")
            # What the path did not ask is set aside, and said to be.
            skipped = sorted(set(facts) - set(answers))
            assert list(at_once.ignored_facts) == skipped
            checked += 1
    assert checked == space_size(definition)


def test_the_enumeration_covers_every_combination():
    sizes = {slug: space_size(LATEST[slug]) for slug in SLUGS}
    assert sizes == {
        "nz": 110_592,
        "sa-isg": 18_432,
        "uk-2018": 73_728,
        "uk-2024": 73_728,
        "vic-ciss": 36_864,
    }


@pytest.mark.parametrize("slug", SLUGS)
def test_wizard_walk_matches_the_tree(slug):
    definition = LATEST[slug]
    for answers, walked in list(paths(definition))[::37]:
        full = next(completions(definition, answers))
        assert wizard_walk(definition, full) == answers
        assert engine.evaluate(definition, answers) == walked


def safety_facts(definition) -> set[str]:
    conditions = definition.get("conditions", {})
    return {
        fact
        for w in definition["warnings"]
        if w["code"] in engine.SAFETY_WARNINGS
        for fact in engine.condition_facts(w["when"], conditions)
    }


@pytest.mark.parametrize("slug", SLUGS)
def test_safety_facts_are_asked_before_any_refusal(slug):
    definition = LATEST[slug]
    facts = safety_facts(definition)
    assert facts, f"{slug} has no safety warning"
    dependent = engine.outcome_dependent_questions(definition)
    asking = {q["fact"]: q["id"] for q in definition["questions"]}
    assert not {asking[f] for f in facts} & dependent, "asked only after the outcome"
    refusals = 0
    for answers, result in paths(definition):
        if result.recommendation == "do_not_share":
            refusals += 1
            assert facts <= set(answers), (slug, answers)
    assert refusals


@pytest.mark.parametrize("slug", ["nz", "sa-isg", "uk-2018", "uk-2024"])
def test_safety_facts_were_not_always_asked_in_1_0_0(versions, slug):
    # Why the test above matters: in 1.0.0 a recipient without a role ended the questions
    # before the risk of harm was asked (vic-ciss 1.0.0 had no safety warning at all).
    definition = versions[(slug, "1.0.0")]
    facts = safety_facts(definition)
    assert facts
    missed = [
        answers
        for answers, result in paths(definition)
        if result.recommendation == "do_not_share" and not facts <= set(answers)
    ]
    assert missed


# The walk the browser test of issue 19 follows: the recipient has no role and the child is at
# risk of significant harm; the safety warning must be on the outcome, whatever path.
NO_ROLE_SIGNIFICANT = {
    "immediate_danger": F,
    "nz_statutory_demand": F,
    "risk_of_harm": "significant",
    "legitimate_purpose": T,
    "recipient_has_role": F,
    "advice_sought": T,
}
SAFETY = {
    "uk-2024": "follow_child_protection_procedures",
    "uk-2018": "follow_child_protection_procedures",
    "sa-isg": "mandatory_notification",
    "nz": "report_concern",
    "vic-ciss": "report_concern",
}


@pytest.mark.parametrize("slug", SLUGS)
def test_no_role_and_significant_harm_warns_on_the_wizard_path(slug):
    definition = LATEST[slug]
    known = engine.known_facts(definition)
    facts = {k: v for k, v in NO_ROLE_SIGNIFICANT.items() if k in known}
    answers = wizard_walk(definition, facts)
    assert answers == facts  # every one of them is asked, in this order
    assert list(answers) == [q["fact"] for q in definition["questions"] if q["fact"] in facts]
    result = engine.evaluate(definition, answers)
    assert result.recommendation == "do_not_share"
    assert result.rule == "no_role"
    assert result.next_question is None
    assert SAFETY[slug] in result.warnings
    assert result.requires_approval is (slug == "sa-isg")


def test_nz_no_purpose_still_meets_a_section_66_demand():
    nz = LATEST["nz"]
    facts = {"immediate_danger": F, "nz_statutory_demand": T, "legitimate_purpose": F}
    result = engine.evaluate(nz, facts)
    assert result.recommendation == "share_without_consent"
    assert result.rule == "statutory_demand"
    assert "statutory_demand" in result.warnings
    assert result.ignored_facts == ("legitimate_purpose",)
    walked = wizard_walk(nz, {**facts, "risk_of_harm": "none"})
    assert "nz_statutory_demand" in walked and "legitimate_purpose" not in walked


@pytest.mark.parametrize("told,warned", [(F, T), (T, F)])
def test_nz_with_a_demand_asks_about_informing_and_warns_to_inform(told, warned):
    nz = LATEST["nz"]
    facts = {
        "immediate_danger": F,
        "nz_statutory_demand": T,
        "risk_of_harm": "wellbeing",
        "informing_increases_risk": F,
        "necessary_and_proportionate": T,
        "third_party_at_risk": F,
        "subject_informed": told,
        "advice_sought": T,
    }
    answers = wizard_walk(nz, facts)
    assert answers == facts
    result = engine.evaluate(nz, answers)
    assert result.next_question is None
    assert ("inform_subject" in result.warnings) is warned
