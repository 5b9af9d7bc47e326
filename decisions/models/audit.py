"""The audit log's rows, its Merkle tree and checkpoints, and the record of each verification
(see decisions/audit/)."""

from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from decisions.models.base import ImmutableModel, optional_user
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
        TWO_FACTOR_ENABLED = "two_factor_enabled", "Two-factor turned on"
        TWO_FACTOR_RESET = "two_factor_reset", "Two-factor reset"
        RECOVERY_CODES_GENERATED = "recovery_codes_generated", "New recovery codes made"
        # Exchange between organisations: each side's log records its own half.
        EXCHANGE_SENT = "exchange_sent", "Request sent to another organisation"
        EXCHANGE_TAKEN = "exchange_taken", "Request taken"
        EXCHANGE_ANSWERED = "exchange_answered", "Request answered"
        DELIVERED = "delivered", "Information delivered"
        DELIVERY_FILED = "delivery_filed", "Delivery filed to a case"
        ACKNOWLEDGED = "acknowledged", "Delivery acknowledged"
        CORRECTED = "corrected", "Correction recorded"
        COMPLAINED = "complained", "Complaint recorded"
        CHASED = "chased", "Chased"
        ACCESS_GRANTED = "access_granted", "Access granted"
        ACCESS_REMOVED = "access_removed", "Access removed"
        CASE_RESTRICTED = "case_restricted", "Case restriction changed"
        # Retention and subject access (docs/retention.md).
        RETENTION_CHANGED = "retention_changed", "Retention schedule changed"
        LEGAL_HOLD_PLACED = "legal_hold_placed", "Legal hold placed"
        LEGAL_HOLD_LIFTED = "legal_hold_lifted", "Legal hold lifted"
        CASE_ERASED = "case_erased", "Personal data erased"
        DISCLOSURE_LOG = "disclosure_log", "Disclosure log produced"

    sequence = models.PositiveBigIntegerField(unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    actor = optional_user()
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
    checked_by = optional_user()
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


class AuditTreeNode(ImmutableModel):
    """The root of one perfect subtree of the audit log's RFC 9162 Merkle tree.

    Node (level, index) covers entries index * 2**level + 1 to (index + 1) * 2**level and is
    written once, when its last entry is (decisions/audit/tree.py); level 0 is the entry's
    leaf hash. Derived data: `verify_audit` recomputes the tree from the entries.
    """

    level = models.PositiveSmallIntegerField()
    index = models.PositiveBigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="audit_tree_node_position")
        ]

    def __str__(self) -> str:
        return f"node ({self.level}, {self.index})"


class AuditCheckpoint(models.Model):
    """A signed checkpoint of the tree (a C2SP tlog-checkpoint note) and where it was sent.

    Rows are only added; `deliveries` is filled in once, after the witnesses were tried.
    """

    tree_size = models.PositiveBigIntegerField(unique=True)
    root_hash = models.CharField(max_length=64)
    origin = models.CharField(max_length=200)
    key_id = models.CharField(max_length=8)
    note = models.TextField()
    source = models.CharField(max_length=40, default="audit_checkpoint")
    created_at = models.DateTimeField(default=timezone.now)
    deliveries = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-tree_size"]
        get_latest_by = "tree_size"

    def __str__(self) -> str:
        return f"checkpoint {self.tree_size}"


class AuditVerifyRun(models.Model):
    """A lead's "verify now", advanced in bounded steps by page requests (audit/live.py)."""

    started_by = optional_user()
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    up_to_sequence = models.PositiveBigIntegerField(default=0)
    next_sequence = models.PositiveBigIntegerField(default=1)
    prev_hash = models.CharField(max_length=64)
    edge = models.JSONField(default=list, blank=True)
    checkpoints = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    intact = models.BooleanField(null=True)
    failed_sequence = models.PositiveBigIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"verify now #{self.pk}"

    @property
    def checked(self) -> int:
        return self.next_sequence - 1

    @property
    def percent(self) -> int:
        if self.finished_at is not None or not self.up_to_sequence:
            return 100
        return min(99, 100 * self.checked // self.up_to_sequence)
