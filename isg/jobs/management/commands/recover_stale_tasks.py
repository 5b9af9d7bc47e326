"""Put back, once, the work of workers that died, and prune old results (run_worker does
both by itself)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from isg.jobs.pruning import prune
from isg.jobs.recovery import recover_stale


class Command(BaseCommand):
    help = "Queue again the jobs and tasks whose worker stopped; remove old results."

    def handle(self, *args: Any, **options: Any) -> None:
        count = recover_stale()
        results, tasks = prune()
        self.stdout.write(
            f"{count} job(s) or task(s) put back on the queue; {results} old result(s) and "
            f"{tasks} finished task row(s) removed"
        )
