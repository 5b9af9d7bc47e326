"""What the audit log's Merkle tree costs at 1.2 million entries (decisions/audit/merkle.py).

    .venv/bin/python bench/checkpoint.py [--entries N] [--per-hour H] [--repeats R]
    .venv/bin/python bench/checkpoint.py --db [...]      # the same against a database

Without ``--db``: pure Python, no database. The leaves are generated (SHA-256 of a counter,
standing in for the entries' ``entry_hash``), because writing 1.2 million real audit entries
through ``record()`` takes far longer than what is being measured. The tree keeps every perfect
subtree's root, as the database does, so the operations touch the same nodes the queries fetch.

With ``--db``: a throwaway test database (SQLite unless DATABASE_URL says otherwise; dropped at
the end) is filled with N - H·R synthetic entries and their tree nodes by bulk inserts (not
through ``record()``: their hashes and HMACs are made up, only the tree over them is real), a
first checkpoint is signed, and then, R times, H real entries are written through ``record()``
and ``audit_checkpoint``'s ``make_checkpoint`` is timed (witness: a temporary directory).

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

`bench_checkpoint(...)` and `bench_checkpoint_db(...)` return the numbers as dicts.
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


def _seed_synthetic_log(count: int, batch: int = 20_000) -> None:
    """`count` made-up entries and every tree node over them, by bulk inserts."""
    from django.db import connection, transaction
    from django.utils import timezone

    from decisions.audit.chain import GENESIS_HASH

    now = timezone.now()
    entry_sql = (
        "INSERT INTO decisions_auditentry (sequence, created_at, actor_label, action, "
        "object_type, object_id, outcome, snapshot, prev_hash, entry_hash, hmac, key_id) "
        "VALUES (%s, %s, '', 'signed_in', '', '', '', '{}', %s, %s, %s, 'bench')"
    )
    node_sql = 'INSERT INTO decisions_audittreenode ("level", "index", "hash") VALUES (%s, %s, %s)'
    edge = merkle.CompactRange()
    prev = GENESIS_HASH
    entries: list[tuple] = []
    nodes: list[tuple] = []

    def flush() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(entry_sql, entries)
            cursor.executemany(node_sql, nodes)
        entries.clear()
        nodes.clear()

    for sequence in range(1, count + 1):
        entry_hash = hashlib.sha256(sequence.to_bytes(8, "big")).hexdigest()
        entries.append((sequence, now, prev, entry_hash, entry_hash))
        for (level, index), value in edge.append(merkle.leaf_hash(bytes.fromhex(entry_hash))):
            nodes.append((level, index, value))
        prev = entry_hash
        if len(entries) >= batch:
            flush()
    flush()


def bench_checkpoint_db(entries: int = 1_200_000, per_hour: int = 1_000, repeats: int = 3) -> dict:
    import os
    import tempfile

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "isg.settings_test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    from decisions.audit import checkpoints, tree
    from decisions.audit.record import record
    from decisions.models import AuditEntry

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        base = entries - per_hour * repeats
        t0 = time.perf_counter()
        _seed_synthetic_log(base)
        seed_seconds = time.perf_counter() - t0
        witness = tempfile.mkdtemp(prefix="isg-bench-witness-")
        t0 = time.perf_counter()
        first = checkpoints.make_checkpoint(witness_dirs=[witness])
        first_seconds = time.perf_counter() - t0
        assert first.checkpoint.tree_size == base
        append_times, checkpoint_times = [], []
        for _ in range(repeats):
            for _ in range(per_hour):
                t1 = time.perf_counter()
                record(action=AuditEntry.Action.SIGNED_IN, actor_label="bench")
                append_times.append(time.perf_counter() - t1)
            t1 = time.perf_counter()
            outcome = checkpoints.make_checkpoint(witness_dirs=[witness])
            checkpoint_times.append(time.perf_counter() - t1)
            assert outcome.created and outcome.all_delivered
        size = tree.stored_size()
        assert size == entries
        # The same writes without the tree, for comparison (the next append catches up).
        real_append, baseline_times = tree.append, []
        tree.append = lambda sequence, entry_hash: None
        try:
            for _ in range(min(per_hour, 300)):
                t1 = time.perf_counter()
                record(action=AuditEntry.Action.SIGNED_IN, actor_label="bench")
                baseline_times.append(time.perf_counter() - t1)
        finally:
            tree.append = real_append
        t1 = time.perf_counter()
        document = checkpoints.proof_for(AuditEntry.objects.get(sequence=size // 2))
        proof_seconds = time.perf_counter() - t1
        assert document is not None
        return {
            "vendor": connection.vendor,
            "entries": size,
            "per_hour": per_hour,
            "seed_seconds": seed_seconds,
            "first_checkpoint_seconds": first_seconds,
            "record_median_ms": statistics.median(append_times) * 1e3,
            "record_without_tree_median_ms": statistics.median(baseline_times) * 1e3,
            "checkpoint_median_s": statistics.median(checkpoint_times),
            "checkpoint_max_s": max(checkpoint_times),
            "proof_seconds": proof_seconds,
            "target_s": TARGET_SECONDS,
        }
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=1_200_000)
    parser.add_argument("--per-hour", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--db", action="store_true", help="Against a throwaway test database.")
    args = parser.parse_args(argv)
    if args.db:
        db = bench_checkpoint_db(args.entries, args.per_hour, args.repeats or 3)
        print(f"database                    {db['vendor']:>12}")
        print(f"entries                     {db['entries']:>12,}  (synthetic but the last ones)")
        print(f"seed entries + tree nodes   {db['seed_seconds']:>12.1f} s   (once, bulk)")
        print(f"first checkpoint            {db['first_checkpoint_seconds']:>12.1f} s   (once)")
        print(f"record() one entry, median  {db['record_median_ms']:>12.2f} ms  (tree included)")
        print(f"  the same without the tree {db['record_without_tree_median_ms']:>12.2f} ms")
        print(
            f"hourly checkpoint, median   {db['checkpoint_median_s']:>12.3f} s   "
            f"({db['per_hour']:,} new entries; max {db['checkpoint_max_s']:.3f} s; "
            f"target < {TARGET_SECONDS:.0f} s)"
        )
        print(f"audit_proof of one entry    {db['proof_seconds'] * 1e3:>12.1f} ms")
        return 0 if db["checkpoint_median_s"] < TARGET_SECONDS else 1
    result = bench_checkpoint(args.entries, args.per_hour, args.repeats or 7)
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
