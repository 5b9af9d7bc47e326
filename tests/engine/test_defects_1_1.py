"""Issue 13: each defect of 1.0.0, fixed in 1.1.0, with the source it rests on.

Every test runs the same facts through both versions: the assertion must hold on 1.1.0 and
must fail on 1.0.0 (facts a version does not know are left out for it, as ``decide --all``
does). No database, no Django.
"""

from collections.abc import Callable

import pytest

from guidance import engine

F, T = False, True
GATE = {"immediate_danger": F, "legitimate_purpose": T, "recipient_has_role": T}
NZ = {**GATE, "nz_statutory_demand": F, "informing_increases_risk": F}
VIC = {**GATE, "ciss_recipient_prescribed": T, "ciss_excluded_information": F}
U18 = {**GATE, "identifiable": T, "confidential": T}


def run(definition, facts) -> engine.Result:
    known = engine.known_facts(definition)
    return engine.evaluate(definition, {k: v for k, v in facts.items() if k in known})


def fixed(versions, slug: str, facts: dict, holds: Callable[[engine.Result], bool]) -> None:
    new = run(versions[(slug, "1.1.0")], facts)
    old = run(versions[(slug, "1.0.0")], facts)
    assert holds(new), new
    assert not holds(old), old


def bases(versions, slug: str, version: str, result: engine.Result) -> list[str]:
    rules = {r["id"]: r for r in versions[(slug, version)]["rules"]}
    return rules[result.rule].get("lawful_bases", [])


# 1. UK 2024 rule 3 ("a perceived risk of harm"); UK 2018 golden rule 4 ("where safety may be
#    at risk"): below significant harm, a refusal does not stop sharing.
@pytest.mark.parametrize(
    "slug,facts",
    [
        ("uk-2024", {**GATE, "informing_increases_risk": F}),
        ("uk-2018", U18),
    ],
)
def test_1_a_perceived_risk_below_significant_harm_is_enough(versions, slug, facts):
    facts = {**facts, "risk_of_harm": "wellbeing", "consent": "refused", "uk_perceived_risk": T}
    fixed(versions, slug, facts, lambda r: r.recommendation == "share_without_consent")
    wellbeing_only = run(versions[(slug, "1.1.0")], {**facts, "uk_perceived_risk": F})
    assert wellbeing_only.recommendation == "do_not_share"


# 2. SA ISG decision making steps / IPPI: information that identifies no one is not personal
#    information; it can be shared, with no senior approval.
def test_2_sa_isg_shares_de_identified_information_without_approval(versions):
    facts = {
        **GATE,
        "risk_of_harm": "wellbeing",
        "identifiable": F,
        "informing_increases_risk": F,
        "consent": "refused",
    }
    fixed(
        versions,
        "sa-isg",
        facts,
        lambda r: r.recommendation == "share_deidentified" and not r.requires_approval,
    )


# 3. Child Wellbeing and Safety Act 2005 (Vic) s 41W: the scheme needs a purpose of promoting
#    a child's wellbeing or safety; "no concern" does not meet it.
def test_3_vic_does_not_share_over_an_objection_with_no_concern(versions):
    facts = {**VIC, "risk_of_harm": "none", "informing_increases_risk": F, "consent": "refused"}
    fixed(versions, "vic-ciss", facts, lambda r: r.recommendation == "do_not_share")


# 4. Oranga Tamariki Act 1989 s 66: a formal requirement is met whatever the practitioner's own
#    purpose; it is asked straight after danger, and the output never contradicts itself.
def test_4_nz_section_66_demand_comes_before_the_purpose(versions):
    facts = {"immediate_danger": F, "nz_statutory_demand": T, "legitimate_purpose": F}

    def holds(r):
        return r.recommendation == "share_without_consent" and "statutory_demand" in r.warnings

    fixed(versions, "nz", facts, holds)
    assert versions[("nz", "1.1.0")]["questions"][1]["fact"] == "nz_statutory_demand"


# 5. Privacy and Data Protection Act 2014 (Vic) Sch 1 IPP 2.1(b): consent allows sharing with
#    a recipient outside the scheme.
def test_5_vic_shares_with_consent_outside_the_scheme(versions):
    facts = {
        **GATE,
        "risk_of_harm": "wellbeing",
        "ciss_recipient_prescribed": F,
        "informing_increases_risk": F,
        "consent": "given",
    }
    fixed(versions, "vic-ciss", facts, lambda r: r.recommendation == "share")
    result = run(versions[("vic-ciss", "1.1.0")], facts)
    assert bases(versions, "vic-ciss", "1.1.0", result) == ["pdpa-ipp2-consent"]


# 6. UK 2024 rule 3: consider any objection the child or their carers may have; override it
#    only to protect the child from harm.
U24 = {**GATE, "informing_increases_risk": F}


def test_6_a_competent_childs_objection_is_not_a_carers_consent(versions):
    facts = {
        **U24,
        "risk_of_harm": "wellbeing",
        "consent": "given",
        "uk_child_objects": T,
        "uk_perceived_risk": F,
    }
    fixed(versions, "uk-2024", facts, lambda r: r.recommendation == "do_not_share")
    result = run(versions[("uk-2024", "1.1.0")], facts)
    assert result.rule == "child_objects"
    assert "child_views" in result.must_record


def test_6_an_objection_is_overridden_only_to_protect_and_says_so(versions):
    facts = {**U24, "risk_of_harm": "significant", "consent": "given", "uk_child_objects": T}
    fixed(
        versions,
        "uk-2024",
        facts,
        lambda r: (
            r.recommendation == "share_without_consent" and "objection_overridden" in r.warnings
        ),
    )


@pytest.mark.parametrize("adult,asks", [(T, T), (F, F)])
def test_6_a_child_who_cannot_decide_is_not_the_same_as_no_adult_to_ask(versions, adult, asks):
    facts = {
        **U24,
        "risk_of_harm": "wellbeing",
        "consent": "not_sought",
        "consent_not_sought_reason": "not_competent",
        "uk_adult_can_be_asked": adult,
        "uk_perceived_risk": F,
        "advice_sought": F,
    }
    new = run(versions[("uk-2024", "1.1.0")], facts)
    assert new.recommendation == "do_not_share"
    assert ("seek_consent" in new.warnings) is asks
    assert "seek_advice" in new.warnings
    old = run(versions[("uk-2024", "1.0.0")], facts)
    assert "seek_consent" in old.warnings  # 1.0.0 could not tell the two apart
    assert ("uk_adult_can_be_asked" in engine.known_facts(versions[("uk-2024", "1.0.0")])) is F


# 7. UK GDPR Art 6(1)(f) (legitimate interests, the voluntary sector's usual basis) is offered
#    for sharing without consent; DPA 2018 Sch 1 para 18 only where there is no consent.
@pytest.mark.parametrize(
    "slug,consented,refused",
    [
        (
            "uk-2024",
            {**U24, "risk_of_harm": "wellbeing", "consent": "given", "uk_child_objects": F},
            {**U24, "risk_of_harm": "significant", "consent": "refused"},
        ),
        (
            "uk-2018",
            {**U18, "risk_of_harm": "wellbeing", "consent": "given"},
            {**U18, "risk_of_harm": "significant", "consent": "refused"},
        ),
    ],
)
def test_7_uk_lawful_bases_match_consent_or_its_absence(versions, slug, consented, refused):
    def sound(version):
        d = versions[(slug, version)]
        with_consent = bases(versions, slug, version, run(d, consented))
        without = bases(versions, slug, version, run(d, refused))
        return "gdpr-9-2-g-dpa-sch1-18" not in with_consent and "gdpr-6-1-f" in without

    assert sound("1.1.0")
    assert not sound("1.0.0")


# 8. Family Violence Act 2018 ss 20-21 and Privacy Act 2020 IPP 11(1)(e): routes to share
#    without consent besides a serious threat.
@pytest.mark.parametrize(
    "route,basis", [("family_violence", "fva-s20"), ("law_enforcement", "ipp11-1-e")]
)
def test_8_nz_family_violence_and_law_enforcement_routes(versions, route, basis):
    facts = {
        **NZ,
        "risk_of_harm": "wellbeing",
        "consent": "refused",
        "nz_child_welfare_agencies": F,
        "nz_other_route": route,
    }
    fixed(versions, "nz", facts, lambda r: r.recommendation == "share_without_consent")
    result = run(versions[("nz", "1.1.0")], facts)
    assert bases(versions, "nz", "1.1.0", result) == [basis]


# 9. UK 2024 rules 2-3, UK 2018 golden rule 2, SA ISG practice tip 3, OTA s 65A(2): do not tell
#    a practitioner to ask for consent they judged unsafe to ask for; in the UK that judgement
#    is itself a perceived risk of harm.
UNSAFE = {
    "risk_of_harm": "wellbeing",
    "consent": "not_sought",
    "consent_not_sought_reason": "unsafe",
    "uk_perceived_risk": F,
}


@pytest.mark.parametrize(
    "slug,facts,recommendation",
    [
        ("uk-2024", {**U24, **UNSAFE}, "share_without_consent"),
        ("uk-2018", {**U18, **UNSAFE}, "share_without_consent"),
        (
            "sa-isg",
            {**GATE, "identifiable": T, "informing_increases_risk": F, **UNSAFE},
            "do_not_share",
        ),
        (
            "nz",
            {**NZ, **UNSAFE, "nz_child_welfare_agencies": F, "nz_other_route": "neither"},
            "do_not_share",
        ),
    ],
)
def test_9_no_seek_consent_when_asking_is_unsafe(versions, slug, facts, recommendation):
    fixed(versions, slug, facts, lambda r: "seek_consent" not in r.warnings)
    assert run(versions[(slug, "1.1.0")], facts).recommendation == recommendation
    later = {**facts, "consent_not_sought_reason": "impracticable"}
    if recommendation == "do_not_share":
        assert "seek_consent" in run(versions[(slug, "1.1.0")], later).warnings


# 10. UK 2018 golden rules 2 and 4 with UK 2024 rule 3: a known refusal counts for
#     information that is not confidential too, so the two UK frameworks agree.
def test_10_uk_frameworks_agree_on_a_refusal_of_non_confidential_information(versions):
    facts = {
        **U18,
        "confidential": F,
        "risk_of_harm": "wellbeing",
        "consent": "refused",
        "informing_increases_risk": F,
        "uk_perceived_risk": F,
    }

    def agree(version):
        return (
            run(versions[("uk-2018", version)], facts).recommendation
            == run(versions[("uk-2024", version)], facts).recommendation
            == "do_not_share"
        )

    assert agree("1.1.0")
    assert not agree("1.0.0")


# 11. Family Violence Protection Act 2008 (Vic) Part 5A: the FVISS is for family-violence risk,
#     not a basis for wellbeing-only sharing.
def test_11_vic_does_not_offer_fviss_for_wellbeing_only(versions):
    facts = {
        **VIC,
        "risk_of_harm": "wellbeing",
        "informing_increases_risk": F,
        "consent": "refused",
    }

    def holds(version):
        result = run(versions[("vic-ciss", version)], facts)
        offered = bases(versions, "vic-ciss", version, result)
        return result.recommendation == "share_without_consent" and "fviss-part5a" not in offered

    assert holds("1.1.0")
    assert not holds("1.0.0")


# 12. UK 2018 golden rule 6 (necessary, proportionate) for de-identified sharing; the DfE
#     summary's rule on protecting identities, so "could be harmed if identified" matters.
def test_12_uk_2018_de_identified_sharing_warns_to_reduce(versions):
    facts = {**GATE, "risk_of_harm": "none", "identifiable": F, "necessary_and_proportionate": F}
    fixed(versions, "uk-2018", facts, lambda r: "reduce_to_necessary" in r.warnings)


def test_12_uk_2018_asks_whether_anyone_could_be_harmed_if_identified(versions):
    facts = {
        **U18,
        "risk_of_harm": "none",
        "consent": "given",
        "necessary_and_proportionate": T,
        "third_party_at_risk": T,
    }
    fixed(versions, "uk-2018", facts, lambda r: "protect_identities" in r.warnings)


# 13. The engine says what it did with each fact: a fact the version uses is never silently
#     dropped (the Vic risk of harm in 1.0.0 was, which hid defect 3).
def test_13_a_used_fact_is_not_reported_ignored_and_an_unused_one_is(versions):
    facts = {**VIC, "risk_of_harm": "none", "informing_increases_risk": F, "consent": "refused"}
    fixed(versions, "vic-ciss", facts, lambda r: "risk_of_harm" not in r.ignored_facts)
    old = run(versions[("vic-ciss", "1.0.0")], facts)
    assert old.ignored_facts == ("risk_of_harm",)
    assert old.rule == "threshold_met"
