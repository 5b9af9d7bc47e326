"""Bulk writes for generated data: keeping given times, and the history rows
django-simple-history would have written."""

from __future__ import annotations

from typing import Any, cast

from django.apps import apps
from django.db import models

from decisions.models import Case, Person, ShareRequest

BATCH = 2000


def bulk_create_keeping(
    model: type[models.Model], objs: list[Any], auto_now_field: str
) -> None:
    """bulk_create, keeping the given values of an auto_now field (it would say "now")."""
    model_field = cast(models.DateTimeField, model._meta.get_field(auto_now_field))
    model_field.auto_now = False
    try:
        model._default_manager.bulk_create(objs, batch_size=BATCH)
    finally:
        model_field.auto_now = True


def history_rows(
    cases: list[Case], assigned: list[Any], people: list[Person], requests: list[ShareRequest]
) -> None:
    """The "created" row django-simple-history would have written for each record."""
    historical_cases = []
    by_case = {}
    for model, objs, user_of in (
        (Case, cases, lambda obj: obj.created_by_id),
        (Person, people, lambda obj: obj.case.created_by_id),
        (ShareRequest, requests, lambda obj: obj.opened_by_id),
    ):
        history_model = model.history.model
        tracked = {f.attname for f in history_model._meta.concrete_fields}
        names = [f.attname for f in model._meta.concrete_fields if f.attname in tracked]
        rows = []
        for obj in objs:
            row = history_model(
                history_date=obj.created_at,
                history_type="+",
                history_user_id=user_of(obj),
                **{name: getattr(obj, name) for name in names},
            )
            rows.append(row)
            if model is Case:
                by_case[obj.pk] = row
        history_model.objects.bulk_create(rows, batch_size=BATCH)
        if model is Case:
            historical_cases = rows
    if historical_cases:
        m2m_model = apps.get_model("decisions", "HistoricalCase_assigned")
        m2m_model.objects.bulk_create(
            [
                m2m_model(
                    history=by_case[link.case_id],
                    id=link.pk,
                    case_id=link.case_id,
                    user_id=link.user_id,
                )
                for link in assigned
            ],
            batch_size=BATCH,
        )
