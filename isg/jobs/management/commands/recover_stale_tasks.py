"""Put back, once, the work of workers that died (run_worker does this by itself)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from isg.jobs.recovery import recover_stale


class Command(BaseCommand):
    help = "Queue again the jobs and tasks whose worker stopped while running them."

    def handle(self, *args: Any, **options: Any) -> None:
        count = recover_stale()
        self.stdout.write(f"{count} job(s) or task(s) put back on the queue")
