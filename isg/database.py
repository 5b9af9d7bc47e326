"""The database's query-planner statistics.

PostgreSQL keeps its own (autovacuum runs ANALYZE as tables change). SQLite has none until
ANALYZE is run, and without them its planner guesses: it drove a practitioner's open
requests from the status index (every open request of every organisation) rather than from
their forty cases, 16 ms instead of 1 ms at 100 000 cases. `ANALYZE` with an analysis limit
samples each index instead of reading it whole: 0.05 s over the 1 GB bench database (5 s for
PostgreSQL's ANALYZE of the same data).
"""

from __future__ import annotations

import time
from typing import Any

from django.db import connections
from django.db.models import Func, IntegerField

ANALYSIS_LIMIT = 1000  # rows sampled per index (SQLite's PRAGMA analysis_limit)


def refresh_statistics(using: str = "default") -> float:
    """ANALYZE the database; the seconds it took."""
    connection = connections[using]
    started = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return time.monotonic() - started


class Unindexed(Func):
    """A column that SQLite's planner is not to start from: `+column`, SQLite's own idiom
    for keeping an index out of a query plan; the column itself on other databases, whose
    planners keep statistics of their own (PostgreSQL misjudges `column + 0` instead)."""

    template = "%(expressions)s"
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, template="+%(expressions)s", **extra_context)
