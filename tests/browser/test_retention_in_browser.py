"""A lead opens a person's disclosure log from their case, and the retention page: both pass
axe; the log names what was shared and hides the other protected person."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.decisions.retention.scenario import NEIGHBOUR, SECRETS, build_case


def test_lead_reads_a_disclosure_log_and_the_retention_page(world, live_server, sign_in):
    built = build_case(world)
    page = sign_in("lead")
    page.goto(f"{live_server.url}/cases/{built.case.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("What was shared about Zephyrine")).click()

    expect(page.get_by_role("heading", name=re.compile("Disclosure log"))).to_be_visible()
    expect(page.get_by_text(SECRETS["shared"])).to_be_visible()
    expect(page.get_by_text(NEIGHBOUR)).to_have_count(0)
    expect(page.get_by_text("[protected: Neighbour]").first).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/retention/")
    expect(page.get_by_role("heading", name="Retention and erasure")).to_be_visible()
    expect(page.get_by_role("link", name="RET-1", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"Place a hold\s+on RET-1")).click()
    page.get_by_role("button", name="Place the legal hold").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why the case must be kept")
    assert_accessible(page)
    page.get_by_label("Why the case must be kept").fill("Care proceedings")
    page.get_by_role("button", name="Place the legal hold").click()
    expect(page.get_by_text("Care proceedings").first).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/retention/disclosures/?name=quill")
    expect(page.get_by_role("link", name="Zephyrine Quillbottom")).to_be_visible()
    assert_accessible(page)
