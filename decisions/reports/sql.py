"""The few SQL expressions the reports need, in plain SQL on both databases.

Django's date functions on SQLite (TruncMonth, TruncDate, datetime subtraction) are Python
functions the database calls once per row: over a year of a large organisation's records
that is most of a report's time. These do the same in SQL SQLite runs itself:

- `month_index`: which month of the period a time or date falls in (0, 1, ...), by comparing
  it with the months' first moments (in the service's time zone) — an index range, no function.
- `HoursBetween`: hours from one time to another (julianday on SQLite, epoch on PostgreSQL).
- `LocalDate`: the date a time falls on in the service's time zone. PostgreSQL converts it
  itself; on SQLite the UTC offsets in force over the years concerned (worked out here from
  the time zone's rules) are written into the query.
- `DaysBetween`: whole days from a date to a later one.
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo
from typing import Any

from django.db.models import (
    Case,
    DateField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.utils import timezone

from decisions.reports.period import Period


def month_index(field: str, period: Period, *, moment: bool) -> Case:
    """0 for the period's first month, 1 for the next...; for rows already in the period."""
    months = period.months
    whens = []
    for index, month in enumerate(months[1:]):
        bound: Any = Period(month, month).start_at if moment else month
        whens.append(When(Q(**{f"{field}__lt": bound}), then=Value(index)))
    return Case(*whens, default=Value(len(months) - 1), output_field=IntegerField())


class _Between(Func):
    """`later` less `earlier`, in SQL each database runs itself: julianday() differences on
    SQLite, plain subtraction on PostgreSQL, each wrapped in its subclass's template."""

    arity = 2
    sqlite_template: str
    postgresql_template: str

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(_expression(later), _expression(earlier))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template=self.sqlite_template,
            arg_joiner=") - julianday(", **extra,
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template=self.postgresql_template, arg_joiner=" - ", **extra
        )


class HoursBetween(_Between):
    """Hours from `earlier` to `later` (two date-times), as a float."""

    output_field = FloatField()
    sqlite_template = "((julianday(%(expressions)s)) * 24.0)"
    postgresql_template = "(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600.0)"


class DaysBetween(_Between):
    """Whole days from `earlier` to `later` (two dates)."""

    output_field = IntegerField()
    sqlite_template = "CAST(julianday(%(expressions)s) AS INTEGER)"
    postgresql_template = "(%(expressions)s)"


class LocalDate(Func):
    """The date (in the service's time zone) of a time; exact between `since` and `until`,
    the offsets at those ends used before and after them."""

    output_field = DateField()
    arity = 1

    def __init__(self, field: Any, *, since: datetime.date, until: datetime.date) -> None:
        super().__init__(_expression(field))
        self.since, self.until = since, until

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} AT TIME ZONE %s)::date", [*params, timezone.get_current_timezone_name()]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        changes = utc_offsets(self.since, self.until)
        cases = " ".join(f"WHEN {sql} < %s THEN %s" for _ in changes[1:])
        case_params: list[Any] = []
        for (_, offset), (changed_at, _) in zip(changes, changes[1:], strict=False):
            case_params += [*params, _sqlite_time(changed_at), f"{offset:+d} minutes"]
        last = f"{changes[-1][1]:+d} minutes"
        modifier = f"CASE {cases} ELSE %s END" if cases else "%s"
        return f"date({sql}, {modifier})", [*params, *case_params, last]


def _expression(value: Any) -> Any:
    return F(value) if isinstance(value, str) else value


def _sqlite_time(moment: datetime.datetime) -> str:
    """A whole-hour time as SQLite stores Django's date-times: UTC text."""
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")


def utc_offsets(since: datetime.date, until: datetime.date) -> list[tuple[datetime.datetime, int]]:
    """The service's time zone's UTC offset (minutes) from `since`, and each change of it up
    to `until`: (from when, offset). Found hour by hour where a day's offset differs."""
    return _offsets(timezone.get_current_timezone_name(), since, until)


@functools.lru_cache(maxsize=64)
def _offsets(
    zone_name: str, since: datetime.date, until: datetime.date
) -> list[tuple[datetime.datetime, int]]:
    zone = zoneinfo.ZoneInfo(zone_name)

    def offset(moment: datetime.datetime) -> int:
        delta = moment.astimezone(zone).utcoffset() or datetime.timedelta(0)
        return int(delta.total_seconds() // 60)

    start = datetime.datetime.combine(since, datetime.time.min, datetime.UTC)
    changes = [(start, offset(start))]
    day = start
    while day.date() < until:
        following = day + datetime.timedelta(days=1)
        if offset(following) != changes[-1][1]:
            hour = day
            while offset(hour) == changes[-1][1]:
                hour += datetime.timedelta(hours=1)
            changes.append((hour, offset(hour)))
        day = following
    return changes
