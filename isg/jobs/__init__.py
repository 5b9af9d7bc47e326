"""Background work: the task queue's helpers, and jobs people start and watch.

- `queue`: helpers for any task on Django's tasks API (retries with back-off, running due
  tasks in-process for tests and commands).
- `models.Job`, `kinds`, `services`, `selectors`, `views`: a long piece of work a user starts
  (an export, a check of the audit log), its progress, its result for download, its failure.
- `recovery`: a job or task whose worker died is run again.
- `emails`: every email ISG sends goes out through the queue.

This package imports Django and isg.accounts only. Other apps register their kinds of job
in a module `<app>/jobs.py`, imported when the app registry is ready (`apps.py`).
"""
