"""verify_audit on several processes (decisions/audit/verify_ranges.py) gives exactly the
verdict of one process: intact logs are accepted with the same count and the same roots at
every checkpoint; anything else, wherever it is (inside a range or at a seam between two),
is handed back to the one-process walk, which names it.

The ranges are shrunk to 4 entries so that a dozen entries make several ranges and seams.
The workers connect for themselves and see only what is committed, so these tests commit
(transaction=True), on SQLite and on PostgreSQL alike.
"""

import hashlib
import io

import pytest
from django.core.management import call_command
from django.db import connection

from decisions.audit import tree, verify_ranges
from decisions.audit import verify as audit_verify
from tests.decisions.audit.support import (
    TRIGGERS,
    build_chain,
    drop_triggers,
    rehash,
    sql,
    verify,
)


@pytest.fixture
def small_ranges(monkeypatch):
    monkeypatch.setattr(verify_ranges, "RANGE_SIZE", 4)


@pytest.fixture
def committed(small_ranges):
    """Outside a transaction, where the workers can see the log; the triggers a tamper
    drops are put back afterwards (PostgreSQL's flush does not)."""
    assert verify_ranges.can_split()
    yield
    with connection.cursor() as cursor:
        for sql_text in [
            *TRIGGERS.STATEMENTS[connection.vendor][1],
            *TRIGGERS.STATEMENTS[connection.vendor][0],
        ]:
            cursor.execute(sql_text, None)


def split_check() -> tuple[int, int] | None:
    secrets = {key.key_id: key.secret for key in audit_verify.audit_keys()}
    highest = audit_verify.AuditEntry.objects.order_by("-sequence").first()
    return verify_ranges.check(highest.sequence if highest else 0, secrets, workers=2)


def checkpoint() -> None:
    call_command("audit_checkpoint", stdout=io.StringIO())


@pytest.mark.parametrize("length", [0, 1, 3, 4, 5, 8, 9, 16, 17, 31])
def test_joined_walks_fold_what_one_walk_folds(length):
    hashes = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(length)]
    sizes = range(length + 3)  # every size, and some beyond the end
    one = tree.RootWalk(sizes)
    one.extend(length, hashes)
    joined = tree.RootWalk(sizes)
    for start in range(1, length + 1, 4):
        stop = start + 4 if start + 4 <= length else None
        run = tree.RootWalk(joined.wanted_in(start, stop))
        run.extend(start + 3, hashes[start - 1 : (stop or length + 1) - 1])
        joined.join(run, min(start + 3, length))
    assert joined.roots == one.roots
    assert joined.size == one.size == length
    assert joined._edge == one._edge


@pytest.mark.django_db(transaction=True)
def test_an_intact_log_is_accepted_on_several_processes(world, committed):
    build_chain(world, 3)
    checkpoint()
    build_chain(world, 5)
    checkpoint()  # at a seam: 8 entries, two whole ranges
    build_chain(world, 3)
    checkpoint()  # inside the last range
    build_chain(world, 2)
    assert split_check() == (13, 13)
    on_two = audit_verify.verify_log(workers=2)
    assert on_two == audit_verify.verify_log(workers=1)
    assert on_two.intact and on_two.entries_checked == 13 and on_two.checkpoints_checked == 3
    # The parent's connection opens again after the workers' have gone.
    assert audit_verify.AuditEntry.objects.count() == 13


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE decisions_auditentry SET outcome = 'share' WHERE sequence = 6",
        "DELETE FROM decisions_auditentry WHERE sequence = 5",  # a range's first entry
        "DELETE FROM decisions_auditentry WHERE sequence = 8",  # a range's last entry
        "DELETE FROM decisions_auditentry WHERE sequence IN (5, 6, 7, 8)",  # a whole range
        "UPDATE decisions_auditentry SET prev_hash = 'f' WHERE sequence = 9",  # a seam
        "UPDATE decisions_auditentry SET sequence = sequence + 100 WHERE sequence = 4",
        "UPDATE decisions_auditentry SET hmac = 'f' WHERE sequence = 1",
        "rehash 10 without the key",
    ],
)
def test_every_tamper_gets_the_one_process_verdict(world, committed, tamper):
    build_chain(world, 11)
    checkpoint()
    drop_triggers()
    if tamper.startswith("rehash"):
        rehash(10, outcome="share")
    else:
        sql(tamper)
    assert split_check() is None
    on_two = audit_verify.verify_log(workers=2)
    assert on_two == audit_verify.verify_log(workers=1)
    assert not on_two.intact


@pytest.mark.django_db(transaction=True)
def test_the_last_entry_deleted_is_caught_by_the_checkpoint(world, committed):
    """The chain of what is left is whole, so the workers accept it; the checkpoint signed
    for 11 entries, still wanted when the walks are joined, names the deletion."""
    build_chain(world, 11)
    checkpoint()
    drop_triggers()
    sql("DELETE FROM decisions_auditentry WHERE sequence = 11")
    assert split_check() == (10, 10)
    on_two = audit_verify.verify_log(workers=2)
    assert on_two == audit_verify.verify_log(workers=1)
    assert not on_two.intact and "entries 11 to 11 were deleted" in on_two.message


@pytest.mark.django_db(transaction=True)
def test_since_and_the_reference_way_stay_on_one_process(world, committed, monkeypatch):
    build_chain(world, 9)
    calls = []
    real_check = verify_ranges.check
    monkeypatch.setattr(
        verify_ranges, "check", lambda *a, **k: calls.append(a) or real_check(*a, **k)
    )
    assert audit_verify.verify_chain(since=3, workers=2).entries_checked == 7
    assert audit_verify.verify_chain(fast=False, workers=2).entries_checked == 9
    assert audit_verify.verify_chain(workers=1).entries_checked == 9
    assert calls == []
    assert audit_verify.verify_chain(workers=2).entries_checked == 9
    assert len(calls) == 1


@pytest.mark.django_db
def test_inside_a_transaction_the_log_is_checked_in_this_process(world, small_ranges):
    build_chain(world, 9)
    assert not verify_ranges.can_split()
    assert audit_verify.verify_log(workers=2).entries_checked == 9


@pytest.mark.django_db
@pytest.mark.parametrize("workers", ["0", "-1", "two"])
def test_the_command_refuses_a_number_of_workers_that_is_not_one_or_more(workers):
    code, said = verify("--workers", workers)
    assert code != 0
    assert "a whole number of processes, 1 or more" in said
