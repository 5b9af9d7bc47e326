"""Helpers for tasks on Django's tasks API, whatever they do.

Define a task as a module-level function under `@task()` (from `django_tasks`), and enqueue
it: `send_email.enqueue(to=..., subject=..., body=...)`. The database backend writes the task
row in the caller's transaction, so a task enqueued in a transaction that rolls back never
runs, and a worker sees it only once the transaction commits. Arguments must be JSON: pass
ids, not model instances.

django-tasks 0.12 does not retry. `retrying` does, with back-off: put it under `@task()`.
"""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction

logger = logging.getLogger(__name__)

P = ParamSpec("P")
T = TypeVar("T")

ATTEMPT = "attempt"
"""The keyword argument that carries a retried task's attempt number (1 for the first)."""


def backoff(attempt: int) -> datetime.timedelta:
    """How long to wait after attempt `attempt` failed: 30 s, 2 min, 8 min, 32 min, 1 h…"""
    return datetime.timedelta(seconds=min(30 * 4 ** max(attempt - 1, 0), 3600))


def retrying(
    max_attempts: int = 5,
    *,
    give_up: Callable[..., None] | None = None,
) -> Callable[[Callable[P, T]], Callable[P, T]]:
    """Run a failed task again after `backoff`, up to `max_attempts` in all.

    The task is enqueued again with `attempt=n+1` and a `run_after` in the future, and the
    failing attempt's row keeps its traceback (it is recorded as failed). After the last
    attempt, `give_up(exc, *args, **kwargs)` is called if given (to mark a delivery failed,
    say) and the error is raised.

        @task()
        @retrying(max_attempts=5)
        def deliver(delivery_id: int, attempt: int = 1) -> None: ...
    """

    def decorate(func: Callable[P, T]) -> Callable[P, T]:
        @functools.wraps(func)
        def run(*args: P.args, **kwargs: P.kwargs) -> T:
            attempt = int(kwargs.get(ATTEMPT, 1))  # type: ignore[call-overload]
            try:
                return func(*args, **kwargs)
            except Exception as exc:
                if attempt < max_attempts:
                    # The module attribute is the Task that wraps this function.
                    itself: Task = import_string(f"{func.__module__}.{func.__qualname__}")
                    again = itself.using(run_after=timezone.now() + backoff(attempt))
                    again.enqueue(*args, **{**kwargs, ATTEMPT: attempt + 1})
                    logger.warning(
                        "%s failed (attempt %d of %d), retried later: %s",
                        func.__qualname__, attempt, max_attempts, exc,
                    )
                else:
                    logger.error(
                        "%s failed after %d attempts: %s", func.__qualname__, attempt, exc
                    )
                    if give_up is not None:
                        give_up(exc, *args, **kwargs)
                raise

        return run

    return decorate


def run_due_tasks(
    *, at: datetime.datetime | None = None, worker_id: str = "in-process", limit: int = 1000
) -> int:
    """Run every task that is due (at `at`, by default now) in this process, one by one.

    The same claim and run as `db_worker`'s, without its loop and its signal handlers: for
    tests and for commands that want their tasks done before they return. Tasks enqueued
    while running are run too. Returns how many ran.
    """
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=["*"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id=worker_id, excluded_queue_names=[],
    )
    ran = 0
    while ran < limit:
        moment = at or timezone.now()
        due = DBTaskResult.objects.filter(
            Q(run_after=get_date_max()) | Q(run_after__lte=moment), status="READY"
        )
        with exclusive_transaction(due.db):
            row = due.select_for_update(skip_locked=True).first()
            if row is not None:
                row.claim(worker_id)
        if row is None:
            return ran
        worker.run_task(row)
        ran += 1
    return ran
