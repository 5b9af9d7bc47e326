"""Account security pages: two-factor set-up and verification, confirming the password.

Two-factor authentication uses django-otp: a TOTP device (an authenticator app) plus a
static device holding ten single-use recovery codes. The QR code is drawn on the server as
SVG (segno), so the page needs no script and no inline style.
"""

import base64
import sys
from typing import Any

import segno
from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from isg.accounts import security, signals
from isg.accounts.forms import ConfirmPasswordForm, TokenForm
from isg.accounts.middleware import DATABASE_ERRORS, service_unavailable
from isg.accounts.models import User
from isg.accounts.roles import roles_of, user_of

RECOVERY_CODE_COUNT = 10
RECOVERY_CODES_SESSION_KEY = "isg_new_recovery_codes"
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def _next_url(request: HttpRequest, default: str = "dashboard") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse(default)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _qr_svg(device: TOTPDevice) -> str:
    """The set-up URL as an inline SVG QR code, with a text alternative."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, title="QR code to add ISG to your authenticator app", svgclass="isg-qr"
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308  (our own SVG)


def _unconfirmed_app_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


@transaction.atomic
def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def account_security(request: HttpRequest) -> HttpResponse:
    """Two-factor status; practitioners opt in from here."""
    recovery = StaticDevice.objects.filter(user=user_of(request), confirmed=True).first()
    return render(
        request,
        "accounts/security.html",
        {
            "has_two_factor": security.has_two_factor_device(user_of(request)),
            "role_requires": security.requires_two_factor(user_of(request))
            and not _opted_in_only(user_of(request)),
            "recovery_left": recovery.token_set.count() if recovery else 0,
        },
    )


def _opted_in_only(user: User) -> bool:
    return not (user.is_staff or user.is_superuser or roles_of(user) & security.TWO_FACTOR_ROLES)


@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: a QR code and the secret as text, then a code to confirm."""
    if security.has_two_factor_device(user_of(request)):
        messages.info(request, "Two-factor authentication is already set up on your account.")
        return redirect("account_security")
    device = _unconfirmed_app_device(user_of(request))
    form = TokenForm(
        request.POST if request.method == "POST" else None,
        label="Enter the 6-digit code from the app",
        hint="The code changes every 30 seconds.",
        submit="Confirm",
    )
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user_of(request), confirmed=False).delete()
                codes = _new_recovery_codes(user_of(request))
                signals.two_factor_enabled.send(sender=TOTPDevice, user=user_of(request))
            otp_login(request, device)
            request.session.cycle_key()
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            query = urlencode({"next": _next_url(request)})
            return redirect(f"{reverse('two_factor_recovery_codes')}?{query}")
        form.add_error(
            "token",
            "The code is not right. Check the time on your phone is correct and enter the "
            "newest code",
        )
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device),
            "secret": _grouped(secret),
            "next": _next_url(request),
        },
    )


def two_factor_recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once: they are not stored anywhere readable."""
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("account_security")
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": _next_url(request)},
    )


def _password_confirmed(request: HttpRequest, form: ConfirmPasswordForm) -> bool:
    """The signed-in user typed their own password: marked as typed now (recent_auth).

    Through authenticate(), so that django-axes counts failures here as well."""
    user = authenticate(
        request, username=user_of(request).get_username(), password=form.cleaned_data["password"]
    )
    if user is None or user.pk != user_of(request).pk:
        return False
    security.mark_password_entered(request)
    return True


@require_http_methods(["GET", "POST"])
def two_factor_new_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, after the password is typed again; the old ones stop working.

    The password is asked for here and now, whatever was typed before: whoever finds a
    signed-in session unattended must not be able to take the account's way back in.
    """
    if not security.has_two_factor_device(user_of(request)):
        return redirect("account_security")
    form = ConfirmPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _password_confirmed(request, form):
            with transaction.atomic():
                codes = _new_recovery_codes(user_of(request))
                signals.recovery_codes_generated.send(sender=StaticDevice, user=user_of(request))
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            query = urlencode({"next": reverse("account_security")})
            return redirect(f"{reverse('two_factor_recovery_codes')}?{query}")
        form.add_error("password", "The password is not right")
    return render(request, "accounts/new_recovery_codes.html", {"form": form})


@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """Enter a code from the app, or a recovery code, to finish signing in."""
    user = user_of(request)
    # is_verified is set on the user by django-otp's OTPMiddleware.
    if user.is_verified() or not security.has_two_factor_device(user):  # type: ignore[attr-defined]
        return redirect(_next_url(request))
    form = TokenForm(
        request.POST if request.method == "POST" else None,
        label="Enter the code from your authenticator app",
        hint="Or one of your recovery codes, if you do not have your phone.",
    )
    if request.method == "POST" and form.is_valid():
        device = _matching_device(user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            request.session.cycle_key()
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.info(
                    request,
                    f"You used a recovery code. You have {left} left: set up new ones if you "
                    "are running out.",
                )
            return redirect(_next_url(request))
        form.add_error(
            "token",
            "The code is not right, or too many wrong codes were entered: wait a minute and "
            "enter the newest code",
        )
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


def _matching_device(user: User, token: str) -> Device | None:
    """The device that accepts `token`, trying the app first, then the recovery codes."""
    devices = sorted(
        devices_for_user(user, confirmed=True), key=lambda d: isinstance(d, StaticDevice)
    )
    for device in devices:
        if isinstance(device, TOTPDevice) and not token.isdigit():
            continue
        verified = otp_verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


@require_http_methods(["GET", "POST"])
def confirm_password(request: HttpRequest) -> HttpResponse:
    """Type the password again before a sensitive action (recent_auth_required)."""
    form = ConfirmPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if _password_confirmed(request, form):
            return redirect(_next_url(request))
        form.add_error("password", "The password is not right")
    return render(
        request,
        "accounts/confirm_password.html",
        {"form": form, "next": _next_url(request), "minutes": settings.RECENT_AUTH_MINUTES},
    )


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' lockout response: a plain page saying when to try again (429)."""
    cool_off = get_cool_off(request)
    return render(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "username": get_client_username(request, credentials) or "",
            "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
        },
        status=429,
    )


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a database that is down gets the 503 page, anything else a plain 500."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return service_unavailable()
    return HttpResponseServerError(render_to_string("500.html"))
