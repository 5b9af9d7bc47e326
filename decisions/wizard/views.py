"""The decision wizard's pages: thin views over wizard.state (the flow, worked out once per
request) and wizard.services (every change)."""

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_http_methods

from decisions.cases import selectors as case_selectors
from decisions.models import DecisionDraft
from decisions.wizard import forms as wf
from decisions.wizard import questions, selectors, services, summary
from decisions.wizard import state as wizard
from decisions.wizard.steps import CHECK, DANGER, Step
from decisions.wizard.steps import question as question_step
from guidance import catalogue, engine
from guidance.vocabulary import answer_key
from isg.accounts.roles import user_of
from isg.ui.forms import posted_data


def _draft(request: HttpRequest, draft_id: UUID) -> DecisionDraft:
    return selectors.get_draft_for(user_of(request), draft_id)


def _go(draft: DecisionDraft, step: Step) -> HttpResponse:
    return redirect(step.url(draft.pk))


def _after_save(fresh: wizard.State) -> HttpResponse:
    """Go on to the next step, worked out from the state after the save."""
    if fresh.facts.get("immediate_danger") is True and not fresh.is_complete(DANGER):
        return _go(fresh.draft, DANGER)
    return _go(fresh.draft, fresh.next_step())


def _back_url(state: wizard.State, step: Step) -> str:
    previous = state.previous_step(step)
    if previous is None:
        if not state.facts:
            return reverse("wizard_framework", args=[state.draft.pk])
        return reverse("request_detail", args=[state.draft.share_request_id])
    return previous.url(state.draft.pk)


def _submitted_redirect(draft: DecisionDraft) -> HttpResponse | None:
    decision = getattr(draft, "decision", None) if draft.pk else None
    if decision is not None:
        return redirect("decision_detail", decision_id=decision.pk)
    return None


def _page(
    request: HttpRequest, state: wizard.State, current: Step, template: str, **context: Any
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "draft": state.draft,
            "case": state.draft.share_request.case,
            "share_request": state.draft.share_request,
            "definition": state.definition,
            "result": state.result,
            "back_url": _back_url(state, current),
            "step": current.slug,
            "progress": state.position(current),
            "return_to": request.GET.get("return", ""),
            "explanation": summary.explanation(state),
            "warnings": summary.warning_texts(state.result.warnings),
            **context,
        },
    )


@require_http_methods(["GET", "POST"])
def decision_start(request: HttpRequest, request_id: UUID) -> HttpResponse:
    """Start (or resume) the user's draft decision on a share request."""
    share_request = case_selectors.get_request_for(user_of(request), request_id, write=True)
    standing = case_selectors.current_decision(share_request)
    if standing is not None:
        messages.info(
            request,
            "This request already has a decision. To change it, reconsider that decision.",
        )
        return redirect("decision_detail", decision_id=standing.pk)
    if request.method == "POST":
        draft = services.draft_start(user=user_of(request), share_request=share_request)
        return _go(draft, wizard.state_for(draft).next_step())
    existing = selectors.drafts_for(user_of(request)).filter(share_request=share_request).first()
    return render(
        request,
        "decisions/wizard/start.html",
        {
            "share_request": share_request,
            "case": share_request.case,
            "existing": existing,
            "framework": catalogue.definition(share_request.case.organisation.default_framework),
        },
    )


def wizard_resume(request: HttpRequest, draft_id: UUID) -> HttpResponse:
    """Where the user left off: the first step still to answer (from the dashboard)."""
    draft = _draft(request, draft_id)
    if done := _submitted_redirect(draft):
        return done
    return _go(draft, wizard.state_for(draft).next_step())


@require_http_methods(["GET", "POST"])
def wizard_framework(request: HttpRequest, draft_id: UUID) -> HttpResponse:
    draft = _draft(request, draft_id)
    if done := _submitted_redirect(draft):
        return done
    form = questions.FrameworkForm(posted_data(request), initial={"framework": draft.framework})
    if draft.facts:
        messages.info(request, "The framework cannot change once a question is answered.")
        return _go(draft, wizard.state_for(draft).next_step())
    if request.method == "POST" and form.is_valid():
        services.draft_set_framework(draft=draft, slug=form.cleaned_data["framework"])
        return _go(draft, wizard.state_for(draft).next_step())
    return render(
        request,
        "decisions/wizard/framework.html",
        {
            "form": form,
            "draft": draft,
            "case": draft.share_request.case,
            "back_url": reverse("request_detail", args=[draft.share_request_id]),
        },
    )


@require_http_methods(["GET", "POST"])
def wizard_question(request: HttpRequest, draft_id: UUID, question_id: str) -> HttpResponse:
    """One framework question. A valid answer is judged and saved from the state after it, so
    the engine evaluates the draft's facts once per request."""
    draft = _draft(request, draft_id)
    if done := _submitted_redirect(draft):
        return done
    definition = catalogue.definition(draft.framework, draft.framework_version)
    step = question_step(question_id)
    try:
        question = engine.question(definition, question_id)
    except KeyError:
        return _go(draft, wizard.state_for(draft).next_step())
    kind = engine.known_facts(definition)[question["fact"]]
    stored = draft.facts.get(question["fact"])
    initial = {"answer": answer_key(stored)} if question["fact"] in draft.facts else None
    form = questions.question_form(question, kind, data=posted_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        fresh = services.draft_answer(
            draft=draft, fact=question["fact"], value=form.fact_value(), question=step
        )
        if fresh is not None:
            return _after_save(fresh)
    state = wizard.state_for(draft)
    if not state.reachable(step):
        return _go(draft, state.next_step())
    return _page(
        request, state, step, "decisions/wizard/question.html", form=form, question=question
    )


@require_http_methods(["GET", "POST"])
def wizard_step(request: HttpRequest, draft_id: UUID, step: str) -> HttpResponse:
    draft = _draft(request, draft_id)
    if done := _submitted_redirect(draft):
        return done
    found = wizard.step_for_slug(step)
    if found is None:
        raise Http404("No such step")
    return _record_step(request, draft, found)


def _record_step(request: HttpRequest, draft: DecisionDraft, step: Step) -> HttpResponse:
    state = wizard.state_for(draft)
    if not state.reachable(step):
        return _go(draft, state.next_step())
    if request.method == "POST":
        form = wizard.bound_form(state, step, request.POST)
        raw = wizard.raw_answers(request.POST, form)
        if "add-item" in request.POST and _has_nul(raw):
            form.is_valid()  # PostgreSQL cannot store NUL: show the error, keep what was typed
        elif "add-item" in request.POST:
            services.draft_save_step(draft=draft, user=user_of(request), step=step, raw=raw)
            form = _with_extra_item(request.POST)
        elif form.is_valid():
            services.draft_save_step(draft=draft, user=user_of(request), step=step, raw=raw)
            named = wizard.protected_names_in_items(draft)
            if step.slug != "items" or not named or "confirm-protected" in request.POST:
                return _after_save(wizard.state_for(draft, state.result))
    else:
        form = wizard.stored_form(state, step)
    danger = step == DANGER
    template = "decisions/wizard/danger.html" if danger else "decisions/wizard/step.html"
    title = "Someone is in danger now" if danger else wizard.step_title(step.slug)
    return _page(
        request,
        state,
        step,
        template,
        form=form,
        title=title,
        protected_warning=wizard.protected_names_in_items(draft) if step.slug == "items" else [],
        protected_people=draft.share_request.case.people.filter(protect_identity=True)
        if step.slug == "items"
        else [],
        organisation=draft.share_request.case.organisation,
    )


def _has_nul(raw: dict[str, list[str]]) -> bool:
    return any("\x00" in value for values in raw.values() for value in values)


def _with_extra_item(post: MultiValueDict) -> wf.BaseItemFormSet:
    data = post.copy()
    try:  # a hidden field, but posted by the client: never trust it to be a number
        total = max(int(data.get("items-TOTAL_FORMS", "1") or 1), 1)
    except (TypeError, ValueError):
        total = 1
    data["items-TOTAL_FORMS"] = str(min(total + 1, 50))
    # Bound, so every row keeps what was typed, with its error if it has one; the new row is
    # blank and blank rows are valid.
    formset = wf.ItemFormSet(data=data, prefix="items")
    formset.is_valid()
    return formset


@require_http_methods(["GET", "POST"])
def wizard_check(request: HttpRequest, draft_id: UUID) -> HttpResponse:
    draft = _draft(request, draft_id)
    if done := _submitted_redirect(draft):
        return done
    state = wizard.state_for(draft)
    if state.next_step() != CHECK:
        messages.info(request, "Some answers are still needed before you can check them.")
        return _go(draft, state.next_step())
    return _page(
        request,
        state,
        CHECK,
        "decisions/wizard/check.html",
        rows=summary.summary(state),
        protected_warning=wizard.protected_names_in_items(draft),
    )


@require_http_methods(["GET", "POST"])
def wizard_submit(request: HttpRequest, draft_id: UUID) -> HttpResponse:
    draft = _draft(request, draft_id)
    if request.method == "GET":
        return _submitted_redirect(draft) or redirect("wizard_check", draft_id=draft.pk)
    try:
        decision = services.decision_submit(draft=draft, user=user_of(request))
    except services.DraftIncomplete as incomplete:
        messages.info(request, "Some answers are still needed before you can submit.")
        return _go(draft, incomplete.step)
    except services.AlreadyReconsidered as refused:
        messages.error(request, str(refused))
        return redirect("decision_detail", decision_id=draft.supersedes_id)
    return redirect("decision_submitted", decision_id=decision.pk)
