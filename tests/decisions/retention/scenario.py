"""A closed case with personal data in every kind of record, built through the services.

The names and texts are unusual words, so that finding one anywhere in the database after
erasure can only mean it was left behind.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from decisions.cases import services as case_services
from decisions.exchange import services as exchange_services
from decisions.exchange.deliveries import complaint_record
from decisions.lifecycle import services as lifecycle_services
from decisions.models import Case, Decision, Person, ShareRequest
from decisions.seeding import volume_data
from decisions.wizard import services as wizard_services
from decisions.wizard.steps import DANGER
from tests import factories

CHILD = "Zephyrine Quillbottom"
NEIGHBOUR = "Ottoline Vanderpump"
SECRETS = {
    "child": CHILD,
    "neighbour": NEIGHBOUR,
    "notes": "lives-at-marigold-crescent-4417",
    "summary": "summary-kumquat-8812",
    "contact": "Detective Brunhilde Oakenshaw",
    "purpose": "purpose-xylophone-2231",
    "information": "information-tamarind-9043",
    "rationale": "rationale-pangolin-5520",
    "shared": "shared-quokka-6618",
    "reasons": "reasons-narwhal-3307",
    "question": "question-axolotl-1184",
    "answer": "answer-capybara-7762",
    "follow_up": "followup-wombat-4409",
    "emergency": "emergency-okapi-2290",
    "ask": "ask-pademelon-5151",
    "complaint": "complaint-dugong-8423",
}
BORN = datetime.date(2012, 5, 1)


@dataclass
class Built:
    case: Case
    decisions: list[Decision]
    child: Person
    neighbour: Person


def _decide(share_request: ShareRequest, user, rationale: str) -> Decision:
    template = volume_data.decision_templates("uk-2024")[0]
    answers = {step: dict(raw) for step, raw in template.raw_answers.items()}
    answers["outcome"] = {**answers["outcome"], "rationale": [rationale]}
    draft = factories.make_draft(
        share_request,
        user,
        framework=template.framework,
        framework_version=template.version,
        facts=template.facts,
        answers=answers,
    )
    return wizard_services.decision_submit(draft=draft, user=user)


def _request(case: Case, user) -> ShareRequest:
    today = timezone.localdate()
    return case_services.share_request_open(
        user=user,
        case=case,
        direction=ShareRequest.INCOMING,
        counterpart_agency="Police Public Protection Unit",
        counterpart_contact=SECRETS["contact"],
        counterpart_role="Investigating officer",
        purpose=f"{SECRETS['purpose']} about {CHILD}",
        information_requested=SECRETS["information"],
        received_on=today,
        due_on=today + datetime.timedelta(days=3),
    )


def build_case(world, reference: str = "RET-1") -> Built:
    practitioner, manager = world.users["practitioner"], world.users["manager"]
    case = case_services.case_create(
        user=practitioner,
        organisation=world.org,
        reference=reference,
        summary=SECRETS["summary"],
        child_name=CHILD,
        child_date_of_birth=BORN,
    )
    neighbour = case_services.person_add(
        user=practitioner,
        case=case,
        name=NEIGHBOUR,
        relationship="neighbour",
        notes=SECRETS["notes"],
        protect_identity=True,
    )
    child = case.people.get(relationship=Person.CHILD)
    child.notes = f"{SECRETS['notes']} (changed)"  # a second history row with the name
    child.save()

    first = _decide(_request(case, practitioner), practitioner, f"{SECRETS['rationale']} {CHILD}")
    if first.requires_approval:
        lifecycle_services.decision_verdict(decision=first, approver=manager, verdict="approved")
    lifecycle_services.share_record(
        decision=first,
        user=practitioner,
        shared=True,
        what_was_shared=f"{SECRETS['shared']}: {CHILD} was seen by {NEIGHBOUR}",
        shared_with=SECRETS["contact"],
        shared_on=timezone.localdate(),
        method="secure_email",
        follow_up={
            "action": SECRETS["follow_up"],
            "owner": practitioner,
            "due_on": timezone.localdate() + datetime.timedelta(days=7),
        },
    )
    complaint_record(
        user=world.users["lead"],
        decision=first,
        made_by=f"{SECRETS['complaint']} parent",
        received_on=timezone.localdate(),
        details=f"{SECRETS['complaint']} about {CHILD}",
    )

    second = _decide(_request(case, practitioner), practitioner, SECRETS["rationale"])
    decisions = [first, second]
    if second.requires_approval:
        lifecycle_services.decision_verdict(
            decision=second, approver=manager, verdict="more_info", reasons=SECRETS["question"]
        )
        lifecycle_services.info_answer(
            decision=second, user=practitioner, answer=f"{SECRETS['answer']} {NEIGHBOUR}"
        )
        lifecycle_services.decision_verdict(
            decision=second, approver=manager, verdict="rejected", reasons=SECRETS["reasons"]
        )

    # Immediate danger typed on a draft that is never submitted.
    emergency_request = _request(case, practitioner)
    draft = wizard_services.draft_start(user=practitioner, share_request=emergency_request)
    wizard_services.draft_save_step(
        draft=draft, user=practitioner, step=DANGER,
        raw={"emergency_action": [f"{SECRETS['emergency']} called police for {CHILD}"]},
    )  # fmt: skip

    # A request to another organisation, answered with a delivery into this case.
    factories.make_listed(world.org)
    factories.make_listed(world.other_org)
    exchange = factories.make_exchange(
        case, world.other_org, practitioner, purpose=f"{SECRETS['ask']} {CHILD}"
    )
    factories.take_and_record(exchange, world.users["other_practitioner"], shared=True)
    exchange_services.exchange_answer(
        user=world.users["other_practitioner"], exchange_id=exchange.pk
    )

    case = case_services.case_update(
        user=manager,
        case=case,
        reference=case.reference,
        summary=f"{SECRETS['summary']} closed",
        assigned=[practitioner],
        is_closed=True,
    )
    return Built(case=case, decisions=decisions, child=child, neighbour=neighbour)
