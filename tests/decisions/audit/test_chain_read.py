"""verify_audit's fast read gives the same bytes, and the same verdicts, as the reference.

`chain_read.raw_batches` reads the columns with a plain cursor and `chain_read.fast_content`
writes the canonical bytes from their text; `canonical_bytes` over the ORM's row is the
definition. Every stored entry is compared, on SQLite and on PostgreSQL: generated volume
data (every action the generator writes), entries with non-ASCII text, quotes and control
characters, without an actor, organisation or case, at a whole second or with an offset,
and rows changed behind the app's back into shapes Django itself would never write. And
`verify_chain` gives the same result the fast way as with every entry judged the reference
way (`fast=False`), untouched and after every kind of tampering.
"""

import datetime
import io
import json
import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from decisions.audit import chain as audit_chain
from decisions.audit import chain_read
from decisions.audit import record as audit_log
from decisions.audit import verify as audit_verify
from decisions.models import AuditEntry
from tests.decisions.audit.support import build_chain, drop_triggers, rehash, sql

OTHER_KEY = audit_chain.AuditKey("stolen", b"not-the-real-key-but-long-enough-to-pass")


def reference_row(**changes):
    row = {
        "sequence": 7,
        "created_at": datetime.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=datetime.UTC),
        "actor_id": 3,
        "actor_label": 'Zoë "Q"\n',
        "organisation_id": None,
        "action": "case_updated",
        "object_type": "Case",
        "object_id": "12",
        "case_id": uuid.UUID("567bd391-2595-41b6-ad22-c20e67e1bf0f"),
        "outcome": "",
        "snapshot": {"b": [1, None, True, {"z": "é", "a": []}], "a": "x"},
        "prev_hash": "a" * 64,
        "key_id": "k1",
    }
    return {**row, **changes}


def as_read(row: dict, created: str, case: str | None, snapshot: str) -> tuple:
    """The row as raw_batches would give it, with the time, case and snapshot as text."""
    values = [*row.values(), "hash", "hmac"]
    values[1], values[8], values[10] = created, case, snapshot
    return tuple(values)


def test_the_bytes_are_canonical_bytes_without_a_database():
    row = reference_row()
    expected = audit_chain.canonical_bytes(*row.values())
    snapshot = '{"b": [1, null, true, {"z": "\\u00e9", "a": []}], "a": "x"}'  # as Django writes
    hex_case, hyphenated = row["case_id"].hex, str(row["case_id"])
    assert chain_read.fast_content(
        as_read(row, "2026-01-02 03:04:05.000006", hex_case, snapshot)
    ) == expected
    assert chain_read.fast_content(
        as_read(row, "2026-01-02 03:04:05.000006", hyphenated, snapshot)
    ) == expected
    whole = reference_row(created_at=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC))
    assert chain_read.fast_content(
        as_read(whole, "2026-01-02 03:04:05", None, "{}")
    ) == audit_chain.canonical_bytes(*{**whole, "case_id": None, "snapshot": {}}.values())


@pytest.mark.parametrize(
    ("created", "case", "snapshot"),
    [
        ("2026-01-02 03:04:05.5+01:00", None, "{}"),  # a time with an offset
        ("2026-01-02T03:04:05.000006", None, "{}"),  # not Django's separator
        ("2026-01-02 03:04:05,000006", None, "{}"),
        (datetime.datetime(2026, 1, 2), None, "{}"),  # not text
        ("2026-01-02 03:04:05", "567bd391", "{}"),  # not a whole id
        ("2026-01-02 03:04:05", None, '{"a": 1} x'),  # not one JSON value
        ("2026-01-02 03:04:05", None, "{"),
        ("2026-01-02 03:04:05", None, '{"a": NaN}'),  # a number JSON cannot hold
        ("2026-01-02 03:04:05", None, None),
    ],
)
def test_forms_django_does_not_write_are_left_to_the_reference(created, case, snapshot):
    assert chain_read.fast_content(as_read(reference_row(), created, case, snapshot)) is None


def test_space_around_the_snapshot_reads_as_the_orm_reads_it():
    """JSON allows whitespace around a value; Django's json.loads reads it, and so does the
    fast way, to the same bytes."""
    row, created = reference_row(snapshot={"a": 1}, case_id=None), "2026-01-02 03:04:05.000006"
    expected = audit_chain.canonical_bytes(*row.values())
    for snapshot in (' {"a": 1}', '{"a": 1} ', '\n\t{"a":1}\r\n'):
        assert chain_read.fast_content(as_read(row, created, None, snapshot)) == expected


def test_orjson_writes_the_json_modules_canonical_bytes():
    """Why the fast way may use orjson (see chain_read's docstring): every code point is
    escaped alike, keys are sorted by code point alike, and a repeated key keeps its last
    value in both."""
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    keys = {"z": 1, "é": 2, "\uffff": 3, "😀": 4, "A": 5, "": 6, "\x00": 7, "\u2028": 8}
    for snapshot in ({"text": every}, {every: True}, keys, {"n": [-(2**63), 2**64 - 1, 0]}):
        row = reference_row(snapshot=snapshot, case_id=None)
        raw = as_read(row, "2026-01-02 03:04:05.000006", None, json.dumps(snapshot))
        assert chain_read.fast_content(raw) == audit_chain.canonical_bytes(*row.values())
    row = reference_row(snapshot={"a": 2}, case_id=None)
    raw = as_read(row, "2026-01-02 03:04:05.000006", None, '{"a": 1, "a": 2}')
    assert json.loads(raw[10]) == {"a": 2}
    assert chain_read.fast_content(raw) == audit_chain.canonical_bytes(*row.values())


@pytest.mark.parametrize(
    "snapshot",
    ['{"a": "\\ud800"}', '{"a": 1e400}', '{"a": Infinity}', '{"a": -NaN}'],
)
def test_what_orjson_refuses_is_left_to_the_reference(snapshot):
    raw = as_read(reference_row(), "2026-01-02 03:04:05", None, snapshot)
    assert chain_read.fast_content(raw) is None


def test_a_number_beyond_a_double_never_gives_the_canonical_bytes():
    """orjson reads it as a float; the canonical form holds the exact integer, so the digests
    cannot match and the reference check judges the entry."""
    row = reference_row(snapshot={"n": 10**30}, case_id=None)
    raw = as_read(row, "2026-01-02 03:04:05.000006", None, '{"n": 1000000000000000000000000000000}')
    assert chain_read.fast_content(raw) not in (None, audit_chain.canonical_bytes(*row.values()))


def test_values_of_another_type_are_left_to_the_reference():
    snapshot, created = "{}", "2026-01-02 03:04:05"
    for change in ({"actor_id": "3"}, {"actor_id": 3.0}, {"actor_label": None}, {"sequence": "7"}):
        raw = as_read(reference_row(**change), created, None, snapshot)
        assert chain_read.fast_content(raw) is None


def assert_same_bytes_for_every_entry(*, all_fast: bool = True) -> int:
    fast = [raw for batch in chain_read.raw_batches(1, chunk_size=7) for raw in batch]
    slow = list(AuditEntry.objects.order_by("sequence").values_list(*chain_read.CHAIN_FIELDS))
    assert [raw[0] for raw in fast] == [row[0] for row in slow]
    for raw, orm_row in zip(fast, slow, strict=True):
        content = chain_read.fast_content(raw)
        if content is None and not all_fast:
            continue
        assert content == audit_chain.canonical_bytes(*orm_row[:13]), orm_row[0]
        assert raw[11:] == orm_row[11:]  # what check_row compares: links, key, hash, HMAC
    return len(fast)


def assert_fast_and_reference_agree(**options) -> audit_verify.VerificationResult:
    result = audit_verify.verify_chain(**options)
    assert result == audit_verify.verify_chain(fast=False, **options)
    return result


@pytest.mark.django_db
def test_generated_volume_data_gives_the_same_bytes(db):
    call_command("seed_volume", "--cases", "20", stdout=io.StringIO())
    assert assert_same_bytes_for_every_entry() > 100
    assert assert_fast_and_reference_agree(chunk_size=50).intact


@pytest.mark.django_db
def test_unusual_text_and_missing_references_give_the_same_bytes(world):
    awkward = 'Zoë "Q" O\'Brien\n\t\\ \u2028 \x01 \x7f 😀 </script>'
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
    assert assert_same_bytes_for_every_entry() == 3
    drop_triggers()
    # A whole second (no microseconds in SQLite's text) and an instant across a clock change,
    # each written as a raw query writes them (on SQLite: with an offset, which Django's own
    # writes never have, so left to the reference).
    sql(
        "UPDATE decisions_auditentry SET created_at = %s WHERE sequence = 1",
        [datetime.datetime(2025, 3, 30, 1, 13, 48, tzinfo=datetime.UTC)],
    )
    sql(
        "UPDATE decisions_auditentry SET created_at = %s WHERE sequence = 2",
        [datetime.datetime(2025, 10, 26, 1, 30, 0, 1, tzinfo=datetime.UTC)],
    )
    assert assert_same_bytes_for_every_entry(all_fast=False) == 3
    assert_fast_and_reference_agree()


@pytest.mark.django_db
def test_rows_django_would_not_write_give_the_same_verdicts(world):
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
    assert assert_same_bytes_for_every_entry(all_fast=False) == 3
    # And verification still names the first of them, as it did before.
    result = assert_fast_and_reference_agree()
    assert not result.intact and result.failed_sequence == 1


@pytest.mark.django_db
@pytest.mark.sqlite  # PostgreSQL's uuid and jsonb cannot hold these forms
def test_stored_forms_only_the_reference_reads_are_still_intact(world):
    """SQLite keeps what it is given: a snapshot with a space around it and a time written
    with a "T" are what Django reads back as the same values, though not the form Django
    writes. The fast way reads the snapshot as Django does, to the same bytes, and leaves
    the time to the reference, which passes it."""
    build_chain(world, 4)
    drop_triggers()
    sql("UPDATE decisions_auditentry SET snapshot = snapshot || ' ' WHERE sequence = 1")
    sql("UPDATE decisions_auditentry SET snapshot = ' ' || snapshot WHERE sequence = 2")
    sql(
        "UPDATE decisions_auditentry SET created_at = replace(created_at, ' ', 'T') "
        "WHERE sequence = 3"
    )
    raw = next(chain_read.raw_batches(1))
    orm = AuditEntry.objects.order_by("sequence").values_list(*chain_read.CHAIN_FIELDS)
    padded = [audit_chain.canonical_bytes(*row[:13]) for row in orm[:2]]
    assert [chain_read.fast_content(row) for row in raw[:3]] == [*padded, None]
    assert assert_fast_and_reference_agree().intact


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE decisions_auditentry SET outcome = 'share' WHERE sequence = 4",
        "UPDATE decisions_auditentry SET actor_label = 'someone else' WHERE sequence = 6",
        "UPDATE decisions_auditentry SET case_id = NULL WHERE sequence = 2",
        "UPDATE decisions_auditentry SET snapshot = '{\"n\": 99}' WHERE sequence = 3",
        "DELETE FROM decisions_auditentry WHERE sequence = 4",
        "DELETE FROM decisions_auditentry WHERE sequence IN (3, 4, 5)",
        "DELETE FROM decisions_auditentry WHERE sequence = 1",
        "UPDATE decisions_auditentry SET sequence = sequence + 100 WHERE sequence = 3",
        "UPDATE decisions_auditentry SET prev_hash = 'f' WHERE sequence = 5",
        "UPDATE decisions_auditentry SET hmac = 'f' WHERE sequence = 7",
        "UPDATE decisions_auditentry SET hmac = 'é' || substr(hmac, 2) WHERE sequence = 7",
        "UPDATE decisions_auditentry SET outcome = 'do_not_share' WHERE sequence = 8",
        "rehash 4 without the key",
        "rehash 8 with another key",
    ],
)
@pytest.mark.parametrize("chunk_size", [3, 5000])
def test_every_tamper_gets_the_reference_verdict(world, tamper, chunk_size):
    build_chain(world, 8)
    drop_triggers()
    if tamper == "rehash 4 without the key":
        rehash(4, outcome="share")
        for sequence in range(5, 9):
            rehash(sequence, prev_hash=AuditEntry.objects.get(sequence=sequence - 1).entry_hash)
    elif tamper == "rehash 8 with another key":
        rehash(8, key=OTHER_KEY, outcome="share", key_id=OTHER_KEY.key_id)
    else:
        sql(tamper)
    result = assert_fast_and_reference_agree(chunk_size=chunk_size)
    assert not result.intact
    assert_fast_and_reference_agree(since=2, chunk_size=chunk_size)


@pytest.mark.django_db
def test_an_entry_holding_a_number_beyond_a_double_is_intact(world):
    audit_log.record(
        action=AuditEntry.Action.CASE_UPDATED,
        actor=world.users["practitioner"],
        obj=world.case,
        case=world.case,
        snapshot={"n": 10**30, "m": -(2**64)},
    )
    raw = next(chain_read.raw_batches(1))[0]
    assert chain_read.fast_content(raw) != audit_chain.entry_canonical_bytes(
        AuditEntry.objects.get()
    )
    result = assert_fast_and_reference_agree()
    assert result.intact and result.entries_checked == 1
