"""The API's browsable documentation (Swagger UI) for signed-in users.

Swagger UI comes from drf-spectacular-sidecar, served as our own static files, and its
start-up script is a separate file (`?script`), so the page keeps the strict CSP: nothing
inline, nothing from another origin. The page itself is a template of ours: drf-spectacular's
has an inline <style>."""

from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated


class ApiDocs(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
    url_name = "api_schema"
    authentication_classes = [SessionAuthentication]
    permission_classes = [IsAuthenticated]
