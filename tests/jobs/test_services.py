import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from isg.jobs import services
from isg.jobs.kinds import Outcome, Superseded
from isg.jobs.models import Job
from isg.jobs.queue import backoff
from tests.jobs import kinds  # noqa: F401  (registers the tests' kinds)

pytestmark = pytest.mark.django_db


def start(world, kind="tests.count", **parameters):
    return services.start_job(user=world.users["lead"], kind=kind, organisation=world.org,
                              parameters=parameters)


def test_a_started_job_waits_on_the_queue_until_a_worker_runs_it(world, run_tasks):
    job = start(world, n=3)
    assert job.status == Job.Status.QUEUED
    assert DBTaskResult.objects.filter(pk=job.task_id, status="READY").exists()

    assert run_tasks() == 1

    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED
    assert (job.done, job.total, job.attempts) == (3, 3, 1)
    assert bytes(job.result) == b"counted to 3 in attempt 1"
    assert job.result_name == "count.txt" and job.finished_at is not None


def test_a_job_enqueued_in_a_transaction_that_rolls_back_never_runs(world, run_tasks):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        start(world, n=1)
        raise RuntimeError("the caller changed its mind")
    assert not Job.objects.exists()
    assert run_tasks() == 0


def test_a_failing_job_is_retried_after_a_back_off_then_succeeds(world, run_tasks):
    job = start(world, kind="tests.flaky", succeed_on=2)
    run_tasks()
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED
    assert job.error == "attempt 1 of 3 failed: the printer is on fire (attempt 1)"
    assert job.retry_at is not None and job.retry_at > timezone.now()

    assert run_tasks() == 0  # not before its back-off
    assert run_tasks(at=job.retry_at + datetime.timedelta(seconds=1)) == 1
    job.refresh_from_db()
    assert (job.status, job.attempts, job.summary) == (Job.Status.SUCCEEDED, 2, "worked in the end")
    failed_attempt = DBTaskResult.objects.exclude(pk=job.task_id).get()
    assert failed_attempt.status == "FAILED" and "printer is on fire" in failed_attempt.traceback


def test_a_job_that_keeps_failing_fails_after_its_attempts(world, run_tasks):
    job = start(world, kind="tests.flaky", succeed_on=99)
    later = timezone.now() + datetime.timedelta(days=1)
    run_tasks(at=later)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.attempts == 3
    assert job.error == "failed after 3 attempt(s): the printer is on fire (attempt 3)"
    assert DBTaskResult.objects.filter(status="FAILED").count() == 3


def test_an_attempt_that_lost_its_token_may_not_report_or_finish(world):
    job = start(world, n=2)
    claimed = services.claim(str(job.pk))
    assert claimed is not None
    _, token = claimed
    services.failed(job, None, "the worker stopped while running it")  # recovery took it
    with pytest.raises(Superseded):
        services.progress_for(job, token)(1, 2)
    assert services.finish(job, token, Outcome(summary="late")) is False
    job.refresh_from_db()
    assert job.status == Job.Status.QUEUED and job.summary == ""


def test_back_off_grows_and_is_capped():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4, 5, 9)] == [
        30, 120, 480, 1920, 3600, 3600
    ]
