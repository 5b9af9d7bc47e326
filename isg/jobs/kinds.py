"""The kinds of job: each a name, a title, and the function that does the work.

Register one in your app's `jobs.py` (imported when the app registry is ready):

    @job_kind("audit-csv", title="Audit log export (CSV)")
    def export_audit_csv(job: Job, progress: Progress) -> Outcome:
        ...
        progress(done, total)      # at least every few seconds: it is the job's heartbeat
        return Outcome(filename="audit.csv", content_type="text/csv", content=data)

The function runs in a worker, perhaps more than once (a retry, or a worker that died): it
must be safe to run again, and it should not commit anything it cannot take back before it
returns. Whatever it returns is saved with the job in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from isg.jobs.models import Job


class Superseded(Exception):
    """This attempt no longer owns the job (it was taken to have died, and run again)."""


class Progress:
    """Reports an attempt's progress; each report is also the job's heartbeat."""

    def __init__(self, report: Callable[[int, int | None], None]) -> None:
        self._report = report

    def __call__(self, done: int, total: int | None = None) -> None:
        self._report(done, total)


@dataclass(frozen=True)
class Outcome:
    summary: str = ""
    filename: str = ""
    content_type: str = ""
    content: bytes | None = None


@dataclass(frozen=True)
class JobKind:
    name: str
    title: str
    run: Callable[[Job, Progress], Outcome]
    max_attempts: int = 3
    # The starter sees a job; the safeguarding leads of its organisation too if this is set.
    leads_may_see: bool = False


KINDS: dict[str, JobKind] = {}


def job_kind(
    name: str, *, title: str, max_attempts: int = 3, leads_may_see: bool = False
) -> Callable[[Callable[[Job, Progress], Outcome]], Callable[[Job, Progress], Outcome]]:
    def register(run: Callable[[Job, Progress], Outcome]) -> Callable[[Job, Progress], Outcome]:
        KINDS[name] = JobKind(name, title, run, max_attempts, leads_may_see)
        return run

    return register


def kind_of(job: Job) -> JobKind | None:
    return KINDS.get(job.kind)
