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
    titles = {d["slug"]: d.get("short_title") or d["title"] for d in catalogue.latest()}
    return month_figure(
        period,
        slug="frameworks",
        title="Decisions by framework",
        about="Every decision record by the month it was made and the framework it was made under.",
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
    requests = ShareRequest.objects.filter(case__organisation=organisation).filter(
        within(period, "received_on", moment=False)
    )
    top = list(
        requests.values("counterpart_agency")
        .annotate(
            incoming=count_where(direction=ShareRequest.INCOMING),
            outgoing=count_where(direction=ShareRequest.OUTGOING),
            total=Count("pk"),
        )
        .order_by("-total", "counterpart_agency")[:TOP_AGENCIES]
    )
    rows = [row["counterpart_agency"] for row in top]
    incoming = [float(row["incoming"]) for row in top]
    outgoing = [float(row["outgoing"]) for row in top]
    totals = requests.aggregate(
        incoming=count_where(direction=ShareRequest.INCOMING),
        outgoing=count_where(direction=ShareRequest.OUTGOING),
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
    window = within(period, "asked_at", moment=True)
    received = (
        ExchangeRequest.objects.filter(window, to_organisation=organisation)
        .values("from_organisation__name")
        .annotate(n=Count("pk"), answered=count_where(status=ExchangeRequest.Status.ANSWERED))
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
