"""Demo cases for retention (docs/retention.md): two single information requests closed over
two years ago, past the default period, one of them on legal hold. On first start,
`manage.py apply_retention --dry-run` lists the first; the retention page shows both.

Written through the services with the clock set back (clock.py), like the demo's history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django.utils import timezone

from decisions.cases import services as case_services
from decisions.lifecycle import services as lifecycle_services
from decisions.models import Case, Decision, RecordKind, ShareRequest
from decisions.retention import services as retention_services
from decisions.seeding import demo
from decisions.seeding.clock import clock_at
from isg.accounts.models import Organisation, User

RIVERSIDE = "Riverside Children's Services"


@dataclass(frozen=True)
class OldCase:
    reference: str
    summary: str
    child: str
    born: datetime.date
    parent: str
    hold: str = ""


OLD_CASES = [
    OldCase(
        "RCS-2023-0031",
        "School asked whether a pupil was known to us; one request, answered.",
        "Casey W",
        datetime.date(2013, 2, 9),
        "Robin W",
    ),
    OldCase(
        "RCS-2023-0057",
        "Request from the police about a sibling; one request, answered.",
        "Drew P",
        datetime.date(2012, 11, 21),
        "Sam P",
        hold="Kept for the county court proceedings about the family (lead's note).",
    ),
]


def _a_sharing_decision() -> dict[str, Any] | None:
    """The first demo decision spec that shares without needing approval: its answers fit
    the organisation's framework as the demo keeps them."""
    cases = cast(list[dict[str, Any]], demo.CASES[RIVERSIDE])
    for spec in cases:
        for request in spec["requests"]:
            decision = request.get("decision")
            if decision and decision["steps"].get("outcome", {}).get("outcome") == ["share"]:
                return cast(dict[str, Any], decision)
    return None


def _old_case(
    spec: OldCase, organisation: Organisation, users: dict[str, User], opened: datetime.datetime
) -> Case:
    practitioner, manager = users["pat"], users["mark"]
    with clock_at(opened):
        case = case_services.case_create(
            user=practitioner,
            organisation=organisation,
            reference=spec.reference,
            summary=spec.summary,
            child_name=spec.child,
            child_date_of_birth=spec.born,
            assigned=[practitioner],
        )
        Case.objects.filter(pk=case.pk).update(record_kind=RecordKind.SINGLE_REQUEST)
        case_services.person_add(
            user=practitioner, case=case, name=spec.parent, relationship="parent"
        )
        share_request = case_services.share_request_open(
            user=practitioner,
            case=case,
            direction=ShareRequest.INCOMING,
            counterpart_agency="Hillside Primary School",
            counterpart_contact="Designated safeguarding lead",
            counterpart_role="Designated safeguarding lead",
            purpose="To know whether the family has support already.",
            information_requested="Whether the child is known to children's services.",
            received_on=timezone.localdate(),
            due_on=timezone.localdate() + datetime.timedelta(days=5),
        )
        decision_spec = _a_sharing_decision()
        if decision_spec is not None:
            demo.decide(practitioner, share_request, decision_spec)
            decision = Decision.objects.get(share_request=share_request)
            lifecycle_services.share_record(
                decision=decision,
                user=practitioner,
                shared=True,
                what_was_shared="That the child is known to us and has a plan in place.",
                shared_with="Designated safeguarding lead, Hillside Primary School",
                shared_on=timezone.localdate(),
                method="phone",
            )
    with clock_at(opened + datetime.timedelta(days=30)):
        case = case_services.case_update(
            user=manager,
            case=Case.objects.get(pk=case.pk),
            reference=case.reference,
            summary=case.summary,
            assigned=[practitioner],
            is_closed=True,
        )
    return case


def seed_retention(users: dict[str, User]) -> None:
    """Before the demo's other cases (demo.seed's `before_cases`): the oldest events first."""
    organisation = Organisation.objects.get(name=RIVERSIDE)
    opened = timezone.now() - datetime.timedelta(days=3 * 365)
    for n, spec in enumerate(OLD_CASES):
        if Case.objects.filter(organisation=organisation, reference=spec.reference).exists():
            continue
        started = opened + datetime.timedelta(days=90 * n)  # each closed and held before the next
        case = _old_case(spec, organisation, users, started)
        if spec.hold:
            with clock_at(started + datetime.timedelta(days=60)):
                retention_services.hold_place(user=users["lena"], case=case, reason=spec.hold)
