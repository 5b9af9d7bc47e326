"""Where the rest of the app gets framework definitions from.

Definitions live in the database (``guidance.models``), synced from ``fixtures/frameworks``
after every ``migrate``; only published versions are served. Decisions store the framework
slug and version they were made under; ``definition`` returns exactly that version so an old
record still reads as it was decided.

The published versions are cached per process. Saving or deleting a version in this process
clears the cache; other processes notice a new version within ``RECHECK_SECONDS`` (a cheap
count/max query), and an exact ``(slug, version)`` the cache lacks is looked up at once.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from django.db.models import Count, Max, QuerySet

from guidance.frameworks import DefinitionError
from guidance.models import FrameworkVersion

RECHECK_SECONDS = 30.0


class UnknownFramework(LookupError):
    pass


_lock = threading.Lock()
_cache: dict[str, Any] = {"definitions": None, "fingerprint": None, "checked": 0.0}


def _published() -> QuerySet[FrameworkVersion]:
    return FrameworkVersion.objects.filter(published_at__isnull=False)


def _fingerprint() -> tuple[Any, ...]:
    stats = _published().aggregate(n=Count("id"), last=Max("id"))
    return (stats["n"], stats["last"])


def _all() -> dict[tuple[str, str], dict[str, Any]]:
    now = time.monotonic()
    with _lock:
        definitions = _cache["definitions"]
        if definitions is not None and now - _cache["checked"] < RECHECK_SECONDS:
            return definitions
        fingerprint = _fingerprint()
        if definitions is None or fingerprint != _cache["fingerprint"]:
            definitions = {
                (slug, version): definition
                for slug, version, definition in _published().values_list(
                    "framework__slug", "version", "definition"
                )
            }
        _cache.update(definitions=definitions, fingerprint=fingerprint, checked=now)
        return definitions


def clear_cache() -> None:
    """Forget the cached definitions (called when a version is saved or deleted)."""
    with _lock:
        _cache.update(definitions=None, fingerprint=None, checked=0.0)


def definition(slug: str, version: str | None = None) -> dict[str, Any]:
    """The framework definition for `slug` at `version` (the latest if version is None)."""
    if version is not None:
        found = _all().get((slug, version))
        if found is None:
            found = (
                _published()
                .filter(framework__slug=slug, version=version)
                .values_list("definition", flat=True)
                .first()
            )
        if found is not None:
            return found
    versions = [d for (s, _), d in _all().items() if s == slug]
    if not versions:
        raise UnknownFramework(f"unknown framework {slug!r}")
    if version is None:
        return max(versions, key=lambda d: (d["effective_date"], _key(d["version"])))
    raise UnknownFramework(f"framework {slug!r} has no version {version!r}")


def versions(slug: str) -> list[dict[str, Any]]:
    """Every published version of one framework, newest first."""
    found = [d for (s, _), d in _all().items() if s == slug]
    if not found:
        raise UnknownFramework(f"unknown framework {slug!r}")
    return sorted(found, key=lambda d: (d["effective_date"], _key(d["version"])), reverse=True)


def latest() -> list[dict[str, Any]]:
    """The newest version of every framework, ordered by title."""
    slugs = sorted({slug for slug, _ in _all()})
    return sorted((definition(slug) for slug in slugs), key=lambda d: d["title"])


def choices() -> list[tuple[str, str]]:
    return [(d["slug"], d["title"]) for d in latest()]


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


__all__ = [
    "DefinitionError",
    "UnknownFramework",
    "choices",
    "clear_cache",
    "definition",
    "latest",
    "versions",
]
