"""What the audit log's Merkle tree costs at 1.2 million entries (decisions/audit/merkle.py).

    .venv/bin/python bench/checkpoint.py [--entries N] [--per-hour H] [--repeats R]

Pure Python, no database: the leaves are generated (SHA-256 of a counter, standing in for the
entries' ``entry_hash``), because writing 1.2 million real audit entries through ``record()``
takes far longer than what is being measured. The tree keeps every perfect subtree's root, as
the database does, so the operations below touch the same nodes the database queries fetch.

It prints, as medians over R runs:

- **append**: one leaf (the work ``record()`` adds per entry), in microseconds, and the most
  nodes one append wrote (it must stay at most log2(N) + 1);
- **hourly checkpoint**: append H entries written in the last hour, check them against the
  compact range kept from the previous checkpoint, compute the root, prove consistency with
  the previous checkpoint and verify that proof, and sign the C2SP note. Target: under 1 s;
- **inclusion proof**: build and verify one entry's proof, as ``audit_proof`` and
  ``verify_proof`` do;
- **full recompute**: the root of all N leaves from scratch, streaming, as ``verify_audit``
  does on its walk (once, not a median).

`bench_checkpoint(...)` returns the numbers as a dict.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from decisions.audit import merkle  # noqa: E402
from decisions.audit.checkpoint import Checkpoint, SignerKey, open_checkpoint  # noqa: E402

TARGET_SECONDS = 1.0
ORIGIN = "bench.isg.invalid/audit"


def synthetic_leaf(sequence: int) -> bytes:
    """The leaf hash of a made-up entry whose entry_hash is SHA-256 of its sequence."""
    return merkle.leaf_hash(hashlib.sha256(sequence.to_bytes(8, "big")).digest())


def hourly_checkpoint(
    tree: merkle.MemoryTree,
    previous: tuple[int, bytes, merkle.CompactRange],
    new_leaves: list[bytes],
    signer: SignerKey,
) -> tuple[int, bytes, merkle.CompactRange, str]:
    """One hour's checkpoint, as audit_checkpoint does it; returns the new state and note."""
    old_size, old_root, edge = previous
    tree.extend(new_leaves)  # record() did this, one entry at a time, during the hour
    # The bounded incremental check: the entries since the last checkpoint, appended to the
    # compact range kept from it, must give the root the stored nodes give.
    edge = edge.copy()
    edge.extend(new_leaves)
    root = tree.root()
    if edge.root() != root:
        raise AssertionError("the stored tree does not match the entries")
    proof = tree.consistency_proof(old_size)
    merkle.verify_consistency(old_size, tree.size, old_root, root, proof)
    note = Checkpoint(ORIGIN, tree.size, root).sign(signer)
    open_checkpoint(note, signer.verifier)
    return tree.size, root, edge, note


def bench_checkpoint(entries: int = 1_200_000, per_hour: int = 1_000, repeats: int = 7) -> dict:
    signer = SignerKey.generate(ORIGIN)
    base = entries - per_hour * repeats
    started = time.perf_counter()
    tree = merkle.MemoryTree()
    most_nodes = 0
    append_times = []
    for sequence in range(1, base + 1):
        leaf = synthetic_leaf(sequence)
        if sequence % 50_000 == 0:  # sample single appends along the way
            t0 = time.perf_counter()
            created = tree.edge.append(leaf)
            append_times.append(time.perf_counter() - t0)
            tree.nodes.update(created)
        else:
            created = tree.edge.append(leaf)
            tree.nodes.update(created)
        most_nodes = max(most_nodes, len(created))
    build_seconds = time.perf_counter() - started

    previous = (tree.size, tree.root(), merkle.CompactRange.from_nodes(tree.size, tree.nodes))
    checkpoint_times = []
    for _ in range(repeats):
        first = tree.size + 1
        leaves = [synthetic_leaf(s) for s in range(first, first + per_hour)]
        t0 = time.perf_counter()
        size, root, edge, _ = hourly_checkpoint(tree, previous, leaves, signer)
        checkpoint_times.append(time.perf_counter() - t0)
        previous = (size, root, edge)

    inclusion_times = []
    root = tree.root()
    for index in (0, tree.size // 3, tree.size // 2, tree.size - 1, 654_321 % tree.size):
        t0 = time.perf_counter()
        path = tree.inclusion_proof(index)
        merkle.verify_inclusion(index, tree.size, tree.nodes[(0, index)], path, root)
        inclusion_times.append(time.perf_counter() - t0)

    t0 = time.perf_counter()
    recomputed = merkle.tree_hash(synthetic_leaf(s) for s in range(1, tree.size + 1))
    recompute_seconds = time.perf_counter() - t0
    if recomputed != root:
        raise AssertionError("the streamed root differs from the stored tree's")

    return {
        "entries": tree.size,
        "per_hour": per_hour,
        "build_seconds": build_seconds,
        "append_median_us": statistics.median(append_times) * 1e6,
        "append_most_nodes": most_nodes,
        "checkpoint_median_s": statistics.median(checkpoint_times),
        "checkpoint_max_s": max(checkpoint_times),
        "inclusion_median_ms": statistics.median(inclusion_times) * 1e3,
        "recompute_seconds": recompute_seconds,
        "target_s": TARGET_SECONDS,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_200_000)
    parser.add_argument("--per-hour", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)
    result = bench_checkpoint(args.entries, args.per_hour, args.repeats)
    print(f"entries                     {result['entries']:>12,}  (synthetic leaves)")
    print(f"build the tree              {result['build_seconds']:>12.1f} s   (once)")
    print(f"append one entry, median    {result['append_median_us']:>12.1f} µs")
    print(f"append, most nodes written  {result['append_most_nodes']:>12}")
    print(
        f"hourly checkpoint, median   {result['checkpoint_median_s']:>12.3f} s   "
        f"({result['per_hour']:,} new entries; max {result['checkpoint_max_s']:.3f} s; "
        f"target < {TARGET_SECONDS:.0f} s)"
    )
    print(f"inclusion proof + verify    {result['inclusion_median_ms']:>12.3f} ms")
    print(f"recompute root from scratch {result['recompute_seconds']:>12.1f} s   (once)")
    return 0 if result["checkpoint_median_s"] < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
