"""Starting a job, running an attempt, and what happens when one fails."""

from __future__ import annotations

import datetime
import logging
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django_tasks import task

from isg.accounts.models import Organisation, User
from isg.jobs.kinds import KINDS, Outcome, Progress, Superseded, kind_of
from isg.jobs.models import Job
from isg.jobs.queue import backoff

logger = logging.getLogger(__name__)

PROGRESS_EVERY = datetime.timedelta(seconds=1)
"""Progress is written at most this often (and always at the end): the page needs no more."""


def start_job(
    *,
    user: User,
    kind: str,
    organisation: Organisation | int | None = None,
    parameters: dict[str, Any] | None = None,
    total: int | None = None,
    title: str | None = None,
) -> Job:
    """A new job, queued. Call it in the transaction that records why it was started."""
    found = KINDS[kind]
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            title=title or found.title,
            started_by=user,
            organisation_id=(
                organisation.pk if isinstance(organisation, Organisation) else organisation
            ),
            parameters=parameters or {},
            total=total,
            max_attempts=found.max_attempts,
        )
        enqueue_attempt(job)
    return job


def enqueue_attempt(job: Job, *, run_after: datetime.datetime | None = None) -> None:
    """Put the job's next attempt on the queue (now, or at `run_after`)."""
    runner = run_job.using(run_after=run_after) if run_after else run_job
    result = runner.enqueue(str(job.pk))
    job.task_id = result.id
    job.retry_at = run_after
    job.save(update_fields=["task_id", "retry_at"])


def claim(job_id: str) -> tuple[Job, str] | None:
    """Mark the job running for a new attempt, with its own token; None if nothing to do."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return None
        now = timezone.now()
        job.status = Job.Status.RUNNING
        job.attempts += 1
        job.run_token = secrets.token_hex(16)
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.retry_at = None
        job.save(
            update_fields=[
                "status", "attempts", "run_token", "started_at", "heartbeat_at", "retry_at"
            ]
        )
        return job, job.run_token


def _mine(job: Job, token: str) -> Any:
    return Job.objects.filter(pk=job.pk, run_token=token, status=Job.Status.RUNNING)


def progress_for(job: Job, token: str) -> Progress:
    last = [timezone.now() - PROGRESS_EVERY]

    def report(done: int, total: int | None) -> None:
        now = timezone.now()
        if now - last[0] < PROGRESS_EVERY and (total or job.total) != done:
            return
        last[0] = now
        changes: dict[str, Any] = {"done": done, "heartbeat_at": now}
        if total is not None:
            changes["total"] = total
            job.total = total
        if not _mine(job, token).update(**changes):
            raise Superseded(str(job.pk))

    return Progress(report)


def finish(job: Job, token: str, outcome: Outcome) -> bool:
    """Keep the outcome, if this attempt still owns the job."""
    with transaction.atomic():
        current = _mine(job, token).select_for_update().first()
        if current is None:
            return False
        current.status = Job.Status.SUCCEEDED
        current.done = current.total if current.total is not None else current.done
        current.summary = outcome.summary
        current.result_name = outcome.filename
        current.result_type = outcome.content_type
        current.result = outcome.content
        current.error = ""
        current.finished_at = timezone.now()
        current.save()
        return True


NOT_RETRIED = (Http404, PermissionDenied)
"""Failures that another attempt would meet again: the starter may no longer see the data."""


def failed(
    job: Job, token: str | None, reason: str, *, final: bool = False, at_once: bool = False
) -> Job | None:
    """An attempt failed: queue the next after a back-off (or `at_once`), or fail the job for
    good once its attempts are used up (or it is `final`)."""
    with transaction.atomic():
        rows = Job.objects.select_for_update().filter(pk=job.pk)
        if token is not None:
            rows = rows.filter(run_token=token)
        current = rows.first()
        if current is None or current.finished:
            return None
        current.run_token = ""
        if current.attempts < current.max_attempts and not final:
            current.status = Job.Status.QUEUED
            current.error = f"attempt {current.attempts} of {current.max_attempts} failed: {reason}"
            current.save(update_fields=["status", "error", "run_token"])
            enqueue_attempt(
                current,
                run_after=None if at_once else timezone.now() + backoff(current.attempts),
            )
        else:
            current.status = Job.Status.FAILED
            current.error = f"failed after {current.attempts} attempt(s): {reason}"
            current.finished_at = timezone.now()
            current.save(update_fields=["status", "error", "run_token", "finished_at"])
        return current


def describe(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


@task()
def run_job(job_id: str) -> str:
    """One attempt at a job: the task the queue runs."""
    claimed = claim(job_id)
    if claimed is None:
        return "nothing to do"
    job, token = claimed
    kind = kind_of(job)
    if kind is None:
        failed(job, token, f"no kind of job called {job.kind!r} is known to this worker")
        return "unknown kind"
    try:
        outcome = kind.run(job, progress_for(job, token))
    except Superseded:
        return "superseded"
    except Exception as exc:
        logger.exception("Job %s (%s) attempt %d failed", job.pk, job.kind, job.attempts)
        failed(job, token, describe(exc), final=isinstance(exc, NOT_RETRIED))
        raise  # the task's own row keeps the traceback
    return "done" if finish(job, token, outcome) else "superseded"
