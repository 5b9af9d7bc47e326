"""Demo exchanges between the two demo organisations, through the exchange's own services:
a request from Northgate waiting for Riverside's decision, and one round trip finished —
Riverside asked, Northgate decided to share, the information was delivered and acknowledged."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from decisions.exchange import deliveries, services
from decisions.lifecycle.services import share_record
from decisions.models import Decision, DirectoryEntry
from decisions.seeding.demo import decide
from decisions.seeding.volume_data import EVERY_CHECK
from guidance import catalogue
from isg.accounts.models import Organisation, User

RIVERSIDE = "Riverside Children's Services"
NORTHGATE = "Northgate Family Support"

# Northgate (SA ISG) shares with the family's agreement: no approval needed.
SHARED_WITH_CONSENT: dict[str, Any] = {
    "by": "quinn",
    "facts": {
        "immediate_danger": False,
        "risk_of_harm": "wellbeing",
        "legitimate_purpose": True,
        "recipient_has_role": True,
        "identifiable": True,
        "informing_increases_risk": False,
        "consent": "given",
        "subject_informed": True,
        "necessary_and_proportionate": True,
        "third_party_at_risk": False,
        "advice_sought": True,
    },
    "steps": {
        "consent": {"child_views": ["Amira's aunt agreed; Amira is happy for school to know."]},
        "items": {
            "items-TOTAL_FORMS": ["1"],
            "items-INITIAL_FORMS": ["0"],
            "items-0-description": ["Dates of the family support sessions since September"],
            "items-0-justification": ["Riverside is assessing how the family engages"],
        },
        "recipients": {
            "recipients": ["Pat Okafor, social worker, Riverside Children's Services"],
            "method": ["secure_portal"],
        },
        "proportionality": {"checks": EVERY_CHECK},
        "advice": {
            "advice_from": ["Maria Costa, manager"],
            "advice_given": ["Share the session dates only."],
        },
        "outcome": {
            "outcome": ["share"],
            "rationale": ["The family agreed and the dates are all Riverside needs."],
            "follow_up": ["Ask Riverside in a month whether more is needed."],
        },
    },
}


DIRECTORY = {
    RIVERSIDE: {"kind": "children_social_care", "duty_inbox": "duty@riverside.example"},
    NORTHGATE: {"kind": "voluntary", "duty_inbox": "duty@northgate.example"},
}


def in_directory() -> tuple[Organisation, Organisation]:
    """Riverside and Northgate, each with its directory entry (made if missing)."""
    riverside = Organisation.objects.get(name=RIVERSIDE)
    northgate = Organisation.objects.get(name=NORTHGATE)
    for organisation in (riverside, northgate):
        DirectoryEntry.objects.get_or_create(
            organisation=organisation, defaults=DIRECTORY[organisation.name]
        )
    return riverside, northgate


@transaction.atomic
def seed_exchange() -> None:
    """Both organisations in the directory, then the two exchanges (with new demo data)."""
    riverside, northgate = in_directory()
    today = timezone.localdate()
    pat, quinn = User.objects.get(username="pat"), User.objects.get(username="quinn")
    services.exchange_ask(
        user=quinn,
        case=northgate.cases.get(reference="NFS-0091"),
        to_organisation=riverside,
        purpose="Northgate is planning family support and needs to know of any open concerns.",
        information_requested="Whether Riverside has an open child-protection plan.",
        urgency="urgent",
        due_on=today + datetime.timedelta(days=2),
    )
    asked = services.exchange_ask(
        user=pat,
        case=riverside.cases.get(reference="RCS-2026-0142"),
        to_organisation=northgate,
        purpose="Assessing how the family engages with support.",
        information_requested="Dates of family support sessions since September.",
        urgency="routine",
        due_on=today + datetime.timedelta(days=7),
    )
    draft = services.exchange_take(user=quinn, exchange_id=asked.pk, new_reference="NFS-2026-0031")
    # The lawful basis: the first the framework of the draft offers.
    basis = catalogue.definition(draft.framework, draft.framework_version)["lawful_bases"][0]
    steps = {**SHARED_WITH_CONSENT["steps"], "lawful_basis": {"lawful_basis": [basis["code"]]}}
    decide(quinn, draft.share_request, {**SHARED_WITH_CONSENT, "steps": steps})
    decision = Decision.objects.get(draft=draft)
    share_record(
        decision=decision,
        user=quinn,
        shared=True,
        what_was_shared="Dates of the six family support sessions since September.",
        shared_with="Pat Okafor, Riverside Children's Services",
        shared_on=today,
        method="secure_portal",
    )
    answer = services.exchange_answer(user=quinn, exchange_id=asked.pk)
    assert answer.delivery is not None
    deliveries.delivery_acknowledge(user=pat, delivery=answer.delivery)
