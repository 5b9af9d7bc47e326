import re

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible


def test_practitioner_signs_in_and_opens_a_case(world, live_server, sign_in):
    page = sign_in("practitioner")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("link", name="RIV-1")).to_be_visible()
    expect(page.get_by_text("NORTH-1")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="RIV-1").click()
    expect(page.get_by_role("heading", name=re.compile("Case RIV-1"))).to_be_visible()
    expect(page.get_by_text("Protected")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name=re.compile("Incoming")).first.click()
    expect(page.get_by_text("Police Public Protection Unit").first).to_be_visible()
    assert_accessible(page)


def test_form_errors_are_accessible_and_keep_input(world, live_server, sign_in):
    page = sign_in("practitioner")
    page.goto(f"{live_server.url}/cases/{world.case.pk}/requests/new/")
    assert_accessible(page)
    page.get_by_label("Agency", exact=True).fill("Northgate School")
    page.get_by_role("button", name="Open request").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    expect(page.get_by_label("Agency", exact=True)).to_have_value("Northgate School")
    assert_accessible(page)

    page.goto(f"{live_server.url}/cases/new/")
    assert_accessible(page)
