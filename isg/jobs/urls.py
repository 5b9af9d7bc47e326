from django.urls import path

from isg.jobs import views

urlpatterns = [
    path("<uuid:job_id>/", views.job_detail, name="job_detail"),
    path("<uuid:job_id>/download", views.job_download, name="job_download"),
]
