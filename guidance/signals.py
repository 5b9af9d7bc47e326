"""Signal handlers: sync the framework files after migrate; drop the catalogue's cache."""

from typing import Any

from django.apps import apps as global_apps
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from guidance import catalogue
from guidance.sync import sync_frameworks


def sync_after_migrate(sender: Any, *, using: str = "default", apps: Any = None,
                       verbosity: int = 1, **kwargs: Any) -> None:
    """Load ``fixtures/frameworks`` into the tables once the guidance tables exist.

    ``apps`` is the migration state: after ``migrate guidance zero`` (or a partial migrate)
    the models are not there yet, and there is nothing to sync.
    """
    state = apps or global_apps
    try:
        framework_model = state.get_model("guidance", "Framework")
        version_model = state.get_model("guidance", "FrameworkVersion")
    except LookupError:
        return
    report = sync_frameworks(
        using=using, framework_model=framework_model, version_model=version_model
    )
    if verbosity >= 2 and report.added:
        print(f"  Guidance: added {', '.join(report.added)}")


@receiver([post_save, post_delete], sender="guidance.FrameworkVersion")
def forget_cached_definitions(**kwargs: Any) -> None:
    catalogue.clear_cache()
