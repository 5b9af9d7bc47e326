"""`db_worker`, plus the recovery of work whose worker died (isg/jobs/recovery.py).

    python manage.py run_worker [--stale-after SECONDS] [db_worker's options]

Run as many as you like, on as many machines as reach the database.
"""

from __future__ import annotations

import datetime
import logging
import os
import threading
from argparse import ArgumentParser
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from isg.jobs.pruning import prune
from isg.jobs.recovery import recover_stale, stale_after

logger = logging.getLogger("isg.jobs")


PRUNE_EVERY = datetime.timedelta(hours=1)


def keep_recovering(after: datetime.timedelta, stop: threading.Event) -> None:
    """Look for dead workers' work at start, then every quarter of the stale period; prune
    old results once an hour."""
    every = max(min(after.total_seconds() / 4, 60.0), 0.5)
    pruned_at: datetime.datetime | None = None
    while not stop.is_set():
        try:
            recover_stale(after=after)
            if pruned_at is None or timezone.now() - pruned_at > PRUNE_EVERY:
                prune()
                pruned_at = timezone.now()
        except Exception:
            logger.exception("Could not look for stale jobs; trying again later")
        finally:
            connection.close()
        stop.wait(every)


class Command(db_worker.Command):
    help = "Run a worker for the task queue, and put back the work of workers that died."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--stale-after",
            type=float,
            default=None,
            help="Seconds without a heartbeat after which a running job is taken to have lost "
            "its worker (default: JOBS_STALE_AFTER_SECONDS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seconds = options.pop("stale_after")
        after = datetime.timedelta(seconds=seconds) if seconds else stale_after()
        reloading_parent = options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"
        if not reloading_parent:
            stop = threading.Event()
            threading.Thread(
                target=keep_recovering, args=(after, stop), name="recover-stale", daemon=True
            ).start()
        super().handle(*args, **options)
