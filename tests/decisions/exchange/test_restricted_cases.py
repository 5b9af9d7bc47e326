"""Restricted cases (issue 14): seen only by those granted them by name and by the leads,
whatever their role; every grant, removal and restriction is audited."""

import pytest
from django.urls import reverse

from decisions.cases.selectors import cases_for, cases_writable_by
from decisions.exchange import access
from decisions.models import AuditEntry


@pytest.fixture
def restricted(world):
    access.case_restrict(user=world.users["lead"], case=world.case, restricted=True)
    return world.case


PAGES = ["case_detail", "case_edit", "person_add", "request_open"]


@pytest.mark.parametrize("role", ["practitioner", "manager"])
def test_a_restricted_case_is_404_to_anyone_not_granted_it(world, restricted, client_for, role):
    client = client_for(world.users[role])
    for name in PAGES:
        assert client.get(reverse(name, args=[restricted.pk])).status_code == 404, name
    assert client.get(reverse("request_detail", args=[world.share_request.pk])).status_code == 404
    assert client.get(reverse("decision_detail", args=[world.decision.pk])).status_code == 404
    assert restricted not in cases_for(world.users[role])


def test_the_lead_still_reads_it_and_a_grantee_works_on_it(world, restricted, client_for):
    lead = client_for(world.users["lead"])
    assert lead.get(reverse("case_detail", args=[restricted.pk])).status_code == 200
    access.case_grant(
        user=world.users["lead"], case=restricted, grantee=world.users["practitioner"]
    )
    practitioner = world.users["practitioner"]
    assert restricted in cases_for(practitioner) and restricted in cases_writable_by(practitioner)
    assert (
        client_for(practitioner).get(reverse("case_edit", args=[restricted.pk])).status_code == 200
    )
    # A grant does not widen a role: the unassigned practitioner granted it still cannot read it.
    access.case_grant(user=world.users["lead"], case=restricted, grantee=world.users["unassigned"])
    assert restricted not in cases_for(world.users["unassigned"])


def test_the_leads_page_restricts_grants_and_removes_with_audit_entries(world, client_for):
    lead = client_for(world.users["lead"])
    url = reverse("case_access", args=[world.case.pk])
    assert "Who may see this case" in lead.get(url).content.decode()
    manager = world.users["manager"]
    response = lead.post(url, {"restricted": "on", "grantees": [str(manager.pk)]})
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.restricted
    assert world.case in cases_for(manager)
    assert world.case not in cases_for(world.users["practitioner"])
    lead.post(url, {"restricted": "on"})
    assert world.case not in cases_for(manager)
    actions = list(
        AuditEntry.objects.filter(case=world.case)
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == [
        AuditEntry.Action.ACCESS_GRANTED,
        AuditEntry.Action.CASE_RESTRICTED,
        AuditEntry.Action.ACCESS_REMOVED,
    ]


def test_the_page_offers_only_people_who_can_sign_in(world, client_for):
    from tests.factories import make_api_client

    client = make_api_client(world.org, name="Mosaic")
    service_account = client.client.account
    page = client_for(world.users["lead"]).get(reverse("case_access", args=[world.case.pk]))
    choices = page.context["form"].fields["grantees"].queryset
    assert world.users["practitioner"] in choices
    assert service_account not in choices


def test_only_the_lead_may_restrict(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        access.case_restrict(user=world.users["manager"], case=world.case, restricted=True)
    world.case.refresh_from_db()
    assert not world.case.restricted
