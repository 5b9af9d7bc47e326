"""After submit: a manager's verdict, answers to their questions, what was shared, follow-ups."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from decisions.models.base import ImmutableModel, optional_user, required_user
from decisions.models.cases import Case
from decisions.models.decisions import Decision
from decisions.models.sealed_fields import SealedTextField


class Approval(ImmutableModel):
    """A manager's verdict on a decision that needs approval, or their question about it.

    At most one final verdict (approved or rejected) per decision: the partial unique
    constraint makes the database refuse a second one, even when two managers press the
    button at the same moment. Questions (more_info) can be asked as often as needed.
    """

    class Verdict(models.TextChoices):
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        MORE_INFO = "more_info", "More information requested"

    FINAL = (Verdict.APPROVED, Verdict.REJECTED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="approvals")
    approver = required_user()
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    reasons = SealedTextField(
        blank=True, help_text="Why, for a rejection; the question, for more information."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision"],
                condition=models.Q(verdict__in=["approved", "rejected"]),
                name="approval_one_final_verdict",
            ),
            models.CheckConstraint(
                condition=models.Q(verdict="approved") | ~models.Q(reasons=""),
                name="approval_reasons_unless_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()} — {self.decision_id}"

    def sealing_scope(self) -> str:
        return self.decision.sealing_scope()

    @property
    def is_final(self) -> bool:
        return self.verdict in self.FINAL


class InfoResponse(ImmutableModel):
    """The answer to a manager's question (an Approval with verdict more_info), once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.OneToOneField(Approval, on_delete=models.PROTECT, related_name="response")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="info_responses")
    answer = SealedTextField()
    answered_by = required_user()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(answer=""), name="info_response_answer")
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"

    def sealing_scope(self) -> str:
        return self.decision.sealing_scope()


class ShareRecord(ImmutableModel):
    """What actually happened after a decision: shared (what, with whom, when, how) or not."""

    # How information is passed on: the wizard's plan and the share record use the same words.
    METHODS = [
        ("secure_email", "Secure email"),
        ("phone", "Phone call"),
        ("meeting", "In a meeting"),
        ("secure_portal", "Secure portal or case system"),
        ("letter", "Letter by recorded delivery"),
        ("other", "Another way"),
    ]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="share_record")
    shared = models.BooleanField()
    what_was_shared = SealedTextField(blank=True)
    shared_with = SealedTextField(max_length=400, blank=True)
    shared_on = models.DateField(null=True, blank=True)
    method = models.CharField(max_length=20, blank=True)
    not_shared_reasons = SealedTextField(blank=True)
    requester_told = models.BooleanField(null=True, blank=True)
    requester_told_how = SealedTextField(blank=True)
    recorded_by = required_user()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(shared=True)
                    & ~models.Q(what_was_shared="")
                    & ~models.Q(shared_with="")
                    & models.Q(shared_on__isnull=False)
                )
                | (
                    models.Q(shared=False)
                    & ~models.Q(not_shared_reasons="")
                    & models.Q(requester_told__isnull=False)
                ),
                name="share_record_complete",
            )
        ]

    def __str__(self) -> str:
        return f"{'Shared' if self.shared else 'Not shared'} — {self.decision_id}"

    def sealing_scope(self) -> str:
        return self.decision.sealing_scope()


class FollowUp(models.Model):
    """Something that must happen after a decision, by someone, by a date."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="follow_ups")
    action = models.TextField(max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="follow_ups"
    )
    due_on = models.DateField()
    created_by = required_user()
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = optional_user()
    # The last day a reminder went out: send_reminders sends at most one a day.
    reminded_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [
            models.Index(fields=["owner", "done_at", "due_on"]),
            models.Index(fields=["case", "due_on"]),
            models.Index(fields=["done_at", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"Follow-up due {self.due_on:%d %b %Y}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def is_overdue(self) -> bool:
        return not self.is_done and self.due_on < timezone.localdate()
