"""Work whose worker died is run again.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again: a
worker killed mid-task (SIGKILL, a crash, the machine lost) leaves the row RUNNING for ever.
Every `run_worker` calls `recover_stale` now and then (and `manage.py recover_stale_tasks`
does it once), which puts such work back:

- a **job** whose heartbeat (its last progress report) is older than
  `JOBS_STALE_AFTER_SECONDS` counts the lost attempt as failed ("the worker stopped while
  running it") and is queued again at once, or fails for good once its attempts are used up. The
  lost attempt's token is revoked, so if its worker was only slow, not dead, it is refused
  when it next reports and stops (`Superseded`).
- any **other task** (an email, a webhook) RUNNING for longer than that is made READY again:
  such tasks are short, and are written to be safe to run twice.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from isg.jobs import services
from isg.jobs.models import Job

logger = logging.getLogger(__name__)

RUN_JOB = services.run_job.module_path


class WorkerLost(Exception):
    """The worker running this task stopped before it finished."""


def stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.JOBS_STALE_AFTER_SECONDS)


def recover_stale(
    *, now: datetime.datetime | None = None, after: datetime.timedelta | None = None
) -> int:
    """Put back the work of dead workers; returns how many jobs and tasks were put back."""
    cutoff = (now or timezone.now()) - (after or stale_after())
    recovered = 0
    stale_jobs = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=cutoff)
    for job_id in list(stale_jobs.values_list("pk", flat=True)):
        with transaction.atomic():
            job = stale_jobs.select_for_update(skip_locked=True).filter(pk=job_id).first()
            if job is None:
                continue
            lost = DBTaskResult.objects.filter(pk=job.task_id, status="RUNNING").first()
            if lost is not None:
                lost.set_failed(WorkerLost(f"job {job.pk}: no heartbeat since {job.heartbeat_at}"))
            logger.warning("Job %s lost its worker; attempt %d counted failed", job.pk,
                           job.attempts)
            # At once, not after a back-off: the work was not refused, its worker vanished.
            # The lost attempt still counts, so work that kills its worker stops in the end.
            services.failed(job, None, "the worker stopped while running it", at_once=True)
            recovered += 1
    tasks = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff).exclude(
        task_path=RUN_JOB
    )
    with exclusive_transaction(tasks.db):
        for row in tasks.select_for_update(skip_locked=True):
            logger.warning("Task %s (%s) lost its worker; made ready again", row.pk,
                           row.task_path)
            row.status = "READY"
            row.save(update_fields=["status"])
            recovered += 1
    return recovered
