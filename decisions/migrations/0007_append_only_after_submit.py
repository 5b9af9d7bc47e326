"""Append-only in the database for the records written after submit.

Approvals (verdicts and questions), the answers to those questions and share records are
written once, like decisions and the audit log (0003): UPDATE and DELETE are refused by
triggers on SQLite and PostgreSQL. TRUNCATE is not blocked (test teardown uses it).
On PostgreSQL they have their own trigger function, so that 0003's triggers (which tests drop
and recreate to tamper with the audit log) and these stay independent.
"""

from django.db import migrations

TABLES = ["decisions_approval", "decisions_inforesponse", "decisions_sharerecord"]

SQLITE_CREATE = [
    sql
    for table in TABLES
    for sql in (
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE is not allowed'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE is not allowed'); END",
    )
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {table}_{op}" for table in TABLES for op in ("no_update", "no_delete")
]

POSTGRES_CREATE = [
    """
    CREATE OR REPLACE FUNCTION isg_refuse_record_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'integrity_constraint_violation';
    END
    $$
    """,
    *[
        f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION isg_refuse_record_change()"
        for table in TABLES
    ],
]
POSTGRES_DROP = [
    *[f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}" for table in TABLES],
    "DROP FUNCTION IF EXISTS isg_refuse_record_change()",
]

STATEMENTS = {
    "sqlite": (SQLITE_CREATE, SQLITE_DROP),
    "postgresql": (POSTGRES_CREATE, POSTGRES_DROP),
}


def _run(schema_editor, which: int) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise RuntimeError(f"ISG has no append-only triggers for {vendor}")
    for sql in STATEMENTS[vendor][which]:
        # params=None: the plpgsql body's % placeholders are not query parameters.
        schema_editor.execute(sql, params=None)


def create_triggers(apps, schema_editor):
    _run(schema_editor, 0)


def drop_triggers(apps, schema_editor):
    _run(schema_editor, 1)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0006_after_submit")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
