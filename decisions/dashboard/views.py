"""The dashboard: the first page after signing in."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from decisions.cases import selectors as case_selectors
from decisions.dashboard.selectors import dashboard_for
from decisions.wizard.selectors import drafts_for


def dashboard(request: HttpRequest) -> HttpResponse:
    open_requests = case_selectors.open_requests_for(request.user)[:50]
    return render(
        request,
        "decisions/dashboard.html",
        {
            "open_requests": open_requests,
            "drafts": drafts_for(request.user)[:20],
            "can_create_cases": case_selectors.can_create_cases(request.user),
            **dashboard_for(request.user),
        },
    )
