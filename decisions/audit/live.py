"""Verify now: the whole check of the log, run by a lead from the review screen, in bounded steps.

A run is a job on the task queue (isg/jobs, kind "audit-verify"): the worker calls `step`
until the run is finished; each step checks at most `STEP_ENTRIES` entries (the chain, the
HMACs and the tree, as `verify_audit` does) and commits where it got to in the
`AuditVerifyRun` row, so a worker that dies loses one step, and the next worker carries on
from there. The progress page refreshes itself until the run is finished. The outcome is
recorded as an `AuditVerification`, like `verify_audit`'s.
"""

from __future__ import annotations

import hashlib
import hmac as hmac_lib

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone

from decisions.audit import checkpoints, merkle
from decisions.audit.chain import GENESIS_HASH, audit_keys
from decisions.audit.verify import CHAIN_FIELDS, check_row
from decisions.models import AuditEntry, AuditVerification, AuditVerifyRun
from isg.accounts.models import User
from isg.jobs.kinds import Outcome, Progress, job_kind
from isg.jobs.models import Job
from isg.jobs.services import start_job

STEP_ENTRIES = 20_000
"""About a quarter of a second's work on this machine: a page request stays quick."""


def start_on_queue(user: User, organisation_id: int) -> AuditVerifyRun:
    """A new run, and the job that works it through."""
    with transaction.atomic():
        run = start(user)
        start_job(
            user=user, kind="audit-verify", organisation=organisation_id,
            parameters={"run_id": run.pk}, total=run.up_to_sequence,
        )
    return run


def job_of(run: AuditVerifyRun) -> Job | None:
    """The job working the run through (none for runs made before the queue)."""
    return (
        Job.objects.filter(kind="audit-verify", parameters__run_id=run.pk)
        .defer("result")
        .order_by("-created_at")
        .first()
    )


@job_kind("audit-verify", title="Checking the audit log", leads_may_see=True)
def verify_job(job: Job, progress: Progress) -> Outcome:
    run_id = int(job.parameters["run_id"])
    run = step(run_id)
    while run.finished_at is None:
        progress(run.checked, run.up_to_sequence)
        run = step(run_id)
    progress(run.checked, run.up_to_sequence)
    return Outcome(summary=run.message)


def start(user: User | AnonymousUser | None) -> AuditVerifyRun:
    """A new run over the log as it is now, with every checkpoint it must match."""
    found, problems = checkpoints.collect_checkpoints()
    up_to = AuditEntry.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    targets: dict[str, list[list[str]]] = {}
    for item in found:
        targets.setdefault(str(item.size), []).append([item.source, item.root.hex()])
    return AuditVerifyRun.objects.create(
        started_by=user if user is not None and user.is_authenticated else None,
        up_to_sequence=up_to or 0,
        prev_hash=GENESIS_HASH,
        checkpoints=targets,
        problems=problems,
    )


def step(run_id: int) -> AuditVerifyRun:
    """Advance the run by one bounded step (no-op once it is finished)."""
    with transaction.atomic():
        run = AuditVerifyRun.objects.select_for_update().get(pk=run_id)
        if run.finished_at is not None:
            return run
        keys = {key.key_id: key for key in audit_keys()}
        macs = {k: hmac_lib.new(key.secret, digestmod=hashlib.sha256) for k, key in keys.items()}
        edge = merkle.CompactRange(run.next_sequence - 1, [bytes.fromhex(h) for h in run.edge])
        expected_sequence, expected_prev = run.next_sequence, run.prev_hash
        rows = (
            AuditEntry.objects.filter(
                sequence__gte=run.next_sequence, sequence__lte=run.up_to_sequence
            )
            .order_by("sequence")
            .values_list(*CHAIN_FIELDS)[:STEP_ENTRIES]
        )
        problems = list(run.problems)
        count = 0
        for row in rows:
            count += 1
            problem = check_row(row, expected_sequence, expected_prev, keys, macs)
            if problem:
                failed, reason = problem
                problems.insert(0, f"audit log broken at entry {failed}: {reason}")
                run.failed_sequence = failed
                break
            edge.append(merkle.leaf_hash(bytes.fromhex(row[13])))
            for source, root in run.checkpoints.get(str(edge.size), []):
                if edge.root().hex() != root:
                    problems.append(
                        f"checkpoint {edge.size} ({source}) does not match the log: one of "
                        f"entries 1 to {edge.size} was changed, inserted or removed since it "
                        "was signed"
                    )
            expected_prev, expected_sequence = row[13], row[0] + 1
        run.next_sequence = expected_sequence
        run.prev_hash = expected_prev
        run.edge = [h.hex() for h in edge.hashes]
        done = run.failed_sequence is not None or count < STEP_ENTRIES or (
            expected_sequence > run.up_to_sequence
        )
        if done:
            checked = expected_sequence - 1
            for size_text, items in run.checkpoints.items():
                if int(size_text) > checked and run.failed_sequence is None:
                    for source, _ in items:
                        problems.append(
                            f"the log ends at entry {checked} but checkpoint {size_text} "
                            f"({source}) was signed for {size_text} entries: entries "
                            f"{checked + 1} to {size_text} were deleted"
                        )
            seen = (
                AuditVerification.objects.filter(intact=True, up_to_sequence__isnull=False)
                .order_by("-up_to_sequence")
                .values_list("up_to_sequence", flat=True)
                .first()
            )
            if seen and seen > checked and run.failed_sequence is None:
                problems.append(
                    f"the log ends at entry {checked} but an earlier verification saw entries "
                    f"up to {seen}: entries deleted from the end"
                )
            run.finished_at = timezone.now()
            run.intact = not problems
            run.message = (
                f"audit log intact: {checked} entries, "
                f"{sum(len(v) for v in run.checkpoints.values())} checkpoint(s) match"
                if run.intact
                else "; ".join(problems)
            )
            AuditVerification.objects.create(
                checked_by=run.started_by,
                source="verify now",
                since_sequence=1,
                up_to_sequence=checked or None,
                entries_checked=checked,
                intact=run.intact,
                failed_sequence=run.failed_sequence,
                message=run.message[:2000],
            )
        run.problems = problems
        run.save()
        return run
