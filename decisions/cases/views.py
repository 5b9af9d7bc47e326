"""Cases, the people connected to them, and share requests: thin views over
cases.selectors (who may see what) and cases.services (every change)."""

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from decisions.cases import selectors, services
from decisions.cases.forms import CaseEditForm, CaseForm, PersonForm, ShareRequestForm
from decisions.cases.history import changes_of
from decisions.pages import form_page
from isg.accounts.models import Organisation
from isg.accounts.roles import CASE_WRITERS, organisations_where, user_of
from isg.ui.forms import posted_data

CASES_PER_PAGE = 25
CASE_FORM = "decisions/case_form.html"


def case_list(request: HttpRequest) -> HttpResponse:
    cases = selectors.cases_for(user_of(request)).select_related("organisation")
    query = request.GET.get("q", "").strip()[:40]
    if query:
        cases = cases.filter(reference__icontains=query)
    page = Paginator(cases.order_by("-created_at"), CASES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "decisions/case_list.html",
        {
            "page": page,
            "query": query,
            "can_create_cases": selectors.can_create_cases(user_of(request)),
        },
    )


def case_detail(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = selectors.get_case_for(user_of(request), case_id)
    return render(
        request,
        "decisions/case_detail.html",
        {
            "case": case,
            "people": case.people.all(),
            "requests": case.requests.select_related("opened_by"),
            "assigned": case.assigned.all(),
            "can_write": selectors.can_write_case(user_of(request), case.pk),
            "can_manage_access": selectors.may_manage_access(user_of(request), case),
            "history": changes_of(case),
            "exchanges_sent": selectors.exchanges_from(case),
            "received": selectors.received_into(case),
        },
    )


@require_http_methods(["GET", "POST"])
def case_create(request: HttpRequest) -> HttpResponse:
    organisation_ids = organisations_where(user_of(request), CASE_WRITERS)
    if not organisation_ids:
        raise Http404("You cannot open cases")
    organisation = Organisation.objects.get(pk=organisation_ids[0])

    def create(form: CaseForm) -> HttpResponse:
        case = services.case_create(
            user=user_of(request), organisation=organisation, **form.cleaned_data
        )
        messages.success(request, f"Case {case.reference} created")
        return redirect("case_detail", case_id=case.pk)

    return form_page(
        request,
        CaseForm(posted_data(request), organisation=organisation),
        create,
        template=CASE_FORM,
        title="Open a case",
    )


@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = selectors.get_case_for(user_of(request), case_id, write=True)

    def update(form: CaseEditForm) -> HttpResponse:
        services.case_update(user=user_of(request), case=case, **form.cleaned_data)
        messages.success(request, "Case updated")
        return redirect("case_detail", case_id=case.pk)

    return form_page(
        request,
        CaseEditForm(posted_data(request), instance=case),
        update,
        template=CASE_FORM,
        case=case,
        title="Edit case",
    )


@require_http_methods(["GET", "POST"])
def person_add(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = selectors.get_case_for(user_of(request), case_id, write=True)

    def add(form: PersonForm) -> HttpResponse:
        person = services.person_add(user=user_of(request), case=case, **form.cleaned_data)
        messages.success(request, f"{person.role_label} added")
        return redirect("case_detail", case_id=case.pk)

    return form_page(
        request,
        PersonForm(posted_data(request)),
        add,
        template=CASE_FORM,
        case=case,
        title="Add a person connected to the case",
    )


@require_http_methods(["GET", "POST"])
def request_open(request: HttpRequest, case_id: UUID) -> HttpResponse:
    case = selectors.get_case_for(user_of(request), case_id, write=True)

    def open_request(form: ShareRequestForm) -> HttpResponse:
        share_request = services.share_request_open(
            user=user_of(request), case=case, **form.cleaned_data
        )
        messages.success(request, "Request opened")
        return redirect("request_detail", request_id=share_request.pk)

    return form_page(
        request,
        ShareRequestForm(posted_data(request)),
        open_request,
        template=CASE_FORM,
        case=case,
        title="Open a share request",
    )


def request_detail(request: HttpRequest, request_id: UUID) -> HttpResponse:
    share_request = selectors.get_request_for(user_of(request), request_id)
    return render(
        request,
        "decisions/request_detail.html",
        {
            "share_request": share_request,
            "case": share_request.case,
            "decisions": share_request.decisions.select_related("decided_by"),
            "can_decide": selectors.can_decide(user_of(request), share_request),
            "history": changes_of(share_request),
        },
    )
