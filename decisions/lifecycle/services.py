"""After submit: verdicts, answers to a manager's questions, what was shared, follow-ups,
reconsideration and reminders. Each change runs in one transaction with its audit entry."""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from decisions.audit.record import record, record_about_decision
from decisions.cases.history import changed_by, save_validated
from decisions.cases.selectors import can_write_case
from decisions.lifecycle import notify
from decisions.lifecycle.selectors import (
    follow_up_owners_for,
    may_answer,
    may_approve,
    may_complete_follow_up,
)
from decisions.lifecycle.stage import Lifecycle, lifecycle, why_not_record
from decisions.models import (
    Approval,
    AuditEntry,
    Decision,
    DecisionDraft,
    FollowUp,
    InfoResponse,
    ShareRecord,
    ShareRequest,
)
from decisions.wizard.services import draft_start
from isg.accounts.models import User
from isg.ui.formatting import DATE, TIME


class NotNow(Exception):
    """The action does not fit where the decision is now; the message says why, plainly."""


class AlreadyDecided(NotNow):
    """Another manager's verdict got there first."""

    def __init__(self, verdict: Approval) -> None:
        self.verdict = verdict
        when = timezone.localtime(verdict.created_at)
        day = "" if when.date() == timezone.localdate() else f" on {when.strftime(DATE)}"
        verb = "approved" if verdict.verdict == Approval.Verdict.APPROVED else "rejected"
        super().__init__(
            f"{verdict.approver.display_name} already {verb} this{day} at {when.strftime(TIME)}."
        )


def _lock(decision: Decision) -> Lifecycle:
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
    return lifecycle(locked)


def _set_request_status(share_request: ShareRequest, status: str, user: User) -> None:
    if share_request.status != status:
        share_request.status = status
        changed_by(share_request, user)
        share_request.save(update_fields=["status"])


# Keyed by plain strings as well: a verdict arrives from the form as text.
VERDICT_ACTIONS: dict[str, AuditEntry.Action] = {
    Approval.Verdict.APPROVED: AuditEntry.Action.APPROVED,
    Approval.Verdict.REJECTED: AuditEntry.Action.REJECTED,
    Approval.Verdict.MORE_INFO: AuditEntry.Action.MORE_INFO_REQUESTED,
}


def verdict_snapshot(approval: Approval) -> dict[str, Any]:
    """What the audit log keeps of a verdict or a question (the reasons stay in the row)."""
    return {
        "approval": str(approval.pk),
        "verdict": approval.verdict,
        "decided_by": approval.decision.decided_by.get_username(),
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
    if not may_approve(approver, decision):
        if decision.decided_by_id == approver.pk:
            raise PermissionDenied("You made this decision, so another manager must approve it.")
        raise PermissionDenied("Only a manager of the organisation can approve its decisions.")
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
        ready = ShareRequest.Status.READY_TO_SHARE
        status = ready if decision.shares else ShareRequest.Status.NOT_SHARED
        _set_request_status(decision.share_request, status, approver)
    elif verdict == Approval.Verdict.REJECTED:
        _set_request_status(decision.share_request, ShareRequest.Status.NOT_SHARED, approver)
    record_about_decision(
        VERDICT_ACTIONS[verdict],
        decision,
        approver,
        verdict_snapshot(approval),
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
    question = state.open_question
    if question is None:
        raise NotNow("There is no question waiting for an answer.")
    if not may_answer(user, state):
        if question.approver_id == user.pk:
            raise PermissionDenied("The manager who asked cannot answer their own question.")
        raise PermissionDenied("Only someone working on the case can answer.")
    response = InfoResponse.objects.create(
        question=question, decision=decision, answer=answer, answered_by=user
    )
    record_about_decision(
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
    follow_up: dict[str, Any] | None = None,
) -> ShareRecord:
    """Record what actually happened: shared (what, with whom, when, how) or not, and why.

    Sharing can be recorded only under a decision to share that is approved (or needed no
    approval); not sharing once no verdict is outstanding. Once per decision.
    `follow_up` (action, owner, due_on) adds a follow-up in the same transaction.
    """
    state = _lock(decision)
    decision = state.decision
    if not can_write_case(user, decision.case_id):
        raise PermissionDenied("Only someone working on the case can record this.")
    refusal = why_not_record(state, shared=shared)
    if refusal:
        raise NotNow(refusal)
    outcome: dict[str, Any] = (
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
    )
    record = ShareRecord(decision=decision, shared=shared, recorded_by=user, **outcome)
    record.full_clean()
    record.save()
    _set_request_status(
        decision.share_request,
        ShareRequest.Status.SHARED if shared else ShareRequest.Status.NOT_SHARED,
        user,
    )
    record_about_decision(
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
    if not can_write_case(user, case.pk):
        raise PermissionDenied("Only someone working on the case can add follow-ups.")
    if not follow_up_owners_for(case).filter(pk=owner.pk).exists():
        raise PermissionDenied("A follow-up's owner must be someone who can see the case.")
    follow_up = FollowUp(
        case=case,
        decision=decision,
        action=action.strip(),
        owner=owner,
        due_on=due_on,
        created_by=user,
    )
    save_validated(follow_up, user)
    # The action's wording stays in the follow-up (and its history), not in the permanent log.
    record(
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
    if not may_complete_follow_up(user, follow_up):
        raise PermissionDenied("Only the owner or someone working on the case can do this.")
    if follow_up.done_at is not None:
        return follow_up
    follow_up.done_at = timezone.now()
    follow_up.done_by = user
    changed_by(follow_up, user)
    follow_up.save(update_fields=["done_at", "done_by"])
    record(
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
    if not can_write_case(user, decision.case_id):
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
    queues the email, in the same transaction; the task queue sends it, and tries again
    later if the mail server refuses it.
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
