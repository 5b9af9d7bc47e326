"""Case and request pages show who changed which field, from what, to what."""

import pytest
from django.urls import reverse

from decisions.cases import services as case_services
from decisions.cases.history import changes_of
from decisions.models import ShareRequest

pytestmark = pytest.mark.django_db


def _update(world, user="manager", **fields):
    values = {
        "reference": world.case.reference,
        "summary": world.case.summary,
        "assigned": list(world.case.assigned.all()),
        "is_closed": world.case.is_closed,
    }
    values.update(fields)
    return case_services.case_update(user=world.users[user], case=world.case, **values)


def test_one_users_quick_edits_read_as_one(world):
    _update(world, reference="RIV-X")
    _update(world, reference="RIV-Y", assigned=[])
    changed = [event for event in changes_of(world.case) if not event.created]
    assert len(changed) == 1
    assert {(c.label, c.new) for c in changed[0].changes} == {
        ("Reference", "RIV-Y"),
        ("Assigned", "Nobody"),
    }


def test_case_changes_name_who_and_what(world):
    _update(world, reference="RIV-1A", is_closed=True)
    events = changes_of(world.case)
    assert events[0].created
    changed = [event for event in events if not event.created]
    assert len(changed) == 1
    assert changed[0].who == world.users["manager"].display_name
    assert {(c.label, c.old, c.new) for c in changed[0].changes} == {
        ("Reference", "RIV-1", "RIV-1A"),
        ("Is closed", "No", "Yes"),
    }


def test_assigned_practitioners_changes_are_shown_by_name(world):
    _update(world, assigned=[world.users["unassigned"]])
    changes = [c for e in changes_of(world.case) for c in e.changes]
    assert any(
        c.label == "Assigned"
        and world.users["practitioner"].display_name in c.old
        and c.new == world.users["unassigned"].display_name
        for c in changes
    ), changes


def test_choice_fields_show_their_labels(world):
    share_request = world.share_request
    share_request.status = ShareRequest.Status.CLOSED
    share_request._history_user = world.users["manager"]
    share_request.save()
    change = changes_of(share_request)[-1].changes[0]
    assert (change.label, change.old, change.new) == ("Status", "Open", "Closed")


def test_history_costs_the_same_queries_however_long_it_is(world, django_assert_num_queries):
    _update(world, reference="RIV-A")
    with django_assert_num_queries(3):
        short = changes_of(world.case)
    for n in range(8):
        # Alternating users: one user's edits within seconds of each other read as one.
        user = "manager" if n % 2 else "practitioner"
        _update(world, user, reference=f"RIV-{n}", assigned=[world.users["unassigned"]][: n % 2])
    with django_assert_num_queries(3):
        long = changes_of(world.case)
    assert len(long) == len(short) + 8


def test_case_page_shows_the_history(world, client):
    _update(world, reference="RIV-1B")
    client.force_login(world.users["lead"])
    body = client.get(reverse("case_detail", args=[world.case.pk])).content.decode()
    assert "History" in body
    assert f"Changed by {world.users['manager'].display_name}" in body
    assert "“RIV-1”" in body and "“RIV-1B”" in body


def test_request_page_shows_the_history(world, client):
    share_request = world.share_request
    share_request.counterpart_agency = "Renamed agency"
    share_request._history_user = world.users["practitioner"]
    share_request.save()
    client.force_login(world.users["practitioner"])
    body = client.get(reverse("request_detail", args=[share_request.pk])).content.decode()
    assert "Renamed agency" in body and "Changed by" in body
