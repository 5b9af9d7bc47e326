"""After apply_retention erases a case, its people's names and its free text are nowhere in
the database (every table, history and drafts included; on SQLite the file's bytes too),
the audit log and its checkpoints still verify, and its decisions still count."""

import datetime
import io
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from decisions.models import AuditEntry, Case, DataKey, Decision, Delivery, Person, ShareRequest
from decisions.models.sealing import ERASED_TEXT
from decisions.retention import services
from tests.decisions.retention.scenario import CHILD, SECRETS, build_case

FAR_FUTURE = "2100-01-01"


def found_in_tables(secrets: list[str]) -> set[tuple[str, str]]:
    """(table, secret) for every secret found in any column of any table, as text."""
    found = set()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                text = " ".join(
                    bytes(value).decode("utf-8", "replace")
                    if isinstance(value, bytes | memoryview)
                    else str(value)
                    for value in row
                )
                for secret in secrets:
                    if secret in text:
                        found.add((table, secret))
    return found


def database_file_bytes() -> bytes:
    """The file and its journals as they are on disk, read by another process: closing a
    descriptor of our own on the database file would drop every POSIX lock this process's
    SQLite connections hold on it ("How To Corrupt An SQLite Database File", 2.2), and a
    worker process started later could then check the log back into a file we still use."""
    name = Path(connection.settings_dict["NAME"])
    parts = [str(path) for path in (name, Path(f"{name}-wal"), Path(f"{name}-journal"))
             if path.exists()]
    return subprocess.run(["cat", *parts], check=True, capture_output=True).stdout


def apply(*args: str) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_erasure_leaves_no_personal_data_anywhere_and_the_log_still_verifies(world):
    built = build_case(world)
    call_command("audit_checkpoint", stdout=io.StringIO())
    secrets = list(SECRETS.values())
    before = found_in_tables(secrets)
    # Before erasure the mutable records hold the names; the immutable ones only ciphertext.
    assert ("decisions_person", CHILD) in before
    sealed_tables = {
        "decisions_decision",
        "decisions_sharerecord",
        "decisions_approval",
        "decisions_inforesponse",
        "decisions_complaint",
        "decisions_auditentry",
    }
    assert not {table for table, _ in before} & sealed_tables, before
    outcomes_before = dict(
        Decision.objects.values_list("outcome").annotate(n=Count("id")).values_list("outcome", "n")
    )

    output = apply("--as-of", FAR_FUTURE)

    assert f"erased {world.org.name}: RET-1" in output
    # Left: only the other organisation's own copy of the request it was sent (its case, its
    # retention), never anything of this organisation's.
    theirs = ShareRequest.objects.get(case__organisation=world.other_org)
    assert SECRETS["ask"] in theirs.purpose
    assert found_in_tables(secrets) == {
        (table, secret)
        for table in ("decisions_sharerequest", "decisions_historicalsharerequest")
        for secret in (CHILD, SECRETS["ask"])
    }
    ShareRequest.objects.filter(pk=theirs.pk).update(purpose="")  # as their erasure would
    ShareRequest.history.model.objects.filter(id=theirs.pk).delete()
    services.reclaim_space()
    assert found_in_tables(secrets) == set()
    if connection.vendor == "sqlite":
        raw = database_file_bytes()
        left = [secret for secret in secrets if secret.encode() in raw]
        assert left == [], f"left in the SQLite file: {left}"
    # The log, its tree and its checkpoint still verify; the erasure is an entry of its own.
    call_command("verify_audit", stdout=io.StringIO())
    erased = AuditEntry.objects.get(action=AuditEntry.Action.CASE_ERASED, case=built.case)
    assert erased.snapshot["legacy_audit_text"] == []
    assert erased.snapshot["counts"]["keys_destroyed"] >= 2  # the case's, the delivery's
    # What remains still counts.
    outcomes_after = dict(
        Decision.objects.values_list("outcome").annotate(n=Count("id")).values_list("outcome", "n")
    )
    assert outcomes_after == outcomes_before
    assert Decision.objects.filter(case=built.case).count() == 2
    case = Case.objects.get(pk=built.case.pk)
    assert case.erased_at is not None and case.reference == "RET-1"
    decision = Decision.objects.get(pk=built.decisions[0].pk)
    assert decision.rationale == ERASED_TEXT
    assert decision.share_record.what_was_shared == ERASED_TEXT
    assert decision.answers == {}
    delivery = Delivery.objects.get(to_case=case)
    assert delivery.what_was_shared == ERASED_TEXT and delivery.items == []
    assert Person.objects.filter(case=case, name="").count() == 2
    assert DataKey.objects.filter(case=case, wrapped__isnull=True).count() == 1
    # Safe to run again: nothing more is due.
    assert "0 cases erased" in apply("--as-of", FAR_FUTURE)


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_the_destroyed_key_leaves_the_sqlite_file(world):
    built = build_case(world)
    wrapped = bytes(DataKey.objects.get(case=built.case).wrapped)
    assert wrapped in database_file_bytes()
    apply("--as-of", FAR_FUTURE)
    assert wrapped not in database_file_bytes()


@pytest.mark.django_db
def test_dry_run_changes_nothing(world):
    build_case(world)
    secrets = list(SECRETS.values())
    before = found_in_tables(secrets)
    entries = AuditEntry.objects.count()

    output = apply("--as-of", FAR_FUTURE, "--dry-run")

    assert f"would erase {world.org.name}: RET-1" in output
    assert "1 case would be erased as of 2100-01-01" in output
    assert found_in_tables(secrets) == before
    assert AuditEntry.objects.count() == entries
    assert not Case.objects.filter(erased_at__isnull=False).exists()


@pytest.mark.django_db
def test_a_case_on_legal_hold_is_kept_until_the_hold_is_lifted(world):
    built = build_case(world)
    lead = world.users["lead"]
    services.hold_place(user=lead, case=built.case, reason="Care proceedings pending")

    output = apply("--as-of", FAR_FUTURE)

    assert "0 cases erased" in output and "1 due but on legal hold" in output
    assert Person.objects.get(pk=built.child.pk).name == CHILD
    services.hold_lift(user=lead, case=built.case)
    apply("--as-of", FAR_FUTURE)
    assert Person.objects.get(pk=built.child.pk).name == ""
    actions = set(AuditEntry.objects.filter(case=built.case).values_list("action", flat=True))
    assert {"legal_hold_placed", "legal_hold_lifted", "case_erased"} <= actions


@pytest.mark.django_db
def test_a_case_not_yet_due_is_not_erased(world):
    build_case(world)  # the child was born in 2012: due on their 25th birthday, 2037
    assert "0 cases erased" in apply("--as-of", "2037-04-30")
    assert "1 case erased" in apply("--as-of", "2037-05-01")


@pytest.mark.django_db
def test_a_bad_date_is_refused_with_a_message(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        apply("--as-of", "1st of May")


def test_far_future_is_a_date():
    assert datetime.date.fromisoformat(FAR_FUTURE)
