"""A safeguarding lead's reports: who may see them, and every figure, by month over a period.

Each figure is one aggregate query (counts by month with conditional aggregation; medians and
90th percentiles ranked by a window function in the database), so a report costs the same
number of queries whatever the size of the organisation's records. docs/reports.md says what
each figure counts.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from decisions.reports import store
from decisions.reports.figures import Figure, Report
from decisions.reports.months import FIGURES
from decisions.reports.period import Period
from decisions.reports.store import data_version
from decisions.reports.timings import overdue_now
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



# A backstop: every change the figures count is caught by `data_version`; this bounds how
# long a change made some other way (SQL) can go unseen.
CACHE_SECONDS = 600


def counted_key(
    organisation: Organisation,
    what: str,
    today: datetime.date,
    version: tuple[int, int] | None = None,
) -> str:
    """The cache key of something counted from the organisation's records as of `today` (a
    report, the lead's dashboard figures): a new key whenever `data_version` moves."""
    latest, incoming = version or data_version(organisation)
    return f"isg:{what}:{organisation.pk}:{today}:{latest}:{incoming}"


def _report_key(
    organisation: Organisation,
    period: Period,
    today: datetime.date,
    version: tuple[int, int] | None = None,
) -> str:
    return counted_key(organisation, f"report:{period.first}:{period.last}", today, version)


def figure(organisation: Organisation, period: Period, slug: str) -> Figure:
    """One figure (a chart image, one figure's CSV); KeyError for an unknown slug. Taken from
    the report, which the page has just counted and cached for its charts."""
    if slug not in FIGURES:
        raise KeyError(slug)
    return report(organisation, period).figure(slug)


def report(organisation: Organisation, period: Period) -> Report:
    """Every figure for the organisation over the period (a fixed number of queries).

    Kept in the cache until anything it counts changes (`data_version`), or the day does: a
    lead looks at the same report several times (the page, its charts, the CSV). Counted
    afresh, its ended months come from `reports.store`, so only this month's records (and
    those of a month a change has reached since) are counted again.
    """
    today = timezone.localdate()
    version = data_version(organisation)
    key = _report_key(organisation, period, today, version)
    cached = cache.get(key)
    if cached is None:
        figures = store.figures(organisation, period, today, version)
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
