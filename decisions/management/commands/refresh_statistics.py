from typing import Any

from django.core.management.base import BaseCommand

from isg.database import refresh_statistics


class Command(BaseCommand):
    help = (
        "Refresh the database's query-planner statistics (ANALYZE). Daily from cron on "
        "SQLite, which keeps none of its own; harmless on PostgreSQL, whose autovacuum does."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = refresh_statistics()
        self.stdout.write(f"Query-planner statistics refreshed in {seconds:.2f} s.")
