"""Every change to cases, people and requests goes through these functions.

Each runs in one transaction; views never save models themselves.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from decisions import audit
from decisions.models import AuditEntry, Case, Decision, DecisionDraft, Person, ShareRequest
from guidance import catalogue, engine
from isg.accounts.models import Organisation, Role, User
from isg.accounts.roles import has_role


@transaction.atomic
def case_create(
    *,
    user: User,
    organisation: Organisation,
    reference: str,
    summary: str = "",
    child_name: str = "",
    child_date_of_birth: datetime.date | None = None,
    assigned: list[User] | None = None,
) -> Case:
    if not has_role(user, organisation, (Role.PRACTITIONER, Role.MANAGER)):
        raise PermissionDenied("Only practitioners and managers can open cases.")
    case = Case(organisation=organisation, reference=reference, summary=summary, created_by=user)
    case._history_user = user
    case.save()
    team = set(assigned or [])
    if has_role(user, organisation, (Role.PRACTITIONER,)):
        team.add(user)
    case.assigned.set(team)
    if child_name:
        child = Person(
            case=case,
            name=child_name,
            relationship=Person.CHILD,
            date_of_birth=child_date_of_birth,
        )
        child._history_user = user
        child.save()
    audit.record(
        action=AuditEntry.Action.CASE_CREATED,
        actor=user,
        obj=case,
        case=case,
        snapshot={
            "reference": case.reference,
            "assigned": sorted(member.get_username() for member in team),
            "child_recorded": bool(child_name),
        },
    )
    return case


@transaction.atomic
def case_update(
    *, user: User, case: Case, reference: str, summary: str, assigned: list[User], is_closed: bool
) -> Case:
    # From the database: a ModelForm has already written the new values onto `case`.
    before = Case.objects.get(pk=case.pk)
    team_before = set(before.assigned.values_list("username", flat=True))
    case.reference = reference
    case.summary = summary
    case.is_closed = is_closed
    case._history_user = user
    case.save()
    case.assigned.set(assigned)
    team_after = {member.get_username() for member in assigned}
    changes = {
        name: {"from": getattr(before, name), "to": getattr(case, name)}
        for name in ("reference", "is_closed")
        if getattr(before, name) != getattr(case, name)
    }
    if before.summary != case.summary:
        changes["summary"] = "changed"  # the text itself stays in the case's history
    if team_before != team_after:
        changes["assigned"] = {
            "added": sorted(team_after - team_before),
            "removed": sorted(team_before - team_after),
        }
    audit.record(
        action=AuditEntry.Action.CASE_UPDATED,
        actor=user,
        obj=case,
        case=case,
        snapshot={"changes": changes},
    )
    return case


@transaction.atomic
def person_add(*, user: User, case: Case, **fields) -> Person:
    person = Person(case=case, **fields)
    person._history_user = user
    person.full_clean()
    person.save()
    # No name, notes or date of birth: the log is permanent, the person record is not.
    audit.record(
        action=AuditEntry.Action.PERSON_ADDED,
        actor=user,
        obj=person,
        case=case,
        snapshot={
            "relationship": person.relationship,
            "protect_identity": person.protect_identity,
        },
    )
    return person


@transaction.atomic
def share_request_open(*, user: User, case: Case, **fields) -> ShareRequest:
    share_request = ShareRequest(case=case, opened_by=user, **fields)
    share_request._history_user = user
    share_request.full_clean()
    share_request.save()
    audit.record(
        action=AuditEntry.Action.REQUEST_OPENED,
        actor=user,
        obj=share_request,
        case=case,
        snapshot={
            "direction": share_request.direction,
            "counterpart_agency": share_request.counterpart_agency,
            "urgency": share_request.urgency,
            "received_on": share_request.received_on,
            "due_on": share_request.due_on,
        },
    )
    return share_request


# --- The decision wizard --------------------------------------------------------------------


class DraftIncomplete(Exception):
    """Submit was asked for before every required step was answered."""

    def __init__(self, step: str):
        super().__init__(f"the draft still needs the step {step!r}")
        self.step = step


class FrameworkLocked(Exception):
    """The framework can only change before the first answer."""


@transaction.atomic
def draft_start(
    *,
    user: User,
    share_request: ShareRequest,
    framework: str | None = None,
    supersedes: "Decision | None" = None,
) -> DecisionDraft:
    """The user's open draft for this request, or a new one on the organisation's framework."""
    existing = DecisionDraft.objects.filter(
        share_request=share_request, owner=user, decision__isnull=True, supersedes=supersedes
    ).first()
    if existing:
        return existing
    slug = framework or share_request.case.organisation.default_framework
    definition = catalogue.definition(slug)
    draft = DecisionDraft.objects.create(
        share_request=share_request,
        owner=user,
        framework=definition["slug"],
        framework_version=definition["version"],
        supersedes=supersedes,
    )
    if supersedes is not None:
        draft.facts = dict(supersedes.facts)
        draft.answers = dict(supersedes.draft.answers)
        draft.save()
    if share_request.status == ShareRequest.Status.OPEN:
        share_request.status = ShareRequest.Status.IN_PROGRESS
        share_request._history_user = user
        share_request.save(update_fields=["status"])
    return draft


def draft_set_framework(*, draft: DecisionDraft, slug: str) -> DecisionDraft:
    if draft.facts:
        raise FrameworkLocked("The framework cannot change once a question is answered.")
    definition = catalogue.definition(slug)
    draft.framework, draft.framework_version = definition["slug"], definition["version"]
    draft.save(update_fields=["framework", "framework_version", "updated_at"])
    return draft


def draft_answer(*, draft: DecisionDraft, fact: str, value) -> DecisionDraft:
    """Save one framework answer at once, dropping answers that no longer apply."""
    from decisions.wizard import prune_facts

    definition = catalogue.definition(draft.framework, draft.framework_version)
    facts = dict(draft.facts)
    facts[fact] = value
    draft.facts = prune_facts(definition, engine.validate_facts(definition, facts))
    draft.save(update_fields=["facts", "updated_at"])
    return draft


@transaction.atomic
def draft_save_step(*, draft: DecisionDraft, user: User, step: str, raw: dict) -> DecisionDraft:
    """Save what was typed on a record step, as typed."""
    from decisions.wizard import DANGER

    first_time = step not in draft.answers
    draft.answers = {**draft.answers, step: raw}
    draft.save(update_fields=["answers", "updated_at"])
    if step == DANGER and first_time:
        case = draft.share_request.case
        audit.record(
            action=AuditEntry.Action.EMERGENCY_ACTION,
            actor=user,
            organisation=case.organisation,
            obj=draft.share_request,
            case=case,
            snapshot={"draft": str(draft.pk), "recorded": raw},
        )
    return draft


def _status_after(decision: Decision) -> str:
    if decision.requires_approval:
        return ShareRequest.Status.AWAITING_APPROVAL
    if decision.outcome == Decision.Outcome.DO_NOT_SHARE:
        return ShareRequest.Status.NOT_SHARED
    return ShareRequest.Status.READY_TO_SHARE


@transaction.atomic
def decision_submit(*, draft: DecisionDraft, user: User) -> Decision:
    """Write the decision record and its audit entry, once.

    Submitting the same draft again (double click, back button, two tabs) returns
    the decision already written and writes nothing more: the draft row is locked
    first, and Decision.draft is unique.
    """
    from decisions import wizard

    draft = DecisionDraft.objects.select_for_update().get(pk=draft.pk)
    existing = Decision.objects.filter(draft=draft).first()
    if existing is not None:
        return existing
    if draft.owner_id != user.pk:
        raise PermissionDenied("Only the draft's owner can submit it.")
    state = wizard.state_for(draft)
    next_step = state.next_step()
    if next_step != wizard.CHECK:
        raise DraftIncomplete(next_step)
    answers = wizard.cleaned_answers(state)
    outcome = answers["outcome"]["outcome"]
    share_request = draft.share_request
    decision = Decision.objects.create(
        share_request=share_request,
        case=share_request.case,
        organisation=share_request.case.organisation,
        draft=draft,
        framework=draft.framework,
        framework_version=draft.framework_version,
        facts=draft.facts,
        answers=answers,
        engine_result=state.result.as_dict() | {"rule": state.result.rule},
        recommendation=state.result.recommendation,
        outcome=outcome,
        override_reason=answers["outcome"].get("override_reason", ""),
        requires_approval=outcome in state.definition["approval"],
        consent=draft.facts.get("consent", ""),
        lawful_basis=answers.get("lawful_basis", {}).get("lawful_basis", ""),
        rationale=answers["outcome"]["rationale"],
        decided_by=user,
        supersedes=draft.supersedes,
    )
    share_request.status = _status_after(decision)
    share_request._history_user = user
    share_request.save(update_fields=["status"])
    audit.record(
        action=AuditEntry.Action.DECISION_SUBMITTED,
        actor=user,
        organisation=decision.organisation,
        obj=decision,
        case=decision.case,
        outcome=decision.outcome,
        snapshot={
            "decision": str(decision.pk),
            "request": str(share_request.pk),
            "framework": f"{decision.framework}@{decision.framework_version}",
            "recommendation": decision.recommendation,
            "outcome": decision.outcome,
            "requires_approval": decision.requires_approval,
            "supersedes": str(decision.supersedes_id) if decision.supersedes_id else None,
        },
    )
    return decision
