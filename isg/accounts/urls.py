from django.urls import path

from isg.accounts import views

urlpatterns = [
    path("security/", views.account_security, name="account_security"),
    path("two-factor/set-up/", views.two_factor_setup, name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path(
        "two-factor/new-recovery-codes/",
        views.two_factor_new_codes,
        name="two_factor_new_codes",
    ),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("confirm-password/", views.confirm_password, name="confirm_password"),
]
