"""Emails about exchanges: a request or a delivery arrived, an answer came back, a correction,
a chase. As every email of ISG's: a reference and a link, no names, no case content.

Services call these through `transaction.on_commit`; the task queue's worker sends them and
tries again later if the mail server refuses. A failure is logged and goes no further: the
request is already in the recipient's queue, the delivery in its inbox.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from decisions.lifecycle.notify import link
from decisions.models import Delivery, ExchangeRequest
from isg.accounts.models import Organisation, Role, User
from isg.jobs.emails import queue_emails

logger = logging.getLogger(__name__)

Addressee = str  # an email address


def send(addresses: Iterable[Addressee], subject: str, body: str, *, see: str, about: str) -> int:
    """One message per address, so nobody sees who else was told, queued for the worker
    (isg/jobs/emails.py: tried again later if the mail server refuses); never raises.

    `body` ends with the link to `see`, the path of the page it is about."""
    try:
        return queue_emails(addresses, subject, f"{body}\n\nSee it: {link(see)}\n")
    except Exception:
        logger.exception("Email about %s could not be queued; nothing else is affected", about)
        return 0


def duty_addresses(organisation: Organisation) -> list[Addressee]:
    """The organisation's duty inbox and its managers."""
    entry = getattr(organisation, "directory_entry", None)
    managers = User.objects.filter(
        memberships__organisation=organisation, memberships__role=Role.MANAGER, is_active=True
    ).values_list("email", flat=True)
    return [*([entry.duty_inbox] if entry and entry.duty_inbox else []), *managers]


def request_arrived(exchange: ExchangeRequest) -> int:
    return send(
        duty_addresses(exchange.to_organisation),
        f"ISG: request {exchange.reference} from another organisation",
        f"A request for information, {exchange.reference}, is in your organisation's queue. "
        f"An answer is due by {exchange.due_on:%d %B %Y}.",
        see=reverse("exchange_incoming_detail", args=[exchange.pk]),
        about=exchange.reference,
    )


def answer_arrived(exchange: ExchangeRequest) -> int:
    case = exchange.from_case
    return send(
        [exchange.asked_by.email, *case.assigned.values_list("email", flat=True)],
        f"ISG: your request on case {case.reference} was answered",
        f"Request {exchange.reference} on case {case.reference} was answered.",
        see=reverse("exchange_sent_detail", args=[exchange.pk]),
        about=exchange.reference,
    )


def delivery_arrived(delivery: Delivery) -> int:
    return send(
        duty_addresses(delivery.to_organisation),
        f"ISG: information {delivery.reference} delivered to your organisation",
        f"Information, {delivery.reference}, was delivered to your organisation's inbox. "
        "File it to a case and acknowledge it.",
        see=reverse("exchange_inbox"),
        about=delivery.reference,
    )


def recipients_of(delivery: Delivery) -> list[Addressee]:
    """Everyone granted the delivery, and the recipient's managers."""
    granted = User.objects.filter(
        Q(deliveryuserobjectpermission__content_object=delivery) & Q(is_active=True)
    ).values_list("email", flat=True)
    return [*granted, *duty_addresses(delivery.to_organisation)]


def _tell_recipients(delivery: Delivery, subject: str, body: str) -> int:
    """An email to the delivery's recipients, with the link to the delivery."""
    return send(
        recipients_of(delivery),
        subject,
        body,
        see=reverse("delivery_detail", args=[delivery.pk]),
        about=delivery.reference,
    )


def correction_made(delivery: Delivery) -> int:
    return _tell_recipients(
        delivery,
        f"ISG: a correction to information {delivery.reference}",
        f"The sender corrected information {delivery.reference} delivered to your "
        "organisation. The original is kept; read the correction beside it.",
    )


def request_chased(exchange: ExchangeRequest) -> int:
    addresses = [*duty_addresses(exchange.to_organisation)]
    if exchange.taken_by is not None:
        addresses.append(exchange.taken_by.email)
    return send(
        addresses,
        f"ISG: request {exchange.reference} is overdue",
        f"Request {exchange.reference} was due on {exchange.due_on:%d %B %Y} and has not "
        "been answered.",
        see=reverse("exchange_incoming_detail", args=[exchange.pk]),
        about=exchange.reference,
    )


def delivery_chased(delivery: Delivery) -> int:
    return _tell_recipients(
        delivery,
        f"ISG: information {delivery.reference} is not acknowledged",
        f"Information {delivery.reference} delivered to your organisation has not been "
        "acknowledged yet.",
    )
