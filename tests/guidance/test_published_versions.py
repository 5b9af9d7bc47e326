"""A decision made under framework 1.0.0 after 1.1.0 is published (issue 13).

It reads as it was decided (the 1.0.0 questions and answers, its stored warnings), prints, and
can be reconsidered: the reconsideration is a new draft on the latest version, carrying over
the answers that still apply and asking what the new version asks. New drafts take the latest
version. Driven through the URLs only, so the test does not depend on where the decisions
modules live.
"""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from decisions.models import Decision, DecisionDraft
from guidance import catalogue, engine
from tests import factories

FACTS_1_0 = {  # a 1.0.0 wizard path: the recipient has no role, so the risk was never asked
    "immediate_danger": False,
    "legitimate_purpose": True,
    "recipient_has_role": False,
    "advice_sought": True,
}


@pytest.fixture
def practitioner(world, client_for):
    return client_for(world.users["practitioner"])


@pytest.fixture
def old_decision(world):
    old = catalogue.definition("uk-2024", "1.0.0")
    result = engine.evaluate(old, FACTS_1_0)
    stored = result.as_dict()
    # As a 1.0.0 decision was stored before the engine named its rule and ignored facts.
    for key in ("ignored_facts", "rule"):
        stored.pop(key)
    return factories.make_decision(
        factories.make_request(world.case),
        world.users["practitioner"],
        framework="uk-2024",
        framework_version="1.0.0",
        facts=dict(FACTS_1_0),
        recommendation=result.recommendation,
        outcome=Decision.Outcome.DO_NOT_SHARE,
        requires_approval=False,
        rationale="The requester has no part in keeping the child safe.",
        engine_result=stored,
    )


def test_both_versions_are_published_and_the_latest_is_1_1_0(db):
    assert [d["version"] for d in catalogue.versions("uk-2024")] == ["1.1.0", "1.0.0"]
    assert catalogue.definition("uk-2024")["version"] == "1.1.0"


def test_a_1_0_0_decision_still_reads_as_decided(practitioner, old_decision):
    old = catalogue.definition("uk-2024", "1.0.0")
    html = practitioner.get(reverse("decision_detail", args=[old_decision.pk])).content.decode()
    assert "version 1.0.0" in html
    role = engine.question(old, "recipient_has_role")
    assert role["text"].replace("'", "&#x27;") in html
    assert engine.WARNINGS["reconsider_if_new_information"] in html
    # Nothing of 1.1.0 leaks in: its new question was never asked of this decision.
    new = catalogue.definition("uk-2024")
    assert engine.question(new, "uk_perceived_risk")["text"] not in html


def test_a_1_0_0_decision_still_prints(practitioner, old_decision):
    response = practitioner.get(reverse("decision_pdf", args=[old_decision.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "1.0.0" in text


def test_a_1_0_0_decision_can_be_reconsidered_under_the_latest_version(
    practitioner, old_decision
):
    response = practitioner.post(reverse("decision_reconsider", args=[old_decision.pk]))
    assert response.status_code == 302
    draft = DecisionDraft.objects.get(supersedes=old_decision)
    assert (draft.framework, draft.framework_version) == ("uk-2024", "1.1.0")
    # 1.1.0 asks about the risk of harm second, on every path: that is where it resumes.
    assert response.url == reverse("wizard_question", args=[draft.pk, "risk_of_harm"])
    page = practitioner.get(response.url)
    assert page.status_code == 200
    assert "What is the concern about the child?" in page.content.decode()
    answered = practitioner.post(response.url, {"answer": "significant"})
    assert answered.status_code == 302
    draft.refresh_from_db()
    assert draft.facts["risk_of_harm"] == "significant"
    assert draft.facts["recipient_has_role"] is False  # carried over, still on the path
    result = engine.evaluate(catalogue.definition("uk-2024"), draft.facts)
    assert result.recommendation == "do_not_share"
    assert "follow_child_protection_procedures" in result.warnings


def test_a_new_draft_takes_the_latest_version(world, practitioner):
    share_request = factories.make_request(world.case)
    response = practitioner.post(reverse("decision_start", args=[share_request.pk]))
    assert response.status_code == 302
    draft = DecisionDraft.objects.filter(share_request=share_request).get()
    assert draft.framework_version == catalogue.definition(draft.framework)["version"] == "1.1.0"
