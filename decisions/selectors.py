"""What a user may see. Every view, export and PDF fetches objects through these."""

from django.db.models import Q, QuerySet
from django.http import Http404

from decisions.models import Case, ShareRequest
from isg.accounts.models import Role, User
from isg.accounts.roles import CASE_WRITERS, organisations_where


def cases_for(user: User) -> QuerySet[Case]:
    """Cases the user may read.

    Practitioners see the cases of their organisation they are assigned to;
    managers and safeguarding leads see all of their organisation's cases.
    Admins see none unless they also hold one of those roles.
    """
    if not user.is_authenticated:
        return Case.objects.none()
    wide = organisations_where(user, (Role.MANAGER, Role.LEAD))
    narrow = organisations_where(user, (Role.PRACTITIONER,))
    if not wide and not narrow:
        return Case.objects.none()
    visible = Q(organisation_id__in=wide) | Q(organisation_id__in=narrow, assigned=user)
    return Case.objects.filter(pk__in=Case.objects.filter(visible).values("pk"))


def cases_writable_by(user: User) -> QuerySet[Case]:
    """Cases the user may change: as for reading, but leads only read."""
    if not user.is_authenticated:
        return Case.objects.none()
    managed = organisations_where(user, (Role.MANAGER,))
    practised = organisations_where(user, (Role.PRACTITIONER,))
    visible = Q(organisation_id__in=managed) | Q(organisation_id__in=practised, assigned=user)
    return Case.objects.filter(pk__in=Case.objects.filter(visible).values("pk"))


def get_case_for(user: User, case_id, *, write: bool = False) -> Case:
    """The case, if this user may see (or change) it; 404 otherwise, never 403."""
    queryset = cases_writable_by(user) if write else cases_for(user)
    try:
        return queryset.select_related("organisation").get(pk=case_id)
    except (Case.DoesNotExist, ValueError) as exc:
        raise Http404("No such case") from exc


def requests_for(user: User) -> QuerySet[ShareRequest]:
    return ShareRequest.objects.filter(case__in=cases_for(user))


def get_request_for(user: User, request_id, *, write: bool = False) -> ShareRequest:
    cases = cases_writable_by(user) if write else cases_for(user)
    try:
        return (
            ShareRequest.objects.select_related("case", "case__organisation", "opened_by")
            .filter(case__in=cases)
            .get(pk=request_id)
        )
    except (ShareRequest.DoesNotExist, ValueError) as exc:
        raise Http404("No such request") from exc


def open_requests_for(user: User) -> QuerySet[ShareRequest]:
    """The user's open requests, those due soonest first (no due date last)."""
    from django.db.models import F

    return (
        requests_for(user)
        .filter(status__in=ShareRequest.OPEN_STATUSES)
        .select_related("case")
        .order_by(F("due_on").asc(nulls_last=True), "received_on")
    )


def can_create_cases(user: User) -> bool:
    return bool(organisations_where(user, CASE_WRITERS))


def decisions_for(user: User) -> QuerySet:
    """Decision records the user may read: those on cases they can see."""
    from decisions.models import Decision

    return Decision.objects.filter(case__in=cases_for(user))


def get_decision_for(user: User, decision_id):
    from decisions.models import Decision

    try:
        return (
            decisions_for(user)
            .select_related("case", "organisation", "share_request", "decided_by", "supersedes")
            .get(pk=decision_id)
        )
    except Decision.DoesNotExist as exc:
        raise Http404("No such decision") from exc


def drafts_for(user: User) -> QuerySet:
    """The user's own unsubmitted drafts, on cases they can still change."""
    from decisions.models import DecisionDraft

    return DecisionDraft.objects.filter(
        owner=user,
        decision__isnull=True,
        share_request__case__in=cases_writable_by(user),
    ).select_related("share_request", "share_request__case")


def get_draft_for(user: User, draft_id):
    """A draft is its owner's alone: anyone else gets 404."""
    from decisions.models import DecisionDraft

    try:
        return (
            DecisionDraft.objects.filter(
                owner=user, share_request__case__in=cases_writable_by(user)
            )
            .select_related(
                "share_request", "share_request__case", "share_request__case__organisation"
            )
            .get(pk=draft_id)
        )
    except DecisionDraft.DoesNotExist as exc:
        raise Http404("No such draft") from exc


def audit_organisations_for(user: User) -> list[int]:
    """Organisations whose audit log the user may review: as safeguarding lead or admin."""
    return organisations_where(user, (Role.LEAD, Role.ADMIN))


def audit_entries_for(user: User) -> QuerySet:
    """Audit entries the user may review; none for anyone else."""
    from decisions.models import AuditEntry

    return AuditEntry.objects.filter(organisation_id__in=audit_organisations_for(user))
