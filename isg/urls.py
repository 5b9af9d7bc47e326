from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from isg.accounts.forms import SignInForm

urlpatterns = [
    path(
        "sign-in/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=SignInForm
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include("isg.accounts.urls")),
    path("admin/", admin.site.urls),
    path("guidance/", include("guidance.urls")),
    path("", include("isg.api.urls")),
    path("jobs/", include("isg.jobs.urls")),
    path("", include("decisions.urls")),
]

# A database that is down shows the 503 page (isg/accounts/middleware.py).
handler500 = "isg.accounts.views.server_error"
