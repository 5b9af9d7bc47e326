from django.urls import path

from decisions.reports import views

urlpatterns = [
    path("reports/", views.reports, name="reports"),
    path("reports/figures.csv", views.reports_csv, name="reports_csv"),
    path("reports/charts/<slug:slug>.svg", views.reports_chart, name="reports_chart"),
]
