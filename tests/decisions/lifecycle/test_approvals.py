"""The approval queue and verdicts: who may approve what, once, and what is recorded."""

import datetime
import threading
import time

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from decisions.lifecycle import selectors as lifecycle_selectors
from decisions.lifecycle import services as lifecycle_services
from decisions.models import (
    Approval,
    AuditEntry,
    ImmutableRecordError,
    InfoResponse,
    ShareRecord,
    ShareRequest,
)
from isg.accounts.models import Role
from isg.accounts.security import AUTH_TIME
from tests import factories

APPROVED, REJECTED, MORE_INFO = "approved", "rejected", "more_info"


@pytest.fixture
def sign_in(client):
    """Sign in with the password just typed, as approving requires (recent_auth_required)."""

    def as_user(user):
        client.logout()
        client.force_login(user)
        session = client.session
        session[AUTH_TIME] = time.time()
        session.save()
        return client

    return as_user


@pytest.fixture(autouse=True)
def emails(world):
    for user in world.users.values():
        user.email = f"{user.username}@example.org"
        user.save()


@pytest.fixture
def decision(world):
    """The practitioner's share-without-consent decision, awaiting approval."""
    world.decision.share_request.status = ShareRequest.Status.AWAITING_APPROVAL
    world.decision.share_request.save()
    return world.decision


def verdict_url(decision):
    return reverse("approval_verdict", args=[decision.pk])


def audit_actions(decision):
    return list(
        AuditEntry.objects.filter(object_id=str(decision.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def make_manager(world, first_name="Mark", last_name="Ellis", **fields):
    return factories.make_user(
        world.org, Role.MANAGER, first_name=first_name, last_name=last_name, **fields
    )


# --- The queue --------------------------------------------------------------------------------


def test_queue_lists_what_needs_a_verdict_most_urgent_then_oldest(world, sign_in, decision):
    practitioner, manager = world.users["practitioner"], world.users["manager"]
    now = timezone.now()

    def decided(urgency, hours_ago, **fields):
        request = factories.make_request(world.case, urgency=urgency)
        when = now - datetime.timedelta(hours=hours_ago)
        return factories.make_decision(request, practitioner, decided_at=when, **fields)

    old_routine = decided("routine", 50)
    urgent = decided("urgent", 1)
    immediate = decided("immediate", 2)
    decided("immediate", 3, requires_approval=False, outcome="share")  # no approval needed
    factories.make_decision(factories.make_request(world.case), manager)  # the manager's own
    approved = decided("routine", 4)
    lifecycle_services.decision_verdict(
        decision=approved, approver=make_manager(world), verdict=APPROVED
    )
    asked = decided("routine", 5)
    lifecycle_services.decision_verdict(
        decision=asked, approver=make_manager(world), verdict=MORE_INFO, reasons="Why now?"
    )
    reconsidered = decided("routine", 6)
    decided("routine", 1, supersedes=reconsidered)
    other_case = factories.make_case(world.other_org, reference="NORTH-9")
    factories.make_decision(factories.make_request(other_case), world.users["other_practitioner"])

    queue = list(lifecycle_selectors.approval_queue_for(manager))
    superseding = reconsidered.superseded_by  # routine, an hour ago; the world's: routine, now
    assert queue == [immediate, urgent, old_routine, superseding, decision]
    page = sign_in(manager).get(reverse("approval_queue"))
    assert page.status_code == 200
    assert page.content.decode().count(reverse("approval_verdict", args=[immediate.pk])) == 1
    assert reverse("approval_verdict", args=[approved.pk]) not in page.content.decode()
    # Pages of the queue read its order once, as ids, then their own rows only.
    with CaptureQueriesContext(connection) as captured:
        second = lifecycle_selectors.approval_queue_page(manager, "2", 2)
    assert second.object_list == [old_routine, superseding]
    assert (second.paginator.count, second.paginator.num_pages) == (5, 3)
    assert len(captured) == 2  # the ids, then the page's rows (the roles were read above)
    assert lifecycle_selectors.approval_queue_page(manager, "x", 2).object_list == queue[:2]
    assert lifecycle_selectors.approval_queue_page(manager, "9", 2).object_list == [decision]


def test_queue_is_for_managers_only(world, sign_in):
    for name in ("practitioner", "lead", "admin"):
        assert sign_in(world.users[name]).get(reverse("approval_queue")).status_code == 404


# --- Verdicts ---------------------------------------------------------------------------------


def test_manager_approves_and_the_practitioner_is_told(
    world, sign_in, decision, django_capture_on_commit_callbacks, run_tasks
):
    factories.make_person(world.case, name="Amy Child", relationship="child")
    client = sign_in(world.users["manager"])
    page = client.get(verdict_url(decision)).content.decode()
    assert "Risk of significant harm outweighs the refusal." in page  # the practitioner's reasons
    assert "Record your verdict" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(verdict_url(decision), {"verdict": APPROVED, "reasons": ""})
    assert response.status_code == 302
    assert response.url == reverse("approval_given", args=[decision.pk])
    assert "Decision approved" in client.get(response.url).content.decode()
    approval = Approval.objects.get(decision=decision)
    assert (approval.verdict, approval.approver) == (APPROVED, world.users["manager"])
    assert audit_actions(decision) == [AuditEntry.Action.APPROVED]
    decision.share_request.refresh_from_db()
    assert decision.share_request.status == ShareRequest.Status.READY_TO_SHARE
    run_tasks()
    assert [message.to for message in mail.outbox] == [[world.users["practitioner"].email]]
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert "RIV-1" in body and "approved" in body
    assert f"/decisions/{decision.pk}/" in body
    assert "Amy" not in body and "Nell" not in body and "Police" not in body


def test_the_page_after_a_verdict_counts_the_queue_up_to_its_cap(
    world, sign_in, decision, monkeypatch
):
    """What is left waiting, counted as the dashboard counts it (lifecycle.selectors)."""
    for _ in range(3):
        factories.make_decision(factories.make_request(world.case), world.users["practitioner"])
    client = sign_in(world.users["manager"])
    given = client.post(verdict_url(decision), {"verdict": APPROVED, "reasons": ""}).url
    assert "(3 waiting)" in client.get(given).content.decode()
    monkeypatch.setattr(lifecycle_selectors, "APPROVAL_COUNT_CAP", 2)
    assert "(2 or more waiting)" in client.get(given).content.decode()


def test_manager_cannot_approve_own_decision(world, sign_in):
    manager = world.users["manager"]
    own = factories.make_decision(factories.make_request(world.case), manager)
    client = sign_in(manager)
    page = client.get(verdict_url(own)).content.decode()
    assert "You made this decision, so you cannot approve it" in page
    assert "Record your verdict" not in page
    response = client.post(verdict_url(own), {"verdict": APPROVED}, follow=True)
    assert "another manager must approve it" in response.content.decode()
    assert not Approval.objects.filter(decision=own).exists()
    with pytest.raises(PermissionDenied):
        lifecycle_services.decision_verdict(decision=own, approver=manager, verdict=APPROVED)
    assert not Approval.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.APPROVED).exists()


def test_tampered_form_cannot_approve_own_decision(world, sign_in, decision):
    """The decision comes from the URL alone: extra fields naming another decision are ignored,
    and the URL of one's own decision is refused by the service."""
    manager = world.users["manager"]
    own = factories.make_decision(factories.make_request(world.case), manager)
    client = sign_in(manager)
    client.post(
        verdict_url(own), {"verdict": APPROVED, "decision": str(decision.pk), "approver": "1"}
    )
    client.post(verdict_url(own), {"verdict": APPROVED, "decision_id": str(own.pk)})
    assert not Approval.objects.exists()


def test_manager_who_is_also_the_decider_elsewhere_is_still_refused(world):
    """Roles do not matter: whoever decided can never give the verdict."""
    practitioner = world.users["practitioner"]
    from isg.accounts.models import Membership

    Membership.objects.create(user=practitioner, organisation=world.org, role=Role.MANAGER)
    with pytest.raises(PermissionDenied):
        lifecycle_services.decision_verdict(
            decision=world.decision, approver=practitioner, verdict=APPROVED
        )


def test_other_organisations_manager_gets_404(world, sign_in, decision):
    client = sign_in(world.users["other_manager"])
    assert client.get(verdict_url(decision)).status_code == 404
    assert client.post(verdict_url(decision), {"verdict": APPROVED}).status_code == 404
    assert not Approval.objects.exists()
    with pytest.raises(PermissionDenied):
        lifecycle_services.decision_verdict(
            decision=decision, approver=world.users["other_manager"], verdict=APPROVED
        )


@pytest.mark.parametrize("name", ["practitioner", "unassigned", "lead", "admin"])
def test_only_managers_give_verdicts(world, sign_in, decision, name):
    response = sign_in(world.users[name]).post(verdict_url(decision), {"verdict": APPROVED})
    assert response.status_code == 404
    assert not Approval.objects.exists()


def test_verdict_needs_a_recent_password(world, client, decision):
    client.force_login(world.users["manager"])
    session = client.session
    session[AUTH_TIME] = time.time() - 3600  # the password was typed an hour ago
    session.save()
    response = client.post(verdict_url(decision), {"verdict": APPROVED})
    assert response.status_code == 302
    assert response.url.startswith(reverse("confirm_password"))
    assert not Approval.objects.exists()


def test_reject_without_reasons_shows_an_error(world, sign_in, decision):
    response = sign_in(world.users["manager"]).post(verdict_url(decision), {"verdict": REJECTED})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Give your reasons for rejecting" in body
    assert not Approval.objects.exists()
    with pytest.raises(ValueError):
        lifecycle_services.decision_verdict(
            decision=decision, approver=world.users["manager"], verdict=REJECTED, reasons="  "
        )


def test_reject_records_reasons_and_nothing_may_be_shared(world, sign_in, decision):
    client = sign_in(world.users["manager"])
    client.post(verdict_url(decision), {"verdict": REJECTED, "reasons": "Consent can be sought."})
    approval = Approval.objects.get(decision=decision)
    assert (approval.verdict, approval.reasons) == (REJECTED, "Consent can be sought.")
    assert audit_actions(decision) == [AuditEntry.Action.REJECTED]
    decision.share_request.refresh_from_db()
    assert decision.share_request.status == ShareRequest.Status.NOT_SHARED
    practitioner = sign_in(world.users["practitioner"])
    response = practitioner.get(reverse("record_shared", args=[decision.pk]), follow=True)
    assert "A manager rejected this decision" in response.content.decode()
    assert practitioner.get(reverse("record_not_shared", args=[decision.pk])).status_code == 200


def test_approval_of_an_already_decided_decision_says_who_and_when(world, sign_in, decision):
    mark = make_manager(world)
    lifecycle_services.decision_verdict(decision=decision, approver=mark, verdict=APPROVED)
    when = timezone.localtime(Approval.objects.get().created_at)
    response = sign_in(world.users["manager"]).post(
        verdict_url(decision), {"verdict": REJECTED, "reasons": "No."}, follow=True
    )
    assert f"Mark Ellis already approved this at {when:%H:%M}." in response.content.decode()
    assert Approval.objects.count() == 1
    assert audit_actions(decision) == [AuditEntry.Action.APPROVED]


def test_verdict_on_a_superseded_decision_is_refused(world, sign_in, decision):
    factories.make_decision(
        decision.share_request, world.users["practitioner"], supersedes=decision
    )
    client = sign_in(world.users["manager"])
    assert (
        "This decision has been reconsidered" in client.get(verdict_url(decision)).content.decode()
    )
    response = client.post(verdict_url(decision), {"verdict": APPROVED}, follow=True)
    assert "the new decision replaces it" in response.content.decode()
    assert not Approval.objects.filter(decision=decision).exists()


def test_more_information_round_trip(
    world, sign_in, decision, django_capture_on_commit_callbacks, run_tasks
):
    manager, practitioner = world.users["manager"], world.users["practitioner"]
    client = sign_in(manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(verdict_url(decision), {"verdict": MORE_INFO})  # no question: refused
        assert not Approval.objects.exists()
        client.post(verdict_url(decision), {"verdict": MORE_INFO, "reasons": "Was advice sought?"})
    assert decision not in lifecycle_selectors.approval_queue_for(manager)
    run_tasks()
    assert "needs more information" in mail.outbox[-1].subject
    # While the question is open, no verdict can be given.
    with pytest.raises(lifecycle_services.NotNow, match="not been answered"):
        lifecycle_services.decision_verdict(
            decision=decision, approver=make_manager(world), verdict=APPROVED
        )
    # The practitioner sees it on the dashboard and answers.
    client = sign_in(practitioner)
    assert "A manager asked you a question" in client.get(reverse("dashboard")).content.decode()
    answer_url = reverse("info_answer", args=[decision.pk])
    assert "Was advice sought?" in client.get(answer_url).content.decode()
    assert "Write your answer" in client.post(answer_url, {"answer": ""}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(answer_url, {"answer": "Yes, from the safeguarding lead."})
    response = InfoResponse.objects.get()
    assert (response.answer, response.answered_by) == (
        "Yes, from the safeguarding lead.",
        practitioner,
    )
    run_tasks()
    assert mail.outbox[-1].to == [manager.email]
    assert decision in lifecycle_selectors.approval_queue_for(manager)
    # Back in the queue: approved now, with the exchange on the record.
    sign_in(manager).post(verdict_url(decision), {"verdict": APPROVED})
    assert audit_actions(decision) == [
        AuditEntry.Action.MORE_INFO_REQUESTED,
        AuditEntry.Action.MORE_INFO_GIVEN,
        AuditEntry.Action.APPROVED,
    ]
    page = sign_in(practitioner).get(reverse("decision_detail", args=[decision.pk])).content
    assert b"Was advice sought?" in page and b"Yes, from the safeguarding lead." in page


def test_the_manager_who_asked_cannot_answer(world, decision):
    manager = world.users["manager"]
    lifecycle_services.decision_verdict(
        decision=decision, approver=manager, verdict=MORE_INFO, reasons="?"
    )
    with pytest.raises(PermissionDenied):
        lifecycle_services.info_answer(decision=decision, user=manager, answer="Myself")


def test_submit_asks_the_other_managers_by_email(
    world, client_for, django_capture_on_commit_callbacks, run_tasks
):
    from tests.decisions.wizard.driver import walk
    from tests.decisions.wizard.test_wizard import SHARE_WITHOUT_CONSENT, submit

    second = make_manager(world, email="second@example.org")
    decider = factories.make_user(world.org, Role.MANAGER, email="decider@example.org")
    world.case.assigned.add(decider)
    client = client_for(decider)
    check_url, _ = walk(client, factories.make_request(world.case), SHARE_WITHOUT_CONSENT)
    with django_capture_on_commit_callbacks(execute=True):
        submit(client, check_url)
    run_tasks()
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["manager@example.org", "second@example.org"]
    assert all("RIV-1" in m.subject and "/approvals/" in m.body for m in mail.outbox)
    assert second.email in recipients


# --- What the database guarantees ---------------------------------------------------------------


def test_database_refuses_a_second_final_verdict(world, decision):
    Approval.objects.create(decision=decision, approver=world.users["manager"], verdict=APPROVED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Approval.objects.create(
            decision=decision, approver=make_manager(world), verdict=REJECTED, reasons="No"
        )
    # Questions are not verdicts: any number may be asked.
    for _ in range(2):
        Approval.objects.create(
            decision=decision, approver=make_manager(world), verdict=MORE_INFO, reasons="?"
        )


def test_database_refuses_a_rejection_without_reasons(world, decision):
    with pytest.raises(IntegrityError), transaction.atomic():
        Approval.objects.create(
            decision=decision, approver=world.users["manager"], verdict=REJECTED
        )


@pytest.mark.parametrize("table", ["approval", "inforesponse", "sharerecord"])
def test_records_after_submit_are_append_only(world, decision, table):
    manager = world.users["manager"]
    question = lifecycle_services.decision_verdict(
        decision=decision, approver=manager, verdict=MORE_INFO, reasons="?"
    )
    lifecycle_services.info_answer(
        decision=decision, user=world.users["practitioner"], answer="This."
    )
    lifecycle_services.decision_verdict(
        decision=decision, approver=make_manager(world), verdict=APPROVED
    )
    lifecycle_services.share_record(
        decision=decision,
        user=world.users["practitioner"],
        shared=True,
        what_was_shared="Attendance",
        shared_with="DC Morgan",
        shared_on=timezone.localdate(),
        method="phone",
    )
    model = {"approval": Approval, "inforesponse": InfoResponse, "sharerecord": ShareRecord}[table]
    row = model.objects.first() if table != "approval" else question
    with pytest.raises(ImmutableRecordError):
        row.save()
    with pytest.raises(ImmutableRecordError):
        row.delete()
    with pytest.raises(ImmutableRecordError):
        model.objects.all().delete()
    for sql in (
        f"UPDATE decisions_{table} SET created_at = created_at",
        f"DELETE FROM decisions_{table}",
    ):
        if table == "sharerecord":
            sql = sql.replace("created_at", "recorded_at")
        with pytest.raises(Exception, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql)
    assert model.objects.filter(pk=row.pk).exists()


def test_admin_cannot_add_change_or_delete_verdicts(world, client_for, decision):
    approval = lifecycle_services.decision_verdict(
        decision=decision, approver=world.users["manager"], verdict=APPROVED
    )
    from isg.accounts.models import Membership

    admin = world.users["admin"]
    Membership.objects.create(user=admin, organisation=world.org, role=Role.LEAD)
    client = client_for(admin)
    assert client.get(reverse("admin:decisions_approval_add")).status_code == 403
    change = reverse("admin:decisions_approval_change", args=[approval.pk])
    assert client.get(change).status_code == 200  # read-only view
    client.post(change, {"verdict": REJECTED, "reasons": "Changed"})
    delete = reverse("admin:decisions_approval_delete", args=[approval.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    approval = Approval.objects.get(pk=approval.pk)
    assert (approval.verdict, approval.reasons) == (APPROVED, "")


# --- Two managers at once -----------------------------------------------------------------------

MANAGERS = 8


def _race(world, decision) -> list:
    managers = [make_manager(world, first_name=f"Manager{n}") for n in range(MANAGERS)]
    start = threading.Barrier(MANAGERS)
    outcomes = []

    def approve(manager) -> None:
        try:
            start.wait()
            lifecycle_services.decision_verdict(
                decision=decision, approver=manager, verdict=APPROVED
            )
            outcomes.append("approved")
        except lifecycle_services.AlreadyDecided as already:
            outcomes.append(str(already))
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(m,)) for m in managers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _assert_exactly_one_verdict(decision, outcomes) -> None:
    assert outcomes.count("approved") == 1, outcomes
    others = [o for o in outcomes if o != "approved"]
    assert len(others) == MANAGERS - 1
    assert all(isinstance(o, str) and " already approved this at " in o for o in others), others
    assert Approval.objects.filter(decision=decision).count() == 1
    assert (
        AuditEntry.objects.filter(
            action=AuditEntry.Action.APPROVED, object_id=str(decision.pk)
        ).count()
        == 1
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_many_managers_approving_at_once_record_one_verdict_on_postgres(on_postgres, world):
    _assert_exactly_one_verdict(world.decision, _race(world, world.decision))


@pytest.mark.sqlite
@pytest.mark.django_db(transaction=True)
def test_many_managers_approving_at_once_record_one_verdict_on_sqlite(world):
    assert connection.vendor == "sqlite"
    _assert_exactly_one_verdict(world.decision, _race(world, world.decision))
