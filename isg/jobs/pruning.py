"""Results are kept for a while, not for ever.

A job's file is a copy of data that has its own retention (an export of the audit log, say):
it is removed `JOBS_KEEP_RESULTS_DAYS` after the job finished (the job's row stays, saying
what it was and when). The queue's own rows of finished tasks are deleted after
`TASKS_KEEP_DAYS`. `run_worker` prunes once an hour; `recover_stale_tasks` prunes too.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from isg.jobs.models import Job


def prune(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """How many job results were removed, and how many finished task rows were deleted."""
    now = now or timezone.now()
    results = (
        Job.objects.filter(
            finished_at__lt=now - datetime.timedelta(days=settings.JOBS_KEEP_RESULTS_DAYS),
            result__isnull=False,
        )
        .update(
            result=None,
            result_name="",
            summary=f"The file was removed {settings.JOBS_KEEP_RESULTS_DAYS} days after it was "
            "made. Start it again for a new one.",
        )
    )
    tasks, _ = DBTaskResult.objects.filter(
        status__in=["SUCCESSFUL", "FAILED"],
        finished_at__lt=now - datetime.timedelta(days=settings.TASKS_KEEP_DAYS),
    ).delete()
    return results, tasks
