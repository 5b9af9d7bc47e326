"""A safeguarding lead's reports: who may see them, and every figure, by month over a period.

Each figure is one aggregate query (counts by month with conditional aggregation; medians and
90th percentiles ranked by a window function in the database), so a report costs the same
number of queries whatever the size of the organisation's records. docs/reports.md says what
each figure counts.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from decisions.models import AuditEntry, ExchangeRequest
from decisions.reports.counts import (
    approvals,
    complaints,
    decisions_by_framework,
    decisions_by_outcome,
    exchanges,
    reconsiderations,
    requests_by_agency,
    requests_received,
    sharing_without_consent,
)
from decisions.reports.figures import Figure, Report
from decisions.reports.period import Period
from decisions.reports.timings import (
    approval_turnaround,
    late_follow_ups,
    late_requests,
    overdue_now,
    time_to_decision,
)
from isg.accounts.models import Organisation, Role, User
from isg.accounts.roles import has_role, organisations_where


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


# A backstop: every change the figures count is caught by `data_version`; this bounds how
# long a change made some other way (the admin site, SQL) can go unseen.
CACHE_SECONDS = 600


# Audit actions that record no change to anything a figure counts: signing in and out,
# looking, downloading, two-factor. Any other action (one added later too) means a recount.
NOT_COUNTED = (
    AuditEntry.Action.SIGNED_IN,
    AuditEntry.Action.SIGN_IN_FAILED,
    AuditEntry.Action.SIGNED_OUT,
    AuditEntry.Action.LOCKED_OUT,
    AuditEntry.Action.RECORD_VIEWED,
    AuditEntry.Action.EXPORTED,
    AuditEntry.Action.PDF_DOWNLOADED,
    AuditEntry.Action.DISCLOSURE_LOG,
    AuditEntry.Action.TWO_FACTOR_ENABLED,
    AuditEntry.Action.TWO_FACTOR_RESET,
    AuditEntry.Action.RECOVERY_CODES_GENERATED,
)


def data_version(organisation: Organisation) -> tuple[int, int]:
    """What moves whenever a figure may: the organisation's latest audit entry of a change
    (every write a figure counts is audited in the organisation's own log; views and
    sign-ins, the most frequent entries, are passed over) and the number of requests other
    organisations have sent it (those are audited in the sender's log). Two indexed reads."""
    latest = (
        AuditEntry.objects.filter(organisation=organisation)
        .exclude(action__in=NOT_COUNTED)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    incoming = ExchangeRequest.objects.filter(to_organisation=organisation).count()
    return latest or 0, incoming


def counted_key(organisation: Organisation, what: str, today: datetime.date) -> str:
    """The cache key of something counted from the organisation's records as of `today` (a
    report, the lead's dashboard figures): a new key whenever `data_version` moves."""
    latest, incoming = data_version(organisation)
    return f"isg:{what}:{organisation.pk}:{today}:{latest}:{incoming}"


def _report_key(organisation: Organisation, period: Period, today: datetime.date) -> str:
    return counted_key(organisation, f"report:{period.first}:{period.last}", today)


def figure(organisation: Organisation, period: Period, slug: str) -> Figure:
    """One figure (a chart image, one figure's CSV); KeyError for an unknown slug. Taken from
    the cached report when the page has just been shown, as it has for its charts."""
    build = FIGURES[slug]
    cached = cache.get(_report_key(organisation, period, timezone.localdate()))
    if cached is not None:
        return next(f for f in cached[0] if f.slug == slug)
    return build(organisation, period)


def report(organisation: Organisation, period: Period) -> Report:
    """Every figure for the organisation over the period (a fixed number of queries).

    Kept in the cache until anything it counts changes (`data_version`), or the day does:
    the figures read the whole period's records, so a report of a large organisation takes
    a second or two to count, and a lead looks at the same one several times — the page, its
    charts, the CSV.
    """
    today = timezone.localdate()
    key = _report_key(organisation, period, today)
    cached = cache.get(key)
    if cached is None:
        figures = [build(organisation, period) for build in FIGURES.values()]
        cached = (figures, *overdue_now(organisation, today))
        cache.set(key, cached, CACHE_SECONDS)
    figures, overdue_requests, overdue_follow_ups = cached
    return Report(
        organisation=organisation,
        period=period,
        figures=figures,
        overdue_requests_now=overdue_requests,
        overdue_follow_ups_now=overdue_follow_ups,
        today=today,
    )
