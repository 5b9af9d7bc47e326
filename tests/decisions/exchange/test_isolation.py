"""The recipient never reaches the asker's case: by URL, by its audit export, or by PDF
(issue 14). Here Northgate asks and Riverside (the world's organisation) answers."""

import csv
import io

import pytest
from django.urls import reverse

from decisions.exchange import services
from decisions.models import Delivery
from tests import factories
from tests.conftest import ROLE_OF

CASE_PAGES = ["case_detail", "case_edit", "person_add", "request_open", "exchange_ask"]


@pytest.fixture
def answered(world, incoming):
    factories.take_and_record(incoming, world.users["practitioner"], shared=True)
    services.exchange_answer(user=world.users["practitioner"], exchange_id=incoming.pk)
    return incoming


@pytest.mark.parametrize("role", sorted(ROLE_OF))
def test_no_one_at_the_recipient_opens_the_askers_case(world, answered, client_for, role):
    client = client_for(world.users[role])
    for name in CASE_PAGES:
        url = reverse(name, args=[answered.from_case.pk])
        assert client.get(url).status_code == 404, (role, name)
    # Nor does the asker reach the recipient's case, through the delivery or otherwise.
    theirs = client_for(world.users[f"other_{role}"])
    recipient_case = Delivery.objects.get().decision.case
    assert theirs.get(reverse("case_detail", args=[recipient_case.pk])).status_code == 404
    assert (
        theirs.get(reverse("decision_pdf", args=[Delivery.objects.get().decision.pk])).status_code
        == 404
    )


def test_the_recipients_audit_export_names_only_its_own_case(world, answered, client_for):
    response = client_for(world.users["lead"]).get(reverse("audit_export"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    cases = {row[8] for row in list(csv.reader(io.StringIO(text)))[1:]}
    assert answered.from_case.reference not in cases
    assert "TAKEN-1" in cases  # its own half, filed under its own case
