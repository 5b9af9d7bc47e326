"""What the dashboard shows each role: their follow-ups and decisions in flight, a manager's
queue and overdue work, a lead's figures."""

import dataclasses
import datetime
import statistics
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Q
from django.utils import timezone

from decisions.exchange.selectors import overdue_for as exchange_overdue_for
from decisions.lifecycle.selectors import (
    approval_queue_count,
    awaiting_verdict,
    my_decisions_in_progress,
    my_follow_ups,
    team_overdue,
)
from decisions.models import Complaint, Decision, ShareRecord, ShareRequest
from decisions.reports.selectors import CACHE_SECONDS, counted_key
from isg.accounts.models import Organisation, Role, User
from isg.accounts.roles import organisations_where, roles_of


@dataclass
class OrganisationFigures:
    organisation: Organisation
    decisions_by_outcome: list[tuple[str, int]]
    shared_without_consent: int
    not_shared: int
    complaints: int
    overdue_requests: int
    awaiting_approval: int
    median_days_to_decision: float | None
    decisions_counted: int


MEDIAN_WINDOW_DAYS = 365


def organisation_figures(user: User) -> list[OrganisationFigures]:
    """For a safeguarding lead: counts across each organisation they lead.

    Each organisation's figures count its whole history (a second at 100 000 cases), so they
    are kept in the cache as the lead's reports are: until the organisation's data version
    or the day changes (`decisions.reports.selectors.counted_key`).
    """
    figures = []
    today = timezone.localdate()
    for organisation in Organisation.objects.filter(pk__in=organisations_where(user, (Role.LEAD,))):
        key = counted_key(organisation, "lead-figures", today)
        counted = cache.get(key)
        if counted is None:
            counted = _count_figures(organisation, today)
            cache.set(key, counted, CACHE_SECONDS)
        figures.append(dataclasses.replace(counted, organisation=organisation))
    return figures


def _count_figures(organisation: Organisation, today: datetime.date) -> OrganisationFigures:
    """Decisions by outcome count current decisions (a reconsidered decision counts once, as
    its latest). The median is over first decisions on requests in the last year: from the day
    the request arrived to the day the first decision on it was made.
    """
    since = timezone.now() - datetime.timedelta(days=MEDIAN_WINDOW_DAYS)
    labels = dict(Decision.Outcome.choices)
    decisions = Decision.objects.filter(organisation=organisation)
    current = decisions.filter(superseded_by__isnull=True)
    # One query for both figures of current decisions: the count by outcome, and those of
    # them waiting for a verdict (awaiting_verdict, as a condition on each row).
    waiting = Q(pk__in=awaiting_verdict(current).values("pk"))
    by_outcome: dict[str, int] = {}
    awaiting_approval = 0
    for outcome, n, n_waiting in (
        current.values_list("outcome")
        .annotate(n=Count("pk"), waiting=Count("pk", filter=waiting))
        .order_by()
    ):
        by_outcome[outcome] = n
        awaiting_approval += n_waiting
    pairs = decisions.filter(supersedes__isnull=True, decided_at__gte=since).values_list(
        "share_request__received_on", "decided_at"
    )
    days = [(timezone.localdate(decided) - received).days for received, decided in pairs]
    not_shared = Q(status=ShareRequest.Status.NOT_SHARED)
    overdue = Q(status__in=ShareRequest.OPEN_STATUSES, due_on__lt=today)
    # Both request figures in one query; each condition is a range of the (status,
    # due_on) index, so the query reads only the rows it counts.
    requests = ShareRequest.objects.filter(
        not_shared | overdue, case__organisation=organisation
    ).aggregate(not_shared=Count("pk", filter=not_shared), overdue=Count("pk", filter=overdue))
    return OrganisationFigures(
        organisation=organisation,
        decisions_by_outcome=[(labels[o], by_outcome.get(o, 0)) for o in labels],
        shared_without_consent=ShareRecord.objects.filter(
            decision__organisation=organisation,
            decision__outcome=Decision.Outcome.SHARE_WITHOUT_CONSENT,
            shared=True,
        ).count(),
        complaints=Complaint.objects.filter(organisation=organisation).count(),
        not_shared=requests["not_shared"],
        overdue_requests=requests["overdue"],
        awaiting_approval=awaiting_approval,
        median_days_to_decision=statistics.median(days) if days else None,
        decisions_counted=len(days),
    )


DASHBOARD_ROWS = 50
# What a row of a table of requests shows (request_rows in decisions/templatetags/isg.py):
# the dashboard fetches only these columns of its up to 100 requests and their cases.
REQUEST_ROW = ("case", "case__reference", "direction", "counterpart_agency", "status", "due_on")


def dashboard_for(user: User) -> dict[str, Any]:
    """The dashboard's sections for this user's roles (drafts and open requests come apart)."""
    roles = roles_of(user)
    sections: dict[str, Any] = {}
    if roles & {Role.PRACTITIONER, Role.MANAGER}:
        sections["my_follow_ups"] = list(my_follow_ups(user)[:DASHBOARD_ROWS])
        sections["my_decisions"] = list(my_decisions_in_progress(user)[:DASHBOARD_ROWS])
    if roles & {Role.PRACTITIONER, Role.MANAGER, Role.LEAD}:
        late = exchange_overdue_for(user)
        if any(late.values()):
            sections["exchange_overdue"] = late
    if Role.MANAGER in roles:
        overdue = team_overdue(user)
        queue = approval_queue_count(user)
        sections["manager"] = {
            "approval_count": queue.waiting,
            "approval_count_capped": queue.capped,
            "overdue_requests": list(overdue["requests"].only(*REQUEST_ROW)[:DASHBOARD_ROWS]),
            "overdue_follow_ups": list(overdue["follow_ups"][:DASHBOARD_ROWS]),
        }
    if Role.LEAD in roles:
        sections["figures"] = organisation_figures(user)
    return sections
