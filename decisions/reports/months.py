"""A report month by month: every figure counted over a span of months and cut into one part
a month, and the parts of any period joined back into the figures a report shows.

A month that has ended is counted once and kept (`reports.store`); only this month, and an
ended month that a change has reached since, is counted again. Joining the parts gives the
same figures as counting the whole period at once (tested figure by figure).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

from decisions.reports import counts, timings
from decisions.reports.figures import Figure, Series
from decisions.reports.period import Period
from isg.accounts.models import Organisation

# The figures of a report, in the order it shows them.
FIGURES: dict[str, Callable[[Organisation, Period], Figure]] = {
    "requests": counts.requests_received,
    "outcomes": counts.decisions_by_outcome,
    "frameworks": counts.decisions_by_framework,
    "without-consent": counts.sharing_without_consent,
    "approvals": counts.approvals,
    "approval-time": timings.approval_turnaround,
    "decision-time": timings.time_to_decision,
    "late-requests": timings.late_requests,
    "late-follow-ups": timings.late_follow_ups,
    "reconsiderations": counts.reconsiderations,
    "agencies": counts.requests_by_agency,
    "exchanges": counts.exchanges,
    "complaints": counts.complaints,
}

# Figures with a row per name, not per month: counted by name and month, and joined by adding
# up each name's values over the months and drawing the figure from those totals.
BY_NAME: dict[str, tuple[Callable[[Organisation, Period], list[Figure]], Callable[..., Figure]]] = {
    "agencies": (counts.agencies_by_month, counts.agency_figure),
    "exchanges": (counts.exchanges_by_month, counts.exchange_figure),
}
# The figure with a series for each framework found in the period, in name order.
SERIES_FOUND = ("frameworks",)

Parts = list[Figure]  # a month's part of every figure, in FIGURES order


def count(organisation: Organisation, months: list[datetime.date]) -> dict[datetime.date, Parts]:
    """Each month's part of every figure, counted over the span from the first month to the
    last (the same queries as the whole report) and cut into months."""
    if not months:
        return {}
    span = Period(min(months), max(months))
    by_name = {slug: build(organisation, span) for slug, (build, _) in BY_NAME.items()}
    whole = {
        slug: build(organisation, span) for slug, build in FIGURES.items() if slug not in BY_NAME
    }
    parts: dict[datetime.date, Parts] = {}
    for month in months:
        index = span.months.index(month)
        parts[month] = [
            by_name[slug][index] if slug in BY_NAME else _cut(whole[slug], index)
            for slug in FIGURES
        ]
    return parts


def join(parts: list[Parts]) -> list[Figure]:
    """The figures of a period from its months' parts, in month order."""
    return [
        _join_by_name(slug, [month[i] for month in parts])
        if slug in BY_NAME
        else _join_months(slug, [month[i] for month in parts])
        for i, slug in enumerate(FIGURES)
    ]


def _cut(figure: Figure, index: int) -> Figure:
    return dataclasses.replace(
        figure,
        rows=[figure.rows[index]],
        series=[Series(s.label, [s.values[index]]) for s in figure.series],
    )


def _join_months(slug: str, parts: list[Figure]) -> Figure:
    labels = [s.label for s in parts[0].series]
    if slug in SERIES_FOUND:
        found = {s.label for part in parts for s in part.series if any(s.values)}
        labels = sorted(found)
    values: dict[str, list[float | None]] = {label: [] for label in labels}
    for part in parts:
        in_part = {s.label: s.values[0] for s in part.series}
        for label in labels:
            values[label].append(in_part.get(label, 0.0))
    return dataclasses.replace(
        parts[0],
        rows=[part.rows[0] for part in parts],
        series=[Series(label, values[label]) for label in labels],
    )


def _join_by_name(slug: str, parts: list[Figure]) -> Figure:
    _, draw = BY_NAME[slug]
    return draw(
        counts.summed(
            [{row: [v or 0.0 for v in values] for row, values in part.table} for part in parts]
        )
    )
