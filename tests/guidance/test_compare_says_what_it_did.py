"""The compare page shows, per framework, the rule that decided and the answers it set aside
(issue 13), and gives the safety warning on a refusal (issue 19)."""

import re

import pytest
from django.urls import reverse

NO_ROLE_SIGNIFICANT = {
    "immediate_danger": "false",
    "risk_of_harm": "significant",
    "legitimate_purpose": "true",
    "recipient_has_role": "false",
    "consent": "refused",
    "confidential": "true",
    "nz_statutory_demand": "false",
    "compare": "1",
}


@pytest.fixture
def page(world, client_for):
    client = client_for(world.users["practitioner"])
    return client.get(reverse("guidance:compare"), NO_ROLE_SIGNIFICANT).content.decode()


def test_compare_names_the_rule_that_decided(page):
    assert re.findall(r'data-rule="([^"]*)"', page) == ["no_role"] * 5


def test_compare_lists_the_answers_each_framework_did_not_use(page):
    ignored = re.findall(r'data-ignored="([^"]*)"', page)
    assert len(ignored) == 5
    # Consent is never asked once the recipient has no role; only uk-2018 asks about
    # confidentiality at all (and not on this path either).
    assert all(set(cell.split()) == {"confidential", "consent"} for cell in ignored)
    assert "<code>consent</code>" in page


def test_compare_gives_the_child_protection_warning_on_a_refusal(page):
    assert "follow your local child-protection procedures" in page
    assert "duty to notify the child-protection line" in page
