from django.contrib.auth.models import AbstractUser
from django.db import models
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Manager"
    LEAD = "lead", "Safeguarding lead"
    ADMIN = "admin", "Administrator"


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    default_framework = models.CharField(
        max_length=40,
        default="uk-2024",
        help_text="The framework a new decision starts with (its slug, e.g. uk-2024).",
    )
    emergency_number = models.CharField(
        max_length=40, default="999", help_text="Police and emergency services."
    )
    child_protection_line = models.CharField(
        max_length=200,
        blank=True,
        help_text="Name and number of the child-protection line practitioners call in danger.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """ISG's user. Organisation and role come from Membership, not from this table."""

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return str(self)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]
        ordering = ["organisation__name", "role"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"
