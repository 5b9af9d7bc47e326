"""verify_audit's fast read of the chain, with the reference check behind it.

The rows are read raw, with one chunked (on PostgreSQL server-side) cursor and the time and
the case id as text, and each entry's canonical bytes are written straight from that text
(`fast_content`): no datetime or UUID per row, only the snapshot's parse and its sorted
re-encoding, which the check exists to do (the stored text is not canonical: Django writes
it with spaces, ASCII escapes and the keys in insertion order, and jsonb reorders them).
orjson does both, in C, 2× faster than the json module's fastest path. Its output is the
canonical form's bytes (`chain.canonical_bytes`, the json module's): the same string escapes
for every code point, keys sorted by code point, no whitespace, UTF-8. Where it differs it
refuses (lone surrogates, NaN, a number beyond a double) or writes a float, which the
canonical form of an entry never holds: either way the digests cannot match, and the entry
goes to the reference check.

`fast_accepts` passes an entry only if its sequence and link are the expected ones and its
SHA-256 and HMAC both match those bytes. Bytes without a float say exactly what the row's
text says (the json module would read the same values) and, for every row as Django writes
it, equal `chain.canonical_bytes` over the row the ORM reads
(tests/decisions/audit/test_chain_read.py compares every stored entry), so a match proves
the row is the one that was signed. Everything else (a mismatch, a time or id
in a form Django does not write, a value of an unexpected type) is not judged here: the
caller reads that row through the ORM and checks it with `canonical_bytes` and
`verify.check_row`, which says what is wrong exactly as verification always has.
"""

from __future__ import annotations

import hashlib
import hmac as hmac_lib
from collections.abc import Iterator, Sequence
from typing import Any

import orjson
from django.db import connections, router

from decisions.models import AuditEntry

CHUNK_SIZE = 5000

# The columns verification reads, in the order `canonical_bytes` takes them.
CHAIN_FIELDS = (
    "sequence",
    "created_at",
    "actor_id",
    "actor_label",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "case_id",
    "outcome",
    "snapshot",
    "prev_hash",
    "key_id",
    "entry_hash",
    "hmac",
)

_sha256 = hashlib.sha256
_compare = hmac_lib.compare_digest
_loads, _dumps, _SORTED = orjson.loads, orjson.dumps, orjson.OPT_SORT_KEYS
# What orjson refuses to read or write: the reference check judges those rows.
_REFUSED = (TypeError, ValueError)  # orjson.JSONEncodeError, orjson.JSONDecodeError, slicing


def raw_batches(
    start: int, chunk_size: int = CHUNK_SIZE, *, stop: int | None = None
) -> Iterator[list[tuple[Any, ...]]]:
    """The CHAIN_FIELDS of every entry from `start` (to before `stop`), in sequence order,
    `chunk_size` rows at a time, as the driver returns them: the time as
    `YYYY-MM-DD HH:MM:SS[.ffffff]` UTC text (SQLite's stored text; PostgreSQL's `to_char`),
    the case id as text (SQLite's 32 hex digits; PostgreSQL's hyphenated form) and the
    snapshot as its JSON text."""
    using = router.db_for_read(AuditEntry)
    connection = connections[using]
    quote = connection.ops.quote_name
    column_of = dict(field.get_attname_column() for field in AuditEntry._meta.concrete_fields)
    columns = [quote(column_of[name]) for name in CHAIN_FIELDS]
    if connection.vendor == "sqlite":
        columns[1] = f"CAST({columns[1]} AS TEXT)"  # not sqlite3's converter to datetime
    elif connection.vendor == "postgresql":
        columns[1] = f"to_char({columns[1]} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
        columns[8] = f"{columns[8]}::text"
        columns[10] = f"{columns[10]}::text"
    table = quote(AuditEntry._meta.db_table)
    sequence = quote(column_of["sequence"])
    where, params = f"{sequence} >= %s", [start]
    if stop is not None:
        where, params = f"{where} AND {sequence} < %s", [start, stop]
    sql = f"SELECT {', '.join(columns)} FROM {table} WHERE {where} ORDER BY {sequence}"
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(chunk_size):
            yield batch


def orm_row(sequence: int) -> tuple[Any, ...]:
    """One entry's CHAIN_FIELDS as the ORM reads them: what `canonical_bytes` is defined on."""
    return AuditEntry.objects.filter(sequence=sequence).values_list(*CHAIN_FIELDS).get()


def fast_content(raw: Sequence[Any]) -> bytes | None:
    """The canonical bytes of a row from `raw_batches`, or None if it is not in a form this
    writes (then only the reference check can say what it holds)."""
    sequence, created, actor, organisation, case = raw[0], raw[1], raw[2], raw[4], raw[8]
    # The numbers as the drivers give them, never a float or text that looks like one.
    if type(sequence) is not int or not (actor is None or type(actor) is int):
        return None
    if not (organisation is None or type(organisation) is int):
        return None
    try:
        if len(created) == 26 and created[10] == " " and created[19] == ".":
            created = f"{created[:10]}T{created[11:]}+00:00"
        elif len(created) == 19 and created[10] == " ":  # a whole second: Django drops .000000
            created = f"{created[:10]}T{created[11:]}.000000+00:00"
        else:
            return None
        if case is not None:
            if len(case) == 32:
                case = f"{case[:8]}-{case[8:12]}-{case[12:16]}-{case[16:20]}-{case[20:]}"
            elif len(case) != 36:
                return None
        if type(raw[3]) is not str or type(raw[10]) is not str:
            return None
        return _dumps(
            {
                "action": raw[5],
                "actor": actor,
                "actor_label": raw[3],
                "case": case,
                "created_at": created,
                "key_id": raw[12],
                "object_id": raw[7],
                "object_type": raw[6],
                "organisation": organisation,
                "outcome": raw[9],
                "prev_hash": raw[11],
                "sequence": sequence,
                "snapshot": _loads(raw[10]),
            },
            option=_SORTED,
        )
    except _REFUSED:  # not text, not JSON, a number JSON cannot hold...
        return None


def fast_accepts(
    raw: Sequence[Any],
    expected_sequence: int,
    expected_prev: str,
    macs: dict[str, hmac_lib.HMAC],
) -> bool:
    """True if the row is the expected next entry and both its digests match its bytes.
    `macs`: an HMAC keyed with each key, by key id, for this to copy."""
    if raw[0] != expected_sequence or raw[11] != expected_prev:
        return False
    mac = macs.get(raw[12])
    content = fast_content(raw)
    if mac is None or content is None or _sha256(content).hexdigest() != raw[13]:
        return False
    mac = mac.copy()
    mac.update(content)
    try:
        return _compare(mac.hexdigest(), raw[14])
    except TypeError:  # a stored HMAC that is not ASCII text
        return False
