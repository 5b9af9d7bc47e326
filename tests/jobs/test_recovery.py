"""Nothing is lost when a worker is killed mid-task: the next worker runs the job again."""

import datetime
import signal

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from isg.jobs import services
from isg.jobs.models import Job
from isg.jobs.recovery import recover_stale
from tests.jobs import kinds  # noqa: F401
from tests.workers import wait_for


def fresh(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_is_killed_mid_task_is_finished_by_another(world, worker_process):
    job = services.start_job(
        user=world.users["lead"], kind="tests.count", organisation=world.org,
        parameters={"n": 25, "sleep": 0.2},
    )
    first = worker_process(imports=["tests.jobs.kinds"])
    wait_for(lambda: fresh(job).done >= 3)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    killed = fresh(job)
    assert killed.status == Job.Status.RUNNING and killed.done < 25
    assert DBTaskResult.objects.get(pk=killed.task_id).status == "RUNNING"

    worker_process(imports=["tests.jobs.kinds"], stale_after=1)
    wait_for(lambda: fresh(job).finished, timeout=60)

    done = fresh(job)
    assert done.status == Job.Status.SUCCEEDED
    assert done.attempts == 2
    assert bytes(done.result) == b"counted to 25 in attempt 2"
    lost = DBTaskResult.objects.get(pk=killed.task_id)
    assert lost.status == "FAILED" and "WorkerLost" in lost.exception_class_path


@pytest.mark.django_db
def test_recovery_leaves_a_job_with_a_recent_heartbeat_alone(world):
    job = services.start_job(user=world.users["lead"], kind="tests.count", parameters={"n": 1})
    services.claim(str(job.pk))
    assert recover_stale(after=datetime.timedelta(minutes=5)) == 0
    assert fresh(job).status == Job.Status.RUNNING


@pytest.mark.django_db
def test_a_lost_job_with_no_attempts_left_fails_saying_why(world):
    job = services.start_job(user=world.users["lead"], kind="tests.count", parameters={"n": 1})
    Job.objects.filter(pk=job.pk).update(max_attempts=1)
    services.claim(str(job.pk))
    later = timezone.now() + datetime.timedelta(hours=1)
    assert recover_stale(now=later) == 1
    lost = fresh(job)
    assert lost.status == Job.Status.FAILED
    assert lost.error == "failed after 1 attempt(s): the worker stopped while running it"


@pytest.mark.django_db
def test_a_plain_task_left_running_is_made_ready_again(run_tasks):
    from isg.jobs.emails import send_email

    result = send_email.enqueue(to="a@example.org", subject="s", body="b")
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("a-worker-that-dies")
    later = timezone.now() + datetime.timedelta(hours=1)
    assert recover_stale(now=later) == 1
    assert DBTaskResult.objects.get(pk=result.id).status == "READY"
