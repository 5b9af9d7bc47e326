"""Fixtures for the engine tests: pure Python, no Django, no database.

Run on their own with ``pytest tests/engine -p no:django --confcutdir=tests/engine`` (the
confcutdir keeps the project's Django conftest out while the settings do not exist).
"""

import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from guidance import engine, frameworks  # noqa: E402

SLUGS = ("uk-2024", "uk-2018", "sa-isg", "nz", "vic-ciss")


@pytest.fixture(scope="session")
def latest() -> dict:
    return frameworks.load_latest()


@pytest.fixture(scope="session")
def versions() -> dict:
    """(slug, version) -> definition, for every published version."""
    return {(d["slug"], d["version"]): d for d in frameworks.load_definitions()}


@pytest.fixture
def decide_at(versions):
    """decide_at(slug, version, **facts) -> engine.Result, on that exact version."""

    def run(slug: str, version: str, **facts: object) -> engine.Result:
        return engine.evaluate(versions[(slug, version)], facts)

    return run


@pytest.fixture
def decide(latest):
    """decide(slug, **facts) -> engine.Result, on the latest version of the framework."""

    def run(slug: str, **facts: object) -> engine.Result:
        return engine.evaluate(latest[slug], facts)

    return run
