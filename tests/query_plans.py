"""The database's own account of how it runs a query, for the plan tests."""

from django.db import connection


def explain(sql: str) -> str:
    """EXPLAIN QUERY PLAN (SQLite) or EXPLAIN (PostgreSQL) of a captured query, one line per
    step."""
    prefix = "EXPLAIN QUERY PLAN" if connection.vendor == "sqlite" else "EXPLAIN"
    with connection.cursor() as cursor:
        cursor.execute(f"{prefix} {sql}")
        return "\n".join(" ".join(map(str, row)) for row in cursor.fetchall())
