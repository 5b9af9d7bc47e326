"""Frameworks as versioned data in the database.

The JSON files in ``fixtures/frameworks`` are the source; ``guidance.sync`` copies them into
these tables after every ``migrate``. A *published* version is never changed again: decisions
name the exact version they were made under, so that version must read the same for ever. A
change to the guidance is a new version.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from guidance.frameworks import DefinitionError, validate_definition


def content_hash(definition: dict[str, Any]) -> str:
    """SHA-256 of the definition's canonical JSON (key order and spacing do not count)."""
    canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def version_key(version: str) -> tuple[int, ...]:
    """``"1.10.0"`` -> ``(1, 10, 0)``, so versions sort as numbers."""
    return tuple(int(part) for part in version.split("."))


def next_patch(version: str) -> str:
    major, minor, patch = version_key(version)
    return f"{major}.{minor}.{patch + 1}"


class PublishedVersionError(ValidationError):
    """Someone tried to change or delete a published framework version."""


class Framework(models.Model):
    slug = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=300)
    short_title = models.CharField(max_length=60, blank=True)
    jurisdiction = models.CharField(max_length=120)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.short_title or self.slug


class FrameworkVersion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    version = models.CharField(max_length=20)
    effective_date = models.DateField()
    definition = models.JSONField(help_text="The whole framework definition (validated JSON).")
    sources = models.JSONField(default=list, blank=True)
    content_hash = models.CharField(max_length=64, editable=False)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Once published, a version is read-only: decisions refer to it by number.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["framework__slug", "-effective_date", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "version"], name="guidance_unique_framework_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.framework.slug} {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The row's own columns always mirror the definition they belong to.
        self.version = self.definition["version"]
        self.effective_date = date.fromisoformat(self.definition["effective_date"])
        self.sources = self.definition["sources"]
        self.content_hash = content_hash(self.definition)
        if self.pk is not None:
            stored = (
                type(self)
                .objects.filter(pk=self.pk)
                .values("content_hash", "framework_id", "published_at")
                .first()
            )
            if stored and stored["published_at"] is not None and stored != {
                "content_hash": self.content_hash,
                "framework_id": self.framework_id,
                "published_at": self.published_at,
            }:
                raise PublishedVersionError(
                    f"{self} is published and cannot be changed: create a new version instead"
                )
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def clean(self) -> None:
        try:
            validate_definition(self.definition)
        except DefinitionError as exc:
            raise ValidationError({"definition": str(exc)}) from None
        if self.pk and self.version and self.definition["version"] != self.version:
            raise ValidationError(
                {"definition": f"version must stay {self.version!r}; save a new version instead"}
            )
        if self.framework_id and self.definition["slug"] != self.framework.slug:
            raise ValidationError(
                {"definition": f"slug must be {self.framework.slug!r}, the framework's own"}
            )

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.is_published:
            raise PublishedVersionError(f"{self} is published and cannot be deleted")
        return super().delete(*args, **kwargs)
