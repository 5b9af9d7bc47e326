"""The safeguarding lead reviews the audit log in Chromium; every page passes axe."""

import pytest

from decisions.audit import record as audit_log
from decisions.audit import verify
from decisions.models import AuditEntry
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_lead_filters_the_audit_log_and_opens_an_entry(world, live_server, sign_in):
    audit_log.record(
        action=AuditEntry.Action.REQUEST_OPENED,
        actor=world.users["practitioner"],
        obj=world.share_request,
        case=world.case,
        snapshot={"counterpart_agency": "Police <PPU>"},
    )
    audit_log.record(
        action=AuditEntry.Action.CASE_UPDATED, actor=world.users["manager"], case=world.case
    )
    verify.verify_and_record()
    page = sign_in("lead")

    page.get_by_role("link", name="Audit log").click()
    page.wait_for_url(f"{live_server.url}/audit/")
    assert page.get_by_role("heading", name="Audit log", level=1).is_visible()
    assert page.get_by_text("Intact", exact=True).is_visible()
    assert_accessible(page)

    page.get_by_label("Action").select_option("request_opened")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/audit/?*action=request_opened*")
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    assert "Request opened" in rows.first.inner_text()
    assert_accessible(page)

    rows.first.get_by_role("link").click()
    page.wait_for_url("**/audit/*/")
    assert page.get_by_role("heading", level=1).inner_text().endswith("Request opened")
    assert "Police <PPU>" in page.locator("pre").inner_text()
    assert page.get_by_text("Checked and intact").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Audit log").first.click()
    page.get_by_label("Username").fill("nobody-by-this-name")
    page.get_by_role("button", name="Filter").click()
    assert page.get_by_text("No entry matches these filters.").is_visible()
    assert_accessible(page)
