"""The dashboard: the first page after signing in."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from decisions.cases import selectors as case_selectors
from decisions.dashboard.selectors import DASHBOARD_ROWS, REQUEST_ROW, dashboard_for
from decisions.wizard.selectors import drafts_for
from isg.accounts.roles import user_of


def dashboard(request: HttpRequest) -> HttpResponse:
    open_requests = case_selectors.open_requests_for(user_of(request)).only(*REQUEST_ROW)
    open_requests = open_requests[:DASHBOARD_ROWS]
    return render(
        request,
        "decisions/dashboard.html",
        {
            "open_requests": open_requests,
            "drafts": drafts_for(user_of(request))[:20],
            "can_create_cases": case_selectors.can_create_cases(user_of(request)),
            **dashboard_for(user_of(request)),
        },
    )
