"""`tree.RootWalk`: the roots verify_audit folds in its pass over the chain (no database)."""

import hashlib

from decisions.audit import merkle, tree


def entry_hash(n: int) -> str:
    return hashlib.sha256(str(n).encode()).hexdigest()


def test_the_roots_at_the_wanted_sizes_are_the_reference_roots():
    sizes = [0, 1, 2, 3, 7, 8, 13, 64, 65, 100]
    walk = tree.RootWalk([*sizes, 100, 500])  # repeated, and beyond the end
    leaves = []
    for n in range(1, 101):
        walk.add(n, entry_hash(n))
        leaves.append(merkle.leaf_hash(bytes.fromhex(entry_hash(n))))
    assert walk.size == 100 and walk.last_sequence == 100
    assert walk.roots == {size: merkle.tree_hash(leaves[:size]) for size in sizes}
    assert walk.roots[0] == merkle.EMPTY_ROOT


def test_a_walk_without_wanted_sizes_keeps_no_roots():
    walk = tree.RootWalk([])
    for n in range(1, 10):
        walk.add(n, entry_hash(n))
    assert walk.roots == {} and walk.size == 9
