"""A year of an organisation's records for the report tests: random requests, decisions,
verdicts, share records, follow-ups, complaints and exchanges over fourteen months (some
outside the period), times near midnight at the ends of months so that the service's time
zone decides the month."""

import datetime

from django.utils import timezone

from decisions.models import (
    SHARING_OUTCOMES,
    Approval,
    Complaint,
    Decision,
    ExchangeRequest,
    FollowUp,
    ShareRecord,
    ShareRequest,
)
from isg.accounts.models import Role
from tests import factories

AGENCIES = [f"Agency {letter}" for letter in "ABCDEFGHIJKL"]  # 12: the top 10 and the rest
OUTCOMES = [code for code, _ in Decision.Outcome.choices]


def moment(rng, day):
    """A time on `day`, local: often late in the evening, when UTC is on another day."""
    hour, minute = rng.choice([(0, 20), (9, 0), (14, 30), (23, 40)])
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class Year:
    """What the test wrote, kept in plain lists to count from."""

    def __init__(self):
        self.requests, self.decisions, self.approvals, self.records = [], [], [], []
        self.follow_ups, self.complaints, self.exchanges = [], [], []


def write_year(org, other_org, rng, period):
    practitioner = factories.make_user(org, Role.PRACTITIONER)
    manager = factories.make_user(org, Role.MANAGER)
    lead = factories.make_user(org, Role.LEAD)
    other_practitioner = factories.make_user(other_org, Role.PRACTITIONER)
    other_case = factories.make_case(other_org, assigned=[other_practitioner])
    year = Year()
    today = timezone.localdate()
    first = period.first - datetime.timedelta(days=45)
    case = factories.make_case(org, assigned=[practitioner])
    for _ in range(90):
        received = first + datetime.timedelta(days=rng.randint(0, (today - first).days))
        share_request = factories.make_request(
            case,
            direction=rng.choice([ShareRequest.INCOMING, ShareRequest.OUTGOING]),
            counterpart_agency=rng.choice(AGENCIES[:6] * 3 + AGENCIES[6:]),
            received_on=received,
            due_on=received + datetime.timedelta(days=rng.randint(0, 10)),
            status=rng.choice(["open", "in_progress", "closed"]),
        )
        year.requests.append(share_request)
        if rng.random() < 0.2:
            continue  # never decided
        decided_on = received + datetime.timedelta(days=rng.choice([0, 1, 2, 5, 9, 14]))
        decision = factories.make_decision(
            share_request,
            practitioner,
            outcome=rng.choice(OUTCOMES),
            framework=rng.choice(["uk-2024", "sa-isg", "nz"]),
            requires_approval=rng.random() < 0.6,
            decided_at=moment(rng, decided_on),
        )
        year.decisions.append(decision)
        if share_request.status != ShareRequest.Status.AWAITING_APPROVAL:  # as submit leaves it
            share_request.status = rng.choice(
                [ShareRequest.Status.READY_TO_SHARE, ShareRequest.Status.SHARED]
            )
            share_request.save(update_fields=["status"])
        chain = [decision]
        if rng.random() < 0.25:  # reconsidered, sometimes twice
            for _ in range(rng.choice([1, 1, 2])):
                later = chain[-1].decided_at + datetime.timedelta(days=rng.randint(1, 20))
                newer = factories.make_decision(
                    share_request,
                    practitioner,
                    outcome=rng.choice(OUTCOMES),
                    requires_approval=rng.random() < 0.5,
                    supersedes=chain[-1],
                    decided_at=later,
                )
                chain.append(newer)
                year.decisions.append(newer)
        for each in chain:
            write_after(rng, each, practitioner, manager, lead, year)
    for _ in range(25):  # exchanges: Northgate asks us, and we ask Northgate
        day = first + datetime.timedelta(days=rng.randint(0, (today - first).days))
        asked_at = moment(rng, day)
        status = rng.choice(list(ExchangeRequest.Status.values))
        if rng.random() < 0.5:
            exchange = factories.make_exchange(
                other_case, org, other_practitioner, asked_at=asked_at, status=status
            )
        else:
            exchange = factories.make_exchange(
                case, other_org, practitioner, asked_at=asked_at, status=status
            )
        year.exchanges.append(exchange)
    return year


def write_after(rng, decision, practitioner, manager, lead, year):
    if decision.requires_approval:
        if rng.random() < 0.3:
            year.approvals.append(
                Approval.objects.create(
                    decision=decision, approver=manager, verdict="more_info", reasons="Why?",
                    created_at=decision.decided_at + datetime.timedelta(hours=rng.randint(1, 9)),
                )
            )
        if rng.random() < 0.85:
            verdict = rng.choice(["approved", "approved", "rejected"])
            year.approvals.append(
                Approval.objects.create(
                    decision=decision,
                    approver=manager,
                    verdict=verdict,
                    reasons="" if verdict == "approved" else "Not yet.",
                    created_at=decision.decided_at
                    + datetime.timedelta(minutes=rng.randint(10, 60 * 24 * 6)),
                )
            )
    shared_on = timezone.localtime(decision.decided_at).date() + datetime.timedelta(
        days=rng.randint(0, 3)
    )
    if decision.outcome in SHARING_OUTCOMES and rng.random() < 0.7:
        year.records.append(
            ShareRecord.objects.create(
                decision=decision, shared=True, what_was_shared="Dates", shared_with="Them",
                shared_on=shared_on, recorded_by=practitioner,
            )
        )
    elif rng.random() < 0.5:
        year.records.append(
            ShareRecord.objects.create(
                decision=decision, shared=False, not_shared_reasons="No", requester_told=True,
                recorded_by=practitioner,
            )
        )
    if rng.random() < 0.5:
        due = shared_on + datetime.timedelta(days=rng.randint(-3, 20))
        done = rng.choice([None, -2, 0, 3])
        year.follow_ups.append(
            FollowUp.objects.create(
                case=decision.case, decision=decision, action="Check", owner=practitioner,
                due_on=due, created_by=practitioner,
                done_at=None if done is None else moment(rng, due + datetime.timedelta(days=done)),
            )
        )
    if rng.random() < 0.15:
        year.complaints.append(
            Complaint.objects.create(
                decision=decision, organisation=decision.organisation, made_by="A parent",
                received_on=shared_on + datetime.timedelta(days=rng.randint(0, 40)),
                details="Not told", recorded_by=lead,
            )
        )


