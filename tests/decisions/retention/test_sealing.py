"""Personal text in immutable rows is stored sealed, reads back plain, and the records written
before sealing existed are sealed once by migration 0012, with the triggers back after it."""

import uuid

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from decisions.models import Approval, DataKey
from decisions.models.sealing import ERASED_TEXT, case_scope, destroy, is_sealed
from tests.data_migrations import run_data_migration


def stored(table: str, column: str, pk: object) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {table} WHERE id = %s",
            [str(pk).replace("-", "") if connection.vendor == "sqlite" else str(pk)],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_decisions_rationale_is_stored_sealed_and_read_back_plain(world):
    raw = stored("decisions_decision", "rationale", world.decision.pk)
    assert is_sealed(raw) and "significant harm" not in raw
    assert world.decision.__class__.objects.get(pk=world.decision.pk).rationale.startswith("Risk")


@pytest.mark.django_db
def test_destroying_the_key_makes_the_text_read_as_erased(world):
    destroy(case_scope(world.case.pk))
    decision = world.decision.__class__.objects.get(pk=world.decision.pk)
    assert decision.rationale == ERASED_TEXT
    assert DataKey.objects.get(scope=case_scope(world.case.pk)).wrapped is None


@pytest.mark.django_db
def test_records_written_before_sealing_are_sealed_by_the_migration(world):
    pk = uuid.uuid4()
    with connection.cursor() as cursor:  # as an older version of ISG wrote it
        cursor.execute(
            "INSERT INTO decisions_approval (id, decision_id, approver_id, verdict, reasons, "
            "created_at) VALUES (%s, %s, %s, %s, %s, %s)",
            [
                pk.hex if connection.vendor == "sqlite" else str(pk),
                world.decision.pk.hex if connection.vendor == "sqlite" else str(world.decision.pk),
                world.users["manager"].pk,
                "rejected",
                "Plain reasons from before",
                timezone.now(),
            ],
        )
    assert stored("decisions_approval", "reasons", pk) == "Plain reasons from before"

    if connection.vendor == "postgresql":  # the foreign-key checks this test left pending
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    run_data_migration("decisions", "0012_seal_existing_records", "seal_existing")

    assert is_sealed(stored("decisions_approval", "reasons", pk))
    assert Approval.objects.get(pk=pk).reasons == "Plain reasons from before"
    with pytest.raises(DatabaseError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE decisions_approval SET verdict = 'approved'")
