"""What a report keeps between looks, and what says it is out of date.

- The months that have ended, counted once (`ReportMonth`, one row an organisation and
  month): a report counts only this month and any ended month a change has reached since
  (`reports.receivers` deletes the rows of the months a write reaches). So the first look at
  a year's report after a change costs a month's counting, not a year's.
- The organisation's data version, which keys the whole report in the cache
  (`reports.selectors.report`).
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from decisions.models import AuditEntry, ExchangeRequest, ReportMonth
from decisions.reports import months
from decisions.reports.counts import framework_titles
from decisions.reports.figures import Figure, Series
from decisions.reports.period import Period, month_start
from isg.accounts.models import Organisation

# Raise it when what a figure counts changes: the months kept before are counted again.
COUNTING = 1

# Audit actions that record no change to anything a figure counts: signing in and out,
# looking, downloading, two-factor. Any other action (one added later too) means a recount.
NOT_COUNTED = (
    AuditEntry.Action.SIGNED_IN,
    AuditEntry.Action.SIGN_IN_FAILED,
    AuditEntry.Action.SIGNED_OUT,
    AuditEntry.Action.LOCKED_OUT,
    AuditEntry.Action.RECORD_VIEWED,
    AuditEntry.Action.EXPORTED,
    AuditEntry.Action.PDF_DOWNLOADED,
    AuditEntry.Action.DISCLOSURE_LOG,
    AuditEntry.Action.TWO_FACTOR_ENABLED,
    AuditEntry.Action.TWO_FACTOR_RESET,
    AuditEntry.Action.RECOVERY_CODES_GENERATED,
)


def data_version(organisation: Organisation) -> tuple[int, int]:
    """What moves whenever a figure may: the organisation's latest audit entry of a change
    (every write a figure counts is audited in the organisation's own log; views and
    sign-ins, the most frequent entries, are passed over) and the number of requests other
    organisations have sent it (those are audited in the sender's log). Two indexed reads."""
    latest = (
        AuditEntry.objects.filter(organisation=organisation)
        .exclude(action__in=NOT_COUNTED)
        .order_by("-sequence")
        .values_list("sequence", flat=True)
        .first()
    )
    incoming = ExchangeRequest.objects.filter(to_organisation=organisation).count()
    return latest or 0, incoming


def basis() -> str:
    """What kept months were counted by: the code's way of counting, the time zone that puts
    records in months and the frameworks' names. A month kept on another basis is counted
    again."""
    names = json.dumps(sorted(framework_titles().items()))
    digest = hashlib.sha256(f"{timezone.get_current_timezone_name()}|{names}".encode())
    return f"{COUNTING}:{digest.hexdigest()[:32]}"


def figures(
    organisation: Organisation, period: Period, today: datetime.date, version: tuple[int, int]
) -> list[Figure]:
    """Every figure of the period: ended months from what is kept, the rest counted (and the
    ended ones among them kept). `version` is the data version read before counting: if it
    has moved by the time the counted months are kept, a change may have been missed, so
    they are not kept."""
    this_month = month_start(today)
    on = basis()
    kept = {
        row.month: _decode(row.figures)
        for row in ReportMonth.objects.filter(
            organisation=organisation,
            month__in=[m for m in period.months if m < this_month],
            basis=on,
        )
    }
    counted = months.count(organisation, [m for m in period.months if m not in kept])
    ended = {month: parts for month, parts in counted.items() if month < this_month}
    if ended:
        _keep(organisation, ended, on, version)
    return months.join([kept[m] if m in kept else counted[m] for m in period.months])


def forget(organisation_id: int, touched: Iterable[datetime.date]) -> None:
    """The kept months that a change has reached are counted again at the next look."""
    ReportMonth.objects.filter(organisation_id=organisation_id, month__in=set(touched)).delete()


def forget_all() -> None:
    """Every kept month, of every organisation (an organisation's name, shown in others'
    exchanges, has changed)."""
    ReportMonth.objects.all().delete()


def _keep(
    organisation: Organisation,
    ended: dict[datetime.date, months.Parts],
    on: str,
    version: tuple[int, int],
) -> None:
    # Kept, then checked: a change committed after the check deletes the rows itself
    # (reports.receivers, on commit); one committed before it shows in the version.
    ReportMonth.objects.bulk_create(
        [
            ReportMonth(organisation=organisation, month=month, basis=on, figures=_encode(parts))
            for month, parts in ended.items()
        ],
        update_conflicts=True,
        unique_fields=["organisation", "month"],
        update_fields=["basis", "figures", "counted_at"],
    )
    if data_version(organisation) != version:
        forget(organisation.pk, ended)


def _encode(parts: months.Parts) -> list[dict[str, Any]]:
    return [dataclasses.asdict(figure) for figure in parts]


def _decode(stored: list[dict[str, Any]]) -> months.Parts:
    return [
        Figure(**{**figure, "series": [Series(**s) for s in figure["series"]]})
        for figure in stored
    ]
