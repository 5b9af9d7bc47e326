"""After a delivery: receipts, corrections, chasing, complaints; and email that fails."""

import datetime
import logging
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from decisions.exchange import deliveries, selectors, services
from decisions.lifecycle.services import NotNow
from decisions.models import AuditEntry, Chase, ExchangeRequest
from tests import factories


@pytest.fixture
def delivered(world, incoming):
    factories.take_and_record(incoming, world.users["practitioner"], shared=True)
    taker = world.users["practitioner"]
    return services.exchange_answer(user=taker, exchange_id=incoming.pk).delivery


def test_the_recipient_acknowledges_once_and_both_logs_record_it(world, delivered):
    deliveries.delivery_acknowledge(user=world.users["other_practitioner"], delivery=delivered)
    with pytest.raises(NotNow):
        deliveries.delivery_acknowledge(user=world.users["other_manager"], delivery=delivered)
    halves = AuditEntry.objects.filter(action=AuditEntry.Action.ACKNOWLEDGED)
    assert {entry.organisation_id for entry in halves} == {world.org.pk, world.other_org.pk}


def test_the_sender_cannot_acknowledge_its_own_delivery(world, delivered):
    assert not selectors.may_acknowledge(world.users["practitioner"], delivered)


def test_a_correction_keeps_the_original_and_tells_every_recipient(
    world, delivered, django_capture_on_commit_callbacks, run_tasks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.delivery_correct(
            user=world.users["practitioner"], delivery=delivered, correction="Two, not three."
        )
    run_tasks()  # the emails go out from the task queue
    delivered.refresh_from_db()
    assert delivered.what_was_shared == "Attendance record, autumn term"
    assert [c.correction for c in delivered.corrections.all()] == ["Two, not three."]
    told = {address for message in mail.outbox for address in message.to}
    assert world.users["other_practitioner"].email in told or "duty@northgate.example" in told
    with pytest.raises(deliveries.PermissionDenied):
        deliveries.delivery_correct(
            user=world.users["other_practitioner"], delivery=delivered, correction="No"
        )


def test_overdue_requests_and_unacknowledged_deliveries_are_chased_once_a_day(world, delivered):
    late = factories.make_exchange(
        world.other_org.cases.get(reference="NORTH-1"), world.org, world.users["other_practitioner"]
    )
    later = datetime.date.today() + datetime.timedelta(days=30)
    assert deliveries.chase_overdue(today=later) == 2
    assert deliveries.chase_overdue(today=later) == 0
    assert Chase.objects.filter(exchange_request=late).count() == 1
    assert Chase.objects.filter(delivery=delivered).count() == 1


def test_a_chase_is_filed_under_each_sides_case_where_it_has_one(world, incoming):
    factories.take_and_record(incoming, world.users["practitioner"], shared=True)
    incoming.refresh_from_db()
    later = datetime.date.today() + datetime.timedelta(days=30)
    assert deliveries.chase_overdue(today=later) == 1
    halves = AuditEntry.objects.filter(action=AuditEntry.Action.CHASED)
    assert {entry.organisation_id: entry.case_id for entry in halves} == {
        world.other_org.pk: incoming.from_case_id,
        world.org.pk: incoming.to_request.case_id,
    }


def test_the_reminders_job_chases_exchanges(world, delivered, capsys):
    call_command("send_reminders")
    out = capsys.readouterr().out
    assert "exchange chased" in out or "exchanges chased" in out
    assert Chase.objects.count() == 0  # nothing is overdue today


def test_only_the_lead_records_a_complaint_and_it_shows_on_the_decision(world, client_for):
    with pytest.raises(deliveries.PermissionDenied):
        deliveries.complaint_record(
            user=world.users["manager"], decision=world.decision, made_by="Parent",
            received_on=datetime.date.today(), details="Shared without asking us.",
        )
    deliveries.complaint_record(
        user=world.users["lead"], decision=world.decision, made_by="The child's mother",
        received_on=datetime.date.today(), details="Shared without asking us.",
    )
    page = client_for(world.users["lead"]).get(f"/decisions/{world.decision.pk}/")
    assert "The child&#x27;s mother" in page.content.decode()


def test_nothing_is_lost_when_the_recipients_email_fails(
    listed, north_case, caplog, django_capture_on_commit_callbacks, run_tasks
):
    failing = mock.patch(
        "django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPException("down")
    )
    with django_capture_on_commit_callbacks(execute=True):
        exchange = services.exchange_ask(
            user=listed.users["other_practitioner"], case=north_case,
            to_organisation=listed.org, purpose="Risk", information_requested="Attendance",
            urgency="routine", due_on=datetime.date.today(),
        )
    with failing, caplog.at_level(logging.WARNING, logger="isg.jobs.queue"):
        run_tasks()  # the mail server is down: each message is tried again later
    assert list(selectors.incoming_for(listed.users["practitioner"])) == [exchange]
    assert ExchangeRequest.objects.get().status == ExchangeRequest.Status.SENT
    assert any("attempt 1 of 5" in record.getMessage() for record in caplog.records)
    assert mail.outbox == []
    run_tasks(at=timezone.now() + datetime.timedelta(minutes=1))  # the server is back
    assert any(exchange.reference in message.subject for message in mail.outbox)
