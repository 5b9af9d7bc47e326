import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from simple_history.models import HistoricalRecords

from isg.accounts.models import Organisation


class Case(models.Model):
    """A child or young person's case, known by a pseudonymous reference."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(
        max_length=40,
        help_text="Your organisation's reference for the case. Do not use the child's name.",
    )
    summary = models.TextField(
        blank=True,
        max_length=2000,
        help_text="A short description of why the case is open. Keep it factual.",
    )
    assigned = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="assigned_cases",
        blank=True,
        help_text="Practitioners working on the case. Only they, managers and leads can see it.",
    )
    is_closed = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords(m2m_fields=[assigned])

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "reference"], name="case_reference_unique_in_org"
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "-created_at"]),
            # The audit review's case filter looks references up case-insensitively.
            models.Index(Upper("reference"), name="case_reference_upper"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def child(self) -> "Person | None":
        return next((p for p in self.people.all() if p.relationship == Person.CHILD), None)


class Person(models.Model):
    CHILD = "child"
    RELATIONSHIPS = [
        (CHILD, "Child or young person"),
        ("parent", "Parent or carer"),
        ("sibling", "Sibling"),
        ("relative", "Other relative"),
        ("partner", "Parent's or carer's partner"),
        ("alleged_abuser", "Person alleged to have caused harm"),
        ("referrer", "Referrer"),
        ("neighbour", "Neighbour"),
        ("professional", "Professional"),
        ("other", "Other"),
    ]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="people")
    name = models.CharField(max_length=200)
    relationship = models.CharField(max_length=20, choices=RELATIONSHIPS)
    date_of_birth = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True, max_length=2000)
    protect_identity = models.BooleanField(
        default=False,
        help_text="This person could be harmed if identified (for example a neighbour who "
        "reported, or a carer at risk). Their name is kept out of what is shared.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return self.name

    @property
    def role_label(self) -> str:
        """What this person is to the case: used instead of their name where protected."""
        return self.get_relationship_display()


class ShareRequest(models.Model):
    INCOMING = "incoming"
    OUTGOING = "outgoing"
    DIRECTIONS = [
        (INCOMING, "Incoming: another agency asks us for information"),
        (OUTGOING, "Outgoing: we propose to pass information on"),
    ]
    URGENCIES = [
        ("routine", "Routine"),
        ("urgent", "Urgent (within 24 hours)"),
        ("immediate", "Immediate (someone may be at risk now)"),
    ]

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "Decision in progress"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        READY_TO_SHARE = "ready_to_share", "Ready to share"
        SHARED = "shared", "Shared"
        NOT_SHARED = "not_shared", "Not shared"
        CLOSED = "closed", "Closed"

    OPEN_STATUSES = (
        Status.OPEN,
        Status.IN_PROGRESS,
        Status.AWAITING_APPROVAL,
        Status.READY_TO_SHARE,
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="requests")
    direction = models.CharField(max_length=10, choices=DIRECTIONS)
    counterpart_agency = models.CharField("Agency", max_length=200)
    counterpart_contact = models.CharField(
        "Contact", max_length=200, help_text="Name and how to reach them."
    )
    counterpart_role = models.CharField(
        "Their role",
        max_length=200,
        help_text="Their role in safeguarding the child or supporting the family.",
    )
    purpose = models.TextField(max_length=4000, help_text="Why the information is needed.")
    information_requested = models.TextField(
        "Information asked for",
        max_length=4000,
        help_text="What information, as specifically as you can.",
    )
    urgency = models.CharField(max_length=10, choices=URGENCIES, default="routine")
    received_on = models.DateField(
        default=timezone.localdate, help_text="When the request arrived or the concern arose."
    )
    due_on = models.DateField(null=True, blank=True, help_text="When an answer is due.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["case", "-created_at"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display().split(':')[0]} — {self.counterpart_agency}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_on and self.is_open and self.due_on < timezone.localdate())


class ImmutableQuerySet(models.QuerySet):
    """Bulk UPDATE and DELETE are refused; the database triggers refuse them too."""

    def update(self, **kwargs):
        raise ImmutableRecordError(f"{self.model.__name__} records cannot be changed")

    def delete(self):
        raise ImmutableRecordError(f"{self.model.__name__} records cannot be deleted")


class ImmutableRecordError(Exception):
    pass


class ImmutableModel(models.Model):
    """A row written once and never changed or deleted, by code or admin."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableRecordError(f"{type(self).__name__} records cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableRecordError(f"{type(self).__name__} records cannot be deleted")


class DecisionDraft(models.Model):
    """Answers given so far in the wizard, saved at every step; only its owner sees it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    share_request = models.ForeignKey(ShareRequest, on_delete=models.PROTECT, related_name="drafts")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
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
        SHARE = "share", "Share"
        SHARE_WITHOUT_CONSENT = "share_without_consent", "Share without consent"
        SHARE_DEIDENTIFIED = "share_deidentified", "Share de-identified information"
        DO_NOT_SHARE = "do_not_share", "Do not share"

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
    answers = models.JSONField(default=dict)
    engine_result = models.JSONField(default=dict)
    recommendation = models.CharField(max_length=30)
    outcome = models.CharField(max_length=30, choices=Outcome.choices)
    override_reason = models.TextField(blank=True)
    requires_approval = models.BooleanField(default=False)
    consent = models.CharField(max_length=20, blank=True)
    lawful_basis = models.CharField(max_length=80, blank=True)
    rationale = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
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
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} — {self.case.reference}"


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


# --- After submit: approval, sharing, follow-ups ----------------------------------------------


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
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    reasons = models.TextField(
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

    @property
    def is_final(self) -> bool:
        return self.verdict in self.FINAL


class InfoResponse(ImmutableModel):
    """The answer to a manager's question (an Approval with verdict more_info), once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.OneToOneField(Approval, on_delete=models.PROTECT, related_name="response")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="info_responses")
    answer = models.TextField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(answer=""), name="info_response_answer")
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id}"


class ShareRecord(ImmutableModel):
    """What actually happened after a decision: shared (what, with whom, when, how) or not."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    decision = models.OneToOneField(Decision, on_delete=models.PROTECT, related_name="share_record")
    shared = models.BooleanField()
    what_was_shared = models.TextField(blank=True)
    shared_with = models.CharField(max_length=400, blank=True)
    shared_on = models.DateField(null=True, blank=True)
    method = models.CharField(max_length=20, blank=True)
    not_shared_reasons = models.TextField(blank=True)
    requester_told = models.BooleanField(null=True, blank=True)
    requester_told_how = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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
