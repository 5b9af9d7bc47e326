"""The database's own account of how it runs a query, for the plan tests.

Plans are always taken with the parameters bound, as the app runs its queries: SQL captured
by `CaptureQueriesContext` has them written in, and SQLite plans some queries differently
when it can see the values (it will use a partial index only then, for one).
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import QuerySet


def explain(sql: str, params: Sequence[Any] = ()) -> str:
    """EXPLAIN QUERY PLAN (SQLite) or EXPLAIN (PostgreSQL) of one query, one line per step."""
    prefix = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        cursor.execute(f"{prefix} {sql}", params)
        return "\n".join(" ".join(map(str, row)) for row in cursor.fetchall())


def explain_bound(queryset: QuerySet) -> str:
    """`explain` of a queryset's own SQL with its parameters."""
    return explain(*queryset.query.sql_with_params())


@contextmanager
def executed() -> Iterator[list[tuple[str, Sequence[Any]]]]:
    """Every query run inside the block, as (sql, params) for `explain`."""
    seen: list[tuple[str, Sequence[Any]]] = []

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        seen.append((sql, params or ()))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield seen
