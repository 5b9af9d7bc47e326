"""Signed checkpoints of the audit log: the signing keys, making and witnessing checkpoints,
proofs of one entry, and checking the log against every checkpoint stored or witnessed.

The note format is `checkpoint` (C2SP signed notes); the tree `tree` and `merkle`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from decisions.audit import merkle, tree
from decisions.audit import proof as proof_document
from decisions.audit.chain import entry_canonical_bytes
from decisions.audit.checkpoint import (
    Checkpoint,
    NoteError,
    SignerKey,
    VerifierKey,
    open_checkpoint,
)
from decisions.audit.merkle import CompactRange
from decisions.audit.record import lock_chain
from decisions.audit.tree import TreeError, catch_up, fetch_nodes, root_at, stored_size
from decisions.audit.witnesses import send_to_witnesses, witness_dirs
from decisions.models import AuditCheckpoint, AuditEntry
from isg.keyfiles import configured_keys

logger = logging.getLogger("isg.audit")

DEFAULT_ORIGIN = "isg.localhost/audit"
STREAM_CHUNK = 5000


class CheckpointRefused(RuntimeError):
    """Signing now would contradict an earlier checkpoint: the log must not do it."""


# -- keys ----------------------------------------------------------------------------------


def signing_keys() -> list[SignerKey]:
    """The configured signing keys, the first of which signs (rotation as for AUDIT_KEY).

    `AUDIT_SIGNING_KEY`: comma-separated `PRIVATE+KEY+…` strings. Without it, the embedded
    default in `AUDIT_SIGNING_KEY_FILE` (var/audit_signing_key), generated on first use with a
    warning, named `AUDIT_LOG_ORIGIN`.
    """
    path = Path(settings.AUDIT_SIGNING_KEY_FILE)
    name = getattr(settings, "AUDIT_LOG_ORIGIN", "") or DEFAULT_ORIGIN
    return configured_keys(
        getattr(settings, "AUDIT_SIGNING_KEYS", []),
        lambda text, _origin: SignerKey.from_string(text),
        setting="AUDIT_SIGNING_KEY",
        path=path,
        generate=lambda: SignerKey.generate(name).to_string(),
        warning=(
            f"AUDIT_SIGNING_KEY is not set: generated the checkpoint signing key {path}. "
            "Keep a copy away from the database's backups, and publish its public key "
            "(manage.py audit_public_key)."
        ),
    )


def signer() -> SignerKey:
    return signing_keys()[0]


def verifiers() -> list[VerifierKey]:
    return [key.verifier for key in signing_keys()]


def origin() -> str:
    return signer().name


# -- checkpoints ---------------------------------------------------------------------------


@dataclass
class CheckpointOutcome:
    checkpoint: AuditCheckpoint
    created: bool
    deliveries: list[dict] = field(default_factory=list)

    @property
    def all_delivered(self) -> bool:
        return all(d["ok"] for d in self.deliveries)


def _last_sequence() -> int:
    return (
        AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    )


def make_checkpoint(
    *, source: str = "audit_checkpoint", witness_dirs: Sequence[str | Path] = ()
) -> CheckpointOutcome:
    """Sign the tree as it is now, store the note and send it to every witness.

    Before signing, the bounded incremental check: the stored tree at the previous
    checkpoint's size still gives its root, and the entries written since, hashed afresh,
    continue it to the root the stored tree gives now. Nothing new: nothing signed.
    """
    key = signer()
    with transaction.atomic():
        lock_chain()
        size = _last_sequence()
        if stored_size() < size:
            catch_up(size)
        previous = AuditCheckpoint.objects.order_by("-tree_size").first()
        start = previous.tree_size if previous else 0
        if previous and start > size:
            raise CheckpointRefused(
                f"the log ends at entry {size} but checkpoint {start} was signed for "
                f"{start} entries: entries {size + 1} to {start} were deleted"
            )
        if previous and start == size:
            return CheckpointOutcome(previous, created=False)
        edge = CompactRange.from_nodes(start, fetch_nodes(merkle.compact_range_ids(start)))
        if previous and edge.root().hex() != previous.root_hash:
            raise CheckpointRefused(
                f"the stored tree no longer gives checkpoint {start}'s root: entries 1 to "
                f"{start} or their tree nodes were changed since it was signed"
            )
        rows = (
            AuditEntry.objects.filter(sequence__gt=start, sequence__lte=size)
            .order_by("sequence")
            .values_list("sequence", "entry_hash")
            .iterator(STREAM_CHUNK)
        )
        for sequence, entry_hash in rows:
            if sequence != edge.size + 1:
                raise CheckpointRefused(f"entry {edge.size + 1} is missing")
            edge.append(tree.leaf_of(entry_hash))
        root = root_at(size)
        if edge.size != size or edge.root() != root:
            raise CheckpointRefused(
                f"entries {start + 1} to {size} do not give the stored tree's root: "
                "the tree nodes were changed"
            )
        note = Checkpoint(key.name, size, root).sign(key)
        checkpoint = AuditCheckpoint.objects.create(
            tree_size=size,
            root_hash=root.hex(),
            origin=key.name,
            key_id=f"{key.verifier.key_id:08x}",
            note=note,
            source=source,
        )
    deliveries = send_to_witnesses(checkpoint, witness_dirs)
    if deliveries:
        AuditCheckpoint.objects.filter(pk=checkpoint.pk).update(deliveries=deliveries)
        checkpoint.deliveries = deliveries
    return CheckpointOutcome(checkpoint, created=True, deliveries=deliveries)


def checkpoint_quietly(source: str) -> None:
    """make_checkpoint for on_commit: log any failure, never raise into a user's request."""
    try:
        make_checkpoint(source=source)
    except Exception:  # noqa: BLE001 - the user's decision is saved whatever happens here
        logger.exception("audit checkpoint after %s failed", source)


def proof_for(entry: AuditEntry, *, make: bool = True) -> dict[str, Any] | None:
    """The inclusion-proof document of one entry, against the newest checkpoint covering it."""

    checkpoint = (
        AuditCheckpoint.objects.filter(tree_size__gte=entry.sequence)
        .order_by("-tree_size")
        .first()
    )
    if checkpoint is None:
        if not make:
            return None
        checkpoint = make_checkpoint(source="audit_proof").checkpoint
        if checkpoint.tree_size < entry.sequence:
            return None
    if stored_size() < checkpoint.tree_size:
        catch_up(checkpoint.tree_size)
    path = tree.inclusion_path(entry.sequence - 1, checkpoint.tree_size)
    return proof_document.build(
        origin=checkpoint.origin,
        sequence=entry.sequence,
        entry_hash=entry.entry_hash,
        tree_size=checkpoint.tree_size,
        audit_path=path,
        checkpoint_note=checkpoint.note,
        root=bytes.fromhex(checkpoint.root_hash),
        entry_canonical=entry_canonical_bytes(entry),
    )


# -- verification --------------------------------------------------------------------------


@dataclass
class Witnessed:
    """A checkpoint found somewhere: in the table or in a witness's copy."""

    source: str
    size: int
    root: bytes


@dataclass
class CheckpointCheck:
    ok: bool
    checked: int
    entries: int
    problems: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        if self.ok:
            return f"{self.checked} checkpoint(s) match the log"
        return "; ".join(self.problems)


def collect_checkpoints(
    dirs: Sequence[str | Path] = (),
) -> tuple[list[Witnessed], list[str]]:
    """Every stored checkpoint and every note in the witness directories, opened and checked
    against the configured keys; and the problems with those that did not open."""
    keys = verifiers()
    found: list[Witnessed] = []
    problems: list[str] = []

    def add(source: str, note: str) -> None:
        for key in keys:
            try:
                checkpoint = open_checkpoint(note, key)
            except NoteError:
                continue
            found.append(Witnessed(source, checkpoint.size, checkpoint.root))
            return
        problems.append(f"{source}: not a checkpoint signed by AUDIT_SIGNING_KEY for this log")

    for size, note in AuditCheckpoint.objects.order_by("tree_size").values_list(
        "tree_size", "note"
    ):
        add(f"stored checkpoint {size}", note)
    for directory in witness_dirs(dirs):
        if not directory.is_dir():
            problems.append(f"witness directory {directory} does not exist")
            continue
        for path in sorted(directory.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                try:
                    note = path.read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as error:
                    problems.append(f"witness file {path}: unreadable ({error})")
                    continue
                add(f"witness file {path}", note)
    return found, problems


@dataclass
class CheckpointPlan:
    """The checkpoints found, by tree size, and the problems seen before reading any entry."""

    by_size: dict[int, list[Witnessed]]
    problems: list[str]

    @property
    def sizes(self) -> list[int]:
        return sorted(self.by_size)


def plan_check(dirs: Sequence[str | Path] = ()) -> CheckpointPlan:
    """Every checkpoint found (`collect_checkpoints`) by size; checkpoints of one size that
    disagree on the root are a fork."""
    found, problems = collect_checkpoints(dirs)
    by_size: dict[int, list[Witnessed]] = {}
    for item in found:
        by_size.setdefault(item.size, []).append(item)
    for size, items in sorted(by_size.items()):
        if len({item.root for item in items}) > 1:
            sources = ", ".join(item.source for item in items)
            problems.append(
                f"checkpoints for size {size} disagree on the root ({sources}): "
                "the log was forked"
            )
    return CheckpointPlan(by_size, problems)


def check_checkpoints(dirs: Sequence[str | Path] = ()) -> CheckpointCheck:
    """Recompute the tree from every entry and hold it against every checkpoint found.
    (verify_audit does the same, folding the tree in its one pass over the chain.)"""
    plan = plan_check(dirs)
    walk = None
    if plan.by_size:
        walk = tree.RootWalk(plan.sizes)
        walk.read()
    return judge(plan, walk)


def judge(plan: CheckpointPlan, walk: tree.RootWalk | None) -> CheckpointCheck:
    """Hold the roots `walk` folded from every entry against the checkpoints of `plan`."""
    problems, by_size, sizes = list(plan.problems), plan.by_size, plan.sizes
    checked = sum(len(items) for items in by_size.values())
    if walk is None:
        return CheckpointCheck(not problems, checked, 0, problems)  # nothing to walk for
    entries, roots = walk.size, walk.roots
    matched_below = 0
    for size in sizes:
        for item in by_size[size]:
            if size > entries:
                problems.append(
                    f"the log ends at entry {entries} but checkpoint {size} ({item.source}) "
                    f"was signed for {size} entries: entries {entries + 1} to {size} were "
                    "deleted"
                )
            elif roots[size] != item.root:
                problems.append(
                    f"checkpoint {size} ({item.source}) does not match the log: one of "
                    f"entries {matched_below + 1} to {size} was changed, inserted or removed "
                    "since it was signed"
                )
        if size <= entries and all(item.root == roots[size] for item in by_size[size]):
            matched_below = size

    # Consecutive checkpoints must be consistent (RFC 9162 §2.1.4), by a proof from the
    # stored tree: this also catches stored nodes that no longer match the entries.
    matching = [s for s in sizes if s <= entries and s > 0 and roots.get(s) == by_size[s][0].root]
    if stored_size() >= (matching[-1] if matching else 0):
        for old, new in zip(matching, matching[1:], strict=False):
            try:
                merkle.verify_consistency(
                    old, new, roots[old], roots[new], tree.consistency_path(old, new)
                )
            except (merkle.ProofError, TreeError) as error:
                problems.append(
                    f"the stored tree gives no valid consistency proof from checkpoint {old} "
                    f"to {new} ({error}): its nodes do not match the entries"
                )
    return CheckpointCheck(not problems, checked, entries, problems)
