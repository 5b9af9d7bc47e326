"""Which cases and share requests a user may see or change. Every view, export and PDF
fetches them through these; anything else is a 404, never a 403."""

import itertools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Exists, F, Model, OuterRef, Q, QuerySet
from django.db.models.lookups import In
from django.http import Http404

from decisions.models import (
    Case,
    CaseUserObjectPermission,
    Correction,
    Decision,
    Delivery,
    ExchangeRequest,
    ShareRequest,
)
from isg.accounts.models import Role, User
from isg.accounts.roles import CASE_WRITERS, has_role, organisations_where
from isg.database import AmongConstants, Unindexed

M = TypeVar("M", bound=Model)
T = TypeVar("T")


def _restriction(user: User) -> Q:
    """A restricted case is seen only by those granted it by name and by its organisation's
    safeguarding leads, whatever their role (decisions/exchange/access.py grants it)."""
    granted = CaseUserObjectPermission.objects.filter(
        user=user, permission__codename="view_case"
    ).values("content_object")
    leads = organisations_where(user, (Role.LEAD,))
    allowed = Q(restricted=False) | Q(pk__in=granted)
    return allowed | Q(organisation_id__in=leads) if leads else allowed


# How many times a case's team has changed in this process (decisions/cases/receivers.py):
# a user's cached view of their cases is used only while this has not moved, so a case
# assigned within a request, or in a seeding run that keeps its user objects, is seen at once
# by everyone on the team, and one taken away is no longer seen.
_team_counter = itertools.count(1)
_team_changes = 0


def team_changed() -> None:
    global _team_changes
    _team_changes = next(_team_counter)  # atomic, unlike += between threads


def _cached(user: User, key: str, build: Callable[[], T]) -> T:
    """`build()`, kept on the user object (the request's) until a case's team changes."""
    kept = getattr(user, key, None)
    if kept is None or kept[0] != _team_changes:
        kept = (_team_changes, build())
        setattr(user, key, kept)
    return kept[1]


# Up to this many assigned cases are named in each query by id; beyond it (no caseload is
# that large) they are asked for by subquery, as correct but slower on SQLite.
ASSIGNED_BY_ID = 500


def _assigned_cases(user: User, narrow: list[int]) -> Q:
    """The user's assigned cases in the `narrow` organisations.

    Read once, from the user's assignments (their own index), and named by id: given the
    case's `organisation IN (...)` beside `pk IN (assignments)`, SQLite's planner, without
    statistics, walked every case of the organisation to find the user's forty.
    """
    assigned = Case.assigned.through.objects.filter(user=user)
    pairs = _cached(  # one read per request, for reading and for writing
        user,
        "_isg_assigned",
        lambda: list(
            assigned.values_list("case_id", "case__organisation_id")[: ASSIGNED_BY_ID + 1]
        ),
    )
    if len(pairs) <= ASSIGNED_BY_ID:
        return Q(pk__in=[case for case, organisation in pairs if organisation in narrow])
    return Q(organisation_id__in=narrow, pk__in=assigned.values("case_id"))


def _visible(user: User, wide: list[int], narrow: list[int]) -> Q:
    """All cases of the `wide` organisations, and those of the `narrow` ones the user is
    assigned to, less the restricted ones they may not see: a condition on a case.

    Built once per request and kept on the user object, as organisations_where keeps the
    memberships: a page filters by it in up to six places, and building the filter cost as
    much as running it. Assignment is asked as `pk IN (...)`, not through a join, so each
    case comes once and the query needs no wrapping `pk IN (...)` to be distinct.
    """
    visible = Q(organisation_id__in=wide) if wide else Q()
    if narrow:
        visible |= _assigned_cases(user, narrow)
    return visible & _restriction(user)


def _rule(user: User, key: str, roles_wide: tuple, roles_narrow: tuple) -> Q | None:
    """The rule as a condition on a case, or None where the user may see no case."""
    if not user.is_authenticated:
        return None

    def build() -> Q | None:
        wide = organisations_where(user, roles_wide)
        narrow = organisations_where(user, roles_narrow)
        return _visible(user, wide, narrow) if wide or narrow else None

    return _cached(user, key, build)


READ_ROLES = ((Role.MANAGER, Role.LEAD), (Role.PRACTITIONER,))  # (all cases, assigned only)
WRITE_ROLES = ((Role.MANAGER,), (Role.PRACTITIONER,))


def _cached_cases(user: User, key: str, roles_wide: tuple, roles_narrow: tuple) -> QuerySet[Case]:
    def build() -> QuerySet[Case]:
        rule = _rule(user, key, roles_wide, roles_narrow)
        return Case.objects.none() if rule is None else Case.objects.filter(rule)

    # The queryset is kept too, its filter built once: a copy is handed out, never the kept one.
    return _cached(user, f"{key}_queryset", build).all()


def _on(rule: Q, path: str) -> Q:
    """`rule`, a condition on a case, as one on the case at `path` of another model.

    The case's organisation is `Unindexed` on SQLite, so that its planner starts from the
    other model's own indexes (a request's status, a decision's author) and not from every
    case of the organisation; the rule is the same."""
    on = Q(_connector=rule.connector, _negated=rule.negated)
    for child in rule.children:
        if isinstance(child, Q):
            on.children.append(_on(child, path))
        elif isinstance(child, tuple) and child[0] == "organisation_id__in":
            unindexed: Any = In(Unindexed(F(f"{path}__organisation_id")), child[1])
            on.children.append(unindexed)  # a lookup is a condition, as a Q's children are
        elif isinstance(child, tuple):
            lookup, value = child
            on.children.append((f"{path}__{lookup}", value))
        else:
            raise TypeError(f"not a condition of a Q: {child!r}")
    return on


def readable_at(user: User, path: str) -> Q:
    """`cases_for`'s rule as a condition on the case at `path` of another model (`"case"`
    for a request or a decision). Joined rather than `case IN (SELECT ...)`, so that the
    planner may start from that model's own indexes: given the subquery, SQLite walked all
    25 000 cases of a manager's organisation to find their 50 open requests."""
    rule = _rule(user, "_isg_cases_read", *READ_ROLES)
    return Q(pk__in=[]) if rule is None else _on(rule, path)


def cases_for(user: User) -> QuerySet[Case]:
    """Cases the user may read.

    Practitioners see the cases of their organisation they are assigned to;
    managers and safeguarding leads see all of their organisation's cases.
    Admins see none unless they also hold one of those roles.
    """
    return _cached_cases(user, "_isg_cases_read", *READ_ROLES)


def cases_writable_by(user: User) -> QuerySet[Case]:
    """Cases the user may change: as for reading, but leads only read."""
    return _cached_cases(user, "_isg_cases_write", *WRITE_ROLES)


def can_write_case(user: User, case_id: Any) -> bool:
    """The one rule for changing a case and what hangs off it (requests, decisions' records)."""
    return cases_writable_by(user).filter(pk=case_id).exists()


def may_manage_access(user: User, case: Case) -> bool:
    """The organisation's safeguarding lead restricts a case and names who may see it."""
    return has_role(user, case.organisation_id, (Role.LEAD,))


def can_create_cases(user: User) -> bool:
    return bool(organisations_where(user, CASE_WRITERS))


def get_or_404(queryset: QuerySet[M], pk: Any, message: str) -> M:
    """The one row of `queryset` with this primary key, or a 404 (never a 403): what every
    get_*_for selector returns. A key that is not a valid id is no such row either."""
    try:
        return queryset.get(pk=pk)
    except (ObjectDoesNotExist, ValueError) as exc:
        raise Http404(message) from exc


def get_case_for(user: User, case_id: Any, *, write: bool = False) -> Case:
    """The case, if this user may see (or change) it; 404 otherwise, never 403."""
    queryset = cases_writable_by(user) if write else cases_for(user)
    return get_or_404(queryset.select_related("organisation"), case_id, "No such case")


def requests_for(user: User) -> QuerySet[ShareRequest]:
    return ShareRequest.objects.filter(readable_at(user, "case"))


def get_request_for(user: User, request_id: Any, *, write: bool = False) -> ShareRequest:
    cases = cases_writable_by(user) if write else cases_for(user)
    requests = ShareRequest.objects.select_related("case", "case__organisation", "opened_by")
    return get_or_404(requests.filter(case__in=cases), request_id, "No such request")


def open_requests_for(user: User) -> QuerySet[ShareRequest]:
    """The user's open requests, those due soonest first (no due date last): in the order of
    the partial index of open requests, which SQLite uses when it sees the statuses."""
    return (
        requests_for(user)
        .filter(AmongConstants("status", ShareRequest.OPEN_STATUSES))
        .select_related("case")
        .order_by(F("due_on").asc(nulls_last=True), "received_on")
    )


def current_decision(share_request: ShareRequest) -> Decision | None:
    """The request's decision that stands: the latest one not superseded, or None."""
    return (
        share_request.decisions.filter(superseded_by__isnull=True)
        .order_by("-decided_at")
        .first()
    )


def can_decide(user: User, share_request: ShareRequest) -> bool:
    """A decision may be started on the request: it is open, has no standing decision (a
    change goes through reconsideration, never a second decision), and the user may change
    its case."""
    return (
        share_request.is_open
        and current_decision(share_request) is None
        and can_write_case(user, share_request.case_id)
    )


def exchanges_from(case: Case) -> QuerySet[ExchangeRequest]:
    """Requests this case sent to other organisations (decisions/exchange/)."""
    return case.exchanges_sent.select_related("to_organisation")


def received_into(case: Case) -> QuerySet[Delivery]:
    """Information delivered into this case (in answer, or filed), marked if corrected since.
    Who may open each one is the exchange's rule (exchange.selectors.get_delivery_for)."""
    return (
        Delivery.objects.filter(Q(to_case=case) | Q(filing__case=case))
        .select_related("from_organisation")
        .annotate(corrected=Exists(Correction.objects.filter(delivery=OuterRef("pk"))))
    )
