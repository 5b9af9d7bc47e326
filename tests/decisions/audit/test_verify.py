"""verify_audit finds every kind of tampering and names the first entry that does not match.

Each test drops the append-only triggers first, as someone with direct access to the
database could, then changes the table with raw SQL. The suite runs on SQLite and on
PostgreSQL, so every tamper test runs against both.
"""

import io

import pytest
from django.test import override_settings

from decisions.audit import chain as audit_chain
from decisions.audit import verify as audit_verify
from decisions.management.commands.verify_audit import _progress_bar
from decisions.models import AuditEntry, AuditVerification
from tests.decisions.audit.support import build_chain, drop_triggers, rehash, sql, verify

pytestmark = pytest.mark.django_db

OTHER_KEY = audit_chain.AuditKey("stolen", b"not-the-real-key-but-long-enough-to-pass")


@pytest.fixture
def chain(world):
    entries = build_chain(world, 8)
    drop_triggers()
    return entries


def test_an_untouched_log_is_intact_and_the_outcome_is_kept(world):
    build_chain(world, 8)
    code, said = verify()
    assert code == 0
    assert said.strip() == "audit log intact: 8 entries"
    check = AuditVerification.objects.get()
    assert check.intact and check.up_to_sequence == 8 and check.entries_checked == 8


def test_an_empty_log_is_intact(db):
    assert verify() == (0, "audit log intact: 0 entries\n")


def test_changed_field_is_named(chain):
    sql("UPDATE decisions_auditentry SET outcome = 'share' WHERE sequence = 4")
    code, said = verify()
    assert code == 1
    assert "entry 4:" in said and "content changed" in said


def test_changed_snapshot_is_named(chain):
    sql("UPDATE decisions_auditentry SET actor_label = 'someone else' WHERE sequence = 6")
    code, said = verify()
    assert (code, "entry 6:" in said) == (1, True)


def test_deleted_entry_is_named(chain):
    sql("DELETE FROM decisions_auditentry WHERE sequence = 4")
    code, said = verify()
    assert code == 1
    assert "entry 4:" in said and "deleted" in said


def test_several_deleted_entries_are_named_from_the_first(chain):
    sql("DELETE FROM decisions_auditentry WHERE sequence IN (3, 4, 5)")
    code, said = verify()
    assert code == 1
    assert "entry 3:" in said and "entries 3 to 5 are missing" in said


def test_entries_deleted_from_the_end_are_caught_by_an_earlier_verification(world):
    build_chain(world, 8)
    assert verify()[0] == 0
    drop_triggers()
    sql("DELETE FROM decisions_auditentry WHERE sequence >= 7")
    code, said = verify()
    assert code == 1
    assert "entry 7:" in said and "up to 8" in said


def test_forged_entry_appended_without_the_key_is_named(chain, world):
    last = chain[-1]
    forged = AuditEntry(
        sequence=9,
        created_at=last.created_at,
        actor=world.users["manager"],
        actor_label="manager",
        organisation=world.org,
        action=AuditEntry.Action.APPROVED,
        case=world.case,
        snapshot={},
        prev_hash=last.entry_hash,
        key_id=last.key_id,
    )
    content = audit_chain.entry_canonical_bytes(forged)
    forged.entry_hash = audit_chain.sha256_hex(content)  # the algorithm is public; the key is not
    forged.hmac = audit_chain.hmac_hex(content, OTHER_KEY)
    forged.save()
    code, said = verify()
    assert code == 1
    assert "entry 9:" in said and "HMAC mismatch" in said and "forged" in said


def test_entry_signed_with_an_unknown_key_is_named(chain):
    rehash(8, key=OTHER_KEY, outcome="share", key_id=OTHER_KEY.key_id)
    code, said = verify()
    assert code == 1
    assert "entry 8:" in said and "'stolen', which is not configured" in said


def test_swapped_entries_are_named(chain):
    sql("UPDATE decisions_auditentry SET sequence = 1000 WHERE sequence = 3")
    sql("UPDATE decisions_auditentry SET sequence = 3 WHERE sequence = 4")
    sql("UPDATE decisions_auditentry SET sequence = 4 WHERE sequence = 1000")
    code, said = verify()
    assert code == 1
    assert "entry 3:" in said and "broken link" in said


def test_broken_link_is_named(chain):
    sql("UPDATE decisions_auditentry SET prev_hash = %s WHERE sequence = 5", ["f" * 64])
    code, said = verify()
    assert code == 1
    assert "entry 5:" in said and "broken link" in said


def test_edited_last_entry_is_named(chain):
    sql("UPDATE decisions_auditentry SET outcome = 'do_not_share' WHERE sequence = 8")
    code, said = verify()
    assert code == 1
    assert "entry 8:" in said


def test_edit_rehashed_without_the_key_is_named_by_the_hmac(chain):
    """The forger recomputes every later SHA-256 and link, but cannot recompute the HMACs."""
    rehash(4, outcome="share")
    for sequence in range(5, 9):
        previous = AuditEntry.objects.get(sequence=sequence - 1).entry_hash
        rehash(sequence, prev_hash=previous)
    code, said = verify()
    assert code == 1
    assert "entry 4:" in said
    assert "HMAC mismatch although the SHA-256 matches" in said


def test_since_trusts_the_entry_before_it(chain):
    sql("UPDATE decisions_auditentry SET outcome = 'share' WHERE sequence = 2")
    assert verify("--since", "5") == (0, "audit log intact: 4 entries\n")
    code, said = verify("--since", "2")
    assert code == 1 and "entry 2:" in said


def test_since_notices_a_missing_starting_point(chain):
    sql("DELETE FROM decisions_auditentry WHERE sequence = 4")
    code, said = verify("--since", "5")
    assert code == 1 and "entry 4" in said
    code, said = verify("--since", "4")
    assert code == 1 and "entry 4:" in said


def test_rotated_keys_still_verify_old_entries(world, settings):
    old_key = settings.AUDIT_KEYS[0]
    build_chain(world, 3)
    new_key = "k2027:" + "n" * 40
    settings.AUDIT_KEYS = [new_key, old_key]
    build_chain(world, 2)
    keys = list(AuditEntry.objects.order_by("sequence").values_list("key_id", flat=True))
    assert keys == ["tests-2026"] * 3 + ["k2027"] * 2
    assert verify()[0] == 0
    with override_settings(AUDIT_KEYS=[new_key]):
        code, said = verify()
    assert code == 1 and "entry 1:" in said and "not configured" in said


def test_progress_bar_counts_entries():
    stream = io.StringIO()
    show = _progress_bar(stream, width=10)
    show(5, 10)
    show(10, 10)
    assert stream.getvalue() == "\r[#####-----] 5/10 entries\r[##########] 10/10 entries\n"


def test_verify_reports_progress_per_chunk(world):
    build_chain(world, 5)
    calls = []
    result = audit_verify.verify_chain(
        chunk_size=2, progress=lambda done, total: calls.append(done)
    )
    assert result.intact
    assert calls == [2, 4, 5]


def test_no_progress_bar_when_not_on_a_terminal(world, capsys):
    from django.core.management import call_command

    build_chain(world, 3)
    call_command("verify_audit")
    captured = capsys.readouterr()
    assert "intact: 3 entries" in captured.out
    assert captured.err == ""


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_progress_bar_on_a_terminal_counts_every_entry(world, monkeypatch):
    from django.core.management import call_command

    build_chain(world, 3)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    call_command("verify_audit", stdout=io.StringIO())
    assert terminal.getvalue().endswith("] 3/3 entries\n")
    terminal.truncate(0)
    call_command("verify_audit", "--no-progress", stdout=io.StringIO())
    assert terminal.getvalue().strip("\x00") == ""
