"""Signed checkpoints against the database: the tree kept by record(), audit_checkpoint,
witnesses, and verify_audit catching what the chain alone cannot (issue 15's (a), (b), (c)).

These run on SQLite and on PostgreSQL (the suite's two passes).
"""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from decisions.audit import checkpoints, merkle, tree
from decisions.audit.chain import audit_keys, seal
from decisions.audit.checkpoint import Checkpoint, SignerKey, open_checkpoint
from decisions.models import (
    AuditCheckpoint,
    AuditEntry,
    AuditTreeNode,
    AuditVerification,
    DecisionDraft,
)
from decisions.seeding import volume_data
from decisions.wizard import services as wizard_services
from tests import factories
from tests.decisions.audit.support import build_chain, drop_triggers, sql, verify

pytestmark = pytest.mark.django_db


def checkpoint_command(*args) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("audit_checkpoint", *args, stdout=out)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def entry_hashes() -> list[str]:
    return list(AuditEntry.objects.order_by("sequence").values_list("entry_hash", flat=True))


def rewrite_log(entries: list[AuditEntry]) -> None:
    """What someone holding the database *and* AUDIT_KEY can do: replace the whole log with
    `entries`, renumbered, relinked, re-hashed and re-signed with the real key."""
    key = audit_keys()[0]
    drop_triggers()
    sql("DELETE FROM decisions_auditentry")
    prev = "0" * 64
    for sequence, entry in enumerate(entries, start=1):
        entry.pk = None
        entry.sequence = sequence
        entry.prev_hash = prev
        entry.key_id = key.key_id
        seal(entry, key)
        entry._state.adding = True
        AuditEntry.objects.bulk_create([entry])
        prev = entry.entry_hash


# -- the stored tree -------------------------------------------------------------------------


def test_record_keeps_the_tree_with_every_entry(world):
    build_chain(world, 13)
    hashes = entry_hashes()
    leaves = [merkle.leaf_hash(bytes.fromhex(h)) for h in hashes]
    assert tree.stored_size() == 13
    assert tree.root_at(13) == merkle.tree_hash(leaves)
    # Every perfect subtree is stored once: 13 leaves + 6 + 3 + 1 interior nodes.
    assert AuditTreeNode.objects.count() == 13 + 6 + 3 + 1
    assert tree.root_at(5) == merkle.tree_hash(leaves[:5])


def test_a_tree_behind_the_entries_is_caught_up(world):
    build_chain(world, 6)
    sql("DELETE FROM decisions_audittreenode")
    build_chain(world, 2)  # record() finds the tree empty and rebuilds it first
    assert tree.stored_size() == 8
    assert tree.root_at(8) == merkle.tree_hash(
        merkle.leaf_hash(bytes.fromhex(h)) for h in entry_hashes()
    )


# -- audit_checkpoint ---------------------------------------------------------------------


def test_a_checkpoint_is_signed_stored_and_witnessed(world, tmp_path, settings):
    settings.AUDIT_WITNESS_EMAILS = ["dpo@example.org"]
    build_chain(world, 5)
    code, out = checkpoint_command("--witness-dir", str(tmp_path))
    assert code == 0, out
    stored = AuditCheckpoint.objects.get()
    assert stored.tree_size == 5
    witnessed = (tmp_path / "checkpoint-5.txt").read_text()
    assert witnessed == stored.note
    checkpoint = open_checkpoint(witnessed, checkpoints.verifiers()[0])
    assert checkpoint.root == tree.root_at(5)
    assert checkpoint.text().splitlines()[1:] == ["5", checkpoint.text().splitlines()[2]]
    assert [m.to for m in mail.outbox] == [["dpo@example.org"]]
    assert mail.outbox[0].body == stored.note
    assert {d["witness"] for d in stored.deliveries} == {
        f"dir:{tmp_path}",
        "email:dpo@example.org",
    }
    # Nothing new: nothing signed.
    assert checkpoint_command()[1].startswith("no new entries since checkpoint 5")
    assert AuditCheckpoint.objects.count() == 1


def test_an_unreachable_witness_is_reported_and_the_others_still_get_it(world, tmp_path, settings):
    settings.AUDIT_WITNESS_URLS = ["http://127.0.0.1:9/nothing-listens-here"]
    build_chain(world, 3)
    code, message = checkpoint_command("--witness-dir", str(tmp_path))
    assert code == 2 and "not every witness" in message
    assert (tmp_path / "checkpoint-3.txt").exists()
    failed = [d for d in AuditCheckpoint.objects.get().deliveries if not d["ok"]]
    assert [d["witness"] for d in failed] == ["http://127.0.0.1:9/nothing-listens-here"]


def test_the_log_refuses_to_sign_a_tree_that_contradicts_its_last_checkpoint(world):
    entries = build_chain(world, 6)
    assert checkpoint_command()[0] == 0
    rewritten = [AuditEntry.objects.get(pk=e.pk) for e in entries]
    rewritten[2].snapshot = {"n": 2, "note": "rewritten"}
    rewrite_log(rewritten)
    sql("DELETE FROM decisions_audittreenode")
    build_chain(world, 1)
    code, message = checkpoint_command()
    assert code == 1
    assert "checkpoint 6" in message
    assert AuditCheckpoint.objects.count() == 1


# -- verify_audit and the witnesses: the tamper tests ------------------------------------


@pytest.fixture
def witnessed(world, tmp_path):
    """Twelve entries, a checkpoint at 8 and one at 12, both in a witness directory."""
    build_chain(world, 8)
    assert checkpoint_command("--witness-dir", str(tmp_path))[0] == 0
    build_chain(world, 4)
    assert checkpoint_command("--witness-dir", str(tmp_path))[0] == 0
    assert verify("--witness-dir", str(tmp_path))[0] == 0
    return tmp_path


def test_an_untouched_log_matches_every_checkpoint(witnessed):
    code, out = verify("--witness-dir", str(witnessed))
    assert code == 0
    assert "4 checkpoint(s) match the log" in out  # 2 stored + 2 witnessed


def test_a_deleting_the_newest_entries_and_every_record_of_them_fails(witnessed):
    drop_triggers()
    sql("DELETE FROM decisions_auditentry WHERE sequence > 9")
    AuditVerification.objects.all().delete()
    AuditCheckpoint.objects.all().delete()
    sql("DELETE FROM decisions_audittreenode")
    # The chain alone has nothing left to compare with...
    assert verify()[0] == 0
    # ...the witness has.
    code, message = verify("--witness-dir", str(witnessed))
    assert code == 1
    assert "the log ends at entry 9 but checkpoint 12" in message
    assert f"witness file {witnessed / 'checkpoint-12.txt'}" in message
    assert "entries 10 to 12 were deleted" in message


def test_b_rewriting_an_entry_and_re_signing_everything_after_it_fails(witnessed):
    entries = list(AuditEntry.objects.order_by("sequence"))
    entries[10].snapshot = {"n": 2, "note": "what the record said was changed"}
    rewrite_log(entries)
    AuditCheckpoint.objects.all().delete()
    AuditVerification.objects.all().delete()
    # Every hash and HMAC checks out: only a key holder could have done this...
    assert verify()[0] == 0
    # ...and the witnessed checkpoint still says what the log was.
    code, message = verify("--witness-dir", str(witnessed))
    assert code == 1
    assert f"checkpoint 12 (witness file {witnessed / 'checkpoint-12.txt'})" in message
    assert "one of entries 9 to 12 was changed, inserted or removed" in message
    assert "checkpoint 8 (" not in message  # the earlier checkpoint still matches


def test_c_inserting_an_entry_in_the_middle_fails(witnessed, world):
    entries = list(AuditEntry.objects.order_by("sequence"))
    inserted = AuditEntry.objects.get(sequence=4)
    inserted.snapshot = {"n": 99, "note": "an entry that was never written"}
    rewrite_log([*entries[:4], inserted, *entries[4:]])
    AuditCheckpoint.objects.all().delete()
    assert verify()[0] == 0
    code, message = verify("--witness-dir", str(witnessed))
    assert code == 1
    assert "checkpoint 8 (witness file" in message
    assert "one of entries 1 to 8 was changed, inserted or removed" in message


def test_a_checkpoint_signed_by_another_key_in_the_witness_directory_fails(witnessed):
    impostor = SignerKey.generate(checkpoints.origin())
    (witnessed / "checkpoint-99.txt").write_text(
        Checkpoint(checkpoints.origin(), 99, b"\x00" * 32).sign(impostor)
    )
    code, message = verify("--witness-dir", str(witnessed))
    assert code == 1
    assert "checkpoint-99.txt: not a checkpoint signed by AUDIT_SIGNING_KEY" in message


def test_stored_tree_nodes_that_no_longer_match_fail_the_consistency_check(witnessed):
    sql(
        'UPDATE decisions_audittreenode SET "hash" = %s WHERE "level" = 2 AND "index" = 2',
        [b"\x11" * 32],
    )
    code, message = verify("--witness-dir", str(witnessed))
    assert code == 1
    assert "no valid consistency proof from checkpoint 8 to 12" in message


# -- proofs --------------------------------------------------------------------------------


def test_audit_proof_prints_a_proof_that_verifies(world, tmp_path):
    build_chain(world, 9)
    out = StringIO()
    call_command("audit_proof", "4", stdout=out)
    document = json.loads(out.getvalue())
    assert {"leaf_index", "tree_size", "entry_hash", "audit_path", "checkpoint"} <= set(document)
    assert document["leaf_index"] == 3 and document["tree_size"] == 9
    path = tmp_path / "proof.json"
    path.write_text(out.getvalue())
    key = checkpoints.verifiers()[0].to_string()
    ok = StringIO()
    call_command("verify_proof", str(path), "--public-key", key, stdout=ok)
    assert ok.getvalue().startswith("proof valid: entry 4")
    document["audit_path"][0] = "0" * 64
    path.write_text(json.dumps(document))
    with pytest.raises(CommandError) as failed:
        call_command("verify_proof", str(path), "--public-key", key)
    assert failed.value.returncode == 1


def test_verify_proof_needs_no_database(world, tmp_path):
    """In a process whose DATABASE_URL points at nothing: valid, one byte changed, other key."""
    build_chain(world, 5)
    out = StringIO()
    call_command("audit_proof", "5", stdout=out)
    (tmp_path / "proof.json").write_text(out.getvalue())
    changed_text = out.getvalue().replace('"tree_size": 5', '"tree_size": 4')
    (tmp_path / "changed.json").write_text(changed_text)
    key = checkpoints.verifiers()[0].to_string()
    other = SignerKey.generate(checkpoints.origin()).verifier.to_string()
    root = Path(__file__).resolve().parents[3]
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing"}

    def run(name: str, public_key: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "manage.py", "verify_proof", str(tmp_path / name)]
        command += ["--public-key", public_key, "--settings=isg.settings_test"]
        return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)

    valid = run("proof.json", key)
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.startswith("proof valid: entry 5")
    changed = run("changed.json", key)
    assert changed.returncode == 1 and "proof invalid" in changed.stderr
    foreign = run("proof.json", other)
    assert foreign.returncode == 1 and "checkpoint does not verify" in foreign.stderr


def submitted_decision(world, capture):
    """A decision submitted through the wizard's service, its on_commit work run."""
    template = volume_data.decision_templates("uk-2024")[0]
    draft = DecisionDraft.objects.create(
        share_request=factories.make_request(world.case),
        owner=world.users["practitioner"],
        framework=template.framework,
        framework_version=template.version,
        facts=template.facts,
        answers={step: dict(raw) for step, raw in template.raw_answers.items()},
    )
    with capture(execute=True):
        return wizard_services.decision_submit(draft=draft, user=world.users["practitioner"])


def test_submitting_a_decision_makes_a_checkpoint_covering_it(
    world, django_capture_on_commit_callbacks
):
    decision = submitted_decision(world, django_capture_on_commit_callbacks)
    entry = AuditEntry.objects.get(action="decision_submitted", object_id=str(decision.pk))
    checkpoint = AuditCheckpoint.objects.get()
    assert checkpoint.source == "decision_submitted"
    assert checkpoint.tree_size >= entry.sequence


def test_a_failing_checkpoint_never_fails_the_submission(
    world, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def refuse(**kwargs):
        raise checkpoints.CheckpointRefused("simulated")

    monkeypatch.setattr(checkpoints, "make_checkpoint", refuse)
    decision = submitted_decision(world, django_capture_on_commit_callbacks)
    assert decision.pk is not None
    assert not AuditCheckpoint.objects.exists()
    assert "audit checkpoint after decision_submitted failed" in caplog.text


def test_after_a_truncation_the_log_stays_writable_but_cannot_be_checkpointed(world):
    build_chain(world, 6)
    assert checkpoint_command()[0] == 0
    drop_triggers()
    sql("DELETE FROM decisions_auditentry WHERE sequence > 3")
    sql("DELETE FROM decisions_auditcheckpoint")
    build_chain(world, 4)  # safeguarding work goes on: record() does not fail
    code, message = checkpoint_command()
    assert code == 1 and "do not give the stored tree's root" in message


def test_audit_public_key_prints_the_verifier_key_and_pem():
    out = StringIO()
    call_command("audit_public_key", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == checkpoints.verifiers()[0].to_string()
    assert lines[1] == "-----BEGIN PUBLIC KEY-----"
    generated = StringIO()
    call_command("audit_public_key", "--generate", "isg.example.org/audit", stdout=generated)
    key = SignerKey.from_string(generated.getvalue())
    assert key.name == "isg.example.org/audit"


def test_without_a_configured_key_one_is_generated_with_a_warning(settings, tmp_path, capsys):
    settings.AUDIT_SIGNING_KEYS = []
    settings.AUDIT_SIGNING_KEY_FILE = tmp_path / "var" / "audit_signing_key"
    settings.AUDIT_LOG_ORIGIN = "isg.riverside.example/audit"
    first = checkpoints.signer()
    assert first.name == "isg.riverside.example/audit"
    assert (settings.AUDIT_SIGNING_KEY_FILE.stat().st_mode & 0o777) == 0o600
    assert "AUDIT_SIGNING_KEY is not set" in capsys.readouterr().err
    assert checkpoints.signer() == first  # read back, not generated again
    settings.AUDIT_SIGNING_KEYS = [SignerKey.generate("a/b").to_string(), first.to_string()]
    assert [k.name for k in checkpoints.verifiers()] == ["a/b", "isg.riverside.example/audit"]


def test_since_still_holds_every_entry_against_the_checkpoints(witnessed):
    """--since trusts the chain before it, not the tree: the checkpoints are still held
    against every entry, those before the starting point included."""
    entries = list(AuditEntry.objects.order_by("sequence"))
    entries[2].snapshot = {"n": 2, "note": "rewritten before the starting point"}
    rewrite_log(entries)
    AuditCheckpoint.objects.all().delete()
    AuditVerification.objects.all().delete()
    assert verify("--since", "6")[0] == 0
    code, message = verify("--since", "6", "--witness-dir", str(witnessed))
    assert code == 1
    assert "checkpoint 8 (witness file" in message and "one of entries 1 to 8" in message


def test_a_broken_chain_and_the_checkpoints_it_contradicts_are_both_named(witnessed):
    drop_triggers()
    sql("UPDATE decisions_auditentry SET outcome = 'share' WHERE sequence = 10")
    sql("UPDATE decisions_auditentry SET entry_hash = %s WHERE sequence = 11", ["e" * 64])
    code, message = verify("--witness-dir", str(witnessed))
    assert code == 1
    assert message.startswith("audit log broken at entry 10: content changed")
    # The tree is folded from every entry, those after the break included.
    assert "; and checkpoint 12 (stored checkpoint 12) does not match the log" in message
    assert "checkpoint 8 (" not in message
