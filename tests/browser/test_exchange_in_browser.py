"""Requests that travel between organisations, in Chromium, with axe on every page.

Northgate (the world's other organisation) asks Riverside; Riverside takes, decides, gets
its manager's approval, records what was shared and answers; Northgate reads the delivery
on its case and acknowledges it; each lead finds its half in its audit log. Then a refusal
with written reasons, and a correction shown beside the original.
"""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from decisions.exchange import services as exchange_services
from decisions.models import AuditEntry, Delivery, ExchangeRequest, Receipt
from tests import factories
from tests.browser.conftest import assert_accessible
from tests.browser.test_approvals_in_browser import fill_date, sign_out
from tests.browser.test_wizard_in_browser import run_wizard
from tests.decisions.wizard.test_wizard import SHARE_WITHOUT_CONSENT

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def listed(world):
    factories.make_listed(world.org)
    factories.make_listed(world.other_org, kind="police")
    return world


def north_case(world):
    return world.other_org.cases.get(reference="NORTH-1")


def visit(page, url: str) -> None:
    page.goto(url)
    assert_accessible(page)


def test_ask_take_decide_approve_deliver_and_acknowledge(listed, live_server, sign_in):
    world, today = listed, timezone.localdate()
    case = north_case(world)

    # Northgate's practitioner asks Riverside from the case.
    page = sign_in("other_practitioner")
    visit(page, f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("button", name="Ask another organisation").click()
    assert_accessible(page)
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("alert")).to_contain_text("Select an organisation")
    assert_accessible(page)
    page.get_by_label("Riverside").check()
    page.get_by_label("Why do you need the information?").fill("Assess risk after a disclosure")
    page.get_by_label("What information are you asking for?").fill("Attendance, autumn term")
    page.get_by_label("Routine").check()
    fill_date(page, "due_on", today)
    page.get_by_role("button", name="Send the request").click()
    exchange = ExchangeRequest.objects.get()
    expect(page.get_by_role("heading", name=re.compile(exchange.reference))).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Riverside's practitioner finds it in the queue, sees the request only, takes it.
    page = sign_in("practitioner")
    page.get_by_role("link", name="Requests to us").click()
    assert_accessible(page)
    page.get_by_role("link", name=exchange.reference).click()
    expect(page.get_by_text("Assess risk after a disclosure")).to_be_visible()
    expect(page.get_by_text("NORTH-1")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Take this request").click()
    assert_accessible(page)
    page.get_by_label("A new case").check()
    page.get_by_label("Reference for the new case").fill("RIV-ASKED")
    page.get_by_role("button", name="Take the request").click()
    run_wizard(page, SHARE_WITHOUT_CONSENT, "share_without_consent")
    page.get_by_role("button", name="Submit decision").click()
    expect(page.get_by_role("heading", name="Decision recorded")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Riverside's manager approves.
    exchange.refresh_from_db()
    decision = exchange.to_request.decisions.get()
    page = sign_in("manager")
    visit(page, f"{live_server.url}/approvals/{decision.pk}/")
    page.locator("input[name=verdict][value=approved]").check()
    page.get_by_role("button", name="Record your verdict").click()
    expect(page.get_by_role("heading", name="Decision approved")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Riverside's practitioner records what was shared, then sends the answer.
    page = sign_in("practitioner")
    visit(page, f"{live_server.url}/decisions/{decision.pk}/")
    page.get_by_role("button", name="Record what was shared").click()
    assert_accessible(page)
    page.get_by_label("Who did you share it with?").fill("Northgate, through ISG")
    fill_date(page, "shared_on", today)
    page.get_by_role("button", name="Record what was shared").click()
    expect(page.get_by_text("What was shared is recorded")).to_be_visible()
    visit(page, f"{live_server.url}/exchange/incoming/{exchange.pk}/")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Attendance record, autumn term").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Deliver the answer").click()
    expect(page.get_by_text("Answer sent to Northgate")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # Northgate sees the delivery on its case and acknowledges it.
    delivery = Delivery.objects.get()
    page = sign_in("other_practitioner")
    visit(page, f"{live_server.url}/cases/{case.pk}/")
    page.get_by_role("link", name=re.compile(delivery.reference)).click()
    expect(page.get_by_text("Attendance record, autumn term").first).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Acknowledge receipt").click()
    expect(page.get_by_text("Receipt acknowledged")).to_be_visible()
    assert_accessible(page)
    assert Receipt.objects.filter(delivery=delivery).exists()
    sign_out(page)

    # Each lead finds its own half in its own audit log.
    for lead, organisation in (("other_lead", world.other_org), ("lead", world.org)):
        page = sign_in(lead)
        visit(page, f"{live_server.url}/audit/?action=delivered")
        expect(page.get_by_role("table").get_by_text("Information delivered").first).to_be_visible()
        halves = AuditEntry.objects.filter(action="delivered", organisation=organisation)
        assert halves.count() == 1
        sign_out(page)


def test_a_refusal_comes_back_with_written_reasons(listed, live_server, sign_in):
    world = listed
    asker = world.users["other_practitioner"]
    exchange = factories.make_exchange(north_case(world), world.org, asker)
    factories.take_and_record(exchange, world.users["practitioner"], shared=False)

    page = sign_in("practitioner")
    visit(page, f"{live_server.url}/exchange/incoming/{exchange.pk}/")
    page.get_by_role("button", name="Send the answer").click()
    assert_accessible(page)
    page.get_by_label("Your reasons for not sharing").fill("No consent, and no risk of harm.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_role("alert")).to_contain_text("Select whether they may ask again")
    assert_accessible(page)
    page.get_by_label("Yes, if something changes").check()
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Answer sent to Northgate")).to_be_visible()
    sign_out(page)

    page = sign_in("other_practitioner")
    visit(page, f"{live_server.url}/exchange/sent/{exchange.pk}/")
    expect(page.get_by_text("No consent, and no risk of harm.")).to_be_visible()
    expect(page.locator(".govuk-tag", has_text="Answered")).to_be_visible()
    assert_accessible(page)


def test_a_correction_is_shown_beside_the_original(listed, live_server, sign_in):
    world = listed
    asker = world.users["other_practitioner"]
    exchange = factories.make_exchange(north_case(world), world.org, asker)
    factories.take_and_record(exchange, world.users["practitioner"], shared=True)
    delivery = exchange_services.exchange_answer(
        user=world.users["practitioner"], exchange_id=exchange.pk
    ).delivery

    page = sign_in("practitioner")
    visit(page, f"{live_server.url}/deliveries/{delivery.pk}/")
    page.get_by_role("button", name="Record a correction").click()
    assert_accessible(page)
    page.get_by_label("What was wrong, and what is right").fill("Two absences, not three.")
    page.get_by_role("button", name="Record the correction").click()
    expect(page.get_by_text("Correction recorded")).to_be_visible()
    sign_out(page)

    page = sign_in("other_practitioner")
    visit(page, f"{live_server.url}/deliveries/{delivery.pk}/")
    expect(page.get_by_text("The sender has corrected this information")).to_be_visible()
    expect(page.get_by_text("Two absences, not three.")).to_be_visible()
    expect(page.get_by_text("Attendance record, autumn term").first).to_be_visible()
