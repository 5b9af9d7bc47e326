import json

import pytest
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_3_and_names_each_operations_scopes(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)  # raises on anything OpenAPI 3.0 does not allow
    assert schema["openapi"].startswith("3.")
    create = schema["paths"]["/api/v1/cases/"]["post"]
    assert create["security"] == [{"oauth2": ["cases:write"]}]
    flows = schema["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"] == "/o/token/"


def test_the_docs_page_keeps_the_strict_csp_with_nothing_inline(client_for, world):
    page = client_for(world.users["practitioner"]).get("/api/docs/")
    assert page.status_code == 200
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    html = page.content.decode()
    assert "<style" not in html and " style=" not in html
    assert "<script>" not in html  # every script has a src on this origin
    assert "cdn" not in html.lower()
    script = client_for(world.users["practitioner"]).get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_the_docs_ask_for_sign_in(client):
    assert client.get("/api/docs/").status_code == 302


def test_the_schema_generates_without_a_warning(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.json"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json",
        "--file", str(target),
    )
    assert json.loads(target.read_text())["paths"]
