import random

import pytest

from decisions.reports.period import Period
from tests import factories
from tests.decisions.reports.year import write_year


@pytest.fixture
def year(db):
    """Riverside's year, and Northgate's: none of Northgate's counted at Riverside, except
    its exchanges with Riverside."""
    org = factories.make_organisation("Riverside")
    other = factories.make_organisation("Northgate")
    period = Period.default()
    written = write_year(org, other, random.Random(18), period)
    elsewhere = write_year(other, org, random.Random(81), period)
    written.exchanges += elsewhere.exchanges
    return org, other, period, written
