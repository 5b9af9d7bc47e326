"""The clock set back, for writing demo history through the services: `clock_at(moment)`.

Every service stamps its rows and audit entries with `django.utils.timezone.now()` (directly,
through model field defaults such as `default=timezone.now`, `auto_now`, `localdate()` and
simple-history's dates). All of them end in the one call `datetime.now(tz=...)` inside
`django.utils.timezone`; inside `clock_at`, that name answers the moment given. Nothing in
the services changes, and nothing else is touched: `time.time()`, the standard library's own
`datetime.now()` and the database's clock keep the real time.

For seeding only, in one thread (a management command): never in a request.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator

from django.utils import timezone as django_timezone

_REAL = datetime.datetime


class _SameClass(type):
    # django.utils.timezone also asks `isinstance(value, datetime)`: real datetimes still are.
    def __instancecheck__(cls, instance: object) -> bool:
        return isinstance(instance, _REAL)

    def __subclasscheck__(cls, subclass: type) -> bool:
        return issubclass(subclass, _REAL)


def _frozen(moment: datetime.datetime) -> type:
    class FrozenDatetime(_REAL, metaclass=_SameClass):
        @classmethod
        def now(cls, tz: datetime.tzinfo | None = None) -> datetime.datetime:  # type: ignore[override]
            return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)

    return FrozenDatetime


@contextlib.contextmanager
def clock_at(moment: datetime.datetime) -> Iterator[datetime.datetime]:
    """`timezone.now()` is `moment` (an aware datetime) inside the block."""
    if django_timezone.is_naive(moment):
        raise ValueError("clock_at needs an aware datetime")
    saved = django_timezone.datetime  # type: ignore[attr-defined]
    setattr(django_timezone, "datetime", _frozen(moment))  # noqa: B010 - not in the stubs
    try:
        yield moment
    finally:
        setattr(django_timezone, "datetime", saved)  # noqa: B010
