"""Sign-in hardening shared by views, middleware and other apps.

- `requires_two_factor(user)`: who must pass a second factor before any page.
- `recent_auth_required(max_age=...)`: a view decorator for sensitive actions (approving a
  decision, exporting): the user must have typed their password within `max_age`, or is
  sent to confirm it and then back. See docs/security.md.
- `client_ip(request)`: the address django-axes throttles on.
"""

from __future__ import annotations

import datetime
import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import devices_for_user

from isg.accounts.models import Role, User
from isg.accounts.roles import roles_of

TWO_FACTOR_ROLES = frozenset({Role.MANAGER, Role.LEAD, Role.ADMIN})

# Session keys (timestamps, seconds since the epoch).
SIGNED_IN_AT = "isg_signed_in_at"  # when the session began: the 10-hour limit counts from it
AUTH_TIME = "isg_auth_time"  # when the password was last typed: recent_auth_required reads it


def requires_two_factor(user: User | AnonymousUser) -> bool:
    """Managers, leads, admins and staff must; anyone who opted in to it must too."""
    if not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser or roles_of(user) & TWO_FACTOR_ROLES:
        return True
    return any(True for _ in devices_for_user(user, confirmed=True))


def has_two_factor_device(user: User) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def mark_password_entered(request: HttpRequest, *, new_session: bool = False) -> None:
    now = time.time()
    request.session[AUTH_TIME] = now
    if new_session or SIGNED_IN_AT not in request.session:
        request.session[SIGNED_IN_AT] = now


def seconds_since_password(request: HttpRequest) -> float | None:
    entered = request.session.get(AUTH_TIME)
    if not isinstance(entered, int | float):
        return None
    return time.time() - entered


# A view; the decorated view keeps its signature (functools.wraps) and its response type (a
# redirect to confirm the password is an HttpResponse too).
View = TypeVar("View", bound=Callable[..., HttpResponseBase])


@overload
def recent_auth_required(view: View, *, max_age: datetime.timedelta | None = None) -> View: ...
@overload
def recent_auth_required(
    view: None = None, *, max_age: datetime.timedelta | None = None
) -> Callable[[View], View]: ...
def recent_auth_required(
    view: View | None = None, *, max_age: datetime.timedelta | None = None
) -> View | Callable[[View], View]:
    """Ask for the password again unless it was typed within `max_age`.

    `max_age` defaults to settings.RECENT_AUTH_MINUTES (15). Usable bare
    (`@recent_auth_required`) or with arguments (`@recent_auth_required(max_age=...)`).
    """

    def decorator(view_func: View) -> View:
        @functools.wraps(view_func)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            limit = max_age or datetime.timedelta(minutes=settings.RECENT_AUTH_MINUTES)
            elapsed = seconds_since_password(request)
            if request.user.is_authenticated and (
                elapsed is None or elapsed > limit.total_seconds()
            ):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('confirm_password')}?{query}")
            return view_func(request, *args, **kwargs)

        wrapped.recent_auth_required = True  # type: ignore[attr-defined]  # marks the guarded view
        return cast(View, wrapped)

    return decorator(view) if view is not None else decorator


def client_ip(request: HttpRequest) -> str | None:
    """The client's address. Behind a TLS proxy (BEHIND_PROXY=1) the address the proxy saw.

    Only the right-most X-Forwarded-For entry is trusted: it is the one our own proxy added;
    anything to its left was written by the client and could be forged to dodge throttling.
    """
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        entries = [part.strip() for part in forwarded.split(",") if part.strip()]
        if entries:
            return entries[-1][:64]
    return request.META.get("REMOTE_ADDR")
