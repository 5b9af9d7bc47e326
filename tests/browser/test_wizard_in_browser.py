"""The decision wizard end to end in Chromium, every page checked with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from decisions.models import AuditEntry, Decision
from decisions.wizard.forms import CHECKLIST
from guidance.vocabulary import answer_key
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.decisions.wizard.test_wizard import SA_REFUSAL, SHARE_WITHOUT_CONSENT

FULL_CHECKLIST = [value for value, _ in CHECKLIST]


def fill_step(page, step: str, outcome: str | None) -> None:
    if step == "danger":
        page.get_by_label("What did you do?").fill("Called 999, incident 77. Child safe at school.")
        page.get_by_label("Who did you contact?").fill("Police")
    elif step == "consent":
        for label in ("Why were the child and carers not told?", "Why was consent not sought?"):
            if page.get_by_label(label).count():
                page.get_by_label(label).fill("Telling the carer would put the child at risk.")
        page.get_by_label("What are the child's own views?").fill("She wants to feel safe.")
    elif step == "items":
        page.get_by_label("Information to share").first.fill("Attendance record, autumn term")
        page.get_by_label("Why it is needed").first.fill("Shows absences after weekends")
    elif step == "recipients":
        page.get_by_label("Secure email").check()
    elif step == "proportionality":
        for value in FULL_CHECKLIST:
            page.locator(f"input[name=checks][value={value}]").check()
    elif step == "lawful_basis":
        page.locator("input[name=lawful_basis]").first.check()
    elif step == "advice":
        page.get_by_label("Who gave advice?").fill("Lena, designated safeguarding lead")
        page.get_by_label("What did they advise?").fill("Share the attendance record only.")
    elif step == "outcome":
        page.locator(f"input[name=outcome][value={outcome}]").check()
        page.get_by_label("Why? Your reasons for the decision").fill(
            "The risk outweighs the refusal."
        )
        if outcome == "do_not_share":
            page.get_by_label(re.compile("Reasons for not sharing")).fill("No serious threat.")


def run_wizard(
    page, facts: dict, outcome: str, stop_after: int | None = None, on_step=None
) -> list[str]:
    """Answer every page until check your answers; each page is checked with axe.

    `on_step(page, slug)` is called on each record step before it is filled in."""
    seen = []
    for _ in range(30):
        assert_accessible(page)
        url = page.url
        if "/check/" in url:
            return seen
        if stop_after is not None and len(seen) >= stop_after:
            return seen
        question = re.search(r"/questions/([a-z_]+)/", url)
        step = re.search(r"/steps/([a-z_]+)/", url)
        if question:
            seen.append(question.group(1))
            value = answer_key(facts[question.group(1)])
            page.locator(f"input[name=answer][value={value}]").check()
        elif step:
            seen.append(step.group(1))
            if on_step is not None:
                on_step(page, step.group(1))
            fill_step(page, step.group(1), outcome)
        else:
            raise AssertionError(f"unexpected page {url}")
        page.get_by_role("button", name=re.compile("Continue|Save and continue")).click()
        page.wait_for_load_state()
    raise AssertionError(f"never reached check your answers: {seen}")


def start(page, live_server, share_request):
    page.goto(f"{live_server.url}/requests/{share_request.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Decide whether to share").click()
    assert_accessible(page)
    page.get_by_role("button", name=re.compile("Start now|Continue your draft")).click()


@pytest.fixture
def share_request(world):
    return factories.make_request(world.case, counterpart_agency="Riverside Police PPU")


def test_uk_2024_share_without_consent_end_to_end(world, live_server, sign_in, share_request):
    page = sign_in("practitioner")
    start(page, live_server, share_request)
    expect(page.get_by_text(re.compile("Question 1 of about"))).to_be_visible()
    run_wizard(page, SHARE_WITHOUT_CONSENT, "share_without_consent")
    expect(page.get_by_role("heading", name="Check your answers before you submit")).to_be_visible()
    page.get_by_role("button", name="Submit decision").click()
    expect(page.get_by_role("heading", name="Decision recorded")).to_be_visible()
    expect(page.get_by_text("A manager in your organisation must approve")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="View the decision record").click()
    expect(page.get_by_text("Attendance record, autumn term").first).to_be_visible()
    assert_accessible(page)
    decision = Decision.objects.get(share_request=share_request)
    assert decision.outcome == "share_without_consent"
    assert (
        AuditEntry.objects.filter(
            action=AuditEntry.Action.DECISION_SUBMITTED, object_id=str(decision.pk)
        ).count()
        == 1
    )


def test_sa_isg_refusal_end_to_end(world, live_server, sign_in, share_request):
    world.org.default_framework = "sa-isg"
    world.org.save()
    page = sign_in("practitioner")
    start(page, live_server, share_request)
    seen = run_wizard(page, SA_REFUSAL, "do_not_share")
    assert "items" not in seen
    page.get_by_role("button", name="Submit decision").click()
    expect(page.get_by_role("heading", name="Decision recorded")).to_be_visible()
    decision = Decision.objects.get(share_request=share_request)
    assert (decision.framework, decision.outcome, decision.requires_approval) == (
        "sa-isg",
        "do_not_share",
        True,
    )


def test_resume_a_draft_after_signing_out(world, live_server, sign_in, share_request):
    page = sign_in("practitioner")
    start(page, live_server, share_request)
    run_wizard(page, SHARE_WITHOUT_CONSENT, "share_without_consent", stop_after=3)
    page.get_by_role("button", name="Sign out").click()
    page = sign_in("practitioner")
    expect(page.get_by_text("Your unfinished decisions")).to_be_visible()
    page.get_by_role("link", name=re.compile("Riverside Police PPU")).first.click()
    # Since 1.1.0 the risk of harm is asked second: three answers lead to the role question.
    expect(page).to_have_url(re.compile("/questions/recipient_has_role/"))
    page.get_by_role("link", name="Back", exact=True).click()
    expect(page.locator("input[name=answer][value=true]")).to_be_checked()
    assert_accessible(page)


def test_immediate_danger_page(world, live_server, sign_in, share_request):
    page = sign_in("practitioner")
    start(page, live_server, share_request)
    page.locator("input[name=answer][value=true]").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Act now: someone is in danger")).to_be_visible()
    expect(page.get_by_text("Call the police on 999")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Describe what you did")
    assert_accessible(page)
    fill_step(page, "danger", None)
    page.get_by_role("button", name="Save and continue").click()
    expect(page).to_have_url(re.compile("/questions/risk_of_harm/"))


# Issue 19: a recipient with no safeguarding role, and a child at risk of significant harm.
# Since 1.1.0 the risk is asked before the role on every path, so "Do not share" never hides
# the child-protection warning (the engine's warning text, from guidance.engine.WARNINGS).
NO_ROLE_SIGNIFICANT_HARM = {
    "immediate_danger": False,
    "risk_of_harm": "significant",
    "legitimate_purpose": True,
    "recipient_has_role": False,
    "advice_sought": True,
}
CHILD_PROTECTION_WARNINGS = {
    "uk-2024": "follow your local child-protection procedures",
    "sa-isg": "does not replace any duty to notify the child-protection line",
}


@pytest.mark.parametrize("framework", ["uk-2024", "sa-isg"])
def test_no_role_and_significant_harm_warns_everywhere(
    world, live_server, sign_in, share_request, framework
):
    world.org.default_framework = framework
    world.org.save()
    warning = CHILD_PROTECTION_WARNINGS[framework]
    outcome_pages = []

    def on_step(page, slug):
        if slug == "outcome":
            expect(page.get_by_text("The guidance recommends: Do not share")).to_be_visible()
            expect(page.get_by_text(re.compile(warning))).to_be_visible()
            outcome_pages.append(page.url)

    page = sign_in("practitioner")
    start(page, live_server, share_request)
    seen = run_wizard(page, NO_ROLE_SIGNIFICANT_HARM, "do_not_share", on_step=on_step)
    assert "risk_of_harm" in seen and outcome_pages, seen
    expect(page.get_by_role("heading", name="Check your answers before you submit")).to_be_visible()
    expect(page.get_by_text(re.compile(warning))).to_be_visible()
    page.get_by_role("button", name="Submit decision").click()
    page.get_by_role("link", name="View the decision record").click()
    expect(page.get_by_text(re.compile(warning))).to_be_visible()
    assert_accessible(page)
    decision = Decision.objects.get(share_request=share_request)
    assert decision.outcome == "do_not_share"
