from django.urls import path

from decisions.cases import views

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<uuid:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:case_id>/edit/", views.case_edit, name="case_edit"),
    path("cases/<uuid:case_id>/people/new/", views.person_add, name="person_add"),
    path("cases/<uuid:case_id>/requests/new/", views.request_open, name="request_open"),
    path("requests/<uuid:request_id>/", views.request_detail, name="request_detail"),
]
