"""The database's query-planner statistics, and two expressions that steer SQLite's planner.

PostgreSQL keeps its own (autovacuum runs ANALYZE as tables change). SQLite has none until
ANALYZE is run, and without them its planner guesses: it drove a practitioner's open
requests from the status index (every open request of every organisation) rather than from
their forty cases, 16 ms instead of 1 ms at 100 000 cases. `ANALYZE` with an analysis limit
samples each index instead of reading it whole: 0.05 s over the 1 GB bench database (5 s for
PostgreSQL's ANALYZE of the same data).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections
from django.db.models import BooleanField, Expression, F, Func, IntegerField

ANALYSIS_LIMIT = 1000  # rows sampled per index (SQLite's PRAGMA analysis_limit)
_CONSTANT = re.compile(r"[a-z0-9_]+")  # what AmongConstants may write into SQL


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


class AmongConstants(Expression):
    """`column IN (...)` over constants of the code (a model's status values), written into
    the SQL as literals on SQLite rather than passed as parameters. SQLite's planner uses a
    partial index only when it can see that the query's WHERE implies the index's, and it
    cannot see into a bound parameter: a lead's 50 open requests at 100 000 cases took 31 ms
    from the status index with parameters, 0.6 ms from `request_open_due` with literals.
    Other databases get parameters, as Django always passes them."""

    output_field = BooleanField()

    def __init__(self, column: str, values: Iterable[str]) -> None:
        super().__init__()
        self.column = F(column)
        self.values = tuple(str(value) for value in values)
        if not self.values or not all(_CONSTANT.fullmatch(value) for value in self.values):
            raise ValueError(f"not constants of the code: {self.values!r}")

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list]:
        column, params = compiler.compile(self.column)
        if connection.vendor == "sqlite":
            literals = ", ".join(f"'{value}'" for value in self.values)
            return f"{column} IN ({literals})", params
        placeholders = ", ".join(["%s"] * len(self.values))
        return f"{column} IN ({placeholders})", [*params, *self.values]
