"""Model fields whose values are stored sealed under the row's data key (see sealing.py).

The model's code sees plain values: reading the attribute opens the stored value, and saving
(`pre_save`, bulk_create included) seals a plain one. A model with sealed fields says whose
key it is under with `sealing_scope()`. The fields deconstruct as the plain Django field they
extend: the column's type does not change, only what is written into it.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from decisions.models import sealing


class SealedAttribute(DeferredAttribute):
    """A data descriptor, so that reading goes through `__get__` even once loaded."""

    field: Any

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        raw = super().__get__(instance, cls)
        return self.field.open_value(instance, raw)

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class SealedMixin:
    descriptor_class = SealedAttribute
    attname: str
    name: str
    model: Any

    def aad(self, scope: str) -> str:
        return sealing.field_aad(scope, self.model._meta.label_lower, self.name)

    def _encode(self, value: Any) -> str:
        return value

    def _decode(self, text: str) -> Any:
        return text

    def _erased(self) -> Any:
        return sealing.ERASED_TEXT

    def open_value(self, instance: Any, raw: Any) -> Any:
        if not sealing.is_sealed(raw):
            return raw
        scope = instance.sealing_scope()
        text = sealing.unseal(scope, raw, self.aad(scope))
        if text == sealing.ERASED_TEXT:
            return self._erased()
        return self._decode(text)

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        raw = model_instance.__dict__.get(self.attname)
        if raw is None or sealing.is_sealed(raw) or raw in ("", {}, []):
            return raw
        scope = model_instance.sealing_scope()
        return sealing.seal(scope, self._encode(raw), self.aad(scope))

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()  # type: ignore[misc]
        base = type(self).__mro__[2]  # the Django field after this mixin
        return name, f"django.db.models.{base.__name__}", args, kwargs


class SealedTextField(SealedMixin, models.TextField):
    pass


class SealedJSONField(SealedMixin, models.JSONField):
    """A JSON value sealed as text; the column holds a JSON string. Erased: the default."""

    def _encode(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, cls=self.encoder)

    def _decode(self, text: str) -> Any:
        return json.loads(text)

    def _erased(self) -> Any:
        return self.get_default()
