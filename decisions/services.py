"""Every change to cases, people and requests goes through these functions.

Each runs in one transaction; views never save models themselves.
"""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from decisions import audit, notify, selectors
from decisions.models import (
    Approval,
    AuditEntry,
    Case,
    Decision,
    DecisionDraft,
    FollowUp,
    InfoResponse,
    Person,
    ShareRecord,
    ShareRequest,
)
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


def _audit_decision(action: str, decision: Decision, user: User, snapshot: dict) -> None:
    """The audit entry for something that happened to a decision, in the same transaction."""
    audit.record(
        action=action,
        actor=user,
        obj=decision,
        case=decision.case,
        outcome=decision.outcome,
        snapshot={"decision": str(decision.pk), **snapshot},
    )


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
    if draft.supersedes_id is not None:
        # Locked, so that two reconsiderations of one decision cannot both be written.
        Decision.objects.select_for_update().filter(pk=draft.supersedes_id).first()
        if Decision.objects.filter(supersedes_id=draft.supersedes_id).exists():
            raise NotNow("That decision has already been reconsidered by someone else.")
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
    _audit_decision(
        AuditEntry.Action.DECISION_SUBMITTED,
        decision,
        user,
        {
            "request": str(share_request.pk),
            "framework": f"{decision.framework}@{decision.framework_version}",
            "recommendation": decision.recommendation,
            "outcome": decision.outcome,
            "requires_approval": decision.requires_approval,
            "supersedes": str(decision.supersedes_id) if decision.supersedes_id else None,
        },
    )
    if decision.supersedes_id is not None:
        audit.record(
            action=AuditEntry.Action.RECONSIDERED,
            actor=user,
            organisation=decision.organisation,
            obj=decision.supersedes,
            case=decision.case,
            outcome=decision.supersedes.outcome,
            snapshot={
                "decision": str(decision.supersedes_id),
                "superseded_by": str(decision.pk),
                "new_outcome": decision.outcome,
            },
        )
    if decision.requires_approval:
        transaction.on_commit(lambda: notify.decision_awaits_approval(decision), robust=True)
    return decision


# --- After submit: approval, sharing, follow-ups, reconsideration ----------------------------


class NotNow(Exception):
    """The action does not fit where the decision is now; the message says why, plainly."""


class AlreadyDecided(NotNow):
    """Another manager's verdict got there first."""

    def __init__(self, verdict: Approval):
        self.verdict = verdict
        when = timezone.localtime(verdict.created_at)
        day = "" if when.date() == timezone.localdate() else f" on {when:%-d %B %Y}"
        verb = "approved" if verdict.verdict == Approval.Verdict.APPROVED else "rejected"
        super().__init__(
            f"{verdict.approver.display_name} already {verb} this{day} at {when:%H:%M}."
        )


def _lock(decision: Decision) -> selectors.Lifecycle:
    """Lock the decision row for the rest of the transaction and read where it stands.

    SELECT … FOR UPDATE takes a row lock without writing, so the append-only triggers do
    not fire; a second manager's verdict waits here until the first commits, then reads it.
    (SQLite ignores FOR UPDATE; its writers queue at BEGIN IMMEDIATE instead.)
    """
    locked = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("case", "case__organisation", "share_request", "decided_by")
        .get(pk=decision.pk)
    )
    return selectors.lifecycle(locked)


def _set_request_status(share_request: ShareRequest, status: str, user: User) -> None:
    if share_request.status != status:
        share_request.status = status
        share_request._history_user = user
        share_request.save(update_fields=["status"])


VERDICT_ACTIONS = {
    Approval.Verdict.APPROVED: AuditEntry.Action.APPROVED,
    Approval.Verdict.REJECTED: AuditEntry.Action.REJECTED,
    Approval.Verdict.MORE_INFO: AuditEntry.Action.MORE_INFO_REQUESTED,
}


@transaction.atomic
def decision_verdict(
    *, decision: Decision, approver: User, verdict: str, reasons: str = ""
) -> Approval:
    """Approve, reject, or ask a question about a decision that needs approval.

    Never the decider's own decision (PermissionDenied), never twice (AlreadyDecided, from
    the row lock or, failing that, the database's one-final-verdict constraint).
    """
    if verdict not in VERDICT_ACTIONS:
        raise ValueError(f"unknown verdict {verdict!r}")
    reasons = (reasons or "").strip()
    state = _lock(decision)
    decision = state.decision
    if not has_role(approver, decision.organisation_id, (Role.MANAGER,)):
        raise PermissionDenied("Only a manager of the organisation can approve its decisions.")
    if decision.decided_by_id == approver.pk:
        raise PermissionDenied("You made this decision, so another manager must approve it.")
    if not decision.requires_approval:
        raise NotNow("This decision does not need approval.")
    if state.verdict is not None:
        raise AlreadyDecided(state.verdict)
    if state.superseded_by is not None:
        raise NotNow("This decision has been reconsidered: the new decision replaces it.")
    if state.open_question is not None:
        raise NotNow(
            f"{state.open_question.approver.display_name} asked the practitioner a question "
            "that has not been answered yet."
        )
    if verdict != Approval.Verdict.APPROVED and not reasons:
        raise ValueError("a rejection needs reasons and a request for information a question")
    try:
        with transaction.atomic():
            approval = Approval.objects.create(
                decision=decision, approver=approver, verdict=verdict, reasons=reasons
            )
    except IntegrityError:
        # Only reachable without the row lock (e.g. a path that forgot it): the constraint holds.
        final = Approval.objects.filter(decision=decision, verdict__in=Approval.FINAL).first()
        if final is None:
            raise
        raise AlreadyDecided(final) from None
    if verdict == Approval.Verdict.APPROVED:
        sharing = decision.outcome in selectors.SHARING_OUTCOMES
        status = ShareRequest.Status.READY_TO_SHARE if sharing else ShareRequest.Status.NOT_SHARED
        _set_request_status(decision.share_request, status, approver)
    elif verdict == Approval.Verdict.REJECTED:
        _set_request_status(decision.share_request, ShareRequest.Status.NOT_SHARED, approver)
    _audit_decision(
        VERDICT_ACTIONS[verdict],
        decision,
        approver,
        {
            "approval": str(approval.pk),
            "verdict": verdict,
            "decided_by": decision.decided_by.get_username(),
        },
    )
    transaction.on_commit(lambda: notify.verdict_given(approval), robust=True)
    return approval


@transaction.atomic
def info_answer(*, decision: Decision, user: User, answer: str) -> InfoResponse:
    """Answer the manager's open question; the decision goes back to the approval queue."""
    answer = (answer or "").strip()
    if not answer:
        raise ValueError("an answer cannot be empty")
    state = _lock(decision)
    decision = state.decision
    if not selectors.can_write_case(user, decision.case_id):
        raise PermissionDenied("Only someone working on the case can answer.")
    question = state.open_question
    if question is None:
        raise NotNow("There is no question waiting for an answer.")
    if question.approver_id == user.pk:
        raise PermissionDenied("The manager who asked cannot answer their own question.")
    response = InfoResponse.objects.create(
        question=question, decision=decision, answer=answer, answered_by=user
    )
    _audit_decision(
        AuditEntry.Action.MORE_INFO_GIVEN,
        decision,
        user,
        {
            "question": str(question.pk),
            "response": str(response.pk),
        },
    )
    transaction.on_commit(lambda: notify.question_answered(response), robust=True)
    return response


def why_not_record(state: selectors.Lifecycle, *, shared: bool) -> str | None:
    """Why sharing (or not sharing) cannot be recorded for this decision now, in plain words."""
    if state.share_record is not None:
        return "What happened has already been recorded for this decision."
    if state.superseded_by is not None:
        return "This decision has been reconsidered: record what happened on the new decision."
    if shared and not state.may_share:
        if state.decision.outcome not in selectors.SHARING_OUTCOMES:
            return "This decision was not to share. To share, reconsider it first."
        if state.verdict is not None:
            return "A manager rejected this decision: nothing may be shared under it."
        return "A manager must approve this decision before anything is shared."
    if not shared and not state.may_record_not_shared:
        return "A manager must give a verdict on this decision first."
    return None


@transaction.atomic
def share_record(
    *,
    decision: Decision,
    user: User,
    shared: bool,
    what_was_shared: str = "",
    shared_with: str = "",
    shared_on: datetime.date | None = None,
    method: str = "",
    not_shared_reasons: str = "",
    requester_told: bool | None = None,
    requester_told_how: str = "",
    follow_up: dict | None = None,
) -> ShareRecord:
    """Record what actually happened: shared (what, with whom, when, how) or not, and why.

    Sharing can be recorded only under a decision to share that is approved (or needed no
    approval); not sharing once no verdict is outstanding. Once per decision.
    `follow_up` (action, owner, due_on) adds a follow-up in the same transaction.
    """
    state = _lock(decision)
    decision = state.decision
    if not selectors.can_write_case(user, decision.case_id):
        raise PermissionDenied("Only someone working on the case can record this.")
    refusal = why_not_record(state, shared=shared)
    if refusal:
        raise NotNow(refusal)
    record = ShareRecord(
        decision=decision,
        shared=shared,
        recorded_by=user,
        **(
            {
                "what_was_shared": what_was_shared.strip(),
                "shared_with": shared_with.strip(),
                "shared_on": shared_on,
                "method": method,
            }
            if shared
            else {
                "not_shared_reasons": not_shared_reasons.strip(),
                "requester_told": requester_told,
                "requester_told_how": requester_told_how.strip(),
            }
        ),
    )
    record.full_clean()
    record.save()
    _set_request_status(
        decision.share_request,
        ShareRequest.Status.SHARED if shared else ShareRequest.Status.NOT_SHARED,
        user,
    )
    _audit_decision(
        AuditEntry.Action.SHARED if shared else AuditEntry.Action.NOT_SHARED,
        decision,
        user,
        {
            "share_record": str(record.pk),
            **(
                {"shared_on": shared_on, "method": method}
                if shared
                else {"requester_told": requester_told}
            ),
        },
    )
    if follow_up:
        follow_up_add(user=user, decision=decision, **follow_up)
    return record


@transaction.atomic
def follow_up_add(
    *, user: User, decision: Decision, action: str, owner: User, due_on: datetime.date
) -> FollowUp:
    case = decision.case
    if not selectors.can_write_case(user, case.pk):
        raise PermissionDenied("Only someone working on the case can add follow-ups.")
    if not selectors.follow_up_owners_for(case).filter(pk=owner.pk).exists():
        raise PermissionDenied("A follow-up's owner must be someone who can see the case.")
    follow_up = FollowUp(
        case=case,
        decision=decision,
        action=action.strip(),
        owner=owner,
        due_on=due_on,
        created_by=user,
    )
    follow_up._history_user = user
    follow_up.full_clean()
    follow_up.save()
    # The action's wording stays in the follow-up (and its history), not in the permanent log.
    audit.record(
        action=AuditEntry.Action.FOLLOW_UP_ADDED,
        actor=user,
        organisation=case.organisation_id,
        obj=follow_up,
        case=case,
        snapshot={
            "decision": str(decision.pk),
            "owner": owner.get_username(),
            "due_on": due_on,
        },
    )
    return follow_up


@transaction.atomic
def follow_up_done(*, user: User, follow_up: FollowUp) -> FollowUp:
    """Mark a follow-up done, once: its owner or anyone who may change the case."""
    follow_up = FollowUp.objects.select_for_update().select_related("case").get(pk=follow_up.pk)
    allowed = follow_up.owner_id == user.pk or selectors.can_write_case(user, follow_up.case_id)
    if not allowed:
        raise PermissionDenied("Only the owner or someone working on the case can do this.")
    if follow_up.done_at is not None:
        return follow_up
    follow_up.done_at = timezone.now()
    follow_up.done_by = user
    follow_up._history_user = user
    follow_up.save(update_fields=["done_at", "done_by"])
    audit.record(
        action=AuditEntry.Action.FOLLOW_UP_DONE,
        actor=user,
        organisation=follow_up.case.organisation_id,
        obj=follow_up,
        case=follow_up.case,
        snapshot={"decision": str(follow_up.decision_id), "due_on": follow_up.due_on},
    )
    return follow_up


def reconsider_start(*, user: User, decision: Decision) -> DecisionDraft:
    """A new draft pre-filled from the decision; submitting it supersedes the decision."""
    if not selectors.can_write_case(user, decision.case_id):
        raise PermissionDenied("Only someone working on the case can reconsider a decision.")
    if Decision.objects.filter(supersedes=decision).exists():
        raise NotNow("This decision has already been reconsidered: reconsider the newer one.")
    return draft_start(
        user=user,
        share_request=decision.share_request,
        framework=decision.framework,
        supersedes=decision,
    )


def send_reminders(*, today: datetime.date | None = None) -> int:
    """Email the owner of each follow-up due today or overdue and not done, once a day.

    Safe to run twice (from cron, or on two servers): each follow-up is claimed by setting
    `reminded_on` with a conditional UPDATE, and only the run whose UPDATE changed the row
    sends; if sending fails, the claim rolls back with it and the next run tries again.
    """
    today = today or timezone.localdate()
    due = FollowUp.objects.filter(done_at__isnull=True, due_on__lte=today).filter(
        Q(reminded_on__isnull=True) | Q(reminded_on__lt=today)
    )
    sent = 0
    for follow_up in list(due.select_related("case", "owner")):
        with transaction.atomic():
            claimed = (
                FollowUp.objects.filter(pk=follow_up.pk, done_at__isnull=True)
                .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
                .update(reminded_on=today)
            )
            if claimed:
                sent += notify.follow_up_due(follow_up)
    return sent
