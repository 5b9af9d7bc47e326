"""One chunk of generated cases, written in bulk with the rows and audit entries the services
would have written (decisions/seeding/volume.py says why and how)."""

from __future__ import annotations

import datetime
import functools
import itertools
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model
from django.utils import timezone

from decisions.audit.chain import audit_keys
from decisions.audit.record import build, last_link
from decisions.cases.services import (
    case_created_snapshot,
    person_added_snapshot,
    request_opened_snapshot,
)
from decisions.lifecycle.services import verdict_snapshot
from decisions.models import (
    Approval,
    AuditEntry,
    Case,
    Decision,
    DecisionDraft,
    Person,
    ReportMonth,
    ShareRequest,
)
from decisions.seeding.bulk import BATCH, bulk_create_keeping, history_rows
from decisions.seeding.volume_data import AGENCIES, RELATIONSHIPS
from decisions.wizard.services import new_decision, submitted_snapshot
from isg.accounts.models import User

GENERATED_PREFIX = "[generated] "


@dataclass
class OrgCast:
    organisation: Any
    framework: str
    practitioners: list[User] = field(default_factory=list)
    managers: list[User] = field(default_factory=list)
    leads: list[User] = field(default_factory=list)
    admins: list[User] = field(default_factory=list)


@dataclass
class Summary:
    organisations: int = 0
    users: int = 0
    cases: int = 0
    people: int = 0
    requests: int = 0
    decisions: int = 0
    approvals: int = 0
    audit_entries: int = 0
    seconds: float = 0.0


@dataclass
class Event:
    """One audit entry to be, before its sequence number and time are known."""

    order: float
    action: str
    organisation_id: int
    actor: User | None
    case_id: uuid.UUID | None
    obj_type: str = ""
    obj_id: str = ""
    outcome: str = ""
    snapshot: dict | Callable[[], dict] = field(default_factory=dict)
    stamp: Callable[[datetime.datetime], None] | None = None  # sets the object's own time

    @classmethod
    def on(
        cls, order: float, action: str, actor: User, case: Case, obj: Model, **fields: Any
    ) -> Event:
        """An event about `obj`, on `case` and filed under its organisation (as `record`
        names an object)."""
        return cls(
            order, action, case.organisation_id, actor, case.pk, type(obj).__name__, str(obj.pk),
            **fields,
        )

    @classmethod
    def on_decision(
        cls,
        order: float,
        action: str,
        actor: User,
        decision: Decision,
        snapshot: dict,
        stamp: Callable[[datetime.datetime], None],
    ) -> Event:
        """Something that happened to a decision, naming it in the snapshot (as
        `record_about_decision` does)."""
        return cls.on(
            order,
            action,
            actor,
            decision.case,
            decision,
            outcome=decision.outcome,
            snapshot={"decision": str(decision.pk), **snapshot},
            stamp=stamp,
        )


class Chain:
    """The audit chain, carried from one chunk to the next."""

    def __init__(self) -> None:
        self.key = audit_keys()[0]
        self.sequence, self.prev_hash = last_link()

    def entries(
        self, events: list[Event], start: datetime.datetime, end: datetime.datetime
    ) -> Iterator[AuditEntry]:
        """Entries for these events, their times spread evenly from start to end."""
        step = (end - start) / max(len(events), 1)
        for index, event in enumerate(events):
            created_at = start + step * index
            if event.stamp:
                event.stamp(created_at)
            # A request's snapshot holds its dates, which its stamp has just set.
            self.sequence += 1
            entry = build(
                sequence=self.sequence,
                prev_hash=self.prev_hash,
                key=self.key,
                action=event.action,
                created_at=created_at,
                actor=event.actor,
                organisation=event.organisation_id,
                obj_type=event.obj_type,
                obj_id=event.obj_id,
                case_id=event.case_id,
                outcome=event.outcome,
                snapshot=event.snapshot() if callable(event.snapshot) else event.snapshot,
            )
            self.prev_hash = entry.entry_hash
            yield entry


def _setter(obj: object, *names: str) -> Callable[[datetime.datetime], None]:
    def stamp(moment: datetime.datetime) -> None:
        for name in names:
            setattr(obj, name, moment)

    return stamp


def generate_chunk(
    *,
    rng: random.Random,
    first: int,
    count: int,
    casts: list[OrgCast],
    templates: dict,
    chain: Chain,
    window: tuple[datetime.datetime, datetime.datetime],
    open_after: float,
    pending_after: float,
    summary: Summary,
) -> None:
    cases: list[Case] = []
    assigned: list = []
    people: list[Person] = []
    requests: list[ShareRequest] = []
    drafts: list[DecisionDraft] = []
    decision_of: dict[uuid.UUID, Decision] = {}  # a submitted draft's decision, by draft id
    decisions: list[Decision] = []
    approvals: list[Approval] = []
    events: list[Event] = []
    Assigned = Case.assigned.through

    for i in range(first, first + count):
        cast = casts[i % len(casts)]
        org = cast.organisation
        team = rng.sample(cast.practitioners, rng.choice([1, 1, 2]))
        author = team[0]
        case = Case(
            organisation=org,
            reference=f"G{i % len(casts) + 1}-{i:07d}",
            summary=rng.choice(
                [
                    "School raised concerns about attendance and presentation.",
                    "Health visitor worried about neglect of an infant.",
                    "Young carer; family asked for support with housing.",
                    "Domestic abuse incident reported by police.",
                    "Referral from the GP after an emergency department visit.",
                ]
            ),
            created_by=author,
            is_closed=i < open_after * 0.8 and rng.random() < 0.5,
        )
        cases.append(case)
        assigned.extend(Assigned(case=case, user=user) for user in team)
        # Events for one case keep their order (t grows); cases in a chunk interleave.
        t = rng.random()
        events.append(
            Event.on(
                t,
                AuditEntry.Action.CASE_CREATED,
                author,
                case,
                case,
                snapshot=case_created_snapshot(case, team, child_recorded=True),
                stamp=_setter(case, "created_at"),
            )
        )
        child = Person(
            case=case,
            name=f"Child {i}",
            relationship=Person.CHILD,
            date_of_birth=datetime.date(2008, 1, 1) + datetime.timedelta(days=rng.randrange(5800)),
        )
        people.append(child)
        case_people = [child]
        for _ in range(rng.randint(1, 3)):
            t += rng.random() * 0.01
            person = Person(
                case=case,
                name=f"Person {rng.randrange(10**6)}",
                relationship=rng.choice(RELATIONSHIPS),
                protect_identity=rng.random() < 0.15,
            )
            people.append(person)
            case_people.append(person)
            events.append(
                Event.on(
                    t,
                    AuditEntry.Action.PERSON_ADDED,
                    author,
                    case,
                    person,
                    snapshot=person_added_snapshot(person),
                    stamp=_setter(person, "created_at"),
                )
            )
        if rng.random() < 0.5:
            t += rng.random() * 0.01
            events.append(Event(t, AuditEntry.Action.SIGNED_IN, org.pk, author, None))
        for _ in range(rng.choice([1, 2, 3, 3, 4, 5])):
            t += rng.random() * 0.02
            agency, role = rng.choice(AGENCIES)
            opener = rng.choice(team)
            share_request = ShareRequest(
                case=case,
                organisation=org,
                direction=rng.choice([ShareRequest.INCOMING, ShareRequest.OUTGOING]),
                counterpart_agency=f"{org.name.removeprefix(GENERATED_PREFIX)} {agency}",
                counterpart_contact=f"Contact {rng.randrange(1000)}, 0300 555 0100",
                counterpart_role=role,
                purpose="Assessing risk and planning support for the child.",
                information_requested="Attendance, engagement and any disclosures made.",
                urgency=rng.choice(["routine", "routine", "routine", "urgent", "immediate"]),
                opened_by=opener,
            )
            requests.append(share_request)

            def stamp_request(
                moment: datetime.datetime,
                share_request: ShareRequest = share_request,
                rng: random.Random = rng,
            ) -> None:
                share_request.created_at = moment
                received = timezone.localdate(moment) - datetime.timedelta(days=rng.randrange(3))
                share_request.received_on = received
                share_request.due_on = received + datetime.timedelta(days=rng.randint(1, 20))

            events.append(
                Event.on(
                    t,
                    AuditEntry.Action.REQUEST_OPENED,
                    opener,
                    case,
                    share_request,
                    snapshot={},  # filled in once the dates are known, below
                    stamp=stamp_request,
                )
            )
            opened_event = events[-1]
            if i >= open_after:
                share_request.status = rng.choice(
                    [ShareRequest.Status.OPEN, ShareRequest.Status.IN_PROGRESS]
                )
                if share_request.status == ShareRequest.Status.IN_PROGRESS:
                    template = rng.choice(templates[cast.framework])
                    partial = dict(itertools.islice(template.facts.items(), rng.randint(1, 4)))
                    drafts.append(
                        DecisionDraft(
                            share_request=share_request,
                            owner=opener,
                            framework=template.framework,
                            framework_version=template.version,
                            facts=partial,
                        )
                    )
                opened_event.snapshot = functools.partial(request_opened_snapshot, share_request)
                continue
            t += rng.random() * 0.02
            template = rng.choice(templates[cast.framework])
            draft = DecisionDraft(
                share_request=share_request,
                owner=opener,
                framework=template.framework,
                framework_version=template.version,
                facts=template.facts,
                answers=template.raw_answers,
            )
            drafts.append(draft)
            decision = new_decision(
                template.fields, draft=draft, share_request=share_request, user=opener
            )
            decisions.append(decision)
            decision_of[draft.pk] = decision
            events.append(
                Event.on_decision(
                    t,
                    AuditEntry.Action.DECISION_SUBMITTED,
                    opener,
                    decision,
                    submitted_snapshot(decision),
                    _setter(decision, "decided_at"),
                )
            )
            approved = False
            if decision.requires_approval and i < pending_after:
                t += rng.random() * 0.02
                manager = rng.choice(cast.managers)
                approval = Approval(decision=decision, approver=manager, verdict="approved")
                approvals.append(approval)
                approved = True
                events.append(
                    Event.on_decision(
                        t,
                        AuditEntry.Action.APPROVED,
                        manager,
                        decision,
                        verdict_snapshot(approval),
                        _setter(approval, "created_at"),
                    )
                )
            share_request.status = _status(decision, approved, rng)
            opened_event.snapshot = functools.partial(request_opened_snapshot, share_request)
            if rng.random() < 0.4:
                t += rng.random() * 0.02
                viewer = rng.choice(team + cast.managers)
                events.append(Event.on(t, AuditEntry.Action.RECORD_VIEWED, viewer, case, decision))

    events.sort(key=lambda event: event.order)
    audit_rows = list(chain.entries(events, *window))
    for draft in drafts:
        submitted = decision_of.get(draft.pk)
        if submitted is not None:
            draft.created_at = submitted.decided_at - datetime.timedelta(minutes=20)
            draft.updated_at = submitted.decided_at
        else:
            draft.created_at = draft.updated_at = draft.share_request.created_at
    for person in people:
        if person.relationship == Person.CHILD:
            person.created_at = person.case.created_at

    Case.objects.bulk_create(cases, batch_size=BATCH)
    Assigned.objects.bulk_create(assigned, batch_size=BATCH)
    Person.objects.bulk_create(people, batch_size=BATCH)
    ShareRequest.objects.bulk_create(requests, batch_size=BATCH)
    bulk_create_keeping(DecisionDraft, drafts, "updated_at")
    Decision.objects.bulk_create(decisions, batch_size=BATCH)
    Approval.objects.bulk_create(approvals, batch_size=BATCH)
    history_rows(cases, assigned, people, requests)
    AuditEntry.objects.bulk_create(audit_rows, batch_size=BATCH)
    # Bulk inserts send no signal (reports.receivers): forget the reports' kept months here.
    ReportMonth.objects.filter(organisation__in=[cast.organisation for cast in casts]).delete()

    summary.people += len(people)
    summary.requests += len(requests)
    summary.decisions += len(decisions)
    summary.approvals += len(approvals)
    summary.audit_entries += len(audit_rows)


def _status(decision: Decision, approved: bool, rng: random.Random) -> str:
    if decision.requires_approval and not approved:
        return ShareRequest.Status.AWAITING_APPROVAL
    if decision.outcome == Decision.Outcome.DO_NOT_SHARE:
        return ShareRequest.Status.NOT_SHARED
    return ShareRequest.Status.SHARED if rng.random() < 0.9 else ShareRequest.Status.CLOSED
