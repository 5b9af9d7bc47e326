"""Each role's dashboard shows their own work, their team's overdue items, or the figures."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from decisions.dashboard import selectors as dashboard_selectors
from decisions.exchange.deliveries import complaint_record
from decisions.lifecycle import selectors as lifecycle_selectors
from decisions.lifecycle import services as lifecycle_services
from decisions.models import FollowUp, ShareRequest
from tests import factories

TODAY = timezone.localdate


def follow_up(world, owner, days: int, action: str):
    item = lifecycle_services.follow_up_add(
        user=world.users["practitioner"],
        decision=world.decision,
        action=action,
        owner=owner,
        due_on=TODAY(),
    )
    FollowUp.objects.filter(pk=item.pk).update(due_on=TODAY() + datetime.timedelta(days=days))
    return item


def test_practitioner_sees_own_follow_ups_overdue_first_and_decisions_waiting(world, client_for):
    practitioner = world.users["practitioner"]
    follow_up(world, practitioner, 5, "Later follow-up")
    follow_up(world, practitioner, -3, "Overdue follow-up")
    follow_up(world, world.users["manager"], -9, "Someone else's follow-up")
    page = client_for(practitioner).get(reverse("dashboard")).content.decode()
    assert page.index("Overdue follow-up") < page.index("Later follow-up")
    assert "Someone else&#x27;s follow-up" not in page
    assert "Your decisions waiting for a verdict" in page
    assert reverse("decision_detail", args=[world.decision.pk]) in page
    assert "With the managers" in page


def test_manager_sees_the_queue_count_and_the_teams_overdue_items(world, client_for):
    factories.make_decision(factories.make_request(world.case), world.users["practitioner"])
    overdue = factories.make_request(
        world.case,
        counterpart_agency="Late Agency",
        received_on=TODAY() - datetime.timedelta(days=10),
        due_on=TODAY() - datetime.timedelta(days=1),
    )
    follow_up(world, world.users["practitioner"], -2, "Team overdue follow-up")
    page = client_for(world.users["manager"]).get(reverse("dashboard")).content.decode()
    assert "2 decisions waiting for your approval" in page
    assert reverse("approval_queue") in page
    assert "Your team's overdue requests" in page
    assert reverse("request_detail", args=[overdue.pk]) in page
    assert "Team overdue follow-up" in page
    other = client_for(world.users["other_manager"]).get(reverse("dashboard")).content.decode()
    assert "No decision is waiting for your approval" in other
    assert "Team overdue follow-up" not in other and "Late Agency" not in other


def test_the_managers_queue_count_stops_at_its_cap(world, client_for, monkeypatch):
    """The dashboard counts no further than APPROVAL_COUNT_CAP; the queue's page has the total."""
    for _ in range(2):
        factories.make_decision(factories.make_request(world.case), world.users["practitioner"])
    monkeypatch.setattr(lifecycle_selectors, "APPROVAL_COUNT_CAP", 2)
    manager = client_for(world.users["manager"])
    page = manager.get(reverse("dashboard")).content.decode()
    assert "2 or more decisions waiting for your approval" in page
    monkeypatch.setattr(lifecycle_selectors, "APPROVAL_COUNT_CAP", 4)
    page = manager.get(reverse("dashboard")).content.decode()
    assert "3 decisions waiting for your approval" in page


def test_lead_sees_organisation_figures(world, client_for):
    practitioner = world.users["practitioner"]
    now = timezone.now()
    # world.decision: share without consent, awaiting approval, request received yesterday.
    approved = factories.make_decision(
        factories.make_request(world.case, received_on=TODAY() - datetime.timedelta(days=4)),
        practitioner,
        decided_at=now,
    )
    lifecycle_services.decision_verdict(
        decision=approved, approver=world.users["manager"], verdict="approved"
    )
    lifecycle_services.share_record(
        decision=approved,
        user=practitioner,
        shared=True,
        what_was_shared="Attendance",
        shared_with="DC Morgan",
        shared_on=TODAY(),
        method="phone",
    )
    refused = factories.make_decision(
        factories.make_request(world.case, received_on=TODAY() - datetime.timedelta(days=10)),
        practitioner,
        outcome="do_not_share",
        requires_approval=False,
    )
    refused.share_request.status = ShareRequest.Status.NOT_SHARED
    refused.share_request.save()
    factories.make_decision(
        refused.share_request,
        practitioner,
        supersedes=refused,
        outcome="do_not_share",
        requires_approval=False,
    )
    factories.make_request(world.case, due_on=TODAY() - datetime.timedelta(days=1))
    other_case = factories.make_case(world.other_org, reference="NORTH-2")
    factories.make_decision(factories.make_request(other_case), world.users["other_practitioner"])
    complaint_record(
        user=world.users["lead"],
        decision=approved,
        made_by="The child's mother",
        received_on=TODAY(),
        details="She was not told the school would be asked.",
    )

    [figures] = dashboard_selectors.organisation_figures(world.users["lead"])
    assert dict(figures.decisions_by_outcome) == {
        "Share": 0,
        "Share without consent": 2,
        "Share de-identified information": 0,
        "Do not share": 1,  # the reconsidered one counts once, as its latest
    }
    assert figures.shared_without_consent == 1
    assert figures.not_shared == 1
    assert figures.complaints == 1
    assert figures.awaiting_approval == 1
    assert figures.overdue_requests == 1
    # First decisions only: 1, 4 and 10 days from request received to decision.
    assert (figures.decisions_counted, figures.median_days_to_decision) == (3, 4)
    page = client_for(world.users["lead"]).get(reverse("dashboard")).content.decode()
    assert "Riverside: figures" in page
    assert re.search(r"Median time from request to decision</dt>\s*<dd[^>]*>4 days", page)
    assert re.search(r"Complaints about sharing decisions</dt>\s*<dd[^>]*>1", page)
    assert "Northgate" not in page
    practitioner_page = client_for(practitioner).get(reverse("dashboard")).content.decode()
    assert "figures" not in practitioner_page


def test_a_leads_figures_are_counted_again_only_when_the_organisation_changes(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from decisions.cases import services as case_services

    lead = world.users["lead"]
    [before] = dashboard_selectors.organisation_figures(lead)
    with CaptureQueriesContext(connection) as captured:
        [again] = dashboard_selectors.organisation_figures(lead)
    assert again == before
    assert len(captured) == 3  # the organisations, and their data version: nothing counted
    case_services.share_request_open(  # audited in the organisation's log
        user=world.users["practitioner"], case=world.case, direction=ShareRequest.INCOMING,
        counterpart_agency="GP", counterpart_contact="Dr Lee", counterpart_role="GP",
        purpose="Assess risk", information_requested="Attendance",
        due_on=TODAY() - datetime.timedelta(days=1),
    )
    [after] = dashboard_selectors.organisation_figures(lead)
    assert after.overdue_requests == before.overdue_requests + 1
