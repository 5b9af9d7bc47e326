"""The lead's retention page and holds; a person's disclosure log (docs/retention.md)."""

from django.urls import path

from decisions.retention import views

urlpatterns = [
    path("retention/", views.retention_overview, name="retention"),
    path("retention/cases/<uuid:case_id>/hold/", views.hold_place, name="retention_hold"),
    path("retention/cases/<uuid:case_id>/lift/", views.hold_lift, name="retention_lift"),
    path("retention/disclosures/", views.disclosure_search, name="disclosure_search"),
    path(
        "retention/people/<uuid:person_id>/disclosures/",
        views.disclosure_page,
        name="disclosure_log",
    ),
    path(
        "retention/people/<uuid:person_id>/disclosures.pdf",
        views.disclosure_pdf,
        name="disclosure_pdf",
    ),
]
