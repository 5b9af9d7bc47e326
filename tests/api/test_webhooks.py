"""Webhooks against a real HTTP receiver: signed per Standard Webhooks, retried with back-off
from the task queue, each event seen once."""

import datetime
import json
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from decisions.audit import record as audit_log
from decisions.cases import services as case_services
from decisions.exchange import services as exchange_services
from decisions.lifecycle import services as lifecycle_services
from decisions.models import AuditEntry
from isg.api.models import WebhookDelivery, WebhookEndpoint
from isg.api.webhooks.delivery import BACKOFF_SECONDS, send_due
from tests import factories

pytestmark = pytest.mark.django_db

FAIL_FIRST = 2  # the receiver answers 500 to the first two attempts of every message


class Receiver:
    """A small threaded HTTP server that checks signatures and fails each message at first."""

    def __init__(self):
        self.secret = None
        self.attempts: Counter[str] = Counter()
        self.events: dict[str, dict] = {}
        self.bad_signatures = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    payload = Webhook(receiver.secret).verify(body, headers)
                except WebhookVerificationError:
                    receiver.bad_signatures += 1
                    self.send_response(400)
                    self.end_headers()
                    return
                message = headers["webhook-id"]
                receiver.attempts[message] += 1
                if receiver.attempts[message] <= FAIL_FIRST:
                    self.send_response(500)
                    self.end_headers()
                    return
                receiver.events.setdefault(message, payload)  # a repeat is dropped
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()


def _events_happen(world):
    """Each kind of event once for Riverside (the exchange's delivery into RIV-1 too)."""
    case_services.share_request_open(
        user=world.users["practitioner"], case=world.case, direction="incoming",
        counterpart_agency="Police", counterpart_contact="DC X", counterpart_role="Officer",
        purpose="Assess risk", information_requested="Attendance", urgency="routine",
    )
    audit_log.record_about_decision(
        AuditEntry.Action.DECISION_SUBMITTED, world.decision, world.users["practitioner"], {}
    )
    lifecycle_services.decision_verdict(
        decision=world.decision, approver=world.users["manager"], verdict="approved", reasons=""
    )
    lifecycle_services.share_record(
        decision=world.decision, user=world.users["practitioner"], shared=True,
        what_was_shared="Attendance", shared_with="Police",
        shared_on=world.share_request.received_on, method="secure_email",
    )
    other = factories.make_decision(factories.make_request(world.case), world.users["practitioner"])
    lifecycle_services.decision_verdict(
        decision=other, approver=world.users["manager"], verdict="rejected",
        reasons="Not proportionate",
    )
    factories.make_listed(world.org)
    factories.make_listed(world.other_org)
    exchange = factories.make_exchange(world.case, world.other_org, world.users["practitioner"])
    factories.take_and_record(exchange, world.users["other_practitioner"], shared=True)
    exchange_services.exchange_answer(
        user=world.users["other_practitioner"], exchange_id=exchange.pk
    )


def test_each_event_arrives_signed_and_once_after_the_receiver_failed_twice(
    world, receiver, run_tasks, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpoint.objects.create(organisation=world.org, url=receiver.url)
    receiver.secret = endpoint.secret
    WebhookEndpoint.objects.create(  # another organisation's endpoint hears nothing of ours
        organisation=world.other_org, url=receiver.url + "/northgate",
        events=["decision.approved"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        _events_happen(world)
    run_tasks()  # the first attempts: all fail, each enqueued again after its back-off
    assert set(receiver.attempts.values()) == {1}
    assert receiver.events == {}
    later = timezone.now() + datetime.timedelta(days=1)
    run_tasks(at=later)  # the retries, deferred in the queue until their back-off is over
    assert receiver.bad_signatures == 0
    types = sorted(payload["type"] for payload in receiver.events.values())
    assert types == [
        "decision.approved", "decision.rejected", "decision.shared", "decision.submitted",
        "delivery.delivered", "request.received",
    ]
    assert set(receiver.attempts.values()) == {FAIL_FIRST + 1}
    rows = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert {row.status for row in rows} == {WebhookDelivery.Status.DELIVERED}
    assert {row.attempts for row in rows} == {FAIL_FIRST + 1}
    delivered = next(p for p in receiver.events.values() if p["type"] == "delivery.delivered")
    assert delivered["data"]["side"] == "recipient"
    assert "Attendance" not in json.dumps(list(receiver.events.values()))  # ids, not content


def test_a_failed_attempt_waits_for_its_back_off_before_the_sweep_sends_it(world, receiver):
    endpoint = WebhookEndpoint.objects.create(
        organisation=world.org, url=receiver.url, events=["decision.approved"]
    )
    receiver.secret = endpoint.secret
    lifecycle_services.decision_verdict(
        decision=world.decision, approver=world.users["manager"], verdict="approved", reasons=""
    )
    row = WebhookDelivery.objects.get()
    assert send_due()["attempted"] == 1
    row.refresh_from_db()
    assert row.attempts == 1 and row.last_status_code == 500
    wait = (row.next_attempt_at - timezone.now()).total_seconds()
    assert BACKOFF_SECONDS[0] - 2 < wait <= BACKOFF_SECONDS[0]
    assert send_due()["attempted"] == 0  # not yet
    moment = timezone.now() + datetime.timedelta(seconds=BACKOFF_SECONDS[0] + 1)
    send_due(now=moment)
    send_due(now=moment + datetime.timedelta(seconds=BACKOFF_SECONDS[1] + 1))
    row.refresh_from_db()
    assert row.status == WebhookDelivery.Status.DELIVERED and row.attempts == 3


def test_an_endpoint_that_never_answers_is_given_up_after_the_last_back_off(world):
    endpoint = WebhookEndpoint.objects.create(
        organisation=world.org, url="http://127.0.0.1:9/nothing-listens",
        events=["decision.approved"],
    )
    lifecycle_services.decision_verdict(
        decision=world.decision, approver=world.users["manager"], verdict="approved", reasons=""
    )
    moment = timezone.now()
    for _ in range(len(BACKOFF_SECONDS) + 1):
        send_due(now=moment)
        moment += datetime.timedelta(days=1)
    row = WebhookDelivery.objects.get(endpoint=endpoint)
    assert row.status == WebhookDelivery.Status.FAILED
    assert row.attempts == len(BACKOFF_SECONDS) + 1
    assert row.last_error
