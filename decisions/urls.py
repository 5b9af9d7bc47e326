"""Every page of the decisions app, gathered from its feature packages (same URLs and names)."""

from django.urls import path

from decisions.audit.urls import urlpatterns as audit_urls
from decisions.cases.urls import urlpatterns as case_urls
from decisions.dashboard.urls import urlpatterns as dashboard_urls
from decisions.exchange.urls import urlpatterns as exchange_urls
from decisions.lifecycle.urls import urlpatterns as lifecycle_urls
from decisions.pdf import views as pdf_views
from decisions.reports.urls import urlpatterns as report_urls
from decisions.retention.urls import urlpatterns as retention_urls
from decisions.wizard.urls import urlpatterns as wizard_urls

urlpatterns = [
    *dashboard_urls,
    *case_urls,
    *audit_urls,
    *wizard_urls,
    *lifecycle_urls,
    *exchange_urls,
    *report_urls,
    *retention_urls,
    path("decisions/<uuid:decision_id>/pdf/", pdf_views.decision_pdf, name="decision_pdf"),
    path(
        "decisions/<uuid:decision_id>/proof.json",
        pdf_views.decision_proof,
        name="decision_proof",
    ),
]
