from django.urls import path

from decisions import audit_views, lifecycle_views, pdf_views, views, wizard_views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/edit/", views.case_edit, name="case_edit"),
    path("cases/<uuid:case_id>/people/new/", views.person_add, name="person_add"),
    path("cases/<uuid:case_id>/requests/new/", views.request_open, name="request_open"),
    path("requests/<uuid:request_id>/", views.request_detail, name="request_detail"),
    # The safeguarding lead's review of the audit log
    path("audit/", audit_views.audit_list, name="audit_list"),
    path("audit/export.csv", audit_views.audit_export, name="audit_export"),
    path("audit/export.pdf", pdf_views.audit_export_pdf, name="audit_export_pdf"),
    path("audit/<int:sequence>/", audit_views.audit_detail, name="audit_detail"),
    # The decision wizard
    path("requests/<uuid:request_id>/decide/", wizard_views.decision_start, name="decision_start"),
    path("drafts/<uuid:draft_id>/", wizard_views.wizard_resume, name="wizard_resume"),
    path(
        "drafts/<uuid:draft_id>/framework/", wizard_views.wizard_framework, name="wizard_framework"
    ),
    path(
        "drafts/<uuid:draft_id>/questions/<slug:question_id>/",
        wizard_views.wizard_question,
        name="wizard_question",
    ),
    path("drafts/<uuid:draft_id>/steps/<slug:step>/", wizard_views.wizard_step, name="wizard_step"),
    path("drafts/<uuid:draft_id>/check/", wizard_views.wizard_check, name="wizard_check"),
    path("drafts/<uuid:draft_id>/submit/", wizard_views.wizard_submit, name="wizard_submit"),
    path("decisions/<uuid:decision_id>/", wizard_views.decision_detail, name="decision_detail"),
    path("decisions/<uuid:decision_id>/pdf/", pdf_views.decision_pdf, name="decision_pdf"),
    path(
        "decisions/<uuid:decision_id>/submitted/",
        wizard_views.decision_submitted,
        name="decision_submitted",
    ),
    # After submit: approval, what was shared, follow-ups, reconsideration
    path("approvals/", lifecycle_views.approval_queue, name="approval_queue"),
    path(
        "approvals/<uuid:decision_id>/",
        lifecycle_views.approval_verdict,
        name="approval_verdict",
    ),
    path(
        "approvals/<uuid:decision_id>/given/",
        lifecycle_views.approval_given,
        name="approval_given",
    ),
    path("decisions/<uuid:decision_id>/answer/", lifecycle_views.info_answer, name="info_answer"),
    path(
        "decisions/<uuid:decision_id>/shared/", lifecycle_views.record_shared, name="record_shared"
    ),
    path(
        "decisions/<uuid:decision_id>/not-shared/",
        lifecycle_views.record_not_shared,
        name="record_not_shared",
    ),
    path(
        "decisions/<uuid:decision_id>/follow-ups/new/",
        lifecycle_views.follow_up_add,
        name="follow_up_add",
    ),
    path(
        "follow-ups/<uuid:follow_up_id>/done/",
        lifecycle_views.follow_up_done,
        name="follow_up_done",
    ),
    path(
        "decisions/<uuid:decision_id>/reconsider/",
        lifecycle_views.decision_reconsider,
        name="decision_reconsider",
    ),
]
