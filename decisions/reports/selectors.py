"""A safeguarding lead's reports: who may see them, and every figure, by month over a period.

Each figure is one aggregate query (counts by month with conditional aggregation; medians and
90th percentiles ranked by a window function in the database), so a report costs the same
number of queries whatever the size of the organisation's records. docs/reports.md says what
each figure counts.
"""

from __future__ import annotations

import datetime
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
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
from django.http import Http404
from django.utils import timezone

from decisions.models import (
    SHARING_OUTCOMES,
    Approval,
    Complaint,
    Decision,
    ExchangeRequest,
    FollowUp,
    ShareRecord,
    ShareRequest,
)
from decisions.reports.period import Period
from decisions.reports.sql import DaysBetween, HoursBetween, LocalDate, month_index
from guidance import catalogue
from isg.accounts.models import Organisation, Role, User
from isg.accounts.roles import has_role, organisations_where

# The figures that rank values: the median and the 90th percentile, nearest-rank.
PERCENTILES = (0.5, 0.9)
TOP_AGENCIES = 10
CHART_WIDTH, CHART_HEIGHT = 800, 400

# --- Who may see reports ---------------------------------------------------------------------


def may_view_reports(user: User, organisation: Organisation | int) -> bool:
    """The organisation's safeguarding leads, and nobody else."""
    return user.is_authenticated and has_role(user, organisation, (Role.LEAD,))


def report_organisations_for(user: User) -> list[Organisation]:
    """The organisations whose reports the user may see, in name order."""
    return list(Organisation.objects.filter(pk__in=organisations_where(user, (Role.LEAD,))))


def get_report_organisation(user: User, organisation_id: Any = None) -> Organisation:
    """The organisation asked for (or the user's first), if the user may see its reports."""
    organisations = report_organisations_for(user)
    if not organisations:
        raise Http404("No reports for you")
    if organisation_id in (None, ""):
        return organisations[0]
    chosen = next((o for o in organisations if str(o.pk) == str(organisation_id)), None)
    if chosen is None or not may_view_reports(user, chosen):
        raise Http404("No such organisation")
    return chosen


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


def _monthly(
    rows: Iterable[dict[str, Any]], months: list[datetime.date], columns: list[tuple[str, str]]
) -> list[Series]:
    """Series (label, one value a month, zero for months with nothing) from rows grouped by
    month index (`sql.month_index`)."""
    found = {row["month"]: row for row in rows}
    return [
        Series(label, [float(found[i][key]) if i in found else 0.0 for i in range(len(months))])
        for key, label in columns
    ]


def _in(period: Period, field_name: str, *, moment: bool) -> Q:
    if moment:
        return Q(**{f"{field_name}__gte": period.start_at, f"{field_name}__lt": period.end_at})
    return Q(**{f"{field_name}__gte": period.first, f"{field_name}__lt": period.end})


def _count(**conditions: Any) -> Count:
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


def _percentile_series(
    found: dict[int, dict[float, Any]],
    months: list[datetime.date],
    labels: tuple[str, str],
) -> list[Series]:
    return [
        Series(
            label,
            [
                round(float(found[i][fraction]), 1) if fraction in found.get(i, {}) else None
                for i in range(len(months))
            ],
        )
        for fraction, label in zip(PERCENTILES, labels, strict=True)
    ]


def _dates_around(period: Period) -> dict[str, datetime.date]:
    """The span a `LocalDate` is exact over: a year before the period to a year from now."""
    latest = max(period.end, timezone.localdate())
    return {
        "since": period.first - datetime.timedelta(days=366),
        "until": latest + datetime.timedelta(days=366),
    }


# --- The figures -----------------------------------------------------------------------------


def requests_received(organisation: Organisation, period: Period) -> Figure:
    rows = (
        ShareRequest.objects.filter(case__organisation=organisation)
        .filter(_in(period, "received_on", moment=False))
        .annotate(month=month_index("received_on", period, moment=False))
        .values("month")
        .annotate(
            incoming=_count(direction=ShareRequest.INCOMING),
            outgoing=_count(direction=ShareRequest.OUTGOING),
        )
        .order_by("month")
    )
    return Figure(
        slug="requests",
        title="Requests received or raised",
        about="Requests by the month they arrived (incoming) or the concern arose (outgoing).",
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=_monthly(
            rows,
            period.months,
            [("incoming", "Incoming (asked of us)"), ("outgoing", "Outgoing (we proposed)")],
        ),
        chart="stacked",
    )


def decisions_by_outcome(organisation: Organisation, period: Period) -> Figure:
    outcomes = Decision.Outcome.choices
    rows = (
        Decision.objects.filter(organisation=organisation)
        .filter(_in(period, "decided_at", moment=True))
        .annotate(month=month_index("decided_at", period, moment=True))
        .values("month")
        .annotate(**{code: _count(outcome=code) for code, _ in outcomes})
        .order_by("month")
    )
    return Figure(
        slug="outcomes",
        title="Decisions by outcome",
        about="Every decision record by the month it was made, reconsiderations included.",
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=_monthly(rows, period.months, [(code, str(label)) for code, label in outcomes]),
        chart="stacked",
    )


def decisions_by_framework(organisation: Organisation, period: Period) -> Figure:
    rows = (
        Decision.objects.filter(organisation=organisation)
        .filter(_in(period, "decided_at", moment=True))
        .annotate(month=month_index("decided_at", period, moment=True))
        .values("month", "framework")
        .annotate(n=Count("pk"))
        .order_by("month", "framework")
    )
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for row in rows:
        counts[row["framework"]][row["month"]] = row["n"]
    titles = {d["slug"]: d.get("short_title") or d["title"] for d in catalogue.latest()}
    return Figure(
        slug="frameworks",
        title="Decisions by framework",
        about="Every decision record by the month it was made and the framework it was made under.",
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=[
            Series(
                titles.get(slug, slug),
                [float(by_month.get(i, 0)) for i in range(len(period.months))],
            )
            for slug, by_month in sorted(counts.items())
        ],
        chart="stacked",
    )


def sharing_without_consent(organisation: Organisation, period: Period) -> Figure:
    decided = (
        Decision.objects.filter(
            organisation=organisation, outcome=Decision.Outcome.SHARE_WITHOUT_CONSENT
        )
        .filter(_in(period, "decided_at", moment=True))
        .annotate(month=month_index("decided_at", period, moment=True))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    rows = (
        ShareRecord.objects.filter(
            decision__organisation=organisation,
            decision__outcome=Decision.Outcome.SHARE_WITHOUT_CONSENT,
            shared=True,
        )
        .filter(_in(period, "shared_on", moment=False))
        .annotate(month=month_index("shared_on", period, moment=False))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("month")
    )
    return Figure(
        slug="without-consent",
        title="Sharing without consent",
        about="Decisions to share without consent by the month they were made, and information "
        "shared under them by the day it was shared.",
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=[
            *_monthly(decided, period.months, [("n", "Decided")]),
            *_monthly(rows, period.months, [("n", "Shared")]),
        ],
    )


def approvals(organisation: Organisation, period: Period) -> Figure:
    rows = (
        Approval.objects.filter(decision__organisation=organisation)
        .filter(_in(period, "created_at", moment=True))
        .annotate(month=month_index("created_at", period, moment=True))
        .values("month")
        .annotate(
            approved=_count(verdict=Approval.Verdict.APPROVED),
            rejected=_count(verdict=Approval.Verdict.REJECTED),
            more_info=_count(verdict=Approval.Verdict.MORE_INFO),
        )
        .order_by("month")
    )
    return Figure(
        slug="approvals",
        title="Managers' verdicts",
        about="Approvals, rejections and questions by the month the manager gave them.",
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=_monthly(
            rows,
            period.months,
            [("approved", "Approved"), ("rejected", "Rejected"), ("more_info", "Questions asked")],
        ),
        chart="stacked",
    )


def approval_turnaround(organisation: Organisation, period: Period) -> Figure:
    found = percentiles_by_month(
        Approval.objects.filter(
            decision__organisation=organisation, verdict__in=Approval.FINAL
        ).filter(_in(period, "created_at", moment=True)),
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
        series=_percentile_series(found, period.months, ("Median", "90th percentile")),
        chart="line",
        unit="hours",
    )


def time_to_decision(organisation: Organisation, period: Period) -> Figure:
    found = percentiles_by_month(
        Decision.objects.filter(organisation=organisation, supersedes__isnull=True).filter(
            _in(period, "decided_at", moment=True)
        ),
        month=month_index("decided_at", period, moment=True),
        value=DaysBetween(
            LocalDate("decided_at", **_dates_around(period)), "share_request__received_on"
        ),
    )
    return Figure(
        slug="decision-time",
        title="Time from request to decision",
        about="Days from the day a request arrived to its first decision, by the month of the "
        "decision: the median and the 90th percentile. Reconsiderations are not counted again.",
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=_percentile_series(found, period.months, ("Median", "90th percentile")),
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
        ShareRequest.objects.filter(case__organisation=organisation)
        .filter(_in(period, "due_on", moment=False))
        .annotate(month=month_index("due_on", period, moment=False))
        .values("month")
        .annotate(due=Count("pk"), late=_count(status__in=UNDECIDED, due_on__lt=today))
        .order_by("month")
    )
    decided_late = (
        Decision.objects.filter(organisation=organisation, supersedes__isnull=True)
        .filter(_in(period, "share_request__due_on", moment=False))
        .annotate(
            day=LocalDate("decided_at", **_dates_around(period)),
            month=month_index("share_request__due_on", period, moment=False),
        )
        .values("month")
        .annotate(late=Count("pk", filter=Q(day__gt=F("share_request__due_on"))))
        .order_by("month")
    )
    counted = _monthly(due, period.months, [("due", "Due"), ("late", "Late")])
    (decided,) = _monthly(decided_late, period.months, [("late", "")])
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
        .filter(_in(period, "due_on", moment=False))
        .annotate(
            done_on=LocalDate("done_at", **_dates_around(period)),
            month=month_index("due_on", period, moment=False),
        )
        .values("month")
        .annotate(
            due=Count("pk"),
            late=Count(
                "pk",
                filter=Q(done_on__gt=F("due_on"))
                | Q(done_at__isnull=True, due_on__lt=today),
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
        series=_monthly(rows, period.months, [("due", "Due"), ("late", "Late")]),
    )


def reconsiderations(organisation: Organisation, period: Period) -> Figure:
    rows = (
        Decision.objects.filter(organisation=organisation, supersedes__isnull=False)
        .filter(_in(period, "decided_at", moment=True))
        .annotate(month=month_index("decided_at", period, moment=True))
        .values("month")
        .annotate(
            total=Count("pk"),
            of_refusals=_count(supersedes__outcome=Decision.Outcome.DO_NOT_SHARE),
            changed=Count("pk", filter=~Q(outcome=F("supersedes__outcome"))),
        )
        .order_by("month")
    )
    return Figure(
        slug="reconsiderations",
        title="Reconsidered decisions",
        about="New decisions that replace an earlier one, by the month they were made; of them, "
        "those replacing a decision not to share, and those that changed the outcome.",
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=_monthly(
            rows,
            period.months,
            [
                ("total", "Reconsidered"),
                ("of_refusals", "Of a decision not to share"),
                ("changed", "Outcome changed"),
            ],
        ),
    )


def requests_by_agency(organisation: Organisation, period: Period) -> Figure:
    """The TOP_AGENCIES agencies with most requests, then every other agency together."""
    requests = ShareRequest.objects.filter(case__organisation=organisation).filter(
        _in(period, "received_on", moment=False)
    )
    top = list(
        requests.values("counterpart_agency")
        .annotate(
            incoming=_count(direction=ShareRequest.INCOMING),
            outgoing=_count(direction=ShareRequest.OUTGOING),
            total=Count("pk"),
        )
        .order_by("-total", "counterpart_agency")[:TOP_AGENCIES]
    )
    rows = [row["counterpart_agency"] for row in top]
    incoming = [float(row["incoming"]) for row in top]
    outgoing = [float(row["outgoing"]) for row in top]
    totals = requests.aggregate(
        incoming=_count(direction=ShareRequest.INCOMING),
        outgoing=_count(direction=ShareRequest.OUTGOING),
    )
    all_in, all_out = float(totals["incoming"]), float(totals["outgoing"])
    rest_in, rest_out = all_in - sum(incoming), all_out - sum(outgoing)
    if rest_in or rest_out:
        rows.append("Every other agency")
        incoming.append(rest_in)
        outgoing.append(rest_out)
    return Figure(
        slug="agencies",
        title="Requests by agency",
        about=f"Requests received or raised in the period, by the agency on the other side (the "
        f"{TOP_AGENCIES} with most; organisations on ISG by their name).",
        row_heading="Agency",
        rows=rows,
        series=[Series("Incoming", list(incoming)), Series("Outgoing", list(outgoing))],
        chart="horizontal",
    )


def exchanges(organisation: Organisation, period: Period) -> Figure:
    """Requests to and from organisations on ISG, by the other organisation."""
    window = _in(period, "asked_at", moment=True)
    received = (
        ExchangeRequest.objects.filter(window, to_organisation=organisation)
        .values("from_organisation__name")
        .annotate(n=Count("pk"), answered=_count(status=ExchangeRequest.Status.ANSWERED))
    )
    sent = (
        ExchangeRequest.objects.filter(window, from_organisation=organisation)
        .values("to_organisation__name")
        .annotate(n=Count("pk"))
    )
    by_name: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for row in received:
        by_name[row["from_organisation__name"]][0] = row["n"]
        by_name[row["from_organisation__name"]][1] = row["answered"]
    for row in sent:
        by_name[row["to_organisation__name"]][2] = row["n"]
    names = sorted(by_name)
    return Figure(
        slug="exchanges",
        title="Exchanges with organisations on ISG",
        about="Requests sent through ISG in the period, by the other organisation: those it "
        "asked of us, how many of them we have answered, and those we asked of it.",
        row_heading="Organisation",
        rows=names,
        series=[
            Series("Asked of us", [by_name[n][0] for n in names]),
            Series("Answered by us", [by_name[n][1] for n in names]),
            Series("Asked by us", [by_name[n][2] for n in names]),
        ],
        chart="horizontal",
    )


def complaints(organisation: Organisation, period: Period) -> Figure:
    rows = (
        Complaint.objects.filter(organisation=organisation)
        .filter(_in(period, "received_on", moment=False))
        .annotate(month=month_index("received_on", period, moment=False))
        .values("month")
        .annotate(
            shared=_count(decision__outcome__in=SHARING_OUTCOMES),
            refused=_count(decision__outcome=Decision.Outcome.DO_NOT_SHARE),
        )
        .order_by("month")
    )
    return Figure(
        slug="complaints",
        title="Complaints about sharing decisions",
        about="Complaints by the month they were received, by what the decision complained "
        "about was.",
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=_monthly(
            rows,
            period.months,
            [("shared", "About a decision to share"), ("refused", "About a decision not to share")],
        ),
        chart="stacked",
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


FIGURES: dict[str, Callable[[Organisation, Period], Figure]] = {
    "requests": requests_received,
    "outcomes": decisions_by_outcome,
    "frameworks": decisions_by_framework,
    "without-consent": sharing_without_consent,
    "approvals": approvals,
    "approval-time": approval_turnaround,
    "decision-time": time_to_decision,
    "late-requests": late_requests,
    "late-follow-ups": late_follow_ups,
    "reconsiderations": reconsiderations,
    "agencies": requests_by_agency,
    "exchanges": exchanges,
    "complaints": complaints,
}


def figure(organisation: Organisation, period: Period, slug: str) -> Figure:
    """One figure (a chart image, one figure's CSV); KeyError for an unknown slug."""
    return FIGURES[slug](organisation, period)


def report(organisation: Organisation, period: Period) -> Report:
    """Every figure for the organisation over the period (a fixed number of queries)."""
    today = timezone.localdate()
    overdue_requests, overdue_follow_ups = overdue_now(organisation, today)
    return Report(
        organisation=organisation,
        period=period,
        figures=[build(organisation, period) for build in FIGURES.values()],
        overdue_requests_now=overdue_requests,
        overdue_follow_ups_now=overdue_follow_ups,
        today=today,
    )
