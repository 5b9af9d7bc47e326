from django.urls import path

from decisions.audit import views
from decisions.pdf import views as pdf_views

urlpatterns = [
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("audit/export.pdf", pdf_views.audit_export_pdf, name="audit_export_pdf"),
    path("audit/<int:sequence>/", views.audit_detail, name="audit_detail"),
    path("audit/verify/", views.audit_verify_start, name="audit_verify_start"),
    path("audit/verify/<int:run_id>/", views.audit_verify_run, name="audit_verify_run"),
]
