"""The figures about time: how long verdicts and decisions take, and what is late."""

from __future__ import annotations

import datetime

from django.db.models import F, Q
from django.utils import timezone

from decisions.models import (
    Approval,
    Decision,
    FollowUp,
    ShareRequest,
)
from decisions.reports.figures import (
    Figure,
    counts_by_month,
    dates_around,
    month_figure,
    percentiles_of_times,
)
from decisions.reports.period import Period
from decisions.reports.sql import DaysBetween, HoursBetween, LocalDate
from isg.accounts.models import Organisation


def approval_turnaround(organisation: Organisation, period: Period) -> Figure:
    return month_figure(
        period,
        slug="approval-time",
        title="Time to approve or reject",
        about="Hours from a decision's submission to the manager's approval or rejection, by the "
        "month of the verdict: the median and the 90th percentile (nine in ten took no longer).",
        series=percentiles_of_times(
            Approval.objects.filter(
                decision__organisation=organisation, verdict__in=Approval.FINAL
            ),
            period,
            "created_at",
            value=HoursBetween("created_at", "decision__decided_at"),
        ),
        chart="line",
        unit="hours",
    )


def time_to_decision(organisation: Organisation, period: Period) -> Figure:
    return month_figure(
        period,
        slug="decision-time",
        title="Time from request to decision",
        about="Days from the day a request arrived to its first decision, by the month of the "
        "decision: the median and the 90th percentile. Reconsiderations are not counted again.",
        series=percentiles_of_times(
            Decision.objects.filter(organisation=organisation, supersedes__isnull=True),
            period,
            "decided_at",
            value=DaysBetween(
                LocalDate("decided_at", **dates_around(period)), "share_request__received_on"
            ),
        ),
        chart="line",
        unit="days",
    )


# A request with no decision yet: opened, or a decision started and not submitted.
UNDECIDED = (ShareRequest.Status.OPEN, ShareRequest.Status.IN_PROGRESS)


def late_requests(organisation: Organisation, period: Period) -> Figure:
    """Two joins, no correlated subquery: the requests due (and those still undecided past
    their date), then the first decisions on them made after their due date."""
    today = timezone.localdate()
    due, waiting = counts_by_month(
        ShareRequest.objects.filter(case__organisation=organisation),
        period,
        "due_on",
        moment=False,
        columns=[("Due", None), ("Late", Q(status__in=UNDECIDED, due_on__lt=today))],
    )
    (decided_late,) = counts_by_month(
        Decision.objects.filter(organisation=organisation, supersedes__isnull=True).annotate(
            day=LocalDate("decided_at", **dates_around(period))
        ),
        period,
        "share_request__due_on",
        moment=False,
        columns=[("", Q(day__gt=F("share_request__due_on")))],
    )
    waiting.values = [
        (undecided or 0) + (after or 0)
        for undecided, after in zip(waiting.values, decided_late.values, strict=True)
    ]
    return month_figure(
        period,
        slug="late-requests",
        title="Requests decided late",
        about="Requests by the month their answer was due: how many were due, and how many "
        "were first decided after their due date or are still undecided and past it.",
        series=[due, waiting],
    )


def late_follow_ups(organisation: Organisation, period: Period) -> Figure:
    today = timezone.localdate()
    late = Q(done_on__gt=F("due_on")) | Q(done_at__isnull=True, due_on__lt=today)
    return month_figure(
        period,
        slug="late-follow-ups",
        title="Follow-ups done late",
        about="Follow-ups by the month they were due: how many were due, and how many were done "
        "after their due date or are not done and past it.",
        series=counts_by_month(
            FollowUp.objects.filter(case__organisation=organisation).annotate(
                done_on=LocalDate("done_at", **dates_around(period))
            ),
            period,
            "due_on",
            moment=False,
            columns=[("Due", None), ("Late", late)],
        ),
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
