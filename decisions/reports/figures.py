"""What a report is made of (figures, their series and table), and the aggregate pieces the
figures are built from: counts by month, percentiles ranked in the database."""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Expression,
    F,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import Ceil, RowNumber
from django.utils import timezone

from decisions.reports.period import Period
from decisions.reports.sql import month_index
from isg.accounts.models import Organisation

# The figures that rank values: the median and the 90th percentile, nearest-rank.
PERCENTILES = (0.5, 0.9)
CHART_WIDTH, CHART_HEIGHT = 800, 400


# --- What a report holds ---------------------------------------------------------------------


@dataclass
class Series:
    label: str
    values: list[float | None]


@dataclass
class Figure:
    """One chart and its table: a row per month (or per agency), a column per series."""

    slug: str
    title: str
    about: str
    row_heading: str
    rows: list[str]
    series: list[Series]
    chart: str = "bar"  # bar, stacked, line or horizontal
    unit: str = ""  # empty for counts; "hours" or "days" for times

    @property
    def chart_width(self) -> int:
        return CHART_WIDTH

    @property
    def chart_height(self) -> int:
        """Taller for bars across, so that each agency's name has room."""
        if self.chart == "horizontal":
            return max(CHART_HEIGHT, 80 + 40 * len(self.rows))
        return CHART_HEIGHT

    @property
    def table(self) -> list[tuple[str, list[float | None]]]:
        return [(row, [s.values[i] for s in self.series]) for i, row in enumerate(self.rows)]

    @property
    def shown(self) -> list[tuple[str, list[str]]]:
        """The table as the page shows it: whole numbers plainly, a dash for no value."""
        return [(row, [shown_value(v) or "–" for v in values]) for row, values in self.table]

    @property
    def is_empty(self) -> bool:
        return not any(v for s in self.series for v in s.values)


@dataclass
class Report:
    organisation: Organisation
    period: Period
    figures: list[Figure]
    overdue_requests_now: int
    overdue_follow_ups_now: int
    today: datetime.date = field(default_factory=timezone.localdate)

    def figure(self, slug: str) -> Figure:
        return next(f for f in self.figures if f.slug == slug)


def shown_value(value: float | None) -> str:
    """A figure's value as text: "" for none (no decision that month to take a median of)."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def month_label(month: datetime.date) -> str:
    return f"{month:%b %Y}"


def monthly(
    rows: Iterable[dict[str, Any]], months: list[datetime.date], columns: list[tuple[str, str]]
) -> list[Series]:
    """Series (label, one value a month, zero for months with nothing) from rows grouped by
    month index (`sql.month_index`)."""
    found = {row["month"]: row for row in rows}
    return [
        Series(label, [float(found[i][key]) if i in found else 0.0 for i in range(len(months))])
        for key, label in columns
    ]


def within(period: Period, field_name: str, *, moment: bool) -> Q:
    if moment:
        return Q(**{f"{field_name}__gte": period.start_at, f"{field_name}__lt": period.end_at})
    return Q(**{f"{field_name}__gte": period.first, f"{field_name}__lt": period.end})


def by_month(queryset: QuerySet[Any], period: Period, field_name: str, *, moment: bool) -> Any:
    """The rows of the period, grouped by month index (`sql.month_index`): annotate the
    counts on the result, then order it by month."""
    return (
        queryset.filter(within(period, field_name, moment=moment))
        .annotate(month=month_index(field_name, period, moment=moment))
        .values("month")
    )


def by_month_and_name(
    queryset: QuerySet[Any],
    period: Period,
    field_name: str,
    *,
    moment: bool,
    name: str,
    **counted: Any,
) -> Any:
    """The rows of the period counted (`counted`: name -> aggregate) by month index and by
    the value of `name`, unordered: one row a month and name."""
    return (
        by_month(queryset, period, field_name, moment=moment)
        .values("month", name)
        .annotate(**counted)
        .order_by()
    )


# A series of counts: its label, and which rows it counts (None: every row).
Column = tuple[str, Q | None]


def counts_by_month(
    queryset: QuerySet[Any],
    period: Period,
    field_name: str,
    *,
    moment: bool,
    columns: Sequence[Column],
) -> list[Series]:
    """A series per column: the rows counted by the month of `field_name` (a time if
    `moment`, else a date), in one query with a conditional count per column."""
    # Annotated under names of their own: a label need not be a name, and none may be a field's.
    named = {f"n{index}": column for index, column in enumerate(columns)}
    rows = (
        by_month(queryset, period, field_name, moment=moment)
        .annotate(**{key: Count("pk", filter=where) for key, (_, where) in named.items()})
        .order_by("month")
    )
    return monthly(rows, period.months, [(key, str(label)) for key, (label, _) in named.items()])


def month_figure(
    period: Period,
    *,
    slug: str,
    title: str,
    about: str,
    series: list[Series],
    chart: str = "bar",
    unit: str = "",
) -> Figure:
    """A figure with a row for each month of the period."""
    return Figure(
        slug=slug,
        title=title,
        about=about,
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=series,
        chart=chart,
        unit=unit,
    )


@dataclass(frozen=True)
class MonthlyCounts:
    """A figure of counts by month, declared: which of the organisation's rows, the date or
    time that puts each in its month, and what each series counts (`counts_by_month`)."""

    slug: str
    title: str
    about: str
    rows: Callable[[Organisation], QuerySet[Any]]
    field_name: str
    moment: bool
    columns: Sequence[Column]
    chart: str = "bar"

    def __call__(self, organisation: Organisation, period: Period) -> Figure:
        series = counts_by_month(
            self.rows(organisation),
            period,
            self.field_name,
            moment=self.moment,
            columns=self.columns,
        )
        return month_figure(
            period,
            slug=self.slug,
            title=self.title,
            about=self.about,
            series=series,
            chart=self.chart,
        )


def count_where(**conditions: Any) -> Count:
    return Count("pk", filter=Q(**conditions))


def percentiles_by_month(
    queryset: QuerySet[Any], *, month: Expression, value: Expression
) -> dict[int, dict[float, Any]]:
    """For each month, the values at PERCENTILES (nearest rank: the ⌈p·n⌉-th smallest of n).

    One query: the database ranks the values within each month (a window function) and
    returns only the rows at those ranks, so the work stays in the database however many
    values there are.
    """
    ranked = queryset.annotate(month=month, value=value).annotate(
        position=Window(RowNumber(), partition_by=[F("month")], order_by=[F("value").asc()]),
        of=Window(Count("pk"), partition_by=[F("month")]),
    )
    wanted = Q()
    for fraction in PERCENTILES:
        wanted |= Q(position=Ceil(F("of") * fraction))
    found: dict[int, dict[float, Any]] = defaultdict(dict)
    for month_value, position, of, value_found in ranked.filter(wanted).values_list(
        "month", "position", "of", "value"
    ):
        for fraction in PERCENTILES:
            if position == math.ceil(of * fraction):
                found[month_value][fraction] = value_found
    return found


def percentiles_of_times(
    queryset: QuerySet[Any], period: Period, field_name: str, *, value: Expression
) -> list[Series]:
    """The median and the 90th percentile of `value` over the rows of each month, by the
    month of `field_name` (a time); None for a month with no row."""
    found = percentiles_by_month(
        queryset.filter(within(period, field_name, moment=True)),
        month=month_index(field_name, period, moment=True),
        value=value,
    )
    return [
        Series(
            label,
            [
                round(float(found[i][fraction]), 1) if fraction in found.get(i, {}) else None
                for i in range(len(period.months))
            ],
        )
        for fraction, label in zip(PERCENTILES, ("Median", "90th percentile"), strict=True)
    ]


def dates_around(period: Period) -> dict[str, datetime.date]:
    """The span a `LocalDate` is exact over: a year before the period to a year from now."""
    latest = max(period.end, timezone.localdate())
    return {
        "since": period.first - datetime.timedelta(days=366),
        "until": latest + datetime.timedelta(days=366),
    }
