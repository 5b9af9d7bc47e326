"""The strict CSP holds in a real browser, and two-factor set-up works and is accessible."""

import base64
import re

from django_otp.oath import totp
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD

PAGES = ["/", "/cases/", "/guidance/", "/guidance/compare/", "/account/security/"]


def test_pages_load_under_the_csp_without_a_violation(world, live_server, browser):
    # A context WITHOUT bypass_csp: what users' browsers enforce.
    context = browser.new_context(bypass_csp=False)
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("practitioner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    for path in [*PAGES, f"/cases/{world.case.pk}/", f"/cases/{world.case.pk}/requests/new/"]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        # GOV.UK Frontend's module ran: it marks the body.
        assert "govuk-frontend-supported" in (page.get_attribute("body", "class") or ""), path
    context.close()
    assert [p for p in problems if "Content Security Policy" in p] == []
    assert problems == []


def test_a_manager_sets_up_two_factor_in_the_browser(world, live_server, page):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("manager")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/account/two-factor/set-up/**")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Enter the 6-digit code from the app").fill("000000")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("The code is not right").first).to_be_visible()
    assert_accessible(page)
    page.wait_for_timeout(1500)  # one wrong code: django-otp makes the next wait a second
    code = str(totp(base64.b32decode(secret))).zfill(6)
    page.get_by_label("Enter the 6-digit code from the app").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert page.locator(".isg-recovery-codes li").count() == 10
    assert_accessible(page)
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()


def test_lead_signs_in_with_a_code_and_pages_are_accessible(world, live_server, sign_in):
    page = sign_in("lead")
    for path in ["/account/security/", "/account/confirm-password/?next=/audit/"]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
