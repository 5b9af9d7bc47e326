"""Exchange between organisations on the same deployment (docs/exchange.md).

The directory and the requests that travel are mutable and keep their history; what crosses
(deliveries, answers) and what happens to it (filings, receipts, corrections, complaints,
chases) is written once. Per-object grants (django-guardian, direct foreign keys) say who
may read a delivery, or a restricted case.
"""

import uuid

from django.db import models
from django.utils import timezone
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from decisions.models.base import ImmutableModel, optional_user, required_user
from decisions.models.cases import Case, ShareRequest
from decisions.models.decisions import Decision
from decisions.models.lifecycle import ShareRecord
from decisions.models.sealed_fields import SealedJSONField, SealedTextField
from decisions.models.sealing import delivery_scope
from isg.accounts.models import Organisation


def short_reference(prefix: str, pk: uuid.UUID) -> str:
    """A reference both sides can quote: no name, no case reference, nothing of either record."""
    return f"{prefix}-{pk.hex[:8].upper()}"


class DirectoryEntry(models.Model):
    """An organisation on this deployment that others may ask, or tell."""

    KINDS = [
        ("children_social_care", "Children's social care"),
        ("police", "Police"),
        ("health", "Health"),
        ("education", "School or education"),
        ("voluntary", "Voluntary sector"),
        ("other", "Other agency"),
    ]

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="directory_entry"
    )
    kind = models.CharField("Kind of agency", max_length=30, choices=KINDS)
    duty_inbox = models.EmailField(
        blank=True, help_text="Told (reference and link only) when a request or delivery arrives."
    )
    listed = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name"]
        verbose_name_plural = "directory entries"

    def __str__(self) -> str:
        return self.organisation.name

    @property
    def framework(self) -> str:
        """The framework the organisation decides under: its default, defined once."""
        return self.organisation.default_framework


class ExchangeRequest(models.Model):
    """A request from a case at one organisation to another organisation in the directory."""

    class Status(models.TextChoices):
        SENT = "sent", "Waiting to be taken"
        TAKEN = "taken", "Being decided"
        ANSWERED = "answered", "Answered"

    OPEN_STATUSES = (Status.SENT, Status.TAKEN)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="exchange_requests_sent"
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="exchange_requests_received"
    )
    from_case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="exchanges_sent")
    purpose = models.TextField(max_length=4000, help_text="Why the information is needed.")
    information_requested = models.TextField(
        "Information asked for",
        max_length=4000,
        help_text="What information, as specifically as you can.",
    )
    urgency = models.CharField(max_length=10, choices=ShareRequest.URGENCIES, default="routine")
    due_on = models.DateField(help_text="When an answer is due.")
    asked_by = required_user()
    asked_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENT)
    taken_by = optional_user()
    taken_at = models.DateTimeField(null=True, blank=True)
    # The recipient's own request, on the recipient's own case: where it is decided.
    to_request = models.OneToOneField(
        ShareRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="exchange"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "-asked_at"]
        indexes = [
            models.Index(fields=["to_organisation", "status", "due_on"]),
            models.Index(fields=["from_case", "-asked_at"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return short_reference("XR", self.id)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()


class Delivery(ImmutableModel):
    """What one organisation's share record says was shared, delivered to another."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    exchange_request = models.ForeignKey(
        ExchangeRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    from_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="deliveries_sent"
    )
    to_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="deliveries_received"
    )
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="deliveries")
    share_record = models.ForeignKey(
        ShareRecord, on_delete=models.PROTECT, related_name="deliveries"
    )
    # The decision's items and their justification, and the share record's words, as sent.
    items = SealedJSONField(default=list)
    what_was_shared = SealedTextField()
    # The recipient's case: the asker's case for an answer; empty until filed when told.
    to_case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries_received"
    )
    delivered_by = required_user()
    delivered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-delivered_at"]
        verbose_name_plural = "deliveries"
        indexes = [models.Index(fields=["to_organisation", "-delivered_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return short_reference("DL", self.id)

    def sealing_scope(self) -> str:
        """A delivery's own key: the recipient's copy outlives the sender's case."""
        return delivery_scope(self.id)

    @property
    def recipient_case(self) -> Case | None:
        if self.to_case_id:
            return self.to_case
        filing = getattr(self, "filing", None)
        return filing.case if filing else None


class DeliveryFiling(ImmutableModel):
    """A told delivery filed to a case of the recipient's, once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    delivery = models.OneToOneField(Delivery, on_delete=models.PROTECT, related_name="filing")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="filings")
    filed_by = required_user()
    filed_at = models.DateTimeField(default=timezone.now)


class ExchangeAnswer(ImmutableModel):
    """The answer to an exchange request, once: a delivery, or written reasons for not sharing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    exchange_request = models.OneToOneField(
        ExchangeRequest, on_delete=models.PROTECT, related_name="answer"
    )
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    shared = models.BooleanField()
    delivery = models.OneToOneField(
        Delivery, null=True, blank=True, on_delete=models.PROTECT, related_name="answer"
    )
    reasons = SealedTextField(blank=True)
    may_ask_again = models.BooleanField(null=True, blank=True)
    answered_by = required_user()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shared=True, delivery__isnull=False)
                | (
                    models.Q(shared=False, may_ask_again__isnull=False)
                    & ~models.Q(reasons="")
                ),
                name="exchange_answer_complete",
            )
        ]

    def sealing_scope(self) -> str:
        return self.decision.sealing_scope()


class Receipt(ImmutableModel):
    """The recipient acknowledges a delivery, once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    delivery = models.OneToOneField(Delivery, on_delete=models.PROTECT, related_name="receipt")
    acknowledged_by = required_user()
    acknowledged_at = models.DateTimeField(default=timezone.now)


class Correction(ImmutableModel):
    """The sender says delivered information was wrong; the original stays as it was."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="corrections")
    correction = SealedTextField(max_length=4000)
    corrected_by = required_user()
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["corrected_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(correction=""), name="correction_text")
        ]

    def sealing_scope(self) -> str:
        return delivery_scope(self.delivery_id)


class Complaint(ImmutableModel):
    """A complaint about a sharing decision, recorded by the organisation's lead."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="complaints")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    made_by = SealedTextField(
        "Who complained", max_length=200, help_text="Their role, for example the child's parent."
    )
    received_on = models.DateField()
    details = SealedTextField(max_length=4000)
    recorded_by = required_user()
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        indexes = [models.Index(fields=["organisation", "-recorded_at"])]

    def sealing_scope(self) -> str:
        return self.decision.sealing_scope()


class Chase(ImmutableModel):
    """A reminder sent about an unanswered request or an unacknowledged delivery: one a day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    exchange_request = models.ForeignKey(
        ExchangeRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="chases"
    )
    delivery = models.ForeignKey(
        Delivery, null=True, blank=True, on_delete=models.PROTECT, related_name="chases"
    )
    chased_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["exchange_request", "chased_on"], name="chase_request_once_a_day"
            ),
            models.UniqueConstraint(
                fields=["delivery", "chased_on"], name="chase_delivery_once_a_day"
            ),
        ]


class DeliveryUserObjectPermission(UserObjectPermissionBase):
    """Who at the recipient may read a delivery (guardian, by foreign key)."""

    content_object = models.ForeignKey(Delivery, on_delete=models.CASCADE)


class CaseUserObjectPermission(UserObjectPermissionBase):
    """Who has been granted a restricted case by name (guardian, by foreign key)."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)
