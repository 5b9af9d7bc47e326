"""Who may see or do what in an exchange between organisations: one function per rule.

Each side sees its own half. The sender sees its request, the answer and the deliveries on
its case; the recipient sees the request itself (who asks, why, what, by when), never the
sender's case. A delivery is read by those granted it (django-guardian) and by the
recipient's managers and leads. Anything else is a 404, never a 403.
"""

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from decisions.cases.selectors import can_write_case, cases_for, current_decision
from decisions.models import (
    Decision,
    Delivery,
    DeliveryUserObjectPermission,
    DirectoryEntry,
    ExchangeRequest,
    ShareRecord,
)
from isg.accounts.models import Organisation, Role, User
from isg.accounts.roles import has_role, organisations_where

DESK = (Role.PRACTITIONER, Role.MANAGER)  # who takes, answers, files and acknowledges
READERS = (Role.PRACTITIONER, Role.MANAGER, Role.LEAD)
DUTY = (Role.MANAGER, Role.LEAD)  # who reads every delivery to the organisation
ACKNOWLEDGE_WITHIN_DAYS = 2  # a delivery not acknowledged after this is chased
OVERDUE_ROWS = 50


# --- The directory ----------------------------------------------------------------------------


def directory() -> QuerySet[DirectoryEntry]:
    return DirectoryEntry.objects.filter(listed=True).select_related("organisation")


def may_use_directory(user: User) -> bool:
    return bool(organisations_where(user, READERS))


def askable_organisations(user: User, case_organisation_id: int) -> QuerySet[Organisation]:
    """Organisations in the directory a case of `case_organisation_id` may ask: not itself."""
    return Organisation.objects.filter(directory_entry__listed=True).exclude(
        pk=case_organisation_id
    )


# --- Requests: the sender's half --------------------------------------------------------------


def sent_for(user: User) -> QuerySet[ExchangeRequest]:
    """Requests sent from cases the user may read."""
    return ExchangeRequest.objects.filter(from_case__in=cases_for(user))


def get_sent_for(user: User, exchange_id: Any) -> ExchangeRequest:
    try:
        return sent_for(user).select_related("from_case", "to_organisation", "asked_by").get(
            pk=exchange_id
        )
    except (ExchangeRequest.DoesNotExist, ValueError) as exc:
        raise Http404("No such request") from exc


def may_ask(user: User, case_id: Any) -> bool:
    """Someone who may change the case asks another organisation about it."""
    return can_write_case(user, case_id)


# --- Requests: the recipient's half -----------------------------------------------------------


def incoming_for(user: User) -> QuerySet[ExchangeRequest]:
    """Requests to the organisations where the user practises, manages or leads."""
    return ExchangeRequest.objects.filter(to_organisation_id__in=organisations_where(user, READERS))


def get_incoming_for(user: User, exchange_id: Any) -> ExchangeRequest:
    try:
        return incoming_for(user).select_related(
            "from_organisation", "asked_by", "taken_by", "to_request"
        ).get(pk=exchange_id)
    except (ExchangeRequest.DoesNotExist, ValueError) as exc:
        raise Http404("No such request") from exc


def may_take(user: User, exchange: ExchangeRequest) -> bool:
    """A practitioner or manager of the recipient takes a request nobody has taken yet."""
    return exchange.status == ExchangeRequest.Status.SENT and has_role(
        user, exchange.to_organisation_id, DESK
    )


def standing_share_record(exchange: ExchangeRequest) -> ShareRecord | None:
    """What the recipient's own record says happened under its standing decision, if anything."""
    if exchange.to_request is None:
        return None
    decision = current_decision(exchange.to_request)
    return getattr(decision, "share_record", None) if decision else None


def may_answer_exchange(user: User, exchange: ExchangeRequest) -> bool:
    """Someone working on the recipient's case answers, once its share record is written."""
    return (
        exchange.status == ExchangeRequest.Status.TAKEN
        and exchange.to_request is not None
        and can_write_case(user, exchange.to_request.case_id)
        and standing_share_record(exchange) is not None
    )


# --- Deliveries -------------------------------------------------------------------------------


def granted_deliveries(user: User) -> QuerySet[DeliveryUserObjectPermission]:
    return DeliveryUserObjectPermission.objects.filter(
        user=user, permission__codename="view_delivery"
    )


def received_for(user: User) -> QuerySet[Delivery]:
    """Deliveries the user may read as recipient: granted by name, or the duty of the
    recipient's managers and leads. Never the sender's case beyond what was delivered."""
    if not user.is_authenticated:
        return Delivery.objects.none()
    granted = granted_deliveries(user).values("content_object_id")
    return Delivery.objects.filter(
        Q(pk__in=granted) | Q(to_organisation_id__in=organisations_where(user, DUTY))
    )


def sent_deliveries_for(user: User) -> QuerySet[Delivery]:
    """Deliveries from decisions on cases the user may read: the sender's own record."""
    return Delivery.objects.filter(decision__case__in=cases_for(user))


def get_delivery_for(user: User, delivery_id: Any) -> Delivery:
    visible = Q(pk__in=received_for(user).values("pk")) | Q(
        pk__in=sent_deliveries_for(user).values("pk")
    )
    try:
        return (
            Delivery.objects.filter(visible)
            .select_related(
                "from_organisation", "to_organisation", "to_case", "delivered_by", "decision"
            )
            .get(pk=delivery_id)
        )
    except (Delivery.DoesNotExist, ValueError) as exc:
        raise Http404("No such delivery") from exc


def is_recipient(user: User, delivery: Delivery) -> bool:
    return received_for(user).filter(pk=delivery.pk).exists()


def may_acknowledge(user: User, delivery: Delivery) -> bool:
    """A practitioner or manager of the recipient who may read it; once."""
    return (
        not hasattr(delivery, "receipt")
        and has_role(user, delivery.to_organisation_id, DESK)
        and is_recipient(user, delivery)
    )


def may_file(user: User, delivery: Delivery) -> bool:
    """A told delivery waits in the inbox until a manager of the recipient files it."""
    return delivery.recipient_case is None and has_role(
        user, delivery.to_organisation_id, (Role.MANAGER,)
    )


def may_correct(user: User, delivery: Delivery) -> bool:
    """Someone who may change the sender's case records a correction."""
    return can_write_case(user, delivery.decision.case_id)


def inbox_for(user: User) -> QuerySet[Delivery]:
    """Told deliveries not filed yet, for the recipient's managers and leads."""
    return Delivery.objects.filter(
        to_organisation_id__in=organisations_where(user, DUTY),
        to_case__isnull=True,
        filing__isnull=True,
    ).select_related("from_organisation")


# --- Telling and complaints -------------------------------------------------------------------


def may_tell(user: User, decision: Decision) -> bool:
    """Someone on the case delivers what its share record says was shared, to the directory."""
    record = getattr(decision, "share_record", None)
    return (
        record is not None
        and record.shared
        and not hasattr(decision.share_request, "exchange")
        and can_write_case(user, decision.case_id)
    )


def may_complain(user: User, decision: Decision) -> bool:
    """The safeguarding lead of the decision's organisation keeps the complaints record."""
    return has_role(user, decision.organisation_id, (Role.LEAD,))


def overdue_request(today: datetime.date) -> Q:
    """A request past its due date and not answered yet: chased, and shown overdue."""
    return Q(status__in=ExchangeRequest.OPEN_STATUSES, due_on__lt=today)


def overdue_delivery(today: datetime.date) -> Q:
    """A delivery not acknowledged within ACKNOWLEDGE_WITHIN_DAYS: chased, and shown overdue.

    Delivered before the cutoff day began here, which is its local date falling before it: a
    comparison of the stored time itself, so the index on it serves and no row's time is
    converted (SQLite converted each with a Python function)."""
    cutoff = today - datetime.timedelta(days=ACKNOWLEDGE_WITHIN_DAYS)
    cutoff_began = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
    return Q(receipt__isnull=True, delivered_at__lt=cutoff_began)


def overdue_for(user: User) -> dict[str, list[Any]]:
    """What is late on either side, for the dashboard: requests past their due date and not
    answered (sent, and to us), and deliveries not acknowledged in time (sent, and to us)."""
    today = timezone.localdate()
    late, unacknowledged = overdue_request(today), overdue_delivery(today)
    return {
        "sent": list(
            sent_for(user).filter(late).select_related("to_organisation")[:OVERDUE_ROWS]
        ),
        "incoming": list(
            incoming_for(user).filter(late).select_related("from_organisation")[:OVERDUE_ROWS]
        ),
        "delivered": list(
            sent_deliveries_for(user)
            .filter(unacknowledged)
            .select_related("from_organisation")[:OVERDUE_ROWS]
        ),
        "received": list(
            received_for(user)
            .filter(unacknowledged)
            .select_related("from_organisation")[:OVERDUE_ROWS]
        ),
    }
