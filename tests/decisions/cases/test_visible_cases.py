"""Which cases a practitioner sees: read from their assignments, so its cost follows their
caseload, never the size of their organisation; and a case assigned within a request is
theirs for the rest of it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from decisions.cases import selectors, services
from decisions.models import Case
from decisions.seeding import volume
from isg.accounts.models import Role, User
from isg.database import refresh_statistics
from tests import factories
from tests.query_plans import executed, explain, explain_bound


@pytest.fixture
def practitioner(db):
    volume.seed(200)
    return User.objects.get(username=volume.username(0, "practitioner", 1))


def _sqlite_plans(practitioner) -> list[str]:
    """EXPLAIN QUERY PLAN of the practitioner's cases and open requests, as the dashboard
    asks for them."""
    with executed() as queries:
        assert list(selectors.cases_for(practitioner))
        list(selectors.open_requests_for(practitioner))  # the plan matters, not the rows
    return [explain(sql, params) for sql, params in queries]


@pytest.mark.sqlite
def test_sqlite_never_walks_the_organisations_cases(practitioner):
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sqlite_stat1")  # as a database never analysed
    for plan in _sqlite_plans(practitioner):
        assert "decisions_c_organis" not in plan, plan


@pytest.mark.sqlite
def test_with_statistics_sqlite_reads_only_the_practitioners_requests(practitioner):
    refresh_statistics()
    plans = _sqlite_plans(practitioner)
    requests = next(plan for plan in plans if "decisions_sharerequest" in plan)
    driver = next(line for line in requests.splitlines() if "decisions_sharerequest" in line)
    assert "(case_id=?)" in driver, requests
    assert not any("decisions_c_organis" in plan for plan in plans), plans


def test_practitioners_see_exactly_their_assigned_cases_of_their_organisations(practitioner):
    organisation = practitioner.memberships.get().organisation
    assigned = set(practitioner.assigned_cases.values_list("pk", flat=True))
    assert assigned
    elsewhere = factories.make_case(factories.make_organisation("Elsewhere"))
    elsewhere.assigned.add(practitioner)  # assigned, but not a member there
    seen = set(selectors.cases_for(practitioner).values_list("pk", flat=True))
    assert seen == assigned
    assert set(Case.objects.filter(pk__in=seen).values_list("organisation", flat=True)) == {
        organisation.pk
    }


def test_a_case_opened_in_a_request_is_the_users_for_the_rest_of_it(db):
    organisation = factories.make_organisation("Riverside")
    user = factories.make_user(organisation, Role.PRACTITIONER)
    assert not selectors.cases_for(user).exists()  # cached on the user for the request
    case = services.case_create(user=user, organisation=organisation, reference="RIV-9")
    assert selectors.can_write_case(user, case.pk)
    assert list(selectors.cases_for(user)) == [case]


def test_a_change_of_team_is_seen_at_once_by_everyone_on_it(db):
    organisation = factories.make_organisation("Riverside")
    author = factories.make_user(organisation, Role.PRACTITIONER, username="author")
    colleague = factories.make_user(organisation, Role.PRACTITIONER, username="colleague")
    assert not selectors.cases_for(colleague).exists()  # cached on the object
    case = services.case_create(
        user=author, organisation=organisation, reference="RIV-9", assigned=[colleague]
    )
    assert selectors.can_write_case(colleague, case.pk)
    services.case_update(
        user=author, case=case, reference="RIV-9", summary="", assigned=[author],
        is_closed=False,
    )
    forgotten = set(selectors.cases_for(colleague).values_list("pk", flat=True))
    assert case.pk not in forgotten


def test_a_caseload_too_large_to_name_by_id_is_asked_for_by_subquery(practitioner, monkeypatch):
    by_id = set(selectors.cases_for(practitioner).values_list("pk", flat=True))
    monkeypatch.setattr(selectors, "ASSIGNED_BY_ID", 1)
    selectors.team_changed()  # forget the view cached above
    with CaptureQueriesContext(connection) as captured:
        by_subquery = set(selectors.cases_for(practitioner).values_list("pk", flat=True))
    assert by_subquery == by_id and len(by_id) > 1
    assert "decisions_case_assigned" in captured.captured_queries[-1]["sql"]


def test_the_open_requests_index_covers_exactly_the_open_statuses():
    from decisions.models import ShareRequest

    [index] = [i for i in ShareRequest._meta.indexes if i.name == "request_open_due"]
    assert index.condition.children == [("status__in", list(ShareRequest.OPEN_STATUSES))]


def test_a_managers_open_requests_ask_the_organisation_of_no_index_on_sqlite(practitioner):
    """At 100 000 cases, given the case's organisation index, SQLite's planner walked all
    25 000 of the organisation's cases to find a manager's 50 open requests (100 ms; 25 ms
    from the requests' status index). At this test's size it chooses well either way, so the
    query's shape is what is held: `+organisation_id` on SQLite, the column elsewhere."""
    manager = User.objects.get(username=volume.username(0, "manager", 1))
    with CaptureQueriesContext(connection) as captured:
        list(selectors.open_requests_for(manager))
    sql = captured.captured_queries[-1]["sql"]
    unindexed = '+"decisions_case"."organisation_id" IN'
    assert (unindexed in sql) == (connection.vendor == "sqlite"), sql
    assert '"decisions_case"."organisation_id" IN' in sql


@pytest.mark.sqlite
@pytest.mark.parametrize("role", ["manager", "lead"])
def test_sqlite_reads_an_organisations_open_requests_from_their_partial_index(practitioner, role):
    """With the statuses as parameters SQLite cannot see that the query implies the index's
    condition, and read every open request of every organisation from the status index, then
    sorted them: 31 ms against 0.6 ms for a lead at 100 000 cases (isg.database.AmongConstants).
    The plan is the one the app gets, with its parameters bound, and with the statistics
    the daily refresh_statistics keeps (without them SQLite starts from the status index
    either way)."""
    user = User.objects.get(username=volume.username(0, role, 1))
    refresh_statistics()
    plan = explain_bound(selectors.open_requests_for(user)[:50])
    assert "request_open_due" in plan and "TEMP B-TREE" not in plan, plan
