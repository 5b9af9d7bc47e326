"""Every change to a draft decision, and its submission as a decision record.

Each runs in one transaction; the decision and its audit entry are written together.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from decisions.audit import checkpoints
from decisions.audit.record import record, record_about_decision
from decisions.audit.sealed import seal_snapshot_text
from decisions.cases.history import changed_by
from decisions.lifecycle import notify
from decisions.models import AuditEntry, Decision, DecisionDraft, ShareRequest
from decisions.wizard.state import State, cleaned_answers, prune_facts, state_for
from decisions.wizard.steps import CHECK, DANGER, Step
from guidance import catalogue, engine
from isg.accounts.models import User


class AlreadyReconsidered(Exception):
    """Someone else's reconsideration of the same decision was submitted first."""


class DraftIncomplete(Exception):
    """Submit was asked for before every required step was answered."""

    def __init__(self, step: Step) -> None:
        super().__init__(f"the draft still needs the step {step}")
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
        changed_by(share_request, user)
        share_request.save(update_fields=["status"])
    return draft


def draft_set_framework(*, draft: DecisionDraft, slug: str) -> DecisionDraft:
    if draft.facts:
        raise FrameworkLocked("The framework cannot change once a question is answered.")
    definition = catalogue.definition(slug)
    draft.framework, draft.framework_version = definition["slug"], definition["version"]
    draft.save(update_fields=["framework", "framework_version", "updated_at"])
    return draft


def draft_answer(
    *, draft: DecisionDraft, fact: str, value: object, question: Step | None = None
) -> State | None:
    """Save one framework answer at once, dropping answers that no longer apply, and return
    the wizard's state after it, from the one evaluation pruning made.

    Given the `question` answered, the answer is saved only if the new state accepts it (the
    question applies and nothing before it was skipped); otherwise nothing is saved and the
    result is None.
    """
    definition = catalogue.definition(draft.framework, draft.framework_version)
    before = draft.facts
    facts = engine.validate_facts(definition, {**before, fact: value})
    draft.facts, result = prune_facts(definition, facts)
    state = state_for(draft, result)
    if question is not None and not state.accepts_answer_to(question):
        draft.facts = before
        return None
    draft.save(update_fields=["facts", "updated_at"])
    return state


@transaction.atomic
def draft_save_step(
    *, draft: DecisionDraft, user: User, step: Step, raw: dict[str, list[str]]
) -> DecisionDraft:
    """Save what was typed on a record step, as typed."""
    first_time = step.slug not in draft.answers
    draft.answers = {**draft.answers, step.slug: raw}
    draft.save(update_fields=["answers", "updated_at"])
    if step == DANGER and first_time:
        case = draft.share_request.case
        record(
            action=AuditEntry.Action.EMERGENCY_ACTION,
            actor=user,
            organisation=case.organisation,
            obj=draft.share_request,
            case=case,
            # What was typed is sealed under the case's key: the log keeps only ciphertext,
            # which erasing the case makes unreadable without changing the entry.
            snapshot={"draft": str(draft.pk), "recorded": seal_snapshot_text(case, raw)},
        )
    return draft


def decision_fields(state: State) -> dict[str, Any]:
    """What a decision record holds of a complete draft's answers, defined once: submit writes
    it, and generated data at volume reuses it for many requests."""
    draft = state.draft
    answers = cleaned_answers(state)
    outcome = answers["outcome"]["outcome"]
    return {
        "framework": draft.framework,
        "framework_version": draft.framework_version,
        "facts": dict(draft.facts),
        "answers": answers,
        "engine_result": state.result.as_dict() | {"rule": state.result.rule},
        "recommendation": state.result.recommendation,
        "outcome": outcome,
        "override_reason": answers["outcome"].get("override_reason", ""),
        "requires_approval": outcome in state.definition["approval"],
        "consent": draft.facts.get("consent", ""),
        "lawful_basis": answers.get("lawful_basis", {}).get("lawful_basis", ""),
        "rationale": answers["outcome"]["rationale"],
    }


def new_decision(
    fields: dict[str, Any], *, draft: DecisionDraft, share_request: ShareRequest, user: User
) -> Decision:
    """The decision record (unsaved) for `decision_fields` on this draft and request."""
    return Decision(
        **fields,
        share_request=share_request,
        case=share_request.case,
        organisation=share_request.case.organisation,
        draft=draft,
        decided_by=user,
        supersedes=draft.supersedes,
    )


def submitted_snapshot(decision: Decision) -> dict[str, Any]:
    """What the audit log keeps of a submitted decision."""
    return {
        "request": str(decision.share_request_id),
        "framework": f"{decision.framework}@{decision.framework_version}",
        "recommendation": decision.recommendation,
        "outcome": decision.outcome,
        "requires_approval": decision.requires_approval,
        "supersedes": str(decision.supersedes_id) if decision.supersedes_id else None,
    }


def status_after(decision: Decision) -> str:
    """The request's status once this decision is submitted."""
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
    draft = DecisionDraft.objects.select_for_update().get(pk=draft.pk)
    existing = Decision.objects.filter(draft=draft).first()
    if existing is not None:
        return existing
    if draft.owner_id != user.pk:
        raise PermissionDenied("Only the draft's owner can submit it.")
    state = state_for(draft)
    next_step = state.next_step()
    if next_step != CHECK:
        raise DraftIncomplete(next_step)
    if draft.supersedes_id is not None:
        # Locked, so that two reconsiderations of one decision cannot both be written.
        Decision.objects.select_for_update().filter(pk=draft.supersedes_id).first()
        if Decision.objects.filter(supersedes_id=draft.supersedes_id).exists():
            raise AlreadyReconsidered(
                "That decision has already been reconsidered by someone else."
            )
    share_request = draft.share_request
    decision = new_decision(
        decision_fields(state), draft=draft, share_request=share_request, user=user
    )
    decision.save()
    share_request.status = status_after(decision)
    changed_by(share_request, user)
    share_request.save(update_fields=["status"])
    record_about_decision(
        AuditEntry.Action.DECISION_SUBMITTED, decision, user, submitted_snapshot(decision)
    )
    superseded = decision.supersedes
    if superseded is not None:
        record(
            action=AuditEntry.Action.RECONSIDERED,
            actor=user,
            organisation=decision.organisation,
            obj=superseded,
            case=decision.case,
            outcome=superseded.outcome,
            snapshot={
                "decision": str(decision.supersedes_id),
                "superseded_by": str(decision.pk),
                "new_outcome": decision.outcome,
            },
        )
    if decision.requires_approval:
        transaction.on_commit(lambda: notify.decision_awaits_approval(decision), robust=True)
    # A signed checkpoint covering this decision's entry leaves the building at once, so that
    # the window in which a key holder could rewrite it unseen is as short as possible.
    transaction.on_commit(lambda: checkpoints.checkpoint_quietly("decision_submitted"))
    return decision
