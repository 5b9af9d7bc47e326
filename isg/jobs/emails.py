"""Every email ISG sends goes out through the task queue, one message per task.

A mail server that is down or slow no longer holds up the page, and a message that could
not be sent is tried again later (`queue.retrying`), up to `MAX_ATTEMPTS`; one bad address
does not hold up the others. Sending twice is possible (a worker killed after the server
took the message): the messages say where to look, so a second copy does no harm.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterable, Iterator

from django.core.mail import EmailMessage
from django_tasks import task

from isg.jobs.queue import retrying

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
_NOT_SENT = contextvars.ContextVar("emails not sent", default=False)


def _gave_up(exc: Exception, *args: object, **kwargs: object) -> None:
    logger.error("Email %r could not be sent after %d attempts: %s", kwargs.get("subject"),
                 MAX_ATTEMPTS, exc)


@task()
@retrying(max_attempts=MAX_ATTEMPTS, give_up=_gave_up)
def send_email(*, to: str, subject: str, body: str, attempt: int = 1) -> int:
    return EmailMessage(subject=subject, body=body, to=[to]).send()


@contextlib.contextmanager
def emails_not_sent() -> Iterator[None]:
    """Inside the block nothing is queued: for writing demo history, whose events never
    happened and must email nobody, even once a worker starts."""
    token = _NOT_SENT.set(True)
    try:
        yield
    finally:
        _NOT_SENT.reset(token)


def queue_emails(addresses: Iterable[str], subject: str, body: str) -> int:
    """One message per address (nobody sees who else was told); how many were queued."""
    if _NOT_SENT.get():
        return 0
    queued = 0
    for address in sorted({address for address in addresses if address}):
        send_email.enqueue(to=address, subject=subject, body=body)
        queued += 1
    return queued
