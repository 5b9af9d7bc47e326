"""Bring records written before sealing existed under it, once (docs/retention.md).

1. The append-only triggers are (re-)created on SQLite for every immutable table: 0011 turned
   two columns from varchar into text, and SQLite does that by re-making the table, which
   drops its triggers.
2. Every row of the immutable tables whose sealed fields still hold plain text gets the
   ciphertext under its case's (or delivery's) data key. The triggers are lifted for this
   migration's transaction only, table by table, and put back before it commits. Audit
   entries are deliberately not touched: their hashes, the chain and the witnessed
   checkpoints cover their bytes.
3. Cases closed before `closed_at` existed get the date of the history row that closed them.
"""

import json
import secrets

from django.db import migrations

from decisions.models import sealing

# table -> (model, trigger names on SQLite, trigger on PostgreSQL)
APPEND_ONLY = [
    "decisions_auditentry",
    "decisions_decision",
    "decisions_approval",
    "decisions_inforesponse",
    "decisions_sharerecord",
    "decisions_delivery",
    "decisions_deliveryfiling",
    "decisions_exchangeanswer",
    "decisions_receipt",
    "decisions_correction",
    "decisions_complaint",
    "decisions_chase",
]

# model name -> (how its scope is found, its sealed text fields, its sealed JSON fields)
SEALED = {
    "Decision": ("case", ["override_reason", "rationale"], ["answers"]),
    "Approval": ("decision", ["reasons"], []),
    "InfoResponse": ("decision", ["answer"], []),
    "ShareRecord": (
        "decision",
        ["what_was_shared", "shared_with", "not_shared_reasons", "requester_told_how"],
        [],
    ),
    "ExchangeAnswer": ("decision", ["reasons"], []),
    "Complaint": ("decision", ["made_by", "details"], []),
    "Delivery": ("self", ["what_was_shared"], ["items"]),
    "Correction": ("delivery", ["correction"], []),
}


def sqlite_create(table):
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_update BEFORE UPDATE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE is not allowed'); END",
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE is not allowed'); END",
    ]


def lift(schema_editor, table):
    if schema_editor.connection.vendor == "sqlite":
        for op in ("no_update", "no_delete"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_{op}")
    else:
        schema_editor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")


def restore(schema_editor, table):
    if schema_editor.connection.vendor == "sqlite":
        for sql in sqlite_create(table):
            schema_editor.execute(sql)
    else:
        schema_editor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


def recreate_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for table in APPEND_ONLY:
            for sql in sqlite_create(table):
                schema_editor.execute(sql)


def _scope(row, how):
    if how == "case":
        return sealing.case_scope(row.case_id)
    if how == "decision":
        return sealing.case_scope(row.decision.case_id)
    if how == "self":
        return sealing.delivery_scope(row.pk)
    return sealing.delivery_scope(row.delivery_id)


def seal_existing(apps, schema_editor):
    DataKey = apps.get_model("decisions", "DataKey")
    kek = None
    keys = {}

    def key_for(scope):
        nonlocal kek
        if scope not in keys:
            row = DataKey.objects.filter(scope=scope).first()
            if row is None:
                kek = kek or sealing.keks()[0]
                key = secrets.token_bytes(32)
                kind, _, ident = scope.partition(":")
                DataKey.objects.create(
                    scope=scope,
                    case_id=ident if kind == "case" else None,
                    kek_id=kek.key_id,
                    wrapped=sealing.wrap(kek, key, scope),
                )
                keys[scope] = key
            else:
                by_id = {k.key_id: k for k in sealing.keks()}
                keys[scope] = sealing.unwrap(by_id[row.kek_id], row.wrapped, scope)
        return keys[scope]

    for model_name, (how, text_fields, json_fields) in SEALED.items():
        model = apps.get_model("decisions", model_name)
        label = f"decisions.{model_name.lower()}"
        table = model._meta.db_table
        pending = []
        rows = model.objects.all()
        if how == "decision":
            rows = rows.select_related("decision")
        for row in rows.iterator(chunk_size=500):
            changes = {}
            for name in text_fields:
                value = getattr(row, name)
                if value and not sealing.is_sealed(value):
                    changes[name] = (value, False)
            for name in json_fields:
                value = getattr(row, name)
                if value not in (None, {}, []) and not sealing.is_sealed(value):
                    changes[name] = (
                        json.dumps(value, ensure_ascii=False, sort_keys=True),
                        True,
                    )
            if changes:
                pending.append((row, changes))
        if not pending:
            continue
        lift(schema_editor, table)
        for row, changes in pending:
            scope = _scope(row, how)
            key = key_for(scope)
            model.objects.filter(pk=row.pk).update(
                **{
                    name: sealing.seal_text(key, text, sealing.field_aad(scope, label, name))
                    for name, (text, _is_json) in changes.items()
                }
            )
        restore(schema_editor, table)


def backfill_closed_at(apps, schema_editor):
    Case = apps.get_model("decisions", "Case")
    HistoricalCase = apps.get_model("decisions", "HistoricalCase")
    for case in Case.objects.filter(is_closed=True, closed_at__isnull=True):
        closed_at = None
        for row in HistoricalCase.objects.filter(id=case.pk).order_by("history_date"):
            if row.is_closed and closed_at is None:
                closed_at = row.history_date
            elif not row.is_closed:
                closed_at = None
        Case.objects.filter(pk=case.pk).update(closed_at=closed_at or case.created_at)


class Migration(migrations.Migration):
    dependencies = [("decisions", "0011_retention_and_sealing")]

    operations = [
        migrations.RunPython(recreate_triggers, migrations.RunPython.noop),
        migrations.RunPython(seal_existing, migrations.RunPython.noop),
        migrations.RunPython(backfill_closed_at, migrations.RunPython.noop),
    ]
