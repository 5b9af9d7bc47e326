"""Loading framework definitions (versioned JSON data) and validating them.

Each framework lives in ``fixtures/frameworks/<slug>/<version>.json``; every file is checked
by ``guidance.frameworks.validation`` when loaded. No Django import here: the models and admin
build on this package.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from guidance.frameworks.validation import DefinitionError, validate_definition

FRAMEWORKS_DIR: Path = Path(__file__).resolve().parents[2] / "fixtures" / "frameworks"




def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def load_definitions(directory: Path = FRAMEWORKS_DIR) -> list[dict[str, Any]]:
    """Every version of every framework under ``directory``, each validated.

    The file must sit at ``<slug>/<version>.json`` and agree with its own slug and version.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise DefinitionError(f"no framework directory at {directory}")
    definitions: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for path in sorted(directory.glob("*/*.json")):
        try:
            definition = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DefinitionError(f"{path}: cannot read JSON ({exc})") from exc
        try:
            validate_definition(definition)
        except DefinitionError as exc:
            raise DefinitionError(f"{path}: {exc}") from exc
        slug, version = definition["slug"], definition["version"]
        if slug != path.parent.name or version != path.stem:
            raise DefinitionError(
                f"{path}: file says {slug} {version}; expected {path.parent.name} {path.stem}"
            )
        if (slug, version) in seen:
            raise DefinitionError(f"{path}: duplicate version {version} of {slug}")
        seen.add((slug, version))
        definitions.append(definition)
    return definitions


def load_latest(directory: Path = FRAMEWORKS_DIR) -> dict[str, dict[str, Any]]:
    """slug -> the newest version (latest effective date, then highest version)."""
    latest: dict[str, dict[str, Any]] = {}
    for definition in load_definitions(directory):
        slug = definition["slug"]
        key = (definition["effective_date"], _version_key(definition["version"]))
        current = latest.get(slug)
        if current is None or key > (
            current["effective_date"],
            _version_key(current["version"]),
        ):
            latest[slug] = definition
    return dict(sorted(latest.items()))


def get(slug: str, directory: Path = FRAMEWORKS_DIR) -> dict[str, Any]:
    """The latest version of one framework."""
    latest = load_latest(directory)
    if slug not in latest:
        raise DefinitionError(f"unknown framework {slug!r} (known: {', '.join(latest)})")
    return latest[slug]


__all__ = [
    "FRAMEWORKS_DIR",
    "DefinitionError",
    "get",
    "load_definitions",
    "load_latest",
    "validate_definition",
]
