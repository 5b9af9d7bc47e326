"""Emails about decisions: a decision waits for approval, a verdict was given, a follow-up is due.

Emails leave the organisation's systems, so they carry no names and no case content: the
case's (pseudonymous) reference and a link to the page, nothing else. Services call these
through `transaction.on_commit`, so nobody is told about a change that was rolled back; the
messages go out from the task queue's worker, not from the request.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.urls import reverse

from decisions.models import Approval, Decision, FollowUp, InfoResponse
from isg.accounts.models import Role, User
from isg.jobs.emails import queue_emails
from isg.ui.formatting import long_date

logger = logging.getLogger(__name__)


def link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _send(recipients: list[User], subject: str, body: str) -> int:
    """One message per recipient, so nobody sees who else was told; sent by the task queue
    (isg/jobs/emails.py), tried again later if the mail server refuses it. How many queued."""
    return queue_emails([user.email for user in recipients], subject, body)


def managers_to_ask(decision: Decision) -> list[User]:
    """The organisation's managers, except whoever made the decision."""
    return list(
        User.objects.filter(
            memberships__organisation=decision.organisation_id,
            memberships__role=Role.MANAGER,
            is_active=True,
        )
        .exclude(pk=decision.decided_by_id)
        .distinct()
    )


def decision_awaits_approval(decision: Decision) -> int:
    reference = decision.case.reference
    url = link(reverse("approval_verdict", args=[decision.pk]))
    return _send(
        managers_to_ask(decision),
        f"ISG: a decision on case {reference} needs your approval",
        f"A decision on case {reference} needs a manager's approval before anything is "
        f"shared.\n\nReview it: {url}\n",
    )


def verdict_given(approval: Approval) -> int:
    decision = approval.decision
    reference = decision.case.reference
    url = link(reverse("decision_detail", args=[decision.pk]))
    verdict_words: dict[str, str] = {
        Approval.Verdict.APPROVED: "was approved",
        Approval.Verdict.REJECTED: "was rejected",
        Approval.Verdict.MORE_INFO: "needs more information from you",
    }
    what = verdict_words[approval.verdict]
    return _send(
        [decision.decided_by],
        f"ISG: your decision on case {reference} {what}",
        f"Your decision on case {reference} {what}.\n\nSee the decision record: {url}\n",
    )


def question_answered(response: InfoResponse) -> int:
    decision = response.decision
    reference = decision.case.reference
    url = link(reverse("approval_verdict", args=[decision.pk]))
    return _send(
        [response.question.approver],
        f"ISG: your question on case {reference} was answered",
        f"Your question about a decision on case {reference} was answered. The decision is "
        f"back in the approval queue.\n\nReview it: {url}\n",
    )


def follow_up_due(follow_up: FollowUp) -> int:
    reference = follow_up.case.reference
    url = link(reverse("decision_detail", args=[follow_up.decision_id]))
    when = f"was due on {long_date(follow_up.due_on)}" if follow_up.is_overdue else "is due today"
    return _send(
        [follow_up.owner],
        f"ISG: a follow-up on case {reference} is due",
        f"A follow-up you own on case {reference} {when} and is not marked done yet.\n\n"
        f"See it: {url}\n",
    )
