"""verify_audit on several processes: the fast way over ranges of the log, joined in order.

The log is cut into ranges of RANGE_SIZE entries (a power of two, so that each range is one
subtree of the Merkle tree). Each range is checked by a worker process with a connection of
its own, the fast way (`chain_read.fast_accepts`), and folded into its own `tree.RootWalk`.
The parent then joins the ranges in order: each range's first entry must link to the last
entry of the range before it (its seam), and the walks join into one.

This is a fast path for a log that is intact, and only that: if any entry is not accepted
the fast way, a range is short, or a seam does not join, `check` returns None and the caller
walks the log the one-process way, which names the first entry that fails and why, exactly
as it always has. It is used only where the workers see what the caller sees: not inside a
transaction (their connections would not see its writes) and not on an in-memory SQLite
database (which other connections cannot open).
"""

from __future__ import annotations

import hashlib
import hmac as hmac_lib
import multiprocessing
import multiprocessing.util
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from asgiref.local import Local
from django.db import connections, router
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from decisions.audit import tree
from decisions.audit.chain import GENESIS_HASH
from decisions.audit.chain_read import fast_accepts, raw_batches
from decisions.models import AuditEntry

RANGE_SIZE = 4096  # 2**12: six ranges at 24 000 entries; 4096 beat 8192 by 10–25% at 1.2 million


@dataclass
class RangeCheck:
    """What a worker found in its range: None in `seam` if the range did not check out."""

    start: int
    seam: str | None  # the first entry's prev_hash, to hold against the range before
    last_sequence: int
    last_hash: str
    walk: tree.RootWalk | None


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def worth_splitting(entries: int, workers: int) -> bool:
    """More than one worker for more than one range, where they can see the log."""
    return workers > 1 and entries > RANGE_SIZE and can_split()


def can_split() -> bool:
    """True if other processes' connections see the log exactly as the caller does."""
    connection = connections[router.db_for_read(AuditEntry)]
    if connection.in_atomic_block:
        return False
    return not (isinstance(connection, SQLiteWrapper) and connection.is_in_memory_db())


def check(
    highest: int,
    secrets: dict[str, bytes],
    *,
    workers: int,
    walk: tree.RootWalk | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[int, int] | None:
    """Check entries 1 to `highest` (and any appended while it runs) on `workers` processes.

    Returns (entries checked, last sequence) and has folded every entry into `walk`, or None
    (and `walk` untouched) if the fast way did not accept the whole log."""
    starts = list(range(1, highest + 1, RANGE_SIZE))
    tasks = []
    for start in starts:
        stop = None if start == starts[-1] else start + RANGE_SIZE
        tasks.append((start, stop, secrets, None if walk is None else walk.wanted_in(start, stop)))
    context = multiprocessing.get_context("fork")
    checked, last_sequence, last_hash = 0, 0, GENESIS_HASH
    ranges: list[RangeCheck] = []
    processes = min(workers, len(tasks))
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_worker_started) as pool:
        for found in pool.map(_check_range, tasks):
            if found.seam != last_hash or found.start != last_sequence + 1:
                pool.shutdown(cancel_futures=True)
                return None
            ranges.append(found)
            checked += found.last_sequence - found.start + 1
            last_sequence, last_hash = found.last_sequence, found.last_hash
            if progress:
                progress(checked, max(highest, checked))
    if progress:
        progress(checked, checked)
    if walk is not None:
        for found in ranges:
            assert found.walk is not None
            walk.join(found.walk, found.last_sequence)
    return checked, last_sequence


# The parent's connections as a worker inherits them: kept, never used and never closed
# (closing one would end the parent's session on the server); the worker exits without
# freeing them (os._exit).
_INHERITED: list[Any] = []


def _worker_started() -> None:
    """A worker opens connections of its own, keeps one for all its ranges, and closes it as
    it exits. It never touches the parent's, whatever state they are in: it swaps in a fresh
    set (Django's ConnectionHandler keeps them in `_connections`)."""
    handler: Any = connections  # `_connections` is not in django-stubs
    _INHERITED.append(handler._connections)
    handler._connections = Local(handler.thread_critical)
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=0)


def _check_range(task: tuple[int, int | None, dict[str, bytes], list[int] | None]) -> RangeCheck:
    """In a worker: check entries `start` to before `stop` (or to the end) the fast way."""
    start, stop, secrets, wanted = task
    macs = {
        key_id: hmac_lib.new(secret, digestmod=hashlib.sha256) for key_id, secret in secrets.items()
    }
    walk = None if wanted is None else tree.RootWalk(wanted)
    failed = RangeCheck(start, None, 0, "", None)
    expected, prev, seam = start, "", None
    for batch in raw_batches(start, stop=stop):
        if seam is None:
            seam = prev = batch[0][11]
        for raw in batch:
            if not fast_accepts(raw, expected, prev, macs):
                return failed
            prev, expected = raw[13], expected + 1
        if walk is not None:
            walk.extend(expected - 1, [raw[13] for raw in batch])
    if seam is None or (stop is not None and expected != stop):
        return failed  # an empty range, or one that ends short: entries missing
    return RangeCheck(start, seam, expected - 1, prev, walk)

