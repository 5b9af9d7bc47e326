"""An audit entry that is an event queues one delivery per endpoint that wants it, in the
entry's transaction (the outbox); the sending starts once that transaction commits."""

from functools import partial
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from decisions.models import AuditEntry
from isg.api.webhooks import delivery, tasks
from isg.api.webhooks.events import event_of


@receiver(post_save, sender=AuditEntry, dispatch_uid="webhook_events")
def entry_saved(sender: Any, instance: AuditEntry, created: bool, **kwargs: Any) -> None:
    if not created or instance.organisation_id is None:
        return
    event = event_of(instance)
    if event is None:
        return
    for pk in delivery.queue(instance, event):
        transaction.on_commit(partial(tasks.enqueue, pk))
