"""One test per branch of every framework, as published in version 1.0.0.

Version 1.0.0 stays published (decisions made under it must read and reconsider as they were
decided), so its branches keep their tests; the 1.1.0 branches are in test_branches_1_1.py.

Each row gives the facts, the recommendation the source rule calls for and the question the
wizard should ask next; the comment on each block names the source rule the row comes from.
"""

import pytest

V1 = "1.0.0"


@pytest.fixture
def decide(decide_at):
    """These rows pin version 1.0.0, whatever the latest version is."""

    def run(slug: str, **facts: object):
        return decide_at(slug, V1, **facts)

    return run


F, T = False, True
GATE = {"immediate_danger": F, "legitimate_purpose": T, "recipient_has_role": T}
SHARING = {"share", "share_without_consent", "share_deidentified"}


def row(slug, facts, recommendation, next_question, **expect):
    label = ",".join(f"{k}={v}" for k, v in facts.items() if k not in GATE or v is not GATE[k])
    return pytest.param(
        slug,
        facts,
        recommendation,
        next_question,
        expect,
        id=f"{slug}:{label or 'gate'}->{recommendation}",
    )


def check(result, recommendation, next_question, expect):
    assert result.recommendation == recommendation
    assert result.next_question == next_question
    if "approval" in expect:
        assert result.requires_approval is expect["approval"]
    for code in expect.get("warn", ()):
        assert code in result.warnings
    for code in expect.get("no_warn", ()):
        assert code not in result.warnings
    for name in expect.get("record", ()):
        assert name in result.must_record
    for name in expect.get("no_record", ()):
        assert name not in result.must_record


# --- Shared opening, every framework: danger first, then purpose, then the recipient's role.
OPENING = []
for slug, after_role in [
    ("uk-2024", "risk_of_harm"),
    ("uk-2018", "identifiable"),
    ("sa-isg", "risk_of_harm"),
    ("nz", "nz_statutory_demand"),
    ("vic-ciss", "ciss_recipient_prescribed"),
]:
    OPENING += [
        row(slug, {}, "incomplete", "immediate_danger"),
        # Danger now: act at once, no approval in front of it; the record continues.
        row(
            slug,
            {"immediate_danger": T},
            "act_now",
            "legitimate_purpose",
            approval=False,
            record=("emergency_action", "rationale"),
        ),
        row(slug, {"immediate_danger": F}, "incomplete", "legitimate_purpose"),
        # No purpose / no role: do not share, and the path jumps to the advice question.
        row(
            slug, {"immediate_danger": F, "legitimate_purpose": F}, "do_not_share", "advice_sought"
        ),
        row(
            slug,
            {"immediate_danger": F, "legitimate_purpose": T},
            "incomplete",
            "recipient_has_role",
        ),
        row(slug, {**GATE, "recipient_has_role": F}, "do_not_share", "advice_sought"),
        row(slug, dict(GATE), "incomplete", after_role),
    ]


@pytest.mark.parametrize("slug,facts,recommendation,next_question,expect", OPENING)
def test_opening_questions(decide, slug, facts, recommendation, next_question, expect):
    check(decide(slug, **facts), recommendation, next_question, expect)


# --- uk-2024: rules 1-3 (consent is not needed where there is a risk of harm; a wellbeing
# need alone with a refusal is respected), rule 2 (informing), rules 5-7 (identities,
# proportion, record).
U24 = {**GATE}
UK_2024 = [
    row("uk-2024", {**U24, "risk_of_harm": "none"}, "incomplete", "informing_increases_risk"),
    row("uk-2024", {**U24, "risk_of_harm": "wellbeing"}, "incomplete", "informing_increases_risk"),
    row(
        "uk-2024",
        {**U24, "risk_of_harm": "significant"},
        "incomplete",
        "informing_increases_risk",
        warn=("follow_child_protection_procedures",),
    ),
    row(
        "uk-2024",
        {**U24, "risk_of_harm": "significant", "informing_increases_risk": T},
        "incomplete",
        "consent",
        warn=("do_not_inform_subject",),
    ),
    row(
        "uk-2024",
        {**U24, "risk_of_harm": "significant", "informing_increases_risk": F},
        "incomplete",
        "consent",
        no_warn=("do_not_inform_subject",),
    ),
    row(
        "uk-2024",
        {**U24, "risk_of_harm": "none", "informing_increases_risk": F, "consent": "given"},
        "share",
        "necessary_and_proportionate",
        approval=False,
        record=("lawful_basis", "consent", "items", "recipients"),
    ),
    row(
        "uk-2024",
        {**U24, "risk_of_harm": "wellbeing", "informing_increases_risk": F, "consent": "given"},
        "share",
        "necessary_and_proportionate",
    ),
    row(
        "uk-2024",
        {**U24, "risk_of_harm": "significant", "informing_increases_risk": F, "consent": "refused"},
        "share_without_consent",
        "necessary_and_proportionate",
        approval=True,
    ),
    row(
        "uk-2024",
        {**U24, "risk_of_harm": "wellbeing", "informing_increases_risk": F, "consent": "refused"},
        "do_not_share",
        "advice_sought",
        approval=False,
        warn=("reconsider_if_new_information",),
        record=("request", "refusal_reasons"),
    ),
    row(
        "uk-2024",
        {**U24, "risk_of_harm": "none", "informing_increases_risk": F, "consent": "refused"},
        "do_not_share",
        "advice_sought",
    ),
    row(
        "uk-2024",
        {
            **U24,
            "risk_of_harm": "significant",
            "informing_increases_risk": T,
            "consent": "not_sought",
        },
        "share_without_consent",
        "consent_not_sought_reason",
    ),
    *[
        row(
            "uk-2024",
            {
                **U24,
                "risk_of_harm": "significant",
                "informing_increases_risk": T,
                "consent": "not_sought",
                "consent_not_sought_reason": reason,
            },
            "share_without_consent",
            "necessary_and_proportionate",
            record=("consent_reason",),
        )
        for reason in ("unsafe", "prejudice_investigation", "impracticable", "not_competent")
    ],
    row(
        "uk-2024",
        {
            **U24,
            "risk_of_harm": "wellbeing",
            "informing_increases_risk": F,
            "consent": "not_sought",
            "consent_not_sought_reason": "impracticable",
        },
        "do_not_share",
        "advice_sought",
        warn=("seek_consent",),
    ),
]

# --- uk-2018: the when-and-how flowchart, step by step.
U18 = {**GATE}
U18_CONF = {**U18, "identifiable": T, "confidential": T}
UK_2018 = [
    # Step 2: not identifiable -> you can share (de-identified).
    row(
        "uk-2018",
        {**U18, "identifiable": F},
        "share_deidentified",
        "necessary_and_proportionate",
        approval=False,
    ),
    row("uk-2018", {**U18, "identifiable": T}, "incomplete", "confidential"),
    # Step 3: not confidential -> you can share, no consent question.
    row(
        "uk-2018",
        {**U18, "identifiable": T, "confidential": F},
        "share",
        "necessary_and_proportionate",
        approval=False,
        no_record=("consent",),
    ),
    row("uk-2018", U18_CONF, "incomplete", "consent"),
    # Step 4: consent -> share.
    row(
        "uk-2018",
        {**U18_CONF, "consent": "given"},
        "share",
        "necessary_and_proportionate",
        record=("consent",),
    ),
    row("uk-2018", {**U18_CONF, "consent": "refused"}, "incomplete", "risk_of_harm"),
    row(
        "uk-2018", {**U18_CONF, "consent": "not_sought"}, "incomplete", "consent_not_sought_reason"
    ),
    *[
        row(
            "uk-2018",
            {**U18_CONF, "consent": "not_sought", "consent_not_sought_reason": r},
            "incomplete",
            "risk_of_harm",
        )
        for r in ("unsafe", "prejudice_investigation", "impracticable", "not_competent")
    ],
    # Step 5: another reason (a risk of significant harm) -> share without consent; else not.
    row(
        "uk-2018",
        {**U18_CONF, "consent": "refused", "risk_of_harm": "significant"},
        "share_without_consent",
        "necessary_and_proportionate",
        approval=True,
        warn=("follow_child_protection_procedures", "separate_fact_from_opinion"),
    ),
    row(
        "uk-2018",
        {**U18_CONF, "consent": "refused", "risk_of_harm": "wellbeing"},
        "do_not_share",
        "advice_sought",
        approval=False,
    ),
    row(
        "uk-2018",
        {**U18_CONF, "consent": "refused", "risk_of_harm": "none"},
        "do_not_share",
        "advice_sought",
    ),
    row(
        "uk-2018",
        {
            **U18_CONF,
            "consent": "not_sought",
            "consent_not_sought_reason": "unsafe",
            "risk_of_harm": "significant",
        },
        "share_without_consent",
        "necessary_and_proportionate",
        record=("consent_reason",),
    ),
    # How to share: informing comes after the decision in the 2018 flowchart.
    row(
        "uk-2018",
        {**U18_CONF, "consent": "given", "necessary_and_proportionate": T},
        "share",
        "informing_increases_risk",
    ),
    row(
        "uk-2018",
        {**U18, "identifiable": F, "necessary_and_proportionate": T},
        "share_deidentified",
        "advice_sought",
    ),
    # Protecting identities is rule 5 of the 2024 advice, not a 2018 golden rule.
    row(
        "uk-2018",
        {
            **U18_CONF,
            "consent": "given",
            "necessary_and_proportionate": T,
            "third_party_at_risk": T,
        },
        "share",
        "informing_increases_risk",
        no_warn=("protect_identities",),
    ),
]

# --- sa-isg: decision making steps; consent or a serious threat; the senior person
# approves both sharing without consent and refusing (practice tip 4).
SA = {**GATE}
SA_ISG = [
    row(
        "sa-isg",
        {**SA, "risk_of_harm": "significant"},
        "incomplete",
        "informing_increases_risk",
        warn=("mandatory_notification",),
    ),
    row(
        "sa-isg",
        {**SA, "risk_of_harm": "wellbeing", "informing_increases_risk": F},
        "incomplete",
        "consent",
    ),
    row(
        "sa-isg",
        {**SA, "risk_of_harm": "wellbeing", "informing_increases_risk": F, "consent": "given"},
        "share",
        "necessary_and_proportionate",
        approval=False,
        record=("items", "recipients", "rationale", "follow_up"),
    ),
    row(
        "sa-isg",
        {**SA, "risk_of_harm": "significant", "informing_increases_risk": F, "consent": "refused"},
        "share_without_consent",
        "necessary_and_proportionate",
        approval=True,
        record=("advice",),
    ),
    row(
        "sa-isg",
        {**SA, "risk_of_harm": "wellbeing", "informing_increases_risk": F, "consent": "refused"},
        "do_not_share",
        "advice_sought",
        approval=True,
        record=("request", "refusal_reasons"),
    ),
    row(
        "sa-isg",
        {**SA, "risk_of_harm": "none", "informing_increases_risk": F, "consent": "refused"},
        "do_not_share",
        "advice_sought",
        approval=True,
    ),
    row(
        "sa-isg",
        {
            **SA,
            "risk_of_harm": "significant",
            "informing_increases_risk": T,
            "consent": "not_sought",
        },
        "share_without_consent",
        "consent_not_sought_reason",
    ),
    row(
        "sa-isg",
        {
            **SA,
            "risk_of_harm": "significant",
            "informing_increases_risk": T,
            "consent": "not_sought",
            "consent_not_sought_reason": "unsafe",
        },
        "share_without_consent",
        "necessary_and_proportionate",
        record=("consent_reason",),
    ),
    row(
        "sa-isg",
        {
            **SA,
            "risk_of_harm": "wellbeing",
            "informing_increases_risk": F,
            "consent": "refused",
            "advice_sought": F,
        },
        "do_not_share",
        None,
        warn=("seek_advice",),
    ),
    row(
        "sa-isg",
        {"immediate_danger": T},
        "act_now",
        "legitimate_purpose",
        approval=False,
        warn=("mandatory_notification",),
    ),
]

# --- nz: s 66 demand; consent; IPP 11(1)(f) serious threat; s 66C wellbeing between agencies.
NZB = {**GATE, "nz_statutory_demand": F}
NZV = {**NZB, "informing_increases_risk": F}
NZ = [
    row(
        "nz",
        {**GATE, "nz_statutory_demand": T},
        "share_without_consent",
        "necessary_and_proportionate",
        approval=True,
        warn=("statutory_demand",),
        record=("lawful_basis",),
        no_record=("consent", "consent_reason"),
    ),
    row("nz", NZB, "incomplete", "risk_of_harm"),
    row("nz", {**NZB, "risk_of_harm": "wellbeing"}, "incomplete", "informing_increases_risk"),
    row("nz", {**NZV, "risk_of_harm": "wellbeing"}, "incomplete", "consent"),
    row(
        "nz",
        {**NZV, "risk_of_harm": "none", "consent": "given"},
        "share",
        "necessary_and_proportionate",
        approval=False,
    ),
    row(
        "nz",
        {**NZV, "risk_of_harm": "significant", "consent": "refused"},
        "share_without_consent",
        "necessary_and_proportionate",
        approval=True,
        warn=("report_concern",),
        record=("child_views",),
    ),
    row(
        "nz",
        {**NZV, "risk_of_harm": "wellbeing", "consent": "refused"},
        "incomplete",
        "nz_child_welfare_agencies",
    ),
    row(
        "nz",
        {**NZV, "risk_of_harm": "wellbeing", "consent": "refused", "nz_child_welfare_agencies": T},
        "share_without_consent",
        "necessary_and_proportionate",
        approval=True,
    ),
    row(
        "nz",
        {**NZV, "risk_of_harm": "wellbeing", "consent": "refused", "nz_child_welfare_agencies": F},
        "do_not_share",
        "advice_sought",
        approval=False,
    ),
    row(
        "nz", {**NZV, "risk_of_harm": "none", "consent": "refused"}, "do_not_share", "advice_sought"
    ),
    row(
        "nz",
        {**NZV, "risk_of_harm": "wellbeing", "consent": "not_sought"},
        "incomplete",
        "consent_not_sought_reason",
    ),
    row(
        "nz",
        {
            **NZV,
            "risk_of_harm": "wellbeing",
            "consent": "not_sought",
            "consent_not_sought_reason": "impracticable",
        },
        "incomplete",
        "nz_child_welfare_agencies",
    ),
    row(
        "nz",
        {
            **NZV,
            "risk_of_harm": "wellbeing",
            "consent": "not_sought",
            "consent_not_sought_reason": "impracticable",
            "nz_child_welfare_agencies": T,
        },
        "share_without_consent",
        "necessary_and_proportionate",
        warn=("consider_views",),
        record=("consent_reason",),
    ),
]

# --- vic-ciss: threshold (purpose, recipient's use, prescribed entity, not excluded); no
# consent needed; refusals get written reasons (Ministerial Guidelines ch 5).
VB = {**GATE, "ciss_recipient_prescribed": T}
VT = {**VB, "ciss_excluded_information": F, "informing_increases_risk": F}
VIC = [
    row(
        "vic-ciss",
        {**GATE, "ciss_recipient_prescribed": F},
        "do_not_share",
        "advice_sought",
        approval=False,
        warn=("give_written_reasons",),
        record=("request", "refusal_reasons"),
    ),
    row("vic-ciss", VB, "incomplete", "ciss_excluded_information"),
    row(
        "vic-ciss",
        {**VB, "ciss_excluded_information": T},
        "do_not_share",
        "advice_sought",
        warn=("give_written_reasons",),
    ),
    row(
        "vic-ciss", {**VB, "ciss_excluded_information": F}, "incomplete", "informing_increases_risk"
    ),
    row(
        "vic-ciss",
        {**VB, "ciss_excluded_information": F, "informing_increases_risk": T},
        "incomplete",
        "consent",
    ),
    row(
        "vic-ciss",
        {**VT, "consent": "given"},
        "share",
        "necessary_and_proportionate",
        approval=False,
        record=("child_views", "recipients", "items", "rationale"),
    ),
    row(
        "vic-ciss",
        {**VT, "consent": "refused"},
        "share_without_consent",
        "necessary_and_proportionate",
        approval=True,
        record=("child_views",),
    ),
    row(
        "vic-ciss",
        {**VT, "consent": "not_sought"},
        "share_without_consent",
        "consent_not_sought_reason",
        warn=("consider_views",),
    ),
    row(
        "vic-ciss",
        {**VT, "consent": "not_sought", "informing_increases_risk": T},
        "share_without_consent",
        "consent_not_sought_reason",
        no_warn=("consider_views",),
    ),
    row(
        "vic-ciss",
        {**VT, "consent": "not_sought", "consent_not_sought_reason": "unsafe"},
        "share_without_consent",
        "necessary_and_proportionate",
        record=("consent_reason",),
    ),
]


@pytest.mark.parametrize(
    "slug,facts,recommendation,next_question,expect", UK_2024 + UK_2018 + SA_ISG + NZ + VIC
)
def test_framework_branch(decide, slug, facts, recommendation, next_question, expect):
    check(decide(slug, **facts), recommendation, next_question, expect)


# --- After a decision to share without consent, the "how to share" questions, all five.
SWC = {
    "uk-2024": {
        **GATE,
        "risk_of_harm": "significant",
        "informing_increases_risk": F,
        "consent": "refused",
    },
    "uk-2018": {
        **U18_CONF,
        "consent": "refused",
        "risk_of_harm": "significant",
        "informing_increases_risk": F,
    },
    "sa-isg": {
        **GATE,
        "risk_of_harm": "significant",
        "informing_increases_risk": F,
        "consent": "refused",
    },
    "nz": {**NZV, "risk_of_harm": "significant", "consent": "refused"},
    "vic-ciss": {**VT, "consent": "refused"},
}


@pytest.mark.parametrize("slug", SWC)
@pytest.mark.parametrize("answer,warned", [(False, True), (True, False)])
def test_not_proportionate_warns_to_reduce(decide, slug, answer, warned):
    result = decide(slug, **SWC[slug], necessary_and_proportionate=answer)
    assert result.recommendation == "share_without_consent"
    # uk-2018 has no identity-protection question (that is rule 5 of the 2024 advice).
    expected = "subject_informed" if slug == "uk-2018" else "third_party_at_risk"
    assert result.next_question == expected
    assert ("reduce_to_necessary" in result.warnings) is warned


@pytest.mark.parametrize("slug", [s for s in SWC if s != "uk-2018"])
@pytest.mark.parametrize("answer,warned", [(True, True), (False, False)])
def test_third_party_at_risk_warns_to_protect_identities(decide, slug, answer, warned):
    result = decide(slug, **SWC[slug], necessary_and_proportionate=T, third_party_at_risk=answer)
    assert result.next_question == "subject_informed"
    assert ("protect_identities" in result.warnings) is warned


@pytest.mark.parametrize("slug", SWC)
@pytest.mark.parametrize("answer,warned", [(False, True), (True, False)])
def test_subject_not_yet_informed_warns_to_inform(decide, slug, answer, warned):
    result = decide(
        slug,
        **SWC[slug],
        necessary_and_proportionate=T,
        third_party_at_risk=F,
        subject_informed=answer,
    )
    assert result.next_question == "advice_sought"
    assert ("inform_subject" in result.warnings) is warned
    assert ("informed" in result.must_record) is answer
    assert ("not_informed_reason" in result.must_record) is not answer


@pytest.mark.parametrize("slug", SWC)
def test_informing_would_raise_risk_skips_informing_and_says_why(decide, slug):
    facts = {**SWC[slug], "informing_increases_risk": T}
    result = decide(slug, **facts, necessary_and_proportionate=T, third_party_at_risk=F)
    assert result.next_question == "advice_sought"
    assert "do_not_inform_subject" in result.warnings
    assert "inform_subject" not in result.warnings
    assert "not_informed_reason" in result.must_record


@pytest.mark.parametrize("slug", SWC)
@pytest.mark.parametrize("answer,warned", [(False, True), (True, False)])
def test_sharing_without_consent_without_advice_warns(decide, slug, answer, warned):
    result = decide(
        slug,
        **SWC[slug],
        necessary_and_proportionate=T,
        third_party_at_risk=F,
        subject_informed=T,
        advice_sought=answer,
    )
    assert result.recommendation == "share_without_consent"
    assert result.next_question is None
    assert result.missing == []
    assert ("seek_advice" in result.warnings) is warned
    assert ("advice" in result.must_record) is answer or slug == "sa-isg"


def test_uk_2018_asks_about_informing_only_after_deciding_to_share(decide):
    facts = {**SWC["uk-2018"]}
    del facts["informing_increases_risk"]
    result = decide("uk-2018", **facts, necessary_and_proportionate=T)
    assert result.next_question == "informing_increases_risk"


@pytest.mark.parametrize("slug", SWC)
def test_act_now_stays_act_now_whatever_follows(decide, slug):
    result = decide(slug, **{**SWC[slug], "immediate_danger": T})
    assert result.recommendation == "act_now"
    assert result.requires_approval is False
    assert result.rule == "danger"
