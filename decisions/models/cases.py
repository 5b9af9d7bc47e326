"""A case, the people connected to it, and the requests to share information about it."""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from simple_history.models import HistoricalRecords

from decisions.models.base import required_user
from decisions.models.retention import RecordKind
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
    # When it was last closed: the retention schedule counts from here (docs/retention.md).
    closed_at = models.DateTimeField(null=True, blank=True)
    record_kind = models.CharField(
        "Kind of record",
        max_length=30,
        choices=RecordKind.choices,
        default=RecordKind.CHILD_PROTECTION,
        help_text="Sets how long the case is kept after it closes.",
    )
    # Set once, when apply_retention erased the case's personal data.
    erased_at = models.DateTimeField(null=True, blank=True)
    restricted = models.BooleanField(
        "Restricted case",
        default=False,
        help_text="Only the people granted it by name, and the safeguarding leads, can see it.",
    )
    created_by = required_user()
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
    # The case's organisation, kept on the request so that a queue of requests in one status
    # is read for one organisation from one index (status, organisation), without joining
    # every case of the organisation: the approval queue (lifecycle.selectors). Set from the
    # case when the request is saved; a case never changes organisation.
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", editable=False
    )
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
    opened_by = required_user()
    created_at = models.DateTimeField(default=timezone.now)
    # Derived from the case, which has its own history.
    history = HistoricalRecords(excluded_fields=["organisation"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["case", "-created_at"]),
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["status", "organisation"], name="request_status_organisation"),
            # The open requests only (a few percent of all), in the order the dashboards list
            # them: a manager's or lead's open requests read these, not every request of the
            # organisation. The statuses are OPEN_STATUSES, in its order (tested), which the
            # Meta class cannot name.
            models.Index(
                fields=["due_on", "received_on"],
                condition=models.Q(
                    status__in=["open", "in_progress", "awaiting_approval", "ready_to_share"]
                ),
                name="request_open_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display().split(':')[0]} — {self.counterpart_agency}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.organisation_id is None:
            self.organisation_id = self.case.organisation_id
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_on and self.is_open and self.due_on < timezone.localdate())
