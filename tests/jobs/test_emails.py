import datetime
import logging
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from isg.jobs.emails import MAX_ATTEMPTS, emails_not_sent, queue_emails

pytestmark = pytest.mark.django_db


def test_one_message_per_address_each_its_own_task(run_tasks):
    assert queue_emails(["b@example.org", "a@example.org", "", "a@example.org"], "S", "B") == 2
    assert mail.outbox == []  # nothing leaves before a worker runs
    assert run_tasks() == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["a@example.org", "b@example.org"]


def test_a_message_the_server_keeps_refusing_is_given_up_after_its_attempts(run_tasks, caplog):
    queue_emails(["a@example.org"], "S", "B")
    refused = mock.patch("django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPException)
    later = timezone.now() + datetime.timedelta(days=1)
    with refused, caplog.at_level(logging.ERROR, logger="isg.jobs.emails"):
        assert run_tasks(at=later) == MAX_ATTEMPTS
    attempts = DBTaskResult.objects.order_by("enqueued_at")
    assert [row.args_kwargs["kwargs"].get("attempt", 1) for row in attempts] == [1, 2, 3, 4, 5]
    assert {row.status for row in attempts} == {"FAILED"}
    assert any("could not be sent after 5 attempts" in r.getMessage() for r in caplog.records)
    assert run_tasks(at=later) == 0 and mail.outbox == []


def test_inside_emails_not_sent_nothing_is_queued_so_no_worker_sends_it_later(run_tasks):
    with emails_not_sent():
        assert queue_emails(["a@example.org"], "S", "B") == 0
    assert not DBTaskResult.objects.exists()
    assert queue_emails(["a@example.org"], "S", "B") == 1  # and after it, as before
    assert run_tasks() == 1 and len(mail.outbox) == 1
