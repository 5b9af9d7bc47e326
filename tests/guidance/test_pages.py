import re

import pytest
from django.urls import reverse

from guidance import catalogue

SLUGS = ["nz", "sa-isg", "uk-2018", "uk-2024", "vic-ciss"]

# Wellbeing need only, the family said no; the recipient can act on it. Victoria's scheme needs
# no consent for wellbeing; the UK 2024 advice says respect the refusal.
WELLBEING_REFUSED = {
    "immediate_danger": "false",
    "legitimate_purpose": "true",
    "recipient_has_role": "true",
    "risk_of_harm": "wellbeing",
    "consent": "refused",
    "informing_increases_risk": "false",
    "ciss_recipient_prescribed": "true",
    "ciss_excluded_information": "false",
    # Since 1.1.0: a wellbeing need only (no perceived risk), about identifiable information.
    "uk_perceived_risk": "false",
    "identifiable": "true",
    "compare": "1",
}


def recommendations(html: str) -> dict[str, str]:
    found = re.findall(
        r'data-framework="([^"]+)">\s*<strong class="govuk-tag [^"]+">([^<]+)<', html
    )
    return dict(found)


@pytest.fixture
def practitioner(world, client_for):
    return client_for(world.users["practitioner"])


def test_library_lists_every_framework_with_version_date_and_sources(practitioner):
    html = practitioner.get(reverse("guidance:library")).content.decode()
    for definition in catalogue.latest():
        assert definition["title"] in html
        assert reverse("guidance:framework", args=[definition["slug"]]) in html
        assert definition["sources"][0]["url"] in html
    assert "1 May 2024" in html  # uk-2024's effective date, written for people


@pytest.mark.parametrize("slug", SLUGS)
def test_framework_page_shows_questions_rules_and_flow(practitioner, slug):
    definition = catalogue.definition(slug)
    html = practitioner.get(reverse("guidance:framework", args=[slug])).content.decode()
    assert 'class="isg-flow"' in html
    for q in definition["questions"]:
        assert f'id="question-{q["id"]}"' in html
    for principle in definition["principles"]:
        assert principle["title"] in html
    assert "Otherwise → " in html
    assert "style=" not in html and "<script>" not in html


def test_uk_2024_rule_reads_as_plain_english(practitioner):
    html = practitioner.get(reverse("guidance:framework", args=["uk-2024"])).content.decode()
    assert "If the risk of harm is significant → share without consent (approval needed)" in html


def test_flow_leads_each_danger_answer_to_acting_now(practitioner):
    html = practitioner.get(reverse("guidance:framework", args=["uk-2018"])).content.decode()
    flow = html.split('id="flow"')[1].split('id="rules"')[0]
    assert "Question 1" in flow and "Act now to protect them" in flow


def test_a_named_old_version_is_served_and_an_unknown_one_is_404(practitioner):
    ok = practitioner.get(reverse("guidance:framework_version", args=["uk-2024", "1.0.0"]))
    missing = practitioner.get(reverse("guidance:framework_version", args=["uk-2024", "9.9.9"]))
    assert ok.status_code == 200
    assert missing.status_code == 404


def test_unknown_framework_is_404(practitioner):
    assert practitioner.get(reverse("guidance:framework", args=["atlantis"])).status_code == 404


def test_compare_form_starts_with_every_fact_not_known(practitioner):
    response = practitioner.get(reverse("guidance:compare"))
    html = response.content.decode()
    assert response.context["columns"] is None
    assert html.count('value="" checked') == len(response.context["rows"])


def test_compare_pins_wellbeing_refusal_difference(practitioner):
    response = practitioner.get(reverse("guidance:compare"), WELLBEING_REFUSED)
    found = recommendations(response.content.decode())
    assert found["uk-2024"] == "Do not share"
    assert found["vic-ciss"] == "Share without consent"
    assert found["sa-isg"] == "Do not share"


def test_compare_significant_harm_without_consent_everywhere(practitioner):
    facts = dict(WELLBEING_REFUSED, risk_of_harm="significant", identifiable="true",
                 confidential="true", nz_statutory_demand="false")
    found = recommendations(practitioner.get(reverse("guidance:compare"), facts).content.decode())
    assert set(found) == set(SLUGS)
    assert set(found.values()) == {"Share without consent"}


def test_compare_shows_the_next_question_while_incomplete(practitioner):
    response = practitioner.get(reverse("guidance:compare"), {"immediate_danger": "false"})
    html = response.content.decode()
    assert set(recommendations(html).values()) == {"Not enough answers yet"}
    uk = catalogue.definition("uk-2024")
    assert uk["questions"][1]["text"] in html


def test_compare_gives_warnings_in_plain_words(practitioner):
    facts = dict(WELLBEING_REFUSED, risk_of_harm="significant", informing_increases_risk="true")
    html = practitioner.get(reverse("guidance:compare"), facts).content.decode()
    assert "Do not tell the child or carers about the sharing" in html
    assert "do_not_inform_subject" not in html


def test_compare_invalid_answer_shows_error_summary_and_keeps_input(practitioner):
    response = practitioner.get(
        reverse("guidance:compare"),
        {"consent": "refused", "consent_not_sought_reason": "unsafe", "risk_of_harm": "banana"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'href="#consent_not_sought_reason"' in html and 'href="#risk_of_harm"' in html
    assert response.context["columns"] is None
    assert re.search(r'name="consent" type="radio" value="refused" checked', html)
