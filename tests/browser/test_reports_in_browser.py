"""The safeguarding lead reads the reports in Chromium: charts drawn, tables beside them, CSV
downloads, a bad period corrected; every page passes axe."""

import csv
import io

import pytest

from decisions.lifecycle import services as lifecycle_services
from decisions.reports import selectors
from tests import factories
from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.django_db(transaction=True)


def test_lead_reads_the_reports_charts_and_tables_and_downloads_csv(world, live_server, sign_in):
    lifecycle_services.decision_verdict(
        decision=world.decision, approver=world.users["manager"], verdict="approved"
    )
    factories.make_decision(
        factories.make_request(world.case, counterpart_agency="Riverside GP Practice"),
        world.users["practitioner"],
        outcome="do_not_share",
        requires_approval=False,
    )
    page = sign_in("lead")

    page.get_by_role("link", name="Reports", exact=True).click()
    page.wait_for_url(f"{live_server.url}/reports/")
    assert page.get_by_role("heading", name="Reports", level=1).is_visible()
    charts = page.locator("img.isg-chart")
    assert charts.count() == len(selectors.FIGURES)
    for index in range(charts.count()):
        chart = charts.nth(index)
        chart.scroll_into_view_if_needed()
        chart.wait_for(state="visible")
        # Drawn: the SVG loaded (under the page's strict CSP) and has a size.
        assert page.evaluate(
            "img => img.complete && img.naturalWidth > 0", chart.element_handle()
        ), chart.get_attribute("src")
    outcomes = page.get_by_role("table", name="Decisions by outcome")
    assert outcomes.is_visible()
    assert outcomes.get_by_role("columnheader", name="Share without consent").is_visible()
    assert page.get_by_role("table", name="Requests by agency").get_by_role(
        "rowheader", name="Riverside GP Practice"
    ).is_visible()
    assert_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Download every figure as CSV").click()
    rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert rows[0][:4] == ["Organisation", "From", "To", "Figure"]
    assert any(row[3] == "Managers' verdicts" and row[5] == "Approved" and row[6] == "1"
               for row in rows)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download time to approve or reject as CSV").click()
    assert download.value.suggested_filename.startswith("isg-report-approval-time-")

    page.get_by_role("group", name="From").get_by_label("Month").fill("13")
    page.get_by_role("group", name="From").get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Show the report").click()
    assert page.get_by_text("There is a problem").is_visible()
    assert page.get_by_role("link", name="The month must be a number from 1 to 12").is_visible()
    assert page.get_by_role("group", name="From").get_by_label("Month").input_value() == "13"
    assert page.locator("img.isg-chart").count() == 0
    assert_accessible(page)

    page.get_by_role("group", name="From").get_by_label("Month").fill("1")
    page.get_by_role("button", name="Show the report").click()
    assert page.get_by_role("heading", name="Decisions by outcome").is_visible()
    assert page.get_by_text("There is a problem").count() == 0
    assert_accessible(page)
