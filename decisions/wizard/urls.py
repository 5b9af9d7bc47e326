from django.urls import path

from decisions.wizard import views

urlpatterns = [
    path("requests/<uuid:request_id>/decide/", views.decision_start, name="decision_start"),
    path("drafts/<uuid:draft_id>/", views.wizard_resume, name="wizard_resume"),
    path("drafts/<uuid:draft_id>/framework/", views.wizard_framework, name="wizard_framework"),
    path(
        "drafts/<uuid:draft_id>/questions/<slug:question_id>/",
        views.wizard_question,
        name="wizard_question",
    ),
    path("drafts/<uuid:draft_id>/steps/<slug:step>/", views.wizard_step, name="wizard_step"),
    path("drafts/<uuid:draft_id>/check/", views.wizard_check, name="wizard_check"),
    path("drafts/<uuid:draft_id>/submit/", views.wizard_submit, name="wizard_submit"),
]
