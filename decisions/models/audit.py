"""The audit log's rows and the record of each verification (see decisions/audit/)."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from decisions.models.base import ImmutableModel
from decisions.models.cases import Case
from isg.accounts.models import Organisation


class AuditEntry(ImmutableModel):
    """One event in the append-only, hash-chained, keyed audit log (see decisions/audit.py)."""

    class Action(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGNED_OUT = "signed_out", "Signed out"
        LOCKED_OUT = "locked_out", "Locked out"
        CASE_CREATED = "case_created", "Case created"
        CASE_UPDATED = "case_updated", "Case updated"
        PERSON_ADDED = "person_added", "Person added"
        REQUEST_OPENED = "request_opened", "Request opened"
        DECISION_SUBMITTED = "decision_submitted", "Decision submitted"
        EMERGENCY_ACTION = "emergency_action", "Emergency action recorded"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        MORE_INFO_REQUESTED = "more_info_requested", "More information requested"
        MORE_INFO_GIVEN = "more_info_given", "More information given"
        SHARED = "shared", "Shared"
        NOT_SHARED = "not_shared", "Not shared"
        FOLLOW_UP_ADDED = "follow_up_added", "Follow-up added"
        FOLLOW_UP_DONE = "follow_up_done", "Follow-up done"
        RECONSIDERED = "reconsidered", "Reconsidered"
        RECORD_VIEWED = "record_viewed", "Record viewed"
        EXPORTED = "exported", "Exported"
        PDF_DOWNLOADED = "pdf_downloaded", "PDF downloaded"

    sequence = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_label = models.CharField(max_length=150, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=40, choices=Action.choices)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    outcome = models.CharField(max_length=30, blank=True)
    snapshot = models.JSONField(default=dict)
    prev_hash = models.CharField(max_length=64, unique=True)
    entry_hash = models.CharField(max_length=64, unique=True)
    hmac = models.CharField(max_length=64)
    key_id = models.CharField(max_length=40)

    class Meta:
        ordering = ["-sequence"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["organisation", "-sequence"]),
            models.Index(fields=["case", "-sequence"]),
            models.Index(fields=["actor", "-sequence"]),
            models.Index(fields=["organisation", "action", "-sequence"]),
            models.Index(fields=["organisation", "outcome", "-sequence"]),
            models.Index(fields=["organisation", "created_at"]),
            # The review's user filter matches the label case-insensitively (audit_views).
            models.Index(Upper("actor_label"), name="audit_actor_label_upper"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.get_action_display()}"


class AuditVerification(models.Model):
    """The outcome of one run of verify_audit, shown on the lead's review screen.

    Kept apart from the audit log so that recording a check does not change the
    log being checked. Rows are only ever added.
    """

    checked_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(max_length=40, default="verify_audit")
    since_sequence = models.PositiveBigIntegerField(default=1)
    up_to_sequence = models.PositiveBigIntegerField(null=True, blank=True)
    entries_checked = models.PositiveBigIntegerField(default=0)
    intact = models.BooleanField()
    failed_sequence = models.PositiveBigIntegerField(null=True, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["-checked_at"]
        get_latest_by = "checked_at"

    def __str__(self) -> str:
        return f"{'Intact' if self.intact else 'Broken'} — {self.checked_at:%Y-%m-%d %H:%M}"
