"""verify_audit's fast read of the chain, with the reference check behind it.

The rows are read raw, with one chunked (on PostgreSQL server-side) cursor and the time and
the case id as text, and each entry's canonical bytes are written straight from that text
(`fast_content`): no datetime, UUID or dict per row, only the snapshot's `json.loads` and
its sorted re-encoding, which the check exists to do (the stored text is not canonical:
Django writes it with spaces, ASCII escapes and the keys in insertion order, and jsonb
reorders them).

`fast_accepts` passes an entry only if its sequence and link are the expected ones and its
SHA-256 and HMAC both match those bytes. The bytes are a one-to-one function of the row's
text and, for every row as Django writes it, equal to `chain.canonical_bytes` over the row
the ORM reads (tests/decisions/audit/test_chain_read.py compares every stored entry), so a
match proves the row is the one that was signed. Everything else (a mismatch, a time or id
in a form Django does not write, a value of an unexpected type) is not judged here: the
caller reads that row through the ORM and checks it with `canonical_bytes` and
`verify.check_row`, which says what is wrong exactly as verification always has.
"""

from __future__ import annotations

import hashlib
import hmac as hmac_lib
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any

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

_encode = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses
_SNAPSHOT_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
_sha256 = hashlib.sha256
_compare = hmac_lib.compare_digest


def _snapshot_coders() -> tuple[Callable[[str], Any], Callable[[Any, int], Sequence[str]]]:
    """json.loads and the canonical encoding of a snapshot (in pieces, for the caller to
    join), without most of their Python layers: `raw_decode` from position 0 (without
    loads' whitespace regexes: its end must be the text's end, else ValueError, and the
    reference check), and, where CPython has its C accelerator, the one-shot C encoder
    `JSONEncoder.encode` itself builds on every call (no circular check: parsed JSON has no
    cycles)."""
    raw_decode = json.decoder.JSONDecoder().raw_decode
    make_encoder = getattr(json.encoder, "c_make_encoder", None)
    c = _SNAPSHOT_ENCODER
    if make_encoder is not None:
        encode = make_encoder(
            None, c.default, _encode, None, c.key_separator, c.item_separator,
            c.sort_keys, c.skipkeys, c.allow_nan,
        )  # fmt: skip
    else:

        def encode(value: Any, _level: int) -> Sequence[str]:
            return (c.encode(value),)

    def decode(text: str) -> Any:
        value, end = raw_decode(text)  # JSONDecodeError (a ValueError) if not JSON
        if end != len(text):
            raise ValueError("not one JSON value")
        return value

    return decode, encode


_decode_snapshot, _encode_snapshot = _snapshot_coders()


def raw_batches(start: int, chunk_size: int = CHUNK_SIZE) -> Iterator[list[tuple[Any, ...]]]:
    """The CHAIN_FIELDS of every entry from `start`, in sequence order, `chunk_size` rows at a
    time, as the driver returns them: the time as `YYYY-MM-DD HH:MM:SS[.ffffff]` UTC text
    (SQLite's stored text; PostgreSQL's `to_char`), the case id as text (SQLite's 32 hex
    digits; PostgreSQL's hyphenated form) and the snapshot as its JSON text."""
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
    sql = f"SELECT {', '.join(columns)} FROM {table} WHERE {sequence} >= %s ORDER BY {sequence}"
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, [start])
        while batch := cursor.fetchmany(chunk_size):
            yield batch


def orm_row(sequence: int) -> tuple[Any, ...]:
    """One entry's CHAIN_FIELDS as the ORM reads them: what `canonical_bytes` is defined on."""
    return AuditEntry.objects.filter(sequence=sequence).values_list(*CHAIN_FIELDS).get()


def fast_content(raw: Sequence[Any]) -> bytes | None:
    """The canonical bytes of a row from `raw_batches`, or None if it is not in a form this
    writes (then only the reference check can say what it holds)."""
    sequence, created, actor, organisation, case = raw[0], raw[1], raw[2], raw[4], raw[8]
    try:
        if len(created) == 26 and created[10] == " " and created[19] == ".":
            created = f'"{created[:10]}T{created[11:]}+00:00"'
        elif len(created) == 19 and created[10] == " ":  # a whole second: Django drops .000000
            created = f'"{created[:10]}T{created[11:]}.000000+00:00"'
        else:
            return None
        if case is None:
            case = "null"
        elif len(case) == 32:
            case = f'"{case[:8]}-{case[8:12]}-{case[12:16]}-{case[16:20]}-{case[20:]}"'
        elif len(case) == 36:
            case = _encode(case)
        else:
            return None
        # int.__repr__ raises TypeError for anything but an int (the drivers give no bools).
        actor = "null" if actor is None else int.__repr__(actor)
        organisation = "null" if organisation is None else int.__repr__(organisation)
        return "".join(
            (
                '{"action":',
                _encode(raw[5]),
                ',"actor":',
                actor,
                ',"actor_label":',
                _encode(raw[3]),
                ',"case":',
                case,
                ',"created_at":',
                created,
                ',"key_id":',
                _encode(raw[12]),
                ',"object_id":',
                _encode(raw[7]),
                ',"object_type":',
                _encode(raw[6]),
                ',"organisation":',
                organisation,
                ',"outcome":',
                _encode(raw[9]),
                ',"prev_hash":',
                _encode(raw[11]),
                ',"sequence":',
                int.__repr__(sequence),
                ',"snapshot":',
                *_encode_snapshot(_decode_snapshot(raw[10]), 0),
                "}",
            )
        ).encode("utf-8")
    except (TypeError, ValueError):  # not text, not JSON, a number JSON cannot hold...
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
