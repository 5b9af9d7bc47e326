from django.urls import path

from decisions.dashboard import views

urlpatterns = [path("", views.dashboard, name="dashboard")]
