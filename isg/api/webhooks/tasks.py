"""The webhook task for the queue (django-tasks): one attempt at one delivery, and the next
one enqueued for when its back-off ends."""

import datetime
import logging
from uuid import UUID

from django_tasks import task

from isg.api.models import WebhookDelivery
from isg.api.webhooks.delivery import attempt

logger = logging.getLogger(__name__)


@task()
def deliver_webhook(delivery_id: str) -> str:
    row = attempt(delivery_id)
    if row is None:
        return "gone"
    if row.status == WebhookDelivery.Status.PENDING:
        enqueue(row.pk, run_after=row.next_attempt_at)
    return row.status


def enqueue(delivery_id: UUID, *, run_after: datetime.datetime | None = None) -> None:
    """Hand one delivery to the queue: now, or later where the queue can defer (otherwise
    `manage.py send_webhooks` sends it when it is due). A queue that refuses leaves the
    outbox row for send_webhooks too: the change the event announces is already committed."""
    job = deliver_webhook
    if run_after is not None:
        if not job.get_backend().supports_defer:
            return
        job = job.using(run_after=run_after)
    try:
        job.enqueue(str(delivery_id))
    except Exception:
        logger.exception("could not enqueue webhook delivery %s", delivery_id)
