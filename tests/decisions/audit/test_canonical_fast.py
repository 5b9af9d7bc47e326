"""verify_audit's fast read gives the same canonical bytes as `canonical_bytes` itself.

`verify.chain_rows` reads the columns with a plain cursor and builds the bytes with
`chain.canonical_bytes_fast`; `canonical_bytes` over the ORM's row is the definition. Every
stored entry is compared, on SQLite and on PostgreSQL: generated volume data (every action
the generator writes), entries with non-ASCII text, quotes and control characters, without
an actor, organisation or case, at a whole second or with an offset, and rows changed
behind the app's back into shapes Django itself would never write.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection

from decisions.audit import chain as audit_chain
from decisions.audit import record as audit_log
from decisions.audit import verify as audit_verify
from decisions.models import AuditEntry
from tests.decisions.audit.support import drop_triggers, sql

pytestmark = pytest.mark.django_db


def assert_same_bytes_for_every_entry() -> int:
    fast = list(audit_verify.chain_rows(1, chunk_size=7))  # several chunks
    slow = list(AuditEntry.objects.order_by("sequence").values_list(*audit_verify.CHAIN_FIELDS))
    assert [row[0] for row, _ in fast] == [row[0] for row in slow]
    for (row, content), orm_row in zip(fast, slow, strict=True):
        assert content == audit_chain.canonical_bytes(*orm_row[:13]), orm_row[0]
        assert row[11:] == orm_row[11:]  # what check_row compares: links, key, hash, HMAC
    return len(fast)


def test_generated_volume_data_gives_the_same_bytes(db):
    call_command("seed_volume", "--cases", "20", stdout=io.StringIO())
    assert assert_same_bytes_for_every_entry() > 100
    assert audit_verify.verify_chain().intact


def test_unusual_text_and_missing_references_give_the_same_bytes(world):
    awkward = 'Zoë "Q" O\'Brien\n\t\\ \u2028 \x01 😀 </script>'
    audit_log.record(
        action=AuditEntry.Action.CASE_UPDATED,
        actor=world.users["practitioner"],
        obj=world.case,
        case=world.case,
        outcome="share",
        snapshot={"b": [awkward, 1, None, True, {"z": "", "a": []}], "a": {"é": "ü"}},
    )
    audit_log.record(action=AuditEntry.Action.SIGN_IN_FAILED, actor_label=awkward)
    audit_log.record(
        action=AuditEntry.Action.RECORD_VIEWED, actor=world.users["lead"], obj=world.decision
    )
    drop_triggers()
    # A whole second (no microseconds in SQLite's text) and an instant across a clock change.
    sql(
        "UPDATE decisions_auditentry SET created_at = %s WHERE sequence = 1",
        [datetime.datetime(2025, 3, 30, 1, 13, 48, tzinfo=datetime.UTC)],
    )
    sql(
        "UPDATE decisions_auditentry SET created_at = %s WHERE sequence = 2",
        [datetime.datetime(2025, 10, 26, 1, 30, 0, 1, tzinfo=datetime.UTC)],
    )
    assert assert_same_bytes_for_every_entry() == 3


def test_rows_django_would_not_write_give_the_same_bytes(world):
    for n in range(3):
        audit_log.record(
            action=AuditEntry.Action.CASE_UPDATED,
            actor=world.users["practitioner"],
            obj=world.case,
            case=world.case,
            snapshot={"n": n},
        )
    drop_triggers()
    # A snapshot that is not an object, one with numbers the normaliser turns into text.
    sql("""UPDATE decisions_auditentry SET snapshot = '"just a string"' WHERE sequence = 1""")
    sql("UPDATE decisions_auditentry SET snapshot = '[1, 2.50, -0]' WHERE sequence = 2")
    if connection.vendor == "sqlite":  # text SQLite stores as given: a time with an offset
        sql(
            "UPDATE decisions_auditentry SET created_at = '2026-01-02 03:04:05.5+01:00' "
            "WHERE sequence = 3"
        )
    assert assert_same_bytes_for_every_entry() == 3
    # And verification still names the first of them, as it did before.
    result = audit_verify.verify_chain()
    assert not result.intact and result.failed_sequence == 1
