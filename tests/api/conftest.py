import pytest
from rest_framework.test import APIClient

from tests import factories


@pytest.fixture
def api(world):
    """Call the API as a client of `world.org` (every scope), or as `api.as_(new, scopes)`."""

    class Api:
        def __init__(self):
            self.new = factories.make_api_client(world.org, name="Mosaic")
            self.client = self.new.client
            self.http = APIClient()
            self.as_(self.client)

        def as_(self, client, scopes=None):
            token = factories.make_api_token(client, scopes)
            self.http.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
            return self.http

        def get(self, path, data=None, **kw):
            return self.http.get(path, data, **kw)

        def post(self, path, data=None, **kw):
            return self.http.post(path, data, format="json", **kw)

    return Api()
