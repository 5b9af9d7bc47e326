"""The decision wizard, driven through the test client as a practitioner would."""

import re

import pytest
from django.urls import reverse

from decisions.models import AuditEntry, Decision, DecisionDraft, ImmutableRecordError, ShareRequest
from decisions.wizard import services as wizard_services
from decisions.wizard import state as wizard_state
from guidance import catalogue
from tests import factories
from tests.decisions.wizard.driver import walk

SHARE_WITHOUT_CONSENT = {
    "immediate_danger": False,
    "legitimate_purpose": True,
    "recipient_has_role": True,
    "risk_of_harm": "significant",
    "informing_increases_risk": True,
    "consent": "refused",
    "necessary_and_proportionate": True,
    "third_party_at_risk": True,
    "advice_sought": True,
}

# A wellbeing need only, and the family said no (identifiable, and no perceived risk of
# harm, for the frameworks that ask since version 1.1.0).
SA_REFUSAL = {
    "immediate_danger": False,
    "legitimate_purpose": True,
    "recipient_has_role": True,
    "identifiable": True,
    "uk_perceived_risk": False,
    "risk_of_harm": "wellbeing",
    "informing_increases_risk": False,
    "consent": "refused",
    "advice_sought": True,
}


@pytest.fixture
def practitioner(world, client_for):
    return client_for(world.users["practitioner"])


@pytest.fixture
def share_request(world):
    """A request with no draft yet (the world's own request has one)."""
    return factories.make_request(world.case)


def submit(client, check_url):
    draft_id = resolve_draft(check_url)
    return client.post(reverse("wizard_submit", args=[draft_id]))


def resolve_draft(url):
    from django.urls import resolve

    return resolve(url.split("?")[0]).kwargs["draft_id"]


def test_start_uses_the_organisations_framework(world, practitioner, share_request):
    world.org.default_framework = "sa-isg"
    world.org.save()
    practitioner.post(reverse("decision_start", args=[share_request.pk]))
    draft = DecisionDraft.objects.get(share_request=share_request)
    latest = catalogue.definition("sa-isg")["version"]
    assert (draft.framework, draft.framework_version) == ("sa-isg", latest)
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.IN_PROGRESS


def test_framework_can_change_before_the_first_answer_only(world, practitioner):
    url = reverse("wizard_framework", args=[world.draft.pk])
    practitioner.post(url, {"framework": "vic-ciss"})
    world.draft.refresh_from_db()
    assert world.draft.framework == "vic-ciss"
    wizard_services.draft_answer(draft=world.draft, fact="immediate_danger", value=False)
    response = practitioner.post(url, {"framework": "uk-2018"})
    world.draft.refresh_from_db()
    assert response.status_code == 302
    assert world.draft.framework == "vic-ciss"


def test_question_page_is_generated_from_the_definition(world, practitioner):
    response = practitioner.get(
        reverse("wizard_question", args=[world.draft.pk, "risk_of_harm"])
    )
    # Not reached yet: the wizard sends the user to the first unanswered question.
    assert response.status_code == 302
    assert response.url.endswith("/questions/immediate_danger/")
    page = practitioner.get(response.url).content.decode()
    assert "Is a child, or anyone else, at risk of serious harm right now?" in page
    assert "Question 1 of about" in page
    assert "Source: UK 2024, rule 1" in page


def test_missing_answer_shows_an_error_summary(world, practitioner):
    url = reverse("wizard_question", args=[world.draft.pk, "immediate_danger"])
    response = practitioner.post(url, {})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Select an answer" in body
    assert body.count("<h1") == 1


def test_invalid_answer_is_refused_and_nothing_saved(world, practitioner):
    url = reverse("wizard_question", args=[world.draft.pk, "immediate_danger"])
    response = practitioner.post(url, {"answer": "maybe"})
    assert "Select an answer" in response.content.decode()
    world.draft.refresh_from_db()
    assert world.draft.facts == {}


def test_every_answer_is_saved_at_once_and_the_back_link_keeps_it(world, practitioner):
    first = reverse("wizard_question", args=[world.draft.pk, "immediate_danger"])
    practitioner.post(first, {"answer": "false"})
    world.draft.refresh_from_db()
    assert world.draft.facts == {"immediate_danger": False}
    second = practitioner.get(
        reverse("wizard_question", args=[world.draft.pk, "risk_of_harm"])
    )
    assert second.context["back_url"] == first
    again = practitioner.get(first).content.decode()
    assert re.search(r'value="false"\s+checked', again)


def test_changing_an_answer_drops_answers_that_no_longer_apply(world, practitioner):
    for fact, value in [
        ("immediate_danger", False),
        ("legitimate_purpose", True),
        ("recipient_has_role", True),
    ]:
        wizard_services.draft_answer(draft=world.draft, fact=fact, value=value)
    wizard_services.draft_answer(draft=world.draft, fact="legitimate_purpose", value=False)
    world.draft.refresh_from_db()
    assert "recipient_has_role" not in world.draft.facts


def test_immediate_danger_interrupts_at_once_then_continues(world, practitioner):
    world.org.emergency_number = "112"
    world.org.child_protection_line = "Front door 0300 000"
    world.org.save()
    url = reverse("wizard_question", args=[world.draft.pk, "immediate_danger"])
    response = practitioner.post(url, {"answer": "true"})
    assert response.url == reverse("wizard_step", args=[world.draft.pk, "danger"])
    page = practitioner.get(response.url).content.decode()
    assert "112" in page and "Front door 0300 000" in page
    refused = practitioner.post(response.url, {"action_taken": ""})
    assert "Describe what you did" in refused.content.decode()
    done = practitioner.post(
        response.url, {"action_taken": "Called 112, incident 9", "contacted": "Police"}
    )
    assert done.url == reverse("wizard_question", args=[world.draft.pk, "risk_of_harm"])
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.EMERGENCY_ACTION)
    assert entries.count() == 1
    assert entries.get().case == world.case


def test_a_draft_survives_sign_out_and_another_device(world, client, practitioner):
    practitioner.post(
        reverse("wizard_question", args=[world.draft.pk, "immediate_danger"]), {"answer": "false"}
    )
    practitioner.post(reverse("logout"))
    client.force_login(world.users["practitioner"])
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Your unfinished decisions" in dashboard
    resumed = client.post(reverse("decision_start", args=[world.share_request.pk]))
    assert resumed.url == reverse("wizard_question", args=[world.draft.pk, "risk_of_harm"])


def test_only_the_owner_can_change_a_draft(world, client_for):
    manager = client_for(world.users["manager"])
    url = reverse("wizard_question", args=[world.draft.pk, "immediate_danger"])
    assert manager.post(url, {"answer": "true"}).status_code == 404
    world.draft.refresh_from_db()
    assert world.draft.facts == {}


def test_share_without_consent_end_to_end_writes_one_decision_and_one_entry(
    world, practitioner, share_request
):
    check_url, visited = walk(practitioner, share_request, SHARE_WITHOUT_CONSENT)
    assert visited[-2] == "wizard_step:outcome"
    page = practitioner.get(check_url)
    body = page.content.decode()
    assert "Check your answers" in body
    assert "Share without consent" in body
    before = AuditEntry.objects.filter(action=AuditEntry.Action.DECISION_SUBMITTED).count()

    first = submit(practitioner, check_url)
    second = submit(practitioner, check_url)

    decisions = Decision.objects.filter(share_request=share_request)
    assert decisions.count() == 1
    decision = decisions.get()
    assert first.url == reverse("decision_submitted", args=[decision.pk])
    assert second.url in (first.url, reverse("decision_detail", args=[decision.pk]))
    assert decision.outcome == Decision.Outcome.SHARE_WITHOUT_CONSENT
    assert decision.requires_approval is True
    latest = catalogue.definition("uk-2024")["version"]
    assert (decision.framework, decision.framework_version) == ("uk-2024", latest)
    assert decision.facts == SHARE_WITHOUT_CONSENT
    assert decision.engine_result["recommendation"] == "share_without_consent"
    assert decision.answers["items"][0]["description"] == "Attendance record for the autumn term"
    after = AuditEntry.objects.filter(action=AuditEntry.Action.DECISION_SUBMITTED)
    assert after.count() == before + 1
    assert after.first().object_id == str(decision.pk)
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.AWAITING_APPROVAL
    confirmation = practitioner.get(first.url).content.decode()
    assert "A manager in your organisation must approve" in confirmation


def test_sa_refusal_needs_a_seniors_approval(world, practitioner, share_request):
    world.org.default_framework = "sa-isg"
    world.org.save()
    check_url, _ = walk(
        practitioner,
        share_request,
        SA_REFUSAL,
        steps={
            "outcome": {
                "outcome": "do_not_share",
                "rationale": "A wellbeing need only; the family said no.",
                "refusal_reasons": "Consent refused and no serious threat.",
            }
        },
    )
    submit(practitioner, check_url)
    decision = Decision.objects.get(share_request=share_request)
    assert decision.outcome == Decision.Outcome.DO_NOT_SHARE
    assert decision.requires_approval is True
    assert decision.answers["outcome"]["refusal_reasons"].startswith("Consent refused")


def test_uk_refusal_needs_no_approval_and_closes_as_not_shared(world, practitioner, share_request):
    facts = {**SA_REFUSAL}
    check_url, _ = walk(
        practitioner,
        share_request,
        facts,
        steps={
            "outcome": {
                "outcome": "do_not_share",
                "rationale": "Wellbeing only, consent refused.",
                "refusal_reasons": "The family did not agree.",
            }
        },
    )
    submit(practitioner, check_url)
    decision = Decision.objects.get(share_request=share_request)
    assert decision.requires_approval is False
    share_request.refresh_from_db()
    assert share_request.status == ShareRequest.Status.NOT_SHARED


def test_outcome_that_differs_from_the_recommendation_needs_a_reason(
    world, practitioner, share_request
):
    with pytest.raises(AssertionError, match="override_reason"):
        walk(
            practitioner,
            share_request,
            SA_REFUSAL,
            steps={"outcome": {"outcome": "share", "rationale": "I think it helps."}},
        )
    draft = DecisionDraft.objects.get(share_request=share_request)
    assert "outcome" not in draft.answers


def test_overriding_to_share_asks_for_what_sharing_must_record(world, practitioner, share_request):
    check_url, visited = walk(
        practitioner,
        share_request,
        SA_REFUSAL,
        steps={
            "outcome": {
                "outcome": "share",
                "rationale": "The school needs to know to support her.",
                "override_reason": "The family agreed on the phone after the form.",
            }
        },
    )
    assert "wizard_step:items" in visited[visited.index("wizard_step:outcome") :]
    submit(practitioner, check_url)
    decision = Decision.objects.get(share_request=share_request)
    assert decision.override_reason.startswith("The family agreed")
    assert decision.answers["items"]


def test_an_item_naming_a_protected_person_is_flagged(world, practitioner, share_request):
    items = {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-0-description": "Statement by Neighbour Nell about the night",
        "items-0-justification": "First-hand account",
    }
    with pytest.raises(AssertionError):
        walk(practitioner, share_request, SHARE_WITHOUT_CONSENT, steps={"items": items})
    draft = DecisionDraft.objects.get(share_request=share_request)
    page = practitioner.get(reverse("wizard_step", args=[draft.pk, "items"])).content.decode()
    assert "An item names Neighbour Nell, whose identity is protected" in page
    confirmed = practitioner.post(
        reverse("wizard_step", args=[draft.pk, "items"]), {**items, "confirm-protected": "1"}
    )
    assert confirmed.status_code == 302


def test_add_another_item_keeps_what_was_typed(world, practitioner, share_request):
    walk_until_items(share_request, practitioner)
    draft = DecisionDraft.objects.get(share_request=share_request)
    url = reverse("wizard_step", args=[draft.pk, "items"])
    response = practitioner.post(
        url,
        {
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-description": "School report",
            "items-0-justification": "Shows attendance",
            "add-item": "1",
        },
    )
    body = response.content.decode()
    assert "School report" in body
    assert "Item 2" in body


def walk_until_items(share_request, client):
    try:
        walk(client, share_request, SHARE_WITHOUT_CONSENT, steps={"items": {}})
    except (AssertionError, KeyError):
        pass


def test_change_link_returns_to_check_your_answers(world, practitioner, share_request):
    check_url, _ = walk(practitioner, share_request, SHARE_WITHOUT_CONSENT)
    draft_id = resolve_draft(check_url)
    change = reverse("wizard_step", args=[draft_id, "recipients"]) + "?return=check"
    response = practitioner.post(change, {"recipients": "DS Patel", "method": "phone"})
    assert response.url == reverse("wizard_check", args=[draft_id])
    assert "DS Patel" in practitioner.get(response.url).content.decode()


def test_submit_before_the_end_goes_back_to_the_missing_step(world, practitioner):
    response = practitioner.post(reverse("wizard_submit", args=[world.draft.pk]))
    assert response.url == reverse("wizard_question", args=[world.draft.pk, "immediate_danger"])
    assert not Decision.objects.filter(draft=world.draft).exists()


def test_the_record_page_has_no_edit_and_the_model_refuses_change(
    world, practitioner, share_request
):
    check_url, _ = walk(practitioner, share_request, SHARE_WITHOUT_CONSENT)
    submit(practitioner, check_url)
    decision = Decision.objects.get(share_request=share_request)
    body = practitioner.get(reverse("decision_detail", args=[decision.pk])).content.decode()
    assert "Attendance record for the autumn term" in body
    assert "Is a child, or anyone else, at risk of serious harm right now?" in body
    assert "Edit" not in body
    decision.rationale = "rewritten"
    with pytest.raises(ImmutableRecordError):
        decision.save()
    with pytest.raises(ImmutableRecordError):
        Decision.objects.filter(pk=decision.pk).update(rationale="rewritten")
    with pytest.raises(ImmutableRecordError):
        decision.delete()


def test_a_submitted_draft_cannot_be_changed(world, practitioner, share_request):
    check_url, _ = walk(practitioner, share_request, SHARE_WITHOUT_CONSENT)
    submit(practitioner, check_url)
    draft_id = resolve_draft(check_url)
    decision = Decision.objects.get(draft_id=draft_id)
    response = practitioner.post(
        reverse("wizard_question", args=[draft_id, "consent"]), {"answer": "given"}
    )
    assert response.url == reverse("decision_detail", args=[decision.pk])
    assert DecisionDraft.objects.get(pk=draft_id).facts["consent"] == "refused"


def test_plan_puts_record_steps_after_the_questions(world):
    draft = factories.make_draft(world.share_request, world.users["practitioner"])
    draft.facts = dict(SHARE_WITHOUT_CONSENT)
    draft.save()
    state = wizard_state.state_for(draft)
    questions = [step for step in state.steps if step.is_question]
    assert state.steps[: len(questions)] == questions
    assert [step.slug for step in state.steps[len(questions) :]] == [
        "consent",
        "items",
        "recipients",
        "proportionality",
        "lawful_basis",
        "advice",
        "outcome",
    ]
    assert state.next_step().slug == "consent"


def test_refusal_plan_skips_what_only_sharing_records(world):
    draft = factories.make_draft(world.share_request, world.users["practitioner"])
    draft.facts = dict(SA_REFUSAL)
    draft.save()
    steps = [step.slug for step in wizard_state.state_for(draft).steps]
    assert "items" not in steps and "recipients" not in steps
    assert steps[-1] == "outcome"


def test_the_dashboard_resumes_a_draft_where_it_was_left(world, practitioner):
    wizard_services.draft_answer(draft=world.draft, fact="immediate_danger", value=False)
    dashboard = practitioner.get(reverse("dashboard")).content.decode()
    resume = reverse("wizard_resume", args=[world.draft.pk])
    assert resume in dashboard
    response = practitioner.get(resume)
    assert response.url == reverse("wizard_question", args=[world.draft.pk, "risk_of_harm"])


def test_a_request_with_a_standing_decision_is_changed_by_reconsidering(world, practitioner):
    decided = world.decision.share_request
    response = practitioner.post(reverse("decision_start", args=[decided.pk]))
    assert response.url == reverse("decision_detail", args=[world.decision.pk])
    assert not DecisionDraft.objects.filter(share_request=decided, decision__isnull=True).exists()
    page = practitioner.get(reverse("request_detail", args=[decided.pk])).content.decode()
    assert "Decide whether to share" not in page


def test_add_another_item_keeps_an_invalid_item_with_its_error(world, practitioner, share_request):
    walk_until_items(share_request, practitioner)
    draft = DecisionDraft.objects.get(share_request=share_request)
    response = practitioner.post(
        reverse("wizard_step", args=[draft.pk, "items"]),
        {
            "items-TOTAL_FORMS": "1",
            "items-INITIAL_FORMS": "0",
            "items-0-description": "x" * 2001,
            "items-0-justification": "Needed",
            "add-item": "1",
        },
    )
    body = response.content.decode()
    assert "x" * 2001 in body
    assert "Ensure this value has at most 2000 characters" in body
    assert "Item 2" in body


@pytest.fixture
def evaluations(monkeypatch):
    """Counts the engine's evaluations during a request."""
    from guidance import engine

    calls = []
    real = engine.evaluate

    def counting(definition, facts):
        calls.append(dict(facts))
        return real(definition, facts)

    monkeypatch.setattr(engine, "evaluate", counting)
    return calls


def test_a_question_page_evaluates_the_engine_once(world, practitioner, evaluations):
    url = reverse("wizard_question", args=[world.draft.pk, "immediate_danger"])
    assert practitioner.get(url).status_code == 200
    assert len(evaluations) == 1


def test_answering_evaluates_the_engine_once(world, practitioner, evaluations):
    url = reverse("wizard_question", args=[world.draft.pk, "immediate_danger"])
    response = practitioner.post(url, {"answer": "false"})
    assert response.status_code == 302
    assert evaluations == [{"immediate_danger": False}]
    assert response.url == reverse("wizard_question", args=[world.draft.pk, "risk_of_harm"])


def test_changing_an_earlier_answer_evaluates_once_and_drops_what_no_longer_applies(
    world, practitioner, evaluations
):
    check_url, _ = walk(practitioner, factories.make_request(world.case), SHARE_WITHOUT_CONSENT)
    draft = DecisionDraft.objects.get(pk=resolve_draft(check_url))
    evaluations.clear()
    url = reverse("wizard_question", args=[draft.pk, "legitimate_purpose"])
    assert practitioner.post(url, {"answer": "false"}).status_code == 302
    assert len(evaluations) == 1
    draft.refresh_from_db()
    assert "recipient_has_role" not in draft.facts and "consent" not in draft.facts


def test_an_answer_that_skips_ahead_is_not_saved(world, practitioner):
    url = reverse("wizard_question", args=[world.draft.pk, "legitimate_purpose"])
    response = practitioner.post(url, {"answer": "true"})
    assert response.url == reverse("wizard_question", args=[world.draft.pk, "immediate_danger"])
    world.draft.refresh_from_db()
    assert world.draft.facts == {}


def test_check_your_answers_evaluates_the_engine_once(world, practitioner, evaluations):
    check_url, _ = walk(practitioner, factories.make_request(world.case), SHARE_WITHOUT_CONSENT)
    evaluations.clear()
    assert practitioner.get(check_url).status_code == 200
    assert len(evaluations) == 1
