"""Copy the framework files into the database: run after every ``migrate``.

New versions are inserted (and published: a file in the repository has been reviewed like
code). A version already in the database is left alone when its content is the same; when it
differs, the sync stops with a message that says to bump the version, because a published
version must never change under the decisions that cite it. Running it again is a no-op.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from guidance.frameworks import FRAMEWORKS_DIR, DefinitionError, load_definitions
from guidance.models import Framework, FrameworkVersion, content_hash, version_key


class SyncError(CommandError):
    """The framework files cannot be synced.

    A ``CommandError``, so that ``manage.py migrate`` prints the one-line reason, not a
    traceback.
    """


@dataclass
class SyncReport:
    added: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def sync_frameworks(
    *,
    using: str = "default",
    directory: Path = FRAMEWORKS_DIR,
    framework_model: Any = None,
    version_model: Any = None,
) -> SyncReport:
    """Insert the framework versions found in ``directory`` that the database lacks.

    The models can be passed in (the post-migrate handler passes the migration state's).
    """
    if framework_model is None or version_model is None:
        framework_model, version_model = Framework, FrameworkVersion
    try:
        definitions = load_definitions(directory)
    except DefinitionError as exc:
        raise SyncError(f"cannot load the framework files: {exc}") from None
    # Oldest first, so that the newest version of a framework sets its title.
    definitions.sort(key=lambda d: (d["slug"], d["effective_date"], version_key(d["version"])))
    report = SyncReport()
    with transaction.atomic(using=using):
        for definition in definitions:
            name = f"{definition['slug']} {definition['version']}"
            described = {key: definition[key] for key in ("title", "short_title", "jurisdiction")}
            framework, created = framework_model.objects.using(using).get_or_create(
                slug=definition["slug"], defaults=described
            )
            if not created and any(getattr(framework, k) != v for k, v in described.items()):
                for key, value in described.items():
                    setattr(framework, key, value)
                framework.save(using=using)
            digest = content_hash(definition)
            stored = (
                version_model.objects.using(using)
                .filter(framework=framework, version=definition["version"])
                .first()
            )
            if stored is None:
                version_model.objects.using(using).create(
                    framework=framework,
                    version=definition["version"],
                    effective_date=date.fromisoformat(definition["effective_date"]),
                    definition=definition,
                    sources=definition["sources"],
                    content_hash=digest,
                    published_at=timezone.now(),
                )
                report.added.append(name)
            elif stored.content_hash != digest:
                raise SyncError(
                    f"framework {name}: the file fixtures/frameworks/{definition['slug']}/"
                    f"{definition['version']}.json differs from the version already in the "
                    "database, and a stored version is never changed. Bump the version "
                    "(new file, new version number) instead of editing this one."
                )
            else:
                report.unchanged.append(name)
    return report
