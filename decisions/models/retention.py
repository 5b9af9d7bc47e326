"""How long each kind of case record is kept, and the legal holds that stop erasure
(docs/retention.md; the rules are in decisions/retention/schedules.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from decisions.models.base import optional_user, required_user
from isg.accounts.models import Organisation


class RecordKind(models.TextChoices):
    CHILD_PROTECTION = "child_protection", "Child protection"
    LOOKED_AFTER = "looked_after", "Looked after child"
    CHILD_IN_NEED = "child_in_need", "Child in need or early help"
    SINGLE_REQUEST = "single_request", "Single information request"


class RetentionBasis(models.TextChoices):
    CLOSURE = "closure", "Years after the case is closed"
    BIRTH = "birth", "Until the child reaches an age (years from birth)"


class RetentionSchedule(models.Model):
    """An organisation's period for one kind of record; kinds without a row use the defaults."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="retention_schedules"
    )
    record_kind = models.CharField(max_length=30, choices=RecordKind.choices)
    basis = models.CharField(max_length=10, choices=RetentionBasis.choices)
    years = models.PositiveSmallIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "record_kind"], name="retention_one_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(years__gte=1, years__lte=120), name="retention_years_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_record_kind_display()}: {self.years} ({self.basis})"


class LegalHold(models.Model):
    """A lead's hold on a case: while it is not lifted, the case is never erased."""

    case = models.ForeignKey("decisions.Case", on_delete=models.PROTECT, related_name="holds")
    reason = models.TextField(max_length=1000)
    placed_by = required_user()
    placed_at = models.DateTimeField(default=timezone.now)
    lifted_by = optional_user()
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-placed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(lifted_at__isnull=True),
                name="legal_hold_one_active",
            )
        ]

    def __str__(self) -> str:
        return f"Legal hold on {self.case_id}{' (lifted)' if self.lifted_at else ''}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
