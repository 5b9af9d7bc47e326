"""Rows written once and never changed: decisions, verdicts, share records, the audit log;
and the fields every model uses for the person who did something (`required_user`) or may
have (`optional_user`)."""

from typing import Any, NoReturn

from django.conf import settings
from django.db import models

from isg.accounts.models import User


def required_user() -> "models.ForeignKey[User, User]":
    """The user who did what the row records (asked, decided, filed...), kept for the record:
    never deleted from under the row (PROTECT), with no reverse accessor on User."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


def optional_user() -> Any:
    """A user who may be absent (no one yet, or a system action), kept for the record: never
    deleted from under the row (PROTECT), with no reverse accessor on User."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )


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
