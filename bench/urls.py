"""The app's URLs plus the floor: the cheapest page Django can serve through the same
middleware (session, authentication, two-factor, CSP...). Bench settings only."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse("floor", content_type="text/plain")


urlpatterns = [
    path("__bench__/floor/", floor, name="bench_floor"),
    path("", include("isg.urls")),
]
