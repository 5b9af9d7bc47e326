"""Pages of deliveries: the inbox, one delivery (with its corrections beside it), filing,
acknowledging and correcting; and complaints about a decision."""

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from decisions.exchange import deliveries as services
from decisions.exchange import forms as xf
from decisions.exchange import selectors
from decisions.lifecycle.selectors import get_decision_for
from decisions.lifecycle.services import NotNow
from decisions.pages import form_page
from isg.accounts.roles import organisations_where, user_of
from isg.ui.forms import posted_data

FORM = "decisions/exchange/form.html"


def exchange_inbox(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    if not organisations_where(user, selectors.DUTY):
        raise Http404("Managers and leads read the inbox")
    return render(
        request, "decisions/exchange/inbox.html", {"deliveries": selectors.inbox_for(user)}
    )


def delivery_detail(request: HttpRequest, delivery_id: UUID) -> HttpResponse:
    user = user_of(request)
    delivery = selectors.get_delivery_for(user, delivery_id)
    return render(
        request,
        "decisions/exchange/delivery_detail.html",
        {
            "delivery": delivery,
            "corrections": delivery.corrections.select_related("corrected_by"),
            "receipt": getattr(delivery, "receipt", None),
            "recipient_case": delivery.recipient_case,
            "may_acknowledge": selectors.may_acknowledge(user, delivery),
            "may_file": selectors.may_file(user, delivery),
            "may_correct": selectors.may_correct(user, delivery),
        },
    )


@require_http_methods(["GET", "POST"])
def delivery_acknowledge(request: HttpRequest, delivery_id: UUID) -> HttpResponse:
    """POST acknowledges; a GET goes back to the delivery, where the button is."""
    user = user_of(request)
    delivery = selectors.get_delivery_for(user, delivery_id)
    if request.method == "POST":
        try:
            services.delivery_acknowledge(user=user, delivery=delivery)
        except NotNow as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, "Receipt acknowledged: the sender can see it")
    return redirect("delivery_detail", delivery_id=delivery.pk)


@require_http_methods(["GET", "POST"])
def delivery_file(request: HttpRequest, delivery_id: UUID) -> HttpResponse:
    user = user_of(request)
    delivery = selectors.get_delivery_for(user, delivery_id)
    back = redirect("delivery_detail", delivery_id=delivery.pk)
    if not selectors.may_file(user, delivery):
        messages.info(request, "This delivery is not waiting to be filed by you.")
        return back
    form = xf.FileForm(posted_data(request), user=user, organisation=delivery.to_organisation)

    def file(form: xf.FileForm) -> HttpResponse:
        filing = services.delivery_file(user=user, delivery=delivery, **form.chosen())
        messages.success(request, f"Filed to case {filing.case.reference}")
        return back

    return form_page(
        request,
        form,
        file,
        template=FORM,
        refused=back,
        title=f"File information {delivery.reference}",
        delivery=delivery,
    )


@require_http_methods(["GET", "POST"])
def delivery_correct(request: HttpRequest, delivery_id: UUID) -> HttpResponse:
    user = user_of(request)
    delivery = selectors.get_delivery_for(user, delivery_id)
    if not selectors.may_correct(user, delivery):
        raise Http404("Only the sender corrects a delivery")

    def correct(form: xf.CorrectionForm) -> HttpResponse:
        services.delivery_correct(
            user=user, delivery=delivery, correction=form.cleaned_data["correction"]
        )
        messages.success(request, "Correction recorded: every recipient is told")
        return redirect("delivery_detail", delivery_id=delivery.pk)

    return form_page(
        request,
        xf.CorrectionForm(posted_data(request)),
        correct,
        template=FORM,
        title=f"Correct information {delivery.reference}",
        delivery=delivery,
    )


@require_http_methods(["GET", "POST"])
def complaint_add(request: HttpRequest, decision_id: UUID) -> HttpResponse:
    user = user_of(request)
    decision = get_decision_for(user, decision_id)
    if not selectors.may_complain(user, decision):
        raise Http404("The safeguarding lead records complaints")
    back = redirect("decision_detail", decision_id=decision.pk)

    def complain(form: xf.ComplaintForm) -> HttpResponse:
        services.complaint_record(user=user, decision=decision, **form.cleaned_data)
        messages.success(request, "Complaint recorded")
        return back

    return form_page(
        request,
        xf.ComplaintForm(posted_data(request)),
        complain,
        template=FORM,
        refused=back,
        case=decision.case,
        title="Record a complaint about this decision",
    )
