"""Inclusion-proof documents: built from a tree, checked with only the public key."""

import hashlib
import json

import pytest

from decisions.audit import merkle, proof
from decisions.audit.checkpoint import Checkpoint, SignerKey
from decisions.audit.proof import ProofBundleError

ORIGIN = "isg.test/audit"


def canonical(sequence: int) -> bytes:
    entry = {"sequence": sequence, "action": "decision_submitted", "snapshot": {"n": "é"}}
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@pytest.fixture(scope="module")
def log():
    signer = SignerKey.generate(ORIGIN)
    entries = [canonical(sequence) for sequence in range(1, 22)]
    hashes = [hashlib.sha256(entry).hexdigest() for entry in entries]
    tree = merkle.MemoryTree(merkle.leaf_hash(bytes.fromhex(h)) for h in hashes)
    note = Checkpoint(ORIGIN, tree.size, tree.root()).sign(signer)
    return signer, entries, hashes, tree, note


def document_for(log, sequence: int, *, with_entry: bool = True) -> dict:
    signer, entries, hashes, tree, note = log
    return proof.build(
        origin=ORIGIN,
        sequence=sequence,
        entry_hash=hashes[sequence - 1],
        tree_size=tree.size,
        audit_path=tree.inclusion_proof(sequence - 1),
        checkpoint_note=note,
        root=tree.root(),
        entry_canonical=entries[sequence - 1] if with_entry else None,
    )


def test_every_entry_s_proof_verifies_with_the_public_key_alone(log):
    signer = log[0]
    for sequence in range(1, 22):
        text = json.dumps(document_for(log, sequence))
        result = proof.verify(text, signer.verifier)
        assert (result.sequence, result.tree_size, result.origin) == (sequence, 21, ORIGIN)
        assert result.entry["action"] == "decision_submitted"
    assert proof.verify(document_for(log, 3, with_entry=False), signer.verifier).entry is None


def test_a_proof_with_any_one_byte_changed_fails(log):
    signer = log[0]
    raw = json.dumps(document_for(log, 13), indent=1, ensure_ascii=False).encode()
    proof.verify(raw, signer.verifier)
    accepted = []
    for position in range(len(raw)):
        changed = bytearray(raw)
        changed[position] = (changed[position] + 1) % 256
        try:
            proof.verify(bytes(changed), signer.verifier)
        except (ProofBundleError, UnicodeDecodeError):
            continue
        accepted.append(position)
    assert accepted == []


def test_a_checkpoint_signed_by_another_key_fails(log):
    _, entries, hashes, tree, _ = log
    impostor = SignerKey.generate(ORIGIN)
    document = document_for(log, 5)
    document["checkpoint"] = Checkpoint(ORIGIN, tree.size, tree.root()).sign(impostor)
    proof.verify(document, impostor.verifier)  # it is well-formed...
    with pytest.raises(ProofBundleError, match="checkpoint does not verify"):
        proof.verify(document, log[0].verifier)  # ...but not ours


def test_a_proof_against_an_older_checkpoint_must_use_that_size(log):
    signer, entries, hashes, tree, _ = log
    old = Checkpoint(ORIGIN, 8, tree.root(8)).sign(signer)
    document = document_for(log, 5)
    document["checkpoint"] = old
    with pytest.raises(ProofBundleError, match="not the checkpoint's size"):
        proof.verify(document, signer.verifier)
    document.update(
        tree_size=8,
        audit_path=[p.hex() for p in tree.inclusion_proof(4, 8)],
        root_hash=tree.root(8).hex(),
    )
    assert proof.verify(document, signer.verifier).tree_size == 8


def test_an_entry_that_is_not_in_the_tree_fails(log):
    signer, entries, hashes, tree, note = log
    document = document_for(log, 7)
    forged = canonical(7).replace(b"submitted", b"withdrawn")
    document["entry"] = forged.decode()
    with pytest.raises(ProofBundleError, match="entry was changed"):
        proof.verify(document, signer.verifier)
    document["entry_hash"] = hashlib.sha256(forged).hexdigest()
    document["leaf_hash"] = merkle.leaf_hash(hashlib.sha256(forged).digest()).hex()
    with pytest.raises(ProofBundleError, match="not proven"):
        proof.verify(document, signer.verifier)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"format": "other"}, "not an isg-audit-inclusion-proof/1"),
        ({"leaf_index": 3}, "is not sequence"),
        ({"surplus": 1}, "unknown fields"),
        ({"sequence": True}, "not a non-negative integer"),
        ({"audit_path": "abc"}, "not a list"),
        ({"origin": "elsewhere/log"}, "is not the checkpoint's"),
    ],
)
def test_malformed_documents_say_why(log, change, reason):
    document = document_for(log, 9)
    document.update(change)
    with pytest.raises(ProofBundleError, match=reason):
        proof.verify(document, log[0].verifier)


def test_the_verifier_key_can_come_from_a_file(log, tmp_path):
    signer = log[0]
    path = tmp_path / "audit.pub"
    key = signer.verifier
    path.write_text("# the log's key\n" + key.to_string() + "\n" + key.public_pem())
    assert proof.load_verifier(str(path)) == signer.verifier
    assert proof.load_verifier(signer.verifier.to_string()) == signer.verifier
    with pytest.raises(ProofBundleError):
        proof.load_verifier(str(tmp_path / "missing"))
