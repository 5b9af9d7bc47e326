"""refresh_statistics: the planner's statistics, which SQLite keeps only when asked."""

from io import StringIO

from django.core.management import call_command
from django.db import connection

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
