"""A decision in the making (the wizard's draft) and the decision record it becomes."""

import uuid

from django.db import models
from django.utils import timezone

from decisions.models.base import ImmutableModel, required_user
from decisions.models.cases import Case, ShareRequest
from decisions.models.sealed_fields import SealedJSONField, SealedTextField
from decisions.models.sealing import case_scope
from guidance.vocabulary import RECOMMENDATION_LABELS
from isg.accounts.models import Organisation

# The outcomes under which something is passed on: sharing may be recorded after them.
SHARING_OUTCOMES = frozenset({"share", "share_without_consent", "share_deidentified"})


class DecisionDraft(models.Model):
    """Answers given so far in the wizard, saved at every step; only its owner sees it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    share_request = models.ForeignKey(ShareRequest, on_delete=models.PROTECT, related_name="drafts")
    owner = required_user()
    framework = models.CharField(max_length=40)
    framework_version = models.CharField(max_length=20)
    facts = models.JSONField(default=dict, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    supersedes = models.ForeignKey(
        "Decision",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reconsideration_drafts",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["owner", "-updated_at"])]

    def __str__(self) -> str:
        return f"Draft decision on {self.share_request}"


class Decision(ImmutableModel):
    """The decision record: written once on submit, never edited."""

    class Outcome(models.TextChoices):
        # Labelled as the guidance labels the recommendations (guidance/vocabulary.py).
        SHARE = "share", RECOMMENDATION_LABELS["share"]
        SHARE_WITHOUT_CONSENT = (
            "share_without_consent",
            RECOMMENDATION_LABELS["share_without_consent"],
        )
        SHARE_DEIDENTIFIED = "share_deidentified", RECOMMENDATION_LABELS["share_deidentified"]
        DO_NOT_SHARE = "do_not_share", RECOMMENDATION_LABELS["do_not_share"]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    share_request = models.ForeignKey(
        ShareRequest, on_delete=models.PROTECT, related_name="decisions"
    )
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="decisions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="decisions"
    )
    draft = models.OneToOneField(DecisionDraft, on_delete=models.PROTECT, related_name="decision")
    framework = models.CharField(max_length=40)
    framework_version = models.CharField(max_length=20)
    facts = models.JSONField(default=dict)
    answers = SealedJSONField(default=dict)
    engine_result = models.JSONField(default=dict)
    recommendation = models.CharField(max_length=30)
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    override_reason = SealedTextField(blank=True)
    requires_approval = models.BooleanField(default=False)
    consent = models.CharField(max_length=20, blank=True)
    lawful_basis = models.CharField(max_length=80, blank=True)
    rationale = SealedTextField()
    decided_by = required_user()
    decided_at = models.DateTimeField(default=timezone.now)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        ordering = ["-decided_at"]
        indexes = [
            models.Index(fields=["organisation", "-decided_at"]),
            models.Index(fields=["case", "-decided_at"]),
            models.Index(fields=["organisation", "outcome"]),
            # The reports' first decisions (supersedes nothing) of an organisation, by time.
            models.Index(
                fields=["organisation", "supersedes", "decided_at"],
                name="decision_first_by_org_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.case.reference}"

    def sealing_scope(self) -> str:
        return case_scope(self.case_id)

    @property
    def shares(self) -> bool:
        """The decision is to share something (with or without consent, or de-identified)."""
        return self.outcome in SHARING_OUTCOMES
