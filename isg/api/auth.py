"""How a call is authenticated and authorised: a bearer token from the client-credentials
grant names an application; the application's client acts through its service account,
within the scopes it was given. Revoked clients get 401, a missing scope 403."""

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from oauth2_provider.contrib.rest_framework import OAuth2Authentication
from oauth2_provider.oauth2_validators import OAuth2Validator
from rest_framework import exceptions
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from isg.accounts.models import User
from isg.api.models import ApiClient

if TYPE_CHECKING:  # rest_framework.views imports the settings that name this module
    from rest_framework.views import APIView


def client_of(request: Request) -> ApiClient:
    """The calling client (set by ClientAuthentication on every authenticated call)."""
    client = getattr(request, "api_client", None)
    if not isinstance(client, ApiClient):
        raise exceptions.NotAuthenticated()
    return client


def account_of(request: Request) -> User:
    """The client's service account: the user every selector and service is given."""
    return client_of(request).account


class ClientAuthentication(OAuth2Authentication):
    """DOT's bearer-token check, then the token's application → the client's account."""

    www_authenticate_realm = "isg"

    def authenticate(self, request: Request) -> tuple[User, Any] | None:
        found = super().authenticate(request)
        if found is None:
            return None
        _, token = found
        client = (
            ApiClient.objects.select_related("account", "organisation", "application")
            .filter(application_id=token.application_id)
            .first()
        )
        if client is None or not client.is_active:
            raise exceptions.AuthenticationFailed("This client may not use the API (revoked).")
        request.api_client = client  # read by client_of
        # Session-less: the account is only ever this request's actor.
        return client.account, token


class HasScopes(BasePermission):
    """The view names the scope each method needs (`required_scopes` for all, or
    `scopes_by_method`); the token must carry it."""

    message = "This client's token does not carry the scope this call needs."

    def has_permission(self, request: Request, view: "APIView") -> bool:
        token = request.auth
        if token is None or not hasattr(token, "is_valid"):
            return False
        needed = needed_scopes(view, request.method or "GET")
        return token.is_valid(needed)


def needed_scopes(view: "APIView", method: str) -> list[str]:
    by_method: dict[str, list[str]] = getattr(view, "scopes_by_method", {})
    if method.upper() in by_method:
        return by_method[method.upper()]
    if method.upper() == "HEAD" and "GET" in by_method:
        return by_method["GET"]
    return list(getattr(view, "required_scopes", []))


class ClientThrottle(SimpleRateThrottle):
    """Rate limit per client (not per address: several systems may share one)."""

    scope = "api_client"

    def get_rate(self) -> str | None:
        # From the settings as they are now (DRF reads them once, at import).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request: Request, view: "APIView") -> str | None:
        client = getattr(request, "api_client", None)
        if client is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client.pk}


class ClientValidator(OAuth2Validator):
    """The token endpoint grants only the scopes the client was given (all of them when it
    asks for none), and nothing to a revoked client."""

    def _client(self, client_id: str) -> ApiClient | None:
        return ApiClient.objects.filter(application__client_id=client_id).first()

    def authenticate_client(self, request: HttpRequest, *args: Any, **kwargs: Any) -> bool:
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        client = self._client(request.client.client_id)  # type: ignore[attr-defined]
        return client is not None and client.is_active

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Any, *args: Any,
        **kwargs: Any,
    ) -> bool:
        found = self._client(client_id)
        return found is not None and set(scopes) <= set(found.scopes)

    def get_default_scopes(self, client_id: str, request: Any, *args: Any, **kwargs: Any) -> list:
        found = self._client(client_id)
        return list(found.scopes) if found is not None else []
