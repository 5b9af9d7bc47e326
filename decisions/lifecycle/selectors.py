"""Which decisions and follow-ups a user may see or act on, and the rules for each action:
one function per rule, called by the views, the services, the templates (through context)
and the PDFs alike."""

from typing import Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Case as Case_
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from decisions.cases.selectors import (
    can_write_case,
    cases_for,
    cases_writable_by,
    get_or_404,
    readable_at,
)
from decisions.lifecycle.stage import Lifecycle, lifecycle
from decisions.models import Approval, Case, Decision, FollowUp, ShareRequest
from isg.accounts.models import Role, User
from isg.accounts.roles import has_role, organisations_where
from isg.database import AmongConstants

# --- Rules ------------------------------------------------------------------------------------


def may_approve(user: User, decision: Decision) -> bool:
    """A manager of the decision's organisation who did not make it (never their own)."""
    return decision.decided_by_id != user.pk and has_role(
        user, decision.organisation_id, (Role.MANAGER,)
    )


def may_answer(user: User, state: Lifecycle) -> bool:
    """Someone working on the case answers a manager's open question; not the one who asked."""
    question = state.open_question
    return (
        question is not None
        and question.approver_id != user.pk
        and can_write_case(user, state.decision.case_id)
    )


def may_complete_follow_up(
    user: User, follow_up: FollowUp, *, writes_case: bool | None = None
) -> bool:
    """Its owner, or anyone who may change its case (`writes_case`, when already known for
    this case, saves asking the database again)."""
    if follow_up.owner_id == user.pk:
        return True
    return writes_case if writes_case is not None else can_write_case(user, follow_up.case_id)


def may_unredact(user: User, decision: Decision) -> bool:
    """Only the safeguarding lead of the decision's organisation may print protected names."""
    return user.is_authenticated and has_role(user, decision.organisation_id, (Role.LEAD,))


# --- Decisions --------------------------------------------------------------------------------


def decisions_for(user: User) -> QuerySet[Decision]:
    """Decision records the user may read: those on cases they can see."""
    return Decision.objects.filter(case__in=cases_for(user))


def get_decision_for(user: User, decision_id: Any) -> Decision:
    decisions = decisions_for(user).select_related(
        "case", "organisation", "share_request", "decided_by", "supersedes"
    )
    return get_or_404(decisions, decision_id, "No such decision")


def _final_verdict_exists() -> Exists:
    return Exists(Approval.objects.filter(decision=OuterRef("pk"), verdict__in=Approval.FINAL))


def _open_question_exists() -> Exists:
    return Exists(
        Approval.objects.filter(
            decision=OuterRef("pk"),
            verdict=Approval.Verdict.MORE_INFO,
            response__isnull=True,
        )
    )


def awaiting_verdict(queryset: QuerySet[Decision]) -> QuerySet[Decision]:
    """Decisions that need approval and have neither a verdict nor a successor."""
    return queryset.filter(requires_approval=True, superseded_by__isnull=True).filter(
        ~_final_verdict_exists()
    )


def approval_queue_for(user: User) -> QuerySet[Decision]:
    """What this manager may approve now: their organisations' decisions that need a verdict,
    are not waiting for the practitioner's answer, and are not their own. Most urgent request
    first (immediate, urgent, routine), then the oldest decision."""
    managed = organisations_where(user, (Role.MANAGER,))
    if not managed:
        return Decision.objects.none()
    urgency = Case_(
        When(share_request__urgency="immediate", then=Value(0)),
        When(share_request__urgency="urgent", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    # Driven by the (status, organisation) index of requests: the organisation's requests
    # awaiting approval, whatever the history and the other organisations' backlogs. (Asked
    # of the request's case, it read every organisation's requests awaiting approval on
    # SQLite and hashed every case of the organisation on PostgreSQL: 20 / 30 ms at 100 000
    # cases, tests/decisions/lifecycle/test_approval_queue_plans.py.)
    in_flight = Decision.objects.filter(
        share_request__status=ShareRequest.Status.AWAITING_APPROVAL,
        share_request__organisation_id__in=managed,
    )
    return (
        awaiting_verdict(in_flight)
        .filter(~_open_question_exists())
        .exclude(decided_by=user)
        .select_related("case", "share_request", "decided_by")
        .annotate(urgency_rank=urgency)
        .order_by("urgency_rank", "decided_at")
    )


# Away from the queue's own page (which gives the whole total), the queue is counted up to
# this many ("100 or more"): at 100 000 cases on SQLite, a backlog of 495 took 35 ms to
# count whole and 12.5 ms to count up to 100.
APPROVAL_COUNT_CAP = 100


class QueueCount(NamedTuple):
    waiting: int
    capped: bool  # the count reached APPROVAL_COUNT_CAP: there may be more


def approval_queue_count(user: User) -> QueueCount:
    """How many decisions wait for this manager's verdict, counted no further than the cap:
    for the dashboard and the page after a verdict."""
    waiting = approval_queue_for(user).order_by()[:APPROVAL_COUNT_CAP].count()
    return QueueCount(waiting, waiting >= APPROVAL_COUNT_CAP)


# What a row of the queue shows (decisions/templatetags/isg.py, approval_rows): not the
# decision's facts, rationale or findings.
QUEUE_COLUMNS = (
    "outcome", "decided_at", "case__reference", "share_request__urgency",
    "decided_by__username", "decided_by__first_name", "decided_by__last_name",
)  # fmt: skip


def approval_queue_page(user: User, number: Any, per_page: int) -> Page:
    """Page `number` of the user's approval queue. The backlog is read once, for its order
    and its size, as ids; then only the page's rows are fetched. (A paginated queryset reads
    it twice, for COUNT(*) and for the page: 2 × 18 ms at 100 000 cases on SQLite.)"""
    order = list(approval_queue_for(user).values_list("pk", flat=True))
    page = Paginator(order, per_page).get_page(number)
    rows = Decision.objects.filter(pk__in=page.object_list).select_related(
        "case", "share_request", "decided_by"
    )
    by_pk = {decision.pk: decision for decision in rows.only(*QUEUE_COLUMNS)}
    page.object_list = [by_pk[pk] for pk in page.object_list]
    return page


def get_decision_to_approve(user: User, decision_id: Any) -> Decision:
    """A decision of an organisation this user manages, whatever its stage; 404 otherwise.

    Own decisions are returned too, so that the page can say plainly why they cannot be
    approved here; the service refuses the verdict itself.
    """
    managed = organisations_where(user, (Role.MANAGER,))
    decisions = (
        decisions_for(user)
        .filter(organisation_id__in=managed, requires_approval=True)
        .select_related("case", "organisation", "share_request", "decided_by", "draft")
    )
    return get_or_404(decisions, decision_id, "No such decision")


def get_decision_to_write(user: User, decision_id: Any) -> Decision:
    """A decision on a case the user may change (to record sharing, answer, follow up)."""
    decisions = Decision.objects.filter(case__in=cases_writable_by(user)).select_related(
        "case", "organisation", "share_request", "decided_by", "draft"
    )
    return get_or_404(decisions, decision_id, "No such decision")


def my_decisions_in_progress(user: User) -> QuerySet[Decision]:
    """The user's own decisions still waiting for a verdict (or for the user's answer)."""
    return (
        awaiting_verdict(Decision.objects.filter(readable_at(user, "case"), decided_by=user))
        .annotate(waiting_for_me=_open_question_exists())
        .select_related("case")
        .order_by("-waiting_for_me", "decided_at")
    )


def decision_actions(user: User, decision: Decision) -> dict[str, Any]:
    """What the decision record page shows after the record itself, and what this user may do."""
    state = lifecycle(decision)
    follow_ups = list(
        decision.follow_ups.select_related("owner", "done_by").order_by("done_at", "due_on")
    )
    writes_case = can_write_case(user, decision.case_id)
    for follow_up in follow_ups:  # all on the decision's case: one question for them all
        follow_up.may_complete = may_complete_follow_up(  # type: ignore[attr-defined]
            user, follow_up, writes_case=writes_case
        )
    return {
        "life": state,
        "follow_ups": follow_ups,
        "can_write": writes_case,
        "can_approve": state.needs_verdict and may_approve(user, decision),
        "can_answer": may_answer(user, state),
        "can_unredact": may_unredact(user, decision),
    }


# --- Follow-ups -------------------------------------------------------------------------------


def follow_up_owners_for(case: Case) -> QuerySet[User]:
    """Who may own a follow-up on this case: anyone of the organisation who can see the case
    (its assigned practitioners, managers and safeguarding leads)."""
    return (
        User.objects.filter(
            Q(memberships__organisation=case.organisation_id)
            & (
                Q(memberships__role__in=(Role.MANAGER, Role.LEAD))
                | Q(memberships__role=Role.PRACTITIONER, assigned_cases=case)
            ),
            is_active=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def follow_ups_for(user: User) -> QuerySet[FollowUp]:
    """Follow-ups on cases the user can see."""
    return FollowUp.objects.filter(case__in=cases_for(user))


def get_follow_up_to_complete(user: User, follow_up_id: Any) -> FollowUp:
    """A follow-up this user may mark done (`may_complete_follow_up`, as a query); 404 otherwise."""
    follow_ups = FollowUp.objects.filter(
        Q(owner=user, case__in=cases_for(user)) | Q(case__in=cases_writable_by(user))
    ).select_related("case", "decision", "owner")
    return get_or_404(follow_ups.distinct(), follow_up_id, "No such follow-up")


def my_follow_ups(user: User) -> QuerySet[FollowUp]:
    """The user's open follow-ups, overdue first (the earliest due date first)."""
    return (
        follow_ups_for(user)
        .filter(owner=user, done_at__isnull=True)
        .select_related("case")
        .order_by("due_on", "created_at")
    )


def team_overdue(user: User) -> dict[str, QuerySet[Any]]:
    """For a manager: overdue requests and follow-ups across the organisations they manage."""
    managed = organisations_where(user, (Role.MANAGER,))
    today = timezone.localdate()
    return {
        "requests": ShareRequest.objects.filter(
            AmongConstants("status", ShareRequest.OPEN_STATUSES),
            case__organisation_id__in=managed,
            due_on__lt=today,
        )
        .select_related("case")
        .order_by("due_on"),
        "follow_ups": FollowUp.objects.filter(
            case__organisation_id__in=managed, done_at__isnull=True, due_on__lt=today
        )
        .select_related("case", "owner")
        .order_by("due_on"),
    }
