"""Generated data at volume, for benchmarks and load tests (`manage.py seed_volume`).

Written with bulk inserts, not through the services: a hundred thousand cases through
`services.*` would take hours. What the services would have written is reproduced
instead — the same rows, the same audit snapshots — and the audit chain is computed in
bulk with the functions of `decisions/audit.py`, so `verify_audit` passes afterwards.

Everything generated belongs to organisations whose names start with `GENERATED_PREFIX`;
the command refuses to touch a database that holds anything else (real data).
"""

from __future__ import annotations

import datetime
import itertools
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from decisions import audit
from decisions.models import (
    AuditEntry,
    Case,
    Decision,
    DecisionDraft,
    Person,
    ShareRequest,
)
from isg.accounts.models import Membership, Organisation, Role, User

GENERATED_PREFIX = "[generated] "
USERNAME_PREFIX = "gen"
PASSWORD = "volume-password-2026"
BATCH = 2000
CASES_PER_CHUNK = 1000
SPAN = datetime.timedelta(days=730)
# Requests opened in the last OPEN_SHARE of the time span are still open (no decision yet);
# decisions needing approval in the last PENDING_SHARE are still waiting for it.
OPEN_SHARE = 0.03
PENDING_SHARE = 0.05
CASELOAD = 40  # cases per practitioner, roughly

ORGANISATIONS = [
    ("Riverside", "uk-2024"),
    ("Northgate", "sa-isg"),
    ("Eastfield", "uk-2024"),
    ("Westbrook", "uk-2024"),
]

AGENCIES = [
    ("Police Public Protection Unit", "Investigating officer, child protection"),
    ("GP Practice", "Named GP for safeguarding"),
    ("Primary School", "Designated safeguarding lead"),
    ("Housing Association", "Tenancy support officer"),
    ("Health Visiting Team", "Health visitor"),
    ("Youth Offending Service", "Case manager"),
    ("Children's Mental Health Service", "Clinical lead"),
]
RELATIONSHIPS = ["parent", "parent", "sibling", "relative", "partner", "neighbour", "referrer"]

# Answers that take a framework to the check-your-answers page: the facts, and the record
# steps as a practitioner types them (what `wizard.raw_answers` keeps).
FACT_SETS = {
    "uk-2024": [
        {
            "immediate_danger": False,
            "legitimate_purpose": True,
            "recipient_has_role": True,
            "risk_of_harm": "significant",
            "informing_increases_risk": True,
            "consent": "refused",
            "necessary_and_proportionate": True,
            "third_party_at_risk": True,
            "advice_sought": True,
        },
        {
            "immediate_danger": False,
            "legitimate_purpose": True,
            "recipient_has_role": True,
            "risk_of_harm": "wellbeing",
            "informing_increases_risk": False,
            "consent": "given",
            "necessary_and_proportionate": True,
            "third_party_at_risk": False,
            "advice_sought": True,
        },
        {
            "immediate_danger": False,
            "legitimate_purpose": True,
            "recipient_has_role": True,
            "risk_of_harm": "wellbeing",
            "informing_increases_risk": False,
            "consent": "refused",
            "necessary_and_proportionate": True,
            "third_party_at_risk": False,
            "advice_sought": True,
        },
    ],
    "sa-isg": [
        {
            "immediate_danger": False,
            "legitimate_purpose": True,
            "recipient_has_role": True,
            "risk_of_harm": "wellbeing",
            "informing_increases_risk": False,
            "consent": "refused",
            "advice_sought": True,
        },
        {
            "immediate_danger": False,
            "legitimate_purpose": True,
            "recipient_has_role": True,
            "risk_of_harm": "significant",
            "informing_increases_risk": True,
            "consent": "refused",
            "necessary_and_proportionate": True,
            "third_party_at_risk": True,
            "advice_sought": True,
        },
    ],
}

# Answers to questions a fact set above leaves open.
FALLBACK_FACTS = {
    "subject_informed": True,
    "identifiable": True,
    "confidential": True,
    "necessary_and_proportionate": True,
    "third_party_at_risk": False,
    "advice_sought": True,
    "informing_increases_risk": False,
}

STEP_INPUT = {
    "consent": {
        "consent_explanation": "Asking the carer would alert the alleged abuser.",
        "not_informed_reason": "Telling the carer could put the child at risk.",
        "child_views": "The child said she wants to feel safe at home.",
    },
    "items": {
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "50",
        "items-0-description": "Attendance record for the autumn term",
        "items-0-justification": "Shows the pattern of absence after weekends",
    },
    "recipients": {
        "recipients": "Named contact at the requesting agency",
        "method": "secure_email",
    },
    "proportionality": {
        "checks": [
            "necessary",
            "proportionate",
            "relevant",
            "adequate",
            "accurate",
            "timely",
            "secure",
        ]
    },
    "lawful_basis": {"lawful_basis": "__first__"},
    "advice": {
        "advice_from": "The designated safeguarding lead",
        "advice_given": "Share only what the request needs.",
    },
    "outcome": {
        "outcome": "__recommended__",
        "rationale": "Weighed the risk and the request.",
        "refusal_reasons": "Wellbeing concern only, and consent was refused.",
        "follow_up": "Review at the next core group meeting.",
    },
}


class RealDataPresent(Exception):
    """The database holds data that seed_volume did not generate."""


class AlreadySeeded(Exception):
    """The database already holds generated data."""


@dataclass(frozen=True)
class DecisionTemplate:
    """A complete decision for one set of facts, worked out once by the wizard's own code."""

    framework: str
    version: str
    facts: dict
    raw_answers: dict
    answers: dict
    engine_result: dict
    recommendation: str
    outcome: str
    requires_approval: bool
    consent: str
    lawful_basis: str
    rationale: str


def _raw(step: str, definition: dict, recommendation: str) -> dict[str, list[str]]:
    data = dict(STEP_INPUT[step])
    if data.get("lawful_basis") == "__first__":
        data["lawful_basis"] = definition["lawful_bases"][0]["code"]
    if data.get("outcome") == "__recommended__":
        data["outcome"] = recommendation
    return {key: value if isinstance(value, list) else [value] for key, value in data.items()}


def decision_templates(framework: str) -> list[DecisionTemplate]:
    """Run each fact set through the wizard's state (in memory, no database)."""
    from decisions import wizard
    from guidance import catalogue, engine

    definition = catalogue.definition(framework)
    templates = []
    for facts in FACT_SETS[framework]:
        draft = DecisionDraft(
            framework=definition["slug"],
            framework_version=definition["version"],
            facts={},
            answers={},
        )
        state = wizard.state_for(draft)
        for _ in range(60):
            step = state.next_step()
            if step == wizard.CHECK or step == wizard.DANGER:
                break
            if step.startswith("q:"):
                fact = engine.question(definition, step[2:])["fact"]
                value = facts.get(fact, FALLBACK_FACTS.get(fact))
                draft.facts = {**draft.facts, fact: value}
            else:
                raw = _raw(step, definition, state.result.recommendation)
                draft.answers = {**draft.answers, step: raw}
            state = wizard.state_for(draft)
        if state.next_step() != wizard.CHECK:
            raise RuntimeError(
                f"{framework}: the fact set {facts} does not reach check your answers "
                f"(stops at {state.next_step()})"
            )
        answers = wizard.cleaned_answers(state)
        outcome = answers["outcome"]["outcome"]
        templates.append(
            DecisionTemplate(
                framework=definition["slug"],
                version=definition["version"],
                facts=dict(draft.facts),
                raw_answers={step: dict(value) for step, value in draft.answers.items()},
                answers=answers,
                engine_result=state.result.as_dict() | {"rule": state.result.rule},
                recommendation=state.result.recommendation,
                outcome=outcome,
                requires_approval=outcome in definition["approval"],
                consent=draft.facts.get("consent", ""),
                lawful_basis=answers.get("lawful_basis", {}).get("lawful_basis", ""),
                rationale=answers["outcome"]["rationale"],
            )
        )
    return templates


# --- Safety ----------------------------------------------------------------------------------


def generated_organisations():
    return Organisation.objects.filter(name__startswith=GENERATED_PREFIX)


def check_database_is_empty_of_real_data() -> None:
    """Refuse a database holding any organisation, case or audit entry not generated here."""
    real_orgs = Organisation.objects.exclude(name__startswith=GENERATED_PREFIX)
    real_cases = Case.objects.exclude(organisation__name__startswith=GENERATED_PREFIX)
    real_entries = AuditEntry.objects.exclude(organisation__name__startswith=GENERATED_PREFIX)
    found = [
        f"{count} {label}"
        for count, label in (
            (real_orgs.count(), "organisation(s)"),
            (real_cases.count(), "case(s)"),
            (real_entries.count(), "audit entr(y/ies)"),
        )
        if count
    ]
    if found:
        raise RealDataPresent(
            "this database holds data seed_volume did not generate ("
            + ", ".join(found)
            + "): refusing to add generated data to it. Point DATABASE_URL at a new, empty "
            "database (e.g. createdb isg_bench) and run migrate first."
        )
    existing = Case.objects.count()
    if existing or generated_organisations().exists():
        raise AlreadySeeded(
            f"this database already holds generated data ({existing} cases). Use a new, "
            "empty database (dropdb/createdb, then migrate)."
        )


# --- Generation ------------------------------------------------------------------------------


@dataclass
class OrgCast:
    organisation: Organisation
    framework: str
    practitioners: list[User] = field(default_factory=list)
    managers: list[User] = field(default_factory=list)
    leads: list[User] = field(default_factory=list)
    admins: list[User] = field(default_factory=list)


def org_name(base: str) -> str:
    return f"{GENERATED_PREFIX}{base}"


def username(org_index: int, role: str, n: int) -> str:
    return f"{USERNAME_PREFIX}{org_index + 1}-{role}{n:04d}"


def _make_cast(cases: int) -> list[OrgCast]:
    per_org = max(cases // len(ORGANISATIONS), 1)
    practitioners = max(12, per_org // CASELOAD)
    managers = max(3, practitioners // 8)
    counts = {
        Role.PRACTITIONER: practitioners,
        Role.MANAGER: managers,
        Role.LEAD: 2,
        Role.ADMIN: 1,
    }
    password = make_password(PASSWORD)  # one hash for all: generated accounts only
    casts = []
    users, memberships = [], []
    for index, (base, framework) in enumerate(ORGANISATIONS):
        organisation = Organisation.objects.create(
            name=org_name(base),
            default_framework=framework,
            child_protection_line=f"{base} children's services front door: 0300 555 01{index}0",
        )
        cast = OrgCast(organisation, framework)
        for role, count in counts.items():
            for n in range(1, count + 1):
                user = User(
                    username=username(index, role, n),
                    first_name=role.label.split()[-1].title(),
                    last_name=f"{base} {n}",
                    email=f"{username(index, role, n)}@example.org",
                    password=password,
                    is_staff=role == Role.ADMIN,
                    is_superuser=role == Role.ADMIN,
                )
                users.append((user, organisation, role))
                {
                    Role.PRACTITIONER: cast.practitioners,
                    Role.MANAGER: cast.managers,
                    Role.LEAD: cast.leads,
                    Role.ADMIN: cast.admins,
                }[role].append(user)
        casts.append(cast)
    User.objects.bulk_create([user for user, _, _ in users], batch_size=BATCH)
    saved = {user.username: user for user in User.objects.filter(username__startswith="gen")}
    for user, organisation, role in users:
        user.pk = saved[user.username].pk
        memberships.append(Membership(user=user, organisation=organisation, role=role))
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    return casts


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


class Chain:
    """The audit chain, carried from one chunk to the next."""

    def __init__(self):
        self.key = audit.audit_keys()[0]
        last = AuditEntry.objects.order_by("-sequence").values_list("sequence", "entry_hash")
        previous = last.first()
        self.sequence, self.prev_hash = previous if previous else (0, audit.GENESIS_HASH)

    def entries(
        self, events: list[Event], start: datetime.datetime, end: datetime.datetime
    ) -> Iterator[AuditEntry]:
        """Entries for these events, their times spread evenly from start to end."""
        step = (end - start) / max(len(events), 1)
        for index, event in enumerate(events):
            self.sequence += 1
            created_at = start + step * index
            if event.stamp:
                event.stamp(created_at)
            # A request's snapshot holds its dates, which its stamp has just set.
            raw = event.snapshot() if callable(event.snapshot) else event.snapshot
            snapshot = audit.normalise_snapshot(raw)
            label = event.actor.username if event.actor else ""
            content = audit.canonical_bytes(
                self.sequence,
                created_at,
                event.actor.pk if event.actor else None,
                label,
                event.organisation_id,
                event.action,
                event.obj_type,
                event.obj_id,
                event.case_id,
                event.outcome,
                snapshot,
                self.prev_hash,
                self.key.key_id,
            )
            entry_hash = audit.sha256_hex(content)
            yield AuditEntry(
                sequence=self.sequence,
                created_at=created_at,
                actor=event.actor,
                actor_label=label,
                organisation_id=event.organisation_id,
                action=event.action,
                object_type=event.obj_type,
                object_id=event.obj_id,
                case_id=event.case_id,
                outcome=event.outcome,
                snapshot=snapshot,
                prev_hash=self.prev_hash,
                entry_hash=entry_hash,
                hmac=audit.hmac_hex(content, self.key),
                key_id=self.key.key_id,
            )
            self.prev_hash = entry_hash


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


def _setter(obj, *names) -> Callable[[datetime.datetime], None]:
    def stamp(moment: datetime.datetime) -> None:
        for name in names:
            setattr(obj, name, moment)

    return stamp


def seed(
    cases: int,
    *,
    seed_value: int = 2026,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Generate `cases` cases and everything around them; see the module docstring."""
    import time

    began = time.monotonic()
    check_database_is_empty_of_real_data()
    rng = random.Random(seed_value)
    templates = {framework: decision_templates(framework) for framework in FACT_SETS}
    approval_model = _approval_model()
    summary = Summary()

    with transaction.atomic():
        casts = _make_cast(cases)
    summary.organisations = len(casts)
    summary.users = sum(
        len(c.practitioners) + len(c.managers) + len(c.leads) + len(c.admins) for c in casts
    )

    # Each chunk of cases gets its slice of SPAN, ending now; its entries spread over it.
    now = timezone.now().replace(microsecond=0)
    chain = Chain()
    open_after = cases * (1 - OPEN_SHARE)
    pending_after = cases * (1 - PENDING_SHARE)

    done = 0
    while done < cases:
        count = min(CASES_PER_CHUNK, cases - done)
        with transaction.atomic():
            _chunk(
                rng=rng,
                first=done,
                count=count,
                casts=casts,
                templates=templates,
                chain=chain,
                window=(now - SPAN * (1 - done / cases), now - SPAN * (1 - (done + count) / cases)),
                open_after=open_after,
                pending_after=pending_after,
                approval_model=approval_model,
                summary=summary,
            )
        done += count
        if progress:
            progress(done, cases)
    summary.cases = cases
    summary.seconds = time.monotonic() - began
    return summary


def _approval_model():
    """The Approval model, when the approvals feature is installed (#5)."""
    from django.apps import apps

    try:
        return apps.get_model("decisions", "Approval")
    except LookupError:
        return None


def _chunk(
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
    approval_model,
    summary: Summary,
) -> None:
    cases: list[Case] = []
    assigned: list = []
    people: list[Person] = []
    requests: list[ShareRequest] = []
    drafts: list[DecisionDraft] = []
    decisions: list[Decision] = []
    approvals: list = []
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
            Event(
                t,
                AuditEntry.Action.CASE_CREATED,
                org.pk,
                author,
                case.pk,
                "Case",
                str(case.pk),
                snapshot={
                    "reference": case.reference,
                    "assigned": sorted(user.username for user in team),
                    "child_recorded": True,
                },
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
                Event(
                    t,
                    AuditEntry.Action.PERSON_ADDED,
                    org.pk,
                    author,
                    case.pk,
                    "Person",
                    str(person.pk),
                    snapshot={
                        "relationship": person.relationship,
                        "protect_identity": person.protect_identity,
                    },
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

            def stamp_request(moment, share_request=share_request, rng=rng):
                share_request.created_at = moment
                received = timezone.localdate(moment) - datetime.timedelta(days=rng.randrange(3))
                share_request.received_on = received
                share_request.due_on = received + datetime.timedelta(days=rng.randint(1, 20))

            events.append(
                Event(
                    t,
                    AuditEntry.Action.REQUEST_OPENED,
                    org.pk,
                    opener,
                    case.pk,
                    "ShareRequest",
                    str(share_request.pk),
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
                opened_event.snapshot = _request_snapshot(share_request, lazy=True)
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
            decision = Decision(
                share_request=share_request,
                case=case,
                organisation=org,
                draft=draft,
                framework=template.framework,
                framework_version=template.version,
                facts=template.facts,
                answers=template.answers,
                engine_result=template.engine_result,
                recommendation=template.recommendation,
                outcome=template.outcome,
                requires_approval=template.requires_approval,
                consent=template.consent,
                lawful_basis=template.lawful_basis,
                rationale=template.rationale,
                decided_by=opener,
            )
            decisions.append(decision)
            draft._decision = decision
            events.append(
                Event(
                    t,
                    AuditEntry.Action.DECISION_SUBMITTED,
                    org.pk,
                    opener,
                    case.pk,
                    "Decision",
                    str(decision.pk),
                    outcome=decision.outcome,
                    snapshot={
                        "decision": str(decision.pk),
                        "request": str(share_request.pk),
                        "framework": f"{decision.framework}@{decision.framework_version}",
                        "recommendation": decision.recommendation,
                        "outcome": decision.outcome,
                        "requires_approval": decision.requires_approval,
                        "supersedes": None,
                    },
                    stamp=_setter(decision, "decided_at"),
                )
            )
            approved = False
            if decision.requires_approval and approval_model and i < pending_after:
                t += rng.random() * 0.02
                manager = rng.choice(cast.managers)
                approval = approval_model(decision=decision, approver=manager, verdict="approved")
                approvals.append(approval)
                approved = True
                events.append(
                    Event(
                        t,
                        AuditEntry.Action.APPROVED,
                        org.pk,
                        manager,
                        case.pk,
                        "Decision",
                        str(decision.pk),
                        outcome=decision.outcome,
                        snapshot={"decision": str(decision.pk), "verdict": "approved"},
                        stamp=_setter(approval, "created_at"),
                    )
                )
            share_request.status = _status(decision, approved, rng)
            opened_event.snapshot = _request_snapshot(share_request, lazy=True)
            if rng.random() < 0.4:
                t += rng.random() * 0.02
                viewer = rng.choice(team + cast.managers)
                events.append(
                    Event(
                        t,
                        AuditEntry.Action.RECORD_VIEWED,
                        org.pk,
                        viewer,
                        case.pk,
                        "Decision",
                        str(decision.pk),
                    )
                )

    events.sort(key=lambda event: event.order)
    audit_rows = list(chain.entries(events, *window))
    for draft in drafts:
        decision = getattr(draft, "_decision", None)
        if decision is not None:
            draft.created_at = decision.decided_at - datetime.timedelta(minutes=20)
            draft.updated_at = decision.decided_at
        else:
            draft.created_at = draft.updated_at = draft.share_request.created_at
    for person in people:
        if person.relationship == Person.CHILD:
            person.created_at = person.case.created_at

    Case.objects.bulk_create(cases, batch_size=BATCH)
    Assigned.objects.bulk_create(assigned, batch_size=BATCH)
    Person.objects.bulk_create(people, batch_size=BATCH)
    ShareRequest.objects.bulk_create(requests, batch_size=BATCH)
    _bulk_create_keeping(DecisionDraft, drafts, "updated_at")
    Decision.objects.bulk_create(decisions, batch_size=BATCH)
    if approvals:
        approval_model.objects.bulk_create(approvals, batch_size=BATCH)
    _history(cases, assigned, people, requests)
    AuditEntry.objects.bulk_create(audit_rows, batch_size=BATCH)

    summary.people += len(people)
    summary.requests += len(requests)
    summary.decisions += len(decisions)
    summary.approvals += len(approvals)
    summary.audit_entries += len(audit_rows)


def _request_snapshot(share_request: ShareRequest, *, lazy: bool):
    def build() -> dict:
        return {
            "direction": share_request.direction,
            "counterpart_agency": share_request.counterpart_agency,
            "urgency": share_request.urgency,
            "received_on": share_request.received_on,
            "due_on": share_request.due_on,
        }

    return build if lazy else build()


def _status(decision: Decision, approved: bool, rng: random.Random) -> str:
    if decision.requires_approval and not approved:
        return ShareRequest.Status.AWAITING_APPROVAL
    if decision.outcome == Decision.Outcome.DO_NOT_SHARE:
        return ShareRequest.Status.NOT_SHARED
    return ShareRequest.Status.SHARED if rng.random() < 0.9 else ShareRequest.Status.CLOSED


def _bulk_create_keeping(model, objs, auto_now_field: str) -> None:
    """bulk_create, keeping the given values of an auto_now field (it would say "now")."""
    model_field = model._meta.get_field(auto_now_field)
    model_field.auto_now = False
    try:
        model.objects.bulk_create(objs, batch_size=BATCH)
    finally:
        model_field.auto_now = True


def _history(cases, assigned, people, requests) -> None:
    """The "created" row django-simple-history would have written for each record."""
    historical_cases = []
    by_case = {}
    for model, objs, user_of in (
        (Case, cases, lambda obj: obj.created_by_id),
        (Person, people, lambda obj: obj.case.created_by_id),
        (ShareRequest, requests, lambda obj: obj.opened_by_id),
    ):
        history_model = model.history.model
        names = [f.attname for f in model._meta.concrete_fields]
        rows = []
        for obj in objs:
            row = history_model(
                history_date=obj.created_at,
                history_type="+",
                history_user_id=user_of(obj),
                **{name: getattr(obj, name) for name in names},
            )
            rows.append(row)
            if model is Case:
                by_case[obj.pk] = row
        history_model.objects.bulk_create(rows, batch_size=BATCH)
        if model is Case:
            historical_cases = rows
    if historical_cases:
        from django.apps import apps

        m2m_model = apps.get_model("decisions", "HistoricalCase_assigned")
        m2m_model.objects.bulk_create(
            [
                m2m_model(
                    history=by_case[link.case_id],
                    id=link.pk,
                    case_id=link.case_id,
                    user_id=link.user_id,
                )
                for link in assigned
            ],
            batch_size=BATCH,
        )
