"""The decision record page, and after submit: the approval queue and verdicts, answers,
what was shared, follow-ups and reconsideration. Access through selectors, every change
through a service."""

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from decisions.audit.record import record_view
from decisions.lifecycle import forms as lf
from decisions.lifecycle import selectors, services
from decisions.lifecycle.stage import lifecycle, why_not_record
from decisions.models import Approval, Decision
from decisions.pages import form_page
from decisions.wizard.state import state_for
from decisions.wizard.summary import decision_findings
from isg.accounts.models import Role
from isg.accounts.roles import organisations_where, user_of
from isg.accounts.security import recent_auth_required
from isg.ui.forms import posted_data

QUEUE_PER_PAGE = 50
LIFECYCLE_FORM = "decisions/lifecycle/form.html"


def _back_to_decision(request: HttpRequest, decision: Decision, message: str) -> HttpResponse:
    messages.error(request, message)
    return redirect("decision_detail", decision_id=decision.pk)


# --- The approval queue and verdicts ----------------------------------------------------------


def approval_queue(request: HttpRequest) -> HttpResponse:
    if not organisations_where(user_of(request), (Role.MANAGER,)):
        raise Http404("Only managers approve decisions")
    page = selectors.approval_queue_page(user_of(request), request.GET.get("page"), QUEUE_PER_PAGE)
    return render(request, "decisions/approvals/queue.html", {"page": page})


def _verdict_page(request: HttpRequest, decision: Decision, form: lf.VerdictForm) -> HttpResponse:
    state = lifecycle(decision)
    own = decision.decided_by_id == user_of(request).pk
    return render(
        request,
        "decisions/approvals/verdict.html",
        {
            "decision": decision,
            "case": decision.case,
            "life": state,
            "own": own,
            "actionable": state.needs_verdict and selectors.may_approve(user_of(request), decision),
            "form": form,
            **decision_findings(decision),
        },
    )


@require_http_methods(["GET", "POST"])
def approval_verdict(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    """The decision on one page, with approve / reject / ask for more information."""
    decision = selectors.get_decision_to_approve(user_of(request), decision_id)
    return _verdict(request, decision)


@recent_auth_required  # asked before the form, so a manager never loses what they typed
def _verdict(request: HttpRequest, decision: Decision) -> HttpResponse:
    if request.method == "POST":
        return _give_verdict(request, decision)
    return _verdict_page(request, decision, lf.VerdictForm())


def _give_verdict(request: HttpRequest, decision: Decision) -> HttpResponse:
    form = lf.VerdictForm(request.POST)
    if not form.is_valid():
        return _verdict_page(request, decision, form)
    try:
        services.decision_verdict(
            decision=decision,
            approver=user_of(request),
            verdict=form.cleaned_data["verdict"],
            reasons=form.cleaned_data["reasons"],
        )
    except (PermissionDenied, services.NotNow) as refused:
        messages.error(request, str(refused))
        return redirect("approval_verdict", decision_id=decision.pk)
    return redirect("approval_given", decision_id=decision.pk)


def approval_given(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    """Confirmation: the verdict (or question) this manager just gave."""
    decision = selectors.get_decision_to_approve(user_of(request), decision_id)
    given = (
        Approval.objects.filter(decision=decision, approver=user_of(request))
        .order_by("-created_at")
        .first()
    )
    if given is None:
        return redirect("approval_verdict", decision_id=decision.pk)
    return render(
        request,
        "decisions/approvals/given.html",
        {
            "decision": decision,
            "approval": given,
            "queue": selectors.approval_queue_count(user_of(request)),
        },
    )


# --- The practitioner's side ------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def info_answer(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = selectors.get_decision_to_write(user_of(request), decision_id)
    state = lifecycle(decision)
    question = state.open_question
    if question is None:
        messages.info(request, "There is no question waiting for an answer on this decision.")
        return redirect("decision_detail", decision_id=decision.pk)
    if not selectors.may_answer(user_of(request), state):
        messages.info(request, "You asked this question: someone working on the case answers it.")
        return redirect("decision_detail", decision_id=decision.pk)

    def answer(form: lf.AnswerForm) -> HttpResponse:
        services.info_answer(
            decision=decision, user=user_of(request), answer=form.cleaned_data["answer"]
        )
        messages.success(request, "Answer sent: the decision is back with the managers")
        return redirect("decision_detail", decision_id=decision.pk)

    return form_page(
        request,
        lf.AnswerForm(posted_data(request)),
        answer,
        template="decisions/lifecycle/answer.html",
        refused=redirect("decision_detail", decision_id=decision.pk),
        decision=decision,
        case=decision.case,
        question=question,
    )


def _record_page(request: HttpRequest, decision_id: UUID, *, shared: bool) -> HttpResponse:
    decision = selectors.get_decision_to_write(user_of(request), decision_id)
    refusal = why_not_record(lifecycle(decision), shared=shared)
    if refusal:
        return _back_to_decision(request, decision, refusal)
    form_class = lf.SharedForm if shared else lf.NotSharedForm

    def record(form: lf.SharedForm | lf.NotSharedForm) -> HttpResponse:
        fields = (
            form.share_fields() if isinstance(form, lf.SharedForm) else form.not_shared_fields()
        )
        services.share_record(
            decision=decision,
            user=user_of(request),
            shared=shared,
            follow_up=form.follow_up(),
            **fields,
        )
        messages.success(
            request, "What was shared is recorded" if shared else "Not sharing is recorded"
        )
        return redirect("decision_detail", decision_id=decision.pk)

    return form_page(
        request,
        form_class(posted_data(request), decision=decision),
        record,
        template=LIFECYCLE_FORM,
        refused=redirect("decision_detail", decision_id=decision.pk),
        decision=decision,
        case=decision.case,
        title="Record what was shared" if shared else "Record that the information was not shared",
    )


@require_http_methods(["GET", "POST"])
def record_shared(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    return _record_page(request, decision_id, shared=True)


@require_http_methods(["GET", "POST"])
def record_not_shared(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    return _record_page(request, decision_id, shared=False)


@require_http_methods(["GET", "POST"])
def follow_up_add(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = selectors.get_decision_to_write(user_of(request), decision_id)

    def add(form: lf.FollowUpForm) -> HttpResponse:
        follow_up = form.follow_up()
        assert follow_up is not None  # FollowUpForm requires the action
        services.follow_up_add(user=user_of(request), decision=decision, **follow_up)
        messages.success(request, "Follow-up added")
        return redirect(reverse("decision_detail", args=[decision.pk]) + "#follow-ups")

    return form_page(
        request,
        lf.FollowUpForm(posted_data(request), decision=decision),
        add,
        template=LIFECYCLE_FORM,
        decision=decision,
        case=decision.case,
        title="Add a follow-up",
    )


@require_http_methods(["GET", "POST"])
def follow_up_done(request: HttpRequest, follow_up_id: UUID) -> HttpResponse:
    follow_up = selectors.get_follow_up_to_complete(user_of(request), follow_up_id)
    if request.method == "POST":
        services.follow_up_done(user=user_of(request), follow_up=follow_up)
        messages.success(request, "Follow-up marked as done")
        return redirect(reverse("decision_detail", args=[follow_up.decision_id]) + "#follow-ups")
    return render(
        request,
        "decisions/lifecycle/follow_up_done.html",
        {"follow_up": follow_up, "case": follow_up.case},
    )


@require_http_methods(["GET", "POST"])
def decision_reconsider(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = selectors.get_decision_to_write(user_of(request), decision_id)
    if lifecycle(decision).superseded_by is not None:
        return _back_to_decision(request, decision, "This decision has already been reconsidered.")
    if request.method == "POST":
        try:
            draft = services.reconsider_start(user=user_of(request), decision=decision)
        except (PermissionDenied, services.NotNow) as refused:
            return _back_to_decision(request, decision, str(refused))
        return redirect(state_for(draft).next_step().url(draft.pk))
    return render(
        request,
        "decisions/lifecycle/reconsider.html",
        {"decision": decision, "case": decision.case},
    )


def decision_submitted(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = selectors.get_decision_for(user_of(request), decision_id)
    return render(request, "decisions/decision_submitted.html", {"decision": decision})


def decision_detail(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    decision = selectors.get_decision_for(user_of(request), decision_id)
    record_view(user_of(request), decision, decision.case)
    return render(
        request,
        "decisions/decision_detail.html",
        {
            "decision": decision,
            "case": decision.case,
            **decision_findings(decision),
            "superseded_by": getattr(decision, "superseded_by", None),
            **selectors.decision_actions(user_of(request), decision),
        },
    )
