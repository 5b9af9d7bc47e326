import pytest
from django.urls import reverse

from decisions.models import Case, Person, ShareRequest
from tests import factories


def test_practitioner_sees_only_assigned_cases_in_list(world, client_for):
    factories.make_case(world.org, assigned=[world.users["unassigned"]], reference="RIV-2")
    body = client_for(world.users["practitioner"]).get(reverse("case_list")).content.decode()
    assert "RIV-1" in body
    assert "RIV-2" not in body
    assert "NORTH-1" not in body


@pytest.mark.parametrize("role", ["manager", "lead"])
def test_managers_and_leads_see_all_their_organisations_cases(world, client_for, role):
    factories.make_case(world.org, assigned=[world.users["unassigned"]], reference="RIV-2")
    body = client_for(world.users[role]).get(reverse("case_list")).content.decode()
    assert "RIV-1" in body and "RIV-2" in body
    assert "NORTH-1" not in body


def test_admin_without_another_role_sees_no_cases(world, client_for):
    body = client_for(world.users["admin"]).get(reverse("case_list")).content.decode()
    assert "RIV-1" not in body


def test_practitioner_creates_case_and_is_assigned(world, client_for):
    user = world.users["practitioner"]
    response = client_for(user).post(
        reverse("case_create"),
        {
            "reference": "RIV-77",
            "child_name": "Sam",
            "child_date_of_birth_0": "3",
            "child_date_of_birth_1": "4",
            "child_date_of_birth_2": "2015",
            "summary": "Worried about attendance",
        },
    )
    case = Case.objects.get(reference="RIV-77")
    assert response.status_code == 302
    assert response.url == reverse("case_detail", args=[case.pk])
    assert case.organisation == world.org
    assert list(case.assigned.all()) == [user]
    child = case.people.get()
    assert (child.name, child.relationship, str(child.date_of_birth)) == (
        "Sam",
        Person.CHILD,
        "2015-04-03",
    )


def test_duplicate_reference_is_refused_and_input_kept(world, client_for):
    response = client_for(world.users["practitioner"]).post(
        reverse("case_create"), {"reference": "RIV-1", "summary": "Keep me please"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "A case with this reference already exists" in body
    assert "Keep me please" in body
    assert Case.objects.filter(reference="RIV-1").count() == 1


def test_invalid_date_gets_a_clear_error(world, client_for):
    response = client_for(world.users["practitioner"]).post(
        reverse("case_create"),
        {
            "reference": "RIV-78",
            "child_date_of_birth_0": "31",
            "child_date_of_birth_1": "2",
            "child_date_of_birth_2": "2015",
        },
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert not Case.objects.filter(reference="RIV-78").exists()


def test_edit_case_records_history(world, client_for):
    user = world.users["practitioner"]
    client_for(user).post(
        reverse("case_edit", args=[world.case.pk]),
        {"reference": "RIV-1A", "summary": "Updated", "assigned": [user.pk]},
    )
    world.case.refresh_from_db()
    assert world.case.reference == "RIV-1A"
    latest = world.case.history.first()
    assert latest.history_user == user
    assert latest.reference == "RIV-1A"


def test_lead_cannot_edit_a_case(world, client_for):
    response = client_for(world.users["lead"]).post(
        reverse("case_edit", args=[world.case.pk]), {"reference": "HACKED"}
    )
    assert response.status_code == 404
    world.case.refresh_from_db()
    assert world.case.reference == "RIV-1"


def test_add_protected_person(world, client_for):
    client_for(world.users["practitioner"]).post(
        reverse("person_add", args=[world.case.pk]),
        {"name": "Reporter Rae", "relationship": "referrer", "protect_identity": "on"},
    )
    person = world.case.people.get(name="Reporter Rae")
    assert person.protect_identity


def test_open_share_request_and_errors_keep_input(world, client_for):
    client = client_for(world.users["practitioner"])
    url = reverse("request_open", args=[world.case.pk])
    bad = client.post(url, {"counterpart_agency": "School <b>X</b>", "purpose": "Keep this"})
    body = bad.content.decode()
    assert "Select whether the request is incoming or outgoing" in body
    assert "Keep this" in body
    assert "School &lt;b&gt;X&lt;/b&gt;" in body
    good = client.post(
        url,
        {
            "direction": "incoming",
            "counterpart_agency": "School",
            "counterpart_contact": "Head, 0100",
            "counterpart_role": "Designated safeguarding lead",
            "purpose": "Support plan",
            "information_requested": "Attendance",
            "urgency": "urgent",
            "received_on_0": "1",
            "received_on_1": "11",
            "received_on_2": "2026",
            "due_on_0": "30",
            "due_on_1": "11",
            "due_on_2": "2026",
        },
    )
    created = ShareRequest.objects.get(counterpart_agency="School")
    assert good.url == reverse("request_detail", args=[created.pk])
    assert created.status == ShareRequest.Status.OPEN
    assert created.opened_by == world.users["practitioner"]


def test_due_date_before_received_is_refused(world, client_for):
    response = client_for(world.users["practitioner"]).post(
        reverse("request_open", args=[world.case.pk]),
        {
            "direction": "incoming",
            "counterpart_agency": "School",
            "counterpart_contact": "Head",
            "counterpart_role": "DSL",
            "purpose": "p",
            "information_requested": "i",
            "urgency": "routine",
            "received_on_0": "10",
            "received_on_1": "11",
            "received_on_2": "2026",
            "due_on_0": "1",
            "due_on_1": "11",
            "due_on_2": "2026",
        },
    )
    assert "The due date must be on or after the date received" in response.content.decode()


def test_dashboard_lists_open_requests_due_soonest_first(world, client_for):
    import datetime

    today = datetime.date.today()
    later = factories.make_request(
        world.case, counterpart_agency="Later Agency", due_on=today + datetime.timedelta(days=9)
    )
    sooner = factories.make_request(
        world.case, counterpart_agency="Sooner Agency", due_on=today + datetime.timedelta(days=1)
    )
    factories.make_request(world.case, counterpart_agency="Closed Agency", status="closed")
    body = client_for(world.users["practitioner"]).get(reverse("dashboard")).content.decode()
    assert body.index(sooner.counterpart_agency) < body.index(later.counterpart_agency)
    assert "Closed Agency" not in body


def test_overdue_request_is_flagged(world):
    import datetime

    overdue = factories.make_request(
        world.case, due_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    assert overdue.is_overdue
    assert not world.share_request.is_overdue
