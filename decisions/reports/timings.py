"""The figures about time: how long verdicts and decisions take, and what is late."""

from __future__ import annotations

import datetime

from django.db.models import (
    Count,
    F,
    Q,
)
from django.utils import timezone

from decisions.models import (
    Approval,
    Decision,
    FollowUp,
    ShareRequest,
)
from decisions.reports.figures import (
    Figure,
    by_month,
    count_where,
    dates_around,
    month_label,
    monthly,
    percentile_series,
    percentiles_by_month,
    within,
)
from decisions.reports.period import Period
from decisions.reports.sql import DaysBetween, HoursBetween, LocalDate, month_index
from isg.accounts.models import Organisation


def approval_turnaround(organisation: Organisation, period: Period) -> Figure:
    found = percentiles_by_month(
        Approval.objects.filter(
            decision__organisation=organisation, verdict__in=Approval.FINAL
        ).filter(within(period, "created_at", moment=True)),
        month=month_index("created_at", period, moment=True),
        value=HoursBetween("created_at", "decision__decided_at"),
    )
    return Figure(
        slug="approval-time",
        title="Time to approve or reject",
        about="Hours from a decision's submission to the manager's approval or rejection, by the "
        "month of the verdict: the median and the 90th percentile (nine in ten took no longer).",
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=percentile_series(found, period.months, ("Median", "90th percentile")),
        chart="line",
        unit="hours",
    )


def time_to_decision(organisation: Organisation, period: Period) -> Figure:
    found = percentiles_by_month(
        Decision.objects.filter(organisation=organisation, supersedes__isnull=True).filter(
            within(period, "decided_at", moment=True)
        ),
        month=month_index("decided_at", period, moment=True),
        value=DaysBetween(
            LocalDate("decided_at", **dates_around(period)), "share_request__received_on"
        ),
    )
    return Figure(
        slug="decision-time",
        title="Time from request to decision",
        about="Days from the day a request arrived to its first decision, by the month of the "
        "decision: the median and the 90th percentile. Reconsiderations are not counted again.",
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=percentile_series(found, period.months, ("Median", "90th percentile")),
        chart="line",
        unit="days",
    )


# A request with no decision yet: opened, or a decision started and not submitted.
UNDECIDED = (ShareRequest.Status.OPEN, ShareRequest.Status.IN_PROGRESS)


def late_requests(organisation: Organisation, period: Period) -> Figure:
    """Two joins, no correlated subquery: the requests due (and those still undecided past
    their date), then the first decisions on them made after their due date."""
    today = timezone.localdate()
    due = (
        by_month(
            ShareRequest.objects.filter(case__organisation=organisation),
            period,
            "due_on",
            moment=False,
        )
        .annotate(due=Count("pk"), late=count_where(status__in=UNDECIDED, due_on__lt=today))
        .order_by("month")
    )
    decided_late = (
        Decision.objects.filter(organisation=organisation, supersedes__isnull=True)
        .filter(within(period, "share_request__due_on", moment=False))
        .annotate(
            day=LocalDate("decided_at", **dates_around(period)),
            month=month_index("share_request__due_on", period, moment=False),
        )
        .values("month")
        .annotate(late=Count("pk", filter=Q(day__gt=F("share_request__due_on"))))
        .order_by("month")
    )
    counted = monthly(due, period.months, [("due", "Due"), ("late", "Late")])
    (decided,) = monthly(decided_late, period.months, [("late", "")])
    counted[1].values = [
        (waiting or 0) + (after or 0)
        for waiting, after in zip(counted[1].values, decided.values, strict=True)
    ]
    return Figure(
        slug="late-requests",
        title="Requests decided late",
        about="Requests by the month their answer was due: how many were due, and how many "
        "were first decided after their due date or are still undecided and past it.",
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=counted,
    )


def late_follow_ups(organisation: Organisation, period: Period) -> Figure:
    today = timezone.localdate()
    rows = (
        FollowUp.objects.filter(case__organisation=organisation)
        .filter(within(period, "due_on", moment=False))
        .annotate(
            done_on=LocalDate("done_at", **dates_around(period)),
            month=month_index("due_on", period, moment=False),
        )
        .values("month")
        .annotate(
            due=Count("pk"),
            late=Count(
                "pk",
                filter=Q(done_on__gt=F("due_on")) | Q(done_at__isnull=True, due_on__lt=today),
            ),
        )
        .order_by("month")
    )
    return Figure(
        slug="late-follow-ups",
        title="Follow-ups done late",
        about="Follow-ups by the month they were due: how many were due, and how many were done "
        "after their due date or are not done and past it.",
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=monthly(rows, period.months, [("due", "Due"), ("late", "Late")]),
    )


def overdue_now(organisation: Organisation, today: datetime.date) -> tuple[int, int]:
    """Requests and follow-ups overdue today, as the managers' dashboard counts them."""
    requests = ShareRequest.objects.filter(
        case__organisation=organisation,
        status__in=ShareRequest.OPEN_STATUSES,
        due_on__lt=today,
    ).count()
    follow_ups = FollowUp.objects.filter(
        case__organisation=organisation, done_at__isnull=True, due_on__lt=today
    ).count()
    return requests, follow_ups
