"""Dates and times as every page, email and PDF writes them."""

import datetime

from django.utils import timezone

DATE = "%-d %B %Y"  # 27 March 2026
TIME = "%H:%M"
DATE_TIME = f"{DATE}, {TIME}"
STAMP = "%Y%m%d-%H%M"  # in file names


def long_date(day: datetime.date) -> str:
    return day.strftime(DATE)


def date_time(moment: datetime.datetime) -> str:
    """A moment in the local time zone, e.g. "27 March 2026, 14:05"."""
    return timezone.localtime(moment).strftime(DATE_TIME)


def file_stamp() -> str:
    """The local time now, for a downloaded file's name."""
    return timezone.localtime().strftime(STAMP)
