"""The database's own account of how it runs a query, for the plan tests."""

from django.db import connection
from django.db.models import QuerySet


def explain(sql: str) -> str:
    """EXPLAIN QUERY PLAN (SQLite) or EXPLAIN (PostgreSQL) of a captured query, one line per
    step."""
    prefix = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        cursor.execute(f"{prefix} {sql}")
        return "\n".join(" ".join(map(str, row)) for row in cursor.fetchall())


def explain_bound(queryset: QuerySet) -> str:
    """`explain` of a queryset's own SQL with its parameters bound, as the app runs it: the
    SQL a test captures has them written in, and SQLite plans some queries differently when
    it can see the values (a partial index, for one)."""
    sql, params = queryset.query.sql_with_params()
    prefix = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        cursor.execute(f"{prefix} {sql}", params)
        return "\n".join(" ".join(map(str, row)) for row in cursor.fetchall())
