"""Running one data migration's function inside a test, against the models as they stood at
that migration."""

import importlib
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


class StatementRunner:
    """What a migration asks of its schema editor, inside the test's transaction (SQLite's
    real editor refuses to open inside one)."""

    connection = connection

    def execute(self, sql: str, params: object = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)


def run_data_migration(app: str, name: str, function: str) -> None:
    """Call `function(apps, schema_editor)` of migration `app.name`, with the apps of its
    state."""
    migration = importlib.import_module(f"{app}.migrations.{name}")
    step: Callable[[Any, StatementRunner], None] = getattr(migration, function)
    state = MigrationExecutor(connection).loader.project_state((app, name))
    step(state.apps, StatementRunner())
