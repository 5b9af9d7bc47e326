"""Where a decision is in its life after submit, and what may happen to it next.

Derived, never stored: decisions are immutable; the approvals, answers and share record
written after one say where it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from decisions.models import Approval, Decision, InfoResponse, ShareRecord


class Stage:
    """Where a decision is in its life after submit (derived, never stored: decisions are
    immutable; the approvals, answers and share record written after it say where it is)."""

    AWAITING_APPROVAL = "awaiting_approval"
    WAITING_FOR_ANSWER = "waiting_for_answer"
    REJECTED = "rejected"
    READY = "ready"  # approved, or no approval needed: record what happened
    SHARED = "shared"
    NOT_SHARED = "not_shared"
    SUPERSEDED = "superseded"

    LABELS = {
        AWAITING_APPROVAL: "Awaiting approval",
        WAITING_FOR_ANSWER: "Waiting for an answer to the manager's question",
        REJECTED: "Rejected by a manager",
        READY: "Ready: record what happened",
        SHARED: "Shared",
        NOT_SHARED: "Not shared",
        SUPERSEDED: "Reconsidered",
    }


@dataclass
class Lifecycle:
    """A decision with everything written about it since: verdicts, answers, what was shared."""

    decision: Decision
    approvals: list[Approval]
    share_record: ShareRecord | None
    superseded_by: Decision | None

    @property
    def verdict(self) -> Approval | None:
        return next((a for a in self.approvals if a.is_final), None)

    @property
    def open_question(self) -> Approval | None:
        """The manager's last question, if it has not been answered yet."""
        questions = [a for a in self.approvals if a.verdict == Approval.Verdict.MORE_INFO]
        if questions and not has_response(questions[-1]):
            return questions[-1]
        return None

    @property
    def approved(self) -> bool:
        verdict = self.verdict
        return verdict is not None and verdict.verdict == Approval.Verdict.APPROVED

    @property
    def settled(self) -> bool:
        """No verdict is outstanding: approved, rejected, or none needed."""
        return not self.decision.requires_approval or self.verdict is not None

    @property
    def needs_verdict(self) -> bool:
        return (
            self.decision.requires_approval
            and self.verdict is None
            and self.superseded_by is None
            and self.open_question is None
        )

    @property
    def may_share(self) -> bool:
        """Sharing may be recorded: the decision shares and is approved or needs no approval."""
        return (
            self.superseded_by is None
            and self.share_record is None
            and self.decision.shares
            and (not self.decision.requires_approval or self.approved)
        )

    @property
    def may_record_not_shared(self) -> bool:
        return self.superseded_by is None and self.share_record is None and self.settled

    @property
    def stage(self) -> str:
        if self.superseded_by is not None:
            return Stage.SUPERSEDED
        if self.share_record is not None:
            return Stage.SHARED if self.share_record.shared else Stage.NOT_SHARED
        if self.decision.requires_approval:
            verdict = self.verdict
            if verdict is None:
                if self.open_question is not None:
                    return Stage.WAITING_FOR_ANSWER
                return Stage.AWAITING_APPROVAL
            if verdict.verdict == Approval.Verdict.REJECTED:
                return Stage.REJECTED
        return Stage.READY

    @property
    def stage_label(self) -> str:
        return Stage.LABELS[self.stage]


def has_response(question: Approval) -> bool:
    """The manager's question has been answered."""
    try:
        question.response  # noqa: B018  (a reverse one-to-one: raises if there is none)
    except InfoResponse.DoesNotExist:
        return False
    return True


def lifecycle(decision: Decision) -> Lifecycle:
    approvals = list(
        Approval.objects.filter(decision=decision)
        .select_related("approver", "response", "response__answered_by")
        .order_by("created_at")
    )
    return Lifecycle(
        decision=decision,
        approvals=approvals,
        share_record=ShareRecord.objects.filter(decision=decision)
        .select_related("recorded_by")
        .first(),
        superseded_by=Decision.objects.filter(supersedes=decision).first(),
    )


def why_not_record(state: Lifecycle, *, shared: bool) -> str | None:
    """Why sharing (or not sharing) cannot be recorded for this decision now, in plain words."""
    if state.share_record is not None:
        return "What happened has already been recorded for this decision."
    if state.superseded_by is not None:
        return "This decision has been reconsidered: record what happened on the new decision."
    if shared and not state.may_share:
        if not state.decision.shares:
            return "This decision was not to share. To share, reconsider it first."
        if state.verdict is not None:
            return "A manager rejected this decision: nothing may be shared under it."
        return "A manager must approve this decision before anything is shared."
    if not shared and not state.may_record_not_shared:
        return "A manager must give a verdict on this decision first."
    return None
