"""After a delivery: filing it to a case, acknowledging it, correcting it; complaints about a
decision; chasing what is overdue. Each change in one transaction with its audit entries."""

import datetime
from collections.abc import Callable
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from decisions.audit.record import record
from decisions.cases.selectors import can_write_case
from decisions.cases.services import case_create
from decisions.exchange import notify
from decisions.exchange import selectors as rules
from decisions.exchange.access import grant_delivery
from decisions.exchange.log import record_event
from decisions.lifecycle.services import NotNow
from decisions.models import (
    AuditEntry,
    Case,
    Chase,
    Complaint,
    Correction,
    Decision,
    Delivery,
    DeliveryFiling,
    ExchangeRequest,
    Receipt,
)
from isg.accounts.models import User

# A delivery not acknowledged within this many days is chased.


def _locked(delivery: Delivery) -> Delivery:
    return Delivery.objects.select_for_update().get(pk=delivery.pk)


@transaction.atomic
def delivery_file(
    *, user: User, delivery: Delivery, case: Case | None = None, new_reference: str = ""
) -> DeliveryFiling:
    delivery = _locked(delivery)
    if not rules.may_file(user, delivery):
        raise NotNow("This delivery is already filed, or is not yours to file.")
    if case is None:
        case = case_create(
            user=user, organisation=delivery.to_organisation, reference=new_reference.strip()
        )
    elif case.organisation_id != delivery.to_organisation_id or not can_write_case(user, case.pk):
        raise PermissionDenied("File the delivery to a case of yours.")
    filing = DeliveryFiling.objects.create(delivery=delivery, case=case, filed_by=user)
    record(
        action=AuditEntry.Action.DELIVERY_FILED,
        actor=user,
        obj=delivery,
        case=case,
        snapshot={"reference": delivery.reference, "side": "recipient"},
    )
    grant_delivery(delivery, case, by=user)
    return filing


@transaction.atomic
def delivery_acknowledge(*, user: User, delivery: Delivery) -> Receipt:
    delivery = _locked(delivery)
    if not rules.may_acknowledge(user, delivery):
        raise NotNow("This delivery is already acknowledged, or is not yours to acknowledge.")
    receipt = Receipt.objects.create(delivery=delivery, acknowledged_by=user)
    record_event(
        AuditEntry.Action.ACKNOWLEDGED,
        user=user,
        obj=delivery,
    )
    return receipt


@transaction.atomic
def delivery_correct(*, user: User, delivery: Delivery, correction: str) -> Correction:
    """The sender says what was wrong; the original stays, every recipient is told."""
    if not rules.may_correct(user, delivery):
        raise PermissionDenied("Only someone working on the sender's case can correct it.")
    written = Correction(delivery=delivery, correction=correction.strip(), corrected_by=user)
    written.full_clean()
    written.save()
    record_event(
        AuditEntry.Action.CORRECTED,
        user=user,
        obj=delivery,
        correction=str(written.pk),
    )
    transaction.on_commit(lambda: notify.correction_made(delivery))
    return written


@transaction.atomic
def complaint_record(
    *, user: User, decision: Decision, made_by: str, received_on: datetime.date, details: str
) -> Complaint:
    if not rules.may_complain(user, decision):
        raise PermissionDenied("The safeguarding lead records complaints.")
    complaint = Complaint(
        decision=decision,
        organisation=decision.organisation,
        made_by=made_by.strip(),
        received_on=received_on,
        details=details.strip(),
        recorded_by=user,
    )
    complaint.full_clean()
    complaint.save()
    record(
        action=AuditEntry.Action.COMPLAINED,
        actor=user,
        obj=complaint,
        case=decision.case,
        outcome=decision.outcome,
        snapshot={"decision": str(decision.pk), "received_on": received_on},
    )
    return complaint


def _chase_once(today: datetime.date, **target: object) -> bool:
    """A chase row for today, unless one is there already (then False)."""
    try:
        with transaction.atomic():
            Chase.objects.create(chased_on=today, **target)
    except IntegrityError:
        return False
    return True


def overdue_requests(today: datetime.date) -> list[ExchangeRequest]:
    return list(
        ExchangeRequest.objects.filter(rules.overdue_request(today)).select_related(
            "to_organisation", "from_organisation", "from_case", "taken_by", "to_request__case"
        )
    )


def unacknowledged_deliveries(today: datetime.date) -> list[Delivery]:
    return list(
        Delivery.objects.filter(rules.overdue_delivery(today))
        .select_related(
            "to_organisation", "from_organisation", "decision__case", "to_case", "filing__case"
        )
    )


def _chase(
    today: datetime.date, obj: ExchangeRequest | Delivery, *, tell: Callable[[], object]
) -> bool:
    """Chase one overdue request or delivery, once a day: both sides' entries and an email."""
    what = "request" if isinstance(obj, ExchangeRequest) else "delivery"
    with transaction.atomic():
        target = {"exchange_request": obj} if what == "request" else {"delivery": obj}
        if not _chase_once(today, **target):
            return False
        record_event(AuditEntry.Action.CHASED, user=None, obj=obj, what=what)
        transaction.on_commit(tell)
    return True


def chase_overdue(*, today: datetime.date | None = None) -> int:
    """Chase each overdue request and unacknowledged delivery at most once a day; safe to
    run again. Returns how many were chased."""
    today = today or timezone.localdate()
    chased = 0
    for exchange in overdue_requests(today):
        tell = partial(notify.request_chased, exchange)
        chased += _chase(today, exchange, tell=tell)
    for delivery in unacknowledged_deliveries(today):
        tell = partial(notify.delivery_chased, delivery)
        chased += _chase(today, delivery, tell=tell)
    return chased
