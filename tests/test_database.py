"""refresh_statistics: the planner's statistics, which SQLite keeps only when asked; and
AmongConstants, the status test SQLite's planner can see into."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from decisions.models import ShareRequest
from isg.database import AmongConstants
from tests import factories


def test_the_command_analyzes_the_database(db):
    factories.make_case(factories.make_organisation("Riverside"))
    out = StringIO()
    call_command("refresh_statistics", stdout=out)
    assert "statistics refreshed in" in out.getvalue()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'decisions_case'")
            assert cursor.fetchone()[0] > 0
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'decisions_case'"
            )
            assert cursor.fetchone()[0] is not None


def test_among_constants_selects_what_status_in_selects(db):
    case = factories.make_case(factories.make_organisation("Riverside"))
    for status in ShareRequest.Status:
        factories.make_request(case, status=status)
    wanted = ShareRequest.OPEN_STATUSES
    among = ShareRequest.objects.filter(AmongConstants("status", wanted))
    assert sorted(among.values_list("status", flat=True)) == sorted(wanted)
    assert among.count() == ShareRequest.objects.filter(status__in=wanted).count() == len(wanted)
    sql, params = among.query.sql_with_params()
    if connection.vendor == "sqlite":
        assert "\"status\" IN ('open', 'in_progress', 'awaiting_approval', 'ready_to_share')" in sql
        assert "open" not in params
    else:
        assert list(params) == list(wanted)


@pytest.mark.parametrize("values", [[], ["open'); DROP TABLE x; --"], ["Open"], ["a b"]])
def test_among_constants_refuses_what_is_not_a_constant_of_the_code(values):
    with pytest.raises(ValueError, match="not constants of the code"):
        AmongConstants("status", values)
