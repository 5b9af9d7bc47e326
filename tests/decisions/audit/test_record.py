"""The audit log: how entries are written, what refuses to change them, what writes them."""

import datetime
import decimal
import json
import os
import uuid
from unittest import mock

import pytest
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from decisions.audit import chain as audit_chain
from decisions.audit import record as audit_log
from decisions.cases import services as case_services
from decisions.models import (
    AuditEntry,
    Case,
    Decision,
    ImmutableRecordError,
    Person,
    ShareRequest,
)
from tests.decisions.audit.support import build_chain, sql, verify
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
Action = AuditEntry.Action


# --- Writing entries ----------------------------------------------------------


def test_entries_form_a_gapless_chain_from_the_genesis_hash(world):
    entries = build_chain(world, 4)
    assert [e.sequence for e in entries] == [1, 2, 3, 4]
    assert entries[0].prev_hash == "0" * 64
    for previous, entry in zip(entries, entries[1:], strict=False):
        assert entry.prev_hash == previous.entry_hash
    assert all(e.key_id == "tests-2026" for e in entries)


def test_canonical_serialisation_is_the_documented_one():
    content = audit_chain.canonical_bytes(
        7,
        datetime.datetime(2026, 3, 1, 12, 0, 0, 5, tzinfo=datetime.UTC),
        3,
        "pat",
        2,
        "case_created",
        "Case",
        "abc",
        uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "",
        {"z": 1, "a": ["é", None]},
        "0" * 64,
        "k1",
    )
    assert (
        content
        == (
            '{"action":"case_created","actor":3,"actor_label":"pat","case":'
            '"12345678-1234-5678-1234-567812345678","created_at":"2026-03-01T12:00:00.000005+00:00",'
            '"key_id":"k1","object_id":"abc","object_type":"Case","organisation":2,"outcome":"",'
            f'"prev_hash":"{"0" * 64}","sequence":7,"snapshot":{{"a":["é",null],"z":1}}}}'
        ).encode()
    )


def test_stored_entry_hashes_to_what_was_written_after_a_round_trip(world):
    snapshot = {
        "zeta": {"b": 2, "a": [1, "two"]},
        "when": datetime.date(2026, 3, 1),
        "at": datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "amount": decimal.Decimal("10.50"),
        "ratio": 0.1,
        "text": "Zoë’s “quote” <b>",
        "big": 2**60,
    }
    entry = audit_log.record(
        action=Action.CASE_UPDATED, actor=world.users["manager"], case=world.case, snapshot=snapshot
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.snapshot == entry.snapshot
    assert stored.snapshot["when"] == "2026-03-01"
    assert stored.snapshot["amount"] == "10.50"
    assert stored.snapshot["ratio"] == "0.1"
    content = audit_chain.entry_canonical_bytes(stored)
    assert audit_chain.sha256_hex(content) == stored.entry_hash
    assert audit_chain.hmac_hex(content, audit_chain.audit_keys()[0]) == stored.hmac


def test_snapshot_keys_must_be_strings(world):
    with pytest.raises(TypeError):
        audit_log.record(action=Action.CASE_UPDATED, snapshot={1: "x"})
    with pytest.raises(TypeError):
        audit_log.record(action=Action.CASE_UPDATED, snapshot={"x": object()})


def test_unknown_action_is_refused(db):
    with pytest.raises(ValueError):
        audit_log.record(action="made_tea")


def test_organisation_defaults_to_the_cases(world):
    entry = audit_log.record(action=Action.CASE_UPDATED, case=world.case)
    assert entry.organisation_id == world.org.pk


def test_record_view_writes_a_record_viewed_entry(world):
    entry = audit_log.record_view(world.users["lead"], world.share_request, world.case)
    assert (entry.action, entry.object_type, entry.object_id) == (
        Action.RECORD_VIEWED,
        "ShareRequest",
        str(world.share_request.pk),
    )
    assert entry.actor == world.users["lead"] and entry.organisation_id == world.org.pk


# --- Keys ---------------------------------------------------------------------


def test_without_audit_key_a_key_file_is_generated_once_with_a_warning(
    settings, tmp_path, capsys, caplog
):
    settings.AUDIT_KEYS = []
    settings.AUDIT_KEY_FILE = tmp_path / "var" / "audit_key"
    first = audit_chain.audit_keys()
    assert os.stat(settings.AUDIT_KEY_FILE).st_mode & 0o777 == 0o600
    assert "AUDIT_KEY is not set" in capsys.readouterr().err
    assert "AUDIT_KEY is not set" in caplog.text
    assert audit_chain.audit_keys() == first
    assert capsys.readouterr().err == ""
    assert first[0].key_id.startswith("local-")


@pytest.mark.parametrize("value", ["nocolon", ":secretsecretsecretsecretsecretsecret", "k:short"])
def test_malformed_audit_key_is_refused(settings, value):
    settings.AUDIT_KEYS = [value]
    with pytest.raises(ImproperlyConfigured):
        audit_chain.audit_keys()


def test_the_first_key_signs(world, settings):
    settings.AUDIT_KEYS = ["new:" + "n" * 40, settings.AUDIT_KEYS[0]]
    assert audit_log.record(action=Action.CASE_UPDATED, case=world.case).key_id == "new"


# --- Nothing changes an entry or a decision -------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE decisions_auditentry SET outcome = 'share'",
        "DELETE FROM decisions_auditentry",
        "UPDATE decisions_decision SET rationale = 'changed'",
        "DELETE FROM decisions_decision",
    ],
)
def test_raw_sql_cannot_change_or_delete_entries_or_decisions(world, statement):
    build_chain(world, 2)
    counts = (AuditEntry.objects.count(), Decision.objects.count())
    assert counts[1] >= 1
    with pytest.raises(DatabaseError), transaction.atomic():
        sql(statement)
    assert (AuditEntry.objects.count(), Decision.objects.count()) == counts
    assert Decision.objects.get(pk=world.decision.pk).rationale == world.decision.rationale
    assert verify()[0] == 0


@pytest.mark.parametrize("model", ["entry", "decision"])
def test_the_orm_cannot_change_or_delete_them_either(world, model):
    obj = build_chain(world, 1)[0] if model == "entry" else world.decision
    manager = type(obj).objects
    with pytest.raises(ImmutableRecordError):
        obj.save()
    with pytest.raises(ImmutableRecordError):
        obj.delete()
    with pytest.raises(ImmutableRecordError):
        manager.update(created_at=None) if model == "entry" else manager.update(rationale="")
    with pytest.raises(ImmutableRecordError):
        manager.all().delete()


def test_triggers_exist_for_both_tables(db):
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {row[0] for row in cursor.fetchall()}
    for table in ("decisions_auditentry", "decisions_decision"):
        assert any(name.startswith(table) for name in names), names


# --- Written with the change ----------------------------------------------------


def _only_new_entry(before: int) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(sequence__gt=before))
    assert len(entries) == 1, [e.action for e in entries]
    return entries[0]


def _last_sequence() -> int:
    return AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def test_case_created_writes_one_entry(world):
    before = _last_sequence()
    case = case_services.case_create(
        user=world.users["practitioner"],
        organisation=world.org,
        reference="RIV-9",
        child_name="Sam",
    )
    entry = _only_new_entry(before)
    assert (entry.action, entry.case, entry.organisation_id) == (
        Action.CASE_CREATED,
        case,
        world.org.pk,
    )
    assert entry.actor == world.users["practitioner"]
    assert entry.snapshot == {
        "reference": "RIV-9",
        "assigned": ["practitioner"],
        "child_recorded": True,
    }
    assert "Sam" not in json.dumps(entry.snapshot)


def test_case_updated_writes_one_entry_with_what_changed(world):
    before = _last_sequence()
    case_services.case_update(
        user=world.users["manager"],
        case=world.case,
        reference="RIV-1A",
        summary="New summary",
        assigned=[world.users["unassigned"]],
        is_closed=True,
    )
    entry = _only_new_entry(before)
    assert entry.action == Action.CASE_UPDATED
    assert entry.snapshot["changes"] == {
        "reference": {"from": "RIV-1", "to": "RIV-1A"},
        "is_closed": {"from": False, "to": True},
        "summary": "changed",
        "assigned": {"added": ["unassigned"], "removed": ["practitioner"]},
    }


def test_person_added_writes_one_entry_without_the_name(world):
    before = _last_sequence()
    person = case_services.person_add(
        user=world.users["practitioner"],
        case=world.case,
        name="Hidden Harriet",
        relationship="neighbour",
        protect_identity=True,
    )
    entry = _only_new_entry(before)
    assert (entry.action, entry.object_id) == (Action.PERSON_ADDED, str(person.pk))
    assert entry.snapshot == {"relationship": "neighbour", "protect_identity": True}


def test_request_opened_writes_one_entry(world):
    before = _last_sequence()
    share_request = case_services.share_request_open(
        user=world.users["practitioner"],
        case=world.case,
        direction="outgoing",
        counterpart_agency="GP",
        counterpart_contact="Dr A",
        counterpart_role="GP",
        purpose="Health follow-up",
        information_requested="Visit notes",
        received_on=datetime.date(2026, 3, 1),
    )
    entry = _only_new_entry(before)
    assert (entry.action, entry.object_id) == (Action.REQUEST_OPENED, str(share_request.pk))
    assert entry.snapshot["received_on"] == "2026-03-01"


def test_signed_in_writes_one_entry(world, client):
    before = _last_sequence()
    client.post(reverse("login"), {"username": "lead", "password": PASSWORD})
    entry = _only_new_entry(before)
    assert (entry.action, entry.actor, entry.organisation_id) == (
        Action.SIGNED_IN,
        world.users["lead"],
        world.org.pk,
    )


def test_sign_in_failed_writes_one_entry_with_the_name_tried(world, client):
    before = _last_sequence()
    client.post(reverse("login"), {"username": "lead", "password": "wrong"})
    entry = _only_new_entry(before)
    # Filed under the user's organisation, so that its lead sees it (issue 15).
    assert (entry.action, entry.actor, entry.organisation, entry.actor_label) == (
        Action.SIGN_IN_FAILED,
        None,
        world.org,
        "lead",
    )
    assert "wrong" not in json.dumps(entry.snapshot)


def test_sign_in_failed_truncates_the_name_tried(db):
    user_login_failed.send(sender=__name__, credentials={"username": "x" * 400}, request=None)
    assert AuditEntry.objects.get().actor_label == "x" * 150


def test_signed_out_writes_one_entry(world, client):
    client.force_login(world.users["manager"])
    before = _last_sequence()
    client.post(reverse("logout"))
    entry = _only_new_entry(before)
    assert (entry.action, entry.actor) == (Action.SIGNED_OUT, world.users["manager"])


def test_failure_in_the_audit_write_rolls_back_the_change(world):
    cases, people = Case.objects.count(), Person.objects.count()
    with mock.patch(
        "decisions.cases.services.record_about_case", side_effect=RuntimeError("disk full")
    ):
        with pytest.raises(RuntimeError):
            case_services.case_create(
                user=world.users["practitioner"],
                organisation=world.org,
                reference="RIV-LOST",
                child_name="Lost",
            )
    assert (Case.objects.count(), Person.objects.count()) == (cases, people)
    assert not AuditEntry.objects.exists()


def test_failure_after_the_audit_write_rolls_back_both(world):
    requests = ShareRequest.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        case_services.share_request_open(
            user=world.users["practitioner"],
            case=world.case,
            direction="incoming",
            counterpart_agency="Police",
            counterpart_contact="DC",
            counterpart_role="Officer",
            purpose="Risk",
            information_requested="Attendance",
        )
        assert AuditEntry.objects.count() == 1
        raise RuntimeError("something later in the same transaction failed")
    assert ShareRequest.objects.count() == requests
    assert not AuditEntry.objects.exists()


def test_the_demo_log_verifies(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {Action.CASE_CREATED, Action.PERSON_ADDED, Action.REQUEST_OPENED} <= actions
    code, said = verify()
    assert code == 0
    assert said.strip() == f"audit log intact: {AuditEntry.objects.count()} entries"


# --- Admin ----------------------------------------------------------------------


def test_admin_shows_entries_read_only_to_a_lead(world, lead_admin, client):
    entry = build_chain(world, 1)[0]
    audit_log.record(action=Action.CASE_UPDATED, organisation=world.other_org)
    client.force_login(lead_admin)
    listing = client.get(reverse("admin:decisions_auditentry_changelist"))
    assert listing.status_code == 200
    own = AuditEntry.objects.filter(organisation=world.org).count()
    assert own < AuditEntry.objects.count()
    assert listing.context["cl"].result_count == own
    change_url = reverse("admin:decisions_auditentry_change", args=[entry.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and b"Save" not in page.content
    assert client.post(change_url, {"outcome": "share"}).status_code == 403
    delete_url = reverse("admin:decisions_auditentry_delete", args=[entry.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:decisions_auditentry_add")).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).outcome == ""


def test_admin_refuses_to_change_decisions(world, lead_admin, client):
    decision = world.decision
    client.force_login(lead_admin)
    change_url = reverse("admin:decisions_decision_change", args=[decision.pk])
    assert client.get(change_url).status_code == 200
    assert client.post(change_url, {"rationale": "x"}).status_code == 403
    delete_url = reverse("admin:decisions_decision_delete", args=[decision.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403


def test_admin_hides_entries_of_organisations_the_user_does_not_lead(world, client):
    entry = build_chain(world, 1)[0]
    client.force_login(world.users["admin"])  # superuser, admin role, not lead
    assert (
        client.get(reverse("admin:decisions_auditentry_changelist")).context["cl"].result_count == 0
    )
    response = client.get(reverse("admin:decisions_auditentry_change", args=[entry.pk]))
    assert response.status_code == 302  # "does not exist": back to the admin index
