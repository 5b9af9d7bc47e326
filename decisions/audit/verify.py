"""Checking the audit log: every hash, every HMAC, every link, in sequence order."""

from __future__ import annotations

import hashlib
import hmac as hmac_lib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser

from decisions.audit import checkpoints, tree, verify_ranges
from decisions.audit.chain import GENESIS_HASH, AuditKey, audit_keys, canonical_bytes
from decisions.audit.chain_read import (
    CHAIN_FIELDS,
    CHUNK_SIZE,
    fast_accepts,
    orm_row,
    raw_batches,
)
from decisions.models import AuditEntry, AuditVerification
from isg.accounts.models import User

VERIFY_CHUNK_SIZE = CHUNK_SIZE

__all__ = ["CHAIN_FIELDS", "VerificationResult", "check_row", "verify_and_record", "verify_chain"]


@dataclass
class VerificationResult:
    intact: bool
    entries_checked: int
    since_sequence: int
    up_to_sequence: int | None
    failed_sequence: int | None = None
    reason: str = ""
    checkpoints_checked: int = 0
    checkpoint_problems: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        if self.intact:
            said = f"audit log intact: {self.entries_checked} entries"
            if self.checkpoints_checked:
                said += f"; {self.checkpoints_checked} checkpoint(s) match the log"
            return said
        if self.failed_sequence is None:
            return "audit log contradicts its checkpoints: " + "; ".join(self.checkpoint_problems)
        said = f"audit log broken at entry {self.failed_sequence}: {self.reason}"
        if self.checkpoint_problems:
            said += "; and " + "; ".join(self.checkpoint_problems)
        return said


def verify_chain(
    *,
    since: int | None = None,
    chunk_size: int = VERIFY_CHUNK_SIZE,
    progress: Callable[[int, int], None] | None = None,
    walk: tree.RootWalk | None = None,
    fast: bool = True,
    workers: int = 1,
) -> VerificationResult:
    """Walk the log in sequence order and report the first entry that does not check out.

    With `since`, start at that entry and trust the stored hash of the one before it.
    `progress(done, total)` is called every chunk; total is an estimate from the sequence
    numbers, so no COUNT(*) is needed. `walk`, if given, is handed every entry read, in
    order, before the first that fails (the Merkle check's fold, in the same pass).
    Each entry is first checked the fast way (`chain_read.fast_accepts`); one it does not
    accept is read again through the ORM and judged by `check_row`. `fast=False` judges
    every entry that way (the reference the tests hold the fast way to). With `workers` > 1,
    the whole log is first checked the fast way on that many processes
    (`verify_ranges.check`), where they can see it; only if that does not accept it all is it
    walked here.
    """
    start = max(since or 1, 1)
    keys = {key.key_id: key for key in audit_keys()}
    # Keyed once per key; each entry then copies the prepared object instead of re-keying.
    macs = {
        key_id: hmac_lib.new(key.secret, digestmod=hashlib.sha256) for key_id, key in keys.items()
    }

    expected_prev: str | None
    if start == 1:
        expected_prev = GENESIS_HASH
    else:
        before = AuditEntry.objects.filter(sequence=start - 1)
        expected_prev = before.values_list("entry_hash", flat=True).first()
        if expected_prev is None:
            reason = f"entry {start - 1} (the one --since trusts) is missing: deleted entry"
            return VerificationResult(False, 0, start, None, start - 1, reason)
    last_sequence = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True)
    highest = last_sequence.first() or 0
    total = max(highest - start + 1, 0)

    split = None
    if fast and start == 1 and verify_ranges.worth_splitting(total, workers):
        secrets = {key_id: key.secret for key_id, key in keys.items()}
        split = verify_ranges.check(highest, secrets, workers=workers, walk=walk, progress=progress)
    if split is not None:
        return _unless_shortened(VerificationResult(True, split[0], start, split[1]))

    expected_sequence = start
    checked = 0
    for batch in raw_batches(start, chunk_size):
        for position, raw in enumerate(batch):
            if not (fast and fast_accepts(raw, expected_sequence, expected_prev, macs)):
                row = orm_row(raw[0])
                problem = check_row(row, expected_sequence, expected_prev, keys, macs)
                if problem:
                    failed, reason = problem
                    if walk is not None:
                        passed = [entry[13] for entry in batch[:position]]
                        walk.extend(expected_sequence - 1, passed)
                    done = checked + position
                    return VerificationResult(False, done, start, row[0], failed, reason)
            expected_prev = raw[13]
            expected_sequence = raw[0] + 1
        if walk is not None:
            walk.extend(expected_sequence - 1, [entry[13] for entry in batch])
        checked += len(batch)
        if progress and len(batch) == chunk_size:
            progress(checked, total)
    if progress:
        progress(checked, checked)

    up_to = expected_sequence - 1 if checked else None
    return _unless_shortened(VerificationResult(True, checked, start, up_to))


def _unless_shortened(result: VerificationResult) -> VerificationResult:
    """`result`, or a failure if an earlier verification saw entries beyond its end."""
    start, checked, up_to = result.since_sequence, result.entries_checked, result.up_to_sequence
    last = up_to or start - 1  # the last entry it vouches for
    seen = (
        AuditVerification.objects.filter(intact=True, up_to_sequence__isnull=False)
        .order_by("-up_to_sequence")
        .values_list("up_to_sequence", flat=True)
        .first()
    )
    if seen and seen > last:
        return VerificationResult(
            False,
            checked,
            start,
            up_to,
            last + 1,
            f"the log ends at entry {last} but an earlier verification saw "
            f"entries up to {seen}: entries deleted from the end",
        )
    return result


def check_row(
    row: tuple[Any, ...],
    expected_sequence: int,
    expected_prev: str,
    keys: dict[str, AuditKey],
    macs: dict[str, hmac_lib.HMAC],
) -> tuple[int, str] | None:
    """The first problem with one row of CHAIN_FIELDS, as (sequence, why), or None."""
    sequence = row[0]
    if sequence > expected_sequence:
        missing = (
            f"entry {expected_sequence} is missing"
            if sequence == expected_sequence + 1
            else f"entries {expected_sequence} to {sequence - 1} are missing"
        )
        return expected_sequence, f"{missing} (sequence jumps to {sequence}): deleted entry"
    if sequence < expected_sequence:
        return sequence, "sequence number used twice: inserted entry"
    if row[11] != expected_prev:
        return sequence, (
            f"broken link: its prev_hash is not the hash of entry {sequence - 1} "
            "(entries reordered, or an entry inserted or replaced before it)"
        )
    content = canonical_bytes(*row[:13])
    if hashlib.sha256(content).hexdigest() != row[13]:
        return sequence, "content changed: its SHA-256 does not match what is stored"
    mac = macs.get(row[12])
    if mac is None:
        return sequence, f"signed with key {row[12]!r}, which is not configured (AUDIT_KEY)"
    mac = mac.copy()
    mac.update(content)
    # As bytes: compare_digest refuses text that is not ASCII, and a forger may store any.
    if not hmac_lib.compare_digest(mac.hexdigest().encode(), str(row[14]).encode()):
        return sequence, (
            "HMAC mismatch although the SHA-256 matches: the entry was forged, or edited and "
            "re-hashed by someone without the audit key"
        )
    return None


def verify_log(
    *,
    since: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    witness_dirs: Sequence[str | Path] = (),
    workers: int = 1,
) -> VerificationResult:
    """`verify_chain`, and the log held against every stored and witnessed checkpoint, as
    `checkpoints.check_checkpoints` holds it, with the tree folded in the chain's pass: only
    the entries that pass does not read (those before `since`, and from the first that
    fails) are read again, for their hashes alone."""
    plan = checkpoints.plan_check(witness_dirs)
    walk = tree.RootWalk(plan.sizes) if plan.by_size else None
    if walk is not None and since:
        walk.read(before=since)
    result = verify_chain(since=since, progress=progress, walk=walk, workers=workers)
    if walk is not None:
        walk.read()
    check = checkpoints.judge(plan, walk)
    result.checkpoints_checked = check.checked
    result.checkpoint_problems = check.problems
    if not check.ok:
        result.intact = False
    return result


def verify_and_record(
    *,
    since: int | None = None,
    checked_by: User | AnonymousUser | None = None,
    source: str = "verify_audit",
    progress: Callable[[int, int], None] | None = None,
    witness_dirs: Sequence[str | Path] = (),
    workers: int = 1,
) -> VerificationResult:
    """`verify_log`, and keep the outcome for the review screen."""
    result = verify_log(
        since=since, progress=progress, witness_dirs=witness_dirs, workers=workers
    )
    AuditVerification.objects.create(
        checked_by=checked_by if checked_by is not None and checked_by.is_authenticated else None,
        source=source,
        since_sequence=result.since_sequence,
        up_to_sequence=result.up_to_sequence,
        entries_checked=result.entries_checked,
        intact=result.intact,
        failed_sequence=result.failed_sequence,
        message=result.message,
    )
    return result


def last_verification() -> AuditVerification | None:
    return AuditVerification.objects.order_by("-checked_at", "-pk").first()
