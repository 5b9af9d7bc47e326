"""The approval queue starts from the manager's organisation's requests awaiting approval
(the (status, organisation) index of requests), not from the organisation's decisions or
cases, nor from every organisation's backlog: its cost follows the decisions in flight in
the organisation, never the history.

Generated cases (decisions/seeding/volume.py), then EXPLAIN, with their parameters bound, of
exactly the queries the queue page runs (the backlog's ordered ids, then the page's rows) and
the dashboard's count of it. PostgreSQL is ANALYZEd, as a deployment's autovacuum does; SQLite
both without statistics (a new database) and with them (`refresh_statistics`, run daily from
cron).
"""

import pytest
from django.db import connection

from decisions.lifecycle.selectors import approval_queue_for, approval_queue_page
from decisions.lifecycle.views import QUEUE_PER_PAGE
from decisions.seeding import volume
from isg.accounts.models import User
from isg.database import refresh_statistics
from tests.query_plans import executed, explain


@pytest.fixture
def manager(db):
    volume.seed(200)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return User.objects.get(username=volume.username(0, "manager", 1))


def _plans(manager) -> dict[str, str]:
    """EXPLAIN of what reads the backlog: the dashboard's count and the page's ordered ids."""
    with executed() as queries:
        assert approval_queue_for(manager).count() > 0  # the generated data has some waiting
        assert approval_queue_page(manager, 1, QUEUE_PER_PAGE).object_list
    memberships, count, ids, rows = queries
    assert "accounts_membership" in memberships[0], memberships
    assert '"decisions_decision"."id" IN' in rows[0], rows  # the page's rows, by primary key
    return {name: explain(*query) for name, query in (("count", count), ("ids", ids))}


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
        assert "request_status_organisation" in driver, (name, plan)
        assert "status=? AND organisation_id=?" in driver, (name, plan)
        assert "decisions_case" not in plan, (name, plan)


@pytest.mark.postgres
def test_postgres_reads_no_table_of_decisions_whole(manager, on_postgres):
    plans = _plans(manager)
    scans = {name: plan for name, plan in plans.items() if "Seq Scan on decisions_decision" in plan}
    assert not scans, "\n\n".join(f"{name}:\n{plan}" for name, plan in scans.items())
    for name, plan in plans.items():
        assert "request_status_organisation" in plan, (name, plan)
        assert "decisions_case" not in plan, (name, plan)  # no case of the organisation read
