"""Kinds of job for the tests alone (imported by the tests and by their worker processes)."""

from __future__ import annotations

import time

from isg.jobs.kinds import Outcome, Progress, job_kind
from isg.jobs.models import Job


@job_kind("tests.count", title="Counting")
def count(job: Job, progress: Progress) -> Outcome:
    total = int(job.parameters["n"])
    for done in range(1, total + 1):
        time.sleep(float(job.parameters.get("sleep", 0)))
        progress(done, total)
    return Outcome(
        summary=f"counted to {total}", filename="count.txt", content_type="text/plain",
        content=f"counted to {total} in attempt {job.attempts}".encode(),
    )


@job_kind("tests.flaky", title="Flaky work", max_attempts=3)
def flaky(job: Job, progress: Progress) -> Outcome:
    if job.attempts < int(job.parameters["succeed_on"]):
        raise RuntimeError(f"the printer is on fire (attempt {job.attempts})")
    return Outcome(summary="worked in the end")


@job_kind("tests.shared", title="Shared with leads", leads_may_see=True)
def shared(job: Job, progress: Progress) -> Outcome:
    return Outcome(summary="seen by leads", filename="s.txt", content_type="text/plain",
                   content=b"s")
