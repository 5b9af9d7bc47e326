"""Pages of the exchange: the directory, asking, each side's view of a request, taking,
answering and telling. Access through the selectors (404 otherwise), changes through services."""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from decisions.cases.selectors import get_case_for
from decisions.exchange import forms as xf
from decisions.exchange import selectors, services
from decisions.lifecycle.selectors import get_decision_to_write
from decisions.pages import form_page
from decisions.wizard.state import state_for
from isg.accounts.roles import user_of
from isg.ui.forms import posted_data

FORM = "decisions/exchange/form.html"


def exchange_directory(request: HttpRequest) -> HttpResponse:
    if not selectors.may_use_directory(user_of(request)):
        raise Http404("No directory for this user")
    return render(
        request, "decisions/exchange/directory.html", {"entries": selectors.directory()}
    )


@require_http_methods(["GET", "POST"])
def exchange_ask(request: HttpRequest, case_id: UUID) -> HttpResponse:
    user = user_of(request)
    case = get_case_for(user, case_id, write=True)
    form = xf.AskForm(
        posted_data(request),
        organisations=selectors.askable_organisations(user, case.organisation_id),
    )

    def ask(form: xf.AskForm) -> HttpResponse:
        exchange = services.exchange_ask(
            user=user, case=case, to_organisation=form.organisation(), **form.request_fields()
        )
        messages.success(request, f"Request {exchange.reference} sent")
        return redirect("exchange_sent_detail", exchange_id=exchange.pk)

    return form_page(
        request, form, ask, template=FORM, case=case, title="Ask another organisation"
    )


def exchange_sent_detail(request: HttpRequest, exchange_id: UUID) -> HttpResponse:
    """The sender's half: the request, where it stands, and the answer when it comes."""
    exchange = selectors.get_sent_for(user_of(request), exchange_id)
    return render(
        request,
        "decisions/exchange/sent_detail.html",
        {
            "exchange": exchange,
            "case": exchange.from_case,
            "answer": getattr(exchange, "answer", None),
        },
    )


def exchange_incoming(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not selectors.may_use_directory(user):
        raise Http404("No queue for this user")
    queue = selectors.incoming_for(user).select_related("from_organisation", "taken_by")
    return render(
        request,
        "decisions/exchange/incoming.html",
        {
            "open": queue.filter(status__in=selectors.ExchangeRequest.OPEN_STATUSES),
            "answered": queue.filter(status=selectors.ExchangeRequest.Status.ANSWERED)[:50],
        },
    )


def exchange_incoming_detail(request: HttpRequest, exchange_id: UUID) -> HttpResponse:
    """The recipient's half: the request itself (who asks, why, what, by when), never the
    sender's case."""
    user = user_of(request)
    exchange = selectors.get_incoming_for(user, exchange_id)
    return render(
        request,
        "decisions/exchange/incoming_detail.html",
        {
            "exchange": exchange,
            "answer": getattr(exchange, "answer", None),
            "may_take": selectors.may_take(user, exchange),
            "may_answer": selectors.may_answer_exchange(user, exchange),
        },
    )


@require_http_methods(["GET", "POST"])
def exchange_take(request: HttpRequest, exchange_id: UUID) -> HttpResponse:
    user = user_of(request)
    exchange = selectors.get_incoming_for(user, exchange_id)
    back = redirect("exchange_incoming_detail", exchange_id=exchange.pk)
    if not selectors.may_take(user, exchange):
        messages.info(request, "This request has already been taken.")
        return back
    form = xf.TakeForm(posted_data(request), user=user, organisation=exchange.to_organisation)

    def take(form: xf.TakeForm) -> HttpResponse:
        draft = services.exchange_take(user=user, exchange_id=exchange.pk, **form.chosen())
        return redirect(state_for(draft).next_step().url(draft.pk))

    return form_page(
        request,
        form,
        take,
        template=FORM,
        refused=back,
        title=f"Take request {exchange.reference}",
        exchange=exchange,
    )


@require_http_methods(["GET", "POST"])
def exchange_answer(request: HttpRequest, exchange_id: UUID) -> HttpResponse:
    user = user_of(request)
    exchange = selectors.get_incoming_for(user, exchange_id)
    back = redirect("exchange_incoming_detail", exchange_id=exchange.pk)
    if not selectors.may_answer_exchange(user, exchange):
        messages.info(request, "There is no answer to send on this request now.")
        return back
    record = selectors.standing_share_record(exchange)
    assert record is not None  # may_answer_exchange says so
    form: xf.ConfirmForm | xf.RefusalAnswerForm = (
        xf.ConfirmForm(posted_data(request), submit="Deliver the answer")
        if record.shared
        else xf.RefusalAnswerForm(
            posted_data(request), initial={"reasons": record.not_shared_reasons}
        )
    )

    def answer(form: xf.ConfirmForm | xf.RefusalAnswerForm) -> HttpResponse:
        services.exchange_answer(user=user, exchange_id=exchange.pk, **form.cleaned_data)
        messages.success(request, f"Answer sent to {exchange.from_organisation.name}")
        return back

    return form_page(
        request,
        form,
        answer,
        template="decisions/exchange/answer.html",
        refused=back,
        exchange=exchange,
        record=record,
        items=record.decision.answers.get("items", []),
        title=f"Answer request {exchange.reference}",
    )


@require_http_methods(["GET", "POST"])
def exchange_tell(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    """Deliver what a share record says was shared to an organisation in the directory."""
    user = user_of(request)
    decision = get_decision_to_write(user, decision_id)
    back = redirect("decision_detail", decision_id=decision.pk)
    if not selectors.may_tell(user, decision):
        messages.info(request, "Record what was shared before delivering it.")
        return back
    form = xf.TellForm(
        posted_data(request),
        organisations=selectors.askable_organisations(user, decision.organisation_id),
    )

    def tell(form: xf.TellForm) -> HttpResponse:
        delivery = services.exchange_tell(
            user=user, decision=decision, to_organisation=form.organisation()
        )
        messages.success(request, f"Delivered to {delivery.to_organisation.name}")
        return redirect("delivery_detail", delivery_id=delivery.pk)

    return form_page(
        request,
        form,
        tell,
        template=FORM,
        refused=back,
        case=decision.case,
        title="Deliver what was shared to another organisation",
    )
