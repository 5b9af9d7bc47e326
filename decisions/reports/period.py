"""A report's period: whole calendar months, in the service's time zone."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

DEFAULT_MONTHS = 12
MAX_MONTHS = 60  # five years: more bars than that are unreadable, and the tables too long


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_between(first: datetime.date, last: datetime.date) -> int:
    """How many months from `first` to `last`, both included."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


@dataclass(frozen=True)
class Period:
    """From the first day of `first` to the end of `last` (both first days of a month)."""

    first: datetime.date
    last: datetime.date

    @classmethod
    def default(cls, today: datetime.date | None = None) -> Period:
        """The last twelve months: this month and the eleven before it."""
        this_month = month_start(today or timezone.localdate())
        return cls(add_months(this_month, 1 - DEFAULT_MONTHS), this_month)

    @property
    def months(self) -> list[datetime.date]:
        return [add_months(self.first, n) for n in range(months_between(self.first, self.last))]

    @property
    def end(self) -> datetime.date:
        """The first day after the period (exclusive bound for dates)."""
        return add_months(self.last, 1)

    @property
    def start_at(self) -> datetime.datetime:
        """The period's first moment, local time (inclusive bound for times)."""
        return _midnight(self.first)

    @property
    def end_at(self) -> datetime.datetime:
        """The moment after the period, local time (exclusive bound for times)."""
        return _midnight(self.end)

    def label(self) -> str:
        return f"{self.first:%B %Y} to {self.last:%B %Y}"

    def query(self) -> dict[str, str]:
        """The period as the form's GET parameters (links to the CSV and the charts)."""
        return {
            "start_0": str(self.first.month),
            "start_1": str(self.first.year),
            "end_0": str(self.last.month),
            "end_1": str(self.last.year),
        }


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
