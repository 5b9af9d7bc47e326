"""Asking, taking, answering and telling: every change of an exchange, in one transaction with
both sides' audit entries. Emails go out on commit and never undo what was written."""

import datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from decisions.cases.history import changed_by, save_validated
from decisions.cases.selectors import can_write_case, current_decision
from decisions.cases.services import case_create, share_request_open
from decisions.exchange import notify
from decisions.exchange import selectors as rules
from decisions.exchange.access import grant_delivery
from decisions.exchange.log import record_event
from decisions.lifecycle.services import NotNow
from decisions.models import (
    AuditEntry,
    Case,
    Decision,
    DecisionDraft,
    Delivery,
    ExchangeAnswer,
    ExchangeRequest,
    ShareRecord,
    ShareRequest,
)
from decisions.wizard.services import draft_start
from isg.accounts.models import Organisation, User


class AlreadyTaken(NotNow):
    """Someone else took the request first."""


@transaction.atomic
def exchange_ask(
    *,
    user: User,
    case: Case,
    to_organisation: Organisation,
    purpose: str,
    information_requested: str,
    urgency: str,
    due_on: datetime.date,
) -> ExchangeRequest:
    """A request from the user's case to an organisation in the directory."""
    if not rules.may_ask(user, case.pk):
        raise PermissionDenied("Only someone working on the case can ask.")
    if not rules.askable_organisations(user, case.organisation_id).filter(
        pk=to_organisation.pk
    ).exists():
        raise PermissionDenied("Ask an organisation in the directory, other than your own.")
    exchange = ExchangeRequest(
        from_organisation=case.organisation,
        to_organisation=to_organisation,
        from_case=case,
        purpose=purpose.strip(),
        information_requested=information_requested.strip(),
        urgency=urgency,
        due_on=due_on,
        asked_by=user,
    )
    save_validated(exchange, user)
    record_event(
        AuditEntry.Action.EXCHANGE_SENT,
        user=user,
        obj=exchange,
        urgency=urgency,
        due_on=due_on,
    )
    transaction.on_commit(lambda: notify.request_arrived(exchange))
    return exchange


@transaction.atomic
def exchange_take(
    *, user: User, exchange_id: UUID | str, case: Case | None = None, new_reference: str = ""
) -> DecisionDraft:
    """Take the request into one of the recipient's own cases (or a new one) and start the
    decision there, under the recipient's framework. One taker: the row is locked, so of two
    people taking it at once the second waits, then finds it taken."""
    exchange = ExchangeRequest.objects.select_for_update().get(pk=exchange_id)
    if exchange.taken_by_id is not None:
        assert exchange.to_request is not None
        if exchange.taken_by_id == user.pk:
            return draft_start(user=user, share_request=exchange.to_request)
        raise AlreadyTaken("Someone else has already taken this request.")
    if not rules.may_take(user, exchange):
        raise PermissionDenied("Only a practitioner or manager of the organisation asked takes it.")
    recipient = exchange.to_organisation
    if case is None:
        case = case_create(user=user, organisation=recipient, reference=new_reference.strip())
    elif case.organisation_id != recipient.pk or not can_write_case(user, case.pk):
        raise PermissionDenied("Take the request into a case of yours.")
    share_request = share_request_open(
        user=user,
        case=case,
        direction=ShareRequest.INCOMING,
        counterpart_agency=exchange.from_organisation.name,
        counterpart_contact=f"{exchange.asked_by.display_name}, through ISG ({exchange.reference})",
        counterpart_role=f"Practitioner at {exchange.from_organisation.name}",
        purpose=exchange.purpose,
        information_requested=exchange.information_requested,
        urgency=exchange.urgency,
        received_on=timezone.localtime(exchange.asked_at).date(),
        due_on=exchange.due_on,
    )
    exchange.status = ExchangeRequest.Status.TAKEN
    exchange.taken_by = user
    exchange.taken_at = timezone.now()
    exchange.to_request = share_request
    changed_by(exchange, user)
    exchange.save(update_fields=["status", "taken_by", "taken_at", "to_request"])
    record_event(
        AuditEntry.Action.EXCHANGE_TAKEN,
        user=user,
        obj=exchange,
    )
    return draft_start(user=user, share_request=share_request)


def deliver(
    *, user: User, decision: Decision, record: ShareRecord, to_organisation: Organisation,
    exchange: ExchangeRequest | None = None, to_case: Case | None = None,
) -> Delivery:
    """What the share record says was shared, and the decision's items with their
    justification, delivered; the recipient case's assignees are granted it."""
    delivery = Delivery.objects.create(
        exchange_request=exchange,
        from_organisation=decision.organisation,
        to_organisation=to_organisation,
        decision=decision,
        share_record=record,
        items=list(decision.answers.get("items", [])),
        what_was_shared=record.what_was_shared,
        to_case=to_case,
        delivered_by=user,
    )
    record_event(
        AuditEntry.Action.DELIVERED,
        user=user,
        obj=delivery,
        decision=str(decision.pk),
        items=len(delivery.items),
    )
    if to_case is not None:
        grant_delivery(delivery, to_case, by=user)
    return delivery


@transaction.atomic
def exchange_answer(
    *, user: User, exchange_id: UUID | str, reasons: str = "", may_ask_again: bool | None = None
) -> ExchangeAnswer:
    """Send the answer back: on sharing, a delivery into the asker's case; otherwise the
    written reasons and whether the asker may ask again. Once."""
    exchange = ExchangeRequest.objects.select_for_update().get(pk=exchange_id)
    if exchange.status == ExchangeRequest.Status.ANSWERED:
        raise NotNow("This request has already been answered.")
    if not rules.may_answer_exchange(user, exchange):
        raise PermissionDenied("Only someone working on the case can answer, once it is recorded.")
    assert exchange.to_request is not None
    decision = current_decision(exchange.to_request)
    record = rules.standing_share_record(exchange)
    assert decision is not None and record is not None
    delivery = None
    if record.shared:
        delivery = deliver(
            user=user,
            decision=decision,
            record=record,
            to_organisation=exchange.from_organisation,
            exchange=exchange,
            to_case=exchange.from_case,
        )
    elif not reasons.strip() or may_ask_again is None:
        raise NotNow("Write your reasons and say whether they may ask again.")
    answer = ExchangeAnswer(
        exchange_request=exchange,
        decision=decision,
        shared=record.shared,
        delivery=delivery,
        reasons="" if record.shared else reasons.strip(),
        may_ask_again=None if record.shared else may_ask_again,
        answered_by=user,
    )
    answer.full_clean()
    answer.save()
    exchange.status = ExchangeRequest.Status.ANSWERED
    changed_by(exchange, user)
    exchange.save(update_fields=["status"])
    record_event(
        AuditEntry.Action.EXCHANGE_ANSWERED,
        user=user,
        obj=exchange,
        shared=record.shared,
        may_ask_again=answer.may_ask_again,
    )
    transaction.on_commit(lambda: notify.answer_arrived(exchange))
    return answer


@transaction.atomic
def exchange_tell(*, user: User, decision: Decision, to_organisation: Organisation) -> Delivery:
    """Proactive sharing: deliver what the share record says was shared into another
    organisation's inbox of received information, where someone there files it."""
    if not rules.may_tell(user, decision):
        raise PermissionDenied("Only someone working on the case can deliver what was shared.")
    if not rules.askable_organisations(user, decision.organisation_id).filter(
        pk=to_organisation.pk
    ).exists():
        raise PermissionDenied("Deliver to an organisation in the directory, other than yours.")
    record = decision.share_record
    if record.deliveries.filter(to_organisation=to_organisation).exists():
        raise NotNow(f"This was already delivered to {to_organisation.name}.")
    delivery = deliver(user=user, decision=decision, record=record, to_organisation=to_organisation)
    transaction.on_commit(lambda: notify.delivery_arrived(delivery))
    return delivery
