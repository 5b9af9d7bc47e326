"""/api/v1/… (the API), /api/schema/ and /api/docs/ (its description), /o/token/ (OAuth 2.0).

The API authenticates each call by its bearer token, not by a session: its views are exempt
from the sign-in middleware (LoginRequiredMiddleware) and from CSRF (DRF's own views are)."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_not_required, login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from oauth2_provider import views as oauth_views

from isg.api import views
from isg.api.docs import ApiDocs


def open_view(view: Any) -> Callable[..., Any]:
    return login_not_required(view.as_view())


v1 = [
    path("cases/", open_view(views.CaseList), name="api_cases"),
    path("cases/<uuid:case_id>/", open_view(views.CaseDetail), name="api_case"),
    path("cases/<uuid:case_id>/people/", open_view(views.CasePeople), name="api_case_people"),
    path(
        "cases/<uuid:case_id>/requests/", open_view(views.CaseRequests), name="api_case_requests"
    ),
    path(
        "cases/<uuid:case_id>/exchanges/",
        open_view(views.CaseExchanges),
        name="api_case_exchanges",
    ),
    path("requests/<uuid:request_id>/", open_view(views.RequestDetail), name="api_request"),
    path("directory/", open_view(views.Directory), name="api_directory"),
    path("exchanges/<uuid:exchange_id>/", open_view(views.ExchangeDetail), name="api_exchange"),
    path("decisions/", open_view(views.DecisionList), name="api_decisions"),
    path("decisions/<uuid:decision_id>/", open_view(views.DecisionDetail), name="api_decision"),
    path(
        "decisions/<uuid:decision_id>/follow-ups/",
        open_view(views.DecisionFollowUps),
        name="api_decision_follow_ups",
    ),
    path(
        "decisions/<uuid:decision_id>/pdf/", open_view(views.DecisionPdf), name="api_decision_pdf"
    ),
    path(
        "decisions/<uuid:decision_id>/fhir/",
        open_view(views.DecisionFhir),
        name="api_decision_fhir",
    ),
    path(
        "decisions/<uuid:decision_id>/audit-proof/",
        open_view(views.DecisionAuditProof),
        name="api_decision_audit_proof",
    ),
    path("follow-ups/", open_view(views.FollowUpList), name="api_follow_ups"),
    path("frameworks/", open_view(views.FrameworkList), name="api_frameworks"),
    path("frameworks/<slug:slug>/", open_view(views.FrameworkDetail), name="api_framework"),
    path(
        "frameworks/<slug:slug>/decide/", open_view(views.Decide), name="api_framework_decide"
    ),
    path("audit/", open_view(views.AuditLog), name="api_audit"),
    path("webhooks/", open_view(views.WebhookList), name="api_webhooks"),
    path("webhooks/<uuid:endpoint_id>/", open_view(views.WebhookDetail), name="api_webhook"),
    path(
        "webhooks/<uuid:endpoint_id>/deliveries/",
        open_view(views.WebhookDeliveries),
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
