"""An audit entry's inclusion proof as a self-contained JSON document; no Django.

``audit_proof`` writes it, ``verify_proof`` and anyone with the log's public key check it with
no access to the database: the entry's canonical bytes hash to ``entry_hash``, the leaf
``SHA-256(0x00 || entry_hash)`` with ``audit_path`` leads to a root, and that root is the one the
signed ``checkpoint`` (a C2SP tlog-checkpoint note) commits to at ``tree_size``.

Format ``isg-audit-inclusion-proof/1``::

    {
      "format": "isg-audit-inclusion-proof/1",
      "origin": "<the log's origin, as in the checkpoint>",
      "sequence": 42,                       # the entry's sequence
      "leaf_index": 41,                     # sequence - 1
      "tree_size": 57,                      # the checkpoint's size
      "entry_hash": "<64 hex>",             # SHA-256 of the entry's canonical bytes
      "leaf_hash": "<64 hex>",              # SHA-256(0x00 || entry_hash)
      "audit_path": ["<64 hex>", ...],      # RFC 9162 PATH, the leaf's sibling first
      "root_hash": "<64 hex>",              # the checkpoint's root, for reading
      "checkpoint": "<the signed note>",
      "entry": "<the entry's canonical JSON>"   # optional: what the entry says
    }
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from decisions.audit import merkle
from decisions.audit.checkpoint import NoteError, VerifierKey, open_checkpoint

FORMAT = "isg-audit-inclusion-proof/1"
_REQUIRED = {
    "format", "origin", "sequence", "leaf_index", "tree_size", "entry_hash", "leaf_hash",
    "audit_path", "root_hash", "checkpoint",
}
_OPTIONAL = {"entry"}
_HEX64 = re.compile(r"[0-9a-f]{64}")


class ProofBundleError(ValueError):
    """The proof document is malformed or does not verify; the message says why."""


@dataclass(frozen=True)
class VerifiedProof:
    """What a valid proof establishes."""

    origin: str
    sequence: int
    tree_size: int
    entry_hash: str
    root_hash: str
    entry: dict[str, Any] | None


def build(
    *,
    origin: str,
    sequence: int,
    entry_hash: str,
    tree_size: int,
    audit_path: list[bytes],
    checkpoint_note: str,
    root: bytes,
    entry_canonical: bytes | None = None,
) -> dict[str, Any]:
    """The JSON-ready proof document (see the module docstring for the fields)."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "origin": origin,
        "sequence": sequence,
        "leaf_index": sequence - 1,
        "tree_size": tree_size,
        "entry_hash": entry_hash,
        "leaf_hash": merkle.leaf_hash(bytes.fromhex(entry_hash)).hex(),
        "audit_path": [node.hex() for node in audit_path],
        "root_hash": root.hex(),
        "checkpoint": checkpoint_note,
    }
    if entry_canonical is not None:
        document["entry"] = entry_canonical.decode("utf-8")
    return document


def _hex32(value: object, what: str) -> bytes:
    if not isinstance(value, str) or not _HEX64.fullmatch(value):
        raise ProofBundleError(f"{what} is not 64 lowercase hex characters")
    return bytes.fromhex(value)


def _int(document: dict[str, Any], key: str) -> int:
    value = document.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProofBundleError(f"{key!r} is missing or not a non-negative integer")
    return value


def verify(document: dict[str, Any] | str | bytes, key: VerifierKey) -> VerifiedProof:
    """Check a proof document against the log's public key; raise with the reason if not."""
    if isinstance(document, str | bytes):
        try:
            document = json.loads(document)
        except ValueError as error:
            raise ProofBundleError(f"not JSON: {error}") from None
    if not isinstance(document, dict):
        raise ProofBundleError("the proof is not a JSON object")
    if document.get("format") != FORMAT:
        raise ProofBundleError(f"not an {FORMAT} document")
    # Every field is required (bar the entry itself) and no other is allowed: a proof either
    # says all of this or is not one, so no changed byte goes unnoticed.
    if missing := sorted(_REQUIRED - document.keys()):
        raise ProofBundleError(f"fields missing: {', '.join(missing)}")
    if unknown := sorted(document.keys() - _REQUIRED - _OPTIONAL):
        raise ProofBundleError(f"unknown fields: {', '.join(unknown)}")
    sequence = _int(document, "sequence")
    leaf_index = _int(document, "leaf_index")
    tree_size = _int(document, "tree_size")
    if leaf_index != sequence - 1:
        raise ProofBundleError(f"leaf_index {leaf_index} is not sequence {sequence} - 1")
    entry_hash = _hex32(document.get("entry_hash"), "entry_hash")
    path_field = document.get("audit_path")
    if not isinstance(path_field, list):
        raise ProofBundleError("audit_path is not a list")
    path = [_hex32(node, f"audit_path[{i}]") for i, node in enumerate(path_field)]
    note = document.get("checkpoint")
    if not isinstance(note, str):
        raise ProofBundleError("checkpoint is missing")
    origin = document["origin"]
    if not isinstance(origin, str):
        raise ProofBundleError("origin is not a string")
    try:
        checkpoint = open_checkpoint(note, key)  # this log signs under its own origin
    except NoteError as error:
        raise ProofBundleError(f"the checkpoint does not verify: {error}") from None
    if origin != checkpoint.origin:
        raise ProofBundleError(f"origin {origin!r} is not the checkpoint's {checkpoint.origin!r}")
    if checkpoint.size != tree_size:
        raise ProofBundleError(
            f"tree_size {tree_size} is not the checkpoint's size {checkpoint.size}"
        )
    leaf = merkle.leaf_hash(entry_hash)
    if _hex32(document["leaf_hash"], "leaf_hash") != leaf:
        raise ProofBundleError("leaf_hash is not SHA-256(0x00 || entry_hash)")
    if _hex32(document["root_hash"], "root_hash") != checkpoint.root:
        raise ProofBundleError("root_hash is not the checkpoint's root hash")
    entry = None
    if "entry" in document:
        text = document["entry"]
        if not isinstance(text, str):
            raise ProofBundleError("entry is not a string")
        if hashlib.sha256(text.encode("utf-8")).digest() != entry_hash:
            raise ProofBundleError("the entry's SHA-256 is not entry_hash: the entry was changed")
        try:
            entry = json.loads(text)
        except ValueError:
            raise ProofBundleError("entry is not JSON") from None
        if not isinstance(entry, dict) or entry.get("sequence") != sequence:
            raise ProofBundleError("the entry's sequence is not the proof's sequence")
    try:
        merkle.verify_inclusion(leaf_index, tree_size, leaf, path, checkpoint.root)
    except merkle.ProofError as error:
        raise ProofBundleError(
            f"entry {sequence} is not proven in the tree of {tree_size} entries: {error}"
        ) from None
    return VerifiedProof(
        origin=checkpoint.origin,
        sequence=sequence,
        tree_size=tree_size,
        entry_hash=entry_hash.hex(),
        root_hash=checkpoint.root.hex(),
        entry=entry,
    )


def load_verifier(value: str) -> VerifierKey:
    """A verifier key given as the key itself, or as a file holding it (``audit_public_key``).

    In a file, the first line that parses as a verifier key is taken; PEM and comments around
    it are ignored.
    """
    try:
        return VerifierKey.from_string(value)
    except NoteError:
        pass
    path = Path(value)
    if not path.is_file():
        raise ProofBundleError(f"{value!r} is neither a verifier key nor a file holding one")
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            return VerifierKey.from_string(line)
        except NoteError:
            continue
    raise ProofBundleError(f"{value} holds no verifier key (name+keyid+base64)")
