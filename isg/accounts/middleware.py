"""Middleware for sessions, two-factor authentication and a database that is down."""

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode

from isg.accounts import security

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)


def service_unavailable() -> HttpResponse:
    """The plain 503 page. Rendered without the request: no context processor may touch
    the database that has just failed."""
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "60"
    return response


class DatabaseUnavailableMiddleware:
    """A database that is down or locked shows "service unavailable", not a stack trace.

    Drafts are saved step by step, so nothing the user had already saved is lost; the
    page asks them to try again in a few minutes.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            logger.error("database unavailable: %s", exception, exc_info=exception)
            return service_unavailable()
        return None


class SessionLifetimeMiddleware:
    """Ends a session SESSION_MAX_HOURS after sign-in, however active it has been.

    Idle expiry is Django's own (SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(security.SIGNED_IN_AT)
            limit = settings.SESSION_MAX_HOURS * 3600
            if not isinstance(started, int | float):
                # A session from before this control: start counting now.
                request.session[security.SIGNED_IN_AT] = time.time()
            elif time.time() - started > limit:
                logout(request)
                messages.info(
                    request,
                    f"You have been signed out because you were signed in for more than "
                    f"{settings.SESSION_MAX_HOURS} hours. Sign in again to carry on.",
                )
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse(settings.LOGIN_URL)}?{query}")
        return self.get_response(request)


# Pages a signed-in user who still owes a second factor may reach.
TWO_FACTOR_OPEN = frozenset(
    {"two_factor_setup", "two_factor_verify", "two_factor_recovery_codes", "logout"}
)


class TwoFactorMiddleware:
    """Managers, leads and admins (and anyone who opted in) pass a second factor first.

    Runs after django-otp's OTPMiddleware (which sets `user.is_verified()`): a user who
    must and has not yet is sent to set it up (no device yet) or to enter a code.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or getattr(user, "is_verified", lambda: False)():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_OPEN:
            return None
        if request.path_info.startswith(settings.STATIC_URL):
            return None
        if not security.requires_two_factor(user):
            return None
        target = (
            "two_factor_verify" if security.has_two_factor_device(user) else ("two_factor_setup")
        )
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse(target)}?{query}")
