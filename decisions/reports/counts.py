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
    Series,
    by_month,
    count_where,
    month_label,
    monthly,
    within,
)
from decisions.reports.period import Period
from decisions.reports.sql import month_index
from guidance import catalogue
from isg.accounts.models import Organisation

TOP_AGENCIES = 10


def requests_received(organisation: Organisation, period: Period) -> Figure:
    rows = (
        by_month(
            ShareRequest.objects.filter(case__organisation=organisation),
            period,
            "received_on",
            moment=False,
        )
        .annotate(
            incoming=count_where(direction=ShareRequest.INCOMING),
            outgoing=count_where(direction=ShareRequest.OUTGOING),
        )
        .order_by("month")
    )
    return Figure(
        slug="requests",
        title="Requests received or raised",
        about="Requests by the month they arrived (incoming) or the concern arose (outgoing).",
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=monthly(
            rows,
            period.months,
            [("incoming", "Incoming (asked of us)"), ("outgoing", "Outgoing (we proposed)")],
        ),
        chart="stacked",
    )


def decisions_by_outcome(organisation: Organisation, period: Period) -> Figure:
    outcomes = Decision.Outcome.choices
    rows = (
        by_month(
            Decision.objects.filter(organisation=organisation), period, "decided_at", moment=True
        )
        .annotate(**{code: count_where(outcome=code) for code, _ in outcomes})
        .order_by("month")
    )
    return Figure(
        slug="outcomes",
        title="Decisions by outcome",
        about="Every decision record by the month it was made, reconsiderations included.",
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=monthly(rows, period.months, [(code, str(label)) for code, label in outcomes]),
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
        .filter(within(period, "decided_at", moment=True))
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
        .filter(within(period, "shared_on", moment=False))
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
            *monthly(decided, period.months, [("n", "Decided")]),
            *monthly(rows, period.months, [("n", "Shared")]),
        ],
    )


def approvals(organisation: Organisation, period: Period) -> Figure:
    rows = (
        by_month(
            Approval.objects.filter(decision__organisation=organisation),
            period,
            "created_at",
            moment=True,
        )
        .annotate(
            approved=count_where(verdict=Approval.Verdict.APPROVED),
            rejected=count_where(verdict=Approval.Verdict.REJECTED),
            more_info=count_where(verdict=Approval.Verdict.MORE_INFO),
        )
        .order_by("month")
    )
    return Figure(
        slug="approvals",
        title="Managers' verdicts",
        about="Approvals, rejections and questions by the month the manager gave them.",
        row_heading="Month",
        rows=[month_label(m) for m in period.months],
        series=monthly(
            rows,
            period.months,
            [("approved", "Approved"), ("rejected", "Rejected"), ("more_info", "Questions asked")],
        ),
        chart="stacked",
    )


def reconsiderations(organisation: Organisation, period: Period) -> Figure:
    rows = (
        by_month(
            Decision.objects.filter(organisation=organisation, supersedes__isnull=False),
            period,
            "decided_at",
            moment=True,
        )
        .annotate(
            total=Count("pk"),
            of_refusals=count_where(supersedes__outcome=Decision.Outcome.DO_NOT_SHARE),
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
        series=monthly(
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


def complaints(organisation: Organisation, period: Period) -> Figure:
    rows = (
        by_month(
            Complaint.objects.filter(organisation=organisation), period, "received_on", moment=False
        )
        .annotate(
            shared=count_where(decision__outcome__in=SHARING_OUTCOMES),
            refused=count_where(decision__outcome=Decision.Outcome.DO_NOT_SHARE),
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
        series=monthly(
            rows,
            period.months,
            [("shared", "About a decision to share"), ("refused", "About a decision not to share")],
        ),
        chart="stacked",
    )
