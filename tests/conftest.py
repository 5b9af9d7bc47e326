import os
from dataclasses import dataclass, field

import pytest
from django.db import connection

from decisions.models import Case, Decision, DecisionDraft, Person, ShareRequest
from isg.accounts.models import Membership, Organisation, Role, User
from tests import factories

IN_CI = os.environ.get("CI", "").lower() == "true"


def pytest_collection_modifyitems(config, items):
    """Database-specific tests run in their own pass; .ci/run runs both passes."""
    on_postgres = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))
    other = "sqlite" if on_postgres else "postgres"
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker(other) else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.fail("this test needs DATABASE_URL to point at PostgreSQL")


@dataclass
class World:
    """Two organisations, a user of every role in each, and a case in the first."""

    org: Organisation
    other_org: Organisation
    users: dict[str, User] = field(default_factory=dict)
    case: Case | None = None
    person: Person | None = None
    share_request: ShareRequest | None = None
    draft: DecisionDraft | None = None
    decision: Decision | None = None


ROLE_OF = {
    "practitioner": Role.PRACTITIONER,
    "unassigned": Role.PRACTITIONER,
    "manager": Role.MANAGER,
    "lead": Role.LEAD,
    "admin": Role.ADMIN,
}


@pytest.fixture
def world(db) -> World:
    org = factories.make_organisation("Riverside")
    other = factories.make_organisation("Northgate")
    w = World(org=org, other_org=other)
    for name, role in ROLE_OF.items():
        w.users[name] = factories.make_user(org, role, username=name)
        w.users[f"other_{name}"] = factories.make_user(other, role, username=f"other_{name}")
    w.case = factories.make_case(org, assigned=[w.users["practitioner"]], reference="RIV-1")
    w.person = factories.make_person(w.case, name="Neighbour Nell", protect_identity=True)
    w.share_request = factories.make_request(w.case)
    w.draft = factories.make_draft(w.share_request, w.users["practitioner"])
    w.decision = factories.make_decision(factories.make_request(w.case), w.users["practitioner"])
    factories.make_case(other, assigned=[w.users["other_practitioner"]], reference="NORTH-1")
    return w


@pytest.fixture
def lead_admin(world) -> User:
    """The superuser, made safeguarding lead of the first organisation as well, so that the
    admin shows it that organisation's cases and audit entries."""
    admin = world.users["admin"]
    Membership.objects.create(user=admin, organisation=world.org, role=Role.LEAD)
    return admin


@pytest.fixture(scope="session", autouse=True)
def _force_login_passes_two_factor():
    """`force_login` also passes the second factor for users who need one.

    Managers, leads and admins must pass two-factor authentication before any page
    (isg/accounts/middleware.py); a test that forces a sign-in forces that step too, with a
    device made for the purpose. `client.force_login(user, verified=False)` leaves the
    session unverified, for the tests of the enforcement itself.
    """
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from isg.accounts.security import requires_two_factor
    from tests.otp_support import give_totp_device

    original = Client.force_login

    def force_login(self, user, backend=None, verified=True):
        original(self, user, backend)
        if verified and requires_two_factor(user):
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = give_totp_device(user).persistent_id
            session.save()

    Client.force_login = force_login
    yield
    Client.force_login = original


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: one test's cached report or API rate count must
    not answer for another's rows, which may reuse the same primary keys."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def run_tasks():
    """Run the task queue's due tasks now, in this process: `run_tasks()` returns how many ran.

    Tests use the real queue (the database backend, as in production): enqueuing writes a
    task row, and nothing runs until a test calls this, or starts a worker process
    (tests/workers.py). `run_tasks(at=moment)` also runs tasks deferred until `moment`
    (retries after their back-off).
    """
    from isg.jobs.queue import run_due_tasks

    def run(at=None) -> int:
        return run_due_tasks(at=at, worker_id="tests")

    return run


@pytest.fixture
def worker_process():
    """Start real `run_worker` processes on the test database; stopped after the test."""
    from tests.workers import start_worker, stop_worker

    started = []

    def start(**options):
        process = start_worker(**options)
        started.append(process)
        return process

    yield start
    for process in started:
        stop_worker(process)


@pytest.fixture
def client_for(client):
    """Sign a test client in as the given user (past two-factor authentication, if needed)."""

    def sign_in(user: User | None):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


@pytest.fixture(scope="session", autouse=True)
def _sqlite_flush_past_append_only_triggers():
    """Let the test database be emptied between transactional (live-server) tests on SQLite.

    Django flushes SQLite with DELETE FROM, which the append-only triggers refuse once a
    test has written an audit entry (PostgreSQL flushes with TRUNCATE, which they allow).
    In tests only, the flush drops the triggers, empties the tables and puts them back.
    """
    import importlib

    if connection.vendor != "sqlite":
        yield
        return
    operations = type(connection.ops)
    migrations = [
        importlib.import_module(f"decisions.migrations.{name}")
        for name in ("0003_append_only_triggers", "0007_append_only_after_submit", "0010_exchange")
    ]
    drop = [sql for migration in migrations for sql in migration.SQLITE_DROP]
    create = [sql for migration in migrations for sql in migration.SQLITE_CREATE]
    original = operations.sql_flush

    def sql_flush(self, style, tables, **kwargs):
        statements = original(self, style, tables, **kwargs)
        if not statements:
            return statements
        return [*drop, *statements, *create]

    operations.sql_flush = sql_flush
    yield
    operations.sql_flush = original
