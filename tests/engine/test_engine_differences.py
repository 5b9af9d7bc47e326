"""The table of how the five frameworks differ (docs/frameworks.md), pinned for the latest
versions (1.1.0)."""

import pytest

F, T = False, True
OPEN = {"immediate_danger": F, "legitimate_purpose": T, "recipient_has_role": T}

# Facts that reach each framework's consent decision, with nothing framework-specific
# tipping the balance (no s 66 demand in NZ; a prescribed recipient and no excluded
# information in Victoria; identifiable, confidential information in uk-2018).
# A wellbeing need is no perceived risk of harm in the UK frameworks; in NZ no other law
# (family violence, law enforcement) applies.
REACH = {
    "uk-2024": {**OPEN, "informing_increases_risk": F, "uk_perceived_risk": F},
    "uk-2018": {**OPEN, "identifiable": T, "confidential": T, "uk_perceived_risk": F},
    "sa-isg": {**OPEN, "identifiable": T, "informing_increases_risk": F},
    "nz": {
        **OPEN,
        "nz_statutory_demand": F,
        "informing_increases_risk": F,
        "nz_child_welfare_agencies": T,
        "nz_other_route": "neither",
    },
    "vic-ciss": {
        **OPEN,
        "ciss_recipient_prescribed": T,
        "ciss_excluded_information": F,
        "informing_increases_risk": F,
    },
}


@pytest.mark.parametrize(
    "slug,expected",
    [
        ("uk-2018", "do_not_share"),  # golden rule 4: respect refusals absent good reason
        ("uk-2024", "do_not_share"),  # wellbeing only: the refusal is respected
        ("sa-isg", "do_not_share"),  # needs a serious threat
        ("nz", "share_without_consent"),  # OTA s 66C: wellbeing, between agencies
        ("vic-ciss", "share_without_consent"),  # CISS: no consent needed, wellbeing or safety
    ],
)
def test_wellbeing_alone_with_consent_refused(decide, slug, expected):
    result = decide(slug, **REACH[slug], risk_of_harm="wellbeing", consent="refused")
    assert result.recommendation == expected


def test_nz_wellbeing_refusal_needs_both_sides_to_be_child_welfare_agencies(decide):
    facts = {**REACH["nz"], "nz_child_welfare_agencies": F}
    result = decide("nz", **facts, risk_of_harm="wellbeing", consent="refused")
    assert result.recommendation == "do_not_share"


def test_vic_wellbeing_refusal_blocked_by_excluded_information(decide):
    facts = {**REACH["vic-ciss"], "ciss_excluded_information": T}
    result = decide("vic-ciss", **facts, risk_of_harm="wellbeing", consent="refused")
    assert result.recommendation == "do_not_share"


@pytest.mark.parametrize("slug", REACH)
def test_significant_harm_without_consent_is_shared_in_all_five(decide, slug):
    result = decide(slug, **REACH[slug], risk_of_harm="significant", consent="refused")
    assert result.recommendation == "share_without_consent"
    assert result.requires_approval is True


@pytest.mark.parametrize(
    "slug,needs_approval",
    [
        ("uk-2018", False),
        ("uk-2024", False),
        ("sa-isg", True),
        ("nz", False),
        ("vic-ciss", False),
    ],
)
def test_only_sa_needs_senior_approval_to_refuse(decide, slug, needs_approval):
    result = (
        decide(slug, immediate_danger=F, nz_statutory_demand=F, legitimate_purpose=F)
        if (slug == "nz")
        else decide(slug, immediate_danger=F, legitimate_purpose=F)
    )
    assert result.recommendation == "do_not_share"
    assert result.requires_approval is needs_approval


@pytest.mark.parametrize(
    "slug,shares",
    [
        ("uk-2018", False),
        ("uk-2024", False),
        ("sa-isg", False),
        ("nz", False),
        ("vic-ciss", True),
    ],
)
def test_confidentiality_is_a_separate_step_only_in_uk_2018(decide, latest, slug, shares):
    # Information that is not confidential, a wellbeing need and a refusal: since 1.1.0 the
    # 2018 flowchart respects a known refusal like the 2024 advice (issue 13, defect 10);
    # Victoria shares for its own reason: no consent is needed under the scheme.
    facts = {**REACH[slug], "confidential": F, "nz_child_welfare_agencies": F}
    if slug != "nz":
        del facts["nz_child_welfare_agencies"]
    result = decide(slug, **facts, risk_of_harm="wellbeing", consent="refused")
    asks_confidential = any(q["fact"] == "confidential" for q in latest[slug]["questions"])
    assert asks_confidential is (slug == "uk-2018")
    assert (result.recommendation in {"share", "share_without_consent"}) is shares
    if slug == "uk-2018":
        assert result.recommendation == "do_not_share"
        assert result.rule == "no_other_reason"
        # With nobody asked yet, non-confidential information can still go (step 3).
        facts = {**REACH[slug], "confidential": F, "consent": "not_sought"}
        facts["consent_not_sought_reason"] = "impracticable"
        assert decide(slug, **facts, risk_of_harm="wellbeing").rule == "not_confidential"


@pytest.mark.parametrize("slug", REACH)
def test_sharing_without_consent_always_needs_approval(latest, slug):
    assert "share_without_consent" in latest[slug]["approval"]
    assert "act_now" not in latest[slug]["approval"]


def test_uk_2018_and_sa_isg_recommend_de_identified_sharing(latest):
    produces = {
        slug: any(r["recommendation"] == "share_deidentified" for r in d["rules"])
        for slug, d in latest.items()
    }
    assert produces == {
        "uk-2018": True,
        "uk-2024": False,
        "sa-isg": True,  # since 1.1.0 (issue 13, defect 2)
        "nz": False,
        "vic-ciss": False,
    }
