"""A real `run_worker` process against the test database, for tests that need one.

The process reads the same test settings, pointed by DATABASE_URL at the database the tests
use (a file on SQLite, the per-process test database on PostgreSQL); the test must be
transactional (`django_db(transaction=True)`, or the live server) for it to see the rows.
`imports` are modules imported before the worker starts (job kinds defined by tests).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user = quote(settings.get("USER") or "")
    password = f":{quote(settings['PASSWORD'])}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "localhost"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{settings['NAME']}"


def start_worker(
    *, imports: Sequence[str] = (), stale_after: float | None = None, interval: float = 0.2
) -> subprocess.Popen[bytes]:
    arguments = ["--no-reload", "--queue-name=*", f"--interval={interval}", "--no-startup-delay"]
    if stale_after is not None:
        arguments.append(f"--stale-after={stale_after}")
    program = (
        "import django; django.setup()\n"
        + "".join(f"import {name}\n" for name in imports)
        + "from django.core.management import call_command\n"
        + f"call_command('run_worker', *{arguments!r})\n"
    )
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "isg.settings_test",
        "DATABASE_URL": database_url(),
    }
    # Its output goes to a file, not a pipe: a pipe nobody reads fills up and stops the worker.
    log = tempfile.TemporaryFile()
    process = subprocess.Popen(
        [sys.executable, "-c", program], cwd=ROOT, env=environment,
        stdout=log, stderr=subprocess.STDOUT,
    )
    process.log = log  # type: ignore[attr-defined]
    return process


def stop_worker(process: subprocess.Popen[bytes]) -> str:
    """Stop the worker (SIGTERM, then SIGKILL) and return what it printed."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log = process.log  # type: ignore[attr-defined]
    log.seek(0)
    output = log.read().decode(errors="replace")
    log.close()
    return output


def wait_for(condition: Callable[[], object], *, timeout: float = 30.0, every: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise AssertionError(f"still waiting after {timeout} seconds")
