"""The RFC 9162 Merkle tree over the audit log (§2.1), in pure Python.

Leaves are the entries in ``sequence`` order (leaf index = sequence - 1); the leaf's data is the
entry's 32-byte ``entry_hash``. Hashing is RFC 9162 §2.1.1:

    MTH({})  = SHA-256()
    leaf     = SHA-256(0x00 || data)
    node     = SHA-256(0x01 || left || right)

A *node* here is the root of a perfect subtree, named ``(level, index)``: it covers the leaves
``[index * 2**level, (index + 1) * 2**level)``. Such a node never changes once its last leaf
exists, so it can be stored once and never updated. Everything else (the root of a tree whose
size is not a power of two, the siblings on the right edge of a proof) is folded on demand from
at most ``log2(n)`` stored nodes. That is what keeps appending, checkpointing and proving
O(log n) at millions of entries:

- appending leaf ``n`` creates the leaf node and one parent per trailing one-bit of ``n``
  (:class:`CompactRange`), amortised two nodes;
- the root at any size is the fold of the size's :func:`compact_range_ids`;
- an inclusion or consistency proof needs the nodes :func:`inclusion_proof_node_ids` /
  :func:`consistency_proof_node_ids` name, which the caller fetches in one query.

No Django here: the same code runs in ``verify_proof`` with no database.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeId = tuple[int, int]
"""``(level, index)`` of a perfect subtree's root."""

NodeSource = Mapping[NodeId, bytes] | Callable[[NodeId], bytes]


class ProofError(ValueError):
    """A proof does not verify, or cannot be made for the sizes asked."""


def leaf_hash(data: bytes) -> bytes:
    """RFC 9162 leaf hash: SHA-256(0x00 || data)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _largest_power_of_two_below(n: int) -> int:
    """The k of RFC 9162's split: the largest power of two strictly smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def node_leaves(node: NodeId) -> tuple[int, int]:
    """The leaf range ``[start, end)`` a node covers."""
    level, index = node
    return index << level, (index + 1) << level


def range_node_ids(start: int, end: int) -> list[NodeId]:
    """The maximal aligned perfect subtrees that tile ``[start, end)``, left to right."""
    if not 0 <= start <= end:
        raise ValueError(f"bad range [{start}, {end})")
    ids: list[NodeId] = []
    while start < end:
        # The largest aligned block that starts here and still fits.
        level = (start & -start).bit_length() - 1 if start else (end - start).bit_length() - 1
        while start + (1 << level) > end:
            level -= 1
        ids.append((level, start >> level))
        start += 1 << level
    return ids


def compact_range_ids(size: int) -> list[NodeId]:
    """The nodes whose fold is the root of the tree of ``size`` leaves (one per set bit)."""
    return range_node_ids(0, size)


def _getter(nodes: NodeSource) -> Callable[[NodeId], bytes]:
    if callable(nodes):
        return nodes
    return nodes.__getitem__


def fold(hashes: Sequence[bytes]) -> bytes:
    """Fold a compact range (largest subtree first) into one hash, right to left."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def range_hash(start: int, end: int, nodes: NodeSource) -> bytes:
    """MTH of the leaves ``[start, end)`` from stored nodes.

    Exact for the ranges that occur in RFC 9162 (``start`` a multiple of the power of two at or
    above ``end - start``), which are all this module asks for.
    """
    get = _getter(nodes)
    return fold([get(node) for node in range_node_ids(start, end)])


def root_hash(size: int, nodes: NodeSource) -> bytes:
    """The root of the first ``size`` leaves, from at most log2(size) stored nodes."""
    return range_hash(0, size, nodes)


# -- proofs as leaf ranges ------------------------------------------------------------------


def inclusion_path_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """RFC 9162 §2.1.3.1 PATH(index, D[size]) as leaf ranges, the leaf's sibling first."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    ranges: list[tuple[int, int]] = []
    lo, hi = 0, size
    while hi - lo > 1:
        k = _largest_power_of_two_below(hi - lo)
        if index < lo + k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
    ranges.reverse()
    return ranges


def consistency_proof_ranges(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """RFC 9162 §2.1.4.1 PROOF(old_size, D[new_size]) as leaf ranges, in proof order."""
    if not 0 < old_size <= new_size:
        raise ProofError(f"no consistency proof from size {old_size} to size {new_size}")
    ranges: list[tuple[int, int]] = []
    lo, hi, m = 0, new_size, old_size
    complete = True  # SUBPROOF's b: is this subtree the whole of the old tree's hash?
    while True:
        n = hi - lo
        if m == n:
            if not complete:
                ranges.append((lo, hi))
            break
        k = _largest_power_of_two_below(n)
        if m <= k:
            ranges.append((lo + k, hi))
            hi = lo + k
        else:
            ranges.append((lo, lo + k))
            lo += k
            m -= k
            complete = False
    ranges.reverse()
    return ranges


def _ids_for(ranges: Iterable[tuple[int, int]]) -> set[NodeId]:
    return {node for start, end in ranges for node in range_node_ids(start, end)}


def inclusion_proof_node_ids(index: int, size: int) -> set[NodeId]:
    """The stored nodes needed for the inclusion proof of ``index`` at ``size``."""
    return _ids_for(inclusion_path_ranges(index, size))


def consistency_proof_node_ids(old_size: int, new_size: int) -> set[NodeId]:
    """The stored nodes needed for the consistency proof from ``old_size`` to ``new_size``."""
    return _ids_for(consistency_proof_ranges(old_size, new_size))


def inclusion_proof(index: int, size: int, nodes: NodeSource) -> list[bytes]:
    """The audit path of leaf ``index`` in the tree of ``size`` leaves."""
    return [range_hash(start, end, nodes) for start, end in inclusion_path_ranges(index, size)]


def consistency_proof(old_size: int, new_size: int, nodes: NodeSource) -> list[bytes]:
    """The consistency proof between the trees of ``old_size`` and ``new_size`` leaves."""
    if old_size == new_size:
        return []
    return [
        range_hash(start, end, nodes)
        for start, end in consistency_proof_ranges(old_size, new_size)
    ]


# -- verification (RFC 9162 §2.1.3.2 and §2.1.4.2) ------------------------------------------


def _check_hash(value: bytes, what: str) -> None:
    if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
        raise ProofError(f"{what} is not a {HASH_SIZE}-byte hash")


def root_from_inclusion_proof(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes]
) -> bytes:
    """The root that ``proof`` leads to from the leaf hash ``leaf`` (RFC 9162 §2.1.3.2)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    _check_hash(leaf, "the leaf hash")
    fn, sn = index, size - 1
    r = bytes(leaf)
    for position, p in enumerate(proof):
        _check_hash(p, f"audit path element {position}")
        if sn == 0:
            raise ProofError("the audit path is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the audit path is shorter than the tree is deep")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise :class:`ProofError` unless ``proof`` shows leaf ``index`` in the tree ``root``."""
    _check_hash(root, "the root hash")
    if root_from_inclusion_proof(index, size, leaf, proof) != root:
        raise ProofError("the audit path does not lead to the root hash")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise :class:`ProofError` unless the tree ``old_root`` is a prefix of ``new_root``.

    RFC 9162 §2.1.4.2 for ``0 < old_size < new_size``; equal sizes need an empty proof and
    equal roots. A proof from the empty tree proves nothing and is refused.
    """
    _check_hash(old_root, "the first root hash")
    _check_hash(new_root, "the second root hash")
    if old_size < 0 or new_size < old_size:
        raise ProofError(f"tree size {new_size} is smaller than {old_size}")
    if old_size == 0:
        raise ProofError("a consistency proof from the empty tree proves nothing")
    if old_size == new_size:
        if proof:
            raise ProofError("equal tree sizes need an empty proof")
        if old_root != new_root:
            raise ProofError(f"two different roots for the same tree size {old_size}")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    for position, c in enumerate(proof):
        _check_hash(c, f"consistency proof element {position}")
    path = list(proof)
    if old_size & (old_size - 1) == 0:  # an exact power of two
        path.insert(0, bytes(old_root))
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if fr != old_root:
        raise ProofError(f"the proof does not lead to the root at size {old_size}")
    if sr != new_root:
        raise ProofError(f"the proof does not lead to the root at size {new_size}")


# -- appending -------------------------------------------------------------------------------


@dataclass
class CompactRange:
    """The right edge of the tree: one hash per set bit of ``size``, largest subtree first.

    This is all the state appending needs. :meth:`append` returns the nodes it completed, for
    the caller to store; ``hashes`` of the range for ``size`` are the stored nodes
    :func:`compact_range_ids` names, so the range can be rebuilt from storage in one query.
    """

    size: int = 0
    hashes: list[bytes] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.hashes) != self.size.bit_count():
            raise ValueError(
                f"a compact range of size {self.size} has {self.size.bit_count()} hashes, "
                f"not {len(self.hashes)}"
            )

    @classmethod
    def from_nodes(cls, size: int, nodes: NodeSource) -> CompactRange:
        """Rebuild the range for ``size`` from stored nodes."""
        get = _getter(nodes)
        return cls(size, [get(node) for node in compact_range_ids(size)])

    def append(self, leaf: bytes) -> list[tuple[NodeId, bytes]]:
        """Add one leaf hash; return the nodes it completed (the leaf node first)."""
        _check_hash(leaf, "the leaf hash")
        index, level, value = self.size, 0, bytes(leaf)
        created = [((0, index), value)]
        # One merge per trailing one-bit of the old size: O(log n), amortised one.
        while index & 1:
            value = node_hash(self.hashes.pop(), value)
            index >>= 1
            level += 1
            created.append(((level, index), value))
        self.hashes.append(value)
        self.size += 1
        return created

    def extend(self, leaves: Iterable[bytes]) -> list[tuple[NodeId, bytes]]:
        """Append many leaf hashes; return every node completed, in order."""
        created: list[tuple[NodeId, bytes]] = []
        for leaf in leaves:
            created.extend(self.append(leaf))
        return created

    def root(self) -> bytes:
        """The tree's root hash (RFC 9162 MTH of every leaf so far)."""
        return fold(self.hashes)

    def copy(self) -> CompactRange:
        return CompactRange(self.size, list(self.hashes))


class MemoryTree:
    """Every node of the tree in a dict: for tests, benchmarks and offline checks."""

    def __init__(self, leaves: Iterable[bytes] = ()) -> None:
        self.nodes: dict[NodeId, bytes] = {}
        self.edge = CompactRange()
        self.extend(leaves)

    @property
    def size(self) -> int:
        return self.edge.size

    def append(self, leaf: bytes) -> None:
        """Append one leaf *hash*."""
        self.nodes.update(self.edge.append(leaf))

    def extend(self, leaves: Iterable[bytes]) -> None:
        for leaf in leaves:
            self.append(leaf)

    def root(self, size: int | None = None) -> bytes:
        size = self.size if size is None else size
        self._check_size(size)
        return root_hash(size, self.nodes)

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        size = self.size if size is None else size
        self._check_size(size)
        return inclusion_proof(index, size, self.nodes)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        new_size = self.size if new_size is None else new_size
        self._check_size(new_size)
        return consistency_proof(old_size, new_size, self.nodes)

    def _check_size(self, size: int) -> None:
        if not 0 <= size <= self.size:
            raise ProofError(f"the tree has {self.size} leaves, not {size}")


def tree_hash(leaves: Iterable[bytes]) -> bytes:
    """The root over leaf *hashes*, streaming, in O(log n) memory."""
    edge = CompactRange()
    for leaf in leaves:
        edge.append(leaf)
    return edge.root()
