"""Field-by-field history of the mutable records (django-simple-history), for display.

`changes_of(obj)` reads the object's history in a fixed number of queries, whatever its
length: the history rows (with their users), one query per many-to-many field, and one
for the names of the users that appear in those fields.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from simple_history import utils as history_utils

from decisions.models import Case, ExchangeRequest, FollowUp, Person, ShareRequest
from isg.accounts.models import User

BLANK = "(blank)"
EDIT_WINDOW = datetime.timedelta(seconds=5)
# Set by the services themselves, not typed by anyone: "is closed" already says it.
DERIVED_FIELDS = ("closed_at", "erased_at")

# The records with a django-simple-history `history` (HistoricalRecords on the model).
Tracked = Case | Person | ShareRequest | FollowUp | ExchangeRequest


def changed_by(obj: Tracked, user: User) -> None:
    """Name `user` as the author of the history row that `obj`'s next save writes."""
    obj._history_user = user  # type: ignore[union-attr]  # read by simple-history on save


def save_validated(obj: Tracked, user: User) -> None:
    """Validate `obj` (every model rule, not only the database's) and save it, `user` named
    as the author of the history row the save writes."""
    changed_by(obj, user)
    obj.full_clean()
    obj.save()


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEvent:
    when: datetime.datetime
    who: str
    created: bool
    changes: list[FieldChange] = field(default_factory=list)


def _display(model_field: models.Field[Any, Any], value: Any, users: dict[Any, str]) -> str:
    if value is None or value == "":
        return BLANK
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j F Y, H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if isinstance(model_field, models.ForeignKey) and model_field.related_model is get_user_model():
        return users.get(value, str(value))
    return str(value)


def _names(pks: set[str]) -> str:
    return ", ".join(sorted(pks)) if pks else "Nobody"


def _edits(records: list) -> list[list]:
    """History rows grouped into edits.

    One save writes several rows: the fields, then one per many-to-many change
    (`assigned.set()` removes, then adds). Rows by the same user within a few
    seconds of the first are one edit, so the page says "from A to B" once.
    """
    groups: list[list] = []
    for record in records:
        if groups:
            first = groups[-1][0]
            same_user = first.history_user_id == record.history_user_id
            if same_user and record.history_date - first.history_date <= EDIT_WINDOW:
                groups[-1].append(record)
                continue
        groups.append([record])
    return groups


def changes_of(obj: Tracked) -> list[HistoryEvent]:
    """What changed on `obj`, oldest first: one event per saved change, with from and to."""
    records = list(obj.history.select_related("history_user").order_by("history_date", "pk"))
    if not records:
        return []
    model = type(obj)
    m2m_fields = list(records[0]._history_m2m_fields)
    m2m_names = {m2m.name for m2m in m2m_fields}

    # Members of each many-to-many field at each history row: one query per field.
    members: dict[str, dict[int, set]] = {}
    user_pks: set = set()
    for m2m in m2m_fields:
        through = getattr(records[0], m2m.name).model
        target = history_utils.get_m2m_reverse_field_name(m2m)
        per_record: dict[int, set] = {record.pk: set() for record in records}
        rows = through.objects.filter(history__in=[r.pk for r in records])
        for history_id, pk in rows.values_list("history_id", f"{target}_id"):
            per_record[history_id].add(pk)
            if m2m.related_model is get_user_model():
                user_pks.add(pk)
        members[m2m.name] = per_record

    user_fields = [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.related_model is get_user_model()
    ]
    for record in records:
        user_pks.update(getattr(record, name) for name in user_fields)
    user_pks.discard(None)
    users = {
        user.pk: user.display_name if hasattr(user, "display_name") else str(user)
        for user in get_user_model().objects.filter(pk__in=user_pks)
    }

    events = []
    previous = None
    for group in _edits(records):
        record = group[-1]
        who = record.history_user.display_name if record.history_user else "the system"
        if previous is None:
            events.append(HistoryEvent(group[0].history_date, who, created=True))
            previous = record
            continue
        event = HistoryEvent(group[0].history_date, who, created=False)
        delta = record.diff_against(previous, excluded_fields=[*m2m_names, *DERIVED_FIELDS])
        for change in delta.changes:
            # diff_against compares concrete fields only: never a relation's other side.
            model_field = cast("models.Field[Any, Any]", model._meta.get_field(change.field))
            event.changes.append(
                FieldChange(
                    str(model_field.verbose_name).capitalize(),
                    _display(model_field, change.old, users),
                    _display(model_field, change.new, users),
                )
            )
        for m2m in m2m_fields:
            old, new = members[m2m.name][previous.pk], members[m2m.name][record.pk]
            if old != new:
                event.changes.append(
                    FieldChange(
                        str(m2m.verbose_name).capitalize(),
                        _names({users.get(pk, str(pk)) for pk in old}),
                        _names({users.get(pk, str(pk)) for pk in new}),
                    )
                )
        if event.changes:
            events.append(event)
        previous = record
    return events
