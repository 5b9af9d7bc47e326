"""The reports page, its chart images and its CSV: what a lead sees and downloads, what bad
periods say, and that nobody else gets in."""

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from decisions.models import Decision
from decisions.reports import selectors
from decisions.reports.period import Period, add_months, month_start
from isg.accounts.models import Membership, Role
from tests import factories
from tests.security.test_headers import EXPECTED_CSP, _policy


@pytest.fixture
def lead(world, client_for):
    return client_for(world.users["lead"])


def period_query(period):
    return "&".join(f"{key}={value}" for key, value in period.query().items())


def test_lead_sees_every_figure_with_its_chart_table_and_csv(world, lead):
    response = lead.get(reverse("reports"))
    assert response.status_code == 200
    page = response.content.decode()
    assert _policy(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert "<script>" not in page and " style=" not in page
    for slug in selectors.FIGURES:
        assert f'id="{slug}"' in page
        assert f"/reports/charts/{slug}.svg?" in page
        assert f"figure={slug}" in page
    assert page.count("<caption") >= len(selectors.FIGURES)
    assert page.count('scope="row"') >= 12  # a row a month
    assert Period.default().label() in page
    # world.decision (share without consent) was made this month.
    outcomes = response.context["report"].figure("outcomes")
    assert outcomes.series[1].label == "Share without consent"
    assert outcomes.series[1].values[-1] == 1


def test_the_default_period_is_the_last_twelve_months(world, lead):
    period = lead.get(reverse("reports")).context["report"].period
    this_month = month_start(timezone.localdate())
    assert (period.first, period.last) == (add_months(this_month, -11), this_month)


def test_a_chosen_period_is_shown_and_kept_in_the_links(world, lead):
    this_month = month_start(timezone.localdate())
    chosen = Period(add_months(this_month, -2), this_month)
    response = lead.get(reverse("reports") + "?" + period_query(chosen))
    report = response.context["report"]
    assert report.period == chosen
    assert len(report.figure("outcomes").rows) == 3
    assert f"start_0={chosen.first.month}" in response.context["query"]
    assert response.context["form"]["start"].value() == [
        str(chosen.first.month),
        str(chosen.first.year),
    ]


@pytest.mark.parametrize(
    ("query", "message", "kept"),
    [
        ("start_0=13&start_1=2026", "The month must be a number from 1 to 12", 'value="13"'),
        ("start_0=1&start_1=26", "The year must have 4 digits", 'value="26"'),
        ("start_0=&start_1=2026", "Enter the month", 'value="2026"'),
        ("start_0=x&start_1=2026", "The month must be a number from 1 to 12", 'value="x"'),
        ("start_0=1&start_1=1999", "The year must be 2000 or later", 'value="1999"'),
        (
            "start_0=6&start_1=2026&end_0=3&end_1=2026",
            "must be the same as or after the ‘from’ month",
            'value="6"',
        ),
        ("end_0=1&end_1=2999", "must be this month or earlier", 'value="2999"'),
        ("start_0=1&start_1=2000&end_0=1&end_1=2010", "60 months or fewer", 'value="2010"'),
    ],
)
def test_a_bad_period_says_what_to_fix_and_keeps_what_was_typed(world, lead, query, message, kept):
    response = lead.get(reverse("reports") + "?" + query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and message in page
    assert kept in page
    assert "report" not in response.context
    assert "/reports/charts/" not in page
    assert page.startswith("<!DOCTYPE html>") or "<title>Error: Reports" in page


def test_an_error_links_to_the_input_to_fix(world, lead):
    page = lead.get(reverse("reports") + "?start_0=13&start_1=2026").content.decode()
    assert 'href="#id_start_0"' in page


def test_chart_is_an_svg_without_script_under_its_own_policy(world, lead):
    response = lead.get(reverse("reports_chart", args=["outcomes"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    root = ET.fromstring(response.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert not [e for e in root.iter() if e.tag.endswith("script")]
    assert b"<script" not in response.content and b"javascript" not in response.content.lower()
    policy = _policy(response["Content-Security-Policy"])
    assert policy["script-src"] == "'none'" and policy["default-src"] == "'none'"
    assert b"Share without consent" in response.content  # the legend


def test_every_chart_draws(world, lead):
    for slug in selectors.FIGURES:
        response = lead.get(reverse("reports_chart", args=[slug]))
        assert response.status_code == 200, slug
        ET.fromstring(response.content)


def test_unknown_figure_is_404(world, lead):
    assert lead.get(reverse("reports_chart", args=["nothing"])).status_code == 404
    assert lead.get(reverse("reports_csv") + "?figure=nothing").status_code == 404


def test_csv_has_every_figure_value_labelled(world, lead):
    response = lead.get(reverse("reports_csv"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment;" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Organisation", "From", "To", "Figure", "Row", "Series", "Value", "Unit"]
    this_month = f"{month_start(timezone.localdate()):%b %Y}"
    assert ["Riverside", f"{add_months(month_start(timezone.localdate()), -11):%Y-%m}",
            f"{timezone.localdate():%Y-%m}", "Decisions by outcome", this_month,
            "Share without consent", "1", ""] in rows
    titles = {row[3] for row in rows[1:]}
    # Every figure but the exchanges, which has a row per organisation exchanged with: none.
    assert len(titles) == len(selectors.FIGURES) - 1
    assert "Exchanges with organisations on ISG" not in titles


def test_csv_of_one_figure(world, lead):
    response = lead.get(reverse("reports_csv") + "?figure=approval-time")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert {row[3] for row in rows[1:]} == {"Time to approve or reject"}
    assert {row[7] for row in rows[1:]} == {"hours"}
    assert "isg-report-approval-time-" in response["Content-Disposition"]


def test_csv_escapes_agency_names_a_spreadsheet_would_run(world, lead):
    factories.make_request(world.case, counterpart_agency="=HYPERLINK(\"http://x\")")
    response = lead.get(reverse("reports_csv") + "?figure=agencies")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert any(row[4] == "'=HYPERLINK(\"http://x\")" for row in rows)
    assert not any(row[4].startswith("=") for row in rows)


def test_csv_and_chart_refuse_a_bad_period_with_the_reason(world, lead):
    for url in (reverse("reports_csv"), reverse("reports_chart", args=["outcomes"])):
        response = lead.get(url + "?start_0=13&start_1=2026")
        assert response.status_code == 400
        assert "The month must be a number from 1 to 12" in response.content.decode()


def test_a_lead_of_two_organisations_chooses_one(world, client_for):
    lead = world.users["lead"]
    Membership.objects.create(user=lead, organisation=world.other_org, role=Role.LEAD)
    other_case = world.other_org.cases.get()
    factories.make_decision(
        factories.make_request(other_case),
        world.users["other_practitioner"],
        outcome=Decision.Outcome.DO_NOT_SHARE,
    )
    client = client_for(lead)
    page = client.get(reverse("reports"))
    assert b'name="organisation"' in page.content
    assert page.context["organisation"] == world.other_org  # Northgate comes first by name
    chosen = client.get(reverse("reports") + f"?organisation={world.org.pk}")
    assert chosen.context["organisation"] == world.org
    outcomes = chosen.context["report"].figure("outcomes")
    assert outcomes.series[3].values[-1] == 0  # Northgate's refusal is not Riverside's
    northgate = client.get(reverse("reports") + f"?organisation={world.other_org.pk}")
    assert northgate.context["report"].figure("outcomes").series[3].values[-1] == 1


def test_another_organisations_id_is_404_for_a_lead(world, lead):
    urls = (reverse("reports"), reverse("reports_csv"), reverse("reports_chart", args=["outcomes"]))
    for url in urls:
        assert lead.get(url + f"?organisation={world.other_org.pk}").status_code == 404
        assert lead.get(url + "?organisation=not-a-number").status_code == 404


def test_the_leads_navigation_and_dashboard_link_to_reports(world, client_for):
    page = client_for(world.users["lead"]).get(reverse("dashboard")).content.decode()
    assert page.count(f'href="{reverse("reports")}"') == 2
    for role in ("practitioner", "manager", "admin"):
        page = client_for(world.users[role]).get(reverse("dashboard")).content.decode()
        assert f'href="{reverse("reports")}"' not in page, role
