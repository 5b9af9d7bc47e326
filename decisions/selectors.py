"""What a user may see. Every view, export and PDF fetches objects through these."""

import datetime
import statistics
from dataclasses import dataclass

from django.db.models import Case as Case_
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from decisions.models import (
    Approval,
    Case,
    Decision,
    FollowUp,
    InfoResponse,
    ShareRecord,
    ShareRequest,
)
from isg.accounts.models import Organisation, Role, User
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


def current_decision(share_request: ShareRequest):
    """The request's decision that stands: the latest one not superseded, or None."""
    return (
        share_request.decisions.filter(superseded_by__isnull=True)
        .order_by("-decided_at")
        .first()
    )


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


# --- After submit: approvals, sharing, follow-ups -------------------------------------------


class Stage:
    """Where a decision is in its life after submit (derived, never stored: decisions are
    immutable; the approvals, answers and share record written after it say where it is)."""

    AWAITING_APPROVAL = "awaiting_approval"
    WAITING_FOR_ANSWER = "waiting_for_answer"
    REJECTED = "rejected"
    READY = "ready"  # approved, or no approval needed: record what happened
    SHARED = "shared"
    NOT_SHARED = "not_shared"
    SUPERSEDED = "superseded"

    LABELS = {
        AWAITING_APPROVAL: "Awaiting approval",
        WAITING_FOR_ANSWER: "Waiting for an answer to the manager's question",
        REJECTED: "Rejected by a manager",
        READY: "Ready: record what happened",
        SHARED: "Shared",
        NOT_SHARED: "Not shared",
        SUPERSEDED: "Reconsidered",
    }


@dataclass
class Lifecycle:
    """A decision with everything written about it since: verdicts, answers, what was shared."""

    decision: Decision
    approvals: list[Approval]
    share_record: ShareRecord | None
    superseded_by: Decision | None

    @property
    def verdict(self) -> Approval | None:
        return next((a for a in self.approvals if a.is_final), None)

    @property
    def open_question(self) -> Approval | None:
        """The manager's last question, if it has not been answered yet."""
        questions = [a for a in self.approvals if a.verdict == Approval.Verdict.MORE_INFO]
        if questions and not _has_response(questions[-1]):
            return questions[-1]
        return None

    @property
    def approved(self) -> bool:
        verdict = self.verdict
        return verdict is not None and verdict.verdict == Approval.Verdict.APPROVED

    @property
    def settled(self) -> bool:
        """No verdict is outstanding: approved, rejected, or none needed."""
        return not self.decision.requires_approval or self.verdict is not None

    @property
    def needs_verdict(self) -> bool:
        return (
            self.decision.requires_approval
            and self.verdict is None
            and self.superseded_by is None
            and self.open_question is None
        )

    @property
    def may_share(self) -> bool:
        """Sharing may be recorded: the decision shares and is approved or needs no approval."""
        return (
            self.superseded_by is None
            and self.share_record is None
            and self.decision.outcome in SHARING_OUTCOMES
            and (not self.decision.requires_approval or self.approved)
        )

    @property
    def may_record_not_shared(self) -> bool:
        return self.superseded_by is None and self.share_record is None and self.settled

    @property
    def stage(self) -> str:
        if self.superseded_by is not None:
            return Stage.SUPERSEDED
        if self.share_record is not None:
            return Stage.SHARED if self.share_record.shared else Stage.NOT_SHARED
        if self.decision.requires_approval:
            verdict = self.verdict
            if verdict is None:
                if self.open_question is not None:
                    return Stage.WAITING_FOR_ANSWER
                return Stage.AWAITING_APPROVAL
            if verdict.verdict == Approval.Verdict.REJECTED:
                return Stage.REJECTED
        return Stage.READY

    @property
    def stage_label(self) -> str:
        return Stage.LABELS[self.stage]


SHARING_OUTCOMES = frozenset({"share", "share_without_consent", "share_deidentified"})


def _has_response(question: Approval) -> bool:
    try:
        question.response  # noqa: B018  (a reverse one-to-one: raises if there is none)
    except InfoResponse.DoesNotExist:
        return False
    return True


def lifecycle(decision: Decision) -> Lifecycle:
    approvals = list(
        Approval.objects.filter(decision=decision)
        .select_related("approver", "response", "response__answered_by")
        .order_by("created_at")
    )
    return Lifecycle(
        decision=decision,
        approvals=approvals,
        share_record=ShareRecord.objects.filter(decision=decision)
        .select_related("recorded_by")
        .first(),
        superseded_by=Decision.objects.filter(supersedes=decision).first(),
    )


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


def _awaiting_verdict(queryset: QuerySet) -> QuerySet:
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
    # The request's status narrows the search to the few decisions in flight (it is indexed);
    # the checks on the decision itself still decide what is in the queue.
    in_flight = Decision.objects.filter(
        organisation_id__in=managed,
        share_request__status=ShareRequest.Status.AWAITING_APPROVAL,
    )
    return (
        _awaiting_verdict(in_flight)
        .filter(~_open_question_exists())
        .exclude(decided_by=user)
        .select_related("case", "share_request", "decided_by")
        .annotate(urgency_rank=urgency)
        .order_by("urgency_rank", "decided_at")
    )


def get_decision_to_approve(user: User, decision_id) -> Decision:
    """A decision of an organisation this user manages, whatever its stage; 404 otherwise.

    Own decisions are returned too, so that the page can say plainly why they cannot be
    approved here; the service refuses the verdict itself.
    """
    managed = organisations_where(user, (Role.MANAGER,))
    try:
        return (
            decisions_for(user)
            .filter(organisation_id__in=managed, requires_approval=True)
            .select_related("case", "organisation", "share_request", "decided_by", "draft")
            .get(pk=decision_id)
        )
    except Decision.DoesNotExist as exc:
        raise Http404("No such decision") from exc


def can_write_case(user: User, case_id) -> bool:
    return cases_writable_by(user).filter(pk=case_id).exists()


def get_decision_to_write(user: User, decision_id) -> Decision:
    """A decision on a case the user may change (to record sharing, answer, follow up)."""
    try:
        return (
            Decision.objects.filter(case__in=cases_writable_by(user))
            .select_related("case", "organisation", "share_request", "decided_by", "draft")
            .get(pk=decision_id)
        )
    except Decision.DoesNotExist as exc:
        raise Http404("No such decision") from exc


def my_decisions_in_progress(user: User) -> QuerySet[Decision]:
    """The user's own decisions still waiting for a verdict (or for the user's answer)."""
    return (
        _awaiting_verdict(Decision.objects.filter(decided_by=user, case__in=cases_for(user)))
        .annotate(waiting_for_me=_open_question_exists())
        .select_related("case", "share_request")
        .order_by("-waiting_for_me", "decided_at")
    )


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


def get_follow_up_to_complete(user: User, follow_up_id) -> FollowUp:
    """A follow-up its owner, or anyone who may change its case, can mark done; 404 otherwise."""
    try:
        return (
            FollowUp.objects.filter(
                Q(owner=user, case__in=cases_for(user)) | Q(case__in=cases_writable_by(user))
            )
            .select_related("case", "decision", "owner")
            .distinct()
            .get(pk=follow_up_id)
        )
    except (FollowUp.DoesNotExist, ValueError) as exc:
        raise Http404("No such follow-up") from exc


def my_follow_ups(user: User) -> QuerySet[FollowUp]:
    """The user's open follow-ups, overdue first (the earliest due date first)."""
    return (
        follow_ups_for(user)
        .filter(owner=user, done_at__isnull=True)
        .select_related("case", "decision")
        .order_by("due_on", "created_at")
    )


def team_overdue(user: User) -> dict[str, QuerySet]:
    """For a manager: overdue requests and follow-ups across the organisations they manage."""
    managed = organisations_where(user, (Role.MANAGER,))
    today = timezone.localdate()
    return {
        "requests": ShareRequest.objects.filter(
            case__organisation_id__in=managed,
            status__in=ShareRequest.OPEN_STATUSES,
            due_on__lt=today,
        )
        .select_related("case")
        .order_by("due_on"),
        "follow_ups": FollowUp.objects.filter(
            case__organisation_id__in=managed, done_at__isnull=True, due_on__lt=today
        )
        .select_related("case", "owner", "decision")
        .order_by("due_on"),
    }


@dataclass
class OrganisationFigures:
    organisation: Organisation
    decisions_by_outcome: list[tuple[str, int]]
    shared_without_consent: int
    not_shared: int
    overdue_requests: int
    awaiting_approval: int
    median_days_to_decision: float | None
    decisions_counted: int


MEDIAN_WINDOW_DAYS = 365


def organisation_figures(user: User) -> list[OrganisationFigures]:
    """For a safeguarding lead: counts across each organisation they lead.

    Decisions by outcome count current decisions (a reconsidered decision counts once, as its
    latest). The median is over first decisions on requests in the last year: from the day the
    request arrived to the day the first decision on it was made.
    """
    figures = []
    today = timezone.localdate()
    since = timezone.now() - datetime.timedelta(days=MEDIAN_WINDOW_DAYS)
    labels = dict(Decision.Outcome.choices)
    for organisation in Organisation.objects.filter(pk__in=organisations_where(user, (Role.LEAD,))):
        decisions = Decision.objects.filter(organisation=organisation)
        current = decisions.filter(superseded_by__isnull=True)
        by_outcome = dict(current.values_list("outcome").annotate(n=Count("pk")).order_by())
        pairs = decisions.filter(supersedes__isnull=True, decided_at__gte=since).values_list(
            "share_request__received_on", "decided_at"
        )
        days = [(timezone.localdate(decided) - received).days for received, decided in pairs]
        figures.append(
            OrganisationFigures(
                organisation=organisation,
                decisions_by_outcome=[(labels[o], by_outcome.get(o, 0)) for o in labels],
                shared_without_consent=ShareRecord.objects.filter(
                    decision__organisation=organisation,
                    decision__outcome=Decision.Outcome.SHARE_WITHOUT_CONSENT,
                    shared=True,
                ).count(),
                not_shared=ShareRequest.objects.filter(
                    case__organisation=organisation, status=ShareRequest.Status.NOT_SHARED
                ).count(),
                overdue_requests=ShareRequest.objects.filter(
                    case__organisation=organisation,
                    status__in=ShareRequest.OPEN_STATUSES,
                    due_on__lt=today,
                ).count(),
                awaiting_approval=_awaiting_verdict(current).count(),
                median_days_to_decision=statistics.median(days) if days else None,
                decisions_counted=len(days),
            )
        )
    return figures


def decision_actions(user: User, decision: Decision) -> dict:
    """What the decision record page shows after the record itself, and what this user may do."""
    state = lifecycle(decision)
    writer = can_write_case(user, decision.case_id)
    manager = decision.organisation_id in organisations_where(user, (Role.MANAGER,))
    return {
        "life": state,
        "follow_ups": decision.follow_ups.select_related("owner", "done_by").order_by(
            "done_at", "due_on"
        ),
        "can_write": writer,
        "can_approve": manager and state.needs_verdict and decision.decided_by_id != user.pk,
        "can_answer": writer
        and state.open_question is not None
        and state.open_question.approver_id != user.pk,
    }


DASHBOARD_ROWS = 50


def dashboard_for(user: User) -> dict:
    """The dashboard's sections for this user's roles (drafts and open requests come apart)."""
    from isg.accounts.roles import roles_of

    roles = roles_of(user)
    sections: dict = {}
    if roles & {Role.PRACTITIONER, Role.MANAGER}:
        sections["my_follow_ups"] = list(my_follow_ups(user)[:DASHBOARD_ROWS])
        sections["my_decisions"] = list(my_decisions_in_progress(user)[:DASHBOARD_ROWS])
    if Role.MANAGER in roles:
        overdue = team_overdue(user)
        sections["manager"] = {
            "approval_count": approval_queue_for(user).count(),
            "overdue_requests": list(overdue["requests"][:DASHBOARD_ROWS]),
            "overdue_follow_ups": list(overdue["follow_ups"][:DASHBOARD_ROWS]),
        }
    if Role.LEAD in roles:
        sections["figures"] = organisation_figures(user)
    return sections
