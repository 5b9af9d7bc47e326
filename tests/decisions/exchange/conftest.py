import pytest

from tests import factories


@pytest.fixture
def listed(world):
    """Both organisations in the directory."""
    factories.make_listed(world.org)
    factories.make_listed(world.other_org, kind="police")
    return world


@pytest.fixture
def north_case(world):
    return world.other_org.cases.get(reference="NORTH-1")


@pytest.fixture
def incoming(listed, north_case):
    """A request from Northgate's case to Riverside (the world's organisation)."""
    return factories.make_exchange(north_case, listed.org, listed.users["other_practitioner"])
