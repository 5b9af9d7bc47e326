"""Rows written once and never changed: decisions, verdicts, share records, the audit log."""

from typing import Any, NoReturn

from django.db import models


class ImmutableQuerySet(models.QuerySet):
    """Bulk UPDATE and DELETE are refused; the database triggers refuse them too."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise ImmutableRecordError(f"{self.model.__name__} records cannot be changed")

    def delete(self) -> NoReturn:
        raise ImmutableRecordError(f"{self.model.__name__} records cannot be deleted")


class ImmutableRecordError(Exception):
    pass


class ImmutableModel(models.Model):
    """A row written once and never changed or deleted, by code or admin."""

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ImmutableRecordError(f"{type(self).__name__} records cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ImmutableRecordError(f"{type(self).__name__} records cannot be deleted")
