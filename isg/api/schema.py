"""The OpenAPI description of the API's security: OAuth 2.0 client credentials, and on each
operation the scopes its method needs (auth.needed_scopes, the rule the calls are checked by)."""

from typing import Any

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension

from isg.api.auth import needed_scopes


class ClientAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "isg.api.auth.ClientAuthentication"
    name = "oauth2"

    def get_security_requirement(self, auto_schema: Any) -> dict[str, list[str]]:
        return {self.name: needed_scopes(auto_schema.view, auto_schema.method)}

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/o/token/",
                    "scopes": settings.OAUTH2_PROVIDER["SCOPES"],
                }
            },
        }
