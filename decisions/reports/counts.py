"""The figures that count things by month: requests, decisions, sharing without consent,
verdicts, reconsiderations, agencies, exchanges and complaints."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import (
    Count,
    F,
    Q,
)

from decisions.models import (
    SHARING_OUTCOMES,
    Approval,
    Complaint,
    Decision,
    ExchangeRequest,
    ShareRecord,
    ShareRequest,
)
from decisions.reports.figures import (
    Figure,
    MonthlyCounts,
    Series,
    by_month_and_name,
    count_where,
    counts_by_month,
    month_figure,
    within,
)
from decisions.reports.period import Period
from decisions.reports.sql import month_index
from guidance import catalogue
from isg.accounts.models import Organisation

TOP_AGENCIES = 10
EVERY_OTHER_AGENCY = "Every other agency"


requests_received = MonthlyCounts(
    slug="requests",
    title="Requests received or raised",
    about="Requests by the month they arrived (incoming) or the concern arose (outgoing).",
    rows=lambda organisation: ShareRequest.objects.filter(case__organisation=organisation),
    field_name="received_on",
    moment=False,
    columns=[
        ("Incoming (asked of us)", Q(direction=ShareRequest.INCOMING)),
        ("Outgoing (we proposed)", Q(direction=ShareRequest.OUTGOING)),
    ],
    chart="stacked",
)

decisions_by_outcome = MonthlyCounts(
    slug="outcomes",
    title="Decisions by outcome",
    about="Every decision record by the month it was made, reconsiderations included.",
    rows=lambda organisation: Decision.objects.filter(organisation=organisation),
    field_name="decided_at",
    moment=True,
    columns=[(label, Q(outcome=code)) for code, label in Decision.Outcome.choices],
    chart="stacked",
)


def decisions_by_framework(organisation: Organisation, period: Period) -> Figure:
    rows = (
        Decision.objects.filter(organisation=organisation)
        .filter(within(period, "decided_at", moment=True))
        .annotate(month=month_index("decided_at", period, moment=True))
        .values("month", "framework")
        .annotate(n=Count("pk"))
        .order_by("month", "framework")
    )
    counts: dict[str, dict[int, int]] = defaultdict(dict)
    for row in rows:
        counts[row["framework"]][row["month"]] = row["n"]
    titles = framework_titles()
    months = range(len(period.months))
    series = [
        Series(titles.get(slug, slug), [float(by_month.get(i, 0)) for i in months])
        for slug, by_month in counts.items()
    ]
    return month_figure(
        period,
        slug="frameworks",
        title="Decisions by framework",
        about="Every decision record by the month it was made and the framework it was made under.",
        series=sorted(series, key=lambda s: s.label),
        chart="stacked",
    )


def framework_titles() -> dict[str, str]:
    """What the frameworks figure calls each framework: its short title, or its title."""
    return {d["slug"]: d.get("short_title") or d["title"] for d in catalogue.latest()}


def sharing_without_consent(organisation: Organisation, period: Period) -> Figure:
    without_consent = Decision.Outcome.SHARE_WITHOUT_CONSENT
    decided = counts_by_month(
        Decision.objects.filter(organisation=organisation, outcome=without_consent),
        period,
        "decided_at",
        moment=True,
        columns=[("Decided", None)],
    )
    shared = counts_by_month(
        ShareRecord.objects.filter(
            decision__organisation=organisation, decision__outcome=without_consent, shared=True
        ),
        period,
        "shared_on",
        moment=False,
        columns=[("Shared", None)],
    )
    return month_figure(
        period,
        slug="without-consent",
        title="Sharing without consent",
        about="Decisions to share without consent by the month they were made, and information "
        "shared under them by the day it was shared.",
        series=[*decided, *shared],
    )


approvals = MonthlyCounts(
    slug="approvals",
    title="Managers' verdicts",
    about="Approvals, rejections and questions by the month the manager gave them.",
    rows=lambda organisation: Approval.objects.filter(decision__organisation=organisation),
    field_name="created_at",
    moment=True,
    columns=[
        ("Approved", Q(verdict=Approval.Verdict.APPROVED)),
        ("Rejected", Q(verdict=Approval.Verdict.REJECTED)),
        ("Questions asked", Q(verdict=Approval.Verdict.MORE_INFO)),
    ],
    chart="stacked",
)

reconsiderations = MonthlyCounts(
    slug="reconsiderations",
    title="Reconsidered decisions",
    about="New decisions that replace an earlier one, by the month they were made; of them, "
    "those replacing a decision not to share, and those that changed the outcome.",
    rows=lambda organisation: Decision.objects.filter(
        organisation=organisation, supersedes__isnull=False
    ),
    field_name="decided_at",
    moment=True,
    columns=[
        ("Reconsidered", None),
        ("Of a decision not to share", Q(supersedes__outcome=Decision.Outcome.DO_NOT_SHARE)),
        ("Outcome changed", ~Q(outcome=F("supersedes__outcome"))),
    ],
)


def requests_by_agency(organisation: Organisation, period: Period) -> Figure:
    """The TOP_AGENCIES agencies with most requests, then every other agency together."""
    return agency_figure(summed(agency_counts(organisation, period)))


def agencies_by_month(organisation: Organisation, period: Period) -> list[Figure]:
    """Each month's part of the agencies figure: every agency, most requests first."""
    return [agency_figure(month, None) for month in agency_counts(organisation, period)]


def agency_counts(organisation: Organisation, period: Period) -> list[dict[str, list[float]]]:
    """For each month of the period, each agency's [incoming, outgoing] requests."""
    rows = by_month_and_name(
        ShareRequest.objects.filter(case__organisation=organisation),
        period,
        "received_on",
        moment=False,
        name="counterpart_agency",
        incoming=count_where(direction=ShareRequest.INCOMING),
        outgoing=count_where(direction=ShareRequest.OUTGOING),
    )
    months: list[dict[str, list[float]]] = [{} for _ in period.months]
    for row in rows:
        months[row["month"]][row["counterpart_agency"]] = [row["incoming"], row["outgoing"]]
    return months


def summed(months: list[dict[str, list[float]]]) -> dict[str, list[float]]:
    """Each row's values added up over the months (a figure by name over a period)."""
    totals: dict[str, list[float]] = {}
    for month in months:
        for name, values in month.items():
            total = totals.setdefault(name, [0.0] * len(values))
            for i, value in enumerate(values):
                total[i] += value
    return totals


def agency_figure(counts: dict[str, list[float]], top: int | None = TOP_AGENCIES) -> Figure:
    """The agencies figure from each agency's [incoming, outgoing]: most requests first, ties
    by name; past the `top` of them (if any), one row for every other agency."""
    ranked = sorted(counts.items(), key=lambda item: (-sum(item[1]), item[0]))
    shown, rest = (ranked, []) if top is None else (ranked[:top], ranked[top:])
    rows = [agency for agency, _ in shown]
    incoming: list[float | None] = [float(n_in) for _, (n_in, _) in shown]
    outgoing: list[float | None] = [float(n_out) for _, (_, n_out) in shown]
    rest_in = float(sum(n_in for _, (n_in, _) in rest))
    rest_out = float(sum(n_out for _, (_, n_out) in rest))
    if rest_in or rest_out:
        rows.append(EVERY_OTHER_AGENCY)
        incoming.append(rest_in)
        outgoing.append(rest_out)
    return Figure(
        slug="agencies",
        title="Requests by agency",
        about=f"Requests received or raised in the period, by the agency on the other side (the "
        f"{TOP_AGENCIES} with most; organisations on ISG by their name).",
        row_heading="Agency",
        rows=rows,
        series=[Series("Incoming", incoming), Series("Outgoing", outgoing)],
        chart="horizontal",
    )


def exchanges(organisation: Organisation, period: Period) -> Figure:
    """Requests to and from organisations on ISG, by the other organisation."""
    return exchange_figure(summed(exchange_counts(organisation, period)))


def exchanges_by_month(organisation: Organisation, period: Period) -> list[Figure]:
    """Each month's part of the exchanges figure."""
    return [exchange_figure(month) for month in exchange_counts(organisation, period)]


def exchange_counts(organisation: Organisation, period: Period) -> list[dict[str, list[float]]]:
    """For each month of the period, each other organisation's [asked of us, answered by us,
    asked by us], by the month asked."""
    received = by_month_and_name(
        ExchangeRequest.objects.filter(to_organisation=organisation),
        period,
        "asked_at",
        moment=True,
        name="from_organisation__name",
        n=Count("pk"),
        answered=count_where(status=ExchangeRequest.Status.ANSWERED),
    )
    sent = by_month_and_name(
        ExchangeRequest.objects.filter(from_organisation=organisation),
        period,
        "asked_at",
        moment=True,
        name="to_organisation__name",
        n=Count("pk"),
    )
    months: list[defaultdict[str, list[float]]] = [
        defaultdict(lambda: [0.0, 0.0, 0.0]) for _ in period.months
    ]
    for row in received:
        counted = months[row["month"]][row["from_organisation__name"]]
        counted[0], counted[1] = row["n"], row["answered"]
    for row in sent:
        months[row["month"]][row["to_organisation__name"]][2] = row["n"]
    return [dict(month) for month in months]


def exchange_figure(by_name: dict[str, list[float]]) -> Figure:
    """The exchanges figure from each organisation's [asked of us, answered, asked by us]."""
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


complaints = MonthlyCounts(
    slug="complaints",
    title="Complaints about sharing decisions",
    about="Complaints by the month they were received, by what the decision complained "
    "about was.",
    rows=lambda organisation: Complaint.objects.filter(organisation=organisation),
    field_name="received_on",
    moment=False,
    columns=[
        ("About a decision to share", Q(decision__outcome__in=SHARING_OUTCOMES)),
        ("About a decision not to share", Q(decision__outcome=Decision.Outcome.DO_NOT_SHARE)),
    ],
    chart="stacked",
)
