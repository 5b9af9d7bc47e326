from django.urls import path

from decisions.exchange import access_views, delivery_views, views

urlpatterns = [
    path("cases/<uuid:case_id>/access/", access_views.case_access, name="case_access"),
    path("directory/", views.exchange_directory, name="exchange_directory"),
    path("cases/<uuid:case_id>/ask/", views.exchange_ask, name="exchange_ask"),
    path(
        "exchange/sent/<uuid:exchange_id>/",
        views.exchange_sent_detail,
        name="exchange_sent_detail",
    ),
    path("exchange/incoming/", views.exchange_incoming, name="exchange_incoming"),
    path(
        "exchange/incoming/<uuid:exchange_id>/",
        views.exchange_incoming_detail,
        name="exchange_incoming_detail",
    ),
    path("exchange/incoming/<uuid:exchange_id>/take/", views.exchange_take, name="exchange_take"),
    path(
        "exchange/incoming/<uuid:exchange_id>/answer/",
        views.exchange_answer,
        name="exchange_answer",
    ),
    path("decisions/<uuid:decision_id>/deliver/", views.exchange_tell, name="exchange_tell"),
    path("exchange/inbox/", delivery_views.exchange_inbox, name="exchange_inbox"),
    path("deliveries/<uuid:delivery_id>/", delivery_views.delivery_detail, name="delivery_detail"),
    path(
        "deliveries/<uuid:delivery_id>/acknowledge/",
        delivery_views.delivery_acknowledge,
        name="delivery_acknowledge",
    ),
    path("deliveries/<uuid:delivery_id>/file/", delivery_views.delivery_file, name="delivery_file"),
    path(
        "deliveries/<uuid:delivery_id>/correct/",
        delivery_views.delivery_correct,
        name="delivery_correct",
    ),
    path(
        "decisions/<uuid:decision_id>/complaints/new/",
        delivery_views.complaint_add,
        name="complaint_add",
    ),
]
