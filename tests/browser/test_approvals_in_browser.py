"""The life of a decision in Chromium: approved, shared, followed up, reconsidered, audited.

Every page on the way is checked with axe-core.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions.models import Approval, Decision, FollowUp, ShareRecord
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.browser.test_wizard_in_browser import run_wizard, start
from tests.decisions.wizard.test_wizard import SHARE_WITHOUT_CONSENT

pytestmark = pytest.mark.django_db(transaction=True)


def fill_date(page, name: str, day) -> None:
    page.locator(f"input[name={name}_0]").fill(str(day.day))
    page.locator(f"input[name={name}_1]").fill(str(day.month))
    page.locator(f"input[name={name}_2]").fill(str(day.year))


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/**")


def test_a_decision_from_approval_to_reconsideration(world, live_server, sign_in):
    share_request = factories.make_request(world.case, counterpart_agency="Riverside Police PPU")
    today = timezone.localdate()

    # The practitioner decides to share without consent: it needs a manager's approval.
    page = sign_in("practitioner")
    start(page, live_server, share_request)
    run_wizard(page, SHARE_WITHOUT_CONSENT, "share_without_consent")
    page.get_by_role("button", name="Submit decision").click()
    expect(page.get_by_role("heading", name="Decision recorded")).to_be_visible()
    decision = Decision.objects.get(share_request=share_request)
    page.goto(f"{live_server.url}/decisions/{decision.pk}/")
    expect(page.get_by_text("Awaiting approval", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Record what was shared")).to_have_count(0)
    assert_accessible(page)
    sign_out(page)

    # The manager finds it in the queue and approves it.
    page = sign_in("manager")
    page.get_by_role("link", name=re.compile("2 decisions waiting for your approval")).click()
    expect(page.get_by_role("heading", name="Decisions waiting for your approval")).to_be_visible()
    assert_accessible(page)
    page.locator(f'a[href="/approvals/{decision.pk}/"]').click()
    page.wait_for_url(f"**/approvals/{decision.pk}/")
    expect(page.get_by_text("Attendance record, autumn term").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record your verdict").click()
    expect(page.get_by_role("alert")).to_contain_text("Select approve, reject or ask")
    assert_accessible(page)
    page.locator("input[name=verdict][value=rejected]").check()
    page.get_by_role("button", name="Record your verdict").click()
    expect(page.get_by_role("alert")).to_contain_text("Give your reasons for rejecting")
    page.locator("input[name=verdict][value=approved]").check()
    page.get_by_label("Your reasons, or your question").fill("Proportionate; police need it.")
    page.get_by_role("button", name="Record your verdict").click()
    expect(page.get_by_role("heading", name="Decision approved")).to_be_visible()
    assert_accessible(page)
    assert Approval.objects.get(decision=decision).verdict == "approved"
    sign_out(page)

    # The practitioner records what was shared, with a follow-up, then marks it done.
    page = sign_in("practitioner")
    page.goto(f"{live_server.url}/decisions/{decision.pk}/")
    page.get_by_role("button", name="Record what was shared").click()
    expect(page.get_by_label("What did you share?")).to_have_value(
        re.compile("Attendance record, autumn term")
    )
    assert_accessible(page)
    page.get_by_label("Who did you share it with?").fill("DC Morgan, Riverside PPU")
    fill_date(page, "shared_on", today)
    page.get_by_label("Follow-up action (optional)").fill("Ask the PPU what happens next")
    page.get_by_label("Who will do it?").select_option(str(world.users["practitioner"].pk))
    fill_date(page, "due_on", today)
    page.get_by_role("button", name="Record what was shared").click()
    expect(page.get_by_text("What was shared is recorded")).to_be_visible()
    expect(page.get_by_text("Shared", exact=True).first).to_be_visible()
    assert_accessible(page)
    assert ShareRecord.objects.get(decision=decision).shared
    page.get_by_role("link", name=re.compile("Mark as done")).click()
    assert_accessible(page)
    page.get_by_role("button", name="Mark as done").click()
    expect(page.get_by_text("Follow-up marked as done")).to_be_visible()
    assert FollowUp.objects.get().is_done

    # New information: the practitioner reconsiders, starting from the old answers.
    page.get_by_role("button", name="Reconsider").click()
    expect(page.get_by_role("heading", name="Reconsider the decision")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Reconsider").click()
    expect(page.get_by_role("heading", name="Check your answers before you submit")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit decision").click()
    expect(page.get_by_role("heading", name="Decision recorded")).to_be_visible()
    new = Decision.objects.get(supersedes=decision)
    page.goto(f"{live_server.url}/decisions/{decision.pk}/")
    expect(page.get_by_text("Superseded by")).to_be_visible()
    expect(page.get_by_text("Reconsidered", exact=True)).to_be_visible()
    assert_accessible(page)
    assert new.share_request_id == share_request.pk
    sign_out(page)

    # The safeguarding lead sees each step in the audit log.
    page = sign_in("lead")
    expect(page.get_by_text("Riverside: figures")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Audit log").click()
    page.wait_for_url(f"{live_server.url}/audit/")
    table = page.locator("tbody").inner_text()
    for action in (
        "Decision submitted",
        "Approved",
        "Shared",
        "Follow-up added",
        "Follow-up done",
        "Reconsidered",
    ):
        assert action in table, action
    assert_accessible(page)
