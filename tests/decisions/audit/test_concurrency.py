"""Many writers at once still make one chain: gapless sequences, no forks."""

import threading

import pytest
from django.db import connection, connections

from decisions.audit import record as audit_log
from decisions.audit import verify
from decisions.models import AuditEntry
from isg.accounts.models import Organisation

THREADS = 8
PER_THREAD = 10


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_make_one_gapless_chain(on_postgres):
    organisation = Organisation.objects.create(name="Concurrent")
    start = threading.Barrier(THREADS)
    errors = []

    def write(worker: int) -> None:
        try:
            start.wait()
            for n in range(PER_THREAD):
                audit_log.record(
                    action=AuditEntry.Action.RECORD_VIEWED,
                    organisation=organisation,
                    snapshot={"worker": worker, "n": n},
                )
        except Exception as exc:  # reported below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    total = THREADS * PER_THREAD
    sequences = list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    prev_hashes = list(AuditEntry.objects.values_list("prev_hash", flat=True))
    assert len(set(prev_hashes)) == total
    result = verify.verify_chain()
    assert result.intact and result.entries_checked == total
    assert connection.vendor == "postgresql"
