"""Every write a report figure counts forgets the kept months it reaches (`reports.store`), so
that the next report counts them again.

A month is reached through the dates that put a record in a report's months: a request's
day received and day due (and, when the day received moves, the months of its decisions,
whose time since the request is counted), a decision's time and its request's day due, a
verdict's time, the day information was shared, a follow-up's day due, a complaint's day
received, an exchange's time asked (for both organisations). A record that changes is
looked at before and after, as it may move from one month to another. The months are
forgotten at once and again when the transaction commits: a report counted meanwhile, which
could not see the write, may have kept them in between.

Writes that send no signal (bulk inserts, `QuerySet.update`) forget nothing: the volume
generator forgets its organisations' months itself, and the app's updates change no date or
status a figure counts (erasure, reminders).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from decisions.models import (
    Approval,
    Complaint,
    Decision,
    ExchangeRequest,
    FollowUp,
    ShareRecord,
    ShareRequest,
)
from decisions.reports import store
from decisions.reports.period import month_start
from isg.accounts.models import Organisation

Touched = set[tuple[int, datetime.date]]  # (organisation id, month)

# The records that change after they are written, and the fields that place them in months.
CHANGING: dict[type[Model], tuple[str, ...]] = {
    ShareRequest: ("organisation", "case", "received_on", "due_on"),
    FollowUp: ("case", "due_on"),
    ExchangeRequest: ("from_organisation", "to_organisation", "asked_at"),
}


def months_touched(record: Model) -> Touched:
    """The (organisation, month) pairs of a report that this record counts in."""
    if isinstance(record, ShareRequest):
        return _in(record.organisation_id, record.received_on, record.due_on)
    if isinstance(record, FollowUp):
        return _in(record.case.organisation_id, record.due_on)
    if isinstance(record, ExchangeRequest):
        return _in(record.from_organisation_id, record.asked_at) | _in(
            record.to_organisation_id, record.asked_at
        )
    if isinstance(record, Decision):
        return _in(record.organisation_id, record.decided_at, record.share_request.due_on)
    if isinstance(record, Approval):
        return _in(record.decision.organisation_id, record.created_at)
    if isinstance(record, ShareRecord):
        return _in(record.decision.organisation_id, record.shared_on)
    if isinstance(record, Complaint):
        return _in(record.organisation_id, record.received_on)
    raise TypeError(f"{type(record).__name__} is not counted in reports")


def _in(organisation_id: int | None, *moments: datetime.date | None) -> Touched:
    if organisation_id is None:
        return set()
    return {(organisation_id, _month(moment)) for moment in moments if moment is not None}


def _month(moment: datetime.date) -> datetime.date:
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment).date()
    return month_start(moment)


def _before(sender: type[Model], record: Model, update_fields: Any) -> Touched:
    """Where the record counted before this save (nothing if new, or if the save writes none
    of the fields that place it)."""
    watched = CHANGING[sender]
    if record._state.adding or (
        update_fields is not None
        and not {f.removesuffix("_id") for f in update_fields} & set(watched)
    ):
        return set()
    old = sender._default_manager.filter(pk=record.pk).first()
    if old is None:
        return set()
    touched = months_touched(old)
    if isinstance(old, ShareRequest) and isinstance(record, ShareRequest):
        if old.received_on != record.received_on:
            decided = Decision.objects.filter(share_request=old, supersedes__isnull=True)
            touched |= _in(old.organisation_id, *decided.values_list("decided_at", flat=True))
    return touched


def forget(touched: Touched) -> None:
    """Forget the kept months now, and again once the write is committed."""
    by_organisation: dict[int, set[datetime.date]] = defaultdict(set)
    for organisation_id, month in touched:
        by_organisation[organisation_id].add(month)

    def run() -> None:
        for organisation_id, months in by_organisation.items():
            store.forget(organisation_id, months)

    if by_organisation:
        run()
        transaction.on_commit(run)


@receiver(pre_save, sender=ShareRequest)
@receiver(pre_save, sender=FollowUp)
@receiver(pre_save, sender=ExchangeRequest)
def look_before(sender: type[Model], instance: Model, update_fields: Any = None, **_: Any) -> None:
    instance._report_months_before = _before(sender, instance, update_fields)  # type: ignore[attr-defined]


@receiver(post_save, sender=ShareRequest)
@receiver(post_save, sender=FollowUp)
@receiver(post_save, sender=ExchangeRequest)
@receiver(post_save, sender=Decision)
@receiver(post_save, sender=Approval)
@receiver(post_save, sender=ShareRecord)
@receiver(post_save, sender=Complaint)
def forget_after_save(sender: type[Model], instance: Model, **_: Any) -> None:
    before: Touched = getattr(instance, "_report_months_before", set())
    forget(before | months_touched(instance))


@receiver(post_delete, sender=ShareRequest)
@receiver(post_delete, sender=FollowUp)
@receiver(post_delete, sender=ExchangeRequest)
def forget_after_delete(sender: type[Model], instance: Model, **_: Any) -> None:
    forget(months_touched(instance))


@receiver(pre_save, sender=Organisation)
def forget_on_rename(sender: type[Organisation], instance: Organisation, **_: Any) -> None:
    """Other organisations' exchange figures show this one by name."""
    if instance.pk is None:
        return
    old_name = Organisation.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    if old_name is not None and old_name != instance.name:
        store.forget_all()
        transaction.on_commit(store.forget_all)
