"""What the lead's reports keep: an organisation's figures for a month that has ended."""

from django.db import models
from django.utils import timezone

from isg.accounts.models import Organisation


class ReportMonth(models.Model):
    """One ended month of an organisation's report figures, counted once (reports/store.py).

    Derived from the records, never a record itself: a change that reaches the month deletes
    the row (reports/receivers.py), and the next report counts the month again.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="The month's first day.")
    basis = models.CharField(
        max_length=64, help_text="What the figures were counted by: rows of another are ignored."
    )
    figures = models.JSONField()
    counted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "month"], name="report_month_organisation_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.month:%Y-%m}"
