import copy

import pytest
from django.utils import timezone

from guidance import catalogue
from guidance.models import Framework, FrameworkVersion


def add_version(slug: str, version: str, *, published: bool = True, **changes) -> dict:
    base = copy.deepcopy(catalogue.definition(slug, "1.0.0"))
    base.update(version=version, **changes)
    FrameworkVersion.objects.create(
        framework=Framework.objects.get(slug=slug),
        definition=base,
        published_at=timezone.now() if published else None,
    )
    return base


def test_latest_has_one_version_per_framework(db):
    slugs = [d["slug"] for d in catalogue.latest()]
    assert sorted(slugs) == ["nz", "sa-isg", "uk-2018", "uk-2024", "vic-ciss"]


def test_choices_pair_slug_and_title(db):
    assert ("uk-2024", catalogue.definition("uk-2024")["title"]) in catalogue.choices()


def test_definition_returns_exactly_the_stored_version(db):
    add_version("uk-2024", "1.2.0", summary="The revised advice.", effective_date="2030-01-01")
    assert catalogue.definition("uk-2024")["version"] == "1.2.0"
    old = catalogue.definition("uk-2024", "1.0.0")
    assert old["version"] == "1.0.0"
    assert old["summary"] != "The revised advice."


def test_unknown_framework_or_version_raises(db):
    with pytest.raises(catalogue.UnknownFramework):
        catalogue.definition("atlantis")
    with pytest.raises(catalogue.UnknownFramework):
        catalogue.definition("uk-2024", "7.0.0")


def test_drafts_are_not_served(db):
    add_version("nz", "1.0.1", published=False, effective_date="2030-01-01")
    assert catalogue.definition("nz")["version"] == "1.1.0"
    with pytest.raises(catalogue.UnknownFramework):
        catalogue.definition("nz", "1.0.1")


def test_version_saved_by_another_process_is_found_by_exact_lookup(db):
    assert catalogue.definition("sa-isg")["version"] == "1.1.0"  # cache warm
    definition = copy.deepcopy(catalogue.definition("sa-isg", "1.0.0"))
    definition["version"] = "1.0.1"
    # bulk_create sends no signal: to this process it is as if another one saved it.
    FrameworkVersion.objects.bulk_create([
        FrameworkVersion(
            framework=Framework.objects.get(slug="sa-isg"), version="1.0.1",
            effective_date="2020-01-01", definition=definition, content_hash="x",
            published_at=timezone.now(),
        )
    ])
    assert catalogue.definition("sa-isg", "1.0.1") == definition
