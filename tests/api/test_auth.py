"""Clients, tokens and scopes: manage.py api_client, /o/token/, revocation, rate limits."""

import base64
import io

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from oauth2_provider.models import AccessToken, Application
from rest_framework.test import APIClient

from isg.accounts.roles import organisations_where
from isg.api.models import ApiClient
from tests import factories

pytestmark = pytest.mark.django_db


def _create(org_name: str, scopes: str) -> dict[str, str]:
    out = io.StringIO()
    call_command(
        "api_client", "create", "--organisation", org_name, "--name", "Mosaic",
        "--scopes", scopes, stdout=out,
    )
    lines = dict(line.split(": ", 1) for line in out.getvalue().splitlines() if ": " in line)
    return lines


def _token(client_id: str, secret: str, scope: str | None = None):
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    data = {"grant_type": "client_credentials"}
    if scope is not None:
        data["scope"] = scope
    return APIClient().post("/o/token/", data, HTTP_AUTHORIZATION=f"Basic {basic}")


def test_the_command_prints_a_secret_that_is_stored_only_hashed(world):
    printed = _create("Riverside", "cases:read decisions:read")
    application = Application.objects.get(client_id=printed["client_id"])
    assert printed["client_secret"] not in application.client_secret
    assert application.client_secret.startswith(("argon2", "pbkdf2", "md5"))


def test_a_token_from_client_credentials_carries_the_clients_scopes_and_reads_cases(world):
    printed = _create("Riverside", "cases:read")
    response = _token(printed["client_id"], printed["client_secret"])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scope"] == "cases:read"
    stored = AccessToken.objects.get()
    assert body["access_token"] not in (stored.token, stored.token_checksum)  # kept hashed
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access_token']}")
    assert api.get(f"/api/v1/cases/{world.case.pk}/").status_code == 200


def test_a_client_cannot_ask_for_a_scope_it_was_not_given(world):
    printed = _create("Riverside", "cases:read")
    response = _token(printed["client_id"], printed["client_secret"], scope="audit:read")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_scope"


def test_a_wrong_secret_gets_no_token(world):
    printed = _create("Riverside", "cases:read")
    assert _token(printed["client_id"], "not-the-secret").status_code == 401


def test_unknown_scopes_and_organisations_are_clear_errors(world):
    with pytest.raises(CommandError, match="unknown scope cases:delete"):
        _create("Riverside", "cases:delete")
    with pytest.raises(CommandError, match="no organisation named 'Nowhere'"):
        _create("Nowhere", "cases:read")


def test_revoking_a_client_stops_its_tokens_and_its_new_requests_for_tokens(world):
    printed = _create("Riverside", "cases:read")
    token = _token(printed["client_id"], printed["client_secret"]).json()["access_token"]
    call_command("api_client", "revoke", printed["client_id"], stdout=io.StringIO())
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get(f"/api/v1/cases/{world.case.pk}/").status_code == 401
    assert _token(printed["client_id"], printed["client_secret"]).status_code == 401
    assert ApiClient.objects.get().revoked_at is not None


def test_the_service_account_cannot_sign_in_and_acts_as_a_manager(world):
    new = factories.make_api_client(world.org, "cases:read")
    account = new.client.account
    assert not account.has_usable_password() and not account.is_active
    assert organisations_where(account, ("manager",)) == [world.org.pk]
    assert organisations_where(account, ("lead",)) == []


def test_a_token_in_the_query_string_is_not_accepted(world):
    new = factories.make_api_client(world.org, "cases:read")
    token = factories.make_api_token(new.client)
    assert APIClient().get(f"/api/v1/cases/?access_token={token}").status_code == 401


def test_no_token_is_401_and_a_missing_scope_403(world):
    assert APIClient().get("/api/v1/cases/").status_code == 401
    new = factories.make_api_client(world.org, "decisions:read")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_api_token(new.client)}")
    assert api.get("/api/v1/cases/").status_code == 403
    assert api.get("/api/v1/decisions/").status_code == 200


def test_each_client_has_its_own_rate_limit(world, settings):
    rest = {**settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"api_client": "3/min"}}
    first = factories.make_api_client(world.org, "frameworks:read")
    second = factories.make_api_client(world.org, "frameworks:read")
    with override_settings(REST_FRAMEWORK=rest):
        one = APIClient()
        one.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_api_token(first.client)}")
        statuses = [one.get("/api/v1/frameworks/").status_code for _ in range(4)]
        two = APIClient()
        two.credentials(HTTP_AUTHORIZATION=f"Bearer {factories.make_api_token(second.client)}")
        assert statuses == [200, 200, 200, 429]
        assert two.get("/api/v1/frameworks/").status_code == 200
