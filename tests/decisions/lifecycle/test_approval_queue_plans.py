"""The approval queue starts from the requests awaiting approval, not from the organisation's
decisions: its cost follows the decisions in flight, never the history.

Generated cases (decisions/seeding/volume.py), then EXPLAIN of exactly the queries the queue
page runs: its count (the dashboard's too) and its page of rows. PostgreSQL is ANALYZEd, as
a deployment's autovacuum does; SQLite both without statistics (a new database) and with
them (`refresh_statistics`, run daily from cron).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.lifecycle.selectors import approval_queue_for
from decisions.lifecycle.views import QUEUE_PER_PAGE
from decisions.seeding import volume
from isg.accounts.models import User
from isg.database import refresh_statistics
from tests.query_plans import explain


@pytest.fixture
def manager(db):
    volume.seed(200)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return User.objects.get(username=volume.username(0, "manager", 1))


def _plans(manager) -> dict[str, str]:
    """EXPLAIN of the SQL the paginator sends: the count, then the page of rows."""
    queue = approval_queue_for(manager)
    with CaptureQueriesContext(connection) as captured:
        assert queue.count() > 0  # the generated data has decisions waiting
        assert list(queue[:QUEUE_PER_PAGE])
    queries = zip(("count", "page"), captured.captured_queries, strict=True)
    return {name: explain(query["sql"]) for name, query in queries}


def _sqlite_driver(plan: str) -> str:
    """The plan's first step: the table (and index) the query starts from."""
    return next(line for line in plan.splitlines() if "SEARCH" in line or "SCAN" in line)


@pytest.mark.sqlite
@pytest.mark.parametrize("statistics", [False, True])
def test_sqlite_starts_from_the_requests_awaiting_approval(manager, statistics):
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")
    if statistics:
        refresh_statistics()
    for name, plan in _plans(manager).items():
        driver = _sqlite_driver(plan)
        assert "decisions_sharerequest" in driver and "status=?" in driver, (name, plan)


@pytest.mark.postgres
def test_postgres_reads_no_table_of_decisions_whole(manager, on_postgres):
    plans = _plans(manager)
    scans = {name: plan for name, plan in plans.items() if "Seq Scan on decisions_decision" in plan}
    assert not scans, "\n\n".join(f"{name}:\n{plan}" for name, plan in scans.items())
