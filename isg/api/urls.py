"""/api/v1/… (the API), /api/schema/ and /api/docs/ (its description), /o/token/ (OAuth 2.0).

The API authenticates each call by its bearer token, not by a session: its views are exempt
from the sign-in middleware (LoginRequiredMiddleware) and from CSRF (DRF's own views are)."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView
from oauth2_provider import views as oauth_views

from isg.api.docs import ApiDocs
from isg.api.views import audit_log, cases, decisions, frameworks, webhooks


def open_view(view: Any) -> Callable[..., Any]:
    return login_not_required(view.as_view())


# A case's and a decision's sub-resources, under their /cases/<id>/ and /decisions/<id>/.
case: list[URLPattern] = [
    path("", open_view(cases.CaseDetail), name="api_case"),
    path("people/", open_view(cases.CasePeople), name="api_case_people"),
    path("requests/", open_view(cases.CaseRequests), name="api_case_requests"),
    path("exchanges/", open_view(cases.CaseExchanges), name="api_case_exchanges"),
]
decision: list[URLPattern] = [
    path("", open_view(decisions.DecisionDetail), name="api_decision"),
    path("follow-ups/", open_view(decisions.DecisionFollowUps), name="api_decision_follow_ups"),
    path("pdf/", open_view(decisions.DecisionPdf), name="api_decision_pdf"),
    path("fhir/", open_view(decisions.DecisionFhir), name="api_decision_fhir"),
    path("audit-proof/", open_view(decisions.DecisionAuditProof), name="api_decision_audit_proof"),
]

v1: list[URLPattern | URLResolver] = [
    path("cases/", open_view(cases.CaseList), name="api_cases"),
    path("cases/<uuid:case_id>/", include(case)),
    path("requests/<uuid:request_id>/", open_view(cases.RequestDetail), name="api_request"),
    path("directory/", open_view(cases.Directory), name="api_directory"),
    path("exchanges/<uuid:exchange_id>/", open_view(cases.ExchangeDetail), name="api_exchange"),
    path("decisions/", open_view(decisions.DecisionList), name="api_decisions"),
    path("decisions/<uuid:decision_id>/", include(decision)),
    path("follow-ups/", open_view(decisions.FollowUpList), name="api_follow_ups"),
    path("frameworks/", open_view(frameworks.FrameworkList), name="api_frameworks"),
    path("frameworks/<slug:slug>/", open_view(frameworks.FrameworkDetail), name="api_framework"),
    path(
        "frameworks/<slug:slug>/decide/", open_view(frameworks.Decide), name="api_framework_decide"
    ),
    path("audit/", open_view(audit_log.AuditLog), name="api_audit"),
    path("webhooks/", open_view(webhooks.WebhookList), name="api_webhooks"),
    path("webhooks/<uuid:endpoint_id>/", open_view(webhooks.WebhookDetail), name="api_webhook"),
    path(
        "webhooks/<uuid:endpoint_id>/deliveries/",
        open_view(webhooks.WebhookDeliveries),
        name="api_webhook_deliveries",
    ),
]

urlpatterns = [
    path("api/v1/", include(v1)),
    path(
        "api/schema/",
        login_not_required(SpectacularAPIView.as_view(authentication_classes=[])),
        name="api_schema",
    ),
    # DRF exempts its views from the sign-in middleware: the docs ask for sign-in themselves.
    path("api/docs/", login_required(ApiDocs.as_view()), name="api_docs"),
    # Only the token endpoint (and revocation): no authorisation-code flow for people.
    path("o/token/", login_not_required(oauth_views.TokenView.as_view()), name="api_token"),
    path(
        "o/revoke_token/",
        login_not_required(oauth_views.RevokeTokenView.as_view()),
        name="api_revoke_token",
    ),
]
