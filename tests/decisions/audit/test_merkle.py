"""The Merkle tree against RFC 9162 and the vectors of transparency-dev/merkle; no database.

The eight leaf inputs, node hashes, roots and expected proofs are the RFC 6962/9162 reference
vectors as published in github.com/transparency-dev/merkle (testonly/constants.go,
testonly/reference_test.go, rfc6962/rfc6962_test.go); the probe files in ``vectors/`` are that
project's testdata for proof verification, happy paths and corruptions alike.
"""

import base64
import hashlib
import json
import random
from pathlib import Path

import pytest

from decisions.audit import merkle
from decisions.audit.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MemoryTree,
    ProofError,
    leaf_hash,
    node_hash,
)

LEAF_INPUTS = [
    bytes.fromhex(h)
    for h in [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ]
]

# Roots of the trees of size 0..8 over LEAF_INPUTS.
ROOTS = [
    bytes.fromhex(h)
    for h in [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]
]

# Every perfect subtree's root, by level then index.
NODE_HASHES = [
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]


def h(hex_string: str) -> bytes:
    return bytes.fromhex(hex_string)


# (index, size) -> the audit path, leaf's sibling first.
INCLUSION_PROOFS = {
    (0, 1): [],
    (0, 2): [h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7")],
    (1, 2): [h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")],
    (2, 3): [h("fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125")],
    (1, 5): [
        h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
    ],
    (0, 8): [
        h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    ],
    (5, 8): [
        h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
        h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
        h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    ],
}

# (old size, new size) -> the consistency proof.
CONSISTENCY_PROOFS = {
    (1, 1): [],
    (1, 8): [
        h("96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"),
        h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        h("6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"),
    ],
    (2, 5): [
        h("5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"),
        h("bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"),
    ],
    (6, 8): [
        h("0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"),
        h("ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"),
        h("d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
    ],
}

PROBES = json.loads(
    (Path(__file__).parent / "vectors" / "transparency_dev_probes.json").read_text()
)


def b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def reference_mth(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH written as the RFC's recursion, over leaf *inputs*."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaf_hash(leaves[0])
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(reference_mth(leaves[:k]), reference_mth(leaves[k:]))


def reference_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH, as the RFC's recursion."""
    if len(leaves) <= 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m < k:
        return reference_path(m, leaves[:k]) + [reference_mth(leaves[k:])]
    return reference_path(m - k, leaves[k:]) + [reference_mth(leaves[:k])]


def reference_subproof(m: int, leaves: list[bytes], complete: bool) -> list[bytes]:
    """RFC 9162 §2.1.4.1 SUBPROOF, as the RFC's recursion."""
    n = len(leaves)
    if m == n:
        return [] if complete else [reference_mth(leaves)]
    k = 1 << ((n - 1).bit_length() - 1)
    if m <= k:
        return reference_subproof(m, leaves[:k], complete) + [reference_mth(leaves[k:])]
    return reference_subproof(m - k, leaves[k:], False) + [reference_mth(leaves[:k])]


def vector_tree(size: int = 8) -> MemoryTree:
    return MemoryTree(leaf_hash(data) for data in LEAF_INPUTS[:size])


# -- hashing -----------------------------------------------------------------------------


def test_hashes_are_rfc_9162_with_domain_separation():
    assert EMPTY_ROOT == h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    # The empty tree's hash is not the hash of an empty leaf.
    assert leaf_hash(b"") == h("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d")
    assert leaf_hash(b"L123456") == h(
        "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"
    )
    assert node_hash(b"N123", b"N456") == h(
        "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"
    )
    # A node is not the leaf of the two children's concatenation.
    assert node_hash(b"Hello", b"World") != leaf_hash(b"HelloWorld")


@pytest.mark.parametrize("size", range(9))
def test_roots_of_the_reference_trees(size):
    tree = vector_tree(size)
    assert tree.root() == ROOTS[size]
    assert merkle.tree_hash(leaf_hash(d) for d in LEAF_INPUTS[:size]) == ROOTS[size]
    assert reference_mth(LEAF_INPUTS[:size]) == ROOTS[size]


def test_every_stored_node_is_the_reference_node_hash():
    tree = vector_tree(8)
    expected = {
        (level, index): h(value)
        for level, row in enumerate(NODE_HASHES)
        for index, value in enumerate(row)
    }
    assert tree.nodes == expected


@pytest.mark.parametrize("size", range(9))
def test_roots_at_earlier_sizes_come_from_the_stored_nodes(size):
    assert vector_tree(8).root(size) == ROOTS[size]


# -- the compact range -------------------------------------------------------------------


def test_appending_creates_one_node_per_trailing_one_bit():
    edge = CompactRange()
    counts = [len(edge.append(leaf_hash(bytes([i])))) for i in range(16)]
    # size before append: 0 1 2 3 4 5 6 7 ... -> 1 + trailing ones of that size
    assert counts == [1 + ((i ^ (i + 1)).bit_length() - 1) for i in range(16)]
    assert len(edge.hashes) == 1 and edge.size == 16


def test_compact_range_rebuilt_from_stored_nodes_continues_the_same_tree():
    full = vector_tree(8)
    for size in range(9):
        edge = CompactRange.from_nodes(size, full.nodes)
        assert edge.root() == ROOTS[size]
        for data in LEAF_INPUTS[size:]:
            edge.append(leaf_hash(data))
        assert edge.root() == ROOTS[8]


def test_compact_range_refuses_the_wrong_number_of_hashes():
    with pytest.raises(ValueError):
        CompactRange(3, [EMPTY_ROOT])
    with pytest.raises(ProofError):
        CompactRange().append(b"short")


def test_compact_range_ids_are_one_per_set_bit_largest_first():
    assert merkle.compact_range_ids(0) == []
    assert merkle.compact_range_ids(1) == [(0, 0)]
    assert merkle.compact_range_ids(7) == [(2, 0), (1, 2), (0, 6)]
    assert merkle.compact_range_ids(1_200_000) == [
        (20, 0), (17, 8), (14, 72), (11, 584), (10, 1170), (9, 2342), (8, 4686), (7, 9374)
    ]
    size = 1_200_001
    ids = merkle.compact_range_ids(size)
    assert len(ids) == size.bit_count()
    assert sum(1 << level for level, _ in ids) == size


def test_range_node_ids_tile_the_range_with_aligned_blocks():
    rng = random.Random(9162)
    for _ in range(500):
        start = rng.randrange(0, 5000)
        end = rng.randrange(start, 6000)
        ids = merkle.range_node_ids(start, end)
        position = start
        for level, index in ids:
            first, last = merkle.node_leaves((level, index))
            assert first == position and first % (1 << level) == 0
            position = last
        assert position == end


# -- inclusion proofs ----------------------------------------------------------------------


@pytest.mark.parametrize(("index", "size"), sorted(INCLUSION_PROOFS))
def test_inclusion_proofs_are_the_reference_ones(index, size):
    proof = vector_tree(8).inclusion_proof(index, size)
    assert proof == INCLUSION_PROOFS[index, size]
    merkle.verify_inclusion(index, size, leaf_hash(LEAF_INPUTS[index]), proof, ROOTS[size])


def test_every_inclusion_proof_up_to_size_40_matches_the_rfc_recursion_and_verifies():
    leaves = [bytes([i]) * (i % 5) for i in range(40)]
    tree = MemoryTree(leaf_hash(d) for d in leaves)
    for size in range(1, 41):
        root = reference_mth(leaves[:size])
        assert tree.root(size) == root
        for index in range(size):
            proof = tree.inclusion_proof(index, size)
            assert proof == reference_path(index, leaves[:size])
            merkle.verify_inclusion(index, size, leaf_hash(leaves[index]), proof, root)
            assert set(merkle.inclusion_proof_node_ids(index, size)) <= set(tree.nodes)


def test_an_inclusion_proof_fails_for_another_leaf_index_size_or_root():
    tree = vector_tree(8)
    proof = tree.inclusion_proof(5, 8)
    leaf = leaf_hash(LEAF_INPUTS[5])
    with pytest.raises(ProofError):
        merkle.verify_inclusion(4, 8, leaf, proof, ROOTS[8])
    with pytest.raises(ProofError):
        merkle.verify_inclusion(5, 8, leaf_hash(LEAF_INPUTS[4]), proof, ROOTS[8])
    with pytest.raises(ProofError):
        merkle.verify_inclusion(5, 7, leaf, proof, ROOTS[7])
    with pytest.raises(ProofError):
        merkle.verify_inclusion(5, 8, leaf, proof, ROOTS[7])
    with pytest.raises(ProofError):
        merkle.verify_inclusion(5, 8, leaf, proof[:-1], ROOTS[8])
    with pytest.raises(ProofError):
        merkle.verify_inclusion(5, 8, leaf, [*proof, ROOTS[1]], ROOTS[8])
    with pytest.raises(ProofError):
        merkle.verify_inclusion(8, 8, leaf, proof, ROOTS[8])


def test_an_inclusion_proof_with_any_one_byte_changed_fails():
    tree = vector_tree(7)
    proof = tree.inclusion_proof(2, 7)
    leaf = leaf_hash(LEAF_INPUTS[2])
    for element in range(len(proof)):
        for position in range(32):
            bad = [bytearray(p) for p in proof]
            bad[element][position] ^= 0x01
            with pytest.raises(ProofError):
                merkle.verify_inclusion(2, 7, leaf, [bytes(b) for b in bad], ROOTS[7])


def test_inclusion_probes_of_transparency_dev():
    assert len(PROBES["inclusion"]) == 98
    wrong = []
    for probe in PROBES["inclusion"]:
        try:
            merkle.verify_inclusion(
                probe["leafIdx"],
                probe["treeSize"],
                b64(probe["leafHash"]),
                [b64(p) for p in probe["proof"] or []],
                b64(probe["root"]),
            )
            failed = False
        except ProofError:
            failed = True
        if failed != probe["wantErr"]:
            wrong.append(probe["file"])
    assert wrong == []


# -- consistency proofs --------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new"), sorted(CONSISTENCY_PROOFS))
def test_consistency_proofs_are_the_reference_ones(old, new):
    proof = vector_tree(8).consistency_proof(old, new)
    assert proof == CONSISTENCY_PROOFS[old, new]
    merkle.verify_consistency(old, new, ROOTS[old], ROOTS[new], proof)


def test_every_consistency_proof_up_to_size_40_matches_the_rfc_recursion_and_verifies():
    leaves = [bytes([i, i]) for i in range(40)]
    tree = MemoryTree(leaf_hash(d) for d in leaves)
    roots = [reference_mth(leaves[:n]) for n in range(41)]
    for new in range(1, 41):
        for old in range(1, new + 1):
            proof = tree.consistency_proof(old, new)
            assert proof == reference_subproof(old, leaves[:new], True)
            merkle.verify_consistency(old, new, roots[old], roots[new], proof)
            if old < new:
                # The proof binds both roots: another old root fails.
                with pytest.raises(ProofError):
                    merkle.verify_consistency(old, new, roots[old - 1], roots[new], proof)


def test_a_consistency_proof_fails_for_a_rewritten_prefix():
    leaves = [leaf_hash(bytes([i])) for i in range(13)]
    honest = MemoryTree(leaves)
    old_root = honest.root(6)
    rewritten = MemoryTree([*leaves[:3], leaf_hash(b"rewritten"), *leaves[4:]])
    with pytest.raises(ProofError):
        merkle.verify_consistency(6, 13, old_root, rewritten.root(), rewritten.consistency_proof(6))
    merkle.verify_consistency(6, 13, old_root, honest.root(), honest.consistency_proof(6))


def test_consistency_edge_cases():
    with pytest.raises(ProofError):
        merkle.verify_consistency(0, 3, EMPTY_ROOT, ROOTS[3], [])
    with pytest.raises(ProofError):
        merkle.verify_consistency(4, 3, ROOTS[4], ROOTS[3], [])
    with pytest.raises(ProofError):
        merkle.verify_consistency(3, 3, ROOTS[3], ROOTS[4], [])
    with pytest.raises(ProofError):
        merkle.verify_consistency(3, 3, ROOTS[3], ROOTS[3], [ROOTS[1]])
    with pytest.raises(ProofError):
        merkle.verify_consistency(3, 5, ROOTS[3], ROOTS[5], [])
    merkle.verify_consistency(3, 3, ROOTS[3], ROOTS[3], [])


def test_consistency_probes_of_transparency_dev():
    assert len(PROBES["consistency"]) == 98
    wrong = []
    for probe in PROBES["consistency"]:
        try:
            merkle.verify_consistency(
                probe["size1"],
                probe["size2"],
                b64(probe["root1"]),
                b64(probe["root2"]),
                [b64(p) for p in probe["proof"] or []],
            )
            failed = False
        except ProofError:
            failed = True
        if failed != probe["wantErr"]:
            wrong.append(probe["file"])
    # One deliberate difference: a "root" that is not 32 bytes is refused even where the two
    # sizes are equal and the two strings are the same; the Go code compares them unchecked.
    assert wrong == ["consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"]


# -- cost ----------------------------------------------------------------------------------


def test_a_proof_at_a_million_leaves_needs_only_logarithmically_many_nodes():
    size = 1_200_000
    for index in (0, 1, 654_321, size - 1):
        ids = merkle.inclusion_proof_node_ids(index, size)
        assert len(ids) <= 2 * size.bit_length()
    assert len(merkle.consistency_proof_node_ids(1_199_500, size)) <= 2 * size.bit_length()
