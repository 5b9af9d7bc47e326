from django.urls import path

from decisions.lifecycle import views

urlpatterns = [
    path("decisions/<uuid:decision_id>/", views.decision_detail, name="decision_detail"),
    path(
        "decisions/<uuid:decision_id>/submitted/",
        views.decision_submitted,
        name="decision_submitted",
    ),
    path("approvals/", views.approval_queue, name="approval_queue"),
    path("approvals/<uuid:decision_id>/", views.approval_verdict, name="approval_verdict"),
    path("approvals/<uuid:decision_id>/given/", views.approval_given, name="approval_given"),
    path("decisions/<uuid:decision_id>/answer/", views.info_answer, name="info_answer"),
    path("decisions/<uuid:decision_id>/shared/", views.record_shared, name="record_shared"),
    path(
        "decisions/<uuid:decision_id>/not-shared/",
        views.record_not_shared,
        name="record_not_shared",
    ),
    path(
        "decisions/<uuid:decision_id>/follow-ups/new/",
        views.follow_up_add,
        name="follow_up_add",
    ),
    path("follow-ups/<uuid:follow_up_id>/done/", views.follow_up_done, name="follow_up_done"),
    path(
        "decisions/<uuid:decision_id>/reconsider/",
        views.decision_reconsider,
        name="decision_reconsider",
    ),
]
