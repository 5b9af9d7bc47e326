import json
import shutil

import pytest
from django.core.management import call_command

from guidance import frameworks
from guidance.models import Framework, FrameworkVersion
from guidance.sync import SyncError, sync_frameworks


def fixture_versions() -> set[tuple[str, str]]:
    return {(d["slug"], d["version"]) for d in frameworks.load_definitions()}


@pytest.fixture
def copied_fixtures(tmp_path):
    target = tmp_path / "frameworks"
    shutil.copytree(frameworks.FRAMEWORKS_DIR, target)
    return target


def test_migrate_leaves_every_fixture_version_published(db):
    stored = set(FrameworkVersion.objects.values_list("framework__slug", "version"))
    assert stored == fixture_versions()
    assert not FrameworkVersion.objects.filter(published_at__isnull=True).exists()


def test_stored_definition_equals_the_file(db):
    for definition in frameworks.load_definitions():
        stored = FrameworkVersion.objects.get(
            framework__slug=definition["slug"], version=definition["version"]
        )
        assert stored.definition == definition
        assert stored.effective_date.isoformat() == definition["effective_date"]
        assert stored.sources == definition["sources"]


def test_sync_again_is_a_no_op(db):
    before = list(FrameworkVersion.objects.order_by("pk").values())
    report = sync_frameworks()
    assert report.added == []
    assert len(report.unchanged) == len(before)
    assert list(FrameworkVersion.objects.order_by("pk").values()) == before


def test_migrate_again_is_a_no_op(db):
    before = list(FrameworkVersion.objects.order_by("pk").values("pk", "content_hash"))
    call_command("migrate", verbosity=0)
    assert list(FrameworkVersion.objects.order_by("pk").values("pk", "content_hash")) == before


def test_new_file_version_is_added(db, copied_fixtures):
    source = copied_fixtures / "uk-2024" / "1.0.0.json"
    definition = json.loads(source.read_text())
    definition.update(version="1.0.1", summary=definition["summary"] + " Revised.")
    (copied_fixtures / "uk-2024" / "1.0.1.json").write_text(json.dumps(definition))
    report = sync_frameworks(directory=copied_fixtures)
    assert report.added == ["uk-2024 1.0.1"]
    assert FrameworkVersion.objects.filter(framework__slug="uk-2024").count() == 3


def test_edited_published_version_fails_loudly_and_changes_nothing(db, copied_fixtures):
    path = copied_fixtures / "uk-2024" / "1.0.0.json"
    definition = json.loads(path.read_text())
    definition["summary"] = "Quietly rewritten."
    path.write_text(json.dumps(definition))
    with pytest.raises(SyncError, match="Bump the version"):
        sync_frameworks(directory=copied_fixtures)
    stored = FrameworkVersion.objects.get(framework__slug="uk-2024", version="1.0.0")
    assert stored.definition["summary"] != "Quietly rewritten."


def test_key_order_and_spacing_are_not_a_change(db, copied_fixtures):
    path = copied_fixtures / "nz" / "1.0.0.json"
    definition = json.loads(path.read_text())
    path.write_text(json.dumps(dict(reversed(list(definition.items()))), indent=4))
    assert sync_frameworks(directory=copied_fixtures).added == []


def test_invalid_file_is_reported_as_a_sync_error(db, copied_fixtures):
    (copied_fixtures / "nz" / "1.0.1.json").write_text("{not json")
    with pytest.raises(SyncError, match="1.0.1.json"):
        sync_frameworks(directory=copied_fixtures)


def test_framework_rows_carry_the_title(db):
    uk = Framework.objects.get(slug="uk-2024")
    assert uk.title == frameworks.get("uk-2024")["title"]
    assert uk.jurisdiction
