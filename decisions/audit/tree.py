"""The audit log's Merkle tree as stored in the database (AuditTreeNode).

Every perfect subtree's root is written once, when its last entry is: `append`, called by
`record()` under the chain lock and in the entry's transaction, writes the entry's leaf and the
subtrees it completes (two rows on average, at most log2(n) + 1). Roots at any size and every
proof are folded from at most 2·log2(n) stored nodes fetched in one query (`merkle` does the
hashing; this module only stores and fetches).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from django.db import connection

from decisions.audit import merkle
from decisions.audit.merkle import CompactRange, NodeId
from decisions.models import AuditEntry, AuditTreeNode

STREAM_CHUNK = 5000


class TreeError(RuntimeError):
    """The stored tree cannot be used as it is (nodes missing, or entries missing)."""


def fetch_nodes(ids: Iterable[NodeId]) -> dict[NodeId, bytes]:
    """The stored nodes named, in one query; TreeError if any is missing.

    Plain SQL: on every `record()`, the ORM's building of a twenty-term OR cost more than the
    query itself (0.7 ms against 0.1 ms).
    """
    wanted = set(ids)
    if not wanted:
        return {}
    table = connection.ops.quote_name(AuditTreeNode._meta.db_table)
    level, index = connection.ops.quote_name("level"), connection.ops.quote_name("index")
    where = " OR ".join([f"({level} = %s AND {index} = %s)"] * len(wanted))
    params = [value for node in sorted(wanted) for value in node]
    with connection.cursor() as cursor:
        value = connection.ops.quote_name("hash")
        cursor.execute(f"SELECT {level}, {index}, {value} FROM {table} WHERE {where}", params)
        nodes = {(row[0], row[1]): bytes(row[2]) for row in cursor.fetchall()}
    if missing := wanted - nodes.keys():
        raise TreeError(f"the stored tree lacks {len(missing)} node(s), e.g. {min(missing)}")
    return nodes


def stored_size() -> int:
    """How many leaves the stored tree has."""
    last = (
        AuditTreeNode.objects.filter(level=0)
        .order_by("-index")
        .values_list("index", flat=True)
        .first()
    )
    return 0 if last is None else last + 1


def _store(created: Sequence[tuple[NodeId, bytes]]) -> None:
    """Insert new nodes. A node already there is left as it was: that happens only when
    entries were deleted behind the application's back, and then the stale node is evidence
    (checkpoints are refused and verify_audit fails) while the log stays writable."""
    AuditTreeNode.objects.bulk_create(
        [AuditTreeNode(level=level, index=index, hash=value) for (level, index), value in created],
        batch_size=2000,
        ignore_conflicts=True,
    )


def leaf_of(entry_hash: str) -> bytes:
    return merkle.leaf_hash(bytes.fromhex(entry_hash))


def append(sequence: int, entry_hash: str) -> None:
    """Add entry `sequence` to the stored tree. Called by record(), under the chain lock.

    Two queries: the compact range of the tree before it (at most log2(n) nodes) and one
    insert of the nodes the new leaf completes. A tree that lags behind the entries (data
    generated in bulk) is caught up first.
    """
    size = sequence - 1
    try:
        edge = CompactRange.from_nodes(size, fetch_nodes(merkle.compact_range_ids(size)))
    except TreeError:
        catch_up(size)
        edge = CompactRange.from_nodes(size, fetch_nodes(merkle.compact_range_ids(size)))
    _store(edge.append(leaf_of(entry_hash)))


def catch_up(up_to: int | None = None) -> int:
    """Append every entry the stored tree lacks (up to `up_to`); returns the tree's size."""
    size = stored_size()
    edge = CompactRange.from_nodes(size, fetch_nodes(merkle.compact_range_ids(size)))
    rows = AuditEntry.objects.filter(sequence__gt=size)
    if up_to is not None:
        rows = rows.filter(sequence__lte=up_to)
    batch: list[tuple[NodeId, bytes]] = []
    for sequence, entry_hash in (
        rows.order_by("sequence").values_list("sequence", "entry_hash").iterator(STREAM_CHUNK)
    ):
        if sequence != edge.size + 1:
            raise TreeError(f"entry {edge.size + 1} is missing: the tree cannot skip it")
        batch.extend(edge.append(leaf_of(entry_hash)))
        if len(batch) >= 10_000:
            _store(batch)
            batch = []
    _store(batch)
    return edge.size


class RootWalk:
    """The root at each of `sizes` (the checkpoints' tree sizes), folded from the entries'
    hashes in sequence order: `CompactRange.append` without the nodes it would return for
    storing, so that verify_audit can fold the tree in the same pass as it checks the chain.
    `last_sequence` is the sequence of the last entry added; `read` adds the stored entries
    after it (all of them, or those before `before`)."""

    def __init__(self, sizes: Iterable[int]) -> None:
        self.size = 0
        self.last_sequence = 0
        self.roots: dict[int, bytes] = {}
        self._edge: list[bytes] = []
        self._pending = sorted(set(sizes), reverse=True)
        self._check_wanted()

    def add(self, sequence: int, entry_hash: str) -> None:
        self.extend(sequence, [entry_hash])

    def extend(self, last_sequence: int, entry_hashes: Sequence[str]) -> None:
        """Add the hashes of consecutive entries, the last of which is `last_sequence`."""
        edge, sha256, fromhex = self._edge, hashlib.sha256, bytes.fromhex
        leaf, node, pending = merkle.LEAF_PREFIX, merkle.NODE_PREFIX, self._pending
        size = self.size
        for entry_hash in entry_hashes:
            value = sha256(leaf + fromhex(entry_hash)).digest()
            index = size
            while index & 1:  # one merge per trailing one-bit, as CompactRange.append
                value = sha256(node + edge.pop() + value).digest()
                index >>= 1
            edge.append(value)
            size += 1
            if pending and pending[-1] == size:
                self.size = size
                self._check_wanted()
        self.size = size
        self.last_sequence = last_sequence

    def wanted_in(self, start: int, stop: int | None) -> list[int]:
        """The sizes still wanted from entry `start` to before `stop` (or on), counted from
        `start`: what a walk of those entries alone (a verify worker's) must fold roots at."""
        return [
            size - start + 1
            for size in self._pending
            if size >= start and (stop is None or size < stop)
        ]

    def join(self, run: RootWalk, last_sequence: int) -> None:
        """Add the entries another walk folded (a verify worker's, over the `run.size` entries
        after this walk's end): the roots it folded at `wanted_in` sizes, and its edge.

        Right-to-left folding makes the root at any size inside the run this walk's edge
        folded with the run's root there. The run's edge joins this one subtree by subtree,
        merging as `extend` does, so this walk's size must be a multiple of the largest
        power of two not above `run.size`: the runs of verify_ranges are."""
        edge, node = self._edge, merkle.NODE_PREFIX
        while self._pending and self._pending[-1] <= self.size + run.size:
            size = self._pending.pop()
            self.roots[size] = merkle.fold([*edge, run.roots[size - self.size]])
        remaining = run.size
        for value in run._edge:
            height = remaining.bit_length() - 1
            index = self.size >> height
            while index & 1:
                value = hashlib.sha256(node + edge.pop() + value).digest()
                index >>= 1
            edge.append(value)
            self.size += 1 << height
            remaining -= 1 << height
        self.last_sequence = last_sequence
        self._check_wanted()

    def read(self, before: int | None = None) -> None:
        rows = AuditEntry.objects.filter(sequence__gt=self.last_sequence)
        if before is not None:
            rows = rows.filter(sequence__lt=before)
        for sequence, entry_hash in (
            rows.order_by("sequence").values_list("sequence", "entry_hash").iterator(STREAM_CHUNK)
        ):
            self.add(sequence, entry_hash)  # one by one: read's rows can have gaps

    def _check_wanted(self) -> None:
        while self._pending and self._pending[-1] <= self.size:
            if self._pending.pop() == self.size:
                self.roots[self.size] = merkle.fold(self._edge)


def root_at(size: int) -> bytes:
    return merkle.root_hash(size, fetch_nodes(merkle.compact_range_ids(size)))


def inclusion_path(index: int, size: int) -> list[bytes]:
    return merkle.inclusion_proof(
        index, size, fetch_nodes(merkle.inclusion_proof_node_ids(index, size))
    )


def consistency_path(old_size: int, new_size: int) -> list[bytes]:
    if old_size == new_size:
        return []
    ids = merkle.consistency_proof_node_ids(old_size, new_size)
    return merkle.consistency_proof(old_size, new_size, fetch_nodes(ids))


