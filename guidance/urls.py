from django.urls import path

from guidance import views

app_name = "guidance"

urlpatterns = [
    path("", views.library, name="library"),
    path("compare/", views.compare, name="compare"),
    path("<slug:slug>/", views.framework, name="framework"),
    path("<slug:slug>/<str:version>/", views.framework, name="framework_version"),
]
