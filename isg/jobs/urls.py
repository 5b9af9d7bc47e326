from django.urls import path

from isg.jobs import views

urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("<uuid:job_id>/", views.job_detail, name="job_detail"),
    path("<uuid:job_id>/download", views.job_download, name="job_download"),
]
