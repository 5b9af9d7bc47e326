import pytest

from guidance import catalogue


@pytest.fixture(autouse=True)
def fresh_catalogue():
    """A rolled-back test must not leave its versions in the per-process cache."""
    catalogue.clear_cache()
    yield
    catalogue.clear_cache()
